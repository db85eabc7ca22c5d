//! レセコン連携 (P3): the watched folders' state for the patient list, their
//! settings and the 取込エラー view. The feed itself runs in the background
//! (`okusuri_feed::Manager`) and sends `feed` events to the window.

use okusuri_app::AppError;
use okusuri_feed::{FolderConfig, FolderStatus};
use okusuri_store::FeedError;
use tauri::{AppHandle, State};

use crate::state::{AppState, Signed};

/// Each watched folder's state (レセコン接続エラー when unreachable).
#[tauri::command]
pub async fn feed_status(
    _signed: Signed,
    state: State<'_, AppState>,
) -> Result<Vec<FolderStatus>, AppError> {
    Ok(state.feed.statuses())
}

/// The watched folders' settings.
#[tauri::command]
pub async fn feed_folders(signed: Signed) -> Result<Vec<FolderConfig>, AppError> {
    signed.app.feed_folders(&signed.session).await
}

/// Replaces the watched folders and restarts the feed.
#[tauri::command]
pub async fn set_feed_folders(
    signed: Signed,
    folders: Vec<FolderConfig>,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    signed
        .app
        .set_feed_folders(&signed.session, &folders)
        .await?;
    state
        .feed
        .start(signed.app.store(), folders, crate::feed_sink(&app));
    Ok(())
}

/// Files that failed to import, newest first.
#[tauri::command]
pub async fn feed_errors(signed: Signed) -> Result<Vec<FeedError>, AppError> {
    signed.app.feed_errors(&signed.session).await
}

/// 再試行: forgets the failure and asks the running feed of that folder to
/// read the file again now, through the import gate.
#[tauri::command]
pub async fn retry_feed_file(
    signed: Signed,
    folder: String,
    name: String,
    state: State<'_, AppState>,
) -> Result<bool, AppError> {
    let forgotten = signed
        .app
        .retry_feed_file(&signed.session, &folder, &name)
        .await?;
    if forgotten {
        state.feed.retry(&folder, &name);
    }
    Ok(forgotten)
}
