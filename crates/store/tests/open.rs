//! Opening the database: first run, reopen, and every way the file can be bad.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_store::{DataDir, Store, StoreError};

#[tokio::test]
async fn first_open_creates_the_schema_and_reopen_keeps_data() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let (applied, known) = store.schema_version().await.unwrap();
    assert_eq!(applied, known);
    assert!(applied >= 1);
    set_up(&store).await;
    store
        .set_setting(
            &common::sys(),
            "theme",
            "light",
            common::at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    store.close().await;

    let again = open(tmp.path()).await;
    assert_eq!(
        again.facility().await.unwrap().unwrap().name,
        "さくら薬局 本店"
    );
    assert_eq!(
        again.setting("theme").await.unwrap().as_deref(),
        Some("light")
    );
    assert_eq!(again.counts().await.unwrap().staff, 1);
}

#[tokio::test]
async fn the_platform_default_folder_is_created_but_a_named_one_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let named = tmp.path().join("share/okusuri");
    let err = Store::open_in(&dir_of(&named), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::DataDirMissing(_)));
    let message = err.to_string();
    assert!(
        message.contains("データフォルダが見つかりません"),
        "{message}"
    );
    assert!(message.contains("share/okusuri"), "{message}");
    assert!(!named.exists(), "a named folder must not be created");

    let default_like = DataDir {
        path: named.clone(),
        create_if_missing: true,
    };
    Store::open_in(&default_like, options()).await.unwrap();
    assert!(named.join("okusuri.db").is_file());
}

#[tokio::test]
async fn a_missing_file_with_leftover_journal_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    // Keep the pool open so the -wal/-shm files exist, then lose the main file.
    std::fs::remove_file(tmp.path().join("okusuri.db")).unwrap();
    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::DatabaseMissing(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("データベースファイルが見つかりません")
    );
    assert!(err.to_string().contains("バックアップから復元"));
    assert!(
        !tmp.path().join("okusuri.db").exists(),
        "no new empty database"
    );
}

#[tokio::test]
async fn a_corrupt_file_is_reported_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("okusuri.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &garbage).unwrap();
    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("データベースファイルが壊れています"),
        "{message}"
    );
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert_eq!(std::fs::read(&file).unwrap(), garbage, "bytes unchanged");
}

#[tokio::test]
async fn a_damaged_real_database_is_reported_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;
    let file = tmp.path().join("okusuri.db");
    // Closing normally checkpoints and removes the WAL, but a CI run once
    // found it still there; a WAL holding page 1 is read instead of the
    // damaged header. Damage the file alone, as a bad copy is.
    for leftover in ["okusuri.db-wal", "okusuri.db-shm"] {
        let _ = std::fs::remove_file(tmp.path().join(leftover));
    }
    let mut bytes = std::fs::read(&file).unwrap();
    // Overwrite the header's magic string, as a bad copy or disk error would.
    bytes[..16].copy_from_slice(b"NOT SQLITE DATA!");
    std::fs::write(&file, &bytes).unwrap();
    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
}

#[tokio::test]
async fn an_empty_file_is_refused_not_filled() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("okusuri.db");
    std::fs::write(&file, b"").unwrap();
    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 0);
}

#[tokio::test]
async fn a_database_locked_by_another_program_gives_a_clear_message() {
    use sqlx::Executor;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;

    let mut other = raw(tmp.path()).await;
    other
        .execute("PRAGMA locking_mode = EXCLUSIVE")
        .await
        .unwrap();
    other.execute("BEGIN EXCLUSIVE").await.unwrap();
    other
        .execute("INSERT INTO settings (key, value) VALUES ('held', 'yes')")
        .await
        .unwrap();

    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err:?}");
    assert!(err.to_string().contains("他のプログラムで使用中"));

    other.execute("COMMIT").await.unwrap();
    drop(other);
    let store = open(tmp.path()).await;
    assert_eq!(store.counts().await.unwrap().staff, 1, "data intact");
}

#[tokio::test]
async fn a_database_from_a_newer_app_is_refused() {
    use sqlx::Executor;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;
    let mut other = raw(tmp.path()).await;
    other
        .execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99990101000000, 'from the future', 1, x'00', 0)",
        )
        .await
        .unwrap();
    drop(other);
    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema(_)), "{err:?}");
    assert!(err.to_string().contains("アプリを最新版に更新"));
}

#[tokio::test]
async fn a_data_folder_on_a_network_share_is_refused_with_the_safe_alternative() {
    for share in [r"\\nas\okusuri\data", r"\\?\UNC\recepta\out"] {
        let err = Store::open_in(
            &DataDir {
                path: share.into(),
                create_if_missing: true,
            },
            options(),
        )
        .await
        .unwrap_err();
        let message = err.to_string();
        println!("{message}");
        assert!(matches!(err, StoreError::NetworkShare { .. }), "{err:?}");
        assert!(
            message.contains("ネットワーク上の共有フォルダ"),
            "{message}"
        );
        assert!(message.contains("ローカルディスク"), "{message}");
        assert!(message.contains("複数台で使う"), "{message}");
        assert!(!std::path::Path::new(share).exists(), "nothing created");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_is_the_owners_only_and_every_commit_is_synced() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("okusuri-data");
    let store = Store::open_in(
        &DataDir {
            path: data.clone(),
            create_if_missing: true,
        },
        options(),
    )
    .await
    .unwrap();
    set_up(&store).await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("okusuri.db")), 0o600);
    assert_eq!(mode(&data.join("okusuri.db-wal")), 0o600);
    let synchronous: i64 = store.synchronous_level().await.unwrap();
    assert_eq!(synchronous, 2, "PRAGMA synchronous = FULL");
}
