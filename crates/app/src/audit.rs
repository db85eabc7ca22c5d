//! 監査ログ (issue 16 §8): administrators read the access log — by staff
//! ID, patient, kind and local date — and export it as CSV (the export is
//! itself logged). The window and `okusuri audit list|export` share these.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use okusuri_store::{AccessEvent, AuditFilter, AuditRow};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Permission, Session};

/// Rows per page on screen.
pub const AUDIT_PAGE: i64 = 100;

/// What the administrator asks for (dates are the facility's local dates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditQuery {
    /// The staff ID as entered.
    #[ts(optional)]
    pub login_id: Option<String>,
    /// The patient's record number.
    #[ts(optional)]
    pub patient_id: Option<i64>,
    /// The event's stable name.
    #[ts(optional)]
    pub event: Option<String>,
    /// From this local date (`YYYY-MM-DD`), inclusive.
    #[ts(optional)]
    pub from_date: Option<String>,
    /// To this local date (`YYYY-MM-DD`), inclusive.
    #[ts(optional)]
    pub to_date: Option<String>,
}

/// A kind of event with its Japanese name (for the filter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AuditKind {
    /// The stable name.
    pub event: String,
    /// What 監査ログ calls it.
    pub label: String,
}

/// Every kind of event, for the filter.
pub fn audit_kinds() -> Vec<AuditKind> {
    AccessEvent::ALL
        .into_iter()
        .map(|e| AuditKind {
            event: e.as_str().into(),
            label: e.label().into(),
        })
        .collect()
}

/// The Japanese name of a stored event name (the name itself if unknown).
pub fn event_label(event: &str) -> String {
    AccessEvent::parse(event).map_or_else(|| event.to_string(), |e| e.label().to_string())
}

impl App {
    fn audit_filter(&self, query: &AuditQuery) -> Result<AuditFilter, AppError> {
        let offset = self.clock.offset();
        let day = |text: &Option<String>, next: bool| -> Result<Option<String>, AppError> {
            let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                AppError::invalid(format!("日付は YYYY-MM-DD で入力してください: {text}"))
            })?;
            let date = if next {
                date.succ_opt().unwrap_or(date)
            } else {
                date
            };
            let local = offset
                .from_local_datetime(&date.and_time(NaiveTime::MIN))
                .single()
                .ok_or_else(|| AppError::invalid(format!("日付を読めません: {text}")))?;
            Ok(Some(
                local
                    .with_timezone(&chrono::Utc)
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ))
        };
        let text = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        Ok(AuditFilter {
            login_id: text(&query.login_id),
            patient_id: query.patient_id,
            event: text(&query.event),
            from: day(&query.from_date, false)?,
            to: day(&query.to_date, true)?,
        })
    }

    /// A page of 監査ログ, newest first, before row `before` (administrators).
    pub async fn audit_log(
        &self,
        session: &Session,
        query: &AuditQuery,
        before: Option<i64>,
    ) -> Result<Vec<AuditRow>, AppError> {
        self.begin(session, Permission::ReadAuditLog)?;
        let filter = self.audit_filter(query)?;
        let mut rows = self.store.audit_rows(&filter, before, AUDIT_PAGE).await?;
        for row in &mut rows {
            row.event = event_label(&row.event);
        }
        Ok(rows)
    }

    /// Exports the rows of `query` as CSV into the data folder's `exports`
    /// (administrators; logged). Returns the file and how many rows.
    pub async fn export_audit_log(
        &self,
        session: &Session,
        query: &AuditQuery,
    ) -> Result<(String, usize), AppError> {
        self.begin(session, Permission::ReadAuditLog)?;
        let filter = self.audit_filter(query)?;
        let dir = self
            .store
            .path()
            .parent()
            .map(|d| d.join("exports"))
            .ok_or_else(|| AppError::invalid("データフォルダがわかりません。"))?;
        let (path, count) = self
            .store
            .export_audit(&session.actor(), &filter, &dir, self.clock.now())
            .await?;
        Ok((path.display().to_string(), count))
    }
}
