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
