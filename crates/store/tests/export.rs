//! 患者用QRコード (P8): what the store hands out as JAHIS data, on real files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use okusuri_jahis::{Encoding, Mode, read, write};
use okusuri_store::{ExportError, HistoryFilter, ImportSource, Store};

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

const AS_OF: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();

/// Everything お薬履歴 shows for a patient, without the row IDs.
async fn history_json(store: &Store, patient_id: i64) -> serde_json::Value {
    let page = store
        .history(patient_id, HistoryFilter::All, None, 1000, AS_OF())
        .await
        .unwrap();
    let mut json = serde_json::to_value(&page.dispensings).unwrap();
    strip_ids(&mut json);
    json
}

/// Leaves out IDs and the import gate's warnings: warnings are about the
/// data as it arrived (an export says 出力区分 1, which requires codes the
/// patient's own notebook of 出力区分 2 may leave empty).
fn strip_ids(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.remove("id");
            map.remove("warnings");
            map.values_mut().for_each(strip_ids);
        }
        serde_json::Value::Array(list) => list.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

/// Every stored field of a patient's dispensings, RPs, drugs and notes, in
/// history order, as text (what history does not show included).
async fn stored_rows(dir: &std::path::Path, patient_id: i64) -> Vec<String> {
    use sqlx::Row;
    let mut conn = raw(dir).await;
    let sql = "SELECT json_array(d.dispensed_on, d.place_name, d.place_prefecture, d.place_table,
                   d.place_code, d.pharmacist_name, d.prescriber_name, d.prescriber_prefecture,
                   d.prescriber_table, d.prescriber_code,
                   r.seq, r.rp_no, r.doctor_name, r.doctor_department, r.usage_name, r.quantity,
                   r.usage_unit, r.form, r.usage_code,
                   g.seq, g.name, g.dose, g.unit, g.code_kind, g.code, g.generic_name,
                   (SELECT json_group_array(json_array(n.record, n.text)) FROM rp_note n
                     WHERE n.rp_id = r.id AND (n.drug_id = g.id OR n.drug_id IS NULL)),
                   (SELECT json_group_array(json_array(n.record, n.text)) FROM dispensing_note n
                     WHERE n.dispensing_id = d.id))
               FROM dispensing d JOIN rp r ON r.dispensing_id = d.id
               LEFT JOIN drug g ON g.rp_id = r.id
               WHERE d.patient_id = ? ORDER BY d.dispensed_on, d.id, r.seq, g.seq";
    sqlx::query(sql)
        .bind(patient_id)
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect()
}

async fn dispensing_ids(store: &Store, patient_id: i64) -> Vec<i64> {
    let page = store
        .history(patient_id, HistoryFilter::All, None, 1000, AS_OF())
        .await
        .unwrap();
    page.dispensings.iter().map(|d| d.id).collect()
}

#[tokio::test]
async fn exported_data_taken_in_elsewhere_shows_the_same_history() {
    for name in [
        "v26-example-11.txt",
        "tc-supported-records-full.txt",
        "tc-multi-dispensing.txt",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let store = open(tmp.path()).await;
        let imported = store
            .import_jahis(
                &common::sys(),
                &common::admit(&fixture(name)),
                &source("import:a"),
                at(2026, 11, 1, 0, 0),
            )
            .await
            .unwrap();
        let ids = dispensing_ids(&store, imported.patient_id).await;
        let export = store
            .notebook_export(imported.patient_id, &ids)
            .await
            .unwrap();
        assert!(!export.patient_name.is_empty());

        // The bytes a phone reads: CP932, strict-clean apart from warnings.
        let bytes = write(&export.document, Encoding::Cp932).unwrap();
        let back = read(&bytes, Mode::Lenient).unwrap();
        assert!(
            back.issues
                .iter()
                .all(|i| i.severity == okusuri_jahis::Severity::Warning),
            "{name}: {:?}",
            back.issues
        );
        assert_eq!(back.output_category, Some(1));

        // Another pharmacy (a fresh store) taking the data in sees the same history.
        let other_dir = tempfile::tempdir().unwrap();
        let other = open(other_dir.path()).await;
        let there = other
            .import_jahis(
                &common::sys(),
                &common::admit(&back),
                &source("import:a"),
                at(2026, 11, 1, 0, 0),
            )
            .await
            .unwrap();
        assert_eq!(there.dispensings_added, ids.len(), "{name}");
        assert_eq!(
            history_json(&other, there.patient_id).await,
            history_json(&store, imported.patient_id).await,
            "{name}"
        );
        let rows = stored_rows(tmp.path(), imported.patient_id).await;
        assert!(!rows.is_empty());
        assert_eq!(
            stored_rows(other_dir.path(), there.patient_id).await,
            rows,
            "{name}"
        );
        let a = store.patient(imported.patient_id, AS_OF()).await.unwrap();
        let b = other.patient(there.patient_id, AS_OF()).await.unwrap();
        let summary = |p: Option<okusuri_store::patients::PatientSummary>| {
            p.map(|p| (p.name, p.kana, p.sex, p.birth_date))
        };
        assert_eq!(summary(a), summary(b), "{name}");
    }
}

#[tokio::test]
async fn only_the_chosen_dispensings_go_out_oldest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let imported = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("tc-multi-dispensing.txt")),
            &source("import:a"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    let ids = dispensing_ids(&store, imported.patient_id).await;
    assert!(ids.len() >= 2, "the fixture has several dispensings");
    let export = store
        .notebook_export(imported.patient_id, &ids[..1])
        .await
        .unwrap();
    assert_eq!(export.document.dispensings.len(), 1);

    let all = store
        .notebook_export(imported.patient_id, &ids)
        .await
        .unwrap();
    let dates: Vec<_> = all
        .document
        .dispensings
        .iter()
        .map(|d| d.date.clone())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
}

#[tokio::test]
async fn refusals_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let first = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-11.txt")),
            &source("import:a"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    let second = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("tc-multi-dispensing.txt")),
            &source("import:b"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    assert_ne!(first.patient_id, second.patient_id);
    let others = dispensing_ids(&store, second.patient_id).await;

    let err = store
        .notebook_export(first.patient_id, &[])
        .await
        .unwrap_err();
    assert!(matches!(err, ExportError::NothingChosen), "{err}");
    assert_eq!(
        err.to_string(),
        "QRコードにする調剤を1つ以上選んでください。"
    );

    let err = store
        .notebook_export(first.patient_id, &others[..1])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ExportError::NotThisPatients(id) if id == others[0]),
        "{err}"
    );

    let err = store.notebook_export(999_999, &others).await.unwrap_err();
    assert!(matches!(err, ExportError::PatientNotFound), "{err}");

    // A patient whose sex is not recorded (ISO 5218: 0) cannot be written.
    let mut conn = raw(tmp.path()).await;
    sqlx::query("UPDATE patient SET sex = 0 WHERE id = ?")
        .bind(first.patient_id)
        .execute(&mut conn)
        .await
        .unwrap();
    let mine = dispensing_ids(&store, first.patient_id).await;
    let err = store
        .notebook_export(first.patient_id, &mine)
        .await
        .unwrap_err();
    assert!(matches!(err, ExportError::SexMissing), "{err}");
    assert!(err.to_string().contains("性別"));

    sqlx::query("UPDATE patient SET sex = 2, birth_date = NULL WHERE id = ?")
        .bind(first.patient_id)
        .execute(&mut conn)
        .await
        .unwrap();
    let err = store
        .notebook_export(first.patient_id, &mine)
        .await
        .unwrap_err();
    assert!(matches!(err, ExportError::BirthDateMissing), "{err}");
}

#[tokio::test]
async fn a_name_shift_jis_cannot_carry_is_named_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let imported = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-11.txt")),
            &source("import:a"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    // Registered at the counter (UTF-8) with the 𠮷 (つちよし) of the family register.
    let mut conn = raw(tmp.path()).await;
    sqlx::query("UPDATE patient SET name = '𠮷田 花子' WHERE id = ?")
        .bind(imported.patient_id)
        .execute(&mut conn)
        .await
        .unwrap();
    let before = history_json(&store, imported.patient_id).await;
    let ids = dispensing_ids(&store, imported.patient_id).await;
    let err = store
        .notebook_export(imported.patient_id, &ids)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ExportError::Unencodable { ch: '𠮷', .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with(
            "「𠮷」はお薬手帳のQRコード（Shift_JIS）で使えない文字のため、QRコードを作れません（"
        ),
        "{message}"
    );
    let summary = store
        .patient(imported.patient_id, AS_OF())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(summary.name, "𠮷田 花子", "the record is not touched");
    assert_eq!(history_json(&store, imported.patient_id).await, before);
}

#[tokio::test]
async fn printing_is_in_the_access_log() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let imported = store
        .import_jahis(
            &common::sys(),
            &common::admit(&fixture("v26-example-11.txt")),
            &source("import:a"),
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    store
        .audit(
            &common::act(&admin),
            okusuri_store::AccessEvent::NotebookExported,
            Some(imported.patient_id),
            "2 dispensings, 1 QR",
            at(2026, 11, 2, 0, 0),
        )
        .await
        .unwrap();
    let log = store.recent_access_log(100).await.unwrap();
    assert!(log.iter().any(|e| e.event == "notebook_exported"
        && e.patient_id == Some(imported.patient_id)
        && e.detail.as_deref() == Some("2 dispensings, 1 QR")));
    let report = store.verify_access_log().await.unwrap();
    assert_eq!(report.first_broken, None);
}
