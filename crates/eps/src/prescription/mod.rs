//! The prescription: its model, the two CSV forms (`SJ1` for 電子処方箋,
//! `JAHIS10` for the paper prescription's 2D symbol), the `Document` XML, and
//! strict validation with Japanese messages that name the record and field.

pub mod csv;
pub mod document;
pub mod layout;
pub mod model;
pub mod problem;
pub mod validate;

pub use csv::{Form, ReadCsv};
pub use document::{Document, document_xml, parse_document, prescription_info};
pub use model::*;
pub use problem::{Problem, Severity};
pub use validate::validate;

/// A prescription file in any of the forms we read, detected from its bytes.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The form of the CSV (inside the XML, for a document).
    pub form: Form,
    /// Whether the file was the `Document` XML (or its Base64).
    pub document: bool,
    /// The prescription.
    pub prescription: Prescription,
    /// Every problem, errors and warnings, in line order.
    pub problems: Vec<Problem>,
}

impl Parsed {
    /// Whether the prescription may be sent as it is (no error).
    pub fn is_valid(&self) -> bool {
        !self.problems.iter().any(Problem::is_error)
    }
}

/// Reads an SJ1 CSV, a JAHIS10 CSV, or the `Document` XML (or its Base64),
/// detected from the bytes, and validates it.
pub fn parse(bytes: &[u8]) -> Result<Parsed, Problem> {
    let head = bytes.trim_ascii_start();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let looks_csv = head.starts_with(b"SJ1") || head.starts_with(b"JAHIS");
    let (csv_bytes, document) = if looks_csv {
        (bytes.to_vec(), false)
    } else {
        let doc =
            parse_document(bytes).map_err(|e| Problem::error(0, None, None, e.to_string()))?;
        (doc.csv, true)
    };
    let read = csv::read(&csv_bytes)?;
    let problems = validate(&read);
    Ok(Parsed {
        form: read.form,
        document,
        prescription: read.prescription(),
        problems,
    })
}

/// The prescription written in `form` (`Document` = the unsigned SJ1 document).
pub fn build(
    prescription: &Prescription,
    form: Form,
    as_document: bool,
) -> (Vec<u8>, Vec<Problem>) {
    let (csv, problems) = csv::write(prescription, form);
    if as_document {
        (document_xml(&csv, None).into_bytes(), problems)
    } else {
        (csv, problems)
    }
}
