//! お薬自動登録設定 (P7): the receipt computer's records that may be this
//! patient, and linking one (an audited merge in the store).

use chrono::{Duration, Local, Utc};
use okusuri_store::LinkCandidate;
use tauri::State;

use crate::state::AppState;

/// How far back レセコンからの候補 look for the feed's records.
const CANDIDATE_DAYS: i64 = 30;

/// レセコンからの候補 for a patient, best matches first.
#[tauri::command]
pub async fn link_candidates(
    patient_id: i64,
    state: State<'_, AppState>,
) -> Result<Vec<LinkCandidate>, String> {
    state.staff()?;
    let since = Utc::now() - Duration::days(CANDIDATE_DAYS);
    state
        .store()?
        .link_candidates(patient_id, since, Local::now().date_naive())
        .await
        .map_err(|e| e.to_string())
}

/// Links the patient to a receipt-computer record.
#[tauri::command]
pub async fn link_receipt_record(
    patient_id: i64,
    record_id: i64,
    state: State<'_, AppState>,
) -> Result<i64, String> {
    let staff = state.staff()?;
    state
        .store()?
        .link_receipt_record(&staff, patient_id, record_id, Utc::now())
        .await
        .map_err(|e| e.to_string())
}
