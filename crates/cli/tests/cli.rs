//! Runs the real `okusuri` binary against real data folders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn okusuri(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .args(args)
        .env_remove("OKUSURI_DATA_DIR")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn version_prints_the_package_version() {
    let (ok, out, _) = okusuri(&["--version"]);
    assert!(ok);
    assert_eq!(out.trim(), format!("okusuri {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn migrate_then_info_reports_schema_and_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (ok, _, err) = okusuri(&["--data-dir", dir, "db", "info"]);
    assert!(!ok);
    assert!(err.contains("データベースはまだありません"), "{err}");
    assert!(
        !tmp.path().join("okusuri.db").exists(),
        "info never creates"
    );

    let (ok, out, err) = okusuri(&["--data-dir", dir, "db", "migrate"]);
    assert!(ok, "{err}");
    assert!(out.contains("まで適用済みです"), "{out}");

    let (ok, out, _) = okusuri(&["--data-dir", dir, "db", "info", "--json"]);
    assert!(ok);
    let info: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(info["schema_version"].as_i64().unwrap() >= 3);
    assert_eq!(
        info["schema_version"], info["known_version"],
        "every migration applied"
    );
    assert_eq!(info["facility"], serde_json::Value::Null);
    assert_eq!(info["counts"]["staff"], 0);
    assert!(info["path"].as_str().unwrap().ends_with("okusuri.db"));

    let (ok, out, _) = okusuri(&["--data-dir", dir, "db", "info"]);
    assert!(ok);
    assert!(out.contains("施設: 未設定"), "{out}");
}

#[test]
fn a_corrupt_database_exits_1_with_the_message_and_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("okusuri.db");
    std::fs::write(
        &file,
        b"this is not a database, it is a text file\n".repeat(200),
    )
    .unwrap();
    let before = std::fs::read(&file).unwrap();
    let (ok, _, err) = okusuri(&["--data-dir", tmp.path().to_str().unwrap(), "db", "migrate"]);
    assert!(!ok);
    assert!(err.contains("データベースファイルが壊れています"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn a_missing_named_folder_is_not_created() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("unmounted");
    let (ok, _, err) = okusuri(&["--data-dir", missing.to_str().unwrap(), "db", "migrate"]);
    assert!(!ok);
    assert!(err.contains("データフォルダが見つかりません"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    assert!(okusuri(&["--data-dir", dir, "db", "migrate"]).0);
    let (ok, out, err) = okusuri(&["--data-dir", dir, "db", "backup", "--keep", "3"]);
    assert!(ok, "{err}");
    let file = out
        .trim()
        .strip_prefix("バックアップを作成しました: ")
        .unwrap()
        .to_string();
    assert!(std::path::Path::new(&file).is_file());
    let (ok, out, err) = okusuri(&["--data-dir", dir, "db", "restore", &file]);
    assert!(ok, "{err}");
    assert!(out.contains("復元前のデータベースは"), "{out}");
    let junk = tmp.path().join("junk.db");
    std::fs::write(&junk, b"junk").unwrap();
    let (ok, _, err) = okusuri(&["--data-dir", dir, "db", "restore", junk.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("このファイルからは復元できません"), "{err}");
}

#[test]
fn demo_fills_a_new_folder_and_never_overwrites_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let demo_dir = tmp.path().join("demo");
    let demo = demo_dir.to_str().unwrap();
    let (ok, out, err) = okusuri(&["--data-dir", demo, "demo"]);
    assert!(ok, "{err}");
    assert!(out.contains("患者 32 人（本日 10 人）"), "{out}");
    let (ok, _, err) = okusuri(&["--data-dir", demo, "demo"]);
    assert!(!ok);
    assert!(err.contains("すでにデモデータです"), "{err}");
    std::fs::write(demo_dir.join("my-notes.txt"), "not the demo's").unwrap();
    let (ok, _, err) = okusuri(&["--data-dir", demo, "demo", "--fresh"]);
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read_to_string(demo_dir.join("my-notes.txt")).unwrap(),
        "not the demo's",
        "--fresh removes only what the demo made"
    );

    // A folder with anything else in it is left alone.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "keep me").unwrap();
    let (ok, _, err) = okusuri(&["--data-dir", other.to_str().unwrap(), "demo"]);
    assert!(!ok);
    assert!(err.contains("他のファイルがあります"), "{err}");
    assert_eq!(
        std::fs::read_to_string(other.join("notes.txt")).unwrap(),
        "keep me"
    );

    // A real pharmacy's database is never replaced, even with --fresh.
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let real_dir = real.to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .args([
            "--data-dir",
            real_dir,
            "setup",
            "--facility-id",
            "PH1",
            "--facility-name",
            "本物薬局",
            "--admin-id",
            "admin",
            "--admin-name",
            "管理 一郎",
        ])
        .env("OKUSURI_PASSWORD", "real-pass-2026")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ok, _, err) = okusuri(&["--data-dir", real_dir, "demo", "--fresh"]);
    assert!(!ok);
    assert!(err.contains("実際のデータがあります"), "{err}");
    let (ok, out, _) = okusuri(&["--data-dir", real_dir, "db", "info"]);
    assert!(ok);
    assert!(out.contains("PH1") || out.contains("本物薬局"), "{out}");
}

#[test]
fn administrators_list_and_export_the_access_log_and_the_export_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let dir = dir.to_str().unwrap();
    assert!(okusuri(&["--data-dir", dir, "demo"]).0);
    let as_staff = |staff: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
            .args(["--data-dir", dir, "--staff", staff])
            .args(args)
            .env("OKUSURI_PASSWORD", "okusuri-demo-2026")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (ok, out, err) = as_staff("kanri", &["audit", "list", "--limit", "5"]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 5, "{out}");
    let (ok, out, err) = as_staff("kanri", &["audit", "export", "--event", "visit_recorded"]);
    assert!(ok, "{err}");
    let file = out.trim().rsplit(": ").next().unwrap();
    let csv = std::fs::read_to_string(file).unwrap();
    assert!(csv.lines().count() > 1, "{csv}");
    assert!(
        csv.lines().skip(1).all(|l| l.contains(",受付（カード）,")),
        "{csv}"
    );
    let (ok, out, err) = as_staff(
        "kanri",
        &["audit", "list", "--event", "audit_exported", "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    let (ok, _, err) = as_staff("jimu", &["audit", "list"]);
    assert!(!ok);
    assert!(err.contains("監査ログは管理者だけが見られます。"), "{err}");
}
