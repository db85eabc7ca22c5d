//! Patient search, the patient screen (お薬履歴 / 今回のお薬 / からだの情報 /
//! メモ), copying for the 薬歴 system, and the admin's 取込 (P4–P6).

use chrono::{Local, Utc};
use okusuri_jahis::{Mode, read};
use okusuri_store::history::OtcEntry;
use okusuri_store::patients::PatientSummary;
use okusuri_store::{
    BodyKind, Cursor, HistoryFilter, HistoryPage, ImportSource, ImportSummary, PatientNoteEntry,
};
use tauri::State;

use crate::state::AppState;

/// Dispensings per page of お薬履歴.
const PAGE: i64 = 20;
/// Most search results shown.
const SEARCH_LIMIT: i64 = 100;

/// Patients by kana, kanji or birth date.
#[tauri::command]
pub async fn search_patients(
    query: String,
    state: State<'_, AppState>,
) -> Result<Vec<PatientSummary>, String> {
    state.staff()?;
    let today = Local::now().date_naive();
    state
        .store()?
        .search_patients(&query, SEARCH_LIMIT, today)
        .await
        .map_err(|e| e.to_string())
}

/// Opens a patient: their header, and an access-log entry.
#[tauri::command]
pub async fn open_patient(
    patient_id: i64,
    state: State<'_, AppState>,
) -> Result<PatientSummary, String> {
    let staff = state.staff()?;
    let store = state.store()?;
    let patient = store
        .patient(patient_id, Local::now().date_naive())
        .await
        .map_err(|e| e.to_string())?;
    let patient = patient.ok_or_else(|| "この患者は登録されていません。".to_string())?;
    store
        .log_patient_opened(&staff, patient_id, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(patient)
}

/// A page of お薬履歴; 服薬期間中 and 残量 are as of yesterday.
#[tauri::command]
pub async fn patient_history(
    patient_id: i64,
    filter: HistoryFilter,
    after: Option<Cursor>,
    state: State<'_, AppState>,
) -> Result<HistoryPage, String> {
    state.staff()?;
    let yesterday = Local::now().date_naive() - chrono::Duration::days(1);
    let limit = if filter == HistoryFilter::This {
        1
    } else {
        PAGE
    };
    state
        .store()?
        .history(patient_id, filter, after.as_ref(), limit, yesterday)
        .await
        .map_err(|e| e.to_string())
}

/// 市販薬.
#[tauri::command]
pub async fn patient_otc(
    patient_id: i64,
    state: State<'_, AppState>,
) -> Result<Vec<OtcEntry>, String> {
    state.staff()?;
    state
        .store()?
        .otc_history(patient_id)
        .await
        .map_err(|e| e.to_string())
}

/// からだの情報 and メモ.
#[tauri::command]
pub async fn patient_notes(
    patient_id: i64,
    state: State<'_, AppState>,
) -> Result<Vec<PatientNoteEntry>, String> {
    state.staff()?;
    state
        .store()?
        .patient_notes(patient_id)
        .await
        .map_err(|e| e.to_string())
}

/// Adds body information (`kind`) or a memo (no kind).
#[tauri::command]
pub async fn add_patient_note(
    patient_id: i64,
    kind: Option<BodyKind>,
    text: String,
    state: State<'_, AppState>,
) -> Result<i64, String> {
    let staff = state.staff()?;
    state
        .store()?
        .add_patient_note(&staff, patient_id, kind, &text, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// Withdraws an entry with a reason.
#[tauri::command]
pub async fn withdraw_patient_note(
    patient_id: i64,
    kind: String,
    id: i64,
    reason: String,
    state: State<'_, AppState>,
) -> Result<(), String> {
    let staff = state.staff()?;
    state
        .store()?
        .withdraw_patient_note(&staff, patient_id, &kind, id, &reason, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// 取込 (admins): a JAHIS file chosen in the window.
#[tauri::command]
pub async fn import_jahis(
    file_name: String,
    bytes: Vec<u8>,
    state: State<'_, AppState>,
) -> Result<ImportSummary, String> {
    let staff = state.staff()?;
    let doc = read(&bytes, Mode::Lenient).map_err(|e| format!("{file_name}: {e}"))?;
    let source = ImportSource {
        label: format!("import:{file_name}"),
        external_id: None,
    };
    state
        .store()?
        .import_jahis_as(&staff, &doc, &source, Utc::now())
        .await
        .map_err(|e| format!("{file_name}: {e}"))
}
