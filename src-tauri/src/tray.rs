//! The tray icon (D2): applies `okusuri_app::tray::tray_view` — the icon
//! (the app's icon, with an amber or red dot), the title (Linux label), the
//! tooltip (Windows) and the menu's status rows — every few seconds, and
//! handles 表示 and 終了 (終了 asks the window to confirm while requests to the
//! OQS terminal wait). Closing the window hides it here instead of quitting.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use okusuri_app::clinic::EpsStatus;
use okusuri_app::tray::{TrayIcon, TrayInput, TrayView, tray_view};
use serde::Serialize;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// How often the tray looks at the app's state.
const REFRESH: Duration = Duration::from_secs(2);
/// How often the OQS terminal's folders are checked (a test file each time).
const OQS_REFRESH: Duration = Duration::from_secs(60);
const TRAY_ID: &str = "main";

/// What the tray last showed, and the OQS terminal's last checked state.
#[derive(Default)]
pub struct TrayState {
    shown: Mutex<Option<TrayView>>,
    oqs: Mutex<Option<(Instant, Result<EpsStatus, String>)>>,
}

/// Sent to the window when 終了 needs a confirmation.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct QuitRequest {
    /// Requests written to the terminal and still waiting for an answer.
    pub waiting: i64,
}

/// `rgba` (width `w`) with a dot of `color` and a white ring at its lower right.
pub fn with_dot(mut rgba: Vec<u8>, w: u32, h: u32, color: [u8; 3]) -> Vec<u8> {
    let (cx, cy) = (w as f32 * 0.74, h as f32 * 0.74);
    let r = w.min(h) as f32 * 0.25;
    for y in 0..h {
        for x in 0..w {
            let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
            let px = ((y * w + x) * 4) as usize;
            let Some(pixel) = rgba.get_mut(px..px + 4) else {
                continue;
            };
            if d <= r - 1.5 {
                pixel.copy_from_slice(&[color[0], color[1], color[2], 255]);
            } else if d <= r {
                pixel.copy_from_slice(&[255, 255, 255, 255]);
            }
        }
    }
    rgba
}

fn icon_for(app: &AppHandle, icon: TrayIcon) -> Option<Image<'static>> {
    let base = app.default_window_icon()?;
    let (w, h) = (base.width(), base.height());
    let rgba = base.rgba().to_vec();
    let rgba = match icon {
        TrayIcon::Normal => rgba,
        TrayIcon::Warn => with_dot(rgba, w, h, [0xf0, 0xa0, 0x00]),
        TrayIcon::Error => with_dot(rgba, w, h, [0xc6, 0x28, 0x28]),
    };
    Some(Image::new_owned(rgba, w, h))
}

fn menu_for(app: &AppHandle, view: &TrayView) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    for row in &view.rows {
        let item = MenuItem::with_id(
            app,
            format!("row-{}", row.key),
            &row.text,
            false,
            None::<&str>,
        )?;
        menu.append(&item)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, "show", "表示", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, "quit", "終了", true, None::<&str>)?)?;
    Ok(menu)
}

/// What the tray is told now.
async fn gather(app: &AppHandle) -> TrayInput {
    let state = app.state::<AppState>();
    let tray = app.state::<TrayState>();
    let Ok(okusuri) = state.app() else {
        return TrayInput::default();
    };
    let kind = okusuri
        .store()
        .facility()
        .await
        .ok()
        .flatten()
        .map(|f| f.kind);
    let mut input = TrayInput {
        kind,
        reader: Some(state.counter.status()),
        folders: state.feed.statuses(),
        update: app
            .try_state::<crate::updater::Updates>()
            .and_then(|u| u.offered_version()),
        ..TrayInput::default()
    };
    if kind == Some(okusuri_store::FacilityKind::Clinic) {
        let cached = tray
            .oqs
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .filter(|(at, _)| at.elapsed() < OQS_REFRESH);
        let oqs = match cached {
            Some((_, oqs)) => oqs,
            None => {
                let oqs = okusuri.eps_link_status().await.map_err(|e| e.message);
                if let Ok(mut c) = tray.oqs.lock() {
                    *c = Some((Instant::now(), oqs.clone()));
                }
                oqs
            }
        };
        input.oqs = Some(oqs);
        if let Some(session) = state.session() {
            input.doctor = okusuri.doctor_auth(&session).await.ok().flatten();
        }
    }
    input
}

/// Shows `view` if it differs from what is shown.
fn apply(app: &AppHandle, view: TrayView) {
    let tray_state = app.state::<TrayState>();
    let Ok(mut shown) = tray_state.shown.lock() else {
        return;
    };
    if shown.as_ref() == Some(&view) {
        return;
    }
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    if shown.as_ref().map(|s| s.icon) != Some(view.icon)
        && let Err(e) = tray.set_icon(icon_for(app, view.icon))
    {
        tracing::warn!("tray icon not set: {e}");
    }
    let _ = tray.set_title(Some(&view.title));
    let _ = tray.set_tooltip(Some(&view.tooltip));
    match menu_for(app, &view) {
        Ok(menu) => {
            if let Err(e) = tray.set_menu(Some(menu)) {
                tracing::warn!("tray menu not set: {e}");
            }
        }
        Err(e) => tracing::warn!("tray menu not made: {e}"),
    }
    *shown = Some(view);
}

/// Looks at the state now and shows it (also called after a change the user made).
pub async fn refresh(app: &AppHandle) {
    let view = tray_view(&gather(app).await, chrono::Utc::now());
    apply(app, view);
}

/// Asks the terminal's folders again at the next refresh (settings saved).
pub fn forget_oqs(app: &AppHandle) {
    if let Ok(mut c) = app.state::<TrayState>().oqs.lock() {
        *c = None;
    }
}

/// 終了: at once, unless requests to the terminal wait — then the window asks.
fn quit(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let waiting = match state.app() {
            Ok(okusuri) => okusuri
                .store()
                .journal_summary()
                .await
                .map(|s| s.waiting)
                .unwrap_or(0),
            Err(_) => 0,
        };
        if waiting > 0 {
            crate::focus_main_window(&app);
            if let Err(e) = app.emit("quit-requested", QuitRequest { waiting }) {
                tracing::warn!("quit request not delivered: {e}");
            }
        } else {
            app.exit(0);
        }
    });
}

/// Puts the icon in the tray and keeps it current.
pub fn install(app: &AppHandle) -> tauri::Result<()> {
    app.manage(TrayState::default());
    let first = tray_view(&TrayInput::default(), chrono::Utc::now());
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .title("おくすりデスク")
        .tooltip("おくすりデスク")
        .menu(&menu_for(app, &first)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "show" => crate::focus_main_window(app),
            "quit" => quit(app),
            _ => {}
        });
    if let Some(icon) = icon_for(app, TrayIcon::Normal) {
        builder = builder.icon(icon);
    }
    builder.build(app)?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            refresh(&app).await;
            tokio::time::sleep(REFRESH).await;
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_is_drawn_at_the_lower_right_only() {
        let (w, h) = (32, 32);
        let rgba = with_dot(vec![0; (w * h * 4) as usize], w, h, [200, 40, 40]);
        let at = |x: u32, y: u32| {
            let i = ((y * w + x) * 4) as usize;
            [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
        };
        assert_eq!(at(24, 24), [200, 40, 40, 255]);
        assert_eq!(at(4, 4), [0, 0, 0, 0]);
    }
}
