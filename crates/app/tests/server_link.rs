//! The server link as the app runs it: two PCs (real SQLite files), each with
//! its link task to a real PostgreSQL cluster, no hand-made sync rounds. A
//! write on one PC reaches the other by itself; with the server stopped the
//! link says オフライン（n 件未送信） and sends when it is back.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// The store's test cluster (Debian's postgresql, initdb/pg_ctl in a temp folder).
#[path = "../../store/tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use okusuri_app::SystemClock;
use okusuri_app::server_link::{LinkStatus, ServerLink};
use okusuri_store::server::Server;
use okusuri_store::{
    Actor, ConsentMethod, DataDir, FacilitySetup, NewPatient, OpenOptions, Staff, Store, Via,
};

async fn pc(dir: &std::path::Path, server: &Server) -> (Store, Staff) {
    let data = DataDir {
        path: dir.to_path_buf(),
        create_if_missing: true,
    };
    let options = OpenOptions {
        audit_key: None,
        database_key: None,
        busy_timeout: Duration::from_millis(300),
        pc_name: "TEST-PC".into(),
    };
    let store = Store::open_in(&data, options).await.unwrap();
    let setup = FacilitySetup {
        facility_code: "PH0001".into(),
        facility_name: "さくら薬局 本店".into(),
        admin_login_id: "admin".into(),
        admin_name: "管理 太郎".into(),
        password: "first-pass-2026".into(),
        kind: okusuri_store::FacilityKind::Pharmacy,
    };
    let admin = store
        .set_up_facility(&setup, Via::Window, Utc::now())
        .await
        .unwrap();
    let number = server.join("TEST-PC").await.unwrap();
    store
        .start_recording(&Actor::staff(&admin, Via::Window), number, Utc::now())
        .await
        .unwrap();
    (store, admin)
}

/// Waits (up to 30 s) until `check` holds; returns how long it took.
async fn until<F, Fut>(what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < Duration::from_secs(30), "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_pc_reaches_the_other_by_itself_and_waits_out_a_stopped_server() {
    let pg = pg::Pg::start();
    let server = Server::connect(&pg.address()).await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, admin) = pc(da.path(), &server).await;
    let (b, _) = pc(db.path(), &server).await;
    let clock = Arc::new(SystemClock);
    let link_a = ServerLink::start(a.clone(), pg.address(), clock.clone());
    let link_b = ServerLink::start(b.clone(), pg.address(), clock);
    until("both connected", || async {
        matches!(link_a.status(), LinkStatus::Connected { .. })
            && matches!(link_b.status(), LinkStatus::Connected { .. })
    })
    .await;

    // A card issued on A: B finds the patient by the card, with no round by hand.
    let staff = Actor::staff(&admin, Via::Window);
    let patient = NewPatient {
        name: "山田 花子".into(),
        kana: "ヤマダ ハナコ".into(),
        sex: 2,
        birth_date: "1958-03-03".into(),
        phone: None,
    };
    const CARD: &str = "0123456789ABCDEF";
    let id = a
        .issue_card(&staff, &patient, ConsentMethod::Screen, CARD, Utc::now())
        .await
        .unwrap();
    let took = until("the patient on B", || async {
        b.patient_card(id).await.unwrap().as_deref() == Some(CARD)
    })
    .await;
    println!("card issued on A → on B's database: {took:?}");

    // The server stops: A keeps writing, and says so.
    pg.stop();
    a.add_patient_note(&staff, id, None, "サーバー停止中のメモ", Utc::now())
        .await
        .unwrap();
    until("A offline with one unsent", || async {
        link_a.status()
            == LinkStatus::Offline {
                unsent: 1,
                reason: reason(&link_a),
            }
    })
    .await;
    assert_eq!(link_a.status().label(), "オフライン（1 件未送信）");
    assert!(b.patient_notes(id).await.unwrap().is_empty());

    // Back: the memo goes out and reaches B, once.
    pg.restart();
    until("the memo on B", || async {
        b.patient_notes(id).await.unwrap().len() == 1
    })
    .await;
    until("A connected, nothing unsent", || async {
        link_a.status() == LinkStatus::Connected { unsent: 0 }
    })
    .await;
    assert_eq!(pg.psql("pharmacy", "SELECT count(*) FROM change_log"), "2");
}

fn reason(link: &ServerLink) -> String {
    match link.status() {
        LinkStatus::Offline { reason, .. } => reason,
        _ => String::new(),
    }
}
