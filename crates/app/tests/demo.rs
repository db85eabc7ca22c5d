//! `okusuri demo` on a real SQLite file and a real feed folder: a working day
//! that the window shows as a pharmacist would meet it.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use okusuri_app::demo::{self, PASSWORD, STAFF_ID};
use okusuri_app::{App, FixedClock};
use okusuri_store::{DataDir, HistoryFilter, OpenOptions, Store, Via};

async fn open(dir: &std::path::Path) -> Store {
    Store::open_in(
        &DataDir {
            path: dir.to_path_buf(),
            create_if_missing: false,
        },
        OpenOptions::default(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_demo_is_a_working_day_made_through_the_use_cases() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path()).await;
    // 14:30 in Japan.
    let clock = FixedClock::jst(Utc.with_ymd_and_hms(2026, 12, 4, 5, 30, 0).unwrap());
    let report = demo::fill(&store, dir.path(), clock).await.unwrap();
    assert_eq!(report.patients, 32);
    assert_eq!(report.today, 10);

    let app = App::with_clock(store.clone(), Arc::new(clock));
    assert!(app.is_demo().await.unwrap());
    let status = app.status(None).await.unwrap();
    assert_eq!(status.demo.unwrap().staff_id, STAFF_ID);
    let session = app
        .sign_in(demo::FACILITY_ID, STAFF_ID, PASSWORD, None, Via::Window)
        .await
        .unwrap();

    let days = app.patient_list(&session).await.unwrap();
    assert_eq!(days[0].label, "本日");
    assert_eq!(days[0].patients.len(), 10);
    assert!(
        days.iter().any(|d| d.patients.is_empty()),
        "a quiet day shows 患者様はいません"
    );
    let times: Vec<&str> = days[0].patients.iter().map(|p| p.time.as_str()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "latest first: {times:?}"
    );
    assert!(
        times.iter().all(|t| *t <= "14:30"),
        "nobody touched in the future: {times:?}"
    );

    // A long-term patient: two years, several RPs with different 用法名, still taking.
    let long_term = days[0]
        .patients
        .iter()
        .find(|p| p.name == "佐藤 一郎")
        .unwrap();
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = app
            .history_page(
                &session,
                long_term.patient_id,
                HistoryFilter::All,
                after.as_ref(),
            )
            .await
            .unwrap();
        all.extend(page.dispensings);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert!(all.len() >= 26, "{} dispensings", all.len());
    assert!(
        all.iter().all(|d| d.warnings.is_empty()),
        "the demo passes the gate cleanly"
    );

    // The unlinked card: 髙橋 on the card, 高橋 at the receipt computer.
    let found = app.search_patients(&session, "タカハシ").await.unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    let card = found.iter().find(|p| p.name.starts_with('髙')).unwrap();
    assert!(!card.auto_registration);
    let admin = app
        .sign_in(
            demo::FACILITY_ID,
            demo::ADMIN_ID,
            PASSWORD,
            None,
            Via::Window,
        )
        .await
        .unwrap();
    let candidates = app.link_candidates(&admin, card.id).await.unwrap();
    assert!(
        candidates.iter().any(|c| c.name == "高橋 幸子"),
        "{candidates:?}"
    );

    // One file is still waiting in the feed folder (the app imports it at start).
    let folder = report.feed_folder;
    let ledger = store
        .feed_files(&folder.display().to_string())
        .await
        .unwrap();
    let listed = std::fs::read_dir(&folder).unwrap().count();
    assert_eq!(listed, ledger.len() + 1);
    store.close().await;
}

#[tokio::test]
async fn the_demo_refuses_a_database_with_a_facility() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path()).await;
    let clock = FixedClock::jst(Utc.with_ymd_and_hms(2026, 12, 4, 5, 30, 0).unwrap());
    demo::fill(&store, dir.path(), clock).await.unwrap();
    let again = demo::fill(&store, dir.path(), clock).await.unwrap_err();
    assert!(
        again.message.contains("施設があります"),
        "{}",
        again.message
    );
    store.close().await;
}
