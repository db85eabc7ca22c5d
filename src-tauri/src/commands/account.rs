//! Setup, sign-in/out, password change, staff management (P10).

use okusuri_app::AppError;
use okusuri_store::{FacilitySetup, NewStaff, Staff, Via};
use tauri::{AppHandle, State};

use crate::state::{AppState, Signed};

/// First run: creates the facility and its administrator, and signs them in.
#[tauri::command]
pub async fn set_up_facility(
    setup: FacilitySetup,
    state: State<'_, AppState>,
) -> Result<Staff, AppError> {
    let session = state.app()?.set_up(&setup, Via::Window).await?;
    let staff = session.staff().clone();
    state.set_session(Some(session));
    Ok(staff)
}

/// Signs a staff member in (`code`: the second factor, when asked for).
#[tauri::command]
pub async fn sign_in(
    facility_code: String,
    login_id: String,
    password: String,
    code: Option<String>,
    state: State<'_, AppState>,
) -> Result<Staff, AppError> {
    let app = state.app()?;
    let session = app
        .sign_in(
            &facility_code,
            &login_id,
            &password,
            code.as_deref(),
            Via::Window,
        )
        .await?;
    let staff = session.staff().clone();
    state.set_session(Some(session));
    Ok(staff)
}

/// Signs the staff member out; the card reader stops (no patient reaches
/// the window until someone signs in again).
#[tauri::command]
pub async fn sign_out(
    signed: Signed,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    state.set_session(None);
    state.counter.switch(&app, None, false, None);
    signed.app.sign_out(&signed.session).await
}

/// Changes the signed-in staff member's password.
#[tauri::command]
pub async fn change_password(signed: Signed, current: String, new: String) -> Result<(), AppError> {
    signed
        .app
        .change_password(&signed.session, &current, &new)
        .await
}

/// An administrator adds a staff member.
#[tauri::command]
pub async fn add_staff(signed: Signed, staff: NewStaff) -> Result<Staff, AppError> {
    signed.app.add_staff(&signed.session, &staff).await
}

/// An administrator lists the staff.
#[tauri::command]
pub async fn list_staff(signed: Signed) -> Result<Vec<Staff>, AppError> {
    signed.app.list_staff(&signed.session).await
}
