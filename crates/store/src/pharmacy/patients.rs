//! Finding patients (by kana, kanji or birth date) and a patient's header.

use chrono::NaiveDate;
use serde::Serialize;

use crate::history::OtcEntry;
use crate::import::{kana_key, name_key};
use crate::{Store, StoreError};
use okusuri_domain::labels::{birth_label, sex_label};

/// A patient as lists and headers show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PatientSummary {
    /// Their ID.
    pub id: i64,
    /// 漢字氏名.
    pub name: String,
    /// カナ氏名.
    pub kana: String,
    /// 男性 / 女性 / 不明.
    pub sex: String,
    /// ISO birth date, if known.
    pub birth_date: Option<String>,
    /// `1990年01月01日 (31歳)`.
    pub birth: String,
    /// Linked to a receipt-computer patient ID (お薬自動登録 設定済).
    pub auto_registration: bool,
    /// The patient this record was merged into, if it was.
    pub merged_into: Option<i64>,
}

struct Row {
    id: i64,
    name: String,
    kana: String,
    sex: i64,
    birth_date: Option<String>,
    linked: i64,
    merged_into: Option<i64>,
}

impl Row {
    fn summary(self, today: NaiveDate) -> PatientSummary {
        PatientSummary {
            id: self.id,
            birth: birth_label(self.birth_date.as_deref(), today),
            name: self.name,
            kana: self.kana,
            sex: sex_label(self.sex).to_string(),
            birth_date: self.birth_date,
            auto_registration: self.linked != 0,
            merged_into: self.merged_into,
        }
    }
}

/// A birth date typed in a search box: `1958-03-03`, `19580303`, `S330303`.
fn as_birth_date(query: &str) -> Option<String> {
    let q: String = query
        .trim()
        .chars()
        .filter(|c| *c != '/' && *c != '-')
        .collect();
    okusuri_jahis::date::to_iso(&q)
}

impl Store {
    /// Patients whose kana or kanji name starts with `query` (NFKC, spaces
    /// ignored, hiragana = katakana for kana), or who were born on the date it
    /// spells; at most `limit`. Prefix matching uses the indexes on the keys.
    pub async fn search_patients(
        &self,
        query: &str,
        limit: i64,
        today: NaiveDate,
    ) -> Result<Vec<PatientSummary>, StoreError> {
        let rows = if let Some(birth) = as_birth_date(query) {
            sqlx::query_as!(
                Row,
                r#"SELECT p.id AS "id!: i64", p.name, p.kana, p.sex, p.birth_date,
                          EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id) AS "linked!: i64", p.merged_into
                   FROM patient p WHERE p.birth_date = ? AND p.merged_into IS NULL ORDER BY p.kana_key, p.id LIMIT ?"#,
                birth,
                limit
            )
            .fetch_all(&self.pool)
            .await
        } else {
            // [key, key + U+10FFFF): every key starting with `key` (UTF-8 sorts by code point).
            let name_from = name_key(query);
            let name_to = format!("{name_from}\u{10FFFF}");
            let kana_from = kana_key(query);
            let kana_to = format!("{kana_from}\u{10FFFF}");
            sqlx::query_as!(
                Row,
                r#"SELECT p.id AS "id!: i64", p.name, p.kana, p.sex, p.birth_date,
                          EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id) AS "linked!: i64", p.merged_into
                   FROM patient p
                   WHERE ((p.kana_key >= ?1 AND p.kana_key < ?2) OR (p.name_key >= ?3 AND p.name_key < ?4))
                     AND p.merged_into IS NULL
                   ORDER BY p.kana_key, p.id LIMIT ?5"#,
                kana_from,
                kana_to,
                name_from,
                name_to,
                limit
            )
            .fetch_all(&self.pool)
            .await
        }
        .map_err(|e| self.fail(e))?;
        Ok(rows.into_iter().map(|r| r.summary(today)).collect())
    }

    /// One patient's header, if they exist.
    pub async fn patient(
        &self,
        id: i64,
        today: NaiveDate,
    ) -> Result<Option<PatientSummary>, StoreError> {
        let row = sqlx::query_as!(
            Row,
            r#"SELECT p.id AS "id!: i64", p.name, p.kana, p.sex, p.birth_date,
                      EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id) AS "linked!: i64", p.merged_into
               FROM patient p WHERE p.id = ?"#,
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(row.map(|r| r.summary(today)))
    }

    /// A patient's OTC use (市販薬), newest first.
    pub async fn otc_history(&self, patient_id: i64) -> Result<Vec<OtcEntry>, StoreError> {
        sqlx::query_as!(
            OtcEntry,
            r#"SELECT id AS "id!: i64", name, start_on, end_on, components FROM otc_use
               WHERE patient_id = ? ORDER BY COALESCE(start_on, '') DESC, id DESC"#,
            patient_id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// True when `id` is a patient who was not merged into another (inside `tx`).
    pub(crate) async fn is_current_patient(
        &self,
        tx: &mut sqlx::SqliteConnection,
        id: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM patient WHERE id = ? AND merged_into IS NULL"#,
            id
        )
        .fetch_one(tx)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(n > 0)
    }
}
