//! Generates the permission set for our own commands from the one command
//! list (`src/commands/list.rs`): each must be granted in `capabilities/` or
//! the webview cannot call it.

include!("src/commands/list.rs");

macro_rules! names {
    ($($module:ident::$name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

fn main() {
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    let commands: &[&str] = command_list!(names);
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
