//! The commands the webview may call, one module per screen area. Each is a
//! few lines that call a crate; errors are the Japanese message to show.

pub mod account;
pub mod app;
pub mod counter;
pub mod feed;
pub mod link;
pub mod merge;
pub mod notebook;
pub mod patient;
pub mod patient_list;
pub mod patient_qr;
pub mod settings;
