//! 設定 → バックアップ: when the last backups were made, an optional second
//! folder (a USB drive, another disk) that every backup is copied to, and
//! 今すぐバックアップ. The backups themselves are the store's.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppError, Permission, Session};

/// What 設定 → バックアップ shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BackupSettings {
    /// The default folder (`backups` in the data folder).
    pub folder: String,
    /// When the last backup was made there (local `YYYY-MM-DD HH:MM`).
    pub last: Option<String>,
    /// The second folder, if set.
    pub second_folder: Option<String>,
    /// When a backup last reached the second folder.
    pub second_last: Option<String>,
    /// Whether the database and its backups are encrypted (SQLCipher, the
    /// key in the OS key store).
    pub encrypted: bool,
}

/// What 今すぐバックアップ did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BackupResult {
    /// The new backup file.
    pub file: String,
    /// The copy in the second folder, when one is set.
    pub second_file: Option<String>,
    /// Why the copy to the second folder failed, if it did.
    pub second_error: Option<String>,
}

/// Checks that a folder can take backups: it exists and a file can be
/// written and removed there.
fn check_writable(dir: &Path) -> Result<(), AppError> {
    if !dir.is_dir() {
        return Err(AppError::invalid(format!(
            "フォルダが見つかりません: {}（USB ドライブなら差してから指定してください）",
            dir.display()
        )));
    }
    let probe = dir.join(".okusuri-write-test");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            AppError::invalid(format!(
                "このフォルダに書き込めません: {}（{e}）",
                dir.display()
            ))
        })
}

impl App {
    fn local_text(&self, at: Option<DateTime<Utc>>) -> Option<String> {
        at.map(|t| self.local_minute(t))
    }

    /// 設定 → バックアップ.
    pub async fn backup_settings(&self, session: &Session) -> Result<BackupSettings, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        Ok(BackupSettings {
            folder: self.store.default_backup_dir().display().to_string(),
            last: self.local_text(self.store.last_backup().await?),
            second_folder: self
                .store
                .second_backup_dir()
                .await?
                .map(|d| d.display().to_string()),
            second_last: self.local_text(self.store.last_second_backup().await?),
            encrypted: self.store.is_encrypted(),
        })
    }

    /// Sets (or with an empty text, clears) the second backup folder
    /// (administrators; audited). A folder is checked by writing to it, and
    /// a backup is made and copied there at once, so staff see it works.
    pub async fn set_second_backup_dir(
        &self,
        session: &Session,
        folder: &str,
    ) -> Result<Option<BackupResult>, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let folder = folder.trim();
        if !folder.is_empty() {
            let dir = PathBuf::from(folder);
            if !dir.is_absolute() {
                return Err(AppError::invalid(
                    "フォルダは絶対パスで指定してください（例: E:\\okusuri-backup）。",
                ));
            }
            if dir.starts_with(self.store.default_backup_dir())
                || self.store.path().parent().is_some_and(|d| d == dir)
            {
                return Err(AppError::invalid(
                    "データフォルダとは別の場所（USB ドライブや別のディスク）を指定してください。",
                ));
            }
            check_writable(&dir)?;
        }
        self.store
            .set_setting(
                &session.actor(),
                okusuri_store::backup::SECOND_DIR_KEY,
                folder,
                self.clock.now(),
            )
            .await?;
        if folder.is_empty() {
            return Ok(None);
        }
        self.backup_now(session).await.map(Some)
    }

    /// 今すぐバックアップ (administrators): a backup now, and its copy.
    pub async fn backup_now(&self, session: &Session) -> Result<BackupResult, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let done = self.store.backup_now(self.clock.now()).await?;
        let (second_file, second_error) = match done.second {
            None => (None, None),
            Some(Ok(file)) => (Some(file.display().to_string()), None),
            Some(Err(e)) => (None, Some(e)),
        };
        Ok(BackupResult {
            file: done.file.display().to_string(),
            second_file,
            second_error,
        })
    }
}
