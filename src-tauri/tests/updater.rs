//! The updater against a real HTTP server on 127.0.0.1 and a key pair made
//! here (the format `tauri signer` writes): newer, same, older, 204, 500,
//! unreachable, a missing platform, tampered bytes, a signed version that
//! differs from the manifest's, and a slow download whose progress adds up.
//! The app is Tauri's mock app with the real plugin and our `updater` module.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::TcpListener;
use std::time::Duration;

use okusuri_app::ErrorCode;
use okusuri_desk::updater::{self, DownloadEvent, Updates};
use okusuri_update::UpdateSettings;
use serde_json::json;
use tauri::Manager;
use tauri::test::{MockRuntime, mock_builder, mock_context, noop_assets};

mod support;
use support::{Keys, Reply, Server};

/// The platform key this machine looks up (`{os}-{arch}`).
fn platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

fn app(keys: &Keys) -> tauri::App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({ "pubkey": keys.pubkey(), "endpoints": [], "requireSignedVersion": true }),
    );
    mock_builder()
        .plugin(updater::plugin())
        .manage(Updates::default())
        .build(context)
        .unwrap()
}

fn settings(server: &Server) -> UpdateSettings {
    UpdateSettings {
        enabled: true,
        endpoint: format!("{}/latest.json?v={{{{current_version}}}}", server.base),
        interval_hours: 6,
    }
}

/// A manifest offering `bytes` as `version`, signed for `signed_version`.
fn publish(server: &Server, keys: &Keys, version: &str, signed_version: &str, bytes: &[u8]) {
    let signature = keys.sign(bytes, signed_version);
    let manifest = json!({
        "version": version,
        "notes": "### Fixed\n- 印刷の不具合",
        "pub_date": "2026-12-04T01:00:00Z",
        "platforms": { platform(): { "url": format!("{}/okusuri.msi", server.base), "signature": signature } },
    });
    server.reply("/latest.json", Reply::ok(manifest.to_string()));
}

fn artifact() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_newer_signed_version_is_offered_with_its_notes_and_the_current_version_is_sent() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    publish(&server, &keys, "0.2.0", "0.2.0", &artifact());
    let offer = updater::check(app.handle(), &settings(&server))
        .await
        .unwrap()
        .expect("offered");
    assert_eq!(offer.version, "0.2.0");
    assert_eq!(offer.current_version, "0.1.0");
    assert_eq!(offer.notes.as_deref(), Some("### Fixed\n- 印刷の不具合"));
    assert_eq!(offer.date.as_deref(), Some("2026-12-04T01:00:00Z"));
    assert_eq!(server.asked(), ["/latest.json?v=0.1.0"]);
    let updates = app.state::<Updates>();
    assert_eq!(updates.offer(), Some(offer.clone()));
    updates.later("0.2.0");
    assert_eq!(updates.offer(), None, "後で puts it aside");
    assert_eq!(updates.offered_version().as_deref(), Some("0.2.0"));
}

#[tokio::test]
async fn the_same_or_an_older_version_or_204_offers_nothing() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    for version in ["0.1.0", "0.0.9"] {
        publish(&server, &keys, version, version, &artifact());
        let found = updater::check(app.handle(), &settings(&server)).await;
        assert_eq!(found.unwrap(), None, "{version}");
    }
    server.reply("/latest.json", Reply::status(204));
    assert_eq!(
        updater::check(app.handle(), &settings(&server))
            .await
            .unwrap(),
        None
    );
    assert_eq!(app.state::<Updates>().offer(), None);
}

#[tokio::test]
async fn a_server_error_or_no_server_is_unreachable() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    server.reply("/latest.json", Reply::status(500));
    let e = updater::check(app.handle(), &settings(&server))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UpdateUnreachable);
    assert!(
        e.message.starts_with("更新サーバーに接続できない"),
        "{}",
        e.message
    );
    // A port nobody listens on.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/latest.json", closed.local_addr().unwrap());
    drop(closed);
    let s = UpdateSettings {
        endpoint,
        ..UpdateSettings::default()
    };
    let e = updater::check(app.handle(), &s).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::UpdateUnreachable);
}

#[tokio::test]
async fn a_manifest_without_this_platform_is_refused() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    let manifest = json!({
        "version": "0.2.0",
        "platforms": { "darwin-aarch64": { "url": format!("{}/x", server.base), "signature": "x" } },
    });
    server.reply("/latest.json", Reply::ok(manifest.to_string()));
    let e = updater::check(app.handle(), &settings(&server))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UpdateRefused);
    assert_eq!(e.message, "この PC 向けの更新ファイルが案内にありません。");
}

#[tokio::test]
async fn a_slow_download_reports_progress_that_adds_up_and_installs_the_verified_bytes() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    let bytes = artifact();
    publish(&server, &keys, "0.2.0", "0.2.0", &bytes);
    server.reply(
        "/okusuri.msi",
        Reply {
            pieces: 8,
            pause: Duration::from_millis(30),
            ..Reply::ok(bytes.clone())
        },
    );
    updater::check(app.handle(), &settings(&server))
        .await
        .unwrap();
    let mut events = Vec::new();
    updater::download(app.handle(), |e| events.push(e))
        .await
        .unwrap();
    assert_eq!(
        events.first(),
        Some(&DownloadEvent::Started {
            content_length: Some(bytes.len() as u64)
        })
    );
    assert_eq!(events.last(), Some(&DownloadEvent::Finished));
    let finished = events
        .iter()
        .filter(|e| **e == DownloadEvent::Finished)
        .count();
    assert_eq!(finished, 1);
    let chunks: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            DownloadEvent::Progress { chunk_length } => Some(*chunk_length),
            _ => None,
        })
        .collect();
    assert!(chunks.len() >= 2, "arrived in pieces: {chunks:?}");
    assert_eq!(chunks.iter().sum::<usize>(), bytes.len());
    let dir = tempfile::tempdir().unwrap();
    updater::install(app.handle(), dir.path()).unwrap();
    let marker = std::fs::read_to_string(dir.path().join("update-installed-0.2.0.txt")).unwrap();
    assert!(
        marker.contains(&format!("bytes={}", bytes.len())),
        "{marker}"
    );
    assert!(marker.contains("signature=verified"));
}

#[tokio::test]
async fn tampered_bytes_are_refused_and_nothing_is_installed() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    let bytes = artifact();
    publish(&server, &keys, "0.2.0", "0.2.0", &bytes);
    let mut tampered = bytes.clone();
    tampered[1000] ^= 0xff;
    server.reply("/okusuri.msi", Reply::ok(tampered));
    updater::check(app.handle(), &settings(&server))
        .await
        .unwrap();
    let e = updater::download(app.handle(), |_| {}).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::UpdateRefused);
    assert_eq!(
        e.message,
        "更新ファイルの署名を確認できませんでした。更新は行われません。"
    );
    let dir = tempfile::tempdir().unwrap();
    let e = updater::install(app.handle(), dir.path()).unwrap_err();
    assert_eq!(e.message, "更新ファイルがまだダウンロードされていません。");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing installed"
    );
}

#[tokio::test]
async fn a_signature_for_another_version_or_another_key_is_refused() {
    let (server, keys) = (Server::start(), Keys::new());
    let app = app(&keys);
    let bytes = artifact();
    server.reply("/okusuri.msi", Reply::ok(bytes.clone()));
    // An old genuine release announced as a new one (a downgrade attack).
    publish(&server, &keys, "0.3.0", "0.0.5", &bytes);
    updater::check(app.handle(), &settings(&server))
        .await
        .unwrap();
    let e = updater::download(app.handle(), |_| {}).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::UpdateRefused);
    assert!(
        e.message.contains("署名された版が案内と一致しません"),
        "{}",
        e.message
    );
    // Signed with a key the app does not trust.
    publish(&server, &Keys::new(), "0.3.0", "0.3.0", &bytes);
    updater::check(app.handle(), &settings(&server))
        .await
        .unwrap();
    let e = updater::download(app.handle(), |_| {}).await.unwrap_err();
    assert_eq!(
        e.message,
        "更新ファイルの署名を確認できませんでした。更新は行われません。"
    );
}
