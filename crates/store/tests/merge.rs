//! Merging patients and undoing it; remapping receipt-computer IDs (P11).
//! Real SQLite files; row counts are read back through a second connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use okusuri_jahis::{Mode, read};
use okusuri_store::{
    BodyKind, HistoryFilter, IdPair, ImportSource, NewStaff, Role, Staff, Store, parse_remap_csv,
};

fn fixture(name: &str) -> okusuri_jahis::Document {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name);
    read(&std::fs::read(path).unwrap(), Mode::Lenient).unwrap()
}

fn recept(id: &str) -> ImportSource {
    ImportSource {
        supersedes: false,
        label: "feed".into(),
        external_id: Some(("recept".into(), id.into())),
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

async fn staff(store: &Store, admin: &Staff, login: &str, role: Role) -> Staff {
    store
        .add_staff(
            &common::act(admin),
            &NewStaff {
                login_id: login.into(),
                display_name: format!("{login} さん"),
                role,
                password: "a-good-password-2026".into(),
            },
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap()
}

/// Rows of each patient-owned table that belong to `patient`.
async fn rows_of(dir: &std::path::Path, patient: i64) -> Vec<(String, i64)> {
    let mut conn = raw(dir).await;
    let mut out = Vec::new();
    for t in [
        "dispensing",
        "otc_use",
        "body_info",
        "memo",
        "visit",
        "patient_external_id",
    ] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {t} WHERE patient_id = ?"
        )))
        .bind(patient)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        out.push((t.to_string(), n));
    }
    out
}

/// Two records of one person: the notebook imported by hand (no ID), and the
/// receipt computer's record under ID 000123 with a renamed spelling.
async fn two_records(store: &Store) -> (i64, i64) {
    let doc = fixture("v26-example-11.txt");
    let a = store
        .import_jahis(
            &common::sys(),
            &common::admit(&doc),
            &ImportSource {
                supersedes: false,
                label: "import:a".into(),
                external_id: None,
            },
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    let mut renamed = doc.clone();
    renamed.patient.as_mut().unwrap().name = Some("鈴木 太朗".into());
    renamed.dispensings.truncate(1); // one dispensing both records have
    renamed
        .dispensings
        .push(fixture("v26-example-01.txt").dispensings[0].clone());
    let b = store
        .import_jahis(
            &common::sys(),
            &common::admit(&renamed),
            &recept("000123"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    assert!(b.patient_created);
    (a.patient_id, b.patient_id)
}

#[tokio::test]
async fn merge_moves_everything_once_and_undo_restores_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let pharmacist = staff(&store, &admin, "yakuzai", Role::Pharmacist).await;
    let (kept, merged) = two_records(&store).await;
    store
        .record_visit(&common::sys(), merged, at(2026, 11, 22, 1, 0), "card")
        .await
        .unwrap();
    store
        .add_patient_note(
            &common::act(&pharmacist),
            merged,
            Some(BodyKind::Allergy),
            "卵",
            at(2026, 11, 22, 1, 0),
        )
        .await
        .unwrap();
    let kept_before = rows_of(tmp.path(), kept).await;
    let merged_before = rows_of(tmp.path(), merged).await;

    let merge_id = store
        .merge_patients(
            &common::act(&pharmacist),
            kept,
            merged,
            "同一人物（カード再発行）",
            at(2026, 11, 22, 2, 0),
        )
        .await
        .unwrap();

    // The kept history holds both records' dispensings, the shared one once.
    let page = store
        .history(kept, HistoryFilter::All, None, 100, today())
        .await
        .unwrap();
    assert_eq!(page.dispensings.len(), 3, "2 + 1 new; the shared one once");
    let after = rows_of(tmp.path(), merged).await;
    assert_eq!(
        after.iter().find(|(t, _)| t == "dispensing").unwrap().1,
        1,
        "the duplicate stays on the merged record"
    );
    for (t, n) in &after {
        if t != "dispensing" && t != "body_info" && t != "otc_use" && t != "memo" {
            assert_eq!(*n, 0, "{t} moved");
        }
    }
    // The ID, the visit and the allergy entered on the merged record moved.
    let notes = store.patient_notes(kept).await.unwrap();
    assert!(notes.iter().any(|n| n.text == "卵"));
    let header = store.patient(kept, today()).await.unwrap().unwrap();
    assert!(header.auto_registration);
    assert_eq!(
        store
            .patient(merged, today())
            .await
            .unwrap()
            .unwrap()
            .merged_into,
        Some(kept)
    );
    // Search finds only the kept record.
    let found = store.search_patients("鈴木", 10, today()).await.unwrap();
    assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), vec![kept]);
    // The receipt computer's next dispensing for 000123 lands on the kept patient.
    let later = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-04.txt")),
            &recept("000123"),
            at(2026, 11, 22, 3, 0),
        )
        .await
        .unwrap();
    assert_eq!(later.patient_id, kept);

    let merges = store.patient_merges(kept).await.unwrap();
    assert_eq!(merges.len(), 1);
    assert_eq!(merges[0].merged_id, merged);
    assert_eq!(merges[0].staff.as_deref(), Some("yakuzai さん"));
    assert!(merges[0].moved >= 4);

    store
        .undo_merge(
            &common::act(&pharmacist),
            merge_id,
            "別人だった",
            at(2026, 11, 22, 4, 0),
        )
        .await
        .unwrap();
    assert_eq!(rows_of(tmp.path(), merged).await, merged_before);
    let mut kept_now = rows_of(tmp.path(), kept).await;
    // The dispensing stored after the merge stays with the kept patient.
    kept_now
        .iter_mut()
        .filter(|(t, _)| t == "dispensing")
        .for_each(|(_, n)| *n -= later.dispensings_added as i64);
    assert_eq!(kept_now, kept_before);
    assert_eq!(
        store
            .patient(merged, today())
            .await
            .unwrap()
            .unwrap()
            .merged_into,
        None
    );
    assert_eq!(
        store
            .search_patients("鈴木", 10, today())
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store.patient_merges(kept).await.unwrap()[0]
            .undone_at
            .is_some()
    );

    // Both were audited, in the chain.
    let log = store.recent_access_log(5).await.unwrap();
    let events: Vec<&str> = log.iter().map(|e| e.event.as_str()).collect();
    assert!(events.contains(&"patients_merged"), "{events:?}");
    assert_eq!(events[0], "patient_merge_undone");
    assert!(log[0].detail.as_deref().unwrap().contains("別人だった"));
    let report = store.verify_access_log().await.unwrap();
    assert!(report.first_broken.is_none(), "{report:?}");
}

#[tokio::test]
async fn merges_that_would_lose_track_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let (a, b) = two_records(&store).await;
    let mut other = fixture("v26-example-08.txt");
    other.patient.as_mut().unwrap().name = Some("佐藤 花子".into());
    let c = store
        .import_jahis(
            &common::sys(),
            &common::admit(&other),
            &recept("000555"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap()
        .patient_id;
    let now = at(2026, 11, 22, 2, 0);
    let (a_before, b_before) = (rows_of(tmp.path(), a).await, rows_of(tmp.path(), b).await);
    let msg = |e: okusuri_store::MergeError| e.to_string();
    assert_eq!(
        msg(store
            .merge_patients(&common::act(&admin), a, a, "x", now)
            .await
            .unwrap_err()),
        "同じ患者どうしは統合できません。"
    );
    assert_eq!(
        msg(store
            .merge_patients(&common::act(&admin), a, b, "  ", now)
            .await
            .unwrap_err()),
        "理由を入力してください。"
    );
    assert_eq!(
        msg(store
            .merge_patients(&common::act(&admin), a, 999, "x", now)
            .await
            .unwrap_err()),
        "患者が見つかりません。"
    );
    assert_eq!(
        rows_of(tmp.path(), a).await,
        a_before,
        "refused: nothing moved"
    );
    assert_eq!(
        rows_of(tmp.path(), b).await,
        b_before,
        "refused: nothing moved"
    );
    assert_eq!(
        store
            .patient(b, today())
            .await
            .unwrap()
            .unwrap()
            .merged_into,
        None
    );

    let first = store
        .merge_patients(&common::act(&admin), a, b, "同一人物", now)
        .await
        .unwrap();
    assert!(
        msg(store
            .merge_patients(&common::act(&admin), c, b, "x", now)
            .await
            .unwrap_err())
        .starts_with("この患者はすでに他の患者に統合されています。")
    );
    // a merged further into c: the first merge cannot be undone before that one.
    let second = store
        .merge_patients(&common::act(&admin), c, a, "同一人物", now)
        .await
        .unwrap();
    assert!(
        msg(store
            .undo_merge(&common::act(&admin), first, "x", now)
            .await
            .unwrap_err())
        .starts_with("統合後に、この患者がさらに別の患者に統合されています。")
    );
    store
        .undo_merge(&common::act(&admin), second, "誤り", now)
        .await
        .unwrap();
    store
        .undo_merge(&common::act(&admin), first, "誤り", now)
        .await
        .unwrap();
    assert_eq!(
        msg(store
            .undo_merge(&common::act(&admin), first, "x", now)
            .await
            .unwrap_err()),
        "この統合はすでに取り消されています。"
    );
    assert_eq!(
        msg(store
            .undo_merge(&common::act(&admin), 77, "x", now)
            .await
            .unwrap_err()),
        "この統合は見つかりません。"
    );
    for p in [a, b, c] {
        assert_eq!(
            store
                .patient(p, today())
                .await
                .unwrap()
                .unwrap()
                .merged_into,
            None
        );
    }
}

#[test]
fn remap_csv_reads_headers_encodings_and_names_bad_lines() {
    let pairs =
        parse_remap_csv("\u{feff}旧ID,新ID\r\n000123, A-1\r\n\r\n000124,A-2\r\n".as_bytes())
            .unwrap();
    assert_eq!(
        pairs,
        vec![
            IdPair {
                line: 2,
                old: "000123".into(),
                new: "A-1".into()
            },
            IdPair {
                line: 4,
                old: "000124".into(),
                new: "A-2".into()
            },
        ]
    );
    // Shift_JIS header, no header at all.
    let sjis = b"\x8b\x8cID,\x90V\x49\x44\n1,2\n"; // 旧ID,新ID
    assert_eq!(parse_remap_csv(sjis).unwrap().len(), 1);
    assert_eq!(parse_remap_csv(b"1,2\n3,4").unwrap().len(), 2);
    let err = parse_remap_csv(b"old,new\n1,2\n3\n4,5,6\n7,\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "付け替えを中止しました（何も変更していません）。\n\
         3行目: 「旧ID,新ID」の2項目にしてください（1項目あります）。\n\
         4行目: 「旧ID,新ID」の2項目にしてください（3項目あります）。\n\
         5行目: 「旧ID,新ID」の2項目にしてください（2項目あります）。"
    );
}

fn pairs(list: &[(&str, &str)]) -> Vec<IdPair> {
    list.iter()
        .enumerate()
        .map(|(i, (o, n))| IdPair {
            line: i + 1,
            old: (*o).into(),
            new: (*n).into(),
        })
        .collect()
}

#[tokio::test]
async fn remap_swaps_ids_keeps_history_and_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let now = at(2026, 11, 22, 2, 0);
    let a = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-11.txt")),
            &recept("1"),
            now,
        )
        .await
        .unwrap()
        .patient_id;
    let b = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-08.txt")),
            &recept("2"),
            now,
        )
        .await
        .unwrap()
        .patient_id;
    let a_rows = rows_of(tmp.path(), a).await;
    // The new computer numbers them the other way round.
    let done = store
        .remap_external_ids(
            &common::act(&admin),
            "recept",
            &pairs(&[("1", "2"), ("2", "1")]),
            now,
        )
        .await
        .unwrap();
    assert_eq!((done.changed, done.already_done), (2, 0));
    assert_eq!(rows_of(tmp.path(), a).await, a_rows, "history whole");
    // The new computer's dispensing for "2" lands on a.
    let next = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-04.txt")),
            &recept("2"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(next.patient_id, a);
    assert_ne!(next.patient_id, b);

    // Running the same CSV again changes nothing.
    let again = store
        .remap_external_ids(
            &common::act(&admin),
            "recept",
            &pairs(&[("1", "2"), ("2", "1")]),
            now,
        )
        .await
        .unwrap();
    assert_eq!((again.changed, again.already_done), (0, 2));

    let log = store.recent_access_log(10).await.unwrap();
    let remaps: Vec<_> = log
        .iter()
        .filter(|e| e.event == "external_id_remapped")
        .collect();
    assert_eq!(remaps.len(), 2);
    assert!(
        remaps
            .iter()
            .any(|e| e.patient_id == Some(a) && e.detail.as_deref() == Some("recept: 1 → 2"))
    );
    assert!(
        store
            .verify_access_log()
            .await
            .unwrap()
            .first_broken
            .is_none()
    );
}

#[tokio::test]
async fn a_remap_with_mistakes_changes_nothing_and_says_which_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let now = at(2026, 11, 22, 2, 0);
    let a = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-11.txt")),
            &recept("1"),
            now,
        )
        .await
        .unwrap()
        .patient_id;
    store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-08.txt")),
            &recept("2"),
            now,
        )
        .await
        .unwrap();
    let before = rows_of(tmp.path(), a).await;
    let log_rows = store.counts().await.unwrap().access_log;

    let err = store
        .remap_external_ids(
            &common::act(&admin),
            "recept",
            &pairs(&[("1", "10"), ("404", "11"), ("1", "12"), ("x", "2")]),
            now,
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("付け替えを中止しました（何も変更していません）。"),
        "{text}"
    );
    assert!(text.contains("3行目: 旧ID 1 が2回あります。"), "{text}");
    assert!(
        text.contains("2行目: 旧ID 404 の患者が見つかりません（recept）。"),
        "{text}"
    );
    assert!(
        text.contains("4行目: 旧ID x の患者が見つかりません（recept）。"),
        "{text}"
    );
    let err = store
        .remap_external_ids(&common::act(&admin), "recept", &pairs(&[("1", "2")]), now)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("1行目: 新ID 2 はすでに別の患者（"),
        "{err}"
    );
    assert_eq!(rows_of(tmp.path(), a).await, before);
    assert_eq!(store.counts().await.unwrap().access_log, log_rows);
    assert_eq!(
        store
            .import_jahis(
                &common::sys(),
                &common::admit(&fixture("v26-example-04.txt")),
                &recept("1"),
                now
            )
            .await
            .unwrap()
            .patient_id,
        a,
        "old ID still links the patient"
    );
}
