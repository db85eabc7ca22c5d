//! 患者用QRコード (P8): the patient's chosen dispensings printed as JAHIS QR
//! codes — a PDF in the data folder's `print/`, opened in the PDF viewer.

use chrono::{Local, Utc};
use okusuri_print::{notebook_pdf, open_pdf, save_pdf};
use serde::Serialize;
use tauri::State;

use crate::state::AppState;

/// What 印刷 made.
#[derive(Debug, Serialize)]
pub struct PrintedQr {
    /// The PDF.
    pub path: String,
    /// QR codes (pages) in it.
    pub symbols: usize,
    /// Deviations from the format the data carries (still readable).
    pub warnings: Vec<String>,
    /// Why the viewer did not open, if it did not (the PDF is saved).
    pub open_error: Option<String>,
}

/// Makes the PDF, records it in the access log, and opens it.
#[tauri::command]
pub async fn print_patient_qr(
    patient_id: i64,
    dispensing_ids: Vec<i64>,
    state: State<'_, AppState>,
) -> Result<PrintedQr, String> {
    let staff = state.staff()?;
    let store = state.store()?;
    let export = store
        .notebook_export(patient_id, &dispensing_ids)
        .await
        .map_err(|e| e.to_string())?;
    let facility = store.facility().await.map_err(|e| e.to_string())?;
    let now = Local::now().naive_local();
    let facility_name = facility.map(|f| f.name).unwrap_or_default();
    let pdf = notebook_pdf(&export.document, &export.patient_name, &facility_name, now)
        .map_err(|e| e.to_string())?;
    let data_dir = store.path().parent().unwrap_or(store.path());
    let path = save_pdf(data_dir, "qr", &pdf.bytes, now).map_err(|e| e.to_string())?;
    let detail = format!("{} dispensings, {} QR", dispensing_ids.len(), pdf.symbols);
    store
        .log_notebook_exported(Some(&staff), patient_id, &detail, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(PrintedQr {
        open_error: open_pdf(&path).err().map(|e| e.to_string()),
        path: path.display().to_string(),
        symbols: pdf.symbols,
        warnings: export.warnings,
    })
}
