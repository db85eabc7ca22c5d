//! What the shell keeps between commands: the application (or why the
//! database could not be opened), the session of this window, the feed and
//! the card reader; and [`Signed`], the command argument that stands for "a
//! staff member is signed in".

use std::sync::{Arc, Mutex};

use okusuri_app::{App, AppError, Session};
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::{Manager, Runtime};

/// Shared state of the running app.
pub struct AppState {
    app: Result<App, AppError>,
    session: Mutex<Option<Arc<Session>>>,
    /// The receipt-computer folder feed.
    pub feed: okusuri_feed::Manager,
    /// The card reader switch.
    pub counter: crate::counter::Counter,
}

impl AppState {
    /// State around the result of opening the store.
    pub fn new(app: Result<App, AppError>) -> AppState {
        AppState {
            app,
            session: Mutex::new(None),
            feed: okusuri_feed::Manager::new(),
            counter: crate::counter::Counter::default(),
        }
    }

    /// The application, or why the database is not open.
    pub fn app(&self) -> Result<&App, AppError> {
        self.app.as_ref().map_err(Clone::clone)
    }

    /// The session of this window, if someone is signed in.
    pub fn session(&self) -> Option<Arc<Session>> {
        self.session.lock().map(|s| s.clone()).unwrap_or(None)
    }

    /// Replaces the session (`None`: signed out).
    pub fn set_session(&self, session: Option<Session>) {
        if let Ok(mut current) = self.session.lock() {
            *current = session.map(Arc::new);
        }
    }
}

/// The commands that run while the window is locked.
pub const WHILE_LOCKED: &[&str] = &[
    "unlock_session",
    "lock_session",
    "session_alive",
    "sign_out",
];

/// A command argument that is only there when a staff member is signed in:
/// a command that takes it cannot run without a session, and the window gets
/// `auth.required` instead. Not sent by the window (taken from the state).
pub struct Signed {
    /// The application.
    pub app: App,
    /// Who is signed in.
    pub session: Arc<Session>,
}

impl<'de, R: Runtime> CommandArg<'de, R> for Signed {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let state = command.message.webview_ref().state::<AppState>();
        let app = state.app().map_err(InvokeError::from)?.clone();
        let session = state
            .session()
            .ok_or_else(|| InvokeError::from(AppError::auth_required()))?;
        // A locked window shows nothing: only unlocking and signing out run.
        if !WHILE_LOCKED.contains(&command.name) && session.is_locked(app.clock().now()) {
            return Err(InvokeError::from(okusuri_app::lock::locked_error()));
        }
        Ok(Signed { app, session })
    }
}
