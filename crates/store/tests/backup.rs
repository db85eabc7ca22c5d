//! Backups and restore on real files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::*;
use okusuri_store::backup::restore;
use okusuri_store::{Store, StoreError};

#[tokio::test]
async fn a_backup_is_a_dated_consistent_copy_and_old_ones_are_pruned() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let dir = store.default_backup_dir();
    let t0 = at(2026, 11, 1, 0, 0);
    let first = store.backup_to(&dir, 2, t0).await.unwrap();
    assert!(
        first
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("okusuri-20261101-")
    );
    let copy = Store::open_file(&first, options()).await.unwrap();
    assert_eq!(
        copy.facility().await.unwrap().unwrap().name,
        "さくら薬局 本店"
    );
    copy.close().await;
    store
        .backup_to(&dir, 2, t0 + Duration::hours(1))
        .await
        .unwrap();
    store
        .backup_to(&dir, 2, t0 + Duration::hours(2))
        .await
        .unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        !names.contains(&first.file_name().unwrap().to_str().unwrap().to_string()),
        "the oldest is gone"
    );
    assert_eq!(
        store.last_backup().await.unwrap(),
        Some(t0 + Duration::hours(2))
    );
}

#[tokio::test]
async fn a_daily_backup_happens_once_a_day() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let t0 = at(2026, 11, 1, 8, 0);
    assert!(store.daily_backup(t0).await.unwrap().is_some());
    assert!(
        store
            .daily_backup(t0 + Duration::hours(23))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .daily_backup(t0 + Duration::hours(24))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_named_backup_folder_that_is_missing_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let err = store
        .backup_to(&tmp.path().join("nas/backups"), 3, at(2026, 11, 1, 0, 0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::BackupDirMissing(_)));
    assert!(
        err.to_string()
            .starts_with("バックアップ先のフォルダが見つかりません")
    );
}

#[tokio::test]
async fn restore_brings_back_the_backup_and_keeps_the_current_database_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let backup = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 1, 0, 0))
        .await
        .unwrap();
    store
        .set_setting(
            &common::sys(),
            "after",
            "backup",
            common::at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    store.close().await;

    let aside = restore(
        &dir_of(tmp.path()),
        &backup,
        &common::sys(),
        options(),
        at(2026, 11, 2, 0, 0),
    )
    .await
    .unwrap();
    let restored = open(tmp.path()).await;
    assert_eq!(
        restored.setting("after").await.unwrap(),
        None,
        "the state of the backup"
    );
    assert_eq!(restored.counts().await.unwrap().staff, 1);
    let before = Store::open_file(&aside, options()).await.unwrap();
    assert_eq!(
        before.setting("after").await.unwrap().as_deref(),
        Some("backup"),
        "the previous database is kept"
    );
}

#[tokio::test]
async fn a_corrupt_or_foreign_file_is_refused_and_the_database_is_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;
    let db = tmp.path().join("okusuri.db");
    let before = std::fs::read(&db).unwrap();

    let garbage = tmp.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"SQLite format 3\0 but then nothing useful".repeat(100),
    )
    .unwrap();
    let err = restore(
        &dir_of(tmp.path()),
        &garbage,
        &common::sys(),
        options(),
        at(2026, 11, 2, 0, 0),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::BackupInvalid(_)), "{err:?}");
    assert!(err.to_string().contains("現在のデータはそのままです"));

    // A healthy SQLite file that is not ours.
    let foreign = tmp.path().join("foreign.db");
    let url = format!("sqlite://{}?mode=rwc", foreign.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::Executor::execute(&mut conn, "CREATE TABLE t (x)")
        .await
        .unwrap();
    drop(conn);
    assert!(matches!(
        restore(
            &dir_of(tmp.path()),
            &foreign,
            &common::sys(),
            options(),
            at(2026, 11, 2, 0, 0)
        )
        .await,
        Err(StoreError::BackupInvalid(_))
    ));

    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the current database is untouched"
    );
    assert_eq!(open(tmp.path()).await.counts().await.unwrap().staff, 1);
}

#[tokio::test]
async fn restore_is_refused_while_the_data_folder_is_open() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let backup = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 1, 0, 0))
        .await
        .unwrap();
    store
        .set_setting(&common::sys(), "after", "backup", at(2026, 11, 1, 1, 0))
        .await
        .unwrap();
    let err = restore(
        &dir_of(tmp.path()),
        &backup,
        &common::sys(),
        options(),
        at(2026, 11, 2, 0, 0),
    )
    .await
    .unwrap_err();
    println!("{err}");
    assert!(matches!(err, StoreError::InUse(_)), "{err:?}");
    assert!(err.to_string().contains("アプリをトレイの「終了」"));
    assert_eq!(
        store.setting("after").await.unwrap().as_deref(),
        Some("backup"),
        "the open database is untouched and still works"
    );
    // A second store on the same folder (the command line beside the app) is fine.
    let beside = open(tmp.path()).await;
    beside.close().await;
    store.close().await;
    restore(
        &dir_of(tmp.path()),
        &backup,
        &common::sys(),
        options(),
        at(2026, 11, 2, 0, 0),
    )
    .await
    .unwrap();
    assert_eq!(open(tmp.path()).await.setting("after").await.unwrap(), None);
}

#[tokio::test]
async fn every_backup_is_copied_to_the_second_folder_and_a_missing_one_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store
        .set_setting(
            &common::sys(),
            okusuri_store::backup::SECOND_DIR_KEY,
            &usb.path().display().to_string(),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    let done = store
        .daily_backup(at(2026, 11, 1, 8, 0))
        .await
        .unwrap()
        .unwrap();
    let copy = done.second.unwrap().unwrap();
    assert_eq!(copy.parent().unwrap(), usb.path());
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&done.file).unwrap()
    );
    assert_eq!(
        store.last_second_backup().await.unwrap(),
        Some(at(2026, 11, 1, 8, 0))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&done.file), 0o600);
        assert_eq!(mode(&copy), 0o600);
        assert_eq!(mode(&store.default_backup_dir()), 0o700);
    }
    // The USB drive is pulled out: the backup is still made, the copy reported.
    let gone = usb.path().to_path_buf();
    drop(usb);
    let done = store
        .daily_backup(at(2026, 11, 2, 8, 0))
        .await
        .unwrap()
        .unwrap();
    assert!(done.file.exists());
    let e = done.second.unwrap().unwrap_err();
    println!("{e}");
    assert!(e.contains("2つ目のバックアップ先が見つかりません"), "{e}");
    assert!(e.contains(&gone.display().to_string()), "{e}");
    assert_eq!(
        store.last_second_backup().await.unwrap(),
        Some(at(2026, 11, 1, 8, 0)),
        "the last good copy is still the one shown"
    );
}
