//! The receipt-computer folder feed (P3): the receipt computer (レセコン)
//! writes each dispensing into a shared output folder; the feed picks every
//! file up once it is complete, imports it into the store, and reports what
//! happened — and keeps working when a file is bad or the share drops.
//!
//! - [`config`]: a watched folder's settings (path, format, after-import,
//!   events or polling, intervals, the patient-ID source).
//! - [`profile`]: layout profiles for NSIPS-style files (the site supplies them).
//! - [`folder`]: one folder's files, the ledger, completeness, importing.
//! - [`watch`]: the loop around it: OS events, rescans, reconnecting.
//! - [`manager`]: every configured folder inside the app, each started again
//!   (with growing pauses) when it stops on an error.
//!
//! Every message meant for staff is Japanese.

pub mod config;
pub mod folder;
pub mod manager;
pub mod profile;
pub mod watch;

pub use config::{AfterImport, FolderConfig, Format, SETTINGS_KEY, WatchMode, parse_folders};
pub use folder::{
    FeedEvent, FolderFeed, FolderStatus, id_from_name, id_pattern, is_temp_name, read_at_most,
};
pub use manager::{Manager, Sink, load_folders, save_folders};
pub use profile::{Profile, ProfileError};
pub use watch::{Command, run, run_commanded, run_once};

/// Why a folder cannot be fed at all (a bad setting or the database); bad
/// files and an unreachable folder are not errors but [`FeedEvent`]s.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The folder's settings are wrong.
    #[error("{0}")]
    Config(String),
    /// The layout profile is missing or wrong.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] okusuri_store::StoreError),
}
