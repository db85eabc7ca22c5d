//! A watched folder's settings, as an administrator sets them (stored as
//! JSON in the store's settings under [`SETTINGS_KEY`]).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The settings key holding the list of watched folders.
pub const SETTINGS_KEY: &str = "feed.folders";

/// What the files in a folder are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Format {
    /// JAHIS お薬手帳 files (CP932 or UTF-8).
    Jahis,
    /// NSIPS-style delimited files read through a layout profile (TOML)
    /// that the site or its vendor supplies; see [`crate::profile`].
    Nsips {
        /// The profile file.
        profile: PathBuf,
    },
}

/// What happens to a file after it was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AfterImport {
    /// Leave it where it is (dispensing machines may read the same folder);
    /// the ledger remembers it. The default.
    #[default]
    Leave,
    /// Move it to `processed/YYYY-MM-DD/` inside the folder.
    MoveToProcessed,
}

/// How changes are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WatchMode {
    /// Operating-system events, plus a rescan every `rescan_secs`.
    #[default]
    Events,
    /// Only the periodic rescan: for network shares, where events are unreliable.
    Polling,
}

/// One watched folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FolderConfig {
    /// The folder (local, a mounted share, or a UNC path on Windows).
    pub path: PathBuf,
    /// What its files are.
    #[serde(default = "jahis")]
    pub format: Format,
    /// What happens to a file after import.
    #[serde(default)]
    pub after: AfterImport,
    /// How changes are noticed.
    #[serde(default)]
    pub mode: WatchMode,
    /// Seconds between rescans (the only mechanism in polling mode).
    #[serde(default = "default_rescan")]
    pub rescan_secs: u64,
    /// A file is taken as complete when it has not changed for this long
    /// (polling mode, or when the OS reports no close-after-write).
    #[serde(default = "default_settle")]
    pub settle_ms: u64,
    /// The source name of the patient IDs this folder carries (e.g. `recept`):
    /// the receipt computer's patient ID becomes the patient's external ID.
    #[serde(default = "default_source")]
    pub source: String,
    /// For JAHIS files, which carry no patient ID: a regular expression over
    /// the file name whose group `id` is the receipt computer's patient ID
    /// (e.g. `^(?P<id>\d+)_`).
    #[serde(default)]
    pub id_from_file_name: Option<String>,
    /// On first setup, files older than this many days are not imported.
    #[serde(default = "default_backlog")]
    pub backlog_days: u32,
}

fn jahis() -> Format {
    Format::Jahis
}
fn default_rescan() -> u64 {
    60
}
fn default_settle() -> u64 {
    2_000
}
fn default_source() -> String {
    "recept".into()
}
fn default_backlog() -> u32 {
    7
}

impl FolderConfig {
    /// A JAHIS folder with the defaults.
    pub fn jahis(path: impl Into<PathBuf>) -> FolderConfig {
        FolderConfig {
            path: path.into(),
            format: Format::Jahis,
            after: AfterImport::Leave,
            mode: WatchMode::Events,
            rescan_secs: default_rescan(),
            settle_ms: default_settle(),
            source: default_source(),
            id_from_file_name: None,
            backlog_days: default_backlog(),
        }
    }

    /// The rescan interval.
    pub fn rescan(&self) -> Duration {
        Duration::from_secs(self.rescan_secs.max(1))
    }

    /// The settle time.
    pub fn settle(&self) -> Duration {
        Duration::from_millis(self.settle_ms)
    }

    /// The folder as the ledger and messages name it.
    pub fn key(&self) -> String {
        self.path.display().to_string()
    }
}

/// Reads the list of watched folders from its settings JSON.
pub fn parse_folders(json: &str) -> Result<Vec<FolderConfig>, String> {
    serde_json::from_str(json).map_err(|e| format!("監視フォルダの設定を読めません（{e}）。"))
}
