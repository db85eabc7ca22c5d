//! お薬自動登録設定 (P7): linking a card patient to the receipt computer's
//! record of them. The folder feed creates a patient record per receipt
//! computer patient ID; right after issuing a card (or later from the patient
//! screen) staff pick that record from レセコンからの候補 and it is merged into
//! the card patient (the store's audited merge), so that from then on the
//! feed's dispensings for that ID land on the card patient.

use chrono::{DateTime, Utc};
use okusuri_domain::labels::kana_label;
use serde::Serialize;

use crate::merge::MergeError;
use crate::{Actor, Store, StoreError, timestamp};

/// A receipt-computer patient record that may be the card patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LinkCandidate {
    /// The record's patient ID.
    pub patient_id: i64,
    /// 漢字氏名.
    pub name: String,
    /// カナ氏名.
    pub kana: String,
    /// 男性 / 女性 / 不明.
    pub sex: String,
    /// `1980年01月01日 (46歳)`.
    pub birth: String,
    /// The receipt computer's patient IDs, joined with "、".
    pub external_ids: String,
    /// The newest dispensing's date, if any.
    pub last_dispensed: Option<String>,
    /// How well it matches: birth date (4), sex (2), kana (1).
    pub score: i64,
}

struct Row {
    patient_id: i64,
    name: String,
    kana: String,
    sex: i64,
    birth_date: Option<String>,
    external_ids: String,
    last_dispensed: Option<String>,
    score: i64,
}

impl Store {
    /// レセコンからの候補 for `patient_id`: records with a receipt-computer ID
    /// that have no card, had a dispensing imported since `since`, best
    /// matches first (same birth date, sex, kana), then the most recent.
    pub async fn link_candidates(
        &self,
        patient_id: i64,
        since: DateTime<Utc>,
        today: chrono::NaiveDate,
    ) -> Result<Vec<LinkCandidate>, StoreError> {
        let since = timestamp(since);
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT c.id AS "patient_id!: i64", c.name, c.kana, c.sex, c.birth_date,
                      (SELECT group_concat(e.external_id, '、') FROM patient_external_id e WHERE e.patient_id = c.id)
                          AS "external_ids!: String",
                      (SELECT max(d.dispensed_on) FROM dispensing d WHERE d.patient_id = c.id) AS "last_dispensed?: String",
                      (CASE WHEN c.birth_date = p.birth_date THEN 4 ELSE 0 END)
                        + (CASE WHEN c.sex = p.sex THEN 2 ELSE 0 END)
                        + (CASE WHEN c.kana_key = p.kana_key AND c.kana_key <> '' THEN 1 ELSE 0 END) AS "score!: i64"
               FROM patient c, patient p
               WHERE p.id = ?1 AND c.id <> p.id AND c.merged_into IS NULL
                 AND EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = c.id)
                 AND NOT EXISTS (SELECT 1 FROM card k WHERE k.patient_id = c.id)
                 AND EXISTS (SELECT 1 FROM dispensing d WHERE d.patient_id = c.id AND d.imported_at >= ?2)
               ORDER BY 8 DESC, 7 DESC, c.id DESC
               LIMIT 20"#,
            patient_id,
            since
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(rows
            .into_iter()
            .map(|r| LinkCandidate {
                patient_id: r.patient_id,
                birth: okusuri_domain::labels::birth_label(r.birth_date.as_deref(), today),
                name: r.name,
                kana: kana_label(&r.kana),
                sex: okusuri_domain::labels::sex_label(r.sex).to_string(),
                external_ids: r.external_ids,
                last_dispensed: r.last_dispensed,
                score: r.score,
            })
            .collect())
    }

    /// Links the card patient to a receipt-computer record: the record is
    /// merged into the patient (audited; undone like any merge). The record
    /// must be one of [`Store::link_candidates`] for `since` — checked in the
    /// same transaction, so this cannot merge two arbitrary patients.
    pub async fn link_receipt_record(
        &self,
        actor: &Actor,
        patient_id: i64,
        record_id: i64,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<i64, MergeError> {
        let since = timestamp(since);
        let mut tx = self.begin_write(actor, now).await?;
        let candidate = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM patient c, patient p
               WHERE c.id = ?1 AND p.id = ?2 AND c.id <> p.id
                 AND c.merged_into IS NULL AND p.merged_into IS NULL
                 AND EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = c.id)
                 AND NOT EXISTS (SELECT 1 FROM card k WHERE k.patient_id = c.id)
                 AND EXISTS (SELECT 1 FROM dispensing d WHERE d.patient_id = c.id AND d.imported_at >= ?3)"#,
            record_id,
            patient_id,
            since
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if candidate == 0 {
            return Err(MergeError::NotACandidate);
        }
        let merge_id = self
            .merge_in(&mut tx, patient_id, record_id, "お薬自動登録設定")
            .await?;
        tx.commit().await?;
        Ok(merge_id)
    }
}
