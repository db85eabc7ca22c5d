//! Importing JAHIS documents and reading the history back, on real files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use okusuri_jahis::{Mode, read};
use okusuri_store::{Cursor, FacilityCodes, HistoryFilter, ImportSource, Store};

fn fixture(name: &str) -> okusuri_jahis::Document {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name);
    read(&std::fs::read(path).unwrap(), Mode::Lenient).unwrap()
}

fn source(label: &str) -> ImportSource {
    ImportSource {
        supersedes: false,
        label: label.into(),
        external_id: None,
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn import(
    store: &Store,
    doc: &okusuri_jahis::Document,
    src: &ImportSource,
) -> okusuri_store::ImportSummary {
    store
        .import_jahis(
            &common::sys(),
            &common::admit(doc),
            src,
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn import_stores_everything_once() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let doc = fixture("v26-example-11.txt");
    let first = import(&store, &doc, &source("import:v26-example-11.txt")).await;
    assert!(first.patient_created);
    assert_eq!((first.dispensings_added, first.dispensings_skipped), (2, 0));
    assert_eq!(first.drugs_added, 5);
    assert_eq!(first.otc_added, 2);
    assert_eq!(first.notes_added, 6, "4 body information + 2 memos");

    let again = import(&store, &doc, &source("import:again")).await;
    assert_eq!(again.patient_id, first.patient_id);
    assert!(!again.patient_created);
    assert_eq!(
        (
            again.dispensings_added,
            again.dispensings_skipped,
            again.otc_added,
            again.notes_added
        ),
        (0, 2, 0, 0)
    );
    assert_eq!(store.counts().await.unwrap().patients, 1);
}

#[tokio::test]
async fn the_same_dispensing_with_an_era_date_is_the_same_dispensing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let era = fixture("v26-example-04.txt"); // 5,R020410
    let mut gregorian = era.clone();
    gregorian.dispensings[0].date_text = Some("20200410".into());
    gregorian.patient.as_mut().unwrap().name = Some("鈴木　太郎".into()); // full-width space
    import(&store, &era, &source("a")).await;
    let second = import(&store, &gregorian, &source("b")).await;
    assert!(
        !second.patient_created,
        "NFKC, spaces ignored: the same person"
    );
    assert_eq!(
        (second.dispensings_added, second.dispensings_skipped),
        (0, 1)
    );
}

#[tokio::test]
async fn identity_never_merges_two_people_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let doc = fixture("v26-example-01.txt");
    let a = import(&store, &doc, &source("a")).await;

    // Same name and birth date, other sex: another person.
    let mut other_sex = doc.clone();
    other_sex.patient.as_mut().unwrap().sex = Some(2);
    let b = import(&store, &other_sex, &source("b")).await;
    assert!(b.patient_created);
    assert_ne!(a.patient_id, b.patient_id);

    // Other birth date: another person.
    let mut other_birth = doc.clone();
    other_birth.patient.as_mut().unwrap().birth_date = Some("1958-03-04".into());
    other_birth.patient.as_mut().unwrap().birth_date_text = Some("19580304".into());
    assert!(
        import(&store, &other_birth, &source("c"))
            .await
            .patient_created
    );

    // A receipt-computer ID links the first match, then names that patient.
    let recept = |id: &str| ImportSource {
        supersedes: false,
        label: "feed".into(),
        external_id: Some(("recept".into(), id.into())),
    };
    let linked = import(&store, &doc, &recept("000123")).await;
    assert_eq!(linked.patient_id, a.patient_id);
    // The same name/birth/sex under another ID of the same receipt computer: another person.
    let twin = import(&store, &doc, &recept("000999")).await;
    assert!(twin.patient_created);
    // The ID wins over the name, even with the name spelled differently.
    let mut renamed = doc.clone();
    renamed.patient.as_mut().unwrap().name = Some("鈴木 太朗".into());
    assert_eq!(
        import(&store, &renamed, &recept("000123")).await.patient_id,
        a.patient_id
    );
    assert_eq!(store.counts().await.unwrap().patients, 4);
}

/// A later part of split data: the gate lets it in without a patient (the
/// first part has it), and alone it cannot be stored.
fn continuation_part() -> okusuri_domain::gate::Admitted {
    let mut doc = fixture("v26-example-01.txt");
    doc.patient = None;
    doc.split = Some(okusuri_jahis::model::SplitControl {
        data_id: "20261101000001".into(),
        count: 2,
        seq: 2,
    });
    common::admit(&doc)
}

#[tokio::test]
async fn a_document_without_a_patient_is_refused_and_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let doc = continuation_part();
    let err = store
        .import_jahis(&common::sys(), &doc, &source("x"), at(2026, 11, 1, 0, 0))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "患者情報（レコード1）がないため取り込めません。"
    );
    assert_eq!(store.counts().await.unwrap().patients, 0);
}

#[tokio::test]
async fn history_pages_filters_and_supply() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let s = import(&store, &fixture("tc-multi-dispensing.txt"), &source("a")).await;
    // This pharmacy is 13-4-1234567 (本店); 南店 (7654321) is another facility.
    store
        .set_facility_codes(
            &common::sys(),
            &FacilityCodes {
                prefecture: "13".into(),
                table: "4".into(),
                code: "1234567".into(),
            },
            common::at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    let as_of = day("2026-03-13");
    let page = store
        .history(s.patient_id, HistoryFilter::All, None, 10, as_of)
        .await
        .unwrap();
    let dates: Vec<_> = page
        .dispensings
        .iter()
        .map(|d| d.date_label.as_str())
        .collect();
    assert_eq!(dates, ["2026年3月12日", "2026年2月20日"]);
    assert!(page.next.is_none());
    let newest = &page.dispensings[0];
    assert!(newest.this_facility);
    assert_eq!(newest.place.as_deref(), Some("株式会社 工業会薬局 本店"));
    assert_eq!(newest.prescriber.as_deref(), Some("医療法人 工業会病院"));
    let rp = &newest.rps[0];
    assert_eq!(rp.doctor.as_deref(), Some("工業会 太郎（内科）"));
    let drug = &rp.drugs[0];
    assert_eq!(drug.name, "ノルバスク錠２．５ｍｇ");
    assert_eq!(drug.usage_line, "1日1錠 3日分");
    // Dispensed 3/12 for 3 days (3/12–3/14); as of 3/13 one day is left.
    assert!(drug.supply.taking);
    assert_eq!(drug.supply.remaining.as_deref(), Some("1錠"));
    assert_eq!(newest.notes[0].label, "備考");
    assert_eq!(
        newest.copy_text,
        "処方日：2026年3月12日\nノルバスク錠２．５ｍｇ\n1日1錠 3日分"
    );
    assert_eq!(drug.copy_text, newest.copy_text, "one drug: the same lines");

    let other = store
        .history(s.patient_id, HistoryFilter::Other, None, 10, as_of)
        .await
        .unwrap();
    assert_eq!(other.dispensings.len(), 1);
    assert_eq!(
        other.dispensings[0].place.as_deref(),
        Some("株式会社 工業会薬局 南店")
    );
    assert!(!other.dispensings[0].this_facility);

    // Paging: one at a time.
    let first = store
        .history(s.patient_id, HistoryFilter::All, None, 1, as_of)
        .await
        .unwrap();
    let cursor: Cursor = first.next.clone().unwrap();
    let second = store
        .history(s.patient_id, HistoryFilter::All, Some(&cursor), 1, as_of)
        .await
        .unwrap();
    assert_eq!(second.dispensings[0].date.as_deref(), Some("2026-02-20"));
    assert!(second.next.is_none());
}

#[tokio::test]
async fn notes_search_and_otc() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let s = import(
        &store,
        &fixture("tc-supported-records-full.txt"),
        &source("a"),
    )
    .await;
    let page = store
        .history(
            s.patient_id,
            HistoryFilter::All,
            None,
            10,
            day("2026-03-10"),
        )
        .await
        .unwrap();
    let rp = &page.dispensings[0].rps[0];
    let drug_notes: Vec<_> = rp.drugs[0]
        .notes
        .iter()
        .map(|n| (n.label, n.text.as_str()))
        .collect();
    assert_eq!(
        drug_notes,
        [
            ("補足", "朝1錠、夕2錠"),
            ("服薬注意", "グレープフルーツジュースを避ける")
        ]
    );
    let rp_notes: Vec<_> = rp.notes.iter().map(|n| n.label).collect();
    assert_eq!(rp_notes, ["用法の補足", "処方服薬注意"]);
    let labels: Vec<_> = page.dispensings[0].notes.iter().map(|n| n.label).collect();
    assert_eq!(
        labels,
        ["服用注意", "提供情報", "残薬確認", "備考", "患者等記入"]
    );

    let today = day("2026-11-22");
    for query in [
        "ヤマダ",
        "ﾔﾏﾀﾞ",
        "やまだ",
        "山田 太",
        "山田太郎",
        "1980-01-01",
        "19800101",
        "S550101",
    ] {
        let found = store.search_patients(query, 20, today).await.unwrap();
        assert_eq!(found.len(), 1, "{query}");
        assert_eq!(found[0].birth, "1980年01月01日 (46歳)");
    }
    assert!(
        store
            .search_patients("スズキ", 20, today)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .search_patients("タロウ", 20, today)
            .await
            .unwrap()
            .is_empty(),
        "prefix, not substring"
    );
    let otc = store.otc_history(s.patient_id).await.unwrap();
    assert_eq!(otc[0].name.as_deref(), Some("イブA錠"));
    assert_eq!(otc[0].components.as_deref(), Some("イブプロフェン"));
}

#[tokio::test]
async fn body_information_and_memos_are_withdrawn_never_deleted() {
    use okusuri_store::BodyKind;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let s = import(&store, &fixture("v26-example-11.txt"), &source("a")).await;
    let now = at(2026, 11, 2, 1, 0);
    let id = store
        .add_patient_note(
            &common::act(&admin),
            s.patient_id,
            Some(BodyKind::Allergy),
            "  ペニシリン  ",
            now,
        )
        .await
        .unwrap();
    let memo = store
        .add_patient_note(&common::act(&admin), s.patient_id, None, "粉砕希望", now)
        .await
        .unwrap();
    let err = store
        .add_patient_note(&common::act(&admin), s.patient_id, None, "   ", now)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "内容を入力してください。");

    let notes = store.patient_notes(s.patient_id).await.unwrap();
    assert_eq!(
        notes.len(),
        8,
        "4 imported body entries, 2 imported memos, 2 new"
    );
    let added = notes
        .iter()
        .find(|n| n.id == id && n.kind == "allergy")
        .unwrap();
    assert_eq!(
        (
            added.text.as_str(),
            added.source.as_str(),
            added.author.as_deref()
        ),
        ("ペニシリン", "facility", Some("管理 太郎"))
    );
    let imported = notes
        .iter()
        .find(|n| n.kind == "allergy" && n.source == "import")
        .unwrap();
    assert_eq!(imported.text, "乳製品");

    let no_reason = store
        .withdraw_patient_note(&common::act(&admin), s.patient_id, "allergy", id, " ", now)
        .await
        .unwrap_err();
    assert_eq!(no_reason.to_string(), "取り消す理由を入力してください。");
    store
        .withdraw_patient_note(
            &common::act(&admin),
            s.patient_id,
            "allergy",
            id,
            "別の患者に入力",
            now,
        )
        .await
        .unwrap();
    store
        .withdraw_patient_note(
            &common::act(&admin),
            s.patient_id,
            "memo",
            memo,
            "重複",
            now,
        )
        .await
        .unwrap();
    let twice = store
        .withdraw_patient_note(
            &common::act(&admin),
            s.patient_id,
            "memo",
            memo,
            "重複",
            now,
        )
        .await
        .unwrap_err();
    assert!(matches!(twice, okusuri_store::NoteError::NotFound));

    let notes = store.patient_notes(s.patient_id).await.unwrap();
    assert_eq!(notes.len(), 8, "nothing deleted");
    let withdrawn = notes
        .iter()
        .find(|n| n.id == id && n.kind == "allergy")
        .unwrap();
    assert_eq!(
        withdrawn.withdrawn_reason.as_deref(),
        Some("別の患者に入力")
    );
    let log: Vec<String> = store
        .recent_access_log(3)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        log,
        [
            "patient_note_withdrawn",
            "patient_note_withdrawn",
            "patient_note_added"
        ]
    );
}

#[tokio::test]
async fn this_facility_filter_finds_the_current_dispensing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let s = import(&store, &fixture("tc-multi-dispensing.txt"), &source("a")).await;
    let as_of = day("2026-03-13");
    // Without the facility's codes nothing is "this facility".
    let none = store
        .history(s.patient_id, HistoryFilter::This, None, 1, as_of)
        .await
        .unwrap();
    assert!(none.dispensings.is_empty());
    store
        .set_facility_codes(
            &common::sys(),
            &FacilityCodes {
                prefecture: "13".into(),
                table: "4".into(),
                code: "7654321".into(),
            },
            common::at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    let current = store
        .history(s.patient_id, HistoryFilter::This, None, 1, as_of)
        .await
        .unwrap();
    assert_eq!(
        current.dispensings[0].place.as_deref(),
        Some("株式会社 工業会薬局 南店")
    );
    assert!(current.dispensings[0].this_facility);
}

#[tokio::test]
async fn a_batch_keeps_each_document_whole_and_the_same_person_once() {
    use okusuri_store::ImportItem;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let doc = common::admit(&fixture("v26-example-11.txt"));
    let no_patient = continuation_part();
    let src = source("batch");
    let items = [
        ImportItem {
            doc: &doc,
            source: &src,
        },
        ImportItem {
            doc: &no_patient,
            source: &src,
        },
        ImportItem {
            doc: &doc,
            source: &src,
        },
    ];
    let results = store
        .import_batch(&common::sys(), &items, at(2026, 11, 1, 0, 0))
        .await
        .unwrap();
    let first = results[0].as_ref().unwrap();
    assert!(first.patient_created);
    assert_eq!((first.dispensings_added, first.drugs_added), (2, 5));
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        "患者情報（レコード1）がないため取り込めません。"
    );
    let third = results[2].as_ref().unwrap();
    assert_eq!(
        third.patient_id, first.patient_id,
        "the same person within a batch"
    );
    assert!(!third.patient_created);
    assert_eq!((third.dispensings_added, third.dispensings_skipped), (0, 2));
    assert_eq!(store.counts().await.unwrap().patients, 1);
}

#[tokio::test]
async fn another_notebook_is_drawn_without_storing_and_taken_in_onto_the_chosen_patient() {
    use okusuri_domain::notebook::preview_dispensings;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let doc = fixture("tc-multi-dispensing.txt");
    let preview = preview_dispensings(&doc, day("2026-03-13"));
    let dates: Vec<&str> = preview.iter().map(|d| d.date_label.as_str()).collect();
    assert_eq!(dates, ["2026年3月12日", "2026年2月20日"], "newest first");
    assert!(preview.iter().all(|d| d.id < 0 && !d.this_facility));
    assert_eq!(preview[0].rps[0].drugs[0].usage_line, "1日1錠 3日分");
    assert_eq!(store.counts().await.unwrap().patients, 0, "nothing stored");

    // Taken in onto a patient of another name: staff chose them.
    let other = import(&store, &fixture("v26-example-11.txt"), &source("a")).await;
    let taken = store
        .import_notebook_onto(
            &common::act(&admin),
            other.patient_id,
            &common::admit(&doc),
            at(2026, 11, 2, 0, 0),
        )
        .await
        .unwrap();
    assert_eq!(
        (taken.patient_id, taken.dispensings_added),
        (other.patient_id, 2)
    );
    assert_eq!(store.counts().await.unwrap().patients, 1);
    let log = store.recent_access_log(1).await.unwrap();
    assert_eq!(
        log[0].detail.as_deref(),
        Some("他社手帳: 2 added, 0 skipped")
    );
    let err = store
        .import_notebook_onto(
            &common::act(&admin),
            999,
            &common::admit(&doc),
            at(2026, 11, 2, 0, 0),
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "取り込み先の患者が見つかりません。");

    // One builder: once stored, the notebook's dispensings read exactly as the preview drew them.
    let stored = store
        .history(
            other.patient_id,
            okusuri_store::HistoryFilter::All,
            None,
            100,
            day("2026-03-13"),
        )
        .await
        .unwrap();
    let view = |d: &okusuri_store::history::HistoryDispensing| {
        let mut v = serde_json::to_value(d).unwrap();
        v.as_object_mut().unwrap().remove("id");
        for rp in v["rps"].as_array_mut().unwrap() {
            for drug in rp["drugs"].as_array_mut().unwrap() {
                drug.as_object_mut().unwrap().remove("id");
            }
        }
        v
    };
    for shown in &preview {
        let same = stored
            .dispensings
            .iter()
            .find(|d| d.date == shown.date)
            .expect("stored");
        assert_eq!(view(same), view(shown), "{:?}", shown.date);
    }
}
