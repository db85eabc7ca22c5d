//! Printing for Okusuri Desk: PDF sheets made with `printpdf`, text in an
//! embedded Japanese font (IPAexGothic, IPA Font License v1.0 — the licence
//! text is in `fonts/` and ships with the app), subset to the characters
//! used so a sheet stays small.
//!
//! [`notebook_pdf`] turns a patient's JAHIS notebook data into QR symbols
//! laid out by [`qr_sheets`], one symbol per page; [`save_pdf`] and
//! [`open_pdf`] put the PDF where the user's viewer prints it.
//! [`prescription_sheet`] is the clinic's 処方箋控え and paper 処方箋.

mod font;
mod notebook;
mod output;
mod prescription_sheet;
mod qr_sheet;
mod screen_qr;
mod symbol;

pub use notebook::{NotebookPdf, notebook_pdf};
pub use output::{VIEWER_ENV, open_pdf, remove_all_printed, remove_old_printed, save_pdf};
pub use prescription_sheet::{PrescriptionSheet, SheetKind, prescription_sheet};
pub use qr_sheet::{QrSheets, qr_sheets};
pub use screen_qr::qr_data_url;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The embedded font could not be read (a broken build).
    #[error("印刷用のフォントを読み込めません。アプリを入れ直してください。")]
    Font,
    /// Nothing to print.
    #[error("印刷するQRコードがありません。")]
    Empty,
    /// A symbol could not be made.
    #[error(transparent)]
    Qr(#[from] okusuri_jahis::qr::QrError),
    /// The PDF could not be written (folder, error).
    #[error("PDFを保存できません（{0}: {1}）。")]
    Save(String, String),
    /// No viewer could be started (file, error); the PDF is saved.
    #[error("PDFを開けませんでした（{1}）。保存先: {0}")]
    Open(String, String),
}
