//! The folder feed on real folders and files, with the real `notify`
//! watcher and a real SQLite store.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use okusuri_feed::{FeedEvent, FolderConfig, WatchMode};
use okusuri_store::{DataDir, OpenOptions, Store};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// A UTF-8 JAHIS document: one patient, `count` dispensings from `first` on.
fn jahis(name: &str, birth: &str, count: usize, first_day: u32) -> String {
    let mut lines = vec![
        "JAHISTC08,1".to_string(),
        format!("1,{name},1,{birth},,,,,,,"),
    ];
    for i in 0..count {
        lines.push(format!("5,202610{:02},1", first_day + i as u32));
        lines.push("11,株式会社 工業会薬局 本店,13,4,1234567,,,,1".into());
        lines.push(format!(
            "201,1,アムロジピン錠{}mg,1,錠,2,612170709,1",
            i + 1
        ));
        lines.push("301,1,1日1回朝食後,14,日分,1,1,,1".into());
    }
    lines.join("\r\n") + "\r\n"
}

struct Harness {
    _data: tempfile::TempDir,
    folder: tempfile::TempDir,
    store: Store,
    events: mpsc::UnboundedReceiver<FeedEvent>,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), okusuri_feed::FeedError>>,
}

async fn store_in(dir: &Path) -> Store {
    let data = DataDir {
        path: dir.to_path_buf(),
        create_if_missing: false,
    };
    Store::open_in(&data, OpenOptions::default()).await.unwrap()
}

fn config(folder: &Path) -> FolderConfig {
    FolderConfig {
        rescan_secs: 1,
        settle_ms: 5_000,
        ..FolderConfig::jahis(folder)
    }
}

async fn start(adjust: impl FnOnce(&mut FolderConfig)) -> Harness {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = store_in(data.path()).await;
    let mut cfg = config(folder.path());
    adjust(&mut cfg);
    let (tx, events) = mpsc::unbounded_channel();
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(okusuri_feed::run(cfg, store.clone(), tx, stop_rx));
    let mut h = Harness {
        _data: data,
        folder,
        store,
        events,
        stop,
        task,
    };
    // The first status says the folder is being watched.
    h.next(|e| matches!(e, FeedEvent::Status(s) if s.connected))
        .await;
    h
}

impl Harness {
    fn path(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    /// The next event matching `want`, skipping others; fails after 10 s.
    async fn next(&mut self, want: impl Fn(&FeedEvent) -> bool) -> FeedEvent {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(e)) if want(&e) => return e,
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the feed stopped: {:?}", (&mut self.task).await),
                Err(_) => panic!("no matching event within 10 s"),
            }
        }
    }

    /// Every event that arrives within `quiet`.
    async fn drain(&mut self, quiet: Duration) -> Vec<FeedEvent> {
        let mut out = Vec::new();
        while let Ok(Some(e)) = tokio::time::timeout(quiet, self.events.recv()).await {
            out.push(e);
        }
        out
    }

    async fn dispensings(&self) -> i64 {
        let url = format!("sqlite://{}", self.store.path().display());
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM dispensing")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        self.task.await.unwrap().unwrap();
    }
}

fn imported(e: &FeedEvent) -> bool {
    matches!(e, FeedEvent::Imported { .. })
}

fn added(e: &FeedEvent) -> usize {
    match e {
        FeedEvent::Imported {
            dispensings_added, ..
        } => *dispensings_added,
        other => panic!("not an import: {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_file_is_imported_once_and_a_touch_changes_nothing() {
    let mut h = start(|_| {}).await;
    h.write("000123_a.txt", &jahis("山田 太郎", "19800101", 2, 1));
    let e = h.next(imported).await;
    assert_eq!(added(&e), 2);
    // Same content under another name: nothing new. Rewritten identically: not re-read.
    h.write("copy.txt", &jahis("山田 太郎", "19800101", 2, 1));
    assert_eq!(added(&h.next(imported).await), 0);
    h.write("000123_a.txt", &jahis("山田 太郎", "19800101", 2, 1));
    let later = h.drain(Duration::from_millis(1500)).await;
    assert!(
        later.iter().all(|e| !imported(e) || added(e) == 0),
        "{later:?}"
    );
    // Rewritten with one more dispensing: that one is added.
    h.write("000123_a.txt", &jahis("山田 太郎", "19800101", 3, 1));
    assert_eq!(added(&h.next(imported).await), 1);
    assert_eq!(h.dispensings().await, 3);
    h.stop().await;
}

#[tokio::test]
async fn a_half_written_file_is_imported_once_when_complete() {
    let mut h = start(|_| {}).await;
    let text = jahis("佐藤 花子", "19700505", 4, 1);
    // Cut in the middle of a line and of a character: the worst moment to read.
    let (first, rest) = text.as_bytes().split_at(text.len() / 2 + 1);
    let mut file = std::fs::File::create(h.path("half.txt")).unwrap();
    file.write_all(first).unwrap();
    file.flush().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await; // rescans happen meanwhile
    file.write_all(rest).unwrap();
    drop(file);
    let e = h.next(imported).await;
    assert_eq!(added(&e), 4);
    let more = h.drain(Duration::from_millis(1500)).await;
    assert!(
        !more
            .iter()
            .any(|e| matches!(e, FeedEvent::Failed { .. }) || imported(e)),
        "{more:?}"
    );
    assert_eq!(h.dispensings().await, 4);
    h.stop().await;
}

#[tokio::test]
async fn temp_then_rename_is_read_only_under_its_final_name() {
    let mut h = start(|_| {}).await;
    h.write("rx.tmp", &jahis("山田 太郎", "19800101", 1, 5));
    std::fs::rename(h.path("rx.tmp"), h.path("rx.txt")).unwrap();
    match h.next(imported).await {
        FeedEvent::Imported { file, .. } => assert_eq!(file, "rx.txt"),
        other => panic!("{other:?}"),
    }
    h.stop().await;
}

#[tokio::test]
async fn a_corrupt_file_is_listed_and_retried_only_when_it_changes() {
    let mut h = start(|_| {}).await;
    h.write("good1.txt", &jahis("山田 太郎", "19800101", 1, 1));
    h.write("broken.txt", "これはJAHISではありません\r\n");
    h.write("good2.txt", &jahis("佐藤 花子", "19700505", 1, 2));
    let failed = h.next(|e| matches!(e, FeedEvent::Failed { .. })).await;
    let FeedEvent::Failed { file, reason, .. } = failed else {
        unreachable!()
    };
    assert_eq!(file, "broken.txt");
    assert!(reason.contains("JAHIS"), "{reason}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(h.dispensings().await, 2, "the good files flowed");
    let errors = h.store.feed_errors(10).await.unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].name, "broken.txt");
    assert_eq!(errors[0].error, reason);
    // Rescans do not retry it…
    let again = h.drain(Duration::from_millis(2500)).await;
    assert!(
        !again.iter().any(|e| matches!(e, FeedEvent::Failed { .. })),
        "{again:?}"
    );
    // …a corrected file is imported.
    h.write("broken.txt", &jahis("鈴木 一郎", "19600101", 1, 3));
    h.next(imported).await;
    assert!(h.store.feed_errors(10).await.unwrap().is_empty());
    assert_eq!(h.dispensings().await, 3);
    h.stop().await;
}

#[tokio::test]
async fn a_removed_folder_is_an_error_state_until_it_is_back() {
    let mut h = start(|_| {}).await;
    h.write("a.txt", &jahis("山田 太郎", "19800101", 1, 1));
    h.next(imported).await;
    std::fs::remove_dir_all(h.folder.path()).unwrap();
    let down = h
        .next(|e| matches!(e, FeedEvent::Status(s) if !s.connected))
        .await;
    let FeedEvent::Status(s) = down else {
        unreachable!()
    };
    assert_eq!(s.reason.as_deref(), Some("見つかりません"));
    assert!(s.since.is_some());
    std::fs::create_dir(h.folder.path()).unwrap();
    h.next(|e| matches!(e, FeedEvent::Status(s) if s.connected))
        .await;
    h.write("b.txt", &jahis("佐藤 花子", "19700505", 1, 2));
    h.next(imported).await;
    assert_eq!(h.dispensings().await, 2, "what was stored is intact");
    h.stop().await;
}

#[tokio::test]
async fn polling_mode_finds_files_by_rescanning() {
    let mut h = start(|c| {
        c.mode = WatchMode::Polling;
        c.settle_ms = 300;
    })
    .await;
    h.write("p.txt", &jahis("山田 太郎", "19800101", 2, 1));
    // No OS events: found by the next rescan (every second) once settled.
    assert_eq!(added(&h.next(imported).await), 2);
    h.stop().await;
}

#[tokio::test]
async fn a_burst_of_a_thousand_files_is_stored_exactly_once() {
    let mut h = start(|_| {}).await;
    for i in 0..1000 {
        h.write(
            &format!("{i:04}.txt"),
            &jahis(&format!("患者 {i:04}"), "19800101", 1, 1 + (i % 20) as u32),
        );
    }
    let mut count = 0;
    while count < 1000 {
        h.next(imported).await;
        count += 1;
    }
    assert_eq!(h.dispensings().await, 1000);
    h.stop().await;
}

#[tokio::test]
async fn files_written_while_closed_are_imported_at_start_and_old_ones_skipped() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = store_in(data.path()).await;
    std::fs::write(
        folder.path().join("new.txt"),
        jahis("山田 太郎", "19800101", 1, 1),
    )
    .unwrap();
    let old = folder.path().join("old.txt");
    std::fs::write(&old, jahis("佐藤 花子", "19700505", 1, 2)).unwrap();
    let ten_days_ago = std::time::SystemTime::now() - Duration::from_secs(10 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(ten_days_ago)
        .unwrap();
    let cfg = FolderConfig {
        settle_ms: 200,
        ..FolderConfig::jahis(folder.path())
    };
    let events = okusuri_feed::run_once(cfg.clone(), store.clone())
        .await
        .unwrap();
    let files: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            FeedEvent::Imported { file, .. } => Some(file.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        files,
        vec!["new.txt"],
        "older than the 7-day backlog: skipped"
    );
    // Later, while closed, another file arrives: imported at the next start.
    std::fs::write(
        folder.path().join("next.txt"),
        jahis("鈴木 一郎", "19600101", 1, 3),
    )
    .unwrap();
    let events = okusuri_feed::run_once(cfg, store).await.unwrap();
    assert_eq!(events.iter().filter(|e| imported(e)).count(), 1);
}

#[tokio::test]
async fn nsips_files_are_read_through_the_profile_and_link_the_receipt_id() {
    let profile = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/example.toml");
    let mut h = start(|c| {
        c.format = okusuri_feed::Format::Nsips { profile };
    })
    .await;
    h.store
        .set_facility_codes(
            &okusuri_store::Actor::system("test"),
            &okusuri_store::FacilityCodes {
                prefecture: "13".into(),
                table: "4".into(),
                code: "1234567".into(),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let text = "H,000123,山田 太郎,ヤマダ タロウ,M,19800101,20261122\r\n\
                D,1,620000001,アムロジピン錠５ｍｇ,1,錠,1日1回朝食後,14,日分,1\r\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    std::fs::write(h.path("rx0001.csv"), &sjis).unwrap();
    let FeedEvent::Imported { patient_id, .. } = h.next(imported).await else {
        unreachable!()
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let patient = h.store.patient(patient_id, today).await.unwrap().unwrap();
    assert_eq!(patient.kana, "ヤマダ タロウ");
    assert!(
        patient.auto_registration,
        "linked to the receipt computer's ID"
    );
    let page = h
        .store
        .history(
            patient_id,
            okusuri_store::HistoryFilter::This,
            None,
            1,
            today,
        )
        .await
        .unwrap();
    assert_eq!(
        page.dispensings.len(),
        1,
        "the receipt computer's dispensing is this facility's"
    );
    // The next dispensing for 000123, even with the name spelt otherwise, lands on the same patient.
    let next = "H,000123,山田 太朗,ヤマダ タロウ,M,19800101,20261123\r\n\
                D,1,620000001,アムロジピン錠５ｍｇ,1,錠,1日1回朝食後,14,日分,1\r\n";
    std::fs::write(h.path("rx0002.csv"), encoding_rs::SHIFT_JIS.encode(next).0).unwrap();
    let FeedEvent::Imported {
        patient_id: again, ..
    } = h.next(imported).await
    else {
        unreachable!()
    };
    assert_eq!(again, patient_id);
    h.stop().await;
}

#[tokio::test]
async fn a_profile_with_a_mistake_stops_the_folder_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("site.toml");
    std::fs::write(
        &profile,
        "name = \"x\"\nencoding = \"shift_jis\"\ndelimiter = \",,\"\n",
    )
    .unwrap();
    let store = store_in(dir.path()).await;
    let cfg = FolderConfig {
        format: okusuri_feed::Format::Nsips {
            profile: profile.clone(),
        },
        ..FolderConfig::jahis(dir.path())
    };
    let Err(err) = okusuri_feed::run_once(cfg, store).await else {
        panic!("a bad profile must stop the folder")
    };
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "レイアウトプロファイル {} に誤りがあります。",
            profile.display()
        )),
        "{text}"
    );
    assert!(text.contains("行目: 必須のキー"), "{text}");
}
