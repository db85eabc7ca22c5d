//! The patient list (P1).

use chrono::Local;
use okusuri_store::PatientListDay;
use tauri::State;

use crate::state::AppState;

/// Days shown on the list: today and the six before it.
const LIST_DAYS: u32 = 7;

/// Today's and recent days' patients, in this PC's local time.
#[tauri::command]
pub async fn patient_list(state: State<'_, AppState>) -> Result<Vec<PatientListDay>, String> {
    state.staff()?;
    let now = Local::now();
    state
        .store()?
        .patient_list(now.date_naive(), *now.offset(), LIST_DAYS)
        .await
        .map_err(|e| e.to_string())
}
