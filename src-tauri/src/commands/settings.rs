//! The administrator's 設定 screen: this facility's codes, and remapping
//! receipt-computer patient IDs after a replacement (P11).

use chrono::Utc;
use okusuri_store::{FacilityCodes, IdPair, RemapSummary, parse_remap_csv};
use tauri::State;

use crate::state::AppState;

/// This facility's codes, if set.
#[tauri::command]
pub async fn facility_codes(state: State<'_, AppState>) -> Result<Option<FacilityCodes>, String> {
    state.staff()?;
    state
        .store()?
        .facility_codes()
        .await
        .map_err(|e| e.to_string())
}

/// Sets this facility's codes (admins).
#[tauri::command]
pub async fn set_facility_codes(
    codes: FacilityCodes,
    state: State<'_, AppState>,
) -> Result<(), String> {
    let staff = state.staff()?;
    state
        .store()?
        .set_facility_codes_as(&staff, &codes, Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// The sources of linked patient IDs, for choosing which to remap.
#[tauri::command]
pub async fn external_id_sources(state: State<'_, AppState>) -> Result<Vec<String>, String> {
    state.staff()?;
    state
        .store()?
        .external_id_sources()
        .await
        .map_err(|e| e.to_string())
}

/// Replaces one old patient ID by a new one (admins).
#[tauri::command]
pub async fn remap_external_id(
    source: String,
    old: String,
    new: String,
    state: State<'_, AppState>,
) -> Result<RemapSummary, String> {
    let staff = state.staff()?;
    let pair = IdPair {
        line: 1,
        old: old.trim().to_string(),
        new: new.trim().to_string(),
    };
    state
        .store()?
        .remap_external_ids(&staff, &source, &[pair], Utc::now())
        .await
        .map_err(|e| e.to_string())
}

/// Replaces old patient IDs by new ones from a CSV of `old,new` (admins).
#[tauri::command]
pub async fn remap_external_ids_csv(
    source: String,
    bytes: Vec<u8>,
    state: State<'_, AppState>,
) -> Result<RemapSummary, String> {
    let staff = state.staff()?;
    let pairs = parse_remap_csv(&bytes).map_err(|e| e.to_string())?;
    state
        .store()?
        .remap_external_ids(&staff, &source, &pairs, Utc::now())
        .await
        .map_err(|e| e.to_string())
}
