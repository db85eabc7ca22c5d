//! Running the feed for every configured folder inside the app: one watcher
//! task per folder, restarted when the settings change, with the folders'
//! states kept for the patient list and the tray.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use okusuri_store::{Actor, Store};
use tokio::sync::{mpsc, watch};

use crate::FeedError;
use crate::config::{FolderConfig, SETTINGS_KEY, parse_folders};
use crate::folder::{FeedEvent, FolderStatus};
use crate::watch::Command;

/// Where events go (the app forwards them to the window).
pub type Sink = Arc<dyn Fn(FeedEvent) + Send + Sync>;

/// The feeds of all configured folders.
#[derive(Clone)]
pub struct Manager {
    statuses: Arc<Mutex<BTreeMap<String, FolderStatus>>>,
    stops: Arc<Mutex<Vec<watch::Sender<bool>>>>,
    commands: Arc<Mutex<BTreeMap<String, mpsc::UnboundedSender<Command>>>>,
    backoff: Backoff,
}

impl Default for Manager {
    fn default() -> Self {
        Manager::with_backoff(Backoff::default())
    }
}

/// The pauses before a stopped folder feed is started again: the first
/// after `min`, each next one twice as long, at most `max`; a feed that ran
/// longer than `max` before stopping starts over at `min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first pause.
    pub min: Duration,
    /// The longest pause.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            min: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The pause after `previous` (none yet: `min`), given how long the feed ran.
    pub fn next(&self, previous: Option<Duration>, ran: Duration) -> Duration {
        match previous {
            Some(p) if ran <= self.max => (p * 2).min(self.max),
            _ => self.min,
        }
    }
}

/// The watched folders as stored in the settings (none when unset).
pub async fn load_folders(store: &Store) -> Result<Vec<FolderConfig>, String> {
    match store
        .setting(SETTINGS_KEY)
        .await
        .map_err(|e| e.to_string())?
    {
        None => Ok(Vec::new()),
        Some(json) => parse_folders(&json),
    }
}

/// Checks and stores the watched folders (administrators); an NSIPS
/// profile that does not load, or a bad file-name pattern, is refused.
pub async fn save_folders(
    store: &Store,
    actor: &Actor,
    folders: &[FolderConfig],
    now: DateTime<Utc>,
) -> Result<(), FeedError> {
    for f in folders {
        if f.path.as_os_str().is_empty() {
            return Err(FeedError::Config(
                "フォルダの場所を入力してください。".into(),
            ));
        }
        crate::folder::check_config(f).map_err(FeedError::Config)?;
    }
    let json = serde_json::to_string(folders).map_err(|e| FeedError::Config(e.to_string()))?;
    store.set_setting(actor, SETTINGS_KEY, &json, now).await?;
    Ok(())
}

impl Manager {
    /// A manager with nothing running.
    pub fn new() -> Manager {
        Manager::default()
    }

    /// A manager that restarts stopped feeds after the given pauses.
    pub fn with_backoff(backoff: Backoff) -> Manager {
        Manager {
            statuses: Arc::default(),
            stops: Arc::default(),
            commands: Arc::default(),
            backoff,
        }
    }

    /// 再試行: asks the running feed of `folder` to read `name` again now.
    /// False when no feed runs for that folder.
    pub fn retry(&self, folder: &str, name: &str) -> bool {
        self.commands
            .lock()
            .ok()
            .and_then(|c| c.get(folder).cloned())
            .is_some_and(|tx| tx.send(Command::Retry(name.to_string())).is_ok())
    }

    /// Each folder's state, in folder order.
    pub fn statuses(&self) -> Vec<FolderStatus> {
        self.statuses
            .lock()
            .map(|s| s.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Stops what runs and starts one watcher per folder; every event goes to `sink`.
    pub fn start(&self, store: &Store, folders: Vec<FolderConfig>, sink: Sink) {
        if let Ok(mut stops) = self.stops.lock() {
            for stop in stops.drain(..) {
                let _ = stop.send(true);
            }
        }
        if let Ok(mut statuses) = self.statuses.lock() {
            statuses.clear();
        }
        if let Ok(mut commands) = self.commands.lock() {
            commands.clear();
        }
        for config in folders {
            let (stop, stop_rx) = watch::channel(false);
            if let Ok(mut stops) = self.stops.lock() {
                stops.push(stop);
            }
            let (tx, mut rx) = mpsc::unbounded_channel();
            let key = config.key();
            let store = store.clone();
            let statuses = self.statuses.clone();
            let forward = sink.clone();
            tokio::spawn(async move {
                while let Some(event) = rx.recv().await {
                    if let FeedEvent::Status(s) = &event
                        && let Ok(mut map) = statuses.lock()
                    {
                        map.insert(s.folder.clone(), s.clone());
                    }
                    forward(event);
                }
            });
            let (commands_tx, mut commands) = mpsc::unbounded_channel();
            if let Ok(mut map) = self.commands.lock() {
                map.insert(key.clone(), commands_tx);
            }
            let statuses = self.statuses.clone();
            let sink = sink.clone();
            let backoff = self.backoff;
            tokio::spawn(async move {
                let mut stop_rx = stop_rx;
                let mut pause = None;
                loop {
                    let started = std::time::Instant::now();
                    let result = crate::watch::run_commanded(
                        config.clone(),
                        store.clone(),
                        tx.clone(),
                        stop_rx.clone(),
                        &mut commands,
                    )
                    .await;
                    let Err(e) = result else {
                        return; // stopped
                    };
                    let wait = backoff.next(pause, started.elapsed());
                    pause = Some(wait);
                    // Shown as the folder's error until the feed runs again.
                    tracing::warn!(folder = %key, "feed stopped, starting again in {wait:?}: {e}");
                    let status = FolderStatus {
                        folder: key.clone(),
                        connected: false,
                        since: Some(
                            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        ),
                        reason: Some(format!(
                            "{e}（{}秒後に自動で再開します）",
                            wait.as_secs().max(1)
                        )),
                        last_import: None,
                    };
                    if let Ok(mut map) = statuses.lock() {
                        map.insert(key.clone(), status.clone());
                    }
                    sink(FeedEvent::Status(status));
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop_rx.changed() => {}
                    }
                    if *stop_rx.borrow() {
                        return;
                    }
                }
            });
        }
    }
}
