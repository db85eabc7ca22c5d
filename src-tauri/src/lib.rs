//! Okusuri Desk's Tauri shell: opens the store, registers the commands and
//! starts the window. Business rules live in the crates under `crates/`.

pub mod commands;
pub mod counter;
pub mod state;

use okusuri_store::{DataDir, OpenOptions, Store};
use tauri::{Emitter, Manager};

use crate::state::AppState;

/// Opens the store in the configured data folder; `Err` is the message the
/// window shows instead of the sign-in screen.
async fn open_store() -> Result<Store, String> {
    let dir = DataDir::resolve().map_err(|e| e.to_string())?;
    Store::open_in(&dir, OpenOptions::default())
        .await
        .map_err(|e| e.to_string())
}

/// Sends every feed event to the window as a `feed` event.
pub fn feed_sink(app: &tauri::AppHandle) -> okusuri_feed::Sink {
    let app = app.clone();
    std::sync::Arc::new(move |event| {
        if let Err(e) = app.emit("feed", &event) {
            tracing::warn!("feed event not delivered: {e}");
        }
    })
}

/// Starts the watched folders stored in the settings.
async fn start_feed(app: tauri::AppHandle) {
    let state = app.state::<AppState>();
    let Ok(store) = state.store() else { return };
    match okusuri_feed::load_folders(store).await {
        Ok(folders) => state.feed.start(store, folders, feed_sink(&app)),
        Err(e) => tracing::error!("feed not started: {e}"),
    }
}

/// Starts the app; returns when the last window closes.
pub fn run() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // OKUSURI_LOG_FILE: log to a file (support, tests) instead of stderr.
    // Logs never carry patient data.
    let file = std::env::var_os("OKUSURI_LOG_FILE").and_then(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
    });
    match file {
        Some(file) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init(),
        None => tracing_subscriber::fmt().with_env_filter(filter).init(),
    }
    let store = tauri::async_runtime::block_on(open_store());
    match &store {
        Err(message) => tracing::error!("{message}"),
        // One backup a day, in the background so the window is not kept waiting.
        Ok(store) => {
            let store = store.clone();
            tauri::async_runtime::spawn(async move {
                match store.daily_backup(chrono::Utc::now()).await {
                    Ok(Some(file)) => {
                        tracing::info!(file = %file.display(), "daily backup written")
                    }
                    Ok(None) => {}
                    Err(e) => tracing::error!("daily backup failed: {e}"),
                }
            });
        }
    }
    let result = tauri::Builder::default()
        .manage(AppState::new(store))
        .setup(|app| {
            tauri::async_runtime::spawn(start_feed(app.handle().clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::account::set_up_facility,
            commands::account::sign_in,
            commands::account::sign_out,
            commands::account::change_password,
            commands::account::add_staff,
            commands::account::list_staff,
            commands::patient_list::patient_list,
            commands::patient::search_patients,
            commands::patient::open_patient,
            commands::patient::patient_history,
            commands::patient::patient_otc,
            commands::patient::patient_notes,
            commands::patient::add_patient_note,
            commands::patient::withdraw_patient_note,
            commands::patient::import_jahis,
            commands::merge::patient_merges,
            commands::merge::merge_patients,
            commands::merge::undo_merge,
            commands::settings::facility_codes,
            commands::settings::set_facility_codes,
            commands::settings::external_id_sources,
            commands::settings::remap_external_id,
            commands::settings::remap_external_ids_csv,
            commands::feed::feed_status,
            commands::feed::feed_folders,
            commands::feed::set_feed_folders,
            commands::feed::feed_errors,
            commands::feed::retry_feed_file,
            commands::counter::reader_status,
            commands::counter::set_reader_on,
            commands::counter::choose_reader,
            commands::counter::issue_card,
            commands::counter::reissue_card,
            commands::link::link_candidates,
            commands::link::link_receipt_record,
            commands::notebook::preview_other_notebook,
            commands::notebook::import_other_notebook,
            commands::patient_qr::print_patient_qr,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the window could not be started: {e}");
        std::process::exit(1);
    }
}
