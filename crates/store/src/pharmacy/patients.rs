//! Finding patients (by kana, kanji or birth date) and a patient's header.

use chrono::NaiveDate;
use serde::Serialize;

use crate::history::OtcEntry;
use crate::import::{kana_key, name_key};
use crate::{Store, StoreError};
use okusuri_domain::labels::{birth_label, kana_label, sex_label};

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
            kana: kana_label(&self.kana),
            sex: sex_label(self.sex).to_string(),
            birth_date: self.birth_date,
            auto_registration: self.linked != 0,
            merged_into: self.merged_into,
        }
    }
}

/// Birth dates typed in a search box, as the ISO range `[from, to)`: a day
/// (`1958-03-03`, `19580303`, `S330303`), a month (`1958-03`, `195803`) or a
/// year (`1958`).
fn as_birth_range(query: &str) -> Option<(String, String)> {
    let q: String = query
        .trim()
        .chars()
        .filter(|c| *c != '/' && *c != '-' && *c != '.')
        .collect();
    if let Some(day) = okusuri_jahis::date::to_iso(&q) {
        let next = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .ok()?
            .succ_opt()?
            .format("%Y-%m-%d")
            .to_string();
        return Some((day, next));
    }
    if !q.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: i32 = q.get(0..4)?.parse().ok()?;
    if !(1868..=9999).contains(&year) {
        return None;
    }
    match q.len() {
        4 => Some((format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1))),
        6 => {
            let month: u32 = q.get(4..6)?.parse().ok()?;
            let from = NaiveDate::from_ymd_opt(year, month, 1)?;
            let to = from.checked_add_months(chrono::Months::new(1))?;
            Some((
                from.format("%Y-%m-%d").to_string(),
                to.format("%Y-%m-%d").to_string(),
            ))
        }
        _ => None,
    }
}

impl Store {
    /// Patients whose kana or kanji name starts with `query` (NFKC, spaces
    /// ignored, hiragana = katakana for kana), or who were born on the day, in
    /// the month or in the year it spells; at most `limit`. Prefix matching uses the indexes on the keys.
    pub async fn search_patients(
        &self,
        query: &str,
        limit: i64,
        today: NaiveDate,
    ) -> Result<Vec<PatientSummary>, StoreError> {
        let rows = if let Some((from, to)) = as_birth_range(query) {
            sqlx::query_as!(
                Row,
                r#"SELECT p.id AS "id!: i64", p.name, p.kana, p.sex, p.birth_date,
                          EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id) AS "linked!: i64", p.merged_into
                   FROM patient p WHERE p.birth_date >= ? AND p.birth_date < ? AND p.merged_into IS NULL
                   ORDER BY p.kana_key, p.id LIMIT ?"#,
                from,
                to,
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

#[cfg(test)]
mod birth_search_tests {
    use super::as_birth_range;

    fn range(q: &str) -> Option<(String, String)> {
        as_birth_range(q)
    }

    #[test]
    fn a_day_a_month_or_a_year_is_a_range_of_birth_dates() {
        let r = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(range("19580303"), r("1958-03-03", "1958-03-04"));
        assert_eq!(range("1958-03-03"), r("1958-03-03", "1958-03-04"));
        assert_eq!(range("S330303"), r("1958-03-03", "1958-03-04"));
        assert_eq!(range("1958/3"), None, "a month needs two digits");
        assert_eq!(range("195803"), r("1958-03-01", "1958-04-01"));
        assert_eq!(range("1958-12"), r("1958-12-01", "1959-01-01"));
        assert_eq!(range("1958"), r("1958-01-01", "1959-01-01"));
        assert_eq!(range("195813"), None);
        assert_eq!(range("12"), None);
        assert_eq!(range("ヤマダ"), None);
    }
}
