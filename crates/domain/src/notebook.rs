//! 他社手帳閲覧 (P9): another pharmacy's notebook, read from JAHIS data a
//! patient shows (a QR code typed in by a scanner, or a file), drawn like
//! お薬履歴 by the same builder ([`crate::history::build`]) without storing anything.

use chrono::NaiveDate;
use okusuri_jahis::Document;
use okusuri_jahis::model::Text;

use crate::history::{DispensingFacts, DrugFacts, HistoryDispensing, Note, RpFacts, build, note};

fn texts(record: i64, list: &[Text]) -> impl Iterator<Item = Note> + '_ {
    list.iter()
        .filter_map(move |t| t.text.clone().map(|text| note(record, text)))
}

/// The facts of a document's dispensings. IDs are negative: nothing is stored.
fn facts(doc: &Document) -> Vec<DispensingFacts> {
    let mut next_id = 0i64;
    let mut id = || {
        next_id -= 1;
        next_id
    };
    doc.dispensings
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let rps = d
                .rps
                .iter()
                .map(|rp| {
                    let usage = rp.usage.as_ref();
                    let drugs = rp
                        .drugs
                        .iter()
                        .map(|g| DrugFacts {
                            id: id(),
                            name: g.name.clone().unwrap_or_default(),
                            dose: g.dose.clone(),
                            unit: g.unit.clone(),
                            notes: texts(281, &g.notes)
                                .chain(texts(291, &g.cautions))
                                .collect(),
                        })
                        .collect();
                    RpFacts {
                        key: id(),
                        rp_no: rp.rp.map(i64::from),
                        doctor_name: rp.doctor.as_ref().and_then(|x| x.name.clone()),
                        doctor_department: rp.doctor.as_ref().and_then(|x| x.department.clone()),
                        usage_name: usage.and_then(|u| u.name.clone()),
                        quantity: usage.and_then(|u| u.quantity).map(i64::from),
                        usage_unit: usage.and_then(|u| u.unit.clone()),
                        form: usage.and_then(|u| u.form).map(i64::from),
                        drugs,
                        notes: usage
                            .map(|u| u.notes.as_slice())
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|t| t.text.clone().map(|text| note(311, text)))
                            .chain(texts(391, &rp.cautions))
                            .collect(),
                    }
                })
                .collect();
            DispensingFacts {
                id: id(),
                date: d.date.clone(),
                place: d.dispensed_at.as_ref().and_then(|p| p.name.clone()),
                this_facility: false,
                prescriber: d.prescribed_at.as_ref().and_then(|p| p.name.clone()),
                pharmacist: d.pharmacist.as_ref().and_then(|p| p.name.clone()),
                rps,
                notes: texts(401, &d.cautions)
                    .chain(
                        d.provided_info
                            .iter()
                            .filter_map(|p| p.text.clone().map(|t| note(411, t))),
                    )
                    .chain(texts(421, &d.leftover))
                    .chain(texts(501, &d.remarks))
                    .collect(),
                warnings: crate::gate::warnings_of(doc, index),
            }
        })
        .collect()
}

/// The dispensings of a document as お薬履歴 draws them (newest first), with
/// 服薬期間中 / 残量 as of `as_of`.
pub fn preview_dispensings(doc: &Document, as_of: NaiveDate) -> Vec<HistoryDispensing> {
    let mut out: Vec<HistoryDispensing> = facts(doc).into_iter().map(|f| build(f, as_of)).collect();
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out
}

/// A notebook as the 他社手帳 screen shows it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct NotebookPreview {
    /// 漢字氏名 (as written in the notebook).
    pub name: Option<String>,
    /// カナ氏名.
    pub kana: Option<String>,
    /// ISO birth date.
    pub birth_date: Option<String>,
    /// Dispensings, newest first.
    pub dispensings: Vec<HistoryDispensing>,
    /// 市販薬 names.
    pub otc: Vec<String>,
    /// What is wrong with the data, one line each (`3行目: …`).
    pub issues: Vec<String>,
    /// Why it cannot be taken in (the import gate's refusal), if it cannot.
    pub refused: Option<String>,
}

/// Puts scanned notebook data back together: a file, or text a 2D scanner
/// typed (several symbols one after another, 911 parts or Structured
/// Append), with any line ends. The bytes of one JAHIS document result.
pub fn assemble_scanned(bytes: &[u8]) -> Result<Vec<u8>, okusuri_jahis::split::SplitError> {
    // Scanners and text boxes end lines with CR, LF or both: make them CRLF.
    let mut crlf = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        match b {
            b'\r' => {
                if iter.peek() == Some(&&b'\n') {
                    iter.next();
                }
                crlf.extend_from_slice(b"\r\n");
            }
            b'\n' => crlf.extend_from_slice(b"\r\n"),
            other => crlf.push(other),
        }
    }
    let parts = okusuri_jahis::split::split_scanned(&crlf);
    okusuri_jahis::split::assemble(&parts)
}

/// Reads notebook data for showing it (see [`assemble_scanned`]); what may
/// be stored is decided by [`crate::gate::Gate::scanned`].
pub fn read_notebook(bytes: &[u8]) -> Result<Document, String> {
    let whole = assemble_scanned(bytes).map_err(|e| e.to_string())?;
    okusuri_jahis::read(&whole, okusuri_jahis::Mode::Lenient).map_err(|e| e.to_string())
}

/// The preview of a notebook (see [`preview_dispensings`]).
pub fn preview_notebook(doc: &Document, as_of: NaiveDate) -> NotebookPreview {
    let patient = doc.patient.as_ref();
    NotebookPreview {
        name: patient.and_then(|p| p.name.clone()),
        kana: patient.and_then(|p| p.kana.clone()),
        birth_date: patient.and_then(|p| p.birth_date.clone()),
        dispensings: preview_dispensings(doc, as_of),
        otc: doc.otc.iter().filter_map(|o| o.name.clone()).collect(),
        issues: doc
            .issues
            .iter()
            .map(|i| format!("{}行目: {}", i.line, i.message))
            .collect(),
        refused: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../jahis/tests/fixtures")
            .join(name);
        std::fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn scanned_symbols_in_any_order_and_line_ends_make_one_notebook() {
        // A textarea hands over LF line ends; the scanner typed part 2 first,
        // each symbol followed by Enter (the scanner's usual suffix).
        let scanned =
            (fixture("v26-split-part-2.txt") + "\n" + &fixture("v26-split-part-1.txt") + "\n")
                .replace("\r\n", "\n");
        let doc = read_notebook(scanned.as_bytes());
        let doc = match doc {
            Ok(doc) => doc,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            doc.patient.and_then(|p| p.name).as_deref(),
            Some("鈴木 太郎")
        );
        assert!(!doc.dispensings.is_empty());
        // Scanners set to end with CR only.
        let cr_only = scanned.replace('\n', "\r");
        assert!(read_notebook(cr_only.as_bytes()).is_ok());
    }
}
