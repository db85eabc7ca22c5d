//! Helpers shared by the store's integration tests: real files in temp folders.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code, missing_docs)]

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use okusuri_store::{Actor, DataDir, FacilitySetup, OpenOptions, Staff, Store, Via};

pub fn options() -> OpenOptions {
    OpenOptions {
        audit_key: None,
        database_key: None,
        busy_timeout: Duration::from_millis(300),
        pc_name: "TEST-PC".into(),
    }
}

pub fn dir_of(path: &Path) -> DataDir {
    DataDir {
        path: path.to_path_buf(),
        create_if_missing: false,
    }
}

pub async fn open(dir: &Path) -> Store {
    Store::open_in(&dir_of(dir), options()).await.unwrap()
}

pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub fn setup() -> FacilitySetup {
    FacilitySetup {
        facility_code: "PH0001".into(),
        facility_name: "さくら薬局 本店".into(),
        admin_login_id: "admin".into(),
        admin_name: "管理 太郎".into(),
        password: "first-pass-2026".into(),
        kind: okusuri_store::FacilityKind::Pharmacy,
    }
}

pub async fn set_up(store: &Store) -> Staff {
    store
        .set_up_facility(&setup(), Via::Window, at(2026, 11, 1, 0, 0))
        .await
        .unwrap()
}

/// A second, independent connection to the same file, for writing rows no
/// public API writes yet and for checking what is on disk.
pub async fn raw(dir: &Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let url = format!("sqlite://{}", dir.join("okusuri.db").display());
    sqlx::SqliteConnection::connect(&url).await.unwrap()
}

/// The app itself as the actor (imports and visits in tests that are not about who).
pub fn sys() -> Actor {
    Actor::system("テスト")
}

/// A staff member acting in the window.
pub fn act(staff: &Staff) -> Actor {
    Actor::staff(staff, Via::Window)
}

/// A document as the import gate lets it in (the store takes nothing else).
/// The gate's "today" is far ahead, so tests may use any past date.
pub fn admit(doc: &okusuri_jahis::Document) -> okusuri_domain::gate::Admitted {
    let today = chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    okusuri_domain::gate::Gate::new(today, u64::MAX)
        .built(doc)
        .unwrap_or_else(|e| panic!("{e}"))
}
