//! スタッフ管理 and two-factor sign-in: a few lines each around `okusuri-app`.

use okusuri_app::AppError;
use okusuri_app::staff::TwoFactorOffer;
use okusuri_store::{Role, StaffAccount};

use crate::state::Signed;

/// Every staff member, active or not.
#[tauri::command]
pub async fn staff_accounts(signed: Signed) -> Result<Vec<StaffAccount>, AppError> {
    signed.app.staff_accounts(&signed.session).await
}

/// Deactivates or reactivates a staff member.
#[tauri::command]
pub async fn set_staff_active(signed: Signed, staff_id: i64, active: bool) -> Result<(), AppError> {
    let app = &signed.app;
    app.set_staff_active(&signed.session, staff_id, active)
        .await
}

/// Changes a staff member's role.
#[tauri::command]
pub async fn set_staff_role(signed: Signed, staff_id: i64, role: Role) -> Result<(), AppError> {
    signed
        .app
        .set_staff_role(&signed.session, staff_id, role)
        .await
}

/// Gives a staff member a temporary password (changed at their next sign-in).
#[tauri::command]
pub async fn reset_password(
    signed: Signed,
    staff_id: i64,
    temporary: String,
) -> Result<(), AppError> {
    let app = &signed.app;
    app.reset_password(&signed.session, staff_id, &temporary)
        .await
}

/// Turns off a staff member's two-factor sign-in (a lost phone).
#[tauri::command]
pub async fn reset_two_factor(signed: Signed, staff_id: i64) -> Result<(), AppError> {
    signed.app.reset_two_factor(&signed.session, staff_id).await
}

/// Starts the signed-in staff member's two-factor enrolment.
#[tauri::command]
pub async fn start_two_factor(signed: Signed) -> Result<TwoFactorOffer, AppError> {
    signed.app.start_two_factor(&signed.session).await
}

/// Confirms the enrolment with a first code; returns the recovery codes.
#[tauri::command]
pub async fn confirm_two_factor(signed: Signed, code: String) -> Result<Vec<String>, AppError> {
    signed.app.confirm_two_factor(&signed.session, &code).await
}

/// Turns off the signed-in staff member's own two-factor sign-in.
#[tauri::command]
pub async fn stop_two_factor(signed: Signed, password: String) -> Result<(), AppError> {
    signed.app.stop_two_factor(&signed.session, &password).await
}

/// Whether clerks may take in another pharmacy's notebook.
#[tauri::command]
pub async fn clerks_take_in(signed: Signed) -> Result<bool, AppError> {
    signed.app.clerks_take_in(&signed.session).await
}

/// Lets clerks take in notebooks, or not.
#[tauri::command]
pub async fn set_clerks_take_in(signed: Signed, allowed: bool) -> Result<(), AppError> {
    signed
        .app
        .set_clerks_take_in(&signed.session, allowed)
        .await
}
