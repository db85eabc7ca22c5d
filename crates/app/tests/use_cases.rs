//! The use cases on a real SQLite file: who may do what (the permission
//! table, with nothing changed on a refusal), every read of one patient's
//! data in the access log, a write and its log row stored together or not at
//! all, and database failures reported as such — never as a permission.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use okusuri_app::qr::QrOutput;
use okusuri_app::{App, ErrorCode, FixedClock, Session};
use okusuri_store::{
    DataDir, FacilityCodes, FacilityKind, FacilitySetup, HistoryFilter, NewStaff, OpenOptions,
    Role, Store, Via,
};
use sqlx::Connection;

const PASSWORD: &str = "first-pass-2026";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name);
    std::fs::read(path).unwrap()
}

async fn app(dir: &Path) -> App {
    let store = Store::open_in(
        &DataDir {
            path: dir.to_path_buf(),
            create_if_missing: false,
        },
        OpenOptions {
            audit_key: None,
            database_key: None,
            busy_timeout: Duration::from_millis(200),
            pc_name: "TEST-PC".into(),
        },
    )
    .await
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 4, 1, 0, 0).unwrap();
    App::with_clock(store, Arc::new(FixedClock::jst(now)))
}

/// The administrator's session and a session of `role`.
async fn staff(app: &App, role: Role) -> (Session, Session) {
    let admin = app
        .set_up(
            &FacilitySetup {
                facility_code: "PH0001".into(),
                facility_name: "さくら薬局".into(),
                admin_login_id: "admin".into(),
                admin_name: "管理 太郎".into(),
                password: PASSWORD.into(),
                kind: FacilityKind::Pharmacy,
            },
            Via::Window,
        )
        .await
        .unwrap();
    let login = format!("{}1", role.as_str());
    app.add_staff(
        &admin,
        &NewStaff {
            login_id: login.clone(),
            display_name: "テスト".into(),
            role,
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    let other = app
        .sign_in("PH0001", &login, PASSWORD, None, Via::Window)
        .await
        .unwrap();
    (admin, other)
}

async fn raw(dir: &Path) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}", dir.join("okusuri.db").display());
    sqlx::SqliteConnection::connect(&url).await.unwrap()
}

async fn scalar(dir: &Path, sql: &str) -> i64 {
    let mut conn = raw(dir).await;
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    n
}

/// A row count of every table a use case might change.
async fn snapshot(dir: &Path) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "patient",
        "dispensing",
        "memo",
        "body_info",
        "patient_merge",
        "staff",
        "settings",
        "patient_external_id",
        "access_log",
    ] {
        counts.push(scalar(dir, &format!("SELECT count(*) FROM {table}")).await);
    }
    counts
}

#[tokio::test]
async fn a_clerk_is_refused_what_the_table_keeps_from_them_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, clerk) = staff(&app, Role::Clerk).await;
    let a = app
        .import_file(&admin, "a.txt", &fixture("v26-example-11.txt"))
        .await
        .unwrap();
    let b = app
        .import_file(&admin, "b.txt", &fixture("v26-example-08.txt"))
        .await
        .unwrap();
    let before = snapshot(tmp.path()).await;

    let merge = app
        .merge(&clerk, a.patient_id, b.patient_id, "同一人物")
        .await
        .unwrap_err();
    assert_eq!(merge.code, ErrorCode::AuthForbidden);
    assert_eq!(
        merge.message,
        "患者の統合と取り消しは、薬剤師・医師・管理者だけが行えます。"
    );
    let import = app
        .import_file(&clerk, "c.txt", &fixture("v26-example-04.txt"))
        .await
        .unwrap_err();
    assert_eq!(import.code, ErrorCode::AuthForbidden);
    assert_eq!(import.message, "取込は管理者だけが行えます。");
    let codes = FacilityCodes {
        prefecture: "13".into(),
        table: "4".into(),
        code: "1234567".into(),
    };
    let settings = app.set_facility_codes(&clerk, &codes).await.unwrap_err();
    assert_eq!(settings.message, "設定の変更は管理者だけが行えます。");
    let remap = app.remap_id(&clerk, "recept", "1", "2").await.unwrap_err();
    assert_eq!(remap.message, "IDの付け替えは管理者だけが行えます。");
    let staff = app.list_staff(&clerk).await.unwrap_err();
    assert_eq!(staff.code, ErrorCode::AuthForbidden);

    assert_eq!(
        snapshot(tmp.path()).await,
        before,
        "no row changed, none logged"
    );

    // What the table gives a clerk works.
    app.add_note(&clerk, a.patient_id, None, "電話あり")
        .await
        .unwrap();
    assert_eq!(clerk.permissions().len(), 4);
}

#[tokio::test]
async fn a_clerk_withdraws_a_memo_not_an_allergy_and_takes_in_notebooks_only_when_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, clerk) = staff(&app, Role::Clerk).await;
    let a = app
        .import_file(&admin, "a.txt", &fixture("v26-example-11.txt"))
        .await
        .unwrap();
    let memo = app
        .add_note(&clerk, a.patient_id, None, "電話あり")
        .await
        .unwrap();
    let allergy = app
        .add_note(
            &clerk,
            a.patient_id,
            Some(okusuri_store::BodyKind::Allergy),
            "ペニシリン",
        )
        .await
        .unwrap();
    let before = snapshot(tmp.path()).await;
    let refused = app
        .withdraw_note(&clerk, a.patient_id, "allergy", allergy, "誤登録")
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::AuthForbidden);
    assert!(
        refused.message.contains("薬剤師・医師・管理者だけ"),
        "{}",
        refused.message
    );
    let notebook = fixture("v26-example-04.txt");
    let take_in = app
        .import_notebook(&clerk, a.patient_id, &notebook)
        .await
        .unwrap_err();
    assert_eq!(take_in.code, ErrorCode::AuthForbidden);
    assert_eq!(snapshot(tmp.path()).await, before, "nothing changed");
    // Reading it is allowed; the memo is the clerk's to withdraw.
    app.preview_notebook(&clerk, &notebook).await.unwrap();
    app.withdraw_note(&clerk, a.patient_id, "memo", memo, "重複")
        .await
        .unwrap();
    // 設定 lets clerks take in notebooks.
    app.store()
        .set_setting(
            &admin.actor(),
            okusuri_app::session::CLERKS_TAKE_IN_KEY,
            "true",
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(
        app.permissions(&clerk)
            .await
            .unwrap()
            .contains(&okusuri_app::Permission::TakeInNotebook)
    );
    app.import_notebook(&clerk, a.patient_id, &notebook)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_reset_password_allows_nothing_but_changing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, clerk) = staff(&app, Role::Clerk).await;
    let id = clerk.staff().id;
    app.reset_password(&admin, id, "Temp-4821-kusuri")
        .await
        .unwrap();
    let session = app
        .sign_in("PH0001", "clerk1", "Temp-4821-kusuri", None, Via::Window)
        .await
        .unwrap();
    assert!(session.must_change_password());
    let refused = app.search_patients(&session, "ヤマダ").await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::AuthPasswordChange);
    assert!(
        app.status(Some(&session))
            .await
            .unwrap()
            .must_change_password
    );
    app.change_password(&session, "Temp-4821-kusuri", "mine-Hakone-2027")
        .await
        .unwrap();
    app.search_patients(&session, "ヤマダ").await.unwrap();
}

#[tokio::test]
async fn a_pharmacist_merges_and_the_link_takes_only_a_real_candidate() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, pharmacist) = staff(&app, Role::Pharmacist).await;
    let a = app
        .import_file(&admin, "a.txt", &fixture("v26-example-11.txt"))
        .await
        .unwrap();
    let b = app
        .import_file(&admin, "b.txt", &fixture("tc-multi-dispensing.txt"))
        .await
        .unwrap();
    let before = snapshot(tmp.path()).await;
    // お薬自動登録: `b` has no receipt-computer ID, so it is no candidate of
    // `a`; the link (open to clerks) must not become a merge of any two patients.
    assert!(
        app.link_candidates(&pharmacist, a.patient_id)
            .await
            .unwrap()
            .is_empty()
    );
    let before_link = snapshot(tmp.path()).await;
    let link = app
        .link_record(&pharmacist, a.patient_id, b.patient_id)
        .await
        .unwrap_err();
    assert_eq!(link.code, ErrorCode::InputInvalid);
    assert!(
        link.message.contains("候補ではありません"),
        "{}",
        link.message
    );
    assert_eq!(snapshot(tmp.path()).await, before_link);
    assert_eq!(
        before_link[8],
        before[8] + 1,
        "the candidates read was logged"
    );

    let merge_id = app
        .merge(&pharmacist, a.patient_id, b.patient_id, "同一人物")
        .await
        .unwrap();
    app.undo_merge(&pharmacist, merge_id, "別人").await.unwrap();
}

#[tokio::test]
async fn every_read_of_one_patient_is_in_the_access_log_once_per_opening() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, clerk) = staff(&app, Role::Clerk).await;
    let p = app
        .import_file(&admin, "a.txt", &fixture("tc-multi-dispensing.txt"))
        .await
        .unwrap()
        .patient_id;
    let viewed = |part: &'static str| {
        let dir = tmp.path().to_path_buf();
        async move {
            scalar(
                &dir,
                &format!(
                    "SELECT count(*) FROM access_log WHERE event = 'patient_viewed' \
                     AND patient_id = {p} AND detail = '{part}' AND login_id = 'clerk1'"
                ),
            )
            .await
        }
    };

    app.open_patient(&clerk, p).await.unwrap();
    let opened = scalar(
        tmp.path(),
        "SELECT count(*) FROM access_log WHERE event = 'patient_opened' AND login_id = 'clerk1'",
    )
    .await;
    assert_eq!(opened, 1);
    let first = app
        .history_page(&clerk, p, HistoryFilter::All, None)
        .await
        .unwrap();
    app.history_page(&clerk, p, HistoryFilter::All, first.next.as_ref())
        .await
        .unwrap();
    assert_eq!(
        viewed("history all").await,
        1,
        "pages coalesced per opening"
    );
    app.history_page(&clerk, p, HistoryFilter::This, None)
        .await
        .unwrap();
    assert_eq!(viewed("history this").await, 1);
    app.notes(&clerk, p).await.unwrap();
    assert_eq!(viewed("notes").await, 1);
    app.otc(&clerk, p).await.unwrap();
    assert_eq!(viewed("otc").await, 1);
    app.merges(&clerk, p).await.unwrap();
    assert_eq!(viewed("merges").await, 1);
    app.link_candidates(&clerk, p).await.unwrap();
    assert_eq!(viewed("link candidates []").await, 1);

    // Opened again: logged again.
    app.open_patient(&clerk, p).await.unwrap();
    app.history_page(&clerk, p, HistoryFilter::All, None)
        .await
        .unwrap();
    assert_eq!(viewed("history all").await, 2);

    // Another pharmacy's notebook read for display, and a QR print.
    app.preview_notebook(&clerk, &fixture("v26-example-01.txt"))
        .await
        .unwrap();
    let previews = scalar(
        tmp.path(),
        "SELECT count(*) FROM access_log WHERE event = 'notebook_previewed'",
    )
    .await;
    assert_eq!(previews, 1);
    let pdf = tmp.path().join("qr.pdf");
    app.print_patient_qr(&clerk, p, &[], QrOutput::File(pdf.clone()))
        .await
        .unwrap();
    assert!(pdf.exists());
    let exported = scalar(
        tmp.path(),
        &format!(
            "SELECT count(*) FROM access_log WHERE event = 'notebook_exported' AND patient_id = {p}"
        ),
    )
    .await;
    assert_eq!(exported, 1);
    assert_eq!(
        app.store().verify_access_log().await.unwrap().first_broken,
        None
    );
}

#[tokio::test]
async fn a_write_whose_transaction_fails_leaves_neither_the_change_nor_the_log_row() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, pharmacist) = staff(&app, Role::Pharmacist).await;
    let p = app
        .import_file(&admin, "a.txt", &fixture("v26-example-11.txt"))
        .await
        .unwrap()
        .patient_id;

    // The log row cannot be written: the memo must not stay.
    let mut conn = raw(tmp.path()).await;
    sqlx::query(
        "CREATE TRIGGER no_log BEFORE INSERT ON access_log WHEN NEW.event = 'patient_note_added'
         BEGIN SELECT RAISE(ABORT, 'log refused'); END",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let before = snapshot(tmp.path()).await;
    let err = app
        .add_note(&pharmacist, p, None, "残薬あり")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::DbFailed);
    assert_eq!(snapshot(tmp.path()).await, before);

    // The change cannot be written: no log row claims it was.
    sqlx::query("DROP TRIGGER no_log")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "CREATE TRIGGER no_memo BEFORE INSERT ON memo
         BEGIN SELECT RAISE(ABORT, 'memo refused'); END",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let err = app
        .add_note(&pharmacist, p, None, "残薬あり")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::DbFailed);
    assert_eq!(snapshot(tmp.path()).await, before);
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_locked_database_is_busy_not_a_missing_permission() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, _) = staff(&app, Role::Clerk).await;
    let mut conn = raw(tmp.path()).await;
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut conn)
        .await
        .unwrap();
    let codes = FacilityCodes {
        prefecture: "13".into(),
        table: "4".into(),
        code: "1234567".into(),
    };
    let err = app.set_facility_codes(&admin, &codes).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::DbBusy, "{}", err.message);
    assert!(err.message.contains("使用中"), "{}", err.message);
    sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    app.set_facility_codes(&admin, &codes).await.unwrap();
}

#[tokio::test]
async fn sign_in_failures_have_their_own_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let early = app
        .sign_in_here("admin", PASSWORD, None, Via::Cli)
        .await
        .unwrap_err();
    assert_eq!(early.code, ErrorCode::SetupRequired);
    staff(&app, Role::Clerk).await;
    for attempt in 1..=6 {
        let err = app
            .sign_in("PH0001", "clerk1", "wrong-password", None, Via::Window)
            .await
            .unwrap_err();
        // Locked or not, one code and one message: nothing tells a real ID.
        assert_eq!(
            err.code,
            ErrorCode::AuthFailed,
            "attempt {attempt}: {}",
            err.message
        );
    }
    let cli = app
        .sign_in_here("admin", PASSWORD, None, Via::Cli)
        .await
        .unwrap();
    app.sign_out(&cli).await.unwrap();
    let pc = scalar(
        tmp.path(),
        "SELECT count(*) FROM access_log WHERE event IN ('sign_in', 'sign_out') AND pc_name = 'TEST-PC (CLI)'",
    )
    .await;
    assert_eq!(pc, 2);
}

#[tokio::test]
async fn update_settings_are_for_administrators_checked_and_audited() {
    use okusuri_update::UpdateSettings;
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, pharmacist) = staff(&app, Role::Pharmacist).await;
    assert_eq!(
        app.update_settings().await.unwrap(),
        UpdateSettings::default()
    );
    let wanted = UpdateSettings {
        enabled: false,
        endpoint: "https://updates.example.jp/okusuri/latest.json".into(),
        interval_hours: 24,
    };
    app.set_update_settings(&admin, &wanted).await.unwrap();
    let bad = UpdateSettings {
        endpoint: "ftp://x/latest.json".into(),
        ..wanted.clone()
    };
    let e = app.set_update_settings(&admin, &bad).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InputInvalid);
    assert!(e.message.contains("https://"), "{}", e.message);
    let e = app
        .set_update_settings(&pharmacist, &UpdateSettings::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthForbidden);
    assert_eq!(app.update_settings().await.unwrap(), wanted, "kept");
    let logged = scalar(
        tmp.path(),
        "SELECT count(*) FROM access_log WHERE event = 'settings_changed' AND detail = 'setting update.*'",
    )
    .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn the_current_window_refuses_more_than_90_days_and_keeps_the_last_one() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, pharmacist) = staff(&app, Role::Pharmacist).await;
    assert_eq!(app.current_window_days().await.unwrap(), 7, "the default");
    app.set_current_window_days(&admin, 30).await.unwrap();
    let e = app.set_current_window_days(&admin, 91).await.unwrap_err();
    assert_eq!(e.message, "今回のお薬の期間は0〜90日で指定してください。");
    let e = app
        .set_current_window_days(&pharmacist, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthForbidden);
    assert_eq!(app.current_window_days().await.unwrap(), 30, "kept");
}

#[tokio::test]
async fn an_idle_window_locks_and_only_the_same_password_unlocks_it() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app(tmp.path()).await;
    let (admin, clerk) = staff(&app, Role::Clerk).await;
    assert_eq!(app.idle_lock_minutes().await.unwrap(), 10);
    app.search_patients(&clerk, "ヤマダ").await.unwrap();
    // Eleven minutes later, with no command and no input in between.
    let later = App::with_clock(
        app.store().clone(),
        Arc::new(FixedClock::jst(
            Utc.with_ymd_and_hms(2026, 12, 4, 1, 11, 0).unwrap(),
        )),
    );
    let refused = later.search_patients(&clerk, "ヤマダ").await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::SessionLocked);
    assert!(later.status(Some(&clerk)).await.unwrap().locked);
    assert_eq!(
        later.session_alive(&clerk).unwrap_err().code,
        ErrorCode::SessionLocked
    );
    let wrong = later.unlock(&clerk, "not-my-password").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::AuthFailed);
    assert!(
        later.search_patients(&clerk, "ヤマダ").await.is_err(),
        "still locked"
    );
    later.unlock(&clerk, PASSWORD).await.unwrap();
    later.search_patients(&clerk, "ヤマダ").await.unwrap();
    // By hand, logged; the administrator sets the minutes (1–60).
    later.lock(&clerk, "manual").await.unwrap();
    assert_eq!(
        later
            .search_patients(&clerk, "ヤマダ")
            .await
            .unwrap_err()
            .code,
        ErrorCode::SessionLocked
    );
    // The administrator's window idled too; a new sign-in is not locked.
    assert_eq!(
        later
            .set_idle_lock_minutes(&admin, 3)
            .await
            .unwrap_err()
            .code,
        ErrorCode::SessionLocked
    );
    let admin = later
        .sign_in("PH0001", "admin", PASSWORD, None, Via::Window)
        .await
        .unwrap();
    assert_eq!(
        later
            .set_idle_lock_minutes(&admin, 0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::InputInvalid
    );
    later.set_idle_lock_minutes(&admin, 3).await.unwrap();
    assert_eq!(later.idle_lock_minutes().await.unwrap(), 3);
    let events = scalar(
        tmp.path(),
        "SELECT count(*) FROM access_log WHERE event IN ('session_locked', 'session_unlocked')",
    )
    .await;
    assert_eq!(events, 2);
    // The command line's sessions never lock.
    let cli = app
        .sign_in_here("admin", PASSWORD, None, Via::Cli)
        .await
        .unwrap();
    later.search_patients(&cli, "ヤマダ").await.unwrap();
}
