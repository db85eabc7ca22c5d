//! からだの情報 (allergies, side effects, past illnesses) and メモ (P6).
//! Entries are never deleted: a wrong one is withdrawn with a reason, and
//! every change is written to the access log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access_log::AccessEvent;
use crate::sync::{Change, Outcome, Table};
use crate::{Actor, Store, StoreError, timestamp};

/// What kind of body information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// アレルギー歴.
    Allergy,
    /// 副作用歴.
    SideEffect,
    /// 既往歴.
    PastIllness,
    /// その他.
    Other,
}

impl BodyKind {
    /// The stable text stored in the `kind` column.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BodyKind::Allergy => "allergy",
            BodyKind::SideEffect => "side_effect",
            BodyKind::PastIllness => "past_illness",
            BodyKind::Other => "other",
        }
    }
}

/// One entry of からだの情報 or メモ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PatientNoteEntry {
    /// Its ID.
    pub id: i64,
    /// `allergy`, `side_effect`, `past_illness`, `other`, or `memo`.
    #[ts(type = "BodyKind | \"memo\"")]
    pub kind: String,
    /// The text.
    pub text: String,
    /// `facility` (entered here) or `import` (from the patient's notebook).
    pub source: String,
    /// Who entered it here, if anyone.
    pub author: Option<String>,
    /// When it was stored (UTC RFC 3339).
    pub created_at: String,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<String>,
    /// Why it was withdrawn.
    pub withdrawn_reason: Option<String>,
}

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    /// Empty text or reason.
    #[error("{0}")]
    Invalid(&'static str),
    /// No such entry for this patient, or already withdrawn.
    #[error("この記録は見つからないか、すでに取り消されています。")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// A patient's からだの情報 and メモ, oldest first, withdrawn ones included.
    pub async fn patient_notes(
        &self,
        patient_id: i64,
    ) -> Result<Vec<PatientNoteEntry>, StoreError> {
        sqlx::query_as!(
            PatientNoteEntry,
            r#"SELECT b.id AS "id!: i64", b.kind, b.text, b.source, s.display_name AS "author?", b.created_at,
                      b.withdrawn_at, b.withdrawn_reason
               FROM body_info b LEFT JOIN staff s ON s.id = b.staff_id WHERE b.patient_id = ?1
               UNION ALL
               SELECT m.id, 'memo', m.text, m.source, s.display_name, m.created_at, m.withdrawn_at, m.withdrawn_reason
               FROM memo m LEFT JOIN staff s ON s.id = m.staff_id WHERE m.patient_id = ?1
               ORDER BY 6, 1"#,
            patient_id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Adds body information (`kind`) or a memo (`None`) entered by `actor`.
    pub async fn add_patient_note(
        &self,
        actor: &Actor,
        patient_id: i64,
        kind: Option<BodyKind>,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, NoteError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NoteError::Invalid("内容を入力してください。"));
        }
        let mut tx = self.begin_write(actor, now).await?;
        let table = kind.map_or(Table::Memo, |_| Table::BodyInfo);
        let id = tx.next_id(table).await?;
        tx.change(Change::NoteAdded {
            id,
            patient_id,
            kind,
            text: text.to_string(),
            staff_id: actor.staff_id,
            at: timestamp(now),
        })
        .await?;
        let detail = format!("{} {id}", kind.map_or("memo", BodyKind::as_str));
        tx.log(AccessEvent::PatientNoteAdded, Some(patient_id), &detail);
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws an entry (`memo` or a body kind) with a reason; it stays visible as withdrawn.
    pub async fn withdraw_patient_note(
        &self,
        actor: &Actor,
        patient_id: i64,
        kind: &str,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), NoteError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(NoteError::Invalid("取り消す理由を入力してください。"));
        }
        let mut tx = self.begin_write(actor, now).await?;
        // The entry must be this patient's (the screen names both).
        let found = if kind == "memo" {
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!: i64" FROM memo WHERE id = ? AND patient_id = ? AND withdrawn_at IS NULL"#,
                id,
                patient_id
            )
            .fetch_one(&mut **tx)
            .await
        } else {
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!: i64" FROM body_info WHERE id = ? AND patient_id = ? AND kind = ? AND withdrawn_at IS NULL"#,
                id,
                patient_id,
                kind
            )
            .fetch_one(&mut **tx)
            .await
        }
        .map_err(|e| self.fail(e))?;
        if found == 0 {
            return Err(NoteError::NotFound);
        }
        let outcome = tx
            .change(Change::NoteWithdrawn {
                id,
                kind: kind.to_string(),
                staff_id: actor.staff_id,
                at: timestamp(now),
                reason: reason.to_string(),
            })
            .await?;
        if outcome != Outcome::Applied {
            return Err(NoteError::NotFound);
        }
        let detail = format!("{kind} {id}: {reason}");
        tx.log(AccessEvent::PatientNoteWithdrawn, Some(patient_id), &detail);
        tx.commit().await?;
        Ok(())
    }
}
