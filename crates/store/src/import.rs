//! Importing a JAHIS document into the store (one transaction per document).
//!
//! # Which patient
//! Patient identity never merges two people silently:
//! 1. an external ID (source + ID, e.g. a receipt computer's patient number)
//!    that is already linked names the patient;
//! 2. otherwise an exact match of normalised name (NFKC, all spaces removed),
//!    birth date and sex is the same patient — unless that patient is linked
//!    to a *different* ID of the same source, which makes them another person;
//! 3. anything else is a new patient. A given external ID is linked to the
//!    patient found or created.
//!
//! # Which dispensing
//! A dispensing's identity is the SHA-256 of its whole content as JSON — every
//! record of the group (date as ISO, so `R020410` and `20200410` agree; records
//! this reader does not know are left out) — per patient. The same document
//! or the same dispensing delivered twice is stored once; a corrected
//! dispensing (any field changed) is a different one and is stored beside it.
//! OTC use is identified the same way; imported body information and memos by
//! their text.

use chrono::{DateTime, Utc};
use okusuri_jahis::Document;
use okusuri_jahis::model::{Dispensing, Otc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::{Store, StoreError, timestamp};

/// Where a document came from.
#[derive(Debug, Clone, Default)]
pub struct ImportSource {
    /// A label kept on each dispensing, e.g. `import:file.txt`.
    pub label: String,
    /// The patient's ID at the source, as (source, ID), when known.
    pub external_id: Option<(String, String)>,
}

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// The patient the document was stored on.
    pub patient_id: i64,
    /// True when the patient was created by this import.
    pub patient_created: bool,
    /// Dispensings stored.
    pub dispensings_added: usize,
    /// Dispensings already stored (skipped).
    pub dispensings_skipped: usize,
    /// Drug lines (records 201) stored.
    pub drugs_added: usize,
    /// OTC uses stored.
    pub otc_added: usize,
    /// Body information and memos stored.
    pub notes_added: usize,
}

/// Why a document could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The document has no patient record.
    #[error("患者情報（レコード1）がないため取り込めません。")]
    NoPatient,
    /// The patient record lacks the name.
    #[error("患者の氏名がないため取り込めません。")]
    NoName,
    /// Only administrators import from the app.
    #[error("取込は管理者だけが行えます。")]
    NotAllowed,
    /// The database failed; nothing of this document was stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// NFKC with every kind of space removed: the key names are matched on.
pub fn name_key(name: &str) -> String {
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The identity of a dispensing (see the module docs).
pub fn dispensing_identity(d: &Dispensing) -> String {
    let canonical = Dispensing {
        date_text: None,
        unknown: Vec::new(),
        ..d.clone()
    };
    sha256_hex(
        serde_json::to_string(&canonical)
            .unwrap_or_default()
            .as_bytes(),
    )
}

fn otc_identity(o: &Otc) -> String {
    let canonical = Otc {
        start_date_text: None,
        end_date_text: None,
        ..o.clone()
    };
    sha256_hex(
        serde_json::to_string(&canonical)
            .unwrap_or_default()
            .as_bytes(),
    )
}

fn body_kind(kind: Option<u8>) -> &'static str {
    match kind {
        Some(1) => "allergy",
        Some(2) => "side_effect",
        Some(3) => "past_illness",
        _ => "other",
    }
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

impl Store {
    /// Imports a parsed JAHIS document in one transaction: all of it, or
    /// nothing when anything fails.
    pub async fn import_jahis(
        &self,
        doc: &Document,
        source: &ImportSource,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, ImportError> {
        let patient = doc.patient.as_ref().ok_or(ImportError::NoPatient)?;
        let name = patient
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .ok_or(ImportError::NoName)?;
        let at = timestamp(now);
        let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
        let mut summary = ImportSummary::default();
        let (patient_id, created) = self
            .find_or_create_patient(
                &mut tx,
                name,
                patient.kana.as_deref(),
                patient.sex,
                patient.birth_date.as_deref(),
                source,
                &at,
            )
            .await?;
        summary.patient_id = patient_id;
        summary.patient_created = created;

        for d in &doc.dispensings {
            let identity = dispensing_identity(d);
            let Some(dispensing_id) = self
                .insert_dispensing(&mut tx, patient_id, &identity, d, &source.label, &at)
                .await?
            else {
                summary.dispensings_skipped += 1;
                continue;
            };
            summary.dispensings_added += 1;
            summary.drugs_added += self.insert_rps(&mut tx, dispensing_id, d).await?;
        }
        for o in &doc.otc {
            summary.otc_added += self
                .insert_otc(&mut tx, patient_id, o, &source.label, &at)
                .await?;
        }
        for n in &doc.notes {
            let Some(text) = n.text.as_deref() else {
                continue;
            };
            let kind = body_kind(n.kind);
            let r = sqlx::query!(
                "INSERT INTO body_info (patient_id, kind, text, source, created_at) VALUES (?, ?, ?, 'import', ?)
                 ON CONFLICT DO NOTHING",
                patient_id,
                kind,
                text,
                at
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
            summary.notes_added += r.rows_affected() as usize;
        }
        for m in &doc.memos {
            let Some(text) = m.text.as_deref() else {
                continue;
            };
            let r = sqlx::query!(
                "INSERT INTO memo (patient_id, text, written_on, source, created_at) VALUES (?, ?, ?, 'import', ?)
                 ON CONFLICT DO NOTHING",
                patient_id,
                text,
                m.date,
                at
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
            summary.notes_added += r.rows_affected() as usize;
        }
        tx.commit().await.map_err(|e| self.fail(e))?;
        Ok(summary)
    }

    /// An administrator imports a document from the app: checked, then
    /// imported and written to the access log.
    pub async fn import_jahis_as(
        &self,
        actor: &crate::Staff,
        doc: &Document,
        source: &ImportSource,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, ImportError> {
        self.require_admin(actor)
            .await
            .map_err(|_| ImportError::NotAllowed)?;
        let summary = self.import_jahis(doc, source, now).await?;
        let detail = format!(
            "{}: {} added, {} skipped",
            source.label, summary.dispensings_added, summary.dispensings_skipped
        );
        self.log_access(
            crate::AccessRecord {
                event: crate::AccessEvent::JahisImported,
                staff_id: Some(actor.id),
                login_id: &actor.login_id,
                patient_id: Some(summary.patient_id),
                detail: Some(&detail),
            },
            now,
        )
        .await?;
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    async fn find_or_create_patient(
        &self,
        tx: &mut Tx<'_>,
        name: &str,
        kana: Option<&str>,
        sex: Option<u8>,
        birth_date: Option<&str>,
        source: &ImportSource,
        at: &str,
    ) -> Result<(i64, bool), StoreError> {
        if let Some((src, id)) = &source.external_id {
            let linked = sqlx::query_scalar!(
                "SELECT patient_id FROM patient_external_id WHERE source = ? AND external_id = ?",
                src,
                id
            )
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            if let Some(patient_id) = linked {
                return Ok((patient_id, false));
            }
        }
        let key = name_key(name);
        let sex = i64::from(sex.unwrap_or(0));
        let sex = if matches!(sex, 0 | 1 | 2 | 9) { sex } else { 0 };
        let other_source = source
            .external_id
            .as_ref()
            .map(|(s, _)| s.as_str())
            .unwrap_or("");
        // Same name, birth date and sex — and not linked to another ID of this source.
        let same = match birth_date {
            Some(birth) => sqlx::query_scalar!(
                "SELECT p.id FROM patient p
                 WHERE p.name_key = ? AND p.birth_date = ? AND p.sex = ?
                   AND NOT EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id AND e.source = ?)
                 ORDER BY p.id LIMIT 1",
                key,
                birth,
                sex,
                other_source
            )
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?,
            None => None, // without a birth date nobody can be told apart
        };
        let (patient_id, created) = match same {
            Some(id) => (id, false),
            None => {
                let kana_text = kana.unwrap_or("");
                let kana_key = name_key(kana_text);
                let id = sqlx::query_scalar!(
                    "INSERT INTO patient (name, kana, sex, birth_date, created_at, name_key, kana_key)
                     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    name,
                    kana_text,
                    sex,
                    birth_date,
                    at,
                    key,
                    kana_key
                )
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| self.fail(e))?;
                (id, true)
            }
        };
        if let Some((src, id)) = &source.external_id {
            sqlx::query!(
                "INSERT INTO patient_external_id (source, external_id, patient_id, linked_at) VALUES (?, ?, ?, ?)",
                src,
                id,
                patient_id,
                at
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        Ok((patient_id, created))
    }

    /// Inserts a dispensing; `None` when it is already stored.
    async fn insert_dispensing(
        &self,
        tx: &mut Tx<'_>,
        patient_id: i64,
        identity: &str,
        d: &Dispensing,
        source: &str,
        at: &str,
    ) -> Result<Option<i64>, StoreError> {
        let place = d.dispensed_at.clone().unwrap_or_default();
        let prescriber = d.prescribed_at.clone().unwrap_or_default();
        let pharmacist = d.pharmacist.as_ref().and_then(|p| p.name.clone());
        let date = d.date.clone().unwrap_or_default();
        sqlx::query_scalar!(
            r#"INSERT INTO dispensing (patient_id, identity, dispensed_on, place_name, place_prefecture, place_table,
                 place_code, pharmacist_name, prescriber_name, prescriber_prefecture, prescriber_table,
                 prescriber_code, source, imported_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (patient_id, identity) DO NOTHING
               RETURNING id AS "id!: i64""#,
            patient_id,
            identity,
            date,
            place.name,
            place.prefecture,
            place.table,
            place.code,
            pharmacist,
            prescriber.name,
            prescriber.prefecture,
            prescriber.table,
            prescriber.code,
            source,
            at
        )
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Inserts the RPs, drugs and notes of a dispensing; returns the drug count.
    async fn insert_rps(
        &self,
        tx: &mut Tx<'_>,
        dispensing_id: i64,
        d: &Dispensing,
    ) -> Result<usize, StoreError> {
        let mut drugs = 0;
        for (seq, rp) in d.rps.iter().enumerate() {
            let seq = seq as i64;
            let rp_no = rp.rp.map(i64::from);
            let doctor = rp.doctor.clone().unwrap_or_default();
            let usage = rp.usage.clone().unwrap_or_default();
            let quantity = usage.quantity.map(i64::from);
            let form = usage.form.map(i64::from);
            let rp_id = sqlx::query_scalar!(
                r#"INSERT INTO rp (dispensing_id, seq, rp_no, doctor_name, doctor_department, usage_name, quantity,
                     usage_unit, form, usage_code)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
                dispensing_id,
                seq,
                rp_no,
                doctor.name,
                doctor.department,
                usage.name,
                quantity,
                usage.unit,
                form,
                usage.code
            )
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            for (dseq, drug) in rp.drugs.iter().enumerate() {
                let dseq = dseq as i64;
                let code_kind = drug.code_kind.map(i64::from);
                let drug_id = sqlx::query_scalar!(
                    r#"INSERT INTO drug (rp_id, seq, name, dose, unit, code_kind, code, generic_name)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
                    rp_id,
                    dseq,
                    drug.name,
                    drug.dose,
                    drug.unit,
                    code_kind,
                    drug.code,
                    drug.generic_name
                )
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| self.fail(e))?;
                drugs += 1;
                let notes = drug
                    .notes
                    .iter()
                    .map(|t| (281, t))
                    .chain(drug.cautions.iter().map(|t| (291, t)));
                for (record, t) in notes {
                    self.insert_rp_note(tx, rp_id, Some(drug_id), record, t.text.as_deref())
                        .await?;
                }
            }
            let notes = usage
                .notes
                .iter()
                .map(|t| (311, t))
                .chain(rp.cautions.iter().map(|t| (391, t)));
            for (record, t) in notes {
                self.insert_rp_note(tx, rp_id, None, record, t.text.as_deref())
                    .await?;
            }
        }
        let notes = d
            .cautions
            .iter()
            .map(|t| (401, t.text.as_deref()))
            .chain(d.provided_info.iter().map(|p| (411, p.text.as_deref())))
            .chain(d.leftover.iter().map(|t| (421, t.text.as_deref())))
            .chain(d.remarks.iter().map(|t| (501, t.text.as_deref())))
            .chain(d.patient_entries.iter().map(|e| (601, e.text.as_deref())));
        for (record, text) in notes {
            let Some(text) = text else { continue };
            sqlx::query!(
                "INSERT INTO dispensing_note (dispensing_id, record, text) VALUES (?, ?, ?)",
                dispensing_id,
                record,
                text
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        Ok(drugs)
    }

    async fn insert_rp_note(
        &self,
        tx: &mut Tx<'_>,
        rp_id: i64,
        drug_id: Option<i64>,
        record: i64,
        text: Option<&str>,
    ) -> Result<(), StoreError> {
        let Some(text) = text else { return Ok(()) };
        sqlx::query!(
            "INSERT INTO rp_note (rp_id, drug_id, record, text) VALUES (?, ?, ?, ?)",
            rp_id,
            drug_id,
            record,
            text
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn insert_otc(
        &self,
        tx: &mut Tx<'_>,
        patient_id: i64,
        o: &Otc,
        source: &str,
        at: &str,
    ) -> Result<usize, StoreError> {
        let identity = otc_identity(o);
        let components: Vec<&str> = o
            .components
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect();
        let components = components.join("、");
        let r = sqlx::query!(
            "INSERT INTO otc_use (patient_id, identity, name, start_on, end_on, jan, components, source, imported_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id, identity) DO NOTHING",
            patient_id,
            identity,
            o.name,
            o.start_date,
            o.end_date,
            o.jan,
            components,
            source,
            at
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(r.rows_affected() as usize)
    }
}
