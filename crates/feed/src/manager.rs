//! Running the feed for every configured folder inside the app: one watcher
//! task per folder, restarted when the settings change, with the folders'
//! states kept for the patient list and the tray.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use okusuri_store::{Actor, Store};
use tokio::sync::{mpsc, watch};

use crate::FeedError;
use crate::config::{FolderConfig, SETTINGS_KEY, parse_folders};
use crate::folder::{FeedEvent, FolderStatus};

/// Where events go (the app forwards them to the window).
pub type Sink = Arc<dyn Fn(FeedEvent) + Send + Sync>;

/// The feeds of all configured folders.
#[derive(Clone, Default)]
pub struct Manager {
    statuses: Arc<Mutex<BTreeMap<String, FolderStatus>>>,
    stops: Arc<Mutex<Vec<watch::Sender<bool>>>>,
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
            let statuses = self.statuses.clone();
            let sink = sink.clone();
            tokio::spawn(async move {
                if let Err(e) = crate::watch::run(config, store, tx, stop_rx).await {
                    // A folder that cannot be fed at all shows as a connection error.
                    let status = FolderStatus {
                        folder: key.clone(),
                        connected: false,
                        since: Some(
                            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        ),
                        reason: Some(e.to_string()),
                        last_import: None,
                    };
                    if let Ok(mut map) = statuses.lock() {
                        map.insert(key, status.clone());
                    }
                    sink(FeedEvent::Status(status));
                }
            });
        }
    }
}
