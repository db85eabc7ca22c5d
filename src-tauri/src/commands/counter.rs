//! The counter (P1, P2, P7): the reader switch, choosing the reader, and
//! issuing and re-issuing cards.

use okusuri_app::AppError;
use okusuri_app::reader::ReaderStatus;
use okusuri_store::{ConsentMethod, NewPatient};
use tauri::{AppHandle, State};

use crate::state::{AppState, Signed};

/// The reader switch's state.
#[tauri::command]
pub async fn reader_status(
    _signed: Signed,
    state: State<'_, AppState>,
) -> Result<ReaderStatus, AppError> {
    Ok(state.counter.status())
}

/// Turns the reader switch ON or OFF.
#[tauri::command]
pub async fn set_reader_on(
    signed: Signed,
    on: bool,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ReaderStatus, AppError> {
    let reader = signed.app.chosen_reader().await?;
    state.counter.switch(&app, Some(&signed.app), on, reader);
    Ok(state.counter.status())
}

/// Chooses the reader by name (remembered in the settings).
#[tauri::command]
pub async fn choose_reader(
    signed: Signed,
    name: String,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ReaderStatus, AppError> {
    signed.app.choose_reader(&signed.session, &name).await?;
    if state.counter.status().wanted {
        state
            .counter
            .switch(&app, Some(&signed.app), true, Some(name));
    }
    Ok(state.counter.status())
}

/// 新規発行: a new patient, their consent, and the card touched.
#[tauri::command]
pub async fn issue_card(
    signed: Signed,
    patient: NewPatient,
    consent: ConsentMethod,
    idm: String,
) -> Result<i64, AppError> {
    let app = &signed.app;
    app.issue_card(&signed.session, &patient, consent, &idm)
        .await
}

/// 新規発行 for a person already in the records: consent and a first card.
#[tauri::command]
pub async fn issue_card_to_patient(
    signed: Signed,
    patient_id: i64,
    consent: ConsentMethod,
    idm: String,
) -> Result<(), AppError> {
    let app = &signed.app;
    app.issue_card_to_patient(&signed.session, patient_id, consent, &idm)
        .await
}

/// 再発行: a new card for a patient; the old one stops working.
#[tauri::command]
pub async fn reissue_card(signed: Signed, patient_id: i64, idm: String) -> Result<(), AppError> {
    signed
        .app
        .reissue_card(&signed.session, patient_id, &idm)
        .await
}
