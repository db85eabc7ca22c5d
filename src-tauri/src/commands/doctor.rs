//! 医師認証: the doctor's authentication to sign 電子処方箋 (C3), shown in the header.

use okusuri_app::AppError;
use okusuri_app::doctor::{DoctorAuthInfo, SignSettingsView};

use crate::state::Signed;

/// The doctor's authentication while valid (`None`: not authenticated, or expired).
#[tauri::command]
pub async fn doctor_auth(signed: Signed) -> Result<Option<DoctorAuthInfo>, AppError> {
    signed.app.doctor_auth(&signed.session).await
}

/// Authenticates with the HPKI card's PIN (checked by the card; never stored).
#[tauri::command]
pub async fn authenticate_hpki(signed: Signed, pin: String) -> Result<DoctorAuthInfo, AppError> {
    signed.app.authenticate_hpki(&signed.session, pin).await
}

/// Ends the doctor's authentication.
#[tauri::command]
pub async fn doctor_sign_out(signed: Signed) -> Result<(), AppError> {
    signed.app.doctor_sign_out(&signed.session).await
}

/// The card's warning before the PIN is typed (tries running low, locked), if any.
#[tauri::command]
pub async fn hpki_pin_warning(signed: Signed) -> Result<Option<String>, AppError> {
    let state = signed.app.hpki_pin_state(&signed.session).await?;
    Ok(state.warning().map(str::to_string))
}

/// 署名の方法 (administrators).
#[tauri::command]
pub async fn sign_settings(signed: Signed) -> Result<SignSettingsView, AppError> {
    signed.app.sign_settings_view(&signed.session).await
}

/// Saves 署名の方法.
#[tauri::command]
pub async fn set_sign_settings(signed: Signed, settings: SignSettingsView) -> Result<(), AppError> {
    signed
        .app
        .set_sign_settings_view(&signed.session, &settings)
        .await
}
