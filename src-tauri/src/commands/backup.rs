//! 設定 → バックアップ: the backups' state, the second folder, 今すぐバックアップ,
//! and the database's keys written to a USB stick.

use okusuri_app::AppError;
use okusuri_app::backup::{BackupResult, BackupSettings};

use crate::state::Signed;

/// When the last backups were made, and where.
#[tauri::command]
pub async fn backup_settings(signed: Signed) -> Result<BackupSettings, AppError> {
    signed.app.backup_settings(&signed.session).await
}

/// Sets or clears the second backup folder (a backup is copied there at once).
#[tauri::command]
pub async fn set_second_backup_dir(
    signed: Signed,
    folder: String,
) -> Result<Option<BackupResult>, AppError> {
    signed
        .app
        .set_second_backup_dir(&signed.session, &folder)
        .await
}

/// 今すぐバックアップ.
#[tauri::command]
pub async fn backup_now(signed: Signed) -> Result<BackupResult, AppError> {
    signed.app.backup_now(&signed.session).await
}

/// 鍵を書き出す: the database's keys into a folder (administrators; audited).
#[tauri::command]
pub async fn export_keys(signed: Signed, folder: String) -> Result<String, AppError> {
    signed.app.export_keys(&signed.session, &folder).await
}
