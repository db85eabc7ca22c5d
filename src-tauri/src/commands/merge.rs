//! The patient screen's 統合 tab: merging two records of one person and
//! undoing it.

use okusuri_app::AppError;
use okusuri_store::MergeRecord;

use crate::state::Signed;

/// The merges into a patient, newest first.
#[tauri::command]
pub async fn patient_merges(signed: Signed, patient_id: i64) -> Result<Vec<MergeRecord>, AppError> {
    signed.app.merges(&signed.session, patient_id).await
}

/// Merges patient `merged_id` into `kept_id`; returns the merge's ID.
#[tauri::command]
pub async fn merge_patients(
    signed: Signed,
    kept_id: i64,
    merged_id: i64,
    reason: String,
) -> Result<i64, AppError> {
    let app = &signed.app;
    app.merge(&signed.session, kept_id, merged_id, &reason)
        .await
}

/// Undoes a merge.
#[tauri::command]
pub async fn undo_merge(signed: Signed, merge_id: i64, reason: String) -> Result<(), AppError> {
    signed
        .app
        .undo_merge(&signed.session, merge_id, &reason)
        .await
}
