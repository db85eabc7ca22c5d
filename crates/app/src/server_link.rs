//! The link between this PC and the pharmacy's server (docs/multi-pc.md):
//! a background task that sends this PC's writes as soon as they are made
//! and applies the other PCs' as soon as the server announces them, keeps
//! working offline, and says where things stand for the header and the tray.

use std::sync::Arc;
use std::time::Duration;

use okusuri_store::Store;
use okusuri_store::server::{Server, ServerAddress, SyncError};
use serde::Serialize;
use tokio::sync::watch;

use crate::Clock;

/// The longest pause between attempts to reach the server.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A round even when nothing was announced (a notice lost with a connection).
const POLL: Duration = Duration::from_secs(30);

/// Where this PC's data goes, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LinkStatus {
    /// Not reached yet since the start.
    Connecting,
    /// サーバー接続中: everything written here is on the server.
    Connected {
        /// Writes not yet on the server (0 once a round finished).
        unsent: i64,
    },
    /// オフライン（n 件未送信）: writes are kept here and sent when it is back.
    Offline {
        /// Writes kept here.
        unsent: i64,
        /// Why, for the tooltip and the log (no patient data).
        reason: String,
    },
}

impl LinkStatus {
    /// The header's text.
    pub fn label(&self) -> String {
        match self {
            LinkStatus::Connecting => "サーバーに接続しています…".into(),
            LinkStatus::Connected { .. } => "サーバー接続中".into(),
            LinkStatus::Offline { unsent, .. } => format!("オフライン（{unsent} 件未送信）"),
        }
    }
}

/// The running link; stops when dropped.
#[derive(Debug)]
pub struct ServerLink {
    status: watch::Receiver<LinkStatus>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerLink {
    /// Starts the link for `store` (a PC that joined the server at `address`).
    pub fn start(store: Store, address: ServerAddress, clock: Arc<dyn Clock>) -> ServerLink {
        let (tx, status) = watch::channel(LinkStatus::Connecting);
        let task = tokio::spawn(run(store, address, clock, tx));
        ServerLink { status, task }
    }

    /// The current status.
    pub fn status(&self) -> LinkStatus {
        self.status.borrow().clone()
    }

    /// Changes of the status (for the header and the tray).
    pub fn watch(&self) -> watch::Receiver<LinkStatus> {
        self.status.clone()
    }
}

impl Drop for ServerLink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn unsent(store: &Store) -> i64 {
    store.sync_state().await.map_or(0, |s| s.unsent)
}

/// Connects, then sends and pulls on every local write, every announced
/// commit and every 30 s; on a failure waits 1 s, 2 s, … up to 60 s and
/// connects again. Nothing is lost meanwhile: writes wait in the outbox.
async fn run(
    store: Store,
    address: ServerAddress,
    clock: Arc<dyn Clock>,
    status: watch::Sender<LinkStatus>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let offline = |reason: String, unsent: i64| LinkStatus::Offline { unsent, reason };
        let server = match Server::connect(&address).await {
            Ok(server) => server,
            Err(e) => {
                tracing::warn!("server unreachable: {e}");
                status.send_replace(offline(e.to_string(), unsent(&store).await));
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let mut notices = match server.notices().await {
            Ok(notices) => notices,
            Err(e) => {
                status.send_replace(offline(e.to_string(), unsent(&store).await));
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        loop {
            match server.sync(&store, clock.now()).await {
                Ok(_) => {
                    backoff = Duration::from_secs(1);
                    status.send_replace(LinkStatus::Connected {
                        unsent: unsent(&store).await,
                    });
                }
                Err(SyncError::Server(e)) => {
                    tracing::warn!("server round failed: {e}");
                    status.send_replace(offline(e.to_string(), unsent(&store).await));
                    break;
                }
                Err(SyncError::Store(e)) => {
                    // This PC's database failed (busy, disk): try again later.
                    tracing::warn!("local round failed: {e}");
                    status.send_replace(offline(e.to_string(), unsent(&store).await));
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            }
            tokio::select! {
                notice = notices.next() => {
                    if notice.is_err() {
                        status.send_replace(offline("接続が切れました".into(), unsent(&store).await));
                        break;
                    }
                }
                () = store.recorded_write() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

#[cfg(test)]
mod tests {
    use super::LinkStatus;

    #[test]
    fn the_header_says_where_data_goes() {
        assert_eq!(
            LinkStatus::Connected { unsent: 0 }.label(),
            "サーバー接続中"
        );
        let offline = LinkStatus::Offline {
            unsent: 3,
            reason: "x".into(),
        };
        assert_eq!(offline.label(), "オフライン（3 件未送信）");
    }
}
