//! Watching a folder: OS events (`notify`) where they work, a periodic
//! rescan always (the only mechanism in polling mode and on network shares),
//! and recovery when the folder goes away and comes back.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use okusuri_store::Store;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::FeedError;
use crate::config::{FolderConfig, WatchMode};
use crate::folder::{FeedEvent, FolderFeed};

/// How often the folder's presence is checked (and a lost one looked for).
const RECONNECT: Duration = Duration::from_secs(2);

/// What an OS event says about a file in the folder.
enum Change {
    /// Written and closed, or renamed into the folder: complete.
    Complete(String),
    /// Created or modified: complete once it settles (or is closed).
    Touched(String),
    /// The folder itself went away.
    FolderGone,
}

fn file_name(folder: &Path, path: &Path) -> Option<String> {
    (path.parent() == Some(folder))
        .then(|| path.file_name()?.to_str().map(str::to_string))
        .flatten()
}

fn changes(folder: &Path, event: Event) -> Vec<Change> {
    let complete = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    );
    let touched = matches!(
        event.kind,
        EventKind::Create(CreateKind::File | CreateKind::Any)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any | ModifyKind::Metadata(_))
    );
    let removed = matches!(event.kind, EventKind::Remove(_))
        || matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::From))
        );
    let mut out = Vec::new();
    for path in &event.paths {
        if removed && path == folder {
            out.push(Change::FolderGone);
        } else if let Some(name) = file_name(folder, path) {
            if complete {
                out.push(Change::Complete(name));
            } else if touched {
                out.push(Change::Touched(name));
            }
        }
    }
    out
}

/// Starts an OS watcher on the folder, sending its events to `tx`.
fn start_watcher(
    folder: &Path,
    tx: mpsc::UnboundedSender<notify::Result<Event>>,
) -> notify::Result<RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event); // the loop has stopped: nothing to do
    })?;
    watcher.watch(folder, RecursiveMode::NonRecursive)?;
    Ok(watcher)
}

/// What the app asks a running folder feed to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// 再試行: read this file again now, whatever the feed knew of it.
    Retry(String),
}

/// Watches one folder until `stop` turns true, sending what happens to `events`.
pub async fn run(
    config: FolderConfig,
    store: Store,
    events: mpsc::UnboundedSender<FeedEvent>,
    stop: watch::Receiver<bool>,
) -> Result<(), FeedError> {
    let (_keep, mut commands) = mpsc::unbounded_channel();
    run_commanded(config, store, events, stop, &mut commands).await
}

/// [`run`], also taking [`Command`]s. Returns on `stop`, or with the error
/// that stopped the folder (the [`crate::Manager`] starts it again).
pub async fn run_commanded(
    config: FolderConfig,
    store: Store,
    events: mpsc::UnboundedSender<FeedEvent>,
    mut stop: watch::Receiver<bool>,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> Result<(), FeedError> {
    let mut feed = FolderFeed::open(config.clone(), store).await?;
    let folder = config.path.clone();
    let (tx, mut rx) = mpsc::unbounded_channel::<notify::Result<Event>>();
    let mut watcher: Option<RecommendedWatcher> = None;
    let send = |list: Vec<FeedEvent>| {
        for e in list {
            let _ = events.send(e);
        }
    };
    let _ = events.send(FeedEvent::Status(feed.status().clone()));
    let mut next_rescan = Instant::now(); // scan at once
    let mut next_check = Instant::now() + RECONNECT;
    loop {
        // Between rescans, a cheap look every few seconds that the folder is
        // still there (events do not always say so, and shares send none).
        if Instant::now() >= next_check {
            next_check = Instant::now() + RECONNECT;
            let was_connected = feed.status().connected;
            let (ok, change) = feed.check_folder(Utc::now());
            send(change.into_iter().collect());
            if !ok {
                watcher = None;
            } else if !was_connected {
                next_rescan = Instant::now(); // back: scan at once
            }
        }
        if Instant::now() >= next_rescan {
            let (ok, change) = feed.check_folder(Utc::now());
            send(change.into_iter().collect());
            if !ok {
                watcher = None; // re-established when the folder is back
            } else {
                if watcher.is_none() && config.mode == WatchMode::Events {
                    match start_watcher(&folder, tx.clone()) {
                        Ok(w) => watcher = Some(w),
                        Err(e) => {
                            tracing::warn!(folder = %folder.display(), "no OS events, polling only: {e}")
                        }
                    }
                }
                send(feed.full_scan(Utc::now()).await?);
            }
            // A lost folder (a dropped share) is looked for again every few
            // seconds, so that the error clears soon after it is back.
            let interval = if feed.status().connected {
                config.rescan()
            } else {
                config.rescan().min(RECONNECT)
            };
            next_rescan = Instant::now() + interval;
        }
        let wake = match feed.next_settle() {
            Some(at) => next_rescan.min(Instant::from_std(at)),
            None => next_rescan,
        }
        .min(next_check);
        tokio::select! {
            _ = stop.changed() => {
                if *stop.borrow() {
                    return Ok(());
                }
            }
            Some(command) = commands.recv() => match command {
                Command::Retry(name) => send(feed.retry(name, Utc::now()).await?),
            },
            Some(first) = rx.recv() => {
                // Take every event already queued: a burst is imported in batches.
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                let mut names = HashSet::new();
                let mut closed = HashSet::new();
                for event in batch.into_iter().flatten() {
                    for change in changes(&folder, event) {
                        match change {
                            Change::Complete(name) => {
                                closed.insert(name.clone());
                                names.insert(name);
                            }
                            Change::Touched(name) => {
                                names.insert(name);
                            }
                            Change::FolderGone => next_rescan = Instant::now(),
                        }
                    }
                }
                if !names.is_empty() {
                    send(feed.names(names, &closed, Utc::now()).await?);
                }
            }
            _ = tokio::time::sleep_until(wake) => {
                if feed.has_pending() {
                    send(feed.settle_pending(Utc::now()).await?);
                }
            }
        }
    }
}

/// Imports what is in the folder now and returns what happened: waits for
/// files still being written to settle, then stops (`okusuri feed run --once`).
pub async fn run_once(config: FolderConfig, store: Store) -> Result<Vec<FeedEvent>, FeedError> {
    let mut feed = FolderFeed::open(config, store).await?;
    let (ok, change) = feed.check_folder(Utc::now());
    let mut events: Vec<FeedEvent> = change.into_iter().collect();
    if !ok {
        return Ok(events);
    }
    events.extend(feed.full_scan(Utc::now()).await?);
    while let Some(at) = feed.next_settle() {
        tokio::time::sleep_until(Instant::from_std(at) + Duration::from_millis(10)).await;
        events.extend(feed.settle_pending(Utc::now()).await?);
    }
    Ok(events)
}
