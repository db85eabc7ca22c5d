//! お薬自動登録設定 (P7): the receipt computer's records that may be this
//! patient, and linking one.

use okusuri_app::AppError;
use okusuri_store::LinkCandidate;

use crate::state::Signed;

/// レセコンからの候補 for a patient, best matches first.
#[tauri::command]
pub async fn link_candidates(
    signed: Signed,
    patient_id: i64,
) -> Result<Vec<LinkCandidate>, AppError> {
    signed
        .app
        .link_candidates(&signed.session, patient_id)
        .await
}

/// Links the patient to one of their candidates.
#[tauri::command]
pub async fn link_receipt_record(
    signed: Signed,
    patient_id: i64,
    record_id: i64,
) -> Result<i64, AppError> {
    let app = &signed.app;
    app.link_record(&signed.session, patient_id, record_id)
        .await
}
