//! 監査ログ (administrators): the access log, filtered, and its CSV export.

use okusuri_app::AppError;
use okusuri_app::audit::{AuditKind, AuditQuery};
use okusuri_store::AuditRow;

use crate::state::Signed;

/// The kinds of event, for the filter.
#[tauri::command]
pub async fn audit_kinds(signed: Signed) -> Result<Vec<AuditKind>, AppError> {
    signed
        .session
        .require(okusuri_app::Permission::ReadAuditLog)?;
    Ok(okusuri_app::audit::audit_kinds())
}

/// A page of the access log, newest first, before row `before`.
#[tauri::command]
pub async fn audit_log(
    signed: Signed,
    query: AuditQuery,
    before: Option<i64>,
) -> Result<Vec<AuditRow>, AppError> {
    signed.app.audit_log(&signed.session, &query, before).await
}

/// Writes the rows of `query` as CSV into the data folder's `exports`;
/// returns the file and the number of rows.
#[tauri::command]
pub async fn export_audit_log(
    signed: Signed,
    query: AuditQuery,
) -> Result<(String, usize), AppError> {
    signed.app.export_audit_log(&signed.session, &query).await
}
