//! Okusuri Desk's local store: one SQLite file (WAL, foreign keys, embedded
//! migrations) that keeps working with the network unplugged.
//!
//! Every message in a returned error is the Japanese text shown to staff.

pub mod access_log;
pub mod accounts;
pub mod audit_read;
pub mod backup;
pub mod clinic;
pub mod database;
pub mod encryption;
pub mod error;
pub mod event_log;
pub mod location;
pub mod password;
pub mod server;
pub mod settings;
pub mod staff_admin;
pub mod stats;
pub mod sync;
pub mod two_factor;
pub mod write;

pub mod pharmacy;
pub use pharmacy::{
    body, cards, export, feed_ledger, history, import, link, merge, notebook, patient_list,
    patients, remap,
};

pub use access_log::{AccessEvent, AccessLogEntry, ChainReport};
pub use accounts::{
    AccountError, Facility, FacilityKind, FacilitySetup, NewStaff, Role, SignedIn, Staff,
};
pub use audit_read::{AuditFilter, AuditRow};
pub use body::{BodyKind, NoteError, PatientNoteEntry};
pub use cards::{CardError, ConsentMethod, NewPatient, Touch};
pub use clinic::issued::{IssuedFilter, IssuedPrescription, Registration};
pub use clinic::journal::{
    AnswerRecord, IssuedLabel, JournalSummary, NewRequest, RequestEntry, RequestState, StageRecord,
};
pub use clinic::masters::{MasterImport, MasterKind, MasterRows, UsageMapping};
pub use database::{DATA_DIR_ENV, DB_FILE_NAME, DataDir, MIGRATOR, OpenOptions, new_id};
pub use encryption::{DatabaseKey, FileState};
pub use error::StoreError;
pub use export::{ExportError, NotebookExport};
pub use feed_ledger::{FeedError, FeedFile, FeedFileStatus};
pub use history::{Cursor, FacilityCodes, HistoryFilter, HistoryPage, SettingsError};
pub use import::{ImportError, ImportItem, ImportSource, ImportSummary};
pub use link::LinkCandidate;
pub use merge::{MergeError, MergeRecord};
pub use patient_list::{PatientListDay, PatientListRow};
pub use remap::{IdPair, RemapError, RemapSummary, parse_remap_csv};
pub use staff_admin::StaffAccount;
pub use sync::{Change, OutboxEntry, Outcome, RemoteChange, SyncState};
pub use two_factor::Enrolment;
pub use write::{Actor, Via};

use chrono::{DateTime, SecondsFormat, Utc};

/// An open database. Cheap to clone; all clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: sqlx::SqlitePool,
    path: std::path::PathBuf,
    pc_name: String,
    /// The key the database file is encrypted with (SQLCipher), if it is.
    database_key: Option<std::sync::Arc<DatabaseKey>>,
    /// The key of the access log's chain (from the OS key store), if given.
    audit_key: Option<std::sync::Arc<Vec<u8>>>,
    /// The data folder's lock, held shared while this store (any clone) lives.
    folder_lock: Option<std::sync::Arc<std::sync::Mutex<Option<std::fs::File>>>>,
    /// Signalled after each write that went to the outbox (wakes the sender).
    recorded: std::sync::Arc<tokio::sync::Notify>,
}

/// How times are stored: UTC RFC 3339 with milliseconds, which sorts as text.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored time back.
pub(crate) fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
