//! What the window needs at start: version, facility, session, permissions,
//! startup error, last backup; and お知らせ.

use okusuri_app::AppError;
use okusuri_app::account::Status;
use okusuri_app::notices::Notice;
use serde::Serialize;
use tauri::State;

use crate::state::{AppState, Signed};

/// The app's state as the UI routes on it.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppStatus {
    /// The app version shown in the window.
    pub version: String,
    /// Why the database could not be opened, if it could not.
    pub startup_error: Option<AppError>,
    /// Facility, staff, permissions, last backup (empty with a startup error).
    #[serde(flatten)]
    pub status: Status,
}

/// Reports version, startup error, facility, session and last backup.
#[tauri::command]
pub async fn app_status(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<AppStatus, AppError> {
    let version = app.package_info().version.to_string();
    let (startup_error, status) = match state.app() {
        Err(e) => (Some(e), Status::default()),
        Ok(a) => (None, a.status(state.session().as_deref()).await?),
    };
    Ok(AppStatus {
        version,
        startup_error,
        status,
    })
}

/// お知らせ for the signed-in staff member.
#[tauri::command]
pub async fn notices(signed: Signed) -> Result<Vec<Notice>, AppError> {
    signed.app.notices(&signed.session).await
}

/// 終了 confirmed in the window (requests to the terminal were waiting).
#[tauri::command]
pub fn quit_app(app: tauri::AppHandle) {
    app.exit(0);
}
