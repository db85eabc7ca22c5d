//! 医師認証: the doctor's authentication to sign 電子処方箋 (C3), shown in the header.

use okusuri_app::AppError;
use okusuri_app::doctor::DoctorAuthInfo;

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
