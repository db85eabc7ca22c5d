//! The patient list (P1): patients who presented their notebook, grouped by
//! day, newest arrival first, one row per patient per day.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::write::WriteTx;
use crate::{Actor, Store, StoreError, parse_timestamp, timestamp};

/// One day of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientListDay {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// `本日` for today, else e.g. `7月3日 (木)`.
    pub label: String,
    /// The day's patients, latest arrival first (empty: 患者様はいません).
    pub patients: Vec<PatientListRow>,
}

/// One patient's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientListRow {
    /// The patient's ID, for opening their history.
    pub patient_id: i64,
    /// 表示日時: local time of the latest visit that day, `HH:MM`.
    pub time: String,
    /// カナ氏名.
    pub kana: String,
    /// 漢字氏名.
    pub name: String,
    /// 性別: 男性 / 女性 / 不明.
    pub sex: String,
    /// 生年月日 (年齢), e.g. `1990年01月01日 (31歳)`, or `不明`.
    pub birth: String,
    /// お薬自動登録: linked to a receipt-computer patient ID (設定済).
    pub auto_registration: bool,
}

/// The Japanese label of an ISO 5218 sex code.
pub fn sex_label(code: i64) -> &'static str {
    match code {
        1 => "男性",
        2 => "女性",
        _ => "不明",
    }
}

/// Full years from `birth` to `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// `1990年01月01日 (31歳)` as of `today`; `不明` without a valid date.
pub fn birth_label(birth: Option<&str>, today: NaiveDate) -> String {
    match birth.and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()) {
        Some(date) => format!(
            "{}年{:02}月{:02}日 ({}歳)",
            date.year(),
            date.month(),
            date.day(),
            age_on(date, today)
        ),
        None => "不明".to_string(),
    }
}

/// `本日` for today, else `7月3日 (木)`.
pub fn day_label(date: NaiveDate, today: NaiveDate) -> String {
    if date == today {
        return "本日".to_string();
    }
    let weekday = match date.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    };
    format!("{}月{}日 ({weekday})", date.month(), date.day())
}

struct VisitRow {
    patient_id: i64,
    visited_at: String,
    kana: String,
    name: String,
    sex: i64,
    birth_date: Option<String>,
    linked: i64,
}

impl Store {
    /// The list for the `days` days ending `today` (local dates in `zone`),
    /// today first; every day is present, empty or not.
    pub async fn patient_list(
        &self,
        today: NaiveDate,
        zone: FixedOffset,
        days: u32,
    ) -> Result<Vec<PatientListDay>, StoreError> {
        let days = days.max(1);
        let first = today - chrono::Duration::days(i64::from(days) - 1);
        let since = local_midnight(first, zone);
        let since_text = timestamp(since);
        let rows = sqlx::query_as!(
            VisitRow,
            r#"SELECT v.patient_id, v.visited_at, p.kana, p.name, p.sex, p.birth_date,
                      EXISTS (SELECT 1 FROM patient_external_id e WHERE e.patient_id = p.id) AS "linked!: i64"
               FROM visit v JOIN patient p ON p.id = v.patient_id
               WHERE v.visited_at >= ?
               ORDER BY v.visited_at DESC, v.id DESC"#,
            since_text
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;

        let mut list: Vec<PatientListDay> = (0..days)
            .map(|back| {
                let date = today - chrono::Duration::days(i64::from(back));
                PatientListDay {
                    date: date.format("%Y-%m-%d").to_string(),
                    label: day_label(date, today),
                    patients: Vec::new(),
                }
            })
            .collect();
        for row in rows {
            let Some(at) = parse_timestamp(&row.visited_at) else {
                tracing::warn!(visited_at = %row.visited_at, "visit with unreadable time skipped");
                continue;
            };
            let local = at.with_timezone(&zone);
            let Ok(back) = u32::try_from((today - local.date_naive()).num_days()) else {
                continue; // a visit dated after today (clock skew between PCs)
            };
            let Some(day) = list.get_mut(back as usize) else {
                continue;
            };
            if day.patients.iter().any(|p| p.patient_id == row.patient_id) {
                continue; // an earlier touch the same day: the row is already at its latest time
            }
            day.patients.push(PatientListRow {
                patient_id: row.patient_id,
                time: local.format("%H:%M").to_string(),
                kana: row.kana,
                name: row.name,
                sex: sex_label(row.sex).to_string(),
                birth: birth_label(row.birth_date.as_deref(), today),
                auto_registration: row.linked != 0,
            });
        }
        Ok(list)
    }
}

impl Store {
    /// Records that a patient presented their notebook (card touch, QR, …) at
    /// `at`; the patient list shows them at the top of that day. Audited.
    pub async fn record_visit(
        &self,
        actor: &Actor,
        patient_id: i64,
        at: DateTime<Utc>,
        source: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write(actor, at).await?;
        let id = self.insert_visit(&mut tx, patient_id, source).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Inserts a visit row and its access-log row inside `tx`.
    pub(crate) async fn insert_visit(
        &self,
        tx: &mut WriteTx<'_>,
        patient_id: i64,
        source: &str,
    ) -> Result<i64, StoreError> {
        let at = timestamp(tx.now());
        let id = sqlx::query_scalar!(
            "INSERT INTO visit (patient_id, visited_at, source) VALUES (?, ?, ?) RETURNING id AS \"id!: i64\"",
            patient_id,
            at,
            source
        )
        .fetch_one(&mut ***tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(AccessEvent::VisitRecorded, Some(patient_id), source)
            .await?;
        Ok(id)
    }
}

fn local_midnight(date: NaiveDate, zone: FixedOffset) -> DateTime<Utc> {
    // A fixed offset has no gaps, so the local midnight always exists.
    zone.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d("1990-01-01"), d("2021-07-05")), 31);
        assert_eq!(age_on(d("1990-07-05"), d("2021-07-04")), 30);
        assert_eq!(age_on(d("1990-07-05"), d("2021-07-05")), 31);
        // Born on 29 February: a year older on 1 March of a common year.
        assert_eq!(age_on(d("2000-02-29"), d("2021-02-28")), 20);
        assert_eq!(age_on(d("2000-02-29"), d("2021-03-01")), 21);
    }

    #[test]
    fn labels_match_the_seed_list() {
        let today = d("2021-07-05");
        assert_eq!(
            birth_label(Some("1990-01-01"), today),
            "1990年01月01日 (31歳)"
        );
        assert_eq!(birth_label(None, today), "不明");
        assert_eq!(birth_label(Some("1990-13-01"), today), "不明");
        assert_eq!(day_label(today, today), "本日");
        assert_eq!(day_label(d("2025-07-03"), today), "7月3日 (木)");
        assert_eq!(day_label(d("2025-07-02"), today), "7月2日 (水)");
        assert_eq!(sex_label(1), "男性");
        assert_eq!(sex_label(2), "女性");
        assert_eq!(sex_label(0), "不明");
        assert_eq!(sex_label(9), "不明");
    }
}
