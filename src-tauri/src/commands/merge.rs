//! The patient screen's 統合 tab: merging two records of one person and
//! undoing it (audited in the store).

use chrono::Utc;
use okusuri_store::MergeRecord;
use tauri::State;

use crate::state::AppState;

/// The merges into a patient, newest first.
#[tauri::command]
pub async fn patient_merges(
    patient_id: i64,
    state: State<'_, AppState>,
) -> Result<Vec<MergeRecord>, String> {
    state.staff()?;
    state
        .store()?
        .patient_merges(patient_id)
        .await
        .map_err(|e| e.to_string())
}

/// Merges patient `merged_id` into `kept_id`; returns the merge's ID.
#[tauri::command]
pub async fn merge_patients(
    kept_id: i64,
    merged_id: i64,
    reason: String,
    state: State<'_, AppState>,
) -> Result<i64, String> {
    let staff = state.staff()?;
    state
        .store()?
        .merge_patients(&staff, kept_id, merged_id, &reason, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// Undoes a merge.
#[tauri::command]
pub async fn undo_merge(
    merge_id: i64,
    reason: String,
    state: State<'_, AppState>,
) -> Result<(), String> {
    let staff = state.staff()?;
    state
        .store()?
        .undo_merge(&staff, merge_id, &reason, Utc::now())
        .await
        .map_err(|e| e.to_string())
}
