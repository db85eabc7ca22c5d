//! `okusuri import | patients | history | copy` on a real data folder.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

const PASSWORD: &str = "first-pass-2026";

/// Runs `okusuri` as `staff` (password `PASSWORD`) with no other environment of ours.
fn run_as(staff: Option<&str>, dir: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okusuri"));
    cmd.arg("--data-dir").arg(dir).args(args);
    cmd.env_remove("OKUSURI_STAFF")
        .env("OKUSURI_PASSWORD", PASSWORD);
    if let Some(staff) = staff {
        cmd.env("OKUSURI_STAFF", staff);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `okusuri` as the administrator, setting the facility up first.
fn okusuri(dir: &str, args: &[&str]) -> (i32, String, String) {
    if !std::path::Path::new(dir).join("okusuri.db").exists() {
        let setup = [
            "setup",
            "--facility-id",
            "PH0001",
            "--facility-name",
            "さくら薬局",
            "--admin-id",
            "admin",
            "--admin-name",
            "管理 太郎",
        ];
        let (code, _, err) = run_as(None, dir, &setup);
        assert_eq!(code, 0, "{err}");
    }
    run_as(Some("admin"), dir, args)
}

fn sql(dir: &str, query: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(std::path::Path::new(dir).join("okusuri.db"))
        .arg(query)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn import_search_history_and_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (code, out, err) = okusuri(
        dir,
        &[
            "import",
            &fixture("tc-multi-dispensing.txt"),
            &fixture("v26-example-11.txt"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "tc-multi-dispensing.txt: 患者 1（新規） 調剤 2件追加（0件は登録済み） 薬品 2行"
        ),
        "{out}"
    );
    let (_, again, _) = okusuri(dir, &["import", &fixture("tc-multi-dispensing.txt")]);
    assert!(again.contains("調剤 0件追加（2件は登録済み）"), "{again}");

    let (code, out, _) = okusuri(dir, &["patients", "--search", "ヤマダ", "--json"]);
    assert_eq!(code, 0);
    let found: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["name"], "山田 太郎");

    let (code, out, _) = okusuri(dir, &["history", "1", "--as-of", "2026-03-13", "--json"]);
    assert_eq!(code, 0);
    let history: serde_json::Value = serde_json::from_str(&out).unwrap();
    let drug = &history[0]["rps"][0]["drugs"][0];
    assert_eq!(drug["usage_line"], "1日1錠 3日分");
    assert_eq!(drug["taking"], true);
    assert_eq!(drug["remaining"], "1錠");
    let dispensing = history[0]["id"].as_i64().unwrap().to_string();

    let (code, out, _) = okusuri(dir, &["copy", "1", &dispensing]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "処方日：2026年3月12日\nノルバスク錠２．５ｍｇ\n1日1錠 3日分\n"
    );
    let (code, out, _) = okusuri(dir, &["copy", "1", &dispensing, "--drug", "1"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "処方日：2026年3月12日\nノルバスク錠２．５ｍｇ\n1日1錠 3日分\n"
    );
    let (code, _, err) = okusuri(dir, &["copy", "2", &dispensing]);
    assert_eq!(code, 1, "another patient's dispensing");
    assert!(err.contains("この患者のものではありません"), "{err}");

    let (code, out, _) = okusuri(dir, &["history", "2", "--filter", "otc"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("ﾊﾞﾌｧﾘﾝ") && out.contains("イブプロフェン、アセトアミノフェン、無水カフェイン"),
        "{out}"
    );
}

#[test]
fn a_bad_file_is_reported_and_the_others_still_import() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let junk = tmp.path().join("junk.txt");
    std::fs::write(&junk, b"not jahis").unwrap();
    let (code, out, err) = okusuri(
        dir,
        &[
            "import",
            junk.to_str().unwrap(),
            &fixture("v26-example-01.txt"),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("junk.txt: 取り込みませんでした: JAHIS形式のデータではありません"),
        "{err}"
    );
    assert!(
        out.contains("v26-example-01.txt: 患者 1（新規） 調剤 1件追加"),
        "{out}"
    );
}

#[test]
fn audit_verify_finds_an_edited_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    okusuri(dir, &["import", &fixture("v26-example-01.txt")]);
    okusuri(dir, &["db", "facility-codes", "13", "4", "1234567"]);
    okusuri(dir, &["history", "1"]);
    let rows = sql(dir, "SELECT count(*) FROM access_log");
    assert!(
        rows.parse::<i64>().unwrap() >= 8,
        "setup, sign-ins and outs, import, codes, read: {rows}"
    );
    let (code, out, _) = run_as(None, dir, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "アクセスログ {rows} 件を確認しました。変更・削除は見つかりません。"
        )),
        "{out}"
    );
    let status = Command::new("sqlite3")
        .arg(tmp.path().join("okusuri.db"))
        .arg("UPDATE access_log SET detail = 'edited' WHERE id = 2")
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out, _) = run_as(None, dir, &["audit", "verify"]);
    assert_eq!(code, 1);
    assert!(out.contains("アクセスログの記録 2 が変更されたか"), "{out}");
}

#[test]
fn patient_data_needs_a_signed_in_staff_member_and_is_logged_as_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (code, _, err) = okusuri(dir, &["import", &fixture("v26-example-01.txt")]);
    assert_eq!(code, 0, "{err}");

    // No staff ID: refused before anything is read.
    let (code, out, err) = run_as(None, dir, &["history", "1"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("--staff スタッフID が必要です"), "{err}");

    // A wrong password counts towards the lock-out like the window's.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okusuri"));
    let out = cmd
        .args(["--data-dir", dir, "--staff", "admin", "patients"])
        .env("OKUSURI_PASSWORD", "wrong-password")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("5回続けて失敗すると"), "{err}");

    // A clerk may read but not import.
    let new_clerk = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .args([
            "--data-dir",
            dir,
            "--staff",
            "admin",
            "staff",
            "add",
            "clerk1",
        ])
        .args(["--name", "事務 花子", "--role", "clerk"])
        .env("OKUSURI_PASSWORD", PASSWORD)
        .env("OKUSURI_NEW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        new_clerk.status.success(),
        "{}",
        String::from_utf8_lossy(&new_clerk.stderr)
    );
    let (code, out, _) = okusuri(dir, &["staff", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("clerk1\t事務 花子\tclerk"), "{out}");
    let before = sql(dir, "SELECT count(*) FROM dispensing");
    let (code, _, err) = run_as(
        Some("clerk1"),
        dir,
        &["import", &fixture("v26-example-08.txt")],
    );
    assert_eq!(code, 1);
    assert!(err.contains("取込は管理者だけが行えます。"), "{err}");
    assert_eq!(
        sql(dir, "SELECT count(*) FROM dispensing"),
        before,
        "nothing stored"
    );
    let (code, out, err) = run_as(Some("clerk1"), dir, &["history", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());

    // The reads are in the access log, as the clerk's, from the CLI.
    let row = sql(
        dir,
        "SELECT login_id || '|' || pc_name || '|' || detail FROM access_log \
         WHERE event = 'patient_viewed' AND patient_id = 1 ORDER BY id DESC LIMIT 1",
    );
    assert!(row.starts_with("clerk1|"), "{row}");
    assert!(row.contains(" (CLI)|history all"), "{row}");
}

#[test]
fn qr_prints_the_latest_dispensing_and_refuses_another_patients() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (code, _, err) = okusuri(dir, &["import", &fixture("tc-multi-dispensing.txt")]);
    assert_eq!(code, 0, "{err}");
    let pdf = tmp.path().join("qr.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    let (code, out, err) = okusuri(dir, &["qr", "1", "--out", pdf_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("QRコード 1枚（調剤 1件）\n"), "{out}");

    // Read back by independent tools: the latest dispensing only.
    let png = tmp.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
    let data = Command::new("zbarimg")
        .args(["--raw", "--oneshot", "-Sbinary", "-q"])
        .arg(tmp.path().join("page.png"))
        .output()
        .unwrap()
        .stdout;
    let doc = okusuri_jahis::read(&data, okusuri_jahis::Mode::Lenient).unwrap();
    let dates: Vec<_> = doc.dispensings.iter().map(|d| d.date.clone()).collect();
    assert_eq!(dates, [Some("2026-03-12".to_string())]);
    assert_eq!(
        doc.patient.and_then(|p| p.name).as_deref(),
        Some("山田 太郎")
    );

    let other = tmp.path().join("other.pdf");
    let (code, _, err) = okusuri(
        dir,
        &[
            "qr",
            "1",
            "--dispensing",
            "999",
            "--out",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("この患者のものではありません"), "{err}");
    assert!(!other.exists(), "nothing written on a refusal");
}

#[test]
fn no_password_and_no_terminal_is_a_clear_message_and_setup_is_done_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (code, _, err) = okusuri(dir, &["import", &fixture("v26-example-01.txt")]);
    assert_eq!(code, 0, "{err}");
    let before = sql(dir, "SELECT count(*) FROM access_log");

    // A script without OKUSURI_PASSWORD, run with no terminal (setsid: no
    // controlling tty for the prompt): refused at once, nothing written.
    let out = Command::new("setsid")
        .arg(env!("CARGO_BIN_EXE_okusuri"))
        .args(["--data-dir", dir, "--staff", "admin", "patients"])
        .env_remove("OKUSURI_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("パスワードを読み取れません"), "{err}");
    assert!(err.contains("OKUSURI_PASSWORD"), "{err}");
    assert_eq!(sql(dir, "SELECT count(*) FROM access_log"), before);

    // 初期設定 twice: the second is refused and the facility is unchanged.
    let again = [
        "setup",
        "--facility-id",
        "OTHER",
        "--facility-name",
        "別の薬局",
        "--admin-id",
        "admin2",
        "--admin-name",
        "管理 次郎",
    ];
    let (code, _, err) = run_as(None, dir, &again);
    assert_eq!(code, 1);
    assert!(err.contains("この端末の初期設定は済んでいます。"), "{err}");
    assert_eq!(sql(dir, "SELECT code FROM facility"), "PH0001");
    assert_eq!(sql(dir, "SELECT count(*) FROM staff"), "1");
}
