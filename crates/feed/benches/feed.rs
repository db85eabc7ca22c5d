//! The folder feed's moments, on real files in a temporary folder:
//! - file closed → dispensing stored and the event emitted (event mode),
//! - a burst of 2,000 files (files/s),
//! - a folder of 100,000 already-known files: one rescan, and CPU while idle.
//!
//! Run: `cargo bench -p okusuri-feed --bench feed`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use okusuri_feed::{FeedEvent, FolderConfig, FolderFeed};
use okusuri_store::{DataDir, OpenOptions, Store};
use tokio::sync::{mpsc, watch};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn jahis(i: usize) -> String {
    format!(
        "JAHISTC08,1\r\n1,患者 {i:06},1,19800101,,,,,,,\r\n5,20261122,1\r\n\
         11,株式会社 工業会薬局 本店,13,4,1234567,,,,1\r\n\
         201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n301,1,1日1回朝食後,14,日分,1,1,,1\r\n\
         201,2,ロキソニン錠６０ｍｇ,1,錠,2,620098801,1\r\n301,2,疼痛時,10,回分,3,1,,1\r\n"
    )
}

async fn new_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir {
        path: dir.path().to_path_buf(),
        create_if_missing: false,
    };
    let store = Store::open_in(&data, OpenOptions::default()).await.unwrap();
    (dir, store)
}

fn start(
    config: FolderConfig,
    store: &Store,
) -> (mpsc::UnboundedReceiver<FeedEvent>, watch::Sender<bool>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (stop, stop_rx) = watch::channel(false);
    tokio::spawn(okusuri_feed::run(config, store.clone(), tx, stop_rx));
    (rx, stop)
}

async fn imported(rx: &mut mpsc::UnboundedReceiver<FeedEvent>) {
    while let Some(e) = rx.recv().await {
        if matches!(e, FeedEvent::Imported { .. }) {
            return;
        }
    }
}

fn cpu_time() -> Duration {
    // utime + stime of this process, in clock ticks (100 Hz on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields
        .get(11..13)
        .map(|f| f.iter().filter_map(|t| t.parse::<u64>().ok()).sum())
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn write(folder: &Path, name: &str, text: &str) {
    std::fs::write(folder.join(name), text).unwrap();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Latency: one file at a time.
    let (_d, store) = new_store().await;
    let folder = tempfile::tempdir().unwrap();
    let (mut rx, stop) = start(FolderConfig::jahis(folder.path()), &store);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut times = Vec::new();
    for i in 0..50 {
        let t = Instant::now();
        write(folder.path(), &format!("{i:04}.txt"), &jahis(i));
        imported(&mut rx).await;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "file closed → stored + event (event mode, 50 files): median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        times[25].as_secs_f64() * 1e3,
        times[45].as_secs_f64() * 1e3,
        times[49].as_secs_f64() * 1e3
    );
    let _ = stop.send(true);

    // Burst.
    let (_d, store) = new_store().await;
    let folder = tempfile::tempdir().unwrap();
    let (mut rx, stop) = start(FolderConfig::jahis(folder.path()), &store);
    tokio::time::sleep(Duration::from_millis(200)).await;
    const BURST: usize = 2_000;
    let t = Instant::now();
    let writer = {
        let path = folder.path().to_path_buf();
        std::thread::spawn(move || {
            for i in 0..BURST {
                write(&path, &format!("{i:05}.txt"), &jahis(i));
            }
        })
    };
    for _ in 0..BURST {
        imported(&mut rx).await;
    }
    writer.join().unwrap();
    let took = t.elapsed();
    println!(
        "burst: {BURST} files written and imported in {:.2} s = {:.0} files/s",
        took.as_secs_f64(),
        BURST as f64 / took.as_secs_f64()
    );
    let _ = stop.send(true);

    // 100,000 known files: rescan time and idle CPU.
    let (_d, store) = new_store().await;
    let folder = tempfile::tempdir().unwrap();
    for i in 0..100_000 {
        write(folder.path(), &format!("{i:06}.txt"), "x");
    }
    let config = FolderConfig {
        backlog_days: 0, // first setup: all of them are old, recorded as skipped
        ..FolderConfig::jahis(folder.path())
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut feed = FolderFeed::open(config.clone(), store.clone())
        .await
        .unwrap();
    let t = Instant::now();
    feed.full_scan(Utc::now()).await.unwrap();
    println!(
        "first scan of 100,000 files (recorded as too old): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let mut feed = FolderFeed::open(config.clone(), store.clone())
        .await
        .unwrap();
    let mut scans = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        feed.full_scan(Utc::now()).await.unwrap();
        scans.push(t.elapsed());
    }
    scans.sort();
    println!(
        "rescan of 100,000 known files: median {:.0} ms",
        scans[2].as_secs_f64() * 1e3
    );
    let (_rx, stop) = start(config, &store);
    tokio::time::sleep(Duration::from_secs(3)).await; // its first scan
    let cpu = cpu_time();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let used = cpu_time() - cpu;
    println!(
        "idle watching 100,000 files between rescans: {} ms CPU in 10 s ({:.2} %)",
        used.as_millis(),
        used.as_secs_f64() / 10.0 * 100.0
    );
    let _ = stop.send(true);
}
