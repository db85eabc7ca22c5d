//! The commands the webview may call, one module per screen area. Each is a
//! line or two that calls a use case of `okusuri-app`; a command that takes
//! [`crate::state::Signed`] cannot run without a session. Errors reach the
//! window as `{code, message, detail?}` ([`okusuri_app::AppError`]).

#[macro_use]
mod list;

pub mod account;
pub mod app;
pub mod audit;
pub mod backup;
pub mod clinic;
pub mod counter;
pub mod doctor;
pub mod feed;
pub mod link;
pub mod lock;
pub mod merge;
pub mod notebook;
pub mod patient;
pub mod patient_list;
pub mod patient_qr;
pub mod prescribe;
pub mod settings;
pub mod staff;
pub mod update;

macro_rules! names {
    ($($module:ident::$name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Every command, in registration order.
pub const NAMES: &[&str] = command_list!(names);

/// The commands that must work without a session (`quit_app`: the tray's
/// 終了 confirmed in the window, which needs no sign-in, like 終了 itself;
/// it reads and changes no data).
pub const WITHOUT_SESSION: &[&str] = &["app_status", "set_up_facility", "sign_in", "quit_app"];

/// The `invoke` handler of every command in the list.
macro_rules! handler {
    ($($module:ident::$name:ident),* $(,)?) => {
        tauri::generate_handler![$($crate::commands::$module::$name),*]
    };
}

/// Registers every command of the list on `builder`.
pub fn register(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    builder.invoke_handler(command_list!(handler))
}
