//! Printing for Okusuri Desk: PDF sheets made with `printpdf`, text in an
//! embedded Japanese font (IPAexGothic, IPA Font License v1.0 — the licence
//! text is in `fonts/` and ships with the app), subset to the characters
//! used so a sheet stays small.
//!
//! [`qr_sheets`] lays out a patient's JAHIS notebook data, already split into
//! QR symbols, one symbol per page.

mod font;
mod qr_sheet;

pub use font::FONT_LICENSE;
pub use qr_sheet::{QrSheets, qr_sheets};

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
}
