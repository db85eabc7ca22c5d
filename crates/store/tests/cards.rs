//! Cards: touch, 新規発行, 再発行, on a real SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use okusuri_store::{ConsentMethod, NewPatient, Touch};

fn taro() -> NewPatient {
    NewPatient {
        name: "山田 太郎".into(),
        kana: "ヤマダ タロウ".into(),
        sex: 1,
        birth_date: "1980-01-01".into(),
        phone: Some(" 090-0000-0000 ".into()),
    }
}

const CARD: &str = "0123456789ABCDEF";
const NEW_CARD: &str = "FEDCBA9876543210";

#[tokio::test]
async fn a_touch_of_an_unknown_card_says_so_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let touch = store
        .card_touched(CARD, at(2026, 11, 22, 1, 0))
        .await
        .unwrap();
    assert_eq!(touch, Touch::Unknown { idm: CARD.into() });
    assert_eq!(store.counts().await.unwrap().visits, 0);
}

#[tokio::test]
async fn issue_then_touch_joins_todays_list_once_per_patient() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let id = store
        .issue_card(
            &admin,
            &taro(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 11, 22, 1, 0),
        )
        .await
        .unwrap();
    let touch = store
        .card_touched(CARD, at(2026, 11, 22, 2, 0))
        .await
        .unwrap();
    assert_eq!(
        touch,
        Touch::Patient {
            patient_id: id,
            name: "山田 太郎".into()
        }
    );
    store
        .card_touched(CARD, at(2026, 11, 22, 3, 0))
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let list = store
        .patient_list(today, chrono::FixedOffset::east_opt(0).unwrap(), 7)
        .await
        .unwrap();
    assert_eq!(
        list[0].patients.len(),
        1,
        "one row however often they touch"
    );
    assert_eq!(list[0].patients[0].time, "03:00");
    // The same card cannot be issued to someone else.
    let err = store
        .issue_card(
            &admin,
            &NewPatient {
                name: "佐藤 花子".into(),
                ..taro()
            },
            ConsentMethod::Paper,
            CARD,
            at(2026, 11, 22, 4, 0),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "このカードはすでに使われています（山田 太郎）。別の新しいカードをタッチしてください。"
    );
    // Consent and the access log were written.
    let mut conn = raw(tmp.path()).await;
    let method: String = sqlx::query_scalar("SELECT method FROM consent WHERE patient_id = ?")
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(method, "screen");
    let log = store.recent_access_log(10).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.event == "card_issued" && e.patient_id == Some(id))
    );
}

#[tokio::test]
async fn reissue_disables_the_old_card_and_keeps_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let id = store
        .issue_card(
            &admin,
            &taro(),
            ConsentMethod::Paper,
            CARD,
            at(2026, 11, 22, 1, 0),
        )
        .await
        .unwrap();
    store
        .reissue_card(&admin, id, NEW_CARD, at(2026, 11, 22, 2, 0))
        .await
        .unwrap();
    assert_eq!(
        store
            .card_touched(CARD, at(2026, 11, 22, 3, 0))
            .await
            .unwrap(),
        Touch::Disabled {
            idm: CARD.into(),
            name: "山田 太郎".into()
        }
    );
    assert_eq!(
        store
            .card_touched(NEW_CARD, at(2026, 11, 22, 3, 0))
            .await
            .unwrap(),
        Touch::Patient {
            patient_id: id,
            name: "山田 太郎".into()
        }
    );
    assert_eq!(
        store.patient_card(id).await.unwrap().as_deref(),
        Some(NEW_CARD)
    );
    // The old card cannot be issued again either.
    let err = store
        .reissue_card(&admin, id, CARD, at(2026, 11, 22, 4, 0))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("このカードはすでに使われています"),
        "{err}"
    );
}

#[tokio::test]
async fn missing_details_are_refused_with_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let now = at(2026, 11, 22, 1, 0);
    for (patient, message) in [
        (
            NewPatient {
                name: " ".into(),
                ..taro()
            },
            "氏名を入力してください。",
        ),
        (
            NewPatient {
                kana: "".into(),
                ..taro()
            },
            "カナ氏名を入力してください。",
        ),
        (NewPatient { sex: 0, ..taro() }, "性別を選んでください。"),
        (
            NewPatient {
                birth_date: "1980-02-30".into(),
                ..taro()
            },
            "生年月日を正しく入力してください（例: 1980-01-01）。",
        ),
    ] {
        let err = store
            .issue_card(&admin, &patient, ConsentMethod::Screen, CARD, now)
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(store.counts().await.unwrap().patients, 0);
}
