//! What the window needs at start: version, facility, session, startup error.

use okusuri_store::{Facility, Staff};
use serde::Serialize;
use tauri::State;

use crate::state::AppState;

/// The app's state as the UI routes on it.
#[derive(Debug, Serialize)]
pub struct AppStatus {
    /// The app version shown in the window.
    pub version: String,
    /// Why the database could not be opened, if it could not.
    pub startup_error: Option<String>,
    /// The facility, `None` before first-run setup.
    pub facility: Option<Facility>,
    /// The signed-in staff member.
    pub staff: Option<Staff>,
    /// When the last backup was made (local time, `YYYY-MM-DD HH:MM`).
    pub last_backup: Option<String>,
}

/// Reports version, startup error, facility, session and last backup.
#[tauri::command]
pub async fn app_status(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<AppStatus, String> {
    let version = app.package_info().version.to_string();
    let store = match state.store() {
        Ok(store) => store,
        Err(message) => {
            return Ok(AppStatus {
                version,
                startup_error: Some(message),
                facility: None,
                staff: None,
                last_backup: None,
            });
        }
    };
    let facility = store.facility().await.map_err(|e| e.to_string())?;
    let last_backup = store
        .last_backup()
        .await
        .map_err(|e| e.to_string())?
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        });
    Ok(AppStatus {
        version,
        startup_error: None,
        facility,
        staff: state.current(),
        last_backup,
    })
}
