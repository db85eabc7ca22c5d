//! Okusuri Desk's Tauri shell: opens the store, registers the commands and
//! starts the window. Business rules live in the crates under `crates/`.

pub mod commands;
pub mod counter;
pub mod state;
pub mod tray;
pub mod updater;

use okusuri_app::{App, AppError};
use okusuri_store::{DataDir, OpenOptions};
use tauri::{Emitter, Manager};

use crate::state::AppState;

/// Opens the store in the configured data folder; `Err` is what the window
/// shows instead of the sign-in screen.
async fn open_app() -> Result<App, AppError> {
    let dir = DataDir::resolve()?;
    let store = okusuri_app::open::open_store(
        &dir,
        OpenOptions::default(),
        okusuri_app::open::KeyUse::Create,
    )
    .await?;
    Ok(App::new(store))
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
    let Ok(okusuri) = state.app() else { return };
    let store = okusuri.store();
    match okusuri_feed::load_folders(store).await {
        Ok(folders) => state.feed.start(store, folders, feed_sink(&app)),
        Err(e) => tracing::error!("feed not started: {e}"),
    }
}

/// Shows, restores and focuses the main window.
pub(crate) fn focus_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Whether closing the window hides it to the tray (the default) or quits.
fn close_to_tray() -> bool {
    std::env::var("OKUSURI_CLOSE_TO_TRAY").map_or(true, |v| v != "0")
}

/// The data folder's housekeeping while the app runs: printed PDFs go at
/// start and when a day old; the day's backup is made when due (looked at
/// now, then every hour).
async fn housekeeping(store: okusuri_store::Store) {
    let data_dir = store.path().parent().map(std::path::Path::to_path_buf);
    if let Some(dir) = &data_dir {
        okusuri_print::remove_all_printed(dir);
    }
    loop {
        if let Some(dir) = &data_dir {
            okusuri_print::remove_old_printed(dir);
        }
        match store.daily_backup(chrono::Utc::now()).await {
            Ok(Some(done)) => {
                tracing::info!(file = %done.file.display(), "daily backup written");
                if let Some(Err(e)) = done.second {
                    tracing::error!("second backup folder: {e}");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!("daily backup failed: {e}"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// Starts the app; returns when the last window closes. `--version` prints
/// the name and version and returns before anything else starts (the MSI
/// test runs it under wine: it proves the exe loads and its DLLs resolve).
pub fn run() {
    let context = tauri::generate_context!();
    if std::env::args().skip(1).any(|a| a == "--version") {
        let info = context.package_info();
        println!("{} {}", info.name, info.version);
        return;
    }
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
    let okusuri = tauri::async_runtime::block_on(open_app());
    match &okusuri {
        Err(e) => tracing::error!("{}", e.message),
        // One backup a day, in the background so the window is not kept
        // waiting: looked at on start and every hour while the app runs.
        Ok(okusuri) => {
            let store = okusuri.store().clone();
            tauri::async_runtime::spawn(housekeeping(store));
        }
    }
    let builder = tauri::Builder::default()
        // First: a second start only brings the running window forward (two
        // instances would watch the same reader and folders twice).
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main_window(app)
        }))
        // Size, place and maximised state are restored at start, saved on exit.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(updater::plugin())
        .manage(AppState::new(okusuri))
        .manage(updater::Updates::default())
        .setup(|app| {
            tauri::async_runtime::spawn(start_feed(app.handle().clone()));
            tauri::async_runtime::spawn(updater::schedule(app.handle().clone()));
            Ok(())
        })
        // The tray once the window's page is drawn, not before: start-up is
        // what staff wait for. Without a tray (a desktop with no status area)
        // the app still runs.
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                let app = webview.app_handle();
                if app.try_state::<tray::TrayState>().is_none()
                    && let Err(e) = tray::install(app)
                {
                    tracing::warn!("no tray icon: {e}");
                }
            }
        })
        // Closing the window hides it: the feed, the reader and the clinic
        // link keep running (終了 is in the tray; starting the app again shows
        // the window). OKUSURI_CLOSE_TO_TRAY=0 makes closing quit.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && close_to_tray()
            {
                api.prevent_close();
                let _ = window.hide();
            }
        });
    let app = match commands::register(builder).build(context) {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("the window could not be started: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        // Printed PDFs hold patient data: none is left behind at exit.
        if let tauri::RunEvent::Exit = event
            && let Ok(okusuri) = app.state::<AppState>().app()
            && let Some(dir) = okusuri.store().path().parent()
        {
            okusuri_print::remove_all_printed(dir);
        }
    });
}
