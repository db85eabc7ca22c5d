//! 電子処方箋 設定 (C1): the clinic link's settings, the OQS terminal's
//! folders checked, the operation names (verified or not), and the masters.

use okusuri_app::AppError;
use okusuri_app::clinic::{EpsSettingsView, EpsStatus, OperationView};
use okusuri_app::doctor::ClientCertView;
use okusuri_store::{MasterImport, MasterKind};

use crate::state::Signed;

/// The clinic link's settings as 設定 shows them.
#[tauri::command]
pub async fn eps_settings(signed: Signed) -> Result<EpsSettingsView, AppError> {
    signed.app.eps_settings_view(&signed.session).await
}

/// Saves the clinic link's settings (an empty operation table file: the
/// built-in one), then checks the folders (初期化).
#[tauri::command]
pub async fn set_eps_settings(
    signed: Signed,
    institution: String,
    req: String,
    res: String,
    operations_file: String,
    timeout_seconds: u64,
) -> Result<EpsStatus, AppError> {
    let app = &signed.app;
    app.set_eps_config(
        &signed.session,
        &institution,
        &req,
        &res,
        Some(operations_file.trim()),
        Some(timeout_seconds),
    )
    .await?;
    app.eps_status(&signed.session).await
}

/// The link at a glance: folders, waiting and unknown requests, the last answer.
#[tauri::command]
pub async fn eps_status(signed: Signed) -> Result<EpsStatus, AppError> {
    signed.app.eps_status(&signed.session).await
}

/// The operation table with which names are verified.
#[tauri::command]
pub async fn eps_operations(signed: Signed) -> Result<Vec<OperationView>, AppError> {
    signed.app.eps_operations(&signed.session).await
}

/// Replaces a master with a file's bytes; returns the count.
#[tauri::command]
pub async fn import_master(
    signed: Signed,
    kind: MasterKind,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<usize, AppError> {
    signed
        .app
        .import_master(&signed.session, kind, &bytes, &file_name)
        .await
}

/// When each master was imported, with counts.
#[tauri::command]
pub async fn master_imports(signed: Signed) -> Result<Vec<MasterImport>, AppError> {
    signed.app.master_imports(&signed.session).await
}

/// Imports the clinic's client certificate (`.p12` and its password) into the
/// OS key store (administrators); neither reaches the database or a log.
#[tauri::command]
pub async fn import_client_cert(
    signed: Signed,
    bytes: Vec<u8>,
    password: String,
) -> Result<ClientCertView, AppError> {
    let cert = signed
        .app
        .import_client_cert(&signed.session, bytes, password)
        .await?;
    Ok(cert.into())
}

/// The client certificate kept in the OS key store (`None`: none yet).
#[tauri::command]
pub async fn client_cert(signed: Signed) -> Result<Option<ClientCertView>, AppError> {
    match signed.app.client_cert(&signed.session).await {
        Ok(cert) => Ok(Some(cert.into())),
        Err(e) if e.code == okusuri_app::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
