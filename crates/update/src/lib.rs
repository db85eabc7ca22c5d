//! Update policy without a window. The Tauri shell downloads, verifies and
//! installs with `tauri-plugin-updater`; this crate decides everything around
//! it, so the CLI and the tests use the same rules:
//!
//! - [`settings`]: 設定 → 更新 (on/off for sites that update centrally, the
//!   manifest address, how often to look);
//! - [`snooze`]: 後で puts one version aside for a while;
//! - [`changelog`]: the release notes are the version's section of `CHANGELOG.md`;
//! - [`manifest`]: the updater manifest a release publishes (`latest.json`);
//! - [`overrides`]: the test-only endpoint and key, honoured only by debug builds.

pub mod changelog;
pub mod manifest;
pub mod overrides;
pub mod settings;
pub mod snooze;

pub use changelog::{Release, release_notes};
pub use manifest::Manifest;
pub use overrides::TestOverrides;
pub use settings::UpdateSettings;
pub use snooze::Snooze;

/// What can go wrong in this crate; each message is the sentence shown.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UpdateError {
    /// A setting the administrator typed is not usable.
    #[error("{0}")]
    InvalidSetting(String),
    /// `CHANGELOG.md` has no section for the version being released.
    #[error("CHANGELOG.md に {0} の節がありません。")]
    NoReleaseNotes(String),
}

/// An update the server offers, as the dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Offer {
    /// The version installed now.
    pub current_version: String,
    /// The version offered.
    pub version: String,
    /// Release notes (the version's CHANGELOG section), plain text.
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the manifest says.
    pub date: Option<String>,
}
