//! The updater (D1): `tauri-plugin-updater` driven from our own commands.
//! A check at start and every N hours (設定 → 更新) offers a newer signed
//! version to the window, which shows its own dialog (version, notes,
//! 今すぐ更新 / 後で); 今すぐ更新 downloads with progress — the plugin checks
//! the minisign signature and the version signed into it — then installs:
//! on Windows the plugin runs `msiexec /i … /passive` and exits, and the MSI
//! starts the new version. On Linux there is no installer to hand over to,
//! so the install step writes a marker file instead (tests read it).
//!
//! The rules (settings, 後で, test overrides) are in `okusuri-update`.

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use okusuri_app::{AppError, ErrorCode};
use okusuri_update::snooze::offer_due;
use okusuri_update::{Offer, Snooze, UpdateSettings, overrides};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};

/// How long one request to the update server may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The event that tells the window an update is offered.
pub const OFFER_EVENT: &str = "update-available";

/// Download progress sent to the window (the plugin's own JS event shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum DownloadEvent {
    /// The download began; the size if the server said it.
    #[serde(rename_all = "camelCase")]
    Started {
        /// Bytes to come (`Content-Length`), if known.
        #[ts(type = "number | null")]
        content_length: Option<u64>,
    },
    /// One chunk arrived.
    #[serde(rename_all = "camelCase")]
    Progress {
        /// Bytes in this chunk.
        #[ts(type = "number")]
        chunk_length: usize,
    },
    /// Every byte arrived (the signature is checked next).
    Finished,
}

/// The update on offer and, once downloaded and verified, its bytes.
struct Pending {
    update: Update,
    bytes: Option<Vec<u8>>,
}

/// What the shell keeps about updates between commands.
#[derive(Default)]
pub struct Updates {
    pending: Mutex<Option<Pending>>,
    snooze: Mutex<Option<Snooze>>,
    /// Wakes the schedule (settings changed).
    wake: tokio::sync::Notify,
}

impl Updates {
    /// The offer, unless 後で put its version aside.
    pub fn offer(&self) -> Option<Offer> {
        let pending = self.pending.lock().ok()?;
        let offer = offer_of(&pending.as_ref()?.update);
        let snooze = self.snooze.lock().ok()?;
        offer_due(&offer.version, snooze.as_ref(), Utc::now()).then_some(offer)
    }

    /// The version on offer, snoozed or not (for the tray).
    pub fn offered_version(&self) -> Option<String> {
        let pending = self.pending.lock().ok()?;
        pending.as_ref().map(|p| p.update.version.clone())
    }

    /// 後で on `version`.
    pub fn later(&self, version: &str) {
        if let Ok(mut s) = self.snooze.lock() {
            *s = Some(Snooze::new(version, Utc::now()));
        }
    }

    /// Makes the schedule look again now (settings changed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    fn set_pending(&self, update: Option<Update>) {
        if let Ok(mut p) = self.pending.lock() {
            *p = update.map(|update| Pending {
                update,
                bytes: None,
            });
        }
    }

    fn pending_update(&self) -> Option<Update> {
        let pending = self.pending.lock().ok()?;
        pending.as_ref().map(|p| p.update.clone())
    }
}

/// The plugin, with the test key when a debug build is given one.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    let mut builder = tauri_plugin_updater::Builder::new();
    if let Some(pubkey) = overrides::from_env().and_then(|o| o.pubkey) {
        tracing::warn!("updates: the test public key is in use (debug build)");
        builder = builder.pubkey(pubkey);
    }
    builder.build()
}

/// The updater for `settings` (or the test endpoint of a debug build).
pub fn updater<R: Runtime>(
    app: &AppHandle<R>,
    settings: &UpdateSettings,
) -> Result<Updater, AppError> {
    let test = overrides::from_env();
    let endpoint = match test.and_then(|o| o.endpoint) {
        Some(url) => UpdateSettings {
            endpoint: url,
            ..settings.clone()
        }
        .endpoint_url(true),
        None => settings.endpoint_url(overrides::HONOURED),
    }
    .map_err(|e| AppError::new(ErrorCode::InputInvalid, e.to_string()))?;
    app.updater_builder()
        .endpoints(vec![endpoint])
        .and_then(|b| b.timeout(REQUEST_TIMEOUT).build())
        .map_err(refusal)
}

/// Asks the server whether a newer signed version exists; remembers it.
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    settings: &UpdateSettings,
) -> Result<Option<Offer>, AppError> {
    let found = updater(app, settings)?.check().await.map_err(refusal)?;
    let offer = found.as_ref().map(offer_of);
    app.state::<Updates>().set_pending(found);
    Ok(offer)
}

/// Downloads the offered version, reporting progress to `on_event`; the
/// plugin checks the signature and the signed version before keeping it.
pub async fn download<R: Runtime>(
    app: &AppHandle<R>,
    mut on_event: impl FnMut(DownloadEvent),
) -> Result<(), AppError> {
    let updates = app.state::<Updates>();
    let update = updates.pending_update().ok_or_else(nothing_offered)?;
    let mut started = false;
    let bytes = update
        .download(
            |chunk_length, content_length| {
                if !started {
                    started = true;
                    on_event(DownloadEvent::Started { content_length });
                }
                on_event(DownloadEvent::Progress { chunk_length });
            },
            || {},
        )
        .await
        .map_err(refusal)?;
    on_event(DownloadEvent::Finished);
    if let Ok(mut pending) = updates.pending.lock()
        && let Some(p) = pending
            .as_mut()
            .filter(|p| p.update.version == update.version)
    {
        p.bytes = Some(bytes);
    }
    Ok(())
}

/// Installs the downloaded version. Windows: `msiexec /i … /passive`, then
/// this process exits and the MSI starts the new version. Elsewhere: the
/// bytes are verified again and a marker is written to `marker_dir` (no
/// installer exists there); the caller then quits.
pub fn install<R: Runtime>(
    app: &AppHandle<R>,
    marker_dir: &std::path::Path,
) -> Result<(), AppError> {
    let updates = app.state::<Updates>();
    let (update, bytes) = {
        let pending = updates.pending.lock().map_err(|_| nothing_offered())?;
        let p = pending.as_ref().ok_or_else(nothing_offered)?;
        let bytes = p
            .bytes
            .clone()
            .ok_or_else(|| AppError::invalid("更新ファイルがまだダウンロードされていません。"))?;
        (p.update.clone(), bytes)
    };
    if cfg!(windows) {
        return update.install(bytes).map_err(refusal);
    }
    update.verify(&bytes).map_err(refusal)?;
    let marker = marker_dir.join(format!("update-installed-{}.txt", update.version));
    let text = format!(
        "version={}\nbytes={}\nsignature=verified\nfrom={}\n",
        update.version,
        bytes.len(),
        update.download_url
    );
    std::fs::create_dir_all(marker_dir)
        .and_then(|()| std::fs::write(&marker, text))
        .map_err(|e| AppError::new(ErrorCode::IoFailed, format!("更新の記録を書けません: {e}")))?;
    tracing::info!(version = %update.version, "update verified; marker written (no installer on this platform)");
    Ok(())
}

/// Looks for updates at start and then every N hours (settings re-read each
/// time; a settings change wakes it); tells the window about a new offer.
pub async fn schedule<R: Runtime>(app: AppHandle<R>) {
    let updates = app.state::<Updates>();
    loop {
        // The defaults while the database is not open (they check nothing).
        let current = match app.state::<crate::state::AppState>().app() {
            Ok(okusuri) => okusuri.update_settings().await.unwrap_or_default(),
            Err(_) => UpdateSettings::default(),
        };
        let interval = Duration::from_secs(u64::from(current.interval_hours) * 3600);
        let test = overrides::from_env().is_some_and(|o| o.endpoint.is_some());
        if current.checks() || test {
            match check(&app, &current).await {
                Ok(Some(offer)) => {
                    tracing::info!(version = %offer.version, "update offered");
                    if let Some(offer) = updates.offer() {
                        let _ = app.emit(OFFER_EVENT, &offer);
                    }
                }
                Ok(None) => tracing::info!("no update"),
                Err(e) => tracing::warn!("update check failed: {}", e.message),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = updates.wake.notified() => {}
        }
    }
}

fn offer_of(update: &Update) -> Offer {
    Offer {
        current_version: update.current_version.clone(),
        version: update.version.clone(),
        notes: update.body.clone().filter(|b| !b.trim().is_empty()),
        date: update
            .raw_json
            .get("pub_date")
            .and_then(|d| d.as_str())
            .map(str::to_owned),
    }
}

fn nothing_offered() -> AppError {
    AppError::not_found("提供されている更新はありません。")
}

/// The plugin's error as the sentence the window shows (its own text as detail).
pub fn refusal(e: tauri_plugin_updater::Error) -> AppError {
    use tauri_plugin_updater::Error as E;
    let (code, message) = match &e {
        E::Reqwest(_) | E::Network(_) | E::ReleaseNotFound | E::Io(_) => (
            ErrorCode::UpdateUnreachable,
            "更新サーバーに接続できないか、更新の情報を受け取れませんでした。時間をおいて再度お試しください。",
        ),
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => (
            ErrorCode::UpdateRefused,
            "更新ファイルの署名を確認できませんでした。更新は行われません。",
        ),
        E::SignedVersionMismatch { .. } | E::MissingSignedVersion => (
            ErrorCode::UpdateRefused,
            "更新ファイルに署名された版が案内と一致しません。更新は行われません。",
        ),
        E::TargetNotFound(_) | E::TargetsNotFound(_) => (
            ErrorCode::UpdateRefused,
            "この PC 向けの更新ファイルが案内にありません。",
        ),
        E::Serialization(_) | E::Semver(_) => (
            ErrorCode::UpdateRefused,
            "更新の情報を読めません（形式が違います）。",
        ),
        E::InsecureTransportProtocol | E::UrlParse(_) | E::EmptyEndpoints => (
            ErrorCode::InputInvalid,
            "更新の確認先が正しくありません（https:// で始まる URL が必要です）。",
        ),
        _ => (ErrorCode::UpdateRefused, "更新できませんでした。"),
    };
    AppError::new(code, message).with_detail(e.to_string())
}
