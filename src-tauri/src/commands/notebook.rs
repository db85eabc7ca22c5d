//! 他社手帳閲覧 (P9): another pharmacy's notebook from a scanner or a file,
//! shown read-only, and "取り込む" onto a chosen patient.

use chrono::{Local, Utc};
use okusuri_store::ImportSummary;
use okusuri_store::notebook::{NotebookPreview, preview_notebook, read_notebook};
use tauri::State;

use crate::state::AppState;

/// Reads notebook data and returns what to show (nothing is stored).
#[tauri::command]
pub async fn preview_other_notebook(
    bytes: Vec<u8>,
    state: State<'_, AppState>,
) -> Result<NotebookPreview, String> {
    state.staff()?;
    let doc = read_notebook(&bytes)?;
    let yesterday = Local::now().date_naive() - chrono::Duration::days(1);
    Ok(preview_notebook(&doc, yesterday))
}

/// Stores the notebook on the patient staff chose (audited).
#[tauri::command]
pub async fn import_other_notebook(
    patient_id: i64,
    bytes: Vec<u8>,
    state: State<'_, AppState>,
) -> Result<ImportSummary, String> {
    let staff = state.staff()?;
    let doc = read_notebook(&bytes)?;
    state
        .store()?
        .import_notebook_onto(&staff, patient_id, &doc, Utc::now())
        .await
        .map_err(|e| e.to_string())
}
