//! The JSON rows the bulk inserts read with `json_each`: one flat list per
//! table, every row with its own ID and its parent's. The same statements
//! store an import on the PC that made it and on every other PC
//! ([`crate::sync::Change::DispensingsAdded`] carries the lists).
use okusuri_jahis::model::{Dispensing, Text};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

/// A dispensing row.
#[derive(Serialize)]
pub struct DispensingRow<'a> {
    pub id: i64,
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
        id: i64,
        d: &'a Dispensing,
        patient_id: i64,
        source: &'a str,
        warnings: Option<String>,
    ) -> Self {
        let place = d.dispensed_at.as_ref();
        let prescriber = d.prescribed_at.as_ref();
        DispensingRow {
            id,
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

/// A note with its record number, naming its parent by ID: the dispensing
/// (`d`), or the RP (`r`) and for a drug's note the drug (`g`).
#[derive(Serialize)]
pub struct NoteRow<'a> {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    g: Option<i64>,
    record: i64,
    text: &'a str,
}

fn texts(record: i64, list: &[Text]) -> impl Iterator<Item = (i64, Option<&str>)> {
    list.iter().map(move |t| (record, t.text.as_deref()))
}

/// An RP, naming its dispensing by ID and its own position.
#[derive(Serialize)]
pub struct RpRow<'a> {
    id: i64,
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

/// A drug, naming its RP by ID and its own position.
#[derive(Serialize)]
pub struct DrugRow<'a> {
    id: i64,
    r: i64,
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

/// The next free ID of each child table (from the PC's range).
#[derive(Debug, Clone, Copy)]
pub struct NextIds {
    pub rp: i64,
    pub drug: i64,
    pub rp_note: i64,
    pub dispensing_note: i64,
}

impl<'a> Children<'a> {
    /// Adds the children of dispensing `d`, stored as `id`, taking their IDs from `ids`.
    pub fn add(&mut self, id: i64, d: &'a Dispensing, ids: &mut NextIds) {
        fn take(next: &mut i64) -> i64 {
            *next += 1;
            *next - 1
        }
        for (r, rp) in d.rps.iter().enumerate() {
            let usage = rp.usage.as_ref();
            let rp_id = take(&mut ids.rp);
            self.rps.push(RpRow {
                id: rp_id,
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
                let drug_id = take(&mut ids.drug);
                self.drugs.push(DrugRow {
                    id: drug_id,
                    r: rp_id,
                    seq: g,
                    name: drug.name.as_deref(),
                    dose: drug.dose.as_deref(),
                    unit: drug.unit.as_deref(),
                    code_kind: drug.code_kind,
                    code: drug.code.as_deref(),
                    generic_name: drug.generic_name.as_deref(),
                });
                for (record, text) in texts(281, &drug.notes).chain(texts(291, &drug.cautions)) {
                    if let Some(text) = text {
                        self.drug_notes.push(NoteRow {
                            id: take(&mut ids.rp_note),
                            d: None,
                            r: Some(rp_id),
                            g: Some(drug_id),
                            record,
                            text,
                        });
                    }
                }
            }
            let rp_notes = usage
                .map(|u| u.notes.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|t| (311, t.text.as_deref()))
                .chain(texts(391, &rp.cautions));
            for (record, text) in rp_notes {
                if let Some(text) = text {
                    self.rp_notes.push(NoteRow {
                        id: take(&mut ids.rp_note),
                        d: None,
                        r: Some(rp_id),
                        g: None,
                        record,
                        text,
                    });
                }
            }
        }
        let notes = texts(401, &d.cautions)
            .chain(d.provided_info.iter().map(|p| (411, p.text.as_deref())))
            .chain(texts(421, &d.leftover))
            .chain(texts(501, &d.remarks))
            .chain(d.patient_entries.iter().map(|e| (601, e.text.as_deref())));
        for (record, text) in notes {
            if let Some(text) = text {
                self.dispensing_notes.push(NoteRow {
                    id: take(&mut ids.dispensing_note),
                    d: Some(id),
                    r: None,
                    g: None,
                    record,
                    text,
                });
            }
        }
    }

    /// The lists as the JSON texts the statements read.
    pub fn to_json(&self) -> Result<ChildrenJson, crate::StoreError> {
        Ok(ChildrenJson {
            rps: json(&self.rps)?,
            drugs: json(&self.drugs)?,
            drug_notes: json(&self.drug_notes)?,
            rp_notes: json(&self.rp_notes)?,
            dispensing_notes: json(&self.dispensing_notes)?,
        })
    }
}

/// The children of stored dispensings as JSON lists, one per table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildrenJson {
    /// RPs.
    pub rps: String,
    /// Drugs.
    pub drugs: String,
    /// Notes of drugs (281, 291).
    pub drug_notes: String,
    /// Notes of RPs (311, 391).
    pub rp_notes: String,
    /// Notes of dispensings (401 … 601).
    pub dispensing_notes: String,
}

/// A stored dispensing (the `RETURNING` of [`insert_dispensings`]).
pub struct Inserted {
    pub id: i64,
    pub patient_id: i64,
    pub identity: String,
}

/// Inserts dispensings from their JSON list; one already there (the same
/// patient and content, or the same ID) is skipped. Returns those stored.
pub async fn insert_dispensings(
    conn: &mut SqliteConnection,
    json: &str,
    at: &str,
) -> Result<Vec<Inserted>, sqlx::Error> {
    sqlx::query_as!(
        Inserted,
        r#"INSERT INTO dispensing (id, patient_id, identity, dispensed_on, place_name, place_prefecture, place_table,
             place_code, pharmacist_name, prescriber_name, prescriber_prefecture, prescriber_table,
             prescriber_code, source, imported_at, warnings)
           SELECT value ->> '$.id', value ->> '$.patient_id', value ->> '$.identity', value ->> '$.date',
                  value ->> '$.place_name', value ->> '$.place_prefecture',
                  value ->> '$.place_table', value ->> '$.place_code',
                  value ->> '$.pharmacist_name', value ->> '$.prescriber_name',
                  value ->> '$.prescriber_prefecture', value ->> '$.prescriber_table',
                  value ->> '$.prescriber_code', value ->> '$.source', ?2,
                  value ->> '$.warnings'
           FROM json_each(?1) WHERE true ORDER BY key
           ON CONFLICT DO NOTHING
           RETURNING id AS "id!: i64", patient_id AS "patient_id!: i64", identity AS "identity!: String""#,
        json,
        at
    )
    .fetch_all(conn)
    .await
}

/// Inserts the RPs, drugs and notes of stored dispensings. A child whose
/// parent is not stored here (another PC's copy of a dispensing this PC
/// already had) is skipped with it; one already there is skipped.
pub async fn insert_children(
    conn: &mut SqliteConnection,
    children: &ChildrenJson,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO rp (id, dispensing_id, seq, rp_no, doctor_name, doctor_department, usage_name,
             quantity, usage_unit, form, usage_code)
         SELECT value ->> '$.id', value ->> '$.d', value ->> '$.seq', value ->> '$.rp_no',
                value ->> '$.doctor_name', value ->> '$.doctor_department', value ->> '$.usage_name',
                value ->> '$.quantity', value ->> '$.usage_unit', value ->> '$.form', value ->> '$.usage_code'
         FROM json_each(?1) WHERE EXISTS (SELECT 1 FROM dispensing WHERE id = value ->> '$.d')
         ORDER BY key ON CONFLICT DO NOTHING",
        children.rps
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO drug (id, rp_id, seq, name, dose, unit, code_kind, code, generic_name)
         SELECT value ->> '$.id', value ->> '$.r', value ->> '$.seq', value ->> '$.name', value ->> '$.dose',
                value ->> '$.unit', value ->> '$.code_kind', value ->> '$.code', value ->> '$.generic_name'
         FROM json_each(?1) WHERE EXISTS (SELECT 1 FROM rp WHERE id = value ->> '$.r')
         ORDER BY key ON CONFLICT DO NOTHING",
        children.drugs
    )
    .execute(&mut *conn)
    .await?;
    for list in [&children.drug_notes, &children.rp_notes] {
        sqlx::query!(
            "INSERT INTO rp_note (id, rp_id, drug_id, record, text)
             SELECT value ->> '$.id', value ->> '$.r', value ->> '$.g', value ->> '$.record', value ->> '$.text'
             FROM json_each(?1) WHERE EXISTS (SELECT 1 FROM rp WHERE id = value ->> '$.r')
             ORDER BY key ON CONFLICT DO NOTHING",
            list
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "INSERT INTO dispensing_note (id, dispensing_id, record, text)
         SELECT value ->> '$.id', value ->> '$.d', value ->> '$.record', value ->> '$.text'
         FROM json_each(?1) WHERE EXISTS (SELECT 1 FROM dispensing WHERE id = value ->> '$.d')
         ORDER BY key ON CONFLICT DO NOTHING",
        children.dispensing_notes
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes dispensings (a JSON list of IDs) with their children, children first.
pub async fn delete_dispensings(conn: &mut SqliteConnection, ids: &str) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM rp_note WHERE rp_id IN (SELECT id FROM rp WHERE dispensing_id IN (SELECT value FROM json_each(?1)))",
        "DELETE FROM drug WHERE rp_id IN (SELECT id FROM rp WHERE dispensing_id IN (SELECT value FROM json_each(?1)))",
        "DELETE FROM rp WHERE dispensing_id IN (SELECT value FROM json_each(?1))",
        "DELETE FROM dispensing_note WHERE dispensing_id IN (SELECT value FROM json_each(?1))",
        "DELETE FROM dispensing WHERE id IN (SELECT value FROM json_each(?1))",
    ] {
        sqlx::query(statement).bind(ids).execute(&mut *conn).await?;
    }
    Ok(())
}

/// One table's rows as the JSON text its INSERT reads.
pub fn json<T: Serialize>(rows: &[T]) -> Result<String, crate::StoreError> {
    serde_json::to_string(rows).map_err(|e| crate::StoreError::Database(e.to_string()))
}
