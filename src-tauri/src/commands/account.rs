//! Setup, sign-in/out, password change, staff management (P10).

use chrono::Utc;
use okusuri_store::{FacilitySetup, NewStaff, Staff};
use tauri::State;

use crate::state::AppState;

/// First run: creates the facility and its administrator, and signs them in.
#[tauri::command]
pub async fn set_up_facility(
    setup: FacilitySetup,
    state: State<'_, AppState>,
) -> Result<Staff, String> {
    let store = state.store()?;
    let admin = store
        .set_up_facility(&setup, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    state.set_current(Some(admin.clone()));
    Ok(admin)
}

/// Signs a staff member in.
#[tauri::command]
pub async fn sign_in(
    facility_code: String,
    login_id: String,
    password: String,
    state: State<'_, AppState>,
) -> Result<Staff, String> {
    let staff = state
        .store()?
        .sign_in(&facility_code, &login_id, &password, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    state.set_current(Some(staff.clone()));
    Ok(staff)
}

/// Signs the current staff member out.
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), String> {
    if let Some(staff) = state.current() {
        state.set_current(None);
        state
            .store()?
            .sign_out(&staff, Utc::now())
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Changes the signed-in staff member's password.
#[tauri::command]
pub async fn change_password(
    current: String,
    new: String,
    state: State<'_, AppState>,
) -> Result<(), String> {
    let staff = state.staff()?;
    state
        .store()?
        .change_password(&staff, &current, &new, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// An administrator adds a staff member.
#[tauri::command]
pub async fn add_staff(staff: NewStaff, state: State<'_, AppState>) -> Result<Staff, String> {
    let actor = state.staff()?;
    state
        .store()?
        .add_staff(&actor, &staff, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// An administrator lists the staff.
#[tauri::command]
pub async fn list_staff(state: State<'_, AppState>) -> Result<Vec<Staff>, String> {
    let actor = state.staff()?;
    state
        .store()?
        .list_staff(&actor)
        .await
        .map_err(|e| e.to_string())
}
