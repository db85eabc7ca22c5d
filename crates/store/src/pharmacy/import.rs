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
use okusuri_domain::gate::Admitted;
use okusuri_jahis::model::{Dispensing, Otc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::access_log::AccessEvent;
use crate::sync::{Change, Outcome, Table};
use crate::write::WriteTx;
use crate::{Actor, Store, StoreError, timestamp};

/// Where a document came from.
#[derive(Debug, Clone, Default)]
pub struct ImportSource {
    /// A label kept on each dispensing, e.g. `import:file.txt`.
    pub label: String,
    /// The patient's ID at the source, as (source, ID), when known.
    pub external_id: Option<(String, String)>,
    /// A newer version of the same source (a receipt-computer file written
    /// again): a dispensing stored earlier from this `label` for the same
    /// patient, with the same date, pharmacy and prescriber as one in this
    /// version but other content, is replaced rather than kept beside it (a
    /// partial file completed, or a day's dispensing corrected). Dates the
    /// new version does not carry are kept.
    pub supersedes: bool,
}

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportSummary {
    /// The patient the document was stored on.
    pub patient_id: i64,
    /// True when the patient was created by this import.
    pub patient_created: bool,
    /// Dispensings stored.
    pub dispensings_added: usize,
    /// Dispensings already stored (skipped).
    pub dispensings_skipped: usize,
    /// Dispensings of an earlier version of the same source replaced by
    /// this one (see [`ImportSource::supersedes`]).
    pub dispensings_replaced: usize,
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
    /// The patient chosen to store it on does not exist (or was merged).
    #[error("取り込み先の患者が見つかりません。")]
    PatientNotFound,
    /// The database failed; nothing of this document was stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// NFKC with every kind of space removed: the key names are matched on.
pub fn name_key(name: &str) -> String {
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The kana search key: [`name_key`] with hiragana folded to katakana, so
/// that やまだ finds ヤマダ. Not used for identity.
pub fn kana_key(kana: &str) -> String {
    // The shown kana (NFKC, hiragana as katakana) without its spaces.
    okusuri_domain::labels::kana_label(kana)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// SHA-256 of a value's JSON, streamed into the hasher (no JSON string is built).
fn json_sha256_hex<T: Serialize>(value: &T) -> String {
    struct Hasher(Sha256);
    impl std::io::Write for Hasher {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = Hasher(Sha256::new());
    // Serialising model types into a writer that never fails cannot fail.
    let _ = serde_json::to_writer(&mut hasher, value);
    hasher
        .0
        .finalize()
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
    json_sha256_hex(&canonical)
}

fn otc_identity(o: &Otc) -> String {
    let canonical = Otc {
        start_date_text: None,
        end_date_text: None,
        ..o.clone()
    };
    json_sha256_hex(&canonical)
}

fn body_kind(kind: Option<u8>) -> &'static str {
    match kind {
        Some(1) => "allergy",
        Some(2) => "side_effect",
        Some(3) => "past_illness",
        _ => "other",
    }
}

/// One document of a batch and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct ImportItem<'a> {
    /// The document, as the import gate let it in.
    pub doc: &'a Admitted,
    /// Where it came from.
    pub source: &'a ImportSource,
}

/// A document that passed the checks, with the patient it is stored on.
struct Placed<'a> {
    index: usize,
    item: ImportItem<'a>,
    patient_id: i64,
}

impl Store {
    /// Imports a parsed JAHIS document in one transaction: all of it, or
    /// nothing when anything fails. Written to the access log as `actor`'s.
    pub async fn import_jahis(
        &self,
        actor: &Actor,
        doc: &Admitted,
        source: &ImportSource,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, ImportError> {
        let mut results = self
            .import_batch(actor, &[ImportItem { doc, source }], now)
            .await?;
        results.pop().unwrap_or(Err(ImportError::NoPatient))
    }

    /// Imports several documents in one transaction, with one set of bulk
    /// statements for all their dispensings (what makes a folder of files or
    /// a long backlog fast). Each document gets its own result: one without a
    /// patient or name is refused by itself; a database failure stores
    /// nothing of the batch (`Err`), so no document is ever half stored.
    /// Each stored document gets its access-log row in the same transaction.
    pub async fn import_batch(
        &self,
        actor: &Actor,
        items: &[ImportItem<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<ImportSummary, ImportError>>, StoreError> {
        self.import_items(actor, items, None, now).await
    }

    /// [`Store::import_batch`], storing every document on patient `onto` when
    /// given (staff chose the patient) instead of applying the identity rules.
    pub(crate) async fn import_items(
        &self,
        actor: &Actor,
        items: &[ImportItem<'_>],
        onto: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<ImportSummary, ImportError>>, StoreError> {
        let at = timestamp(now);
        let mut results: Vec<Result<ImportSummary, ImportError>> = Vec::with_capacity(items.len());
        let mut tx = self.begin_write(actor, now).await?;
        let mut placed = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let Some(patient) = item.doc.patient.as_ref() else {
                results.push(Err(ImportError::NoPatient));
                continue;
            };
            let Some(name) = patient.name.as_deref().filter(|n| !n.trim().is_empty()) else {
                results.push(Err(ImportError::NoName));
                continue;
            };
            if let Some(patient_id) = onto {
                if !self.is_current_patient(&mut tx, patient_id).await? {
                    results.push(Err(ImportError::PatientNotFound));
                    continue;
                }
                results.push(Ok(ImportSummary {
                    patient_id,
                    ..ImportSummary::default()
                }));
                placed.push(Placed {
                    index,
                    item: *item,
                    patient_id,
                });
                continue;
            }
            let (patient_id, created) = self
                .find_or_create_patient(
                    &mut tx,
                    name,
                    patient.kana.as_deref(),
                    patient.sex,
                    patient.birth_date.as_deref(),
                    item.source,
                    &at,
                )
                .await?;
            results.push(Ok(ImportSummary {
                patient_id,
                patient_created: created,
                ..ImportSummary::default()
            }));
            placed.push(Placed {
                index,
                item: *item,
                patient_id,
            });
        }
        self.remove_superseded(&mut tx, &placed, &mut results)
            .await?;
        self.insert_dispensings(&mut tx, &placed, &mut results, &at)
            .await?;
        for p in &placed {
            let added = self.insert_extras(&mut tx, p, &at).await?;
            if let Some(Ok(summary)) = results.get_mut(p.index) {
                summary.otc_added = added.0;
                summary.notes_added = added.1;
            }
        }
        if placed.is_empty() {
            tx.rollback().await?;
            return Ok(results);
        }
        for p in &placed {
            if let Some(Ok(summary)) = results.get(p.index) {
                let mut detail = format!(
                    "{}: {} added, {} skipped",
                    p.item.source.label, summary.dispensings_added, summary.dispensings_skipped
                );
                if summary.dispensings_replaced > 0 {
                    detail.push_str(&format!(", {} replaced", summary.dispensings_replaced));
                }
                tx.log(AccessEvent::JahisImported, Some(p.patient_id), &detail);
            }
        }
        tx.commit().await?;
        Ok(results)
    }

    /// Stores a document's OTC use, body information and memos (few per
    /// document, one change each). Returns (OTC, notes) added.
    async fn insert_extras(
        &self,
        tx: &mut WriteTx<'_>,
        p: &Placed<'_>,
        at: &str,
    ) -> Result<(usize, usize), StoreError> {
        let (doc, patient_id) = (p.item.doc, p.patient_id);
        let mut otc = 0;
        for o in &doc.otc {
            otc += self
                .insert_otc(tx, patient_id, o, &p.item.source.label, at)
                .await?;
        }
        let mut notes = 0;
        let texts = doc
            .notes
            .iter()
            .map(|n| (Some(body_kind(n.kind)), n.text.as_deref(), None))
            .chain(
                doc.memos
                    .iter()
                    .map(|m| (None, m.text.as_deref(), m.date.clone())),
            );
        for (kind, text, written_on) in texts {
            let Some(text) = text else {
                continue;
            };
            let table = kind.map_or(Table::Memo, |_| Table::BodyInfo);
            let id = tx.next_id(table).await?;
            let outcome = tx
                .change(Change::NoteImported {
                    id,
                    patient_id,
                    kind: kind.map(str::to_string),
                    text: text.to_string(),
                    written_on,
                    at: at.to_string(),
                })
                .await?;
            notes += usize::from(outcome == Outcome::Applied);
        }
        Ok((otc, notes))
    }

    #[allow(clippy::too_many_arguments)]
    async fn find_or_create_patient(
        &self,
        tx: &mut WriteTx<'_>,
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
            .fetch_optional(&mut ***tx)
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
                 WHERE p.name_key = ? AND p.birth_date = ? AND p.sex = ? AND p.merged_into IS NULL
                   AND NOT EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id AND e.source = ?)
                 ORDER BY p.id LIMIT 1",
                key,
                birth,
                sex,
                other_source
            )
            .fetch_optional(&mut ***tx)
            .await
            .map_err(|e| self.fail(e))?,
            None => None, // without a birth date nobody can be told apart
        };
        let (patient_id, created) = match same {
            Some(id) => (id, false),
            None => {
                let id = tx.next_id(Table::Patient).await?;
                tx.change(Change::PatientCreated {
                    id,
                    name: name.to_string(),
                    kana: kana.unwrap_or("").to_string(),
                    sex,
                    birth_date: birth_date.map(str::to_string),
                    phone: None,
                    at: at.to_string(),
                })
                .await?;
                (id, true)
            }
        };
        if let Some((src, id)) = &source.external_id {
            tx.change(Change::ExternalIdLinked {
                source: src.clone(),
                external_id: id.clone(),
                patient_id,
                at: at.to_string(),
            })
            .await?;
        }
        Ok((patient_id, created))
    }

    /// Removes the dispensings that newer versions of their source replace
    /// (see [`ImportSource::supersedes`]), children first, before the new
    /// version is inserted in the same transaction.
    async fn remove_superseded(
        &self,
        tx: &mut WriteTx<'_>,
        placed: &[Placed<'_>],
        results: &mut [Result<ImportSummary, ImportError>],
    ) -> Result<(), StoreError> {
        for p in placed.iter().filter(|p| p.item.source.supersedes) {
            let label = p.item.source.label.as_str();
            let earlier = sqlx::query!(
                r#"SELECT id AS "id!: i64", identity, dispensed_on, place_code, prescriber_code
                   FROM dispensing WHERE patient_id = ? AND source = ?"#,
                p.patient_id,
                label
            )
            .fetch_all(&mut ***tx)
            .await
            .map_err(|e| self.fail(e))?;
            if earlier.is_empty() {
                continue; // a new file: nothing to compare (no identities computed twice)
            }
            let rows: Vec<bulk::DispensingRow> = p
                .item
                .doc
                .dispensings
                .iter()
                .map(|d| bulk::DispensingRow::new(0, d, p.patient_id, label, None))
                .collect();
            let replaced: Vec<i64> = earlier
                .into_iter()
                .filter(|old| {
                    !rows.iter().any(|new| new.identity == old.identity)
                        && rows.iter().any(|new| {
                            new.date == old.dispensed_on
                                && new.place_code == old.place_code.as_deref()
                                && new.prescriber_code == old.prescriber_code.as_deref()
                        })
                })
                .map(|old| old.id)
                .collect();
            if replaced.is_empty() {
                continue;
            }
            let count = replaced.len();
            tx.change(Change::DispensingsRemoved { ids: replaced })
                .await?;
            if let Some(Ok(summary)) = results.get_mut(p.index) {
                summary.dispensings_replaced += count;
            }
        }
        Ok(())
    }

    /// Inserts the batch's dispensings that are not stored yet, with their
    /// RPs, drugs and notes: one `INSERT … SELECT … FROM json_each(?)` per
    /// table, in document order (so row IDs follow the documents), instead of
    /// one statement per row. Counts go into each document's summary.
    async fn insert_dispensings(
        &self,
        tx: &mut WriteTx<'_>,
        placed: &[Placed<'_>],
        results: &mut [Result<ImportSummary, ImportError>],
        at: &str,
    ) -> Result<(), StoreError> {
        let mut rows: Vec<bulk::DispensingRow> = Vec::new();
        let mut origin: Vec<(usize, &Dispensing)> = Vec::new();
        let first_id = tx.next_id(Table::Dispensing).await?;
        for p in placed {
            for (i, d) in p.item.doc.dispensings.iter().enumerate() {
                rows.push(bulk::DispensingRow::new(
                    first_id + rows.len() as i64,
                    d,
                    p.patient_id,
                    &p.item.source.label,
                    p.item.doc.dispensing_warnings(i),
                ));
                origin.push((p.index, d));
            }
        }
        if rows.is_empty() {
            return Ok(());
        }
        let json = bulk::json(&rows)?;
        let inserted = bulk::insert_dispensings(tx, &json, at)
            .await
            .map_err(|e| self.fail(e))?;
        // Each stored row belongs to the first document that holds it (two
        // identical dispensings in a batch are stored once).
        let mut first: std::collections::HashMap<(i64, &str), usize> =
            std::collections::HashMap::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            first
                .entry((r.patient_id, r.identity.as_str()))
                .or_insert(i);
        }
        let mut ids = bulk::NextIds {
            rp: tx.next_id(Table::Rp).await?,
            drug: tx.next_id(Table::Drug).await?,
            rp_note: tx.next_id(Table::RpNote).await?,
            dispensing_note: tx.next_id(Table::DispensingNote).await?,
        };
        let mut added = bulk::Children::default();
        let mut stored = vec![false; rows.len()];
        for row in &inserted {
            let Some(&i) = first.get(&(row.patient_id, row.identity.as_str())) else {
                continue;
            };
            stored[i] = true;
            let (index, d) = origin[i];
            if let Some(Ok(summary)) = results.get_mut(index) {
                summary.dispensings_added += 1;
                summary.drugs_added += d.rps.iter().map(|rp| rp.drugs.len()).sum::<usize>();
            }
            added.add(row.id, d, &mut ids);
        }
        for (i, (index, _)) in origin.iter().enumerate() {
            if !stored[i]
                && let Some(Ok(summary)) = results.get_mut(*index)
            {
                summary.dispensings_skipped += 1;
            }
        }
        if inserted.is_empty() {
            return Ok(());
        }
        let children = added.to_json()?;
        bulk::insert_children(tx, &children)
            .await
            .map_err(|e| self.fail(e))?;
        if tx.recording() {
            // The other PCs get the stored dispensings only.
            let stored_rows: Vec<&bulk::DispensingRow> = rows
                .iter()
                .zip(&stored)
                .filter_map(|(row, &kept)| kept.then_some(row))
                .collect();
            tx.applied(Change::DispensingsAdded {
                dispensings: bulk::json(&stored_rows)?,
                children,
                at: at.to_string(),
            });
        }
        Ok(())
    }

    async fn insert_otc(
        &self,
        tx: &mut WriteTx<'_>,
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
        let id = tx.next_id(Table::OtcUse).await?;
        let outcome = tx
            .change(Change::OtcAdded {
                id,
                patient_id,
                identity,
                name: o.name.clone(),
                start_on: o.start_date.clone(),
                end_on: o.end_date.clone(),
                jan: o.jan.clone(),
                components: components.join("、"),
                source: source.to_string(),
                at: at.to_string(),
            })
            .await?;
        Ok(usize::from(outcome == Outcome::Applied))
    }
}

pub(crate) mod bulk;
