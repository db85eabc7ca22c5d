//! The database encrypted at rest (issue 16 §1) on real files: SQLCipher
//! files that the stock `sqlite3` cannot read, the one-time conversion of a
//! plain database (and a conversion cut short), encrypted backups, and a
//! restore that refuses a backup its key cannot open, changing nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_store::encryption::{FileState, ID_FILE_NAME, file_state, folder_id};
use okusuri_store::{AccessEvent, DatabaseKey, OpenOptions, Store, StoreError};

const KEY: [u8; 32] = *b"0123456789abcdef0123456789abcdef";
const OTHER: [u8; 32] = *b"fedcba9876543210fedcba9876543210";

fn key() -> DatabaseKey {
    DatabaseKey::new("a1b2c3d4", KEY.to_vec()).unwrap()
}

fn with(key: DatabaseKey) -> OpenOptions {
    OpenOptions {
        database_key: Some(key),
        ..options()
    }
}

async fn open_with(dir: &std::path::Path, key: DatabaseKey) -> Result<Store, StoreError> {
    Store::open_in(&dir_of(dir), with(key)).await
}

/// What `sqlite3` (the stock SQLite shell, no SQLCipher) makes of a file.
fn sqlite3(file: &std::path::Path, sql: &str) -> (bool, String) {
    let out = std::process::Command::new("sqlite3")
        .arg(file)
        .arg(sql)
        .output()
        .expect("sqlite3 is installed by scripts/setup-debian.sh");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

async fn events(store: &Store, event: AccessEvent) -> usize {
    store
        .recent_access_log(100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.event == event.as_str())
        .count()
}

#[tokio::test]
async fn a_database_made_with_a_key_is_unreadable_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_with(tmp.path(), key()).await.unwrap();
    set_up(&store).await;
    assert!(store.is_encrypted());
    store.close().await;
    drop(store);

    let file = tmp.path().join("okusuri.db");
    assert_eq!(file_state(&file).unwrap(), FileState::Encrypted);
    let (ok, text) = sqlite3(&file, "SELECT count(*) FROM staff");
    assert!(!ok, "sqlite3 read the encrypted file: {text}");
    assert!(text.contains("not a database"), "{text}");
    let bytes = std::fs::read(&file).unwrap();
    let name = "さくら薬局".as_bytes();
    assert!(!bytes.windows(name.len()).any(|w| w == name));
    assert_eq!(folder_id(&dir_of(tmp.path())).as_deref(), Some("a1b2c3d4"));

    // The right key opens it; the database carries the key's ID.
    let store = open_with(tmp.path(), key()).await.unwrap();
    assert_eq!(
        store.facility().await.unwrap().unwrap().name,
        "さくら薬局 本店"
    );
    assert_eq!(
        store.setting("db.id").await.unwrap().as_deref(),
        Some("a1b2c3d4")
    );
    store.close().await;
    drop(store);

    // Another key and no key: clear refusals, and the file is untouched.
    let before = std::fs::read(&file).unwrap();
    let wrong = DatabaseKey::new("a1b2c3d4", OTHER.to_vec()).unwrap();
    let err = open_with(tmp.path(), wrong).await.unwrap_err();
    assert!(matches!(err, StoreError::DatabaseKeyWrong(_)), "{err:?}");
    assert!(err.to_string().contains("鍵で開けません"), "{err}");
    let err = Store::open_in(&dir_of(tmp.path()), options())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let store = open_with(tmp.path(), key()).await.unwrap();
    assert_eq!(store.list_staff().await.unwrap().len(), 1);
    store.close().await;
}

#[tokio::test]
async fn a_plain_database_is_converted_once_with_every_row() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    for n in 0..50 {
        store
            .audit(
                &act(&admin),
                AccessEvent::SettingsChanged,
                None,
                &format!("row {n}"),
                at(2026, 11, 2, 0, n % 60),
            )
            .await
            .unwrap();
    }
    let id = store.database_id(at(2026, 11, 2, 1, 0)).await.unwrap();
    let log_before = store.recent_access_log(100_000).await.unwrap();
    assert!(!store.is_encrypted());
    store.close().await;
    drop(store);
    let file = tmp.path().join("okusuri.db");
    assert_eq!(file_state(&file).unwrap(), FileState::Plain);

    let own = DatabaseKey::new(&id, KEY.to_vec()).unwrap();
    let store = open_with(tmp.path(), own.clone()).await.unwrap();
    assert_eq!(file_state(&file).unwrap(), FileState::Encrypted);
    let log_after = store.recent_access_log(100_000).await.unwrap();
    // Newest first: the rows from before are the oldest, unchanged.
    assert_eq!(
        &log_after[log_after.len() - log_before.len()..],
        &log_before[..]
    );
    assert_eq!(events(&store, AccessEvent::DatabaseEncrypted).await, 1);
    assert!(store.verify_access_log().await.unwrap().holds());
    store.close().await;
    drop(store);
    // Nothing of the plain file is left beside it.
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("plain") || n.contains("encrypting")),
        "{names:?}"
    );
    assert_eq!(folder_id(&dir_of(tmp.path())), Some(id.clone()));

    // Opening again converts nothing more.
    let store = open_with(tmp.path(), own).await.unwrap();
    assert_eq!(events(&store, AccessEvent::DatabaseEncrypted).await, 1);
    assert_eq!(
        store.recent_access_log(100_000).await.unwrap().len(),
        log_after.len()
    );
    store.close().await;
}

#[tokio::test]
async fn a_conversion_cut_short_is_undone_or_finished() {
    // Cut after the plain file was moved aside, before the copy took its place.
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;
    drop(store);
    let file = tmp.path().join("okusuri.db");
    let aside = tmp.path().join("okusuri.db.plain");
    std::fs::rename(&file, &aside).unwrap();
    std::fs::write(tmp.path().join("okusuri.db.encrypting"), b"half a copy").unwrap();
    let store = open_with(tmp.path(), key()).await.unwrap();
    assert!(store.is_encrypted());
    assert_eq!(store.list_staff().await.unwrap().len(), 1);
    store.close().await;
    drop(store);
    assert!(!aside.exists());
    assert!(!tmp.path().join("okusuri.db.encrypting").exists());

    // Cut after the swap, before the plain file was removed.
    std::fs::write(&aside, b"SQLite format 3\0 the old plain file").unwrap();
    let store = open_with(tmp.path(), key()).await.unwrap();
    assert_eq!(store.list_staff().await.unwrap().len(), 1);
    store.close().await;
    assert!(!aside.exists());
}

#[tokio::test]
async fn backups_are_encrypted_and_restore_refuses_one_it_cannot_open() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open_with(tmp.path(), key()).await.unwrap();
    let admin = set_up(&store).await;
    let backup = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 2, 3, 0))
        .await
        .unwrap();
    assert_eq!(file_state(&backup).unwrap(), FileState::Encrypted);
    assert!(!sqlite3(&backup, "SELECT count(*) FROM staff").0);
    store
        .add_staff(
            &act(&admin),
            &okusuri_store::NewStaff {
                login_id: "yakuzai".into(),
                display_name: "薬剤 花子".into(),
                role: okusuri_store::Role::Pharmacist,
                password: "pharm-pass-2026".into(),
            },
            at(2026, 11, 2, 4, 0),
        )
        .await
        .unwrap();
    store.close().await;
    drop(store);

    // A backup of another database (another key) is refused; nothing changes.
    let other = tempfile::tempdir().unwrap();
    let foreign = DatabaseKey::new("f0f0", OTHER.to_vec()).unwrap();
    let store = open_with(other.path(), foreign).await.unwrap();
    set_up(&store).await;
    let foreign_backup = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 2, 3, 0))
        .await
        .unwrap();
    store.close().await;
    drop(store);
    let dir = dir_of(tmp.path());
    let err = okusuri_store::backup::restore(
        &dir,
        &foreign_backup,
        &sys(),
        with(key()),
        at(2026, 11, 3, 0, 0),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::DatabaseKeyWrong(_)), "{err:?}");
    println!("{err}");
    let err =
        okusuri_store::backup::restore(&dir, &backup, &sys(), options(), at(2026, 11, 3, 0, 0))
            .await
            .unwrap_err();
    assert!(matches!(err, StoreError::BackupNeedsKey(_)), "{err:?}");
    assert!(err.to_string().contains("okusuri db key --import"), "{err}");
    let store = open_with(tmp.path(), key()).await.unwrap();
    assert_eq!(store.list_staff().await.unwrap().len(), 2);
    store.close().await;
    drop(store);

    // Its own backup restores with the key.
    okusuri_store::backup::restore(&dir, &backup, &sys(), with(key()), at(2026, 11, 3, 0, 0))
        .await
        .unwrap();
    let store = open_with(tmp.path(), key()).await.unwrap();
    assert_eq!(store.list_staff().await.unwrap().len(), 1);
    assert_eq!(events(&store, AccessEvent::DatabaseRestored).await, 1);
    store.close().await;
}

#[tokio::test]
async fn a_plain_backup_restored_into_an_encrypted_folder_is_encrypted() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let id = store.database_id(at(2026, 11, 2, 0, 0)).await.unwrap();
    let plain_backup = store
        .backup_to(&store.default_backup_dir(), 5, at(2026, 11, 2, 3, 0))
        .await
        .unwrap();
    store.close().await;
    drop(store);
    let own = DatabaseKey::new(&id, KEY.to_vec()).unwrap();
    let store = open_with(tmp.path(), own.clone()).await.unwrap();
    store.close().await;
    drop(store);
    assert_eq!(file_state(&plain_backup).unwrap(), FileState::Plain);

    okusuri_store::backup::restore(
        &dir_of(tmp.path()),
        &plain_backup,
        &sys(),
        with(own.clone()),
        at(2026, 11, 3, 0, 0),
    )
    .await
    .unwrap();
    let file = tmp.path().join("okusuri.db");
    assert_eq!(file_state(&file).unwrap(), FileState::Encrypted);
    let store = open_with(tmp.path(), own).await.unwrap();
    assert_eq!(store.list_staff().await.unwrap().len(), 1);
    store.close().await;
    assert!(tmp.path().join(ID_FILE_NAME).is_file());
}

#[tokio::test]
async fn a_conversion_that_cannot_write_its_copy_leaves_the_plain_database_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;
    drop(store);
    let file = tmp.path().join("okusuri.db");
    let before = std::fs::read(&file).unwrap();
    // Something in the way of the encrypted copy (a folder of that name).
    std::fs::create_dir(tmp.path().join("okusuri.db.encrypting")).unwrap();
    let err = open_with(tmp.path(), key()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::EncryptionFailed { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("元のデータベースはそのまま使えます"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(file_state(&file).unwrap(), FileState::Plain);
    let store = open(tmp.path()).await;
    assert_eq!(store.list_staff().await.unwrap().len(), 1);
    store.close().await;
}
