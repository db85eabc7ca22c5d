//! The patient list (P1) read from real visit rows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{FixedOffset, NaiveDate};
use common::*;
use sqlx::Executor;

fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn an_empty_store_lists_every_day_with_no_patients() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let list = store
        .patient_list(day("2025-07-05"), jst(), 7)
        .await
        .unwrap();
    assert_eq!(list.len(), 7);
    assert_eq!(list[0].label, "本日");
    assert_eq!(list[0].date, "2025-07-05");
    assert_eq!(list[2].label, "7月3日 (木)");
    assert!(list.iter().all(|d| d.patients.is_empty()));
}

#[tokio::test]
async fn visits_group_by_local_day_newest_first_once_per_patient() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let mut raw = raw(tmp.path()).await;
    raw.execute(
        "INSERT INTO patient (id, name, kana, sex, birth_date, created_at) VALUES
           (1, '春茂 花子', 'ハルモ ハナコ', 2, '1990-01-01', '2025-01-01T00:00:00.000Z'),
           (2, '春茂 拓哉', 'ハルモ タクヤ', 1, '1990-01-01', '2025-01-01T00:00:00.000Z'),
           (3, '春茂 優子', 'ハルモ ユウコ', 0, NULL, '2025-01-01T00:00:00.000Z');
         INSERT INTO patient_external_id (source, external_id, patient_id, linked_at)
           VALUES ('recept', '000123', 1, '2025-01-01T00:00:00.000Z');",
    )
    .await
    .unwrap();
    // 2025-07-05 09:00 JST = 00:00 UTC.
    store
        .record_visit(&common::sys(), 1, at(2025, 7, 5, 0, 10), "card")
        .await
        .unwrap();
    store
        .record_visit(&common::sys(), 2, at(2025, 7, 5, 6, 20), "card")
        .await
        .unwrap();
    store
        .record_visit(&common::sys(), 1, at(2025, 7, 5, 6, 25), "card")
        .await
        .unwrap(); // touched again
    // 2025-07-02 23:30 JST is the evening of the 2nd, not the 3rd.
    store
        .record_visit(&common::sys(), 3, at(2025, 7, 2, 14, 30), "card")
        .await
        .unwrap();
    // Older than the window: not listed.
    store
        .record_visit(&common::sys(), 2, at(2025, 6, 1, 0, 0), "card")
        .await
        .unwrap();

    let list = store
        .patient_list(day("2025-07-05"), jst(), 7)
        .await
        .unwrap();
    let today = &list[0];
    assert_eq!(today.patients.len(), 2, "a second touch does not duplicate");
    assert_eq!(
        today.patients[0].patient_id, 1,
        "the latest touch is on top"
    );
    assert_eq!(today.patients[0].time, "15:25");
    assert_eq!(today.patients[0].kana, "ハルモ ハナコ");
    assert_eq!(today.patients[0].sex, "女性");
    assert_eq!(today.patients[0].birth, "1990年01月01日 (35歳)");
    assert!(today.patients[0].auto_registration);
    assert_eq!(today.patients[1].patient_id, 2);
    assert_eq!(today.patients[1].time, "15:20");
    assert!(!today.patients[1].auto_registration);
    assert!(list[2].patients.is_empty(), "7月3日: 患者様はいません");
    assert_eq!(list[3].label, "7月2日 (水)");
    assert_eq!(list[3].patients[0].sex, "不明");
    assert_eq!(list[3].patients[0].birth, "不明");
    assert_eq!(list[3].patients[0].time, "23:30");
}

/// The feed's ledger is written through the audited path too: how many
/// files, never their names (which can carry patient numbers).
#[tokio::test]
async fn the_feed_ledger_is_audited_without_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let file = okusuri_store::FeedFile {
        name: "000123_yamada.txt".into(),
        size: 10,
        mtime_ns: 1,
        hash: "ab".into(),
        status: okusuri_store::FeedFileStatus::Error,
        error: Some("壊れています".into()),
        dispensings: 0,
    };
    let now = at(2026, 11, 2, 0, 0);
    let feed = okusuri_store::Actor::system("レセコン連携");
    store
        .record_feed_files(&feed, "/recept", &[file], now)
        .await
        .unwrap();
    let retried = store
        .retry_feed_file(&common::act(&admin), "/recept", "000123_yamada.txt", now)
        .await
        .unwrap();
    assert!(retried);
    let again = store
        .retry_feed_file(&common::act(&admin), "/recept", "000123_yamada.txt", now)
        .await
        .unwrap();
    assert!(!again, "nothing to retry: nothing logged");
    let log = store.recent_access_log(2).await.unwrap();
    assert_eq!(log[0].event, "feed_file_retried");
    assert_eq!(log[0].login_id, "admin");
    assert_eq!(log[1].event, "feed_files_recorded");
    assert_eq!(log[1].login_id, "(レセコン連携)");
    assert_eq!(log[1].detail.as_deref(), Some("1 files"));
    assert!(
        log.iter()
            .all(|e| !e.detail.clone().unwrap_or_default().contains("000123"))
    );
    assert_eq!(store.verify_access_log().await.unwrap().first_broken, None);
}
