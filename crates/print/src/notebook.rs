//! A patient's notebook data, from JAHIS document to printed PDF.

use chrono::NaiveDateTime;
use okusuri_jahis::{Document, qr};

use crate::{PrintError, QrSheets, qr_sheets};

/// A printed notebook.
#[derive(Debug, Clone)]
pub struct NotebookPdf {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// How many QR symbols (pages) it holds.
    pub symbols: usize,
}

/// Splits `doc` into QR symbols (CP932, with 911 records when more than
/// one; the data ID is `made_at` as `YYYYMMDDhhmmss`) and lays them out.
pub fn notebook_pdf(
    doc: &Document,
    patient_name: &str,
    facility_name: &str,
    made_at: NaiveDateTime,
) -> Result<NotebookPdf, PrintError> {
    let data_id = made_at.format("%Y%m%d%H%M%S").to_string();
    let symbols = qr::symbols(doc, &data_id)?;
    let made_on = made_at.format("%Y年%-m月%-d日").to_string();
    let bytes = qr_sheets(&QrSheets {
        patient_name,
        made_on: &made_on,
        facility_name,
        symbols: &symbols,
    })?;
    Ok(NotebookPdf {
        bytes,
        symbols: symbols.len(),
    })
}
