//! Okusuri Desk's application layer, shared by the window (`src-tauri`) and
//! the command line (`crates/cli`): who is signed in and what they may do
//! ([`session`]), the clock ([`clock`]), one error type ([`error`]), and one
//! method of [`App`] per use case, grouped by screen area. No Tauri, no SQL:
//! persistence is the store's, and every write the store makes is audited.

pub mod account;
pub mod audit;
pub mod backup;
pub mod cards;
pub mod clinic;
pub mod clock;
pub mod demo;
pub mod doctor;
pub mod error;
pub mod keys;
pub mod limits;
pub mod link;
pub mod lock;
pub mod notebook;
pub mod notices;
pub mod open;
pub mod patients;
pub mod prescribe;
pub mod qr;
pub mod reader;
pub mod server_link;
pub mod session;
pub mod settings;
pub mod sheets;
pub mod staff;
pub mod tray;
pub mod update;

use std::sync::Arc;

use okusuri_store::{AccessEvent, Store};

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, ErrorCode};
pub use session::{AuthMethod, Permission, Session};

/// The application: the store and the clock every use case runs on.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl App {
    /// The application over an open store, on this PC's clock.
    pub fn new(store: Store) -> App {
        App::with_clock(store, Arc::new(SystemClock))
    }

    /// The application on a given clock (tests).
    pub fn with_clock(store: Store, clock: Arc<dyn Clock>) -> App {
        App { store, clock }
    }

    /// The store (for the background services: feed, backups).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Checks `permission` and records activity: the start of every use case.
    fn begin(&self, session: &Session, permission: Permission) -> Result<(), AppError> {
        let now = self.clock.now();
        if session.is_locked(now) {
            return Err(lock::locked_error());
        }
        session.require(permission)?;
        session.touch(now);
        Ok(())
    }

    /// A moment as the facility's local `YYYY-MM-DD HH:MM`.
    pub(crate) fn local_minute(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.clock.offset())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// Everything the session may do: its role's permissions, and taking in
    /// notebooks for clerks when 設定 allows it.
    pub async fn permissions(&self, session: &Session) -> Result<Vec<Permission>, AppError> {
        let mut all = session.permissions();
        if self.clerk_may_take_in(session).await? {
            all.push(Permission::TakeInNotebook);
        }
        Ok(all)
    }

    /// True for a clerk when 設定 lets clerks take in notebooks.
    async fn clerk_may_take_in(&self, session: &Session) -> Result<bool, AppError> {
        Ok(session.staff().role == okusuri_store::Role::Clerk
            && self
                .store
                .setting(session::CLERKS_TAKE_IN_KEY)
                .await?
                .is_some_and(|v| v == "true"))
    }

    /// Writes a read of one patient's data to the access log: `part` once
    /// per opening of that patient in this session (see [`Session`]).
    async fn viewed(&self, session: &Session, patient_id: i64, part: &str) -> Result<(), AppError> {
        if session.first_view(patient_id, part) {
            self.store
                .audit(
                    &session.actor(),
                    AccessEvent::PatientViewed,
                    Some(patient_id),
                    part,
                    self.clock.now(),
                )
                .await?;
        }
        Ok(())
    }
}
