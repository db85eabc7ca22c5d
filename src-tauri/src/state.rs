//! What the shell keeps between commands: the store (or why it could not be
//! opened) and who is signed in on this window.

use std::sync::Mutex;

use okusuri_store::{Staff, Store};

/// Shared state of the running app.
pub struct AppState {
    /// The open store, or the Japanese message saying why it is not open.
    pub store: Result<Store, String>,
    /// The staff member signed in, if any.
    session: Mutex<Option<Staff>>,
    /// The receipt-computer folder feed.
    pub feed: okusuri_feed::Manager,
    /// The card reader switch.
    pub counter: crate::counter::Counter,
}

impl AppState {
    /// State around the result of opening the store.
    pub fn new(store: Result<Store, String>) -> AppState {
        AppState {
            store,
            session: Mutex::new(None),
            feed: okusuri_feed::Manager::new(),
            counter: crate::counter::Counter::default(),
        }
    }

    /// The store, or the startup error.
    pub fn store(&self) -> Result<&Store, String> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// The signed-in staff member, or a message asking to sign in.
    pub fn staff(&self) -> Result<Staff, String> {
        self.current()
            .ok_or_else(|| "ログインしてください。".to_string())
    }

    /// The signed-in staff member, if any.
    pub fn current(&self) -> Option<Staff> {
        self.session.lock().map(|s| s.clone()).unwrap_or(None)
    }

    /// Replaces the signed-in staff member.
    pub fn set_current(&self, staff: Option<Staff>) {
        if let Ok(mut session) = self.session.lock() {
            *session = staff;
        }
    }
}
