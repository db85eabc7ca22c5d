//! The client certificate in the OS key store: the real `okusuri` against
//! GNOME Keyring under its own D-Bus session (`dbus-run-session`), as a
//! Linux desktop has it. The password and the certificate reach neither the
//! data folder nor the output; with no key store the import says so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const P12_PASSWORD: &str = "p12-pass-8842";

fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_client_certificate_goes_to_the_key_store_and_nowhere_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A client certificate expiring in 10 days (so it is shown with a warning).
    run(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "client.key",
            "-out",
            "client.pem",
            "-days",
            "10",
            "-subj",
            "/C=JP/O=TEST ONLY/CN=TEST CLINIC CLIENT",
        ],
    );
    run(
        dir,
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "client.key",
            "-in",
            "client.pem",
            "-out",
            "client.p12",
            "-passout",
            &format!("pass:{P12_PASSWORD}"),
        ],
    );
    std::fs::copy(dir.join("client.p12"), dir.join("second.p12")).unwrap();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let okusuri = env!("CARGO_BIN_EXE_okusuri");
    let out = Command::new(okusuri)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "setup",
            "--facility-id",
            "CL0001",
            "--facility-name",
            "おくすり内科",
            "--admin-id",
            "admin",
            "--admin-name",
            "管理 太郎",
        ])
        .env("OKUSURI_PASSWORD", "first-pass-2026")
        .output()
        .unwrap();
    assert!(out.status.success());

    // No key store: refused with the reason, the file kept.
    let out = Command::new(okusuri)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "--staff",
            "admin",
            "cert",
            "import",
            "client.p12",
            "--delete-file",
        ])
        .current_dir(dir)
        .env("OKUSURI_PASSWORD", "first-pass-2026")
        .env("OKUSURI_P12_PASSWORD", P12_PASSWORD)
        .env("HOME", dir)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("OS の鍵保管庫"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("client.p12").exists());

    let d = data.display();
    let script = format!(
        "set -e\nprintf 'unlock-pw' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1\n\
         OKUSURI_P12_PASSWORD={P12_PASSWORD} {okusuri} --data-dir {d} --staff admin cert import client.p12 --delete-file\n\
         echo '--- show'\n{okusuri} --data-dir {d} --staff admin cert show\n\
         echo '--- wrong password'\nOKUSURI_P12_PASSWORD=wrong {okusuri} --data-dir {d} --staff admin cert import second.p12 || echo refused\n\
         echo '--- still the first'\n{okusuri} --data-dir {d} --staff admin cert show\n"
    );
    std::fs::write(dir.join("script.sh"), script).unwrap();
    let out = Command::new("dbus-run-session")
        .args(["--", "bash", "script.sh"])
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("share"))
        .env("OKUSURI_PASSWORD", "first-pass-2026")
        .output()
        .expect("dbus-run-session and gnome-keyring are installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("クライアント証明書を OS の鍵保管庫に取り込みました"),
        "{stdout}"
    );
    assert!(
        stdout.contains("元のファイル client.p12 を削除しました"),
        "{stdout}"
    );
    assert!(!dir.join("client.p12").exists());
    let show = stdout.split("--- show").nth(1).unwrap();
    assert!(
        show.contains("主体者: CN=TEST CLINIC CLIENT,O=TEST ONLY,C=JP"),
        "{show}"
    );
    assert!(
        stderr.contains("注意: クライアント証明書の有効期限まであと"),
        "{stderr}"
    );
    assert!(
        stdout.contains("refused") && stderr.contains("パスワードかファイルが違います"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout
            .split("--- still the first")
            .nth(1)
            .unwrap()
            .contains("TEST CLINIC CLIENT")
    );
    // The password is in no file of the data folder, and in no output.
    assert!(!stdout.contains(P12_PASSWORD) && !stderr.contains(P12_PASSWORD));
    for entry in std::fs::read_dir(&data).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert!(
            !bytes
                .windows(P12_PASSWORD.len())
                .any(|w| w == P12_PASSWORD.as_bytes()),
            "{}",
            entry.path().display()
        );
    }
}
