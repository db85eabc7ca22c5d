//! The patient list (P1): patients who presented their notebook, grouped by
//! day, newest arrival first, one row per patient per day.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use okusuri_domain::labels::{birth_label, day_label, kana_label, sex_label};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::sync::{Change, Table};
use crate::write::WriteTx;
use crate::{Actor, Store, StoreError, parse_timestamp, timestamp};

/// One day of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PatientListDay {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// `本日` for today, else e.g. `7月3日 (木)`.
    pub label: String,
    /// The day's patients, latest arrival first (empty: 患者様はいません).
    pub patients: Vec<PatientListRow>,
}

/// One patient's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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
                kana: kana_label(&row.kana),
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
        let id = tx.next_id(Table::Visit).await?;
        tx.change(Change::VisitRecorded {
            id,
            patient_id,
            at: timestamp(tx.now()),
            source: source.to_string(),
        })
        .await?;
        tx.log(AccessEvent::VisitRecorded, Some(patient_id), source);
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
