//! 他社手帳閲覧 (P9): another pharmacy's notebook shown read-only, and
//! "取り込む" onto a chosen patient.

use okusuri_app::AppError;
use okusuri_domain::notebook::NotebookPreview;
use okusuri_store::ImportSummary;

use crate::state::Signed;

/// Reads notebook data and returns what to show (nothing is stored).
#[tauri::command]
pub async fn preview_other_notebook(
    signed: Signed,
    bytes: Vec<u8>,
) -> Result<NotebookPreview, AppError> {
    signed.app.preview_notebook(&signed.session, &bytes).await
}

/// Stores the notebook on the patient staff chose (audited).
#[tauri::command]
pub async fn import_other_notebook(
    signed: Signed,
    patient_id: i64,
    bytes: Vec<u8>,
) -> Result<ImportSummary, AppError> {
    let app = &signed.app;
    app.import_notebook(&signed.session, patient_id, &bytes)
        .await
}
