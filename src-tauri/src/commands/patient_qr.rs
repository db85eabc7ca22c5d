//! 患者用QRコード (P8): a PDF in the data folder's `print/`, opened in the
//! PDF viewer.

use okusuri_app::AppError;
use okusuri_app::qr::{PrintedQr, QrOutput};

use crate::state::Signed;

/// Makes the PDF, records it in the access log, and opens it.
#[tauri::command]
pub async fn print_patient_qr(
    signed: Signed,
    patient_id: i64,
    dispensing_ids: Vec<i64>,
) -> Result<PrintedQr, AppError> {
    let app = &signed.app;
    app.print_patient_qr(
        &signed.session,
        patient_id,
        &dispensing_ids,
        QrOutput::PrintFolder,
    )
    .await
}
