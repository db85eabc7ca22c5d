//! The patient list (P1).

use okusuri_app::AppError;
use okusuri_store::PatientListDay;

use crate::state::Signed;

/// Today's and recent days' patients.
#[tauri::command]
pub async fn patient_list(signed: Signed) -> Result<Vec<PatientListDay>, AppError> {
    signed.app.patient_list(&signed.session).await
}
