//! Update figures: manifest check → offer, and download + signature check of
//! a large MSI-sized file from a server on 127.0.0.1 (the real plugin, the
//! real HTTP client, the real minisign check; no network between). Prints
//! milliseconds and MB/s. The server is plain HTTP, which only a build with
//! debug assertions accepts (a release refuses it, as it must):
//! `CARGO_PROFILE_RELEASE_MSI_DEBUG_ASSERTIONS=true cargo bench --profile release-msi -p okusuri-desk --bench update`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use okusuri_desk::updater::{self, Updates};
use okusuri_update::UpdateSettings;
use serde_json::json;
use tauri::test::{mock_builder, mock_context, noop_assets};

#[path = "../tests/support/mod.rs"]
mod support;
use support::{Keys, Reply, Server};

const SIZES_MB: [usize; 2] = [12, 48];
const ROUNDS: usize = 5;

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (server, keys) = (Server::start(), Keys::new());
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({ "pubkey": keys.pubkey(), "endpoints": [], "requireSignedVersion": true }),
    );
    let app = mock_builder()
        .plugin(updater::plugin())
        .manage(Updates::default())
        .build(context)
        .unwrap();
    let settings = UpdateSettings {
        endpoint: format!("{}/latest.json", server.base),
        ..UpdateSettings::default()
    };
    let platform = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
    for mb in SIZES_MB {
        let bytes: Vec<u8> = (0..mb * 1024 * 1024)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let manifest = json!({
            "version": "9.0.0",
            "platforms": { &platform: { "url": format!("{}/x.msi", server.base), "signature": keys.sign(&bytes, "9.0.0") } },
        });
        server.reply("/latest.json", Reply::ok(manifest.to_string()));
        server.reply("/x.msi", Reply::ok(bytes.clone()));
        let mut checks = Vec::new();
        let mut downloads = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let offer = rt
                .block_on(updater::check(app.handle(), &settings))
                .unwrap();
            checks.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(offer.is_some());
            let t = Instant::now();
            rt.block_on(updater::download(app.handle(), |_| {}))
                .unwrap();
            downloads.push(t.elapsed().as_secs_f64());
        }
        checks.sort_by(f64::total_cmp);
        downloads.sort_by(f64::total_cmp);
        let median = |v: &[f64]| v[v.len() / 2];
        println!(
            "{mb:>3} MB: check → offer median {:.1} ms; download + signature check median {:.0} ms = {:.0} MB/s (best {:.0} MB/s)",
            median(&checks),
            median(&downloads) * 1000.0,
            mb as f64 / median(&downloads),
            mb as f64 / downloads[0],
        );
    }
}
