//! Reading the access log (監査ログ, `okusuri audit list|export`): filtered
//! pages, newest first, with the staff member's and the patient's names, and
//! a CSV export (which is itself written to the log).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError};

/// What to show (every field optional: all rows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditFilter {
    /// The staff ID as entered (failed sign-ins included).
    #[ts(optional)]
    pub login_id: Option<String>,
    /// The patient's record number.
    #[ts(optional)]
    pub patient_id: Option<i64>,
    /// The event's stable name (`patient_opened`, …).
    #[ts(optional)]
    pub event: Option<String>,
    /// From this time on (UTC RFC 3339).
    #[ts(optional)]
    pub from: Option<String>,
    /// Before this time (UTC RFC 3339).
    #[ts(optional)]
    pub to: Option<String>,
}

/// One row as 監査ログ shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AuditRow {
    /// Row number (increasing).
    pub id: i64,
    /// When (UTC RFC 3339).
    pub at: String,
    /// The event's stable name.
    pub event: String,
    /// The staff ID as entered.
    pub login_id: String,
    /// The staff member's name, when the row names one.
    pub staff_name: Option<String>,
    /// The PC.
    pub pc_name: String,
    /// The patient's record number, if any.
    pub patient_id: Option<i64>,
    /// The patient's name, if any.
    pub patient_name: Option<String>,
    /// Extra facts.
    pub detail: Option<String>,
}

impl Store {
    /// Up to `limit` rows matching `filter` with an ID below `before` (none:
    /// the newest), newest first.
    pub async fn audit_rows(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let before = before.unwrap_or(i64::MAX);
        sqlx::query_as!(
            AuditRow,
            r#"SELECT a.id AS "id!: i64", a.at, a.event, a.login_id, s.display_name AS "staff_name?",
                      a.pc_name, a.patient_id, p.name AS "patient_name?", a.detail
               FROM access_log a
               LEFT JOIN staff s ON s.id = a.staff_id
               LEFT JOIN patient p ON p.id = a.patient_id
               WHERE a.id < ?1
                 AND (?2 IS NULL OR a.login_id = ?2)
                 AND (?3 IS NULL OR a.patient_id = ?3)
                 AND (?4 IS NULL OR a.event = ?4)
                 AND (?5 IS NULL OR a.at >= ?5)
                 AND (?6 IS NULL OR a.at < ?6)
               ORDER BY a.id DESC LIMIT ?7"#,
            before,
            filter.login_id,
            filter.patient_id,
            filter.event,
            filter.from,
            filter.to,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Writes every row matching `filter` (oldest first) as CSV (UTF-8 with
    /// a BOM, so Excel reads the Japanese) to a new owner-only file in `dir`,
    /// and logs the export with the filter. Returns the file and the count.
    pub async fn export_audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> Result<(PathBuf, usize), StoreError> {
        let io = |path: &Path, e: std::io::Error| StoreError::Inaccessible {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        crate::location::create_private_dir_all(dir).map_err(|e| io(dir, e))?;
        let stamp = now.with_timezone(&chrono::Local).format("%Y%m%d-%H%M%S");
        let path = dir.join(format!("audit-{stamp}.csv"));
        let mut rows = Vec::new();
        let mut before = None;
        loop {
            let page = self.audit_rows(filter, before, 10_000).await?;
            let Some(last) = page.last() else { break };
            before = Some(last.id);
            rows.extend(page);
        }
        rows.reverse();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(|e| io(&path, e))?;
        let mut out = std::io::BufWriter::new(file);
        out.write_all("\u{feff}".as_bytes())
            .map_err(|e| io(&path, e))?;
        let mut csv = csv::Writer::from_writer(out);
        let header = [
            "番号",
            "日時(UTC)",
            "種類",
            "種類コード",
            "スタッフID",
            "スタッフ名",
            "PC",
            "患者番号",
            "患者名",
            "詳細",
        ];
        csv.write_record(header)
            .map_err(|e| io(&path, std::io::Error::other(e)))?;
        for r in &rows {
            let id = r.id.to_string();
            let patient = r.patient_id.map(|p| p.to_string()).unwrap_or_default();
            let label: &str = match AccessEvent::parse(&r.event) {
                Some(e) => e.label(),
                None => &r.event,
            };
            csv.write_record([
                id.as_str(),
                r.at.as_str(),
                label,
                r.event.as_str(),
                r.login_id.as_str(),
                r.staff_name.as_deref().unwrap_or(""),
                r.pc_name.as_str(),
                patient.as_str(),
                r.patient_name.as_deref().unwrap_or(""),
                r.detail.as_deref().unwrap_or(""),
            ])
            .map_err(|e| io(&path, std::io::Error::other(e)))?;
        }
        let file = csv
            .into_inner()
            .map_err(|e| io(&path, std::io::Error::other(e.to_string())))?
            .into_inner()
            .map_err(|e| io(&path, e.into_error()))?;
        file.sync_all().map_err(|e| io(&path, e))?;
        let filter_text = serde_json::to_string(filter).unwrap_or_default();
        let detail = format!("{} rows, filter {filter_text}", rows.len());
        self.audit(actor, AccessEvent::AuditExported, None, &detail, now)
            .await?;
        Ok((path, rows.len()))
    }
}
