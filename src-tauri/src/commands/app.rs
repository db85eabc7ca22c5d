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
}

/// Reports version, startup error, facility and session.
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
            });
        }
    };
    let facility = store.facility().await.map_err(|e| e.to_string())?;
    Ok(AppStatus {
        version,
        startup_error: None,
        facility,
        staff: state.current(),
    })
}
