//! レセコン連携 (P3): the watched folders' state for the patient list, their
//! settings (admins) and the 取込エラー view. The feed itself runs in the
//! background (`okusuri_feed::Manager`) and sends `feed` events to the window.

use okusuri_feed::{FolderConfig, FolderStatus};
use okusuri_store::FeedError;
use tauri::{AppHandle, State};

use crate::state::AppState;

/// Each watched folder's state (レセコン接続エラー when unreachable).
#[tauri::command]
pub async fn feed_status(state: State<'_, AppState>) -> Result<Vec<FolderStatus>, String> {
    state.staff()?;
    Ok(state.feed.statuses())
}

/// The watched folders' settings.
#[tauri::command]
pub async fn feed_folders(state: State<'_, AppState>) -> Result<Vec<FolderConfig>, String> {
    state.staff()?;
    okusuri_feed::load_folders(state.store()?).await
}

/// Replaces the watched folders (admins) and restarts the feed.
#[tauri::command]
pub async fn set_feed_folders(
    folders: Vec<FolderConfig>,
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<(), String> {
    let staff = state.staff()?;
    let store = state.store()?;
    okusuri_feed::save_folders(store, &staff, &folders).await?;
    state.feed.start(store, folders, crate::feed_sink(&app));
    Ok(())
}

/// Files that failed to import, newest first.
#[tauri::command]
pub async fn feed_errors(state: State<'_, AppState>) -> Result<Vec<FeedError>, String> {
    state.staff()?;
    state
        .store()?
        .feed_errors(500)
        .await
        .map_err(|e| e.to_string())
}

/// Tries a failed file again on the next scan (e.g. after fixing its permissions).
#[tauri::command]
pub async fn retry_feed_file(
    folder: String,
    name: String,
    state: State<'_, AppState>,
) -> Result<bool, String> {
    state.staff()?;
    state
        .store()?
        .retry_feed_file(&folder, &name)
        .await
        .map_err(|e| e.to_string())
}
