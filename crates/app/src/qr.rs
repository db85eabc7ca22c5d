//! 患者用QRコード (P8): the patient's chosen dispensings as JAHIS QR codes
//! in a PDF — saved in the data folder's `print/` and opened in the PDF
//! viewer (the window), or written to a file (the command line). Audited.

use std::path::{Path, PathBuf};

use okusuri_print::{notebook_pdf, open_pdf, save_pdf};
use okusuri_store::{AccessEvent, HistoryFilter};
use serde::Serialize;

use crate::{App, AppError, ErrorCode, Permission, Session};

/// Where the PDF goes.
#[derive(Debug, Clone)]
pub enum QrOutput {
    /// `print/` in the data folder, then opened in the PDF viewer.
    PrintFolder,
    /// This file (replaced if it exists).
    File(PathBuf),
}

/// What 印刷 made.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct PrintedQr {
    /// The PDF.
    pub path: String,
    /// QR codes (pages) in it.
    pub symbols: usize,
    /// Dispensings in it.
    pub dispensings: usize,
    /// Deviations from the format the data carries (still readable).
    pub warnings: Vec<String>,
    /// Why the viewer did not open, if it did not (the PDF is saved).
    pub open_error: Option<String>,
}

impl App {
    /// Makes the PDF of `dispensing_ids` (none: the latest dispensing),
    /// writes it to `output`, and records it in the access log.
    pub async fn print_patient_qr(
        &self,
        session: &Session,
        patient_id: i64,
        dispensing_ids: &[i64],
        output: QrOutput,
    ) -> Result<PrintedQr, AppError> {
        self.begin(session, Permission::PrintQr)?;
        let mut ids = dispensing_ids.to_vec();
        if ids.is_empty() {
            let latest = self
                .store
                .history(patient_id, HistoryFilter::All, None, 1, self.clock.today())
                .await?;
            ids.extend(latest.dispensings.first().map(|d| d.id));
        }
        let export = self.store.notebook_export(patient_id, &ids).await?;
        let facility = self.store.facility().await?.map(|f| f.name);
        let made_at = self.clock.local_now().naive_local();
        let pdf = notebook_pdf(
            &export.document,
            &export.patient_name,
            facility.as_deref().unwrap_or_default(),
            made_at,
        )?;
        let path = match &output {
            QrOutput::PrintFolder => {
                let data_dir = self.store.path().parent().unwrap_or(self.store.path());
                save_pdf(data_dir, "qr", &pdf.bytes, made_at)?
            }
            QrOutput::File(path) => {
                write_file(path, &pdf.bytes)?;
                path.clone()
            }
        };
        let detail = format!("{} dispensings, {} QR", ids.len(), pdf.symbols);
        self.store
            .audit(
                &session.actor(),
                AccessEvent::NotebookExported,
                Some(patient_id),
                &detail,
                self.clock.now(),
            )
            .await?;
        let open_error = match output {
            QrOutput::PrintFolder => open_pdf(&path).err().map(|e| e.to_string()),
            QrOutput::File(_) => None,
        };
        Ok(PrintedQr {
            path: path.display().to_string(),
            symbols: pdf.symbols,
            dispensings: ids.len(),
            warnings: export.warnings,
            open_error,
        })
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, bytes).map_err(|e| {
        AppError::new(
            ErrorCode::IoFailed,
            format!("{}: 書き込めません（{e}）", path.display()),
        )
    })
}
