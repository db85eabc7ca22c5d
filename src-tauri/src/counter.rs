//! The counter's card reader inside the app: the reader service runs while
//! the switch is ON; each touch is looked up in the store and the window is
//! told (`counter` events). The switch shows OFF while no reader can be
//! watched (unplugged, several and none chosen, no PC/SC service), and comes
//! back by itself when the service reports the reader again.

use std::sync::{Arc, Mutex};

use okusuri_reader::{ReaderConfig, ReaderEvent, ReaderService};
use okusuri_store::{Store, Touch};
use serde::Serialize;
use tauri::{AppHandle, Emitter};

/// The settings key of the chosen reader's name.
pub const READER_KEY: &str = "reader.name";

/// What the window shows bottom-left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReaderStatus {
    /// The switch: ON while a reader is watched.
    pub on: bool,
    /// The user wants it ON (it may be OFF for a reason).
    pub wanted: bool,
    /// The reader watched.
    pub reader: Option<String>,
    /// Why it is OFF, in Japanese.
    pub message: Option<String>,
    /// Every reader connected.
    pub readers: Vec<String>,
}

/// What the window is told.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CounterEvent {
    /// A touch: a registered patient (visit recorded), an unknown or a disabled card.
    Touch {
        /// What the touch found.
        touch: Touch,
        /// When the reader service reported the card (ms since the epoch),
        /// so the window can tell how long its part took.
        detected_at: i64,
    },
    /// A card that gives no IDm.
    Unreadable {
        /// Why, in Japanese.
        message: String,
    },
    /// The reader's state changed.
    Reader {
        /// The new state.
        status: ReaderStatus,
    },
    /// Looking the card up failed.
    Error {
        /// Why, in Japanese.
        message: String,
    },
}

/// The reader switch and its service.
#[derive(Default)]
pub struct Counter {
    service: Mutex<Option<ReaderService>>,
    status: Arc<Mutex<ReaderStatus>>,
}

fn emit(app: &AppHandle, event: CounterEvent) {
    if let Err(e) = app.emit("counter", &event) {
        tracing::warn!("counter event not delivered: {e}");
    }
}

impl Counter {
    /// The switch's state.
    pub fn status(&self) -> ReaderStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Turns the switch ON (starts watching `reader`, or the only reader) or OFF.
    pub fn switch(&self, app: &AppHandle, store: &Store, on: bool, reader: Option<String>) {
        if let Ok(mut service) = self.service.lock() {
            if let Some(old) = service.take() {
                old.stop();
            }
            if on {
                let status = self.status.clone();
                let app = app.clone();
                let store = store.clone();
                *service = Some(ReaderService::start(
                    ReaderConfig { reader },
                    move |event| {
                        handle(&app, &store, &status, event);
                    },
                ));
            }
        }
        let status = {
            let Ok(mut s) = self.status.lock() else {
                return;
            };
            s.wanted = on;
            if !on {
                s.on = false;
                s.message = None;
            }
            s.clone()
        };
        emit(app, CounterEvent::Reader { status });
    }
}

fn handle(app: &AppHandle, store: &Store, status: &Mutex<ReaderStatus>, event: ReaderEvent) {
    match event {
        ReaderEvent::Card { idm, .. } => {
            let (app, store) = (app.clone(), store.clone());
            let detected = chrono::Utc::now();
            tauri::async_runtime::spawn(async move {
                let event = match store.card_touched(&idm, detected).await {
                    Ok(touch) => CounterEvent::Touch {
                        touch,
                        detected_at: detected.timestamp_millis(),
                    },
                    Err(e) => CounterEvent::Error {
                        message: e.to_string(),
                    },
                };
                emit(&app, event);
            });
        }
        ReaderEvent::Unreadable { message, .. } => emit(app, CounterEvent::Unreadable { message }),
        ReaderEvent::Removed { .. } => {}
        ReaderEvent::Watching { reader, readers } => {
            update(app, status, true, Some(reader), None, readers)
        }
        ReaderEvent::Unavailable { message, readers } => {
            update(app, status, false, None, Some(message), readers)
        }
    }
}

fn update(
    app: &AppHandle,
    status: &Mutex<ReaderStatus>,
    on: bool,
    reader: Option<String>,
    message: Option<String>,
    readers: Vec<String>,
) {
    let Ok(mut s) = status.lock() else { return };
    *s = ReaderStatus {
        on,
        wanted: true,
        reader,
        message,
        readers,
    };
    emit(app, CounterEvent::Reader { status: s.clone() });
}
