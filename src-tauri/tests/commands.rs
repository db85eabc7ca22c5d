//! The window's commands come from one list (`src/commands/list.rs`): the
//! capability grants exactly those, `ui/src/shared/api.ts` calls exactly those, and
//! every command but the four that must run signed out takes the session.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use okusuri_desk::commands::{NAMES, WITHOUT_SESSION};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn listed() -> BTreeSet<String> {
    NAMES.iter().map(|n| n.to_string()).collect()
}

#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let text = std::fs::read_to_string(root().join("capabilities/main.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let granted: BTreeSet<String> = json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(granted, listed());
    let others: Vec<&str> = json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.starts_with("allow-"))
        .collect();
    assert_eq!(
        others,
        ["core:event:allow-listen", "core:event:allow-unlisten"],
        "nothing of Tauri's core but events"
    );
}

#[test]
fn the_ui_calls_exactly_the_listed_commands() {
    let api = std::fs::read_to_string(root().join("../ui/src/shared/api.ts")).unwrap();
    let called: BTreeSet<String> = api
        .split("call<")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find("(\"")? + 2;
            let end = rest[start..].find('"')? + start;
            Some(rest[start..end].to_string())
        })
        .collect();
    assert_eq!(called, listed());
}

#[test]
fn every_command_needs_a_session_except_the_four_that_must_not() {
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/commands")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for chunk in text.split("#[tauri::command]").skip(1) {
            let signature = &chunk[..chunk.find('{').unwrap()];
            let name = signature
                .split("fn ")
                .nth(1)
                .and_then(|s| s.split('(').next())
                .unwrap()
                .trim()
                .to_string();
            let signed = signature.contains(": Signed");
            let exempt = WITHOUT_SESSION.contains(&name.as_str());
            assert!(
                signed != exempt,
                "{name} in {}: takes Signed = {signed}, exempt = {exempt}",
                path.display()
            );
            seen.insert(name);
        }
    }
    assert_eq!(
        seen,
        listed(),
        "every command is in the list and defined once"
    );
    assert_eq!(
        WITHOUT_SESSION,
        ["app_status", "set_up_facility", "sign_in", "quit_app"]
    );
}
