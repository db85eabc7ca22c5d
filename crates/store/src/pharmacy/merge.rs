//! Merging two patient records that are the same person, and undoing it.
//!
//! A merge moves every row of the *merged* patient — dispensings, OTC use,
//! body information, memos, visits, receipt-computer IDs, cards and
//! consents — onto the
//! *kept* patient, records each moved row, and marks the merged patient
//! `merged_into` the kept one (search and the import's identity rules no
//! longer find it). Rows the kept patient already has (the same dispensing
//! or OTC use, the same imported note) are not moved: they stay on the merged
//! record, so the kept history holds each once.
//!
//! Undo moves back exactly the rows the merge moved; anything stored on the
//! kept patient after the merge stays there. A merge can be undone while the
//! kept patient has not itself been merged into another since. Merge and undo
//! are written to the access log in the same transaction as the change.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::write::{Tx, WriteTx};
use crate::{Actor, Store, StoreError, timestamp};

/// The tables whose rows belong to a patient, with the condition under which
/// a row of the merged patient (`x`) already exists on the kept one (`?3`)
/// and is therefore not moved. The conditions mirror the unique indexes.
const PATIENT_TABLES: &[(&str, &str)] = &[
    (
        "dispensing",
        "EXISTS (SELECT 1 FROM dispensing k WHERE k.patient_id = ?3 AND k.identity = x.identity)",
    ),
    (
        "otc_use",
        "EXISTS (SELECT 1 FROM otc_use k WHERE k.patient_id = ?3 AND k.identity = x.identity)",
    ),
    (
        "body_info",
        "x.source = 'import' AND EXISTS (SELECT 1 FROM body_info k WHERE k.patient_id = ?3
           AND k.source = 'import' AND k.kind = x.kind AND k.text = x.text)",
    ),
    (
        "memo",
        "x.source = 'import' AND EXISTS (SELECT 1 FROM memo k WHERE k.patient_id = ?3
           AND k.source = 'import' AND k.text = x.text AND k.written_on = x.written_on)",
    ),
    ("visit", "false"),
    ("patient_external_id", "false"),
    ("card", "false"),
    ("consent", "false"),
];

/// One merge, as the kept patient's screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MergeRecord {
    /// The merge's ID (what undo takes).
    pub id: i64,
    /// The patient kept.
    pub kept_id: i64,
    /// The patient merged into it.
    pub merged_id: i64,
    /// The merged patient's name and kana, for the list.
    pub merged_name: String,
    /// The merged patient's kana.
    pub merged_kana: String,
    /// Why staff merged them.
    pub reason: String,
    /// Who merged them.
    pub staff: Option<String>,
    /// When (UTC RFC 3339).
    pub merged_at: String,
    /// When it was undone, if it was.
    pub undone_at: Option<String>,
    /// Rows moved onto the kept patient.
    pub moved: i64,
}

/// Why a merge or undo was refused.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Kept and merged are the same record.
    #[error("同じ患者どうしは統合できません。")]
    SamePatient,
    /// A patient ID does not exist.
    #[error("患者が見つかりません。")]
    PatientNotFound,
    /// One of the two was already merged into someone.
    #[error("この患者はすでに他の患者に統合されています。統合先の患者で操作してください。")]
    AlreadyMerged,
    /// No reason given.
    #[error("理由を入力してください。")]
    NoReason,
    /// The record chosen to link is not one of the patient's candidates.
    #[error(
        "選んだ記録はレセコンからの候補ではありません。画面を開き直して、候補から選んでください。"
    )]
    NotACandidate,
    /// No such merge.
    #[error("この統合は見つかりません。")]
    MergeNotFound,
    /// Already undone.
    #[error("この統合はすでに取り消されています。")]
    AlreadyUndone,
    /// The kept patient was merged further since.
    #[error(
        "統合後に、この患者がさらに別の患者に統合されています。先にそちらの統合を取り消してください。"
    )]
    MergedSince,
    /// The database failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Merges patient `merged` into patient `kept` (see the module docs) and
    /// returns the merge's ID.
    pub async fn merge_patients(
        &self,
        actor: &Actor,
        kept: i64,
        merged: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, MergeError> {
        let mut tx = self.begin_write(actor, now).await?;
        let merge_id = self.merge_in(&mut tx, kept, merged, reason).await?;
        tx.commit().await?;
        Ok(merge_id)
    }

    /// The merge inside the caller's transaction, with its access-log row.
    pub(crate) async fn merge_in(
        &self,
        tx: &mut WriteTx<'_>,
        kept: i64,
        merged: i64,
        reason: &str,
    ) -> Result<i64, MergeError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(MergeError::NoReason);
        }
        if kept == merged {
            return Err(MergeError::SamePatient);
        }
        let at = timestamp(tx.now());
        let staff_id = tx.actor().staff_id;
        for id in [kept, merged] {
            let row = sqlx::query_scalar!("SELECT merged_into FROM patient WHERE id = ?", id)
                .fetch_optional(&mut ***tx)
                .await
                .map_err(|e| self.fail(e))?;
            match row {
                None => return Err(MergeError::PatientNotFound),
                Some(Some(_)) => return Err(MergeError::AlreadyMerged),
                Some(None) => {}
            }
        }
        let merge_id = sqlx::query_scalar!(
            r#"INSERT INTO patient_merge (kept_id, merged_id, reason, staff_id, merged_at)
               VALUES (?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
            kept,
            merged,
            reason,
            staff_id,
            at
        )
        .fetch_one(&mut ***tx)
        .await
        .map_err(|e| self.fail(e))?;
        let mut moved = 0;
        for (table, already_kept) in PATIENT_TABLES {
            let record = format!(
                "INSERT INTO patient_merge_row (merge_id, tbl, row_id)
                 SELECT ?1, '{table}', x.rowid FROM {table} x WHERE x.patient_id = ?2 AND NOT ({already_kept})"
            );
            sqlx::query(sqlx::AssertSqlSafe(record))
                .bind(merge_id)
                .bind(merged)
                .bind(kept)
                .execute(&mut ***tx)
                .await
                .map_err(|e| self.fail(e))?;
            moved += self.move_rows(tx, table, merge_id, merged, kept).await?;
        }
        sqlx::query!(
            "UPDATE patient SET merged_into = ? WHERE id = ?",
            kept,
            merged
        )
        .execute(&mut ***tx)
        .await
        .map_err(|e| self.fail(e))?;
        let detail = format!("merge {merge_id}: patient {merged} → {kept}, {moved} rows: {reason}");
        tx.log(AccessEvent::PatientsMerged, Some(kept), &detail);
        Ok(merge_id)
    }

    /// Undoes a merge: the rows it moved go back to the merged patient, who
    /// is found again by search.
    pub async fn undo_merge(
        &self,
        actor: &Actor,
        merge_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), MergeError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(MergeError::NoReason);
        }
        let at = timestamp(now);
        let mut tx = self.begin_write(actor, now).await?;
        let merge = sqlx::query!(
            "SELECT m.kept_id, m.merged_id, m.undone_at, k.merged_into AS kept_merged_into
             FROM patient_merge m JOIN patient k ON k.id = m.kept_id WHERE m.id = ?",
            merge_id
        )
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?
        .ok_or(MergeError::MergeNotFound)?;
        if merge.undone_at.is_some() {
            return Err(MergeError::AlreadyUndone);
        }
        if merge.kept_merged_into.is_some() {
            return Err(MergeError::MergedSince);
        }
        let mut moved = 0;
        for (table, _) in PATIENT_TABLES {
            moved += self
                .move_rows(&mut tx, table, merge_id, merge.kept_id, merge.merged_id)
                .await?;
        }
        sqlx::query!(
            "UPDATE patient SET merged_into = NULL WHERE id = ?",
            merge.merged_id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        sqlx::query!(
            "UPDATE patient_merge SET undone_at = ?, undone_by = ?, undone_reason = ? WHERE id = ?",
            at,
            actor.staff_id,
            reason,
            merge_id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        let detail = format!(
            "merge {merge_id} undone: patient {} ← {}, {moved} rows: {reason}",
            merge.merged_id, merge.kept_id
        );
        tx.log(
            AccessEvent::PatientMergeUndone,
            Some(merge.kept_id),
            &detail,
        );
        tx.commit().await?;
        Ok(())
    }

    /// The merges into a patient, newest first, undone ones included.
    pub async fn patient_merges(&self, kept_id: i64) -> Result<Vec<MergeRecord>, StoreError> {
        sqlx::query_as!(
            MergeRecord,
            r#"SELECT m.id AS "id!: i64", m.kept_id, m.merged_id, p.name AS merged_name, p.kana AS merged_kana,
                      m.reason, s.display_name AS "staff?", m.merged_at, m.undone_at,
                      (SELECT count(*) FROM patient_merge_row r WHERE r.merge_id = m.id) AS "moved!: i64"
               FROM patient_merge m JOIN patient p ON p.id = m.merged_id
               LEFT JOIN staff s ON s.id = m.staff_id
               WHERE m.kept_id = ? ORDER BY m.id DESC"#,
            kept_id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Moves the rows of `table` recorded for `merge_id` from patient `from` to `to`.
    async fn move_rows(
        &self,
        tx: &mut Tx,
        table: &str,
        merge_id: i64,
        from: i64,
        to: i64,
    ) -> Result<i64, StoreError> {
        let update = format!(
            "UPDATE {table} SET patient_id = ?1 WHERE patient_id = ?2 AND rowid IN
               (SELECT row_id FROM patient_merge_row WHERE merge_id = ?3 AND tbl = '{table}')"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(update))
            .bind(to)
            .bind(from)
            .bind(merge_id)
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(done.rows_affected() as i64)
    }
}
