//! The JSON rows the bulk inserts read with `json_each`: one flat list per table.
use okusuri_jahis::model::{Dispensing, Text};
use serde::Serialize;

/// A dispensing row.
#[derive(Serialize)]
pub struct DispensingRow<'a> {
    pub patient_id: i64,
    source: &'a str,
    pub identity: String,
    pub date: &'a str,
    place_name: Option<&'a str>,
    place_prefecture: Option<&'a str>,
    place_table: Option<&'a str>,
    pub place_code: Option<&'a str>,
    pharmacist_name: Option<&'a str>,
    prescriber_name: Option<&'a str>,
    prescriber_prefecture: Option<&'a str>,
    prescriber_table: Option<&'a str>,
    pub prescriber_code: Option<&'a str>,
    warnings: Option<String>,
}

impl<'a> DispensingRow<'a> {
    pub fn new(
        d: &'a Dispensing,
        patient_id: i64,
        source: &'a str,
        warnings: Option<String>,
    ) -> Self {
        let place = d.dispensed_at.as_ref();
        let prescriber = d.prescribed_at.as_ref();
        DispensingRow {
            patient_id,
            source,
            identity: super::dispensing_identity(d),
            date: d.date.as_deref().unwrap_or(""),
            place_name: place.and_then(|p| p.name.as_deref()),
            place_prefecture: place.and_then(|p| p.prefecture.as_deref()),
            place_table: place.and_then(|p| p.table.as_deref()),
            place_code: place.and_then(|p| p.code.as_deref()),
            pharmacist_name: d.pharmacist.as_ref().and_then(|p| p.name.as_deref()),
            prescriber_name: prescriber.and_then(|p| p.name.as_deref()),
            prescriber_prefecture: prescriber.and_then(|p| p.prefecture.as_deref()),
            prescriber_table: prescriber.and_then(|p| p.table.as_deref()),
            prescriber_code: prescriber.and_then(|p| p.code.as_deref()),
            warnings,
        }
    }
}

/// A note with its record number, naming its dispensing (`d`), RP (`r`) and
/// drug (`g`) by ID and position.
#[derive(Serialize)]
pub struct NoteRow<'a> {
    d: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    g: Option<usize>,
    record: i64,
    text: &'a str,
}

fn texts(record: i64, list: &[Text]) -> impl Iterator<Item = (i64, Option<&str>)> {
    list.iter().map(move |t| (record, t.text.as_deref()))
}

/// An RP, naming its dispensing by ID and its own position.
#[derive(Serialize)]
pub struct RpRow<'a> {
    d: i64,
    seq: usize,
    rp_no: Option<u32>,
    doctor_name: Option<&'a str>,
    doctor_department: Option<&'a str>,
    usage_name: Option<&'a str>,
    quantity: Option<u32>,
    usage_unit: Option<&'a str>,
    form: Option<u8>,
    usage_code: Option<&'a str>,
}

/// A drug, naming its dispensing and RP and its own position.
#[derive(Serialize)]
pub struct DrugRow<'a> {
    d: i64,
    r: usize,
    seq: usize,
    name: Option<&'a str>,
    dose: Option<&'a str>,
    unit: Option<&'a str>,
    code_kind: Option<u8>,
    code: Option<&'a str>,
    generic_name: Option<&'a str>,
}

/// The stored dispensings' RPs, drugs and notes as one flat list per table,
/// in document order: each INSERT reads one level of JSON (SQLite parses
/// each list once; nested lists would be parsed again at every level).
#[derive(Default)]
pub struct Children<'a> {
    pub rps: Vec<RpRow<'a>>,
    pub drugs: Vec<DrugRow<'a>>,
    pub drug_notes: Vec<NoteRow<'a>>,
    pub rp_notes: Vec<NoteRow<'a>>,
    pub dispensing_notes: Vec<NoteRow<'a>>,
}

impl<'a> Children<'a> {
    /// Adds the children of dispensing `d`, stored as `id`.
    pub fn add(&mut self, id: i64, d: &'a Dispensing) {
        let note = |r: Option<usize>, g: Option<usize>| {
            move |(record, text): (i64, Option<&'a str>)| {
                text.map(|text| NoteRow {
                    d: id,
                    r,
                    g,
                    record,
                    text,
                })
            }
        };
        for (r, rp) in d.rps.iter().enumerate() {
            let usage = rp.usage.as_ref();
            self.rps.push(RpRow {
                d: id,
                seq: r,
                rp_no: rp.rp,
                doctor_name: rp.doctor.as_ref().and_then(|x| x.name.as_deref()),
                doctor_department: rp.doctor.as_ref().and_then(|x| x.department.as_deref()),
                usage_name: usage.and_then(|u| u.name.as_deref()),
                quantity: usage.and_then(|u| u.quantity),
                usage_unit: usage.and_then(|u| u.unit.as_deref()),
                form: usage.and_then(|u| u.form),
                usage_code: usage.and_then(|u| u.code.as_deref()),
            });
            for (g, drug) in rp.drugs.iter().enumerate() {
                self.drugs.push(DrugRow {
                    d: id,
                    r,
                    seq: g,
                    name: drug.name.as_deref(),
                    dose: drug.dose.as_deref(),
                    unit: drug.unit.as_deref(),
                    code_kind: drug.code_kind,
                    code: drug.code.as_deref(),
                    generic_name: drug.generic_name.as_deref(),
                });
                self.drug_notes.extend(
                    texts(281, &drug.notes)
                        .chain(texts(291, &drug.cautions))
                        .filter_map(note(Some(r), Some(g))),
                );
            }
            self.rp_notes.extend(
                usage
                    .map(|u| u.notes.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .map(|t| (311, t.text.as_deref()))
                    .chain(texts(391, &rp.cautions))
                    .filter_map(note(Some(r), None)),
            );
        }
        self.dispensing_notes.extend(
            texts(401, &d.cautions)
                .chain(d.provided_info.iter().map(|p| (411, p.text.as_deref())))
                .chain(texts(421, &d.leftover))
                .chain(texts(501, &d.remarks))
                .chain(d.patient_entries.iter().map(|e| (601, e.text.as_deref())))
                .filter_map(note(None, None)),
        );
    }
}

/// One table's rows as the JSON text its INSERT reads.
pub fn json<T: Serialize>(rows: &[T]) -> Result<String, crate::StoreError> {
    serde_json::to_string(rows).map_err(|e| crate::StoreError::Database(e.to_string()))
}
