//! Helpers shared by the store's integration tests: real files in temp folders.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code, missing_docs)]

pub mod pg;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use okusuri_store::{Actor, DataDir, FacilitySetup, NewPatient, OpenOptions, Staff, Store, Via};

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

/// Every row the sync covers, as text, for comparing two PCs.
pub async fn dump(dir: &std::path::Path) -> Vec<String> {
    use sqlx::Row;
    let mut conn = raw(dir).await;
    let mut out = Vec::new();
    for sql in [
        "SELECT id, name, kana, sex, birth_date, phone, created_at FROM patient ORDER BY id",
        "SELECT id, patient_id, visited_at, source FROM visit ORDER BY id",
        "SELECT id, patient_id, text, staff_id, created_at, withdrawn_at, withdrawn_reason FROM memo ORDER BY id",
        "SELECT id, patient_id, kind, text, created_at, withdrawn_at, withdrawn_reason FROM body_info ORDER BY id",
        "SELECT idm, patient_id, issued_at, disabled_at, disabled_reason FROM card ORDER BY idm",
        "SELECT id, patient_id, method, at FROM consent ORDER BY id",
        "SELECT source, external_id, patient_id, linked_at FROM patient_external_id ORDER BY 1, 2",
        "SELECT id, patient_id, identity, dispensed_on, place_name, prescriber_name, source, imported_at, warnings
         FROM dispensing ORDER BY id",
        "SELECT id, dispensing_id, seq, rp_no, usage_name, quantity, usage_code FROM rp ORDER BY id",
        "SELECT id, rp_id, seq, name, dose, unit, code FROM drug ORDER BY id",
        "SELECT id, rp_id, drug_id, record, text FROM rp_note ORDER BY id",
        "SELECT id, dispensing_id, record, text FROM dispensing_note ORDER BY id",
        "SELECT id, patient_id, identity, name, start_on, components FROM otc_use ORDER BY id",
        "SELECT id, patient_id, kind, text, source FROM body_info ORDER BY id",
        "SELECT id, patient_id, text, written_on, source FROM memo ORDER BY id",
    ] {
        for row in sqlx::query(sql).fetch_all(&mut conn).await.unwrap() {
            let cols: Vec<String> = (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .or_else(|| {
                            row.try_get::<Option<i64>, _>(i)
                                .ok()
                                .flatten()
                                .map(|n| n.to_string())
                        })
                        .unwrap_or_else(|| "NULL".into())
                })
                .collect();
            out.push(format!("{sql}: {}", cols.join("|")));
        }
    }
    out
}

/// A PC's database, set up and recording as PC `number`.
pub async fn pc(dir: &std::path::Path, number: i64) -> (Store, Staff) {
    let store = open_new(dir).await;
    let admin = set_up(&store).await;
    store
        .start_recording(&act(&admin), number, at(2026, 12, 1, 8, 0))
        .await
        .unwrap();
    (store, admin)
}

/// A new database in `dir` (created).
pub async fn open_new(dir: &std::path::Path) -> Store {
    let data = okusuri_store::DataDir {
        path: dir.to_path_buf(),
        create_if_missing: true,
    };
    Store::open_in(&data, options()).await.unwrap()
}

/// A new patient as 新規発行 collects them.
pub fn hanako() -> NewPatient {
    NewPatient {
        name: "山田 花子".into(),
        kana: "ヤマダ ハナコ".into(),
        sex: 2,
        birth_date: "1958-03-03".into(),
        phone: None,
    }
}

/// A JAHIS test document of the jahis crate.
pub fn fixture(name: &str) -> okusuri_jahis::Document {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name);
    okusuri_jahis::read(&std::fs::read(path).unwrap(), okusuri_jahis::Mode::Lenient).unwrap()
}
