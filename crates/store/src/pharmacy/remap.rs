//! Receipt-computer replacement (P11): an administrator maps the old
//! computer's patient IDs to the new one's, one by one or from a CSV of
//! `old,new`. The patient keeps every row (only the ID linked to them
//! changes), so history stays whole and the feed's dispensings for the new ID
//! land on the same patient.
//!
//! A batch is checked as a whole before anything changes, and applied in one
//! transaction: IDs may be swapped or shifted within a batch (new numbering
//! often reuses old numbers). Every change is kept in `external_id_remap` and
//! the batch is written to the access log. Running the same batch again
//! skips the pairs already applied.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError, timestamp};

/// One old → new pair, with the CSV line it came from (1 when typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPair {
    /// The line of the CSV (1-based).
    pub line: usize,
    /// The old computer's patient ID.
    pub old: String,
    /// The new computer's patient ID.
    pub new: String,
}

/// What a remap did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RemapSummary {
    /// IDs changed.
    pub changed: usize,
    /// Pairs already applied by an earlier run.
    pub already_done: usize,
}

/// Why a remap was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum RemapError {
    /// Only administrators remap.
    /// No pairs.
    #[error("付け替えるIDがありません。")]
    Empty,
    /// The CSV or the pairs have mistakes (each message names its line).
    #[error("付け替えを中止しました（何も変更していません）。\n{}", .0.join("\n"))]
    Rejected(Vec<String>),
    /// The database failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Header names accepted on the first line of a CSV.
const HEADERS: &[&str] = &[
    "old",
    "new",
    "old_id",
    "new_id",
    "旧",
    "新",
    "旧id",
    "新id",
    "旧患者id",
    "新患者id",
];

fn is_header(record: &csv::StringRecord) -> bool {
    record
        .iter()
        .any(|f| HEADERS.contains(&f.trim().to_lowercase().as_str()))
}

/// Reads a CSV of `old,new` (UTF-8 with or without BOM, or Shift_JIS; an
/// optional header line such as `旧ID,新ID`; blank lines ignored).
pub fn parse_remap_csv(bytes: &[u8]) -> Result<Vec<IdPair>, RemapError> {
    let text = okusuri_jahis::text::decode(bytes).text;
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    // One record per line (IDs never hold line breaks), so that every
    // message can name the line as an editor counts it.
    for (i, text_line) in text.lines().enumerate() {
        let line = i + 1;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text_line.as_bytes());
        let record = match reader.records().next() {
            None => continue,
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                errors.push(format!("{line}行目: CSVとして読めません（{e}）。"));
                continue;
            }
        };
        if line == 1 && is_header(&record) {
            continue;
        }
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        match fields.as_slice() {
            [] | [""] => {}
            [old, new] if !old.is_empty() && !new.is_empty() => pairs.push(IdPair {
                line,
                old: (*old).to_string(),
                new: (*new).to_string(),
            }),
            _ => errors.push(format!(
                "{line}行目: 「旧ID,新ID」の2項目にしてください（{}項目あります）。",
                fields.len()
            )),
        }
    }
    if errors.is_empty() {
        Ok(pairs)
    } else {
        Err(RemapError::Rejected(errors))
    }
}

struct Linked {
    rowid: i64,
    patient_id: i64,
}

impl Store {
    /// The sources of linked patient IDs (e.g. the receipt computer's), for choosing one.
    pub async fn external_id_sources(&self) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar!("SELECT DISTINCT source FROM patient_external_id ORDER BY source")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Replaces old patient IDs of `source` by new ones (see the module docs).
    pub async fn remap_external_ids(
        &self,
        actor: &Actor,
        source: &str,
        pairs: &[IdPair],
        now: DateTime<Utc>,
    ) -> Result<RemapSummary, RemapError> {
        if pairs.is_empty() {
            return Err(RemapError::Empty);
        }
        let at = timestamp(now);
        let mut tx = self.begin_write(actor, now).await?;
        let mut errors = Vec::new();
        let mut olds = HashSet::new();
        let mut news = HashSet::new();
        for p in pairs {
            if !olds.insert(p.old.as_str()) {
                errors.push(format!("{}行目: 旧ID {} が2回あります。", p.line, p.old));
            }
            if !news.insert(p.new.as_str()) {
                errors.push(format!("{}行目: 新ID {} が2回あります。", p.line, p.new));
            }
        }
        let mut todo: Vec<(&IdPair, Linked)> = Vec::new();
        let mut already_done = 0;
        for p in pairs {
            if self.remap_done(&mut tx, source, p).await? {
                already_done += 1;
                continue;
            }
            let linked = sqlx::query_as!(
                Linked,
                r#"SELECT rowid AS "rowid!: i64", patient_id FROM patient_external_id
                   WHERE source = ? AND external_id = ?"#,
                source,
                p.old
            )
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            match linked {
                Some(l) => todo.push((p, l)),
                None => errors.push(format!(
                    "{}行目: 旧ID {} の患者が見つかりません（{source}）。",
                    p.line, p.old
                )),
            }
        }
        // A new ID may be taken only by an old ID that this batch moves away.
        let moving: HashMap<&str, i64> = todo
            .iter()
            .map(|(p, l)| (p.old.as_str(), l.patient_id))
            .collect();
        for (p, l) in &todo {
            if moving.contains_key(p.new.as_str()) {
                continue;
            }
            let holder = sqlx::query!(
                "SELECT p.id, p.name FROM patient_external_id e JOIN patient p ON p.id = e.patient_id
                 WHERE e.source = ? AND e.external_id = ?",
                source,
                p.new
            )
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            match holder {
                Some(h) if h.id == l.patient_id => errors.push(format!(
                    "{}行目: 新ID {} はすでにこの患者（{}）に紐づいています。この行は不要です。",
                    p.line, p.new, h.name
                )),
                Some(h) => errors.push(format!(
                    "{}行目: 新ID {} はすでに別の患者（{}）に紐づいています。同じ人であれば、先に患者を統合してください。",
                    p.line, p.new, h.name
                )),
                None => {}
            }
        }
        if !errors.is_empty() {
            return Err(RemapError::Rejected(errors));
        }
        // Two steps, so that swapped or shifted IDs never collide: first a
        // placeholder no real ID can equal, then the new ID.
        for (_, l) in &todo {
            let placeholder = format!("\u{0}remap:{}", l.rowid);
            sqlx::query!(
                "UPDATE patient_external_id SET external_id = ? WHERE rowid = ?",
                placeholder,
                l.rowid
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        for (p, l) in &todo {
            sqlx::query!(
                "UPDATE patient_external_id SET external_id = ?, linked_at = ? WHERE rowid = ?",
                p.new,
                at,
                l.rowid
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            sqlx::query!(
                "INSERT INTO external_id_remap (source, old_id, new_id, patient_id, staff_id, remapped_at)
                 VALUES (?, ?, ?, ?, ?, ?)",
                source,
                p.old,
                p.new,
                l.patient_id,
                actor.staff_id,
                at
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            let detail = format!("{source}: {} → {}", p.old, p.new);
            tx.log(AccessEvent::ExternalIdRemapped, Some(l.patient_id), &detail);
        }
        if todo.is_empty() {
            tx.rollback().await?; // every pair was applied before: nothing to store
        } else {
            tx.commit().await?;
        }
        Ok(RemapSummary {
            changed: todo.len(),
            already_done,
        })
    }

    /// True when `pair` was applied before and still holds.
    async fn remap_done(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        source: &str,
        pair: &IdPair,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM external_id_remap r JOIN patient_external_id e
                   ON e.source = r.source AND e.external_id = r.new_id AND e.patient_id = r.patient_id
               WHERE r.source = ? AND r.old_id = ? AND r.new_id = ?) AS "done!: bool""#,
            source,
            pair.old,
            pair.new
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(done)
    }
}
