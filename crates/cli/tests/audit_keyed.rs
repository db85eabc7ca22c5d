//! `okusuri audit key|verify` against GNOME Keyring under its own D-Bus
//! session (the OS key store as a Linux desktop has it): the chain keyed
//! with a key the test never sees, then each way of covering tracks done
//! to the real file from outside — an edited row, a row removed in the
//! middle, the newest rows removed, legacy rows "unchained", an old backup
//! put in place — and `verify` fails on each.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn verify_fails_on_every_tampering_of_the_keyed_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let okusuri = env!("CARGO_BIN_EXE_okusuri");
    // Each case works on its own copy of one keyed data folder.
    let script = format!(
        r#"set -u
printf 'unlock-pw' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
O={okusuri}
D=$PWD/base
mkdir -p $D
$O --data-dir $D setup --facility-id PH0001 --facility-name 'さくら薬局' --admin-id admin --admin-name '管理 太郎' >/dev/null || exit 1
$O --data-dir $D audit key || exit 1
for i in 1 2 3; do $O --data-dir $D --staff admin audit list --limit 1 >/dev/null || exit 1; done
$O --data-dir $D db backup >/dev/null || exit 1
for i in 1 2; do $O --data-dir $D --staff admin audit list --limit 1 >/dev/null || exit 1; done
echo '--- clean'; $O --data-dir $D audit verify; echo "exit $?"
sql() {{ python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()" "$1/okusuri.db" "$2"; }}
case_() {{ rm -rf $PWD/$1; cp -a $D $PWD/$1; }}
case_ edit; sql $PWD/edit "UPDATE access_log SET detail = 'nothing' WHERE id = 6"
echo '--- edit'; $O --data-dir $PWD/edit audit verify; echo "exit $?"
case_ middle; sql $PWD/middle "DELETE FROM access_log WHERE id = 7"
echo '--- middle'; $O --data-dir $PWD/middle audit verify; echo "exit $?"
case_ newest; sql $PWD/newest "DELETE FROM access_log WHERE id >= (SELECT max(id) - 1 FROM access_log)"
echo '--- newest'; $O --data-dir $PWD/newest audit verify; echo "exit $?"
case_ unchain; sql $PWD/unchain "UPDATE access_log SET hash = '' WHERE id <= 3"
echo '--- unchain'; $O --data-dir $PWD/unchain audit verify; echo "exit $?"
case_ swap; cp $(ls $PWD/swap/backups/okusuri-*.db | head -1) $PWD/swap/okusuri.db; rm -f $PWD/swap/okusuri.db-wal $PWD/swap/okusuri.db-shm
echo '--- swap'; $O --data-dir $PWD/swap audit verify; echo "exit $?"
"#
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
    println!("{stdout}");
    let part = |name: &str| {
        stdout
            .split(&format!("--- {name}\n"))
            .nth(1)
            .and_then(|rest| rest.split("--- ").next())
            .unwrap_or_else(|| panic!("no {name} in {stdout}\n{stderr}"))
            .to_string()
    };
    assert!(stdout.contains("から鍵付きです"), "{stdout}");
    let clean = part("clean");
    assert!(
        clean.contains("変更・削除は見つかりません") && clean.ends_with("exit 0\n"),
        "{clean}"
    );
    for (case, says) in [
        ("edit", "記録 6 が変更された"),
        ("middle", "記録 8 が変更された"),
        ("newest", "最新の記録が削除された"),
        ("unchain", "記録 1 が変更された"),
        ("swap", "古いデータベース"),
    ] {
        let text = part(case);
        assert!(
            text.contains(says) && text.ends_with("exit 1\n"),
            "{case}: {text}"
        );
    }
    // The key is in the key store, not in the data folder.
    let head = std::fs::read_to_string(dir.join("base/backups/audit-head.json")).unwrap();
    assert!(head.contains("\"mac\""), "{head}");
}

/// Runs `script` in its own D-Bus session with an unlocked GNOME Keyring
/// whose files are in `keyring` (one folder = one PC's key store).
fn on_pc(dir: &std::path::Path, keyring: &str, script: &str) -> (bool, String, String) {
    let file = dir.join(format!("{keyring}.sh"));
    std::fs::write(
        &file,
        format!(
            "set -u\nprintf 'unlock-pw' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1\n{script}"
        ),
    )
    .unwrap();
    let out = Command::new("dbus-run-session")
        .args(["--", "bash"])
        .arg(&file)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join(keyring))
        .env("OKUSURI_PASSWORD", "first-pass-2026")
        .output()
        .expect("dbus-run-session and gnome-keyring are installed");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_database_moved_to_another_pc_needs_its_key_exported_and_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = env!("CARGO_BIN_EXE_okusuri");
    let (ok, out, err) = on_pc(
        dir,
        "old-pc",
        &format!(
            "set -e\nmkdir -p data\n{o} --data-dir data setup --facility-id PH0001 --facility-name 'さくら薬局' --admin-id admin --admin-name '管理 太郎'\n\
             {o} --data-dir data audit key\n{o} --data-dir data --staff admin audit list --limit 1 >/dev/null\n\
             {o} --data-dir data audit key --export usb-key.txt\n"
        ),
    );
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("鍵を書き出しました"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("usb-key.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The new PC has its own, empty key store.
    let (ok, out, err) = on_pc(
        dir,
        "new-pc",
        &format!(
            "echo '--- before'\n{o} --data-dir data --staff admin audit list --limit 1; echo \"exit $?\"\n\
             echo '--- import'\n{o} --data-dir data audit key --import usb-key.txt; echo \"exit $?\"\n\
             echo '--- after'\n{o} --data-dir data --staff admin audit list --limit 1 >/dev/null; echo \"exit $?\"\n\
             {o} --data-dir data audit verify; echo \"exit $?\"\n"
        ),
    );
    assert!(ok, "{out}\n{err}");
    let before = out.split("--- import").next().unwrap();
    assert!(before.contains("exit 1"), "{out}");
    assert!(
        err.contains("okusuri audit key --import"),
        "the message says what to do: {err}"
    );
    let after = out.split("--- after").nth(1).unwrap();
    assert!(
        out.contains("監査ログの鍵をこのPCの鍵保管庫に取り込みました"),
        "{out}"
    );
    assert!(
        after.starts_with("\nexit 0") && after.contains("変更・削除は見つかりません"),
        "{out}\n{err}"
    );
}

#[test]
fn an_encrypted_database_and_its_backup_move_with_the_key_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = env!("CARGO_BIN_EXE_okusuri");
    let (ok, out, err) = on_pc(
        dir,
        "old-pc",
        &format!(
            "set -e\nmkdir -p data\n{o} --data-dir data setup --facility-id PH0001 --facility-name 'さくら薬局' --admin-id admin --admin-name '管理 太郎'\n\
             {o} --data-dir data db key\n{o} --data-dir data db backup\n\
             {o} --data-dir data db info\n\
             echo '--- sqlite3'; sqlite3 data/okusuri.db 'SELECT count(*) FROM staff' || echo 'sqlite3 failed'\n\
             {o} --data-dir data db key --export usb-keys.txt\n"
        ),
    );
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("データベースは暗号化されています"), "{out}");
    assert!(out.contains("（暗号化）"), "{out}");
    assert!(
        out.contains("sqlite3 failed"),
        "the stock sqlite3 read the file: {out}"
    );
    let keys = std::fs::read_to_string(dir.join("usb-keys.txt")).unwrap();
    assert!(
        keys.contains("database-key ") && keys.contains("audit-key "),
        "{keys}"
    );

    // A new PC: nothing opens until the key file is imported; then the
    // database, its access log and its backup (restored) all do.
    let (ok, out, err) = on_pc(
        dir,
        "new-pc",
        &format!(
            "echo '--- before'\n{o} --data-dir data db info; echo \"exit $?\"\n\
             echo '--- import'\n{o} --data-dir data db key --import usb-keys.txt; echo \"exit $?\"\n\
             echo '--- after'\n{o} --data-dir data db info; echo \"exit $?\"\n\
             {o} --data-dir data audit verify; echo \"exit $?\"\n\
             {o} --data-dir data db restore $(ls data/backups/okusuri-*.db | head -1); echo \"exit $?\"\n\
             {o} --data-dir data audit verify; echo \"exit $?\"\n"
        ),
    );
    assert!(ok, "{out}\n{err}");
    println!("{out}\n{err}");
    let before = out.split("--- import").next().unwrap();
    assert!(before.contains("exit 1"), "{out}");
    assert!(
        err.contains("okusuri db key --import"),
        "the message says what to do: {err}"
    );
    assert!(
        out.contains("データベースの鍵と監査ログの鍵をこのPCの鍵保管庫に取り込みました"),
        "{out}"
    );
    let after = out.split("--- after").nth(1).unwrap();
    assert!(!after.contains("exit 1"), "{out}\n{err}");
    assert!(
        after.contains("（暗号化）") && after.contains("から復元しました"),
        "{out}"
    );
    assert_eq!(
        after.matches("変更・削除は見つかりません").count(),
        2,
        "{out}"
    );

    // A replacement PC with an empty data folder: the key file, then the
    // backup restored into it (encrypted with the same key), all there.
    let (ok, out, err) = on_pc(
        dir,
        "replacement-pc",
        &format!(
            "set -e\nmkdir empty\ncp $(ls data/backups/okusuri-*.db | head -1) usb-backup.db\n\
             {o} --data-dir empty db key --import usb-keys.txt\n\
             {o} --data-dir empty db restore usb-backup.db\n\
             {o} --data-dir empty db info\n{o} --data-dir empty audit verify\n"
        ),
    );
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("から復元しました") && out.contains("（暗号化）"),
        "{out}"
    );
    assert!(
        out.contains("さくら薬局") && out.contains("変更・削除は見つかりません"),
        "{out}"
    );
}
