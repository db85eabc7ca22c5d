//! 処方, 用法の紐付け and 発行済み一覧 (C4–C8): each command calls one use case
//! of `okusuri_app::prescribe` or `okusuri_app::clinic`.

use okusuri_app::AppError;
use okusuri_app::prescribe::{
    CheckResult, Draft, IssueMethod, IssueResult, ProblemView, ReceptionPatient, Review,
    StatusResult,
};
use okusuri_app::qr::QrOutput;
use okusuri_app::sheets::PrintedSheet;
use okusuri_eps::masters::{DrugRow, UsageRow};
use okusuri_store::{IssuedPrescription, UsageMapping};

use crate::state::Signed;

/// Drugs in the master by name, カナ or code.
#[tauri::command]
pub async fn search_drug_master(signed: Signed, query: String) -> Result<Vec<DrugRow>, AppError> {
    signed.app.search_drug_master(&signed.session, &query).await
}

/// Every clinic usage with its standard code.
#[tauri::command]
pub async fn usage_mappings(signed: Signed) -> Result<Vec<UsageMapping>, AppError> {
    signed.app.usage_mappings(&signed.session).await
}

/// Standard usages ranked for a clinic wording.
#[tauri::command]
pub async fn usage_candidates(signed: Signed, wording: String) -> Result<Vec<UsageRow>, AppError> {
    signed.app.usage_candidates(&signed.session, &wording).await
}

/// Maps a clinic usage to a standard code from the usage master.
#[tauri::command]
pub async fn map_usage(signed: Signed, wording: String, code: String) -> Result<(), AppError> {
    signed.app.map_usage(&signed.session, &wording, &code).await
}

/// The pre-issue check of a draft (nothing sent).
#[tauri::command]
pub async fn eps_review(signed: Signed, draft: Draft) -> Result<Review, AppError> {
    signed.app.eps_review(&signed.session, &draft).await
}

/// 重複投薬等チェック of a draft.
#[tauri::command]
pub async fn eps_check(
    signed: Signed,
    draft: Draft,
    include_own: bool,
    oral_consent: bool,
) -> Result<CheckResult, AppError> {
    signed
        .app
        .eps_check_draft(&signed.session, &draft, include_own, oral_consent)
        .await
}

/// 発行: 電子 (signed) or 紙 (引換番号あり).
#[tauri::command]
pub async fn eps_issue(
    signed: Signed,
    draft: Draft,
    method: IssueMethod,
    reason: String,
) -> Result<IssueResult, AppError> {
    signed
        .app
        .eps_issue(&signed.session, &draft, method, &reason)
        .await
}

/// A prescription file from another EMR read into a draft.
#[tauri::command]
pub async fn take_in_prescription(
    signed: Signed,
    bytes: Vec<u8>,
) -> Result<(Draft, Vec<ProblemView>), AppError> {
    signed
        .app
        .take_in_prescription(&signed.session, &bytes)
        .await
}

/// 発行済み一覧.
#[tauri::command]
pub async fn issued_prescriptions(
    signed: Signed,
    since: String,
    query: String,
) -> Result<Vec<IssuedPrescription>, AppError> {
    signed
        .app
        .issued_prescriptions(&signed.session, &since, &query)
        .await
}

/// Asks the service where a prescription is.
#[tauri::command]
pub async fn eps_refresh(
    signed: Signed,
    prescription_id: String,
) -> Result<StatusResult, AppError> {
    signed
        .app
        .eps_refresh(&signed.session, &prescription_id)
        .await
}

/// 取消 with a reason.
#[tauri::command]
pub async fn eps_cancel(
    signed: Signed,
    prescription_id: String,
    reason: String,
) -> Result<StatusResult, AppError> {
    signed
        .app
        .eps_cancel(&signed.session, &prescription_id, &reason)
        .await
}

/// 状態を確認 for 結果不明 requests: records answers that came late; resends nothing.
#[tauri::command]
pub async fn eps_reconcile(signed: Signed) -> Result<usize, AppError> {
    Ok(signed.app.eps_reconcile(&signed.session).await?.len())
}

/// Prints the 処方箋控え (電子) or the 処方箋 with its 2D symbol (紙).
#[tauri::command]
pub async fn print_prescription(
    signed: Signed,
    prescription_id: String,
) -> Result<PrintedSheet, AppError> {
    signed
        .app
        .print_prescription(&signed.session, &prescription_id, QrOutput::PrintFolder)
        .await
}

/// The patients the OQS terminal confirmed at reception (資格確認).
#[tauri::command]
pub async fn reception_patients(signed: Signed) -> Result<Vec<ReceptionPatient>, AppError> {
    signed.app.reception_patients(&signed.session).await
}

/// An issued prescription as a new draft (Do処方).
#[tauri::command]
pub async fn draft_from_issued(signed: Signed, prescription_id: String) -> Result<Draft, AppError> {
    signed
        .app
        .draft_from_issued(&signed.session, &prescription_id)
        .await
}
