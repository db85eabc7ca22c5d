//! The keyed access-log chain and its signed head (issue 16 §7) on a real
//! database file: every way of covering tracks that the review named is
//! found — an edited row, a row removed in the middle, the newest rows
//! removed, legacy rows "unchained", an old copy put in place — and a
//! program without the key cannot write.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_store::{AccessEvent, OpenOptions, Store, StoreError};
use sqlx::Executor;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

async fn keyed(dir: &std::path::Path) -> Store {
    Store::open_in(&dir_of(dir), options())
        .await
        .unwrap()
        .with_audit_key(KEY.to_vec())
}

async fn some_rows(store: &Store, from_hour: u32, n: u32) {
    for h in 0..n {
        store
            .audit(
                &sys(),
                AccessEvent::SettingsChanged,
                None,
                "x",
                at(2026, 11, 2, from_hour + h, 0),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_keyed_chain_holds_and_records_what_came_before_once() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = open(tmp.path()).await;
    set_up(&plain).await;
    some_rows(&plain, 1, 2).await;
    // Three rows from before the chain existed (as migration 0003 left them).
    let mut raw = raw(tmp.path()).await;
    raw.execute("UPDATE access_log SET hash = ''")
        .await
        .unwrap();
    let store = plain.with_audit_key(KEY.to_vec());
    assert!(
        store
            .key_audit_chain(&sys(), at(2026, 11, 2, 5, 0))
            .await
            .unwrap()
    );
    assert!(
        !store
            .key_audit_chain(&sys(), at(2026, 11, 2, 5, 0))
            .await
            .unwrap(),
        "once"
    );
    some_rows(&store, 6, 3).await;
    let report = store.verify_access_log().await.unwrap();
    assert!(report.holds(), "{report:?}");
    assert_eq!(report.unchained, 3);
    assert_eq!(report.recorded_unchained, Some(3));
    assert_eq!(report.keyed_from, Some(4));
    assert!(store.head_file().exists());

    // "Unchaining" a keyed row to make it look like a legacy one.
    raw.execute("UPDATE access_log SET hash = '' WHERE id = 5")
        .await
        .unwrap();
    assert_eq!(
        store.verify_access_log().await.unwrap().first_broken,
        Some(5)
    );
}

#[tokio::test]
async fn an_edit_with_the_plain_hash_recomputed_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let store = keyed(tmp.path()).await;
    set_up(&store).await;
    store
        .key_audit_chain(&sys(), at(2026, 11, 2, 0, 0))
        .await
        .unwrap();
    some_rows(&store, 1, 4).await;
    // Someone without the key edits row 4 and chains it again as SHA-256.
    let mut raw = raw(tmp.path()).await;
    raw.execute("UPDATE access_log SET detail = 'nothing to see' WHERE id = 4")
        .await
        .unwrap();
    let report = store.verify_access_log().await.unwrap();
    assert_eq!(report.first_broken, Some(4), "{report:?}");
}

#[tokio::test]
async fn removing_a_middle_row_or_the_newest_rows_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let store = keyed(tmp.path()).await;
    set_up(&store).await;
    store
        .key_audit_chain(&sys(), at(2026, 11, 2, 0, 0))
        .await
        .unwrap();
    some_rows(&store, 1, 5).await;
    let mut raw = raw(tmp.path()).await;
    raw.execute("DELETE FROM access_log WHERE id = (SELECT max(id) FROM access_log)")
        .await
        .unwrap();
    let report = store.verify_access_log().await.unwrap();
    assert_eq!(report.first_broken, None, "the chain alone cannot see it");
    let problem = report.head_problem.unwrap();
    println!("{problem}");
    assert!(problem.contains("最新の記録が削除された"), "{problem}");

    some_rows(&store, 10, 2).await; // the head follows the newest row again
    assert!(store.verify_access_log().await.unwrap().holds());
    raw.execute("DELETE FROM access_log WHERE id = 4")
        .await
        .unwrap();
    assert_eq!(
        store.verify_access_log().await.unwrap().first_broken,
        Some(5)
    );
}

#[tokio::test]
async fn an_old_copy_put_in_place_of_the_database_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let store = keyed(tmp.path()).await;
    set_up(&store).await;
    store
        .key_audit_chain(&sys(), at(2026, 11, 2, 0, 0))
        .await
        .unwrap();
    some_rows(&store, 1, 2).await;
    let old = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 2, 3, 0))
        .await
        .unwrap();
    some_rows(&store, 4, 3).await;
    store.close().await;
    drop(store);
    // By hand, not through restore: the file copied over the database.
    std::fs::copy(&old, tmp.path().join("okusuri.db")).unwrap();
    for side in ["okusuri.db-wal", "okusuri.db-shm"] {
        let _ = std::fs::remove_file(tmp.path().join(side));
    }
    let store = keyed(tmp.path()).await;
    let report = store.verify_access_log().await.unwrap();
    let problem = report.head_problem.unwrap();
    println!("{problem}");
    assert!(problem.contains("古いデータベース"), "{problem}");
}

#[tokio::test]
async fn a_restore_through_the_app_moves_the_head_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = keyed(tmp.path()).await;
    set_up(&store).await;
    store
        .key_audit_chain(&sys(), at(2026, 11, 2, 0, 0))
        .await
        .unwrap();
    let old = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 2, 3, 0))
        .await
        .unwrap();
    some_rows(&store, 4, 3).await;
    store.close().await;
    drop(store);
    let options = OpenOptions {
        audit_key: Some(KEY.to_vec()),
        ..options()
    };
    okusuri_store::backup::restore(
        &dir_of(tmp.path()),
        &old,
        &sys(),
        options,
        at(2026, 11, 3, 0, 0),
    )
    .await
    .unwrap();
    let store = keyed(tmp.path()).await;
    assert!(
        store.verify_access_log().await.unwrap().holds(),
        "restores are logged and signed"
    );
}

#[tokio::test]
async fn without_the_key_a_keyed_log_is_neither_written_nor_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let store = keyed(tmp.path()).await;
    set_up(&store).await;
    store
        .key_audit_chain(&sys(), at(2026, 11, 2, 0, 0))
        .await
        .unwrap();
    store.close().await;
    drop(store);
    let plain = open(tmp.path()).await;
    let refused = plain
        .audit(
            &sys(),
            AccessEvent::SettingsChanged,
            None,
            "x",
            at(2026, 11, 2, 1, 0),
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::AuditKeyMissing));
    println!("{refused}");
    assert!(plain.verify_access_log().await.unwrap().key_missing);
    // Another key is no key.
    let wrong = plain.with_audit_key(b"not the key at all, not at all!!".to_vec());
    assert!(!wrong.verify_access_log().await.unwrap().holds());
}

#[tokio::test]
async fn a_keyed_backup_restored_without_its_key_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = keyed(tmp.path()).await;
    set_up(&store).await;
    store
        .key_audit_chain(&sys(), at(2026, 11, 2, 0, 0))
        .await
        .unwrap();
    let old = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 2, 3, 0))
        .await
        .unwrap();
    some_rows(&store, 4, 3).await;
    let before = store.recent_access_log(1).await.unwrap()[0].id;
    store.close().await;
    drop(store);
    let err = okusuri_store::backup::restore(
        &dir_of(tmp.path()),
        &old,
        &sys(),
        options(),
        at(2026, 11, 3, 0, 0),
    )
    .await
    .unwrap_err();
    println!("{err}");
    assert!(matches!(err, StoreError::AuditKeyMissing), "{err:?}");
    assert!(err.to_string().contains("okusuri audit key --import"));
    let store = keyed(tmp.path()).await;
    assert_eq!(
        store.recent_access_log(1).await.unwrap()[0].id,
        before,
        "the current database is back in place"
    );
    assert!(store.verify_access_log().await.unwrap().holds());
}
