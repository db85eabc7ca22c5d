//! The counter's card reader inside the app: the reader service runs while
//! the switch is ON; its events go through the switch's state machine
//! (`okusuri_app::reader`), each touch is looked up, and the window is told
//! (`counter` events). Nothing reaches the window while nobody is signed in.

use std::sync::{Arc, Mutex};

use okusuri_app::App;
use okusuri_app::reader::{Reaction, ReaderStatus};
use okusuri_reader::{ReaderConfig, ReaderEvent, ReaderService};
use okusuri_store::Touch;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// What the window is told.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
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
    /// A touch while the window is locked: the visit is recorded, nothing
    /// about the patient is sent (the list shows it once unlocked).
    TouchedWhileLocked,
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

    /// Turns the switch ON (starts watching `reader`, or the only reader,
    /// looking touches up in `okusuri`) or OFF.
    pub fn switch(&self, app: &AppHandle, okusuri: Option<&App>, on: bool, reader: Option<String>) {
        if let Ok(mut service) = self.service.lock() {
            if let Some(old) = service.take() {
                old.stop();
            }
            if let (true, Some(okusuri)) = (on, okusuri) {
                let status = self.status.clone();
                let app = app.clone();
                let okusuri = okusuri.clone();
                *service = Some(ReaderService::start(
                    ReaderConfig { reader },
                    move |event| {
                        handle(&app, &okusuri, &status, event);
                    },
                ));
            }
        }
        let status = match self.status.lock() {
            Ok(mut s) => s.switch(on && okusuri.is_some()),
            Err(_) => return,
        };
        emit(app, CounterEvent::Reader { status });
    }
}

fn handle(app: &AppHandle, okusuri: &App, status: &Mutex<ReaderStatus>, event: ReaderEvent) {
    let session = app.state::<AppState>().session();
    let signed_in = session.is_some();
    let reaction = match status.lock() {
        Ok(mut s) => s.apply(event, signed_in),
        Err(_) => return,
    };
    match reaction {
        Reaction::Status(status) => emit(app, CounterEvent::Reader { status }),
        Reaction::Unreadable(message) => emit(app, CounterEvent::Unreadable { message }),
        Reaction::LookUp(idm) => {
            let (app, okusuri) = (app.clone(), okusuri.clone());
            let detected = chrono::Utc::now();
            tauri::async_runtime::spawn(async move {
                let locked = session.is_some_and(|s| s.is_locked(okusuri.clock().now()));
                let event = match okusuri.card_touched(&idm).await {
                    Ok(_) if locked => CounterEvent::TouchedWhileLocked,
                    Ok(touch) => CounterEvent::Touch {
                        touch,
                        detected_at: detected.timestamp_millis(),
                    },
                    Err(e) if locked => {
                        tracing::warn!("card touch while locked not recorded: {}", e.message);
                        CounterEvent::TouchedWhileLocked
                    }
                    Err(e) => CounterEvent::Error { message: e.message },
                };
                emit(&app, event);
            });
        }
        Reaction::Nothing => {}
    }
}
