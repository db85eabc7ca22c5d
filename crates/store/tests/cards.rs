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
        .card_touched(&common::sys(), CARD, at(2026, 11, 22, 1, 0))
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
            &common::act(&admin),
            &taro(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 11, 22, 1, 0),
        )
        .await
        .unwrap();
    let touch = store
        .card_touched(&common::sys(), CARD, at(2026, 11, 22, 2, 0))
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
        .card_touched(&common::sys(), CARD, at(2026, 11, 22, 3, 0))
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
            &common::act(&admin),
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
            &common::act(&admin),
            &taro(),
            ConsentMethod::Paper,
            CARD,
            at(2026, 11, 22, 1, 0),
        )
        .await
        .unwrap();
    store
        .reissue_card(&common::act(&admin), id, NEW_CARD, at(2026, 11, 22, 2, 0))
        .await
        .unwrap();
    assert_eq!(
        store
            .card_touched(&common::sys(), CARD, at(2026, 11, 22, 3, 0))
            .await
            .unwrap(),
        Touch::Disabled {
            idm: CARD.into(),
            name: "山田 太郎".into()
        }
    );
    assert_eq!(
        store
            .card_touched(&common::sys(), NEW_CARD, at(2026, 11, 22, 3, 0))
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
        .reissue_card(&common::act(&admin), id, CARD, at(2026, 11, 22, 4, 0))
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
            .issue_card(
                &common::act(&admin),
                &patient,
                ConsentMethod::Screen,
                CARD,
                now,
            )
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(store.counts().await.unwrap().patients, 0);
}

#[tokio::test]
async fn the_receipt_computers_record_is_offered_and_linked_by_merge() {
    use okusuri_jahis::{Mode, read};
    use okusuri_store::ImportSource;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let now = at(2026, 11, 22, 1, 0);
    let card_patient = store
        .issue_card(
            &common::act(&admin),
            &taro(),
            ConsentMethod::Screen,
            CARD,
            now,
        )
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    assert!(
        store
            .link_candidates(card_patient, at(2026, 11, 21, 0, 0), today)
            .await
            .unwrap()
            .is_empty()
    );
    // An exact match of name, birth date and sex is the same patient (the
    // identity rule) and links at once; the receipt computer's records of the
    // same person spelt otherwise (異体字) and of someone else are offered.
    let doc = |name: &str, kana: &str, birth: &str| {
        let text = format!(
            "JAHISTC08,1\r\n1,{name},1,{birth},,,,,,,{kana}\r\n5,20261122,1\r\n201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n"
        );
        read(text.as_bytes(), Mode::Lenient).unwrap()
    };
    let feed = |id: &str| ImportSource {
        supersedes: false,
        label: "feed:x".into(),
        external_id: Some(("recept".into(), id.into())),
    };
    let same = store
        .import_jahis(
            &common::sys(),
            &common::admit(&doc("山田 太朗", "ヤマダ タロウ", "19800101")),
            &feed("000123"),
            now,
        )
        .await
        .unwrap();
    assert!(
        same.patient_created,
        "another spelling: never merged silently"
    );
    store
        .import_jahis(
            &common::sys(),
            &common::admit(&doc("佐藤 次郎", "サトウ ジロウ", "19700101")),
            &feed("000200"),
            now,
        )
        .await
        .unwrap();
    let candidates = store
        .link_candidates(card_patient, at(2026, 11, 21, 0, 0), today)
        .await
        .unwrap();
    assert_eq!(candidates.len(), 2);
    assert_eq!(
        candidates[0].patient_id, same.patient_id,
        "best match first"
    );
    assert_eq!(
        (candidates[0].score, candidates[0].external_ids.as_str()),
        (7, "000123")
    );
    assert_eq!(candidates[1].score, 2, "only the sex matches");

    store
        .link_receipt_record(
            &common::act(&admin),
            card_patient,
            same.patient_id,
            now - chrono::Duration::days(30),
            now,
        )
        .await
        .unwrap();
    let header = store.patient(card_patient, today).await.unwrap().unwrap();
    assert!(header.auto_registration, "お薬自動登録 設定済");
    // The feed's next dispensing for 000123 lands on the card patient.
    let next = store
        .import_jahis(
            &common::sys(),
            &common::admit(&doc("山田 太朗", "ヤマダ タロウ", "19800101")),
            &feed("000123"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(next.patient_id, card_patient);
    assert_eq!(
        store.patient_merges(card_patient).await.unwrap()[0].reason,
        "お薬自動登録設定"
    );
}

#[tokio::test]
async fn a_person_on_file_gets_a_first_card_with_consent_and_never_a_reissue() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let text = "JAHISTC08,1\r\n1,鈴木 太郎,1,19580303,,,,,,,ｽｽﾞｷ ﾀﾛｳ\r\n5,20261122,1\r\n201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n";
    let doc = okusuri_jahis::read(text.as_bytes(), okusuri_jahis::Mode::Lenient).unwrap();
    let on_file = store
        .import_jahis(
            &common::sys(),
            &common::admit(&doc),
            &okusuri_store::ImportSource::default(),
            at(2026, 11, 22, 1, 0),
        )
        .await
        .unwrap()
        .patient_id;

    // 再発行 needs a card to replace: nothing is written.
    let err = store
        .reissue_card(&common::act(&admin), on_file, CARD, at(2026, 11, 22, 2, 0))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("まだカードがありません"), "{err}");
    assert_eq!(store.patient_card(on_file).await.unwrap(), None);

    store
        .issue_card_to(
            &common::act(&admin),
            on_file,
            ConsentMethod::Screen,
            CARD,
            at(2026, 11, 22, 3, 0),
        )
        .await
        .unwrap();
    assert_eq!(
        store.patient_card(on_file).await.unwrap().as_deref(),
        Some(CARD)
    );
    let mut conn = raw(tmp.path()).await;
    let (method, staff): (String, Option<i64>) =
        sqlx::query_as("SELECT method, staff_id FROM consent WHERE patient_id = ?")
            .bind(on_file)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!((method.as_str(), staff), ("screen", Some(admin.id)));
    // The person is the same record: shown with full-width kana, no duplicate.
    let found = store
        .search_patients("スズキ", 10, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kana, "スズキ タロウ");

    // A second 新規発行 for them is refused: that is 再発行.
    let err = store
        .issue_card_to(
            &common::act(&admin),
            on_file,
            ConsentMethod::Paper,
            NEW_CARD,
            at(2026, 11, 22, 4, 0),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("すでにカードがあります"), "{err}");
}
