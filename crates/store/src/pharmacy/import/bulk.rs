//! The JSON rows the bulk inserts read with `json_each` (one JSONB value per batch).
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

/// A note with its record number.
#[derive(Serialize)]
pub struct NoteRow<'a> {
    record: i64,
    text: &'a str,
}

fn notes<'a>(items: impl Iterator<Item = (i64, Option<&'a str>)>) -> Vec<NoteRow<'a>> {
    items
        .filter_map(|(record, text)| text.map(|text| NoteRow { record, text }))
        .collect()
}

fn texts(record: i64, list: &[Text]) -> impl Iterator<Item = (i64, Option<&str>)> {
    list.iter().map(move |t| (record, t.text.as_deref()))
}

/// A stored dispensing's ID with its RPs, drugs and notes.
#[derive(Serialize)]
pub struct Children<'a> {
    id: i64,
    rps: Vec<RpRow<'a>>,
    notes: Vec<NoteRow<'a>>,
}

#[derive(Serialize)]
struct RpRow<'a> {
    rp_no: Option<u32>,
    doctor_name: Option<&'a str>,
    doctor_department: Option<&'a str>,
    usage_name: Option<&'a str>,
    quantity: Option<u32>,
    usage_unit: Option<&'a str>,
    form: Option<u8>,
    usage_code: Option<&'a str>,
    drugs: Vec<DrugRow<'a>>,
    notes: Vec<NoteRow<'a>>,
}

#[derive(Serialize)]
struct DrugRow<'a> {
    name: Option<&'a str>,
    dose: Option<&'a str>,
    unit: Option<&'a str>,
    code_kind: Option<u8>,
    code: Option<&'a str>,
    generic_name: Option<&'a str>,
    notes: Vec<NoteRow<'a>>,
}

impl<'a> Children<'a> {
    pub fn new(id: i64, d: &'a Dispensing) -> Self {
        let rps = d
            .rps
            .iter()
            .map(|rp| {
                let usage = rp.usage.as_ref();
                RpRow {
                    rp_no: rp.rp,
                    doctor_name: rp.doctor.as_ref().and_then(|x| x.name.as_deref()),
                    doctor_department: rp.doctor.as_ref().and_then(|x| x.department.as_deref()),
                    usage_name: usage.and_then(|u| u.name.as_deref()),
                    quantity: usage.and_then(|u| u.quantity),
                    usage_unit: usage.and_then(|u| u.unit.as_deref()),
                    form: usage.and_then(|u| u.form),
                    usage_code: usage.and_then(|u| u.code.as_deref()),
                    drugs: rp
                        .drugs
                        .iter()
                        .map(|g| DrugRow {
                            name: g.name.as_deref(),
                            dose: g.dose.as_deref(),
                            unit: g.unit.as_deref(),
                            code_kind: g.code_kind,
                            code: g.code.as_deref(),
                            generic_name: g.generic_name.as_deref(),
                            notes: notes(texts(281, &g.notes).chain(texts(291, &g.cautions))),
                        })
                        .collect(),
                    notes: notes(
                        usage
                            .map(|u| u.notes.as_slice())
                            .unwrap_or_default()
                            .iter()
                            .map(|t| (311, t.text.as_deref()))
                            .chain(texts(391, &rp.cautions)),
                    ),
                }
            })
            .collect();
        let dispensing_notes = notes(
            texts(401, &d.cautions)
                .chain(d.provided_info.iter().map(|p| (411, p.text.as_deref())))
                .chain(texts(421, &d.leftover))
                .chain(texts(501, &d.remarks))
                .chain(d.patient_entries.iter().map(|e| (601, e.text.as_deref()))),
        );
        Children {
            id,
            rps,
            notes: dispensing_notes,
        }
    }
}
