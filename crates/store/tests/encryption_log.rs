//! The database key never reaches the log, even at TRACE with every target
//! on (SQLCipher's key is the first statement of every connection).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use okusuri_store::{DatabaseKey, OpenOptions, Store};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_key_is_not_logged() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Global: sqlx runs SQLite on its own worker threads.
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // A plain database first, so the conversion's statements run too.
    let store = open(tmp.path()).await;
    set_up(&store).await;
    store.close().await;
    drop(store);
    let key = DatabaseKey::new("feedface", vec![0xab; 32]).unwrap();
    let options = OpenOptions {
        database_key: Some(key),
        ..options()
    };
    let store = Store::open_in(&dir_of(tmp.path()), options).await.unwrap();
    assert!(store.is_encrypted());
    store.backup_now(at(2026, 11, 2, 0, 0)).await.unwrap();
    store.close().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("the database was encrypted"), "{log}");
    assert!(log.contains("database opened"), "{log}");
    assert!(!log.to_lowercase().contains(&"ab".repeat(32)), "{log}");
    assert!(!log.contains("x'"), "{log}");
}
