//! The update dialog and 設定 → 更新 (D1): each command calls
//! [`crate::updater`] or a use case of `okusuri-app`.

use okusuri_app::{AppError, Permission};
use okusuri_store::DataDir;
use okusuri_update::{Offer, UpdateSettings};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::state::Signed;
use crate::updater::{self, DownloadEvent, Updates};

/// The update on offer, unless 後で put it aside (asked after sign-in).
#[tauri::command]
pub fn update_offer(_signed: Signed, updates: State<'_, Updates>) -> Option<Offer> {
    updates.offer()
}

/// 今すぐ確認: asks the server now (an offer put aside by 後で is offered again).
#[tauri::command]
pub async fn update_check(app: AppHandle, signed: Signed) -> Result<Option<Offer>, AppError> {
    let settings = signed.app.update_settings().await?;
    updater::check(&app, &settings).await
}

/// 今すぐ更新: downloads the offer with progress; the signature is checked.
#[tauri::command]
pub async fn update_download(
    app: AppHandle,
    _signed: Signed,
    on_event: Channel<DownloadEvent>,
) -> Result<(), AppError> {
    updater::download(&app, |event| {
        let _ = on_event.send(event);
    })
    .await
}

/// Installs the downloaded update and quits (Windows: the MSI restarts the app).
#[tauri::command]
pub fn update_install(app: AppHandle, _signed: Signed) -> Result<(), AppError> {
    let dir = DataDir::resolve()?;
    updater::install(&app, &dir.path)?;
    app.exit(0);
    Ok(())
}

/// 後で: the dialog does not come back for this version for a day.
#[tauri::command]
pub fn update_later(_signed: Signed, updates: State<'_, Updates>, version: String) {
    updates.later(&version);
}

/// 設定 → 更新 (administrators).
#[tauri::command]
pub async fn update_settings(signed: Signed) -> Result<UpdateSettings, AppError> {
    signed.session.require(Permission::ChangeSettings)?;
    signed.app.update_settings().await
}

/// Changes 設定 → 更新 and looks again at once.
#[tauri::command]
pub async fn set_update_settings(
    signed: Signed,
    updates: State<'_, Updates>,
    settings: UpdateSettings,
) -> Result<(), AppError> {
    signed
        .app
        .set_update_settings(&signed.session, &settings)
        .await?;
    updates.wake();
    Ok(())
}
