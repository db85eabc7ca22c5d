//! The counter (P1, P2, P7): the reader switch, choosing the reader, and
//! issuing and re-issuing cards.

use chrono::Utc;
use okusuri_store::{ConsentMethod, NewPatient};
use tauri::{AppHandle, State};

use crate::counter::{READER_KEY, ReaderStatus};
use crate::state::AppState;

/// The reader switch's state.
#[tauri::command]
pub async fn reader_status(state: State<'_, AppState>) -> Result<ReaderStatus, String> {
    state.staff()?;
    Ok(state.counter.status())
}

/// Turns the reader switch ON or OFF.
#[tauri::command]
pub async fn set_reader_on(
    on: bool,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ReaderStatus, String> {
    state.staff()?;
    let store = state.store()?;
    let reader = store.setting(READER_KEY).await.map_err(|e| e.to_string())?;
    state.counter.switch(&app, store, on, reader);
    Ok(state.counter.status())
}

/// Chooses the reader by name (admins); remembered in the settings.
#[tauri::command]
pub async fn choose_reader(
    name: String,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ReaderStatus, String> {
    let staff = state.staff()?;
    let store = state.store()?;
    store
        .set_setting_as(&staff, READER_KEY, &name, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    if state.counter.status().wanted {
        state.counter.switch(&app, store, true, Some(name));
    }
    Ok(state.counter.status())
}

/// 新規発行: a new patient, their consent, and the card touched.
#[tauri::command]
pub async fn issue_card(
    patient: NewPatient,
    consent: ConsentMethod,
    idm: String,
    state: State<'_, AppState>,
) -> Result<i64, String> {
    let staff = state.staff()?;
    state
        .store()?
        .issue_card(&staff, &patient, consent, &idm, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// 再発行: a new card for a patient; the old one stops working.
#[tauri::command]
pub async fn reissue_card(
    patient_id: i64,
    idm: String,
    state: State<'_, AppState>,
) -> Result<(), String> {
    let staff = state.staff()?;
    state
        .store()?
        .reissue_card(&staff, patient_id, &idm, Utc::now())
        .await
        .map_err(|e| e.to_string())
}
