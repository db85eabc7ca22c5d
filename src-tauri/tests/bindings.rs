//! `ui/src/shared/bindings.ts` holds the TypeScript declarations of every
//! type that crosses IPC, generated from the Rust types (ts-rs): the UI's
//! types cannot drift from what the commands send. This test fails when the
//! file is stale; `UPDATE_BINDINGS=1 cargo test -p okusuri-desk --test
//! bindings` writes it.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use ts_rs::{Config, TS};

fn generated() -> String {
    // IDs and counts are far below 2^53: plain numbers in the webview.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/tests/bindings.rs (ts-rs): do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p okusuri-desk --test bindings\n\n",
    );
    macro_rules! declare {
        ($($t:ty),* $(,)?) => {
            $(out.push_str(&format!("export {}\n\n", <$t as TS>::decl(&cfg)));)*
        };
    }
    declare!(
        okusuri_desk::commands::app::AppStatus,
        okusuri_app::account::Status,
        okusuri_app::account::DemoAccount,
        okusuri_app::notices::Notice,
        okusuri_app::backup::BackupSettings,
        okusuri_app::backup::BackupResult,
        okusuri_app::staff::TwoFactorOffer,
        okusuri_store::StaffAccount,
        okusuri_store::AuditRow,
        okusuri_app::audit::AuditQuery,
        okusuri_app::audit::AuditKind,
        okusuri_app::doctor::DoctorAuthInfo,
        okusuri_app::doctor::SignMethod,
        okusuri_app::doctor::SignSettingsView,
        okusuri_app::doctor::ClientCertView,
        okusuri_app::clinic::EpsSettingsView,
        okusuri_app::clinic::EpsStatus,
        okusuri_app::clinic::OperationView,
        okusuri_app::prescribe::Draft,
        okusuri_app::prescribe::DraftPatient,
        okusuri_app::prescribe::DraftInsurance,
        okusuri_app::prescribe::DraftRp,
        okusuri_app::prescribe::DraftDrug,
        okusuri_app::prescribe::ProblemView,
        okusuri_app::prescribe::Review,
        okusuri_app::prescribe::ReviewRp,
        okusuri_app::prescribe::ReviewDrug,
        okusuri_app::prescribe::CheckResult,
        okusuri_app::prescribe::CheckFinding,
        okusuri_app::prescribe::IssueMethod,
        okusuri_app::prescribe::IssueResult,
        okusuri_app::prescribe::StatusResult,
        okusuri_app::prescribe::ReceptionPatient,
        okusuri_store::IssuedPrescription,
        okusuri_app::sheets::PrintedSheet,
        okusuri_store::UsageMapping,
        okusuri_eps::masters::DrugRow,
        okusuri_eps::masters::UsageRow,
        okusuri_store::MasterKind,
        okusuri_store::MasterImport,
        okusuri_app::notices::NoticeKind,
        okusuri_app::patients::CurrentDispensing,
        okusuri_app::AppError,
        okusuri_app::ErrorCode,
        okusuri_app::Permission,
        okusuri_app::qr::PrintedQr,
        okusuri_app::reader::ReaderStatus,
        okusuri_desk::counter::CounterEvent,
        okusuri_desk::tray::QuitRequest,
        okusuri_desk::updater::DownloadEvent,
        okusuri_update::Offer,
        okusuri_update::UpdateSettings,
        okusuri_store::Facility,
        okusuri_store::FacilityKind,
        okusuri_store::Staff,
        okusuri_store::Role,
        okusuri_store::FacilitySetup,
        okusuri_store::NewStaff,
        okusuri_store::PatientListDay,
        okusuri_store::PatientListRow,
        okusuri_store::patients::PatientSummary,
        okusuri_store::MergeRecord,
        okusuri_store::Cursor,
        okusuri_store::HistoryPage,
        okusuri_store::HistoryFilter,
        okusuri_store::history::OtcEntry,
        okusuri_store::PatientNoteEntry,
        okusuri_store::BodyKind,
        okusuri_store::ImportSummary,
        okusuri_store::FacilityCodes,
        okusuri_store::RemapSummary,
        okusuri_store::FeedError,
        okusuri_store::LinkCandidate,
        okusuri_store::NewPatient,
        okusuri_store::ConsentMethod,
        okusuri_store::Touch,
        okusuri_domain::HistoryDispensing,
        okusuri_domain::HistoryRp,
        okusuri_domain::HistoryDrug,
        okusuri_domain::Note,
        okusuri_domain::medication::Supply,
        okusuri_domain::notebook::NotebookPreview,
        okusuri_feed::FolderConfig,
        okusuri_feed::Format,
        okusuri_feed::AfterImport,
        okusuri_feed::WatchMode,
        okusuri_feed::FolderStatus,
        okusuri_feed::FeedEvent,
    );
    out.trim_end().to_string() + "\n"
}

#[test]
fn the_ui_bindings_are_generated_from_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/shared/bindings.ts");
    let want = generated();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/shared/bindings.ts is stale: run UPDATE_BINDINGS=1 cargo test -p okusuri-desk --test bindings"
    );
}
