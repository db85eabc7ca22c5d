//! The administrator's 設定: this facility's codes, remapping receipt-computer
//! patient IDs (P11), the receipt-computer folders (P3) and the card reader.

use okusuri_feed::FolderConfig;
use okusuri_store::{FacilityCodes, FeedError, IdPair, RemapSummary, parse_remap_csv};

use crate::limits::FEED_ERRORS_SHOWN;
use crate::{App, AppError, Permission, Session};

/// The settings key of the chosen card reader's name.
pub const READER_KEY: &str = "reader.name";
/// The settings key of 今回のお薬's window, in days.
pub const CURRENT_WINDOW_KEY: &str = "current.window_days";
/// 今回のお薬 shows a dispensing of the last 7 days unless 設定 says otherwise.
pub const DEFAULT_CURRENT_WINDOW_DAYS: u32 = 7;
/// The longest window 設定 takes.
pub const MAX_CURRENT_WINDOW_DAYS: u32 = 90;

impl App {
    /// How many days back 今回のお薬 reaches.
    pub async fn current_window_days(&self) -> Result<u32, AppError> {
        Ok(self
            .store
            .setting(CURRENT_WINDOW_KEY)
            .await?
            .and_then(|v| v.parse().ok())
            .filter(|d| (0..=MAX_CURRENT_WINDOW_DAYS).contains(d))
            .unwrap_or(DEFAULT_CURRENT_WINDOW_DAYS))
    }

    /// Sets 今回のお薬's window (0 = today only, at most 90 days).
    pub async fn set_current_window_days(
        &self,
        session: &Session,
        days: u32,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        if days > MAX_CURRENT_WINDOW_DAYS {
            return Err(AppError::invalid(format!(
                "今回のお薬の期間は0〜{MAX_CURRENT_WINDOW_DAYS}日で指定してください。"
            )));
        }
        Ok(self
            .store
            .set_setting(
                &session.actor(),
                CURRENT_WINDOW_KEY,
                &days.to_string(),
                self.clock.now(),
            )
            .await?)
    }

    /// This facility's codes, if set.
    pub async fn facility_codes(
        &self,
        session: &Session,
    ) -> Result<Option<FacilityCodes>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self.store.facility_codes().await?)
    }

    /// Sets this facility's codes (checked).
    pub async fn set_facility_codes(
        &self,
        session: &Session,
        codes: &FacilityCodes,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        Ok(self
            .store
            .set_facility_codes(&session.actor(), codes, self.clock.now())
            .await?)
    }

    /// The sources of linked patient IDs, for choosing which to remap.
    pub async fn external_id_sources(&self, session: &Session) -> Result<Vec<String>, AppError> {
        self.begin(session, Permission::RemapIds)?;
        Ok(self.store.external_id_sources().await?)
    }

    /// Replaces old patient IDs by new ones, all or nothing.
    pub async fn remap_ids(
        &self,
        session: &Session,
        source: &str,
        pairs: &[IdPair],
    ) -> Result<RemapSummary, AppError> {
        self.begin(session, Permission::RemapIds)?;
        Ok(self
            .store
            .remap_external_ids(&session.actor(), source, pairs, self.clock.now())
            .await?)
    }

    /// Replaces one old patient ID by a new one.
    pub async fn remap_id(
        &self,
        session: &Session,
        source: &str,
        old: &str,
        new: &str,
    ) -> Result<RemapSummary, AppError> {
        let pair = IdPair {
            line: 1,
            old: old.trim().to_string(),
            new: new.trim().to_string(),
        };
        self.remap_ids(session, source, &[pair]).await
    }

    /// Replaces old patient IDs by new ones from a CSV of `old,new`.
    pub async fn remap_ids_csv(
        &self,
        session: &Session,
        source: &str,
        csv: &[u8],
    ) -> Result<RemapSummary, AppError> {
        self.begin(session, Permission::RemapIds)?;
        let pairs = parse_remap_csv(csv)?;
        self.remap_ids(session, source, &pairs).await
    }

    /// The watched receipt-computer folders.
    pub async fn feed_folders(&self, session: &Session) -> Result<Vec<FolderConfig>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        okusuri_feed::load_folders(&self.store)
            .await
            .map_err(AppError::invalid)
    }

    /// Checks and stores the watched folders; the caller restarts the feed.
    pub async fn set_feed_folders(
        &self,
        session: &Session,
        folders: &[FolderConfig],
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        Ok(
            okusuri_feed::save_folders(&self.store, &session.actor(), folders, self.clock.now())
                .await?,
        )
    }

    /// Checks that the staff member may run the receipt-computer feed by hand
    /// (the command line's `feed run` / `feed watch`: imports, so 取込's permission).
    pub fn feed_by_hand(&self, session: &Session) -> Result<(), AppError> {
        self.begin(session, Permission::ImportFiles)
    }

    /// Files that failed to import, newest first.
    pub async fn feed_errors(&self, session: &Session) -> Result<Vec<FeedError>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self.store.feed_errors(FEED_ERRORS_SHOWN).await?)
    }

    /// Tries a failed file again on the next scan.
    pub async fn retry_feed_file(
        &self,
        session: &Session,
        folder: &str,
        name: &str,
    ) -> Result<bool, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self
            .store
            .retry_feed_file(&session.actor(), folder, name, self.clock.now())
            .await?)
    }

    /// The card reader chosen by name, if any.
    pub async fn chosen_reader(&self) -> Result<Option<String>, AppError> {
        Ok(self.store.setting(READER_KEY).await?)
    }

    /// Chooses the card reader by name (remembered).
    pub async fn choose_reader(&self, session: &Session, name: &str) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        Ok(self
            .store
            .set_setting(&session.actor(), READER_KEY, name, self.clock.now())
            .await?)
    }
}
