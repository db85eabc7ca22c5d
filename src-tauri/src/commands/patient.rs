//! Patient search, the patient screen (お薬履歴 / 今回のお薬 / からだの情報 /
//! メモ) and the administrator's 取込 (P4–P6).

use okusuri_app::AppError;
use okusuri_app::patients::CurrentDispensing;
use okusuri_store::history::OtcEntry;
use okusuri_store::patients::PatientSummary;
use okusuri_store::{
    BodyKind, Cursor, HistoryFilter, HistoryPage, ImportSummary, PatientNoteEntry,
};

use crate::state::Signed;

/// Patients by kana, kanji or birth date.
#[tauri::command]
pub async fn search_patients(
    signed: Signed,
    query: String,
) -> Result<Vec<PatientSummary>, AppError> {
    signed.app.search_patients(&signed.session, &query).await
}

/// Opens a patient (audited).
#[tauri::command]
pub async fn open_patient(signed: Signed, patient_id: i64) -> Result<PatientSummary, AppError> {
    signed.app.open_patient(&signed.session, patient_id).await
}

/// A page of お薬履歴.
#[tauri::command]
pub async fn patient_history(
    signed: Signed,
    patient_id: i64,
    filter: HistoryFilter,
    after: Option<Cursor>,
) -> Result<HistoryPage, AppError> {
    let app = &signed.app;
    app.history_page(&signed.session, patient_id, filter, after.as_ref())
        .await
}

/// 今回のお薬: the dispensing of this visit, or the date of the newest one.
#[tauri::command]
pub async fn patient_current(
    signed: Signed,
    patient_id: i64,
) -> Result<CurrentDispensing, AppError> {
    signed
        .app
        .current_dispensing(&signed.session, patient_id)
        .await
}

/// 市販薬.
#[tauri::command]
pub async fn patient_otc(signed: Signed, patient_id: i64) -> Result<Vec<OtcEntry>, AppError> {
    signed.app.otc(&signed.session, patient_id).await
}

/// からだの情報 and メモ.
#[tauri::command]
pub async fn patient_notes(
    signed: Signed,
    patient_id: i64,
) -> Result<Vec<PatientNoteEntry>, AppError> {
    signed.app.notes(&signed.session, patient_id).await
}

/// Adds body information (`kind`) or a memo (no kind).
#[tauri::command]
pub async fn add_patient_note(
    signed: Signed,
    patient_id: i64,
    kind: Option<BodyKind>,
    text: String,
) -> Result<i64, AppError> {
    let app = &signed.app;
    app.add_note(&signed.session, patient_id, kind, &text).await
}

/// Withdraws an entry with a reason.
#[tauri::command]
pub async fn withdraw_patient_note(
    signed: Signed,
    patient_id: i64,
    kind: String,
    id: i64,
    reason: String,
) -> Result<(), AppError> {
    let app = &signed.app;
    app.withdraw_note(&signed.session, patient_id, &kind, id, &reason)
        .await
}

/// 取込 (administrators): a JAHIS file chosen in the window.
#[tauri::command]
pub async fn import_jahis(
    signed: Signed,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<ImportSummary, AppError> {
    let app = &signed.app;
    app.import_file(&signed.session, &file_name, &bytes).await
}
