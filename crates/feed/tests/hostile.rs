//! The folder feed against a hostile receipt computer: real files in real
//! folders, the real feed and a real SQLite store. For every broken file:
//! the message staff see in 取込エラー, and a checksum of everything stored
//! before and after showing that nothing changed except the good files that
//! arrived beside it. The feed keeps running throughout. A file the feed
//! may not read is in `crates/cli/tests/feed.rs` (run as `nobody` there,
//! since root reads every file), with the SIGKILL test.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use okusuri_feed::{FeedEvent, FolderConfig};
use okusuri_store::{Actor, DataDir, OpenOptions, Store};
use sha2::{Digest, Sha256};
use sqlx::Connection;

/// A CP932 JAHIS document: one patient, `days` dispensings (one drug each),
/// every line ended by CR LF.
fn jahis_text(name: &str, days: &[u32]) -> String {
    let mut text = format!("JAHISTC08,1\r\n1,{name},1,19800101\r\n");
    for day in days {
        text.push_str(&format!(
            "5,202611{day:02},1\r\n11,工業会薬局,13,4,1234567,,,,1\r\n\
             201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n301,1,1日1回朝食後,14,日分,1,1,,1\r\n"
        ));
    }
    text
}

fn sjis(text: &str) -> Vec<u8> {
    okusuri_jahis::text::encode_cp932(text).unwrap()
}

struct Bench {
    _data: tempfile::TempDir,
    data: PathBuf,
    folder: tempfile::TempDir,
    store: Store,
}

impl Bench {
    async fn new() -> Bench {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open_in(
            &DataDir {
                path: data.path().to_path_buf(),
                create_if_missing: false,
            },
            OpenOptions::default(),
        )
        .await
        .unwrap();
        Bench {
            data: data.path().to_path_buf(),
            _data: data,
            folder: tempfile::tempdir().unwrap(),
            store,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).unwrap();
    }

    fn config(&self) -> FolderConfig {
        FolderConfig {
            settle_ms: 200,
            rescan_secs: 1,
            ..FolderConfig::jahis(self.folder.path())
        }
    }

    /// One pass of the feed (`okusuri feed run --once`): file → its outcome.
    async fn feed_once(&self) -> BTreeMap<String, Result<usize, String>> {
        let events = okusuri_feed::run_once(self.config(), self.store.clone())
            .await
            .unwrap();
        let mut out = BTreeMap::new();
        for e in events {
            match e {
                FeedEvent::Imported {
                    file,
                    dispensings_added,
                    ..
                } => {
                    out.insert(file, Ok(dispensings_added));
                }
                FeedEvent::Failed { file, reason, .. } => {
                    out.insert(file, Err(reason));
                }
                FeedEvent::Status(_) => {}
            }
        }
        out
    }

    /// A checksum of every stored patient, dispensing and drug line, leaving
    /// out the patients named in `except` (the good files of a round).
    async fn checksum(&self, except: &[&str]) -> String {
        let url = format!("sqlite://{}", self.data.join("okusuri.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT p.name || '|' || p.kana || '|' || p.sex || '|' || COALESCE(p.birth_date, '') || '|' ||
                    COALESCE(d.identity, '') || '|' || COALESCE(d.dispensed_on, '') || '|' ||
                    COALESCE(d.warnings, '') || '|' || COALESCE(g.name, '') || '|' || COALESCE(g.dose, '')
             FROM patient p LEFT JOIN dispensing d ON d.patient_id = p.id
             LEFT JOIN rp r ON r.dispensing_id = d.id LEFT JOIN drug g ON g.rp_id = r.id
             ORDER BY p.id, d.id, r.id, g.id",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut hash = Sha256::new();
        for (row,) in rows {
            if !except
                .iter()
                .any(|name| row.starts_with(&format!("{name}|")))
            {
                hash.update(row.as_bytes());
                hash.update(b"\n");
            }
        }
        format!("{:x}", hash.finalize())
    }

    /// How many dispensings, and how many without any drug, a patient has.
    async fn dispensings_of(&self, name: &str) -> (i64, i64) {
        let url = format!("sqlite://{}", self.data.join("okusuri.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_as(
            "SELECT count(*), coalesce(sum(NOT EXISTS (SELECT 1 FROM rp r JOIN drug g ON g.rp_id = r.id
                                                  WHERE r.dispensing_id = d.id)), 0)
             FROM dispensing d JOIN patient p ON p.id = d.patient_id WHERE p.name = ?",
        )
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap()
    }
}

/// Asserts a file was refused with a message containing every part.
fn refused(outcome: &BTreeMap<String, Result<usize, String>>, file: &str, parts: &[&str]) {
    let Some(Err(message)) = outcome.get(file) else {
        panic!("{file}: expected a refusal, got {:?}", outcome.get(file));
    };
    for part in parts {
        assert!(message.contains(part), "{file}: {message:?} lacks {part:?}");
    }
    println!("{file}: {message}");
}

#[tokio::test]
async fn broken_files_are_refused_whole_and_good_files_beside_them_land() {
    let bench = Bench::new().await;
    // 300 good files first, as a pharmacy's history.
    for i in 0..300 {
        bench.write(
            &format!("{i:06}_base.txt"),
            &sjis(&jahis_text(&format!("患者 {i}"), &[1 + (i % 28) as u32])),
        );
    }
    let first = bench.feed_once().await;
    assert_eq!(first.values().filter(|r| r.is_ok()).count(), 300);
    let before = bench.checksum(&[]).await;
    // The limit the hardening settings share: it can only be lowered (a
    // higher one would break the memory bound), here to 1 MiB.
    let key = okusuri_store::settings::IMPORT_MAX_BYTES_KEY;
    let set = |value: &'static str| {
        let store = bench.store.clone();
        async move {
            store
                .set_setting(&Actor::system("テスト"), key, value, chrono::Utc::now())
                .await
                .unwrap();
        }
    };
    set("104857600").await;
    assert_eq!(
        bench.store.import_max_bytes().await.unwrap(),
        2 * 1024 * 1024
    );
    bench
        .store
        .set_setting(
            &Actor::system("テスト"),
            okusuri_store::settings::IMPORT_MAX_BYTES_KEY,
            "1048576",
            chrono::Utc::now(),
        )
        .await
        .unwrap();

    let good = jahis_text("良い 患者", &[2]);
    bench.write("good.txt", &sjis(&good));
    // A huge 氏名 with 性別 and 生年月日 empty, under the size limit…
    let huge_name = format!("JAHISTC08,1\r\n1,{},,\r\n", "山".repeat(300_000));
    bench.write("huge_name.txt", &sjis(&huge_name));
    // …and a file over it (refused before it is read).
    bench.write("too_big.txt", &vec![b'x'; 5 * 1024 * 1024]);
    bench.write(
        "bad_date.txt",
        &sjis(&jahis_text("日付 不正", &[1]).replace("5,20261101", "5,20261399")),
    );
    bench.write(
        "future.txt",
        &sjis(&jahis_text("未来 日付", &[1]).replace("5,20261101", "5,20270101")),
    );
    let whole = sjis(&jahis_text("途中 切断", &[3]));
    // Cut inside the two-byte 食 of the last line (a half-written export).
    let cut_at = whole.len() - 13;
    bench.write("cut.txt", &whole[..cut_at]);
    bench.write(
        "no_sex_birth.txt",
        &sjis(&jahis_text("性別 なし", &[4]).replace(",1,19800101", ",,")),
    );
    bench.write(
        "orphan_201.txt",
        &sjis("JAHISTC08,1\r\n1,孤児 薬品,1,19800101\r\n201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n5,20261105,1\r\n"),
    );
    let mut bom_cp932 = b"\xEF\xBB\xBF".to_vec();
    bom_cp932.extend(sjis(&jahis_text("BOM 混在", &[5])));
    bench.write("bom_cp932.txt", &bom_cp932);
    bench.write("nul.txt", &sjis(&jahis_text("NUL\u{0}混入", &[6])));
    let part = |seq: u32| {
        let mut text = jahis_text("分割 患者", &[7 + seq]);
        if seq > 1 {
            text = text.replace("1,分割 患者,1,19800101\r\n", "");
        }
        format!("{text}911,20261101000001,2,{seq}\r\n")
    };
    bench.write("parts_twice.txt", &sjis(&format!("{}{}", part(1), part(1))));
    bench.write("parts_missing.txt", &sjis(&part(1)));
    bench.write("empty.txt", b"");
    bench.write("binary.dat", &[0u8, 159, 146, 150, 0, 1, 2, 3]);
    bench.write("header_only.txt", b"JAHISTC08,1\r\n");
    std::fs::create_dir(bench.path("x.txt")).unwrap();
    let fifo = bench.path("fifo.txt");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(bench.path("loop_b.txt"), bench.path("loop_a.txt")).unwrap();
    std::os::unix::fs::symlink(bench.path("loop_a.txt"), bench.path("loop_b.txt")).unwrap();
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"rx_\xff\xfe.txt");
        std::fs::write(
            bench.folder.path().join(name),
            sjis(&jahis_text("名前 不正", &[9])),
        )
        .unwrap();
    }

    let outcome = bench.feed_once().await;
    assert_eq!(outcome.get("good.txt"), Some(&Ok(1)), "the good file lands");
    refused(
        &outcome,
        "huge_name.txt",
        &[
            "2行目 レコード1 項目1",
            "長すぎます",
            "「性別」が空です",
            "「生年月日」が空です",
        ],
    );
    refused(
        &outcome,
        "too_big.txt",
        &["ファイルが大きすぎます（5.0 MB、上限1.0 MB）"],
    );
    refused(&outcome, "bad_date.txt", &["3行目 レコード5 項目1", "日付"]);
    refused(&outcome, "future.txt", &["レコード5", "未来の日付"]);
    refused(&outcome, "cut.txt", &["6行目"]);
    refused(
        &outcome,
        "no_sex_birth.txt",
        &["「性別」が空です", "「生年月日」が空です"],
    );
    refused(
        &outcome,
        "orphan_201.txt",
        &["3行目 レコード201", "調剤等年月日（5）がありません"],
    );
    refused(&outcome, "bom_cp932.txt", &["文字コードを読み取れない"]);
    refused(&outcome, "nul.txt", &["2行目", "制御コード"]);
    refused(&outcome, "parts_twice.txt", &["2枚中1枚目が2回あります"]);
    refused(&outcome, "parts_missing.txt", &["2枚中2枚目がありません"]);
    refused(&outcome, "empty.txt", &["空"]);
    refused(&outcome, "binary.dat", &["JAHIS形式のデータではありません"]);
    refused(&outcome, "header_only.txt", &["患者情報"]);
    refused(
        &outcome,
        "rx_\u{FFFD}\u{FFFD}.txt",
        &["ファイル名に文字として読めないバイトがある"],
    );
    for ignored in ["x.txt", "fifo.txt", "loop_a.txt", "loop_b.txt"] {
        assert_eq!(
            outcome.get(ignored),
            None,
            "{ignored}: not a file, not read"
        );
    }
    // Staff see the same messages in 取込エラー.
    let errors = bench.store.feed_errors(100).await.unwrap();
    for (file, result) in &outcome {
        if let Err(message) = result {
            assert!(
                errors
                    .iter()
                    .any(|e| &e.name == file && &e.error == message),
                "{file} in 取込エラー"
            );
        }
    }
    assert_eq!(
        bench.checksum(&["良い 患者"]).await,
        before,
        "nothing else changed"
    );
    assert_eq!(bench.dispensings_of("良い 患者").await, (1, 0));
    assert_eq!(outcome.values().filter(|r| r.is_ok()).count(), 1);
}

#[tokio::test]
async fn a_file_cut_short_is_refused_then_the_whole_file_lands_once() {
    let bench = Bench::new().await;
    let whole = sjis(&jahis_text("途中 切断", &[3, 4]));
    for cut in [whole.len() - 13, whole.len() - 8] {
        bench.write("000123_rx.txt", &whole[..cut]);
        let outcome = bench.feed_once().await;
        refused(&outcome, "000123_rx.txt", &["行目"]);
        assert_eq!(bench.dispensings_of("途中 切断").await, (0, 0));
    }
    bench.write("000123_rx.txt", &whole);
    let outcome = bench.feed_once().await;
    assert_eq!(outcome.get("000123_rx.txt"), Some(&Ok(2)));
    assert_eq!(
        bench.dispensings_of("途中 切断").await,
        (2, 0),
        "no empty dispensing"
    );
    assert!(
        bench.store.feed_errors(10).await.unwrap().is_empty(),
        "the error is gone"
    );
}

#[tokio::test]
async fn every_line_end_and_utf16_read_like_crlf() {
    let bench = Bench::new().await;
    let text = |name: &str| jahis_text(name, &[1, 2]);
    bench.write("crlf.txt", &sjis(&text("改行 CRLF")));
    bench.write("lf.txt", &sjis(&text("改行 LF").replace("\r\n", "\n")));
    bench.write("cr.txt", &sjis(&text("改行 CR").replace("\r\n", "\r")));
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text("改行 UTF16").encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    bench.write("utf16.txt", &utf16);
    let outcome = bench.feed_once().await;
    for file in ["crlf.txt", "lf.txt", "cr.txt", "utf16.txt"] {
        assert_eq!(outcome.get(file), Some(&Ok(2)), "{file}");
    }
    for name in ["改行 CRLF", "改行 LF", "改行 CR", "改行 UTF16"] {
        assert_eq!(bench.dispensings_of(name).await, (2, 0), "{name}");
    }
}

#[tokio::test]
async fn growing_and_renamed_files_with_the_live_feed() {
    let bench = Bench::new().await;
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let config = FolderConfig {
        settle_ms: 600,
        ..bench.config()
    };
    // Things that are not files sit in the folder all along.
    assert!(
        std::process::Command::new("mkfifo")
            .arg(bench.path("fifo.txt"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(bench.path("loop_b.txt"), bench.path("loop_a.txt")).unwrap();
    std::os::unix::fs::symlink(bench.path("loop_a.txt"), bench.path("loop_b.txt")).unwrap();
    std::fs::create_dir(bench.path("dir.txt")).unwrap();
    let task = tokio::spawn(okusuri_feed::run(config, bench.store.clone(), tx, stop_rx));

    // A file that keeps growing for 2 s (the writer holds it open).
    let path = bench.path("000200_growing.txt");
    let writer = std::thread::spawn(move || {
        let mut file = std::fs::File::create(path).unwrap();
        let text = jahis_text("伸びる ファイル", &(1..=20).collect::<Vec<_>>());
        for (i, line) in text.split_inclusive("\r\n").enumerate() {
            file.write_all(&sjis(line)).unwrap();
            file.flush().unwrap();
            if i % 4 == 1 {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    });
    // Files renamed as soon as written (temp-then-rename writers, and a
    // file renamed while the feed may be reading it).
    for i in 0..20 {
        let name = format!("rename_{i}.txt");
        bench.write(&name, &sjis(&jahis_text(&format!("改名 {i}"), &[1])));
        std::fs::rename(bench.path(&name), bench.path(&format!("renamed_{i}.txt"))).unwrap();
    }
    writer.join().unwrap();

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let done = bench.dispensings_of("伸びる ファイル").await.0 == 20
            && renamed_files_landed(&bench).await;
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the feed did not take everything in"
        );
        while let Ok(e) = events.try_recv() {
            if let FeedEvent::Failed { file, reason, .. } = e {
                println!("live: {file}: {reason}");
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(bench.dispensings_of("伸びる ファイル").await, (20, 0));
    for i in 0..20 {
        assert_eq!(bench.dispensings_of(&format!("改名 {i}")).await, (1, 0));
    }
    assert!(
        bench.store.feed_errors(10).await.unwrap().is_empty(),
        "no error left for a name that went away"
    );
    stop.send(true).unwrap();
    task.await.unwrap().unwrap();
}

/// Whether every renamed file landed.
async fn renamed_files_landed(bench: &Bench) -> bool {
    for i in 0..20 {
        if bench.dispensings_of(&format!("改名 {i}")).await.0 != 1 {
            return false;
        }
    }
    true
}

#[tokio::test]
async fn ten_thousand_files_arriving_at_once_land_once_each() {
    let bench = Bench::new().await;
    for i in 0..10_000 {
        bench.write(
            &format!("{i:06}_rx.txt"),
            &sjis(&jahis_text(&format!("一万 {i}"), &[1 + (i % 28) as u32])),
        );
    }
    let started = Instant::now();
    let outcome = bench.feed_once().await;
    println!(
        "10,000 files in one pass: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(outcome.len(), 10_000);
    assert!(outcome.values().all(|r| r == &Ok(1)));
    assert_eq!(bench.store.counts().await.unwrap().patients, 10_000);
    // A second pass finds nothing new.
    assert!(bench.feed_once().await.is_empty());
}
