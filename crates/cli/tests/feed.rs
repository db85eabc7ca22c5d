//! `okusuri feed` as a process: killed in the middle of a burst and started
//! again, and a file it is not allowed to read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn jahis(name: &str, day: u32) -> String {
    format!(
        "JAHISTC08,1\r\n1,{name},1,19800101,,,,,,,\r\n5,202610{day:02},1\r\n\
         201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n301,1,1日1回朝食後,14,日分,1,1,,1\r\n"
    )
}

fn count(db: &Path, sql: &str) -> i64 {
    let out = Command::new("sqlite3").arg(db).arg(sql).output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

const PASSWORD: &str = "first-pass-2026";

/// Sets the facility up (the feed runs as a signed-in administrator).
fn set_up(data: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .arg("--data-dir")
        .arg(data)
        .args([
            "setup",
            "--facility-id",
            "PH0001",
            "--facility-name",
            "さくら薬局",
        ])
        .args(["--admin-id", "admin", "--admin-name", "管理 太郎"])
        .env("OKUSURI_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `okusuri --data-dir DATA --staff admin` with the password in the environment.
fn okusuri(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okusuri"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(["--staff", "admin"])
        .env("OKUSURI_PASSWORD", PASSWORD);
    cmd
}

/// `okusuri feed run --once` on a folder, to its end.
fn feed_once(data: &Path, folder: &Path) -> std::process::Output {
    okusuri(data)
        .args(["feed", "run", "--once", "--settle-ms", "0"])
        .arg(folder)
        .output()
        .unwrap()
}

#[test]
fn killed_in_a_burst_and_restarted_every_dispensing_is_stored_once() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    set_up(data.path());
    let mut child = okusuri(data.path())
        .args(["feed", "watch", "--rescan-secs", "1"])
        .arg(folder.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("接続 "));
    // The receipt computer writes steadily; the feed is killed (SIGKILL: no
    // clean-up) once part of the burst is in and the writer is still going.
    let path = folder.path().to_path_buf();
    let writer = std::thread::spawn(move || {
        for i in 0..600u32 {
            std::fs::write(
                path.join(format!("{i:04}.txt")),
                jahis(&format!("患者 {i:04}"), 1 + i % 28),
            )
            .unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    let started = Instant::now();
    let mut seen = 0;
    while seen < 100 && started.elapsed() < Duration::from_secs(30) {
        if lines.next().unwrap().unwrap().starts_with("取込 ") {
            seen += 1;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    writer.join().unwrap();
    let db = data.path().join("okusuri.db");
    let before = count(&db, "SELECT count(*) FROM dispensing");
    assert!(
        (100..600).contains(&before),
        "killed mid-burst: {before} stored"
    );

    let out = feed_once(data.path(), folder.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM dispensing"), 600);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT patient_id) FROM dispensing"),
        600
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM feed_file WHERE status = 'imported'"
        ),
        600
    );
}

#[test]
fn a_file_it_may_not_read_is_an_error_and_the_rest_flows() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    set_up(data.path());
    std::fs::write(folder.path().join("good.txt"), jahis("山田 太郎", 1)).unwrap();
    let secret = folder.path().join("secret.txt");
    std::fs::write(&secret, jahis("佐藤 花子", 2)).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads everything: run the feed as `nobody` then, from a copy of
    // the binary it may execute, on folders it may write.
    let as_root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut cmd = if as_root {
        for dir in [data.path(), folder.path()] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        // The app keeps its files to their owner (root here): open them up
        // for this test's `nobody`.
        for name in [
            "okusuri.db",
            "okusuri.db-wal",
            "okusuri.db-shm",
            "okusuri.lock",
        ] {
            let file = data.path().join(name);
            if file.exists() {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o666)).unwrap();
            }
        }
        let bin = data.path().join("okusuri");
        std::fs::copy(env!("CARGO_BIN_EXE_okusuri"), &bin).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_okusuri"))
    };
    let out = cmd
        .arg("--data-dir")
        .arg(data.path())
        .args(["--staff", "admin"])
        .env("OKUSURI_PASSWORD", PASSWORD)
        .args(["feed", "run", "--once", "--settle-ms", "0"])
        .arg(folder.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .contains("取込エラー secret.txt: ファイルを読めません（アクセスが拒否されました）。"),
        "{stdout}"
    );
    assert!(
        stdout.contains("取込 good.txt: 患者 1 調剤 1件追加"),
        "{stdout}"
    );
    assert_eq!(
        count(
            &data.path().join("okusuri.db"),
            "SELECT count(*) FROM dispensing"
        ),
        1
    );
}

/// A small seeded generator (xorshift): the kill moments of a run can be
/// replayed with `KILL_SEED=…`.
struct Moments(u64);

impl Moments {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[test]
fn sigkill_at_random_moments_loses_and_doubles_nothing() {
    const FILES: u32 = 3_000;
    let seed: u64 = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_204);
    let mut moments = Moments(seed.max(1));
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    set_up(data.path());
    for i in 0..FILES {
        std::fs::write(
            folder.path().join(format!("{i:05}.txt")),
            jahis(&format!("患者 {i:05}"), 1 + i % 28),
        )
        .unwrap();
    }
    // A few broken files among them: refused every time, never half-stored.
    std::fs::write(
        folder.path().join("broken.txt"),
        "JAHISTC08,1\r\n1,名前だけ,,\r\n",
    )
    .unwrap();

    let db = data.path().join("okusuri.db");
    let mut kills = 0;
    let mut finished = false;
    // The window for a kill widens while a run makes no progress (a slow or
    // busy machine), so that the feed always gets further.
    let mut stalled = 0;
    let mut stored = 0;
    for _ in 0..300 {
        let mut child = okusuri(data.path())
            .args(["feed", "run", "--once", "--settle-ms", "0"])
            .arg(folder.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed at a random moment from its start: while signing in,
        // reading, inside a batch's transaction, between the import and the
        // ledger write, or between batches — or the run ends first.
        std::thread::sleep(Duration::from_millis(
            20 + moments.next(300 << stalled.min(5)),
        ));
        if child.try_wait().unwrap().is_some() {
            finished = true;
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        let now = count(&db, "SELECT count(*) FROM dispensing");
        stalled = if now > stored { 0 } else { stalled + 1 };
        stored = now;
    }
    assert!(finished, "the feed never finished in 300 starts");
    // One more clean pass (the run that ended may have been the last batch).
    let out = feed_once(data.path(), folder.path());
    assert!(
        out.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let files = i64::from(FILES);
    assert_eq!(
        count(&db, "SELECT count(*) FROM dispensing"),
        files,
        "each file once"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM patient"),
        files,
        "no patient twice"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT patient_id FROM dispensing GROUP BY patient_id HAVING count(*) <> 1)"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM dispensing d WHERE NOT EXISTS (SELECT 1 FROM rp r JOIN drug g ON g.rp_id = r.id WHERE r.dispensing_id = d.id)"
        ),
        0,
        "no dispensing without its drug"
    );
    // The ledger matches the store: every imported file's dispensing is
    // there, every stored dispensing's file is in the ledger as imported.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM feed_file WHERE status = 'imported'"
        ),
        files
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM feed_file f WHERE f.status = 'imported' AND NOT EXISTS (SELECT 1 FROM dispensing d WHERE d.source = 'feed:' || f.name)"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM dispensing d WHERE NOT EXISTS (SELECT 1 FROM feed_file f WHERE 'feed:' || f.name = d.source AND f.status = 'imported')"
        ),
        0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM feed_file WHERE status = 'error'"),
        1
    );
    let check = Command::new("sqlite3")
        .arg(&db)
        .arg("PRAGMA integrity_check")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok");
    println!(
        "kill test (seed {seed}): survived {kills} SIGKILLs during {FILES} files; integrity_check ok"
    );
}
