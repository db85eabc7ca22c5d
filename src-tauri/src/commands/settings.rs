//! The administrator's 設定 screen: this facility's codes, and remapping
//! receipt-computer patient IDs (P11).

use okusuri_app::AppError;
use okusuri_store::{FacilityCodes, RemapSummary};

use crate::state::Signed;

/// This facility's codes, if set.
#[tauri::command]
pub async fn facility_codes(signed: Signed) -> Result<Option<FacilityCodes>, AppError> {
    signed.app.facility_codes(&signed.session).await
}

/// Sets this facility's codes.
#[tauri::command]
pub async fn set_facility_codes(signed: Signed, codes: FacilityCodes) -> Result<(), AppError> {
    signed.app.set_facility_codes(&signed.session, &codes).await
}

/// How many days back 今回のお薬 reaches.
#[tauri::command]
pub async fn current_window_days(signed: Signed) -> Result<u32, AppError> {
    signed
        .session
        .require(okusuri_app::Permission::ViewPatients)?;
    signed.app.current_window_days().await
}

/// Sets 今回のお薬's window in days.
#[tauri::command]
pub async fn set_current_window_days(signed: Signed, days: u32) -> Result<(), AppError> {
    let app = &signed.app;
    app.set_current_window_days(&signed.session, days).await
}

/// The sources of linked patient IDs, for choosing which to remap.
#[tauri::command]
pub async fn external_id_sources(signed: Signed) -> Result<Vec<String>, AppError> {
    signed.app.external_id_sources(&signed.session).await
}

/// Replaces one old patient ID by a new one.
#[tauri::command]
pub async fn remap_external_id(
    signed: Signed,
    source: String,
    old: String,
    new: String,
) -> Result<RemapSummary, AppError> {
    let app = &signed.app;
    app.remap_id(&signed.session, &source, &old, &new).await
}

/// Replaces old patient IDs by new ones from a CSV of `old,new`.
#[tauri::command]
pub async fn remap_external_ids_csv(
    signed: Signed,
    source: String,
    bytes: Vec<u8>,
) -> Result<RemapSummary, AppError> {
    let app = &signed.app;
    app.remap_ids_csv(&signed.session, &source, &bytes).await
}
