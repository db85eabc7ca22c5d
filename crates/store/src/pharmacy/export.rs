//! 患者用QRコード (P8): a patient's chosen dispensings as a JAHIS document
//! (出力区分 1, facility → patient), the data an e-notebook phone app reads.
//!
//! Only what the store keeps goes out: the store does not keep 作成者 (every
//! record says 1, 医療関係者 — the notebook is the facility's record), nor the
//! kind of a 411 提供情報 (sent as 99, その他) nor the kind of a 用法コード
//! (2, JAMI, when there is a code; 1, none, otherwise).

use okusuri_jahis::model::{
    Dispensing, Doctor, Drug, Institution, Patient, PatientEntry, Person, ProvidedInfo, Rp, Text,
    Usage,
};
use okusuri_jahis::{Document, Encoding, Mode, Severity, WriteError};

use crate::history::NoteRow;
use crate::{Store, StoreError};

/// Author code 1: 医療関係者.
const BY_STAFF: Option<u8> = Some(1);

/// Why the notebook data could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such patient (or a record merged into another).
    #[error("患者が見つかりません。")]
    PatientNotFound,
    /// Nothing was chosen.
    #[error("QRコードにする調剤を1つ以上選んでください。")]
    NothingChosen,
    /// A chosen dispensing is not this patient's.
    #[error("選んだ調剤（ID {0}）はこの患者のものではありません。画面を開き直してください。")]
    NotThisPatients(i64),
    /// JAHIS needs 男 or 女.
    #[error("QRコードには性別（男・女）が必要です。患者情報の性別を確かめてください。")]
    SexMissing,
    /// JAHIS needs the birth date.
    #[error("QRコードには生年月日が必要です。患者情報の生年月日を確かめてください。")]
    BirthDateMissing,
    /// A character has no Shift_JIS (CP932) form, which JAHIS QR data uses
    /// (e.g. 𠮷 in a name).
    #[error(
        "「{ch}」はお薬手帳のQRコード（Shift_JIS）で使えない文字のため、QRコードを作れません（{context}）。この文字を含まない調剤を選ぶか、登録内容の文字を置き換えてください。"
    )]
    Unencodable {
        /// The character.
        ch: char,
        /// Where it is (the data line, shortened).
        context: String,
    },
    /// The data would lose something when read back (a field the format
    /// cannot carry).
    #[error("QRコードのデータを作れません: {0}")]
    Invalid(String),
}

/// The notebook data, ready for QR symbols.
#[derive(Debug, Clone)]
pub struct NotebookExport {
    /// The document.
    pub document: Document,
    /// The patient's name, for the printed sheet.
    pub patient_name: String,
    /// Deviations from the spec the data carries (e.g. a dose the receipt
    /// computer did not send), in Japanese; the data is still usable.
    pub warnings: Vec<String>,
}

struct PatientRow {
    name: String,
    kana: String,
    sex: i64,
    birth_date: Option<String>,
    phone: Option<String>,
}

struct DispensingRow {
    id: i64,
    dispensed_on: String,
    place_name: Option<String>,
    place_prefecture: Option<String>,
    place_table: Option<String>,
    place_code: Option<String>,
    pharmacist_name: Option<String>,
    prescriber_name: Option<String>,
    prescriber_prefecture: Option<String>,
    prescriber_table: Option<String>,
    prescriber_code: Option<String>,
}

struct RpRow {
    dispensing_id: i64,
    id: i64,
    rp_no: Option<i64>,
    doctor_name: Option<String>,
    doctor_department: Option<String>,
    usage_name: Option<String>,
    quantity: Option<i64>,
    usage_unit: Option<String>,
    form: Option<i64>,
    usage_code: Option<String>,
}

struct DrugRow {
    rp_id: i64,
    id: i64,
    name: Option<String>,
    dose: Option<String>,
    unit: Option<String>,
    code_kind: Option<i64>,
    code: Option<String>,
    generic_name: Option<String>,
}

fn text(t: &str) -> Text {
    Text {
        text: Some(t.to_string()),
        author: BY_STAFF,
        extra: Vec::new(),
    }
}

fn small<T: TryFrom<i64>>(v: Option<i64>) -> Option<T> {
    v.and_then(|v| T::try_from(v).ok())
}

impl Store {
    /// The JAHIS document for `patient_id` with the chosen dispensings
    /// (oldest first, as a notebook reads), checked by reading it back.
    pub async fn notebook_export(
        &self,
        patient_id: i64,
        dispensing_ids: &[i64],
    ) -> Result<NotebookExport, ExportError> {
        if dispensing_ids.is_empty() {
            return Err(ExportError::NothingChosen);
        }
        let patient = sqlx::query_as!(
            PatientRow,
            "SELECT name, kana, sex, birth_date, phone FROM patient WHERE id = ? AND merged_into IS NULL",
            patient_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?
        .ok_or(ExportError::PatientNotFound)?;
        let sex = match patient.sex {
            1 | 2 => Some(patient.sex as u8),
            _ => return Err(ExportError::SexMissing),
        };
        let birth_date = patient
            .birth_date
            .filter(|d| !d.is_empty())
            .ok_or(ExportError::BirthDateMissing)?;

        let ids = serde_json::to_string(dispensing_ids).unwrap_or_default();
        let rows = sqlx::query_as!(
            DispensingRow,
            r#"SELECT id AS "id!: i64", dispensed_on, place_name, place_prefecture, place_table, place_code,
                      pharmacist_name, prescriber_name, prescriber_prefecture, prescriber_table, prescriber_code
               FROM dispensing
               WHERE patient_id = ?1 AND id IN (SELECT value FROM json_each(?2))
               ORDER BY dispensed_on, id"#,
            patient_id,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        if let Some(missing) = dispensing_ids
            .iter()
            .find(|id| !rows.iter().any(|r| r.id == **id))
        {
            return Err(ExportError::NotThisPatients(*missing));
        }
        let rps = sqlx::query_as!(
            RpRow,
            r#"SELECT dispensing_id AS "dispensing_id!: i64", id AS "id!: i64", rp_no, doctor_name,
                      doctor_department, usage_name, quantity, usage_unit, form, usage_code
               FROM rp WHERE dispensing_id IN (SELECT value FROM json_each(?))
               ORDER BY dispensing_id, seq"#,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let drugs = sqlx::query_as!(
            DrugRow,
            r#"SELECT d.rp_id AS "rp_id!: i64", d.id AS "id!: i64", d.name, d.dose, d.unit, d.code_kind,
                      d.code, d.generic_name
               FROM drug d JOIN rp r ON r.id = d.rp_id
               WHERE r.dispensing_id IN (SELECT value FROM json_each(?))
               ORDER BY d.rp_id, d.seq"#,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let rp_notes = self.rp_notes(&ids).await?;
        let dispensing_notes = self.dispensing_notes(&ids).await?;

        let dispensings = rows
            .into_iter()
            .map(|d| {
                let notes: Vec<&NoteRow> = dispensing_notes
                    .iter()
                    .filter(|n| n.owner == d.id)
                    .collect();
                let of = |record: i64| -> Vec<Text> {
                    notes
                        .iter()
                        .filter(|n| n.record == record)
                        .map(|n| text(&n.text))
                        .collect()
                };
                Dispensing {
                    date: (!d.dispensed_on.is_empty()).then(|| d.dispensed_on.clone()),
                    author: BY_STAFF,
                    dispensed_at: Some(Institution {
                        name: d.place_name,
                        prefecture: d.place_prefecture,
                        table: d.place_table,
                        code: d.place_code,
                        author: BY_STAFF,
                        ..Institution::default()
                    }),
                    pharmacist: d.pharmacist_name.map(|name| Person {
                        name: Some(name),
                        author: BY_STAFF,
                        ..Person::default()
                    }),
                    prescribed_at: d.prescriber_name.map(|name| Institution {
                        name: Some(name),
                        prefecture: d.prescriber_prefecture,
                        table: d.prescriber_table,
                        code: d.prescriber_code,
                        author: BY_STAFF,
                        ..Institution::default()
                    }),
                    rps: rps
                        .iter()
                        .filter(|r| r.dispensing_id == d.id)
                        .map(|r| rp(r, &drugs, &rp_notes))
                        .collect(),
                    cautions: of(401),
                    provided_info: notes
                        .iter()
                        .filter(|n| n.record == 411)
                        .map(|n| ProvidedInfo {
                            text: Some(n.text.clone()),
                            kind: Some(99),
                            author: BY_STAFF,
                            extra: Vec::new(),
                        })
                        .collect(),
                    leftover: of(421),
                    remarks: of(501),
                    patient_entries: notes
                        .iter()
                        .filter(|n| n.record == 601)
                        .map(|n| PatientEntry {
                            text: Some(n.text.clone()),
                            ..PatientEntry::default()
                        })
                        .collect(),
                    ..Dispensing::default()
                }
            })
            .collect();

        let document = Document {
            version: "JAHISTC08".into(),
            output_category: Some(1),
            encoding: Encoding::Cp932,
            patient: Some(Patient {
                name: Some(patient.name.clone()),
                kana: (!patient.kana.is_empty()).then_some(patient.kana),
                sex,
                birth_date: Some(birth_date),
                phone: patient.phone.filter(|p| !p.is_empty()),
                ..Patient::default()
            }),
            dispensings,
            ..Document::default()
        };
        let warnings = check(&document)?;
        Ok(NotebookExport {
            document,
            patient_name: patient.name,
            warnings,
        })
    }
}

fn rp(r: &RpRow, drugs: &[DrugRow], notes: &[NoteRow]) -> Rp {
    let of = |record: i64, drug: Option<i64>| -> Vec<Text> {
        notes
            .iter()
            .filter(|n| n.owner == r.id && n.drug_id == drug && n.record == record)
            .map(|n| text(&n.text))
            .collect()
    };
    Rp {
        rp: small(r.rp_no),
        doctor: r.doctor_name.as_ref().map(|name| Doctor {
            name: Some(name.clone()),
            department: r.doctor_department.clone(),
            author: BY_STAFF,
            extra: Vec::new(),
        }),
        drugs: drugs
            .iter()
            .filter(|g| g.rp_id == r.id)
            .map(|g| Drug {
                name: g.name.clone(),
                dose: g.dose.clone(),
                unit: g.unit.clone(),
                code_kind: small(g.code_kind).or(Some(1)),
                code: g.code.clone(),
                author: BY_STAFF,
                generic_name: g.generic_name.clone(),
                notes: of(281, Some(g.id)),
                cautions: of(291, Some(g.id)),
                ..Drug::default()
            })
            .collect(),
        usage: Some(Usage {
            name: r.usage_name.clone(),
            quantity: small(r.quantity),
            unit: r.usage_unit.clone(),
            form: small(r.form),
            code_kind: Some(if r.usage_code.is_some() { 2 } else { 1 }),
            code: r.usage_code.clone(),
            author: BY_STAFF,
            notes: of(311, None),
            extra: Vec::new(),
        }),
        cautions: of(391, None),
    }
}

/// Writes the document and reads it back: an error (something would be
/// lost) refuses it; warnings are returned for the screen.
fn check(doc: &Document) -> Result<Vec<String>, ExportError> {
    let bytes = okusuri_jahis::write(doc, Encoding::Cp932).map_err(|e| match e {
        WriteError::Unencodable { ch, context } => ExportError::Unencodable { ch, context },
        other => ExportError::Invalid(other.to_string()),
    })?;
    let back = okusuri_jahis::read(&bytes, Mode::Lenient)
        .map_err(|e| ExportError::Invalid(e.to_string()))?;
    if let Some(error) = back.issues.iter().find(|i| i.severity == Severity::Error) {
        return Err(ExportError::Invalid(error.message.clone()));
    }
    Ok(back.issues.into_iter().map(|i| i.message).collect())
}
