//! 監査ログ: filtered pages of the access log and its CSV export (issue 16 §8).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_store::{AccessEvent, AuditFilter, Via};

#[tokio::test]
async fn the_log_filters_by_staff_patient_kind_and_time_and_exports_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let doc = okusuri_jahis::read(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../jahis/tests/fixtures/v26-example-01.txt"),
        )
        .unwrap(),
        okusuri_jahis::Mode::Lenient,
    )
    .unwrap();
    let source = okusuri_store::ImportSource {
        supersedes: false,
        label: "import:a.txt".into(),
        external_id: None,
    };
    let summary = store
        .import_jahis(&act(&admin), &admit(&doc), &source, at(2026, 11, 2, 1, 0))
        .await
        .unwrap();
    let patient = summary.patient_id;
    for hour in 3..6 {
        store
            .audit(
                &act(&admin),
                AccessEvent::PatientOpened,
                Some(patient),
                "",
                at(2026, 11, 2, hour, 0),
            )
            .await
            .unwrap();
    }
    store
        .sign_in(
            "PH0001",
            "nobody",
            "guess-guess-guess-1",
            None,
            Via::Window,
            at(2026, 11, 3, 0, 0),
        )
        .await
        .unwrap_err();

    let all = store
        .audit_rows(&AuditFilter::default(), None, 100)
        .await
        .unwrap();
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let opened = AuditFilter {
        event: Some("patient_opened".into()),
        ..AuditFilter::default()
    };
    let rows = store.audit_rows(&opened, None, 100).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].staff_name.as_deref(), Some("管理 太郎"));
    assert!(
        rows[0].patient_name.is_some(),
        "the patient's name is shown"
    );
    let page = store.audit_rows(&opened, None, 2).await.unwrap();
    let next = store
        .audit_rows(&opened, Some(page[1].id), 2)
        .await
        .unwrap();
    assert_eq!(
        next.len(),
        1,
        "the next page starts below the last row shown"
    );
    let by_patient = AuditFilter {
        patient_id: Some(patient),
        ..AuditFilter::default()
    };
    assert_eq!(
        store
            .audit_rows(&by_patient, None, 100)
            .await
            .unwrap()
            .len(),
        4,
        "import + 3 opens"
    );
    let nobody = AuditFilter {
        login_id: Some("nobody".into()),
        ..AuditFilter::default()
    };
    assert_eq!(
        store.audit_rows(&nobody, None, 100).await.unwrap()[0].event,
        "sign_in_failed"
    );
    let window = AuditFilter {
        event: Some("patient_opened".into()),
        from: Some("2026-11-02T04:00:00.000Z".into()),
        to: Some("2026-11-02T05:00:00.000Z".into()),
        ..AuditFilter::default()
    };
    assert_eq!(store.audit_rows(&window, None, 100).await.unwrap().len(), 1);

    let exports = tmp.path().join("exports");
    let (file, count) = store
        .export_audit(&act(&admin), &opened, &exports, at(2026, 11, 4, 0, 0))
        .await
        .unwrap();
    assert_eq!(count, 3);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("\u{feff}番号,日時(UTC),種類,種類コード"),
        "{text}"
    );
    assert!(text.contains(",患者を開いた,patient_opened,"), "{text}");
    assert_eq!(text.lines().count(), 4);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let logged = store.recent_access_log(1).await.unwrap();
    assert_eq!(logged[0].event, "audit_exported");
    assert!(
        logged[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("3 rows, filter {"),
        "{logged:?}"
    );
}
