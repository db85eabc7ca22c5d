//! The idle lock: the window reports input, locks itself when idle, and
//! unlocks with the same staff member's password.

use okusuri_app::AppError;

use crate::state::Signed;

/// The window saw input: the session stays open.
#[tauri::command]
pub async fn session_alive(signed: Signed) -> Result<(), AppError> {
    signed.app.session_alive(&signed.session)
}

/// Locks the window (`reason`: `idle` or `manual`).
#[tauri::command]
pub async fn lock_session(signed: Signed, reason: String) -> Result<(), AppError> {
    signed.app.lock(&signed.session, &reason).await
}

/// Unlocks with the signed-in staff member's password.
#[tauri::command]
pub async fn unlock_session(signed: Signed, password: String) -> Result<(), AppError> {
    signed.app.unlock(&signed.session, &password).await
}

/// Minutes without input before the window locks.
#[tauri::command]
pub async fn idle_lock_minutes(signed: Signed) -> Result<u32, AppError> {
    signed
        .session
        .require(okusuri_app::Permission::ViewPatients)?;
    signed.app.idle_lock_minutes().await
}

/// Sets the minutes without input before the window locks (administrators).
#[tauri::command]
pub async fn set_idle_lock_minutes(signed: Signed, minutes: u32) -> Result<(), AppError> {
    signed
        .app
        .set_idle_lock_minutes(&signed.session, minutes)
        .await
}
