//! Staff accounts and sign-in (P10) on a real database file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::*;
use okusuri_store::{AccountError, NewStaff, Role};

#[tokio::test]
async fn setup_creates_facility_and_admin_once() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    assert_eq!(store.facility().await.unwrap(), None);
    let admin = set_up(&store).await;
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.login_id, "admin");
    let again = store
        .set_up_facility(&setup(), okusuri_store::Via::Window, at(2026, 11, 2, 0, 0))
        .await;
    assert!(matches!(again, Err(AccountError::AlreadySetUp)));
    let log = store.recent_access_log(10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].event, "facility_created");
    assert_eq!(log[0].pc_name, "TEST-PC");
}

#[tokio::test]
async fn setup_enforces_the_password_and_id_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let mut short = setup();
    short.password = "first-pass-1".into();
    let err = store
        .set_up_facility(&short, okusuri_store::Via::Window, at(2026, 11, 1, 0, 0))
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("パスワードは13文字以上"),
        "{err}"
    );
    let mut named = setup();
    named.password = "admin-PH0001-x".into();
    let err = store
        .set_up_facility(&named, okusuri_store::Via::Window, at(2026, 11, 1, 0, 0))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("スタッフID・氏名・施設ID"),
        "{err}"
    );
    let mut bad_id = setup();
    bad_id.facility_code = "薬局 1".into();
    let err = store
        .set_up_facility(&bad_id, okusuri_store::Via::Window, at(2026, 11, 1, 0, 0))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("施設IDは半角英数字"), "{err}");
    assert_eq!(
        store.facility().await.unwrap(),
        None,
        "nothing half-created"
    );
}

#[tokio::test]
async fn sign_in_succeeds_and_is_logged_with_pc_name() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let now = at(2026, 11, 2, 0, 0);
    let staff = store
        .sign_in(
            " ph0001 ",
            "admin",
            "first-pass-2026",
            None,
            okusuri_store::Via::Window,
            now,
        )
        .await
        .unwrap();
    assert!(!staff.must_change_password && !staff.two_factor);
    let staff = staff.staff;
    assert_eq!(staff.display_name, "管理 太郎");
    store.sign_out(&common::act(&staff), now).await.unwrap();
    let log = store.recent_access_log(2).await.unwrap();
    assert_eq!(log[0].event, "sign_out");
    assert_eq!(log[1].event, "sign_in");
    assert_eq!(log[1].staff_id, Some(staff.id));
    assert_eq!(log[1].at, "2026-11-02T00:00:00.000Z");
}

#[tokio::test]
async fn wrong_id_facility_or_password_give_the_same_message() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let now = at(2026, 11, 2, 0, 0);
    let base = "施設ID、スタッフID、パスワードのいずれかが正しくありません。（5回続けて失敗すると、そのスタッフIDは5分間ログインできなくなります）";
    let unknown = store
        .sign_in(
            "PH0001",
            "nobody",
            "first-pass-2026",
            None,
            okusuri_store::Via::Window,
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.to_string(), base);
    let facility = store
        .sign_in(
            "PH9999",
            "admin",
            "first-pass-2026",
            None,
            okusuri_store::Via::Window,
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(facility.to_string(), base);
    let wrong = store
        .sign_in(
            "PH0001",
            "admin",
            "wrong-pass",
            None,
            okusuri_store::Via::Window,
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.to_string(), base, "no count that tells a real ID");
    let log = store.recent_access_log(3).await.unwrap();
    assert!(log.iter().all(|e| e.event == "sign_in_failed"));
    assert_eq!(log[2].login_id, "nobody");
}

#[tokio::test]
async fn five_failures_lock_for_five_minutes_even_with_the_right_password() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let t0 = at(2026, 11, 2, 9, 0);
    let attempt = |password: &'static str, at| {
        let store = store.clone();
        async move {
            store
                .sign_in(
                    "PH0001",
                    "admin",
                    password,
                    None,
                    okusuri_store::Via::Window,
                    at,
                )
                .await
        }
    };
    for _ in 1..=5 {
        let err = attempt("nope-nope", t0).await.unwrap_err();
        assert!(matches!(err, AccountError::InvalidCredentials), "{err:?}");
    }
    let during = attempt("first-pass-2026", t0 + Duration::minutes(3))
        .await
        .unwrap_err();
    assert!(
        matches!(during, AccountError::InvalidCredentials),
        "locked: the same message, the password not even checked: {during:?}"
    );
    let after = attempt("first-pass-2026", t0 + Duration::minutes(5)).await;
    assert!(after.is_ok(), "unlocked after five minutes: {after:?}");
    let events: Vec<String> = store
        .recent_access_log(20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        &events[..3],
        ["sign_in", "sign_in_while_locked", "locked_out"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_pass_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let store = okusuri_store::Store::open_in(
        &dir_of(tmp.path()),
        okusuri_store::OpenOptions {
            audit_key: None,
            database_key: None,
            busy_timeout: std::time::Duration::from_secs(30),
            pc_name: "TEST-PC".into(),
        },
    )
    .await
    .unwrap();
    set_up(&store).await;
    let t0 = at(2026, 11, 2, 9, 0);
    // Twenty wrong guesses at once, and the right password among them last.
    let mut tasks = Vec::new();
    for i in 0..21 {
        let store = store.clone();
        let password = if i == 20 {
            "first-pass-2026"
        } else {
            "guess-guess-1"
        };
        tasks.push(tokio::spawn(async move {
            store
                .sign_in(
                    "PH0001",
                    "admin",
                    password,
                    None,
                    okusuri_store::Via::Window,
                    t0,
                )
                .await
        }));
    }
    let mut checked = 0;
    for task in tasks {
        let _ = task.await.unwrap();
    }
    for e in store.recent_access_log(40).await.unwrap() {
        if matches!(
            e.event.as_str(),
            "sign_in_failed" | "locked_out" | "sign_in"
        ) {
            checked += 1;
        }
    }
    assert!(
        checked <= 5,
        "{checked} passwords checked, at most 5 allowed before the lock"
    );
    let locked = store
        .recent_access_log(40)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.event == "sign_in_while_locked")
        .count();
    assert_eq!(checked + locked, 21, "every attempt logged once");
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let t0 = at(2026, 11, 2, 9, 0);
    let attempt = |password: &'static str| {
        let store = store.clone();
        async move {
            store
                .sign_in(
                    "PH0001",
                    "admin",
                    password,
                    None,
                    okusuri_store::Via::Window,
                    t0,
                )
                .await
        }
    };
    for _ in 0..4 {
        attempt("nope-nope").await.unwrap_err();
    }
    attempt("first-pass-2026").await.unwrap();
    for _ in 0..4 {
        attempt("nope-nope").await.unwrap_err();
    }
    assert!(
        attempt("first-pass-2026").await.is_ok(),
        "four more failures do not lock: the count started again"
    );
}

#[tokio::test]
async fn password_change_needs_the_current_password() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let now = at(2026, 11, 2, 0, 0);
    let wrong = store
        .change_password(
            &common::act(&admin),
            "not-it-at-all",
            "second-pass-2026",
            now,
        )
        .await;
    assert!(matches!(wrong, Err(AccountError::WrongCurrentPassword)));
    let short = store
        .change_password(&common::act(&admin), "first-pass-2026", "short", now)
        .await;
    assert!(matches!(short, Err(AccountError::Invalid(_))));
    store
        .change_password(
            &common::act(&admin),
            "first-pass-2026",
            "second-pass-2026",
            now,
        )
        .await
        .unwrap();
    assert!(
        store
            .sign_in(
                "PH0001",
                "admin",
                "first-pass-2026",
                None,
                okusuri_store::Via::Window,
                now
            )
            .await
            .is_err()
    );
    assert!(
        store
            .sign_in(
                "PH0001",
                "admin",
                "second-pass-2026",
                None,
                okusuri_store::Via::Window,
                now
            )
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn only_admins_add_staff_and_ids_are_unique() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let admin = set_up(&store).await;
    let now = at(2026, 11, 2, 0, 0);
    let new = NewStaff {
        login_id: "yamada".into(),
        display_name: "山田 花子".into(),
        role: Role::Pharmacist,
        password: "pharm-pass-2026".into(),
    };
    let pharmacist = store
        .add_staff(&common::act(&admin), &new, now)
        .await
        .unwrap();
    assert_eq!(pharmacist.role, Role::Pharmacist);
    let dup = store
        .add_staff(&common::act(&admin), &new, now)
        .await
        .unwrap_err();
    assert_eq!(
        dup.to_string(),
        "スタッフID「yamada」はすでに使われています。"
    );

    let by_pharmacist = NewStaff {
        login_id: "sato".into(),
        ..new.clone()
    };
    // Who may add staff is the application layer's rule (okusuri-app); the
    // store refuses an actor that is not an active staff member at all.
    let ghost = okusuri_store::Staff {
        id: 999,
        ..pharmacist.clone()
    };
    let refused = store
        .add_staff(&common::act(&ghost), &by_pharmacist, now)
        .await;
    assert!(matches!(
        refused,
        Err(AccountError::Store(okusuri_store::StoreError::UnknownStaff))
    ));
    assert_eq!(store.list_staff().await.unwrap().len(), 2, "nothing added");

    let signed_in = store
        .sign_in(
            "PH0001",
            "yamada",
            "pharm-pass-2026",
            None,
            okusuri_store::Via::Window,
            now,
        )
        .await
        .unwrap();
    assert_eq!(signed_in.staff, pharmacist);
    let all = store.list_staff().await.unwrap();
    assert_eq!(all.len(), 2);
    let log = store.recent_access_log(5).await.unwrap();
    assert!(
        log.iter().any(|e| e.event == "staff_added"
            && e.detail.as_deref() == Some("added yamada as pharmacist"))
    );
}

#[tokio::test]
async fn the_access_log_is_a_hash_chain_that_shows_edits_and_removals() {
    use sqlx::Executor;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    set_up(&store).await;
    let t = at(2026, 11, 2, 9, 0);
    for _ in 0..3 {
        store
            .sign_in(
                "PH0001",
                "admin",
                "wrong-pass!",
                None,
                okusuri_store::Via::Window,
                t,
            )
            .await
            .unwrap_err();
    }
    store
        .sign_in(
            "PH0001",
            "admin",
            "first-pass-2026",
            None,
            okusuri_store::Via::Window,
            t,
        )
        .await
        .unwrap();
    let clean = store.verify_access_log().await.unwrap();
    assert_eq!(
        (clean.rows, clean.unchained, clean.first_broken),
        (5, 0, None)
    );

    // Someone edits row 3 in the file: the chain breaks there.
    let mut raw = raw(tmp.path()).await;
    raw.execute("UPDATE access_log SET login_id = 'someone' WHERE id = 3")
        .await
        .unwrap();
    assert_eq!(
        store.verify_access_log().await.unwrap().first_broken,
        Some(3)
    );
    raw.execute("UPDATE access_log SET login_id = 'admin' WHERE id = 3")
        .await
        .unwrap();
    assert_eq!(
        store.verify_access_log().await.unwrap().first_broken,
        None,
        "restored"
    );

    // Someone removes row 2: row 3 no longer follows.
    raw.execute("DELETE FROM access_log WHERE id = 2")
        .await
        .unwrap();
    assert_eq!(
        store.verify_access_log().await.unwrap().first_broken,
        Some(3)
    );
}

#[tokio::test]
async fn rows_written_before_the_chain_are_reported_as_unchained() {
    use sqlx::Executor;
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let mut raw = raw(tmp.path()).await;
    raw.execute(
        "INSERT INTO access_log (id, at, event, login_id, pc_name, hash) VALUES
           (1, '2026-01-01T00:00:00.000Z', 'sign_in', 'old', 'PC', ''),
           (2, '2026-01-01T00:01:00.000Z', 'sign_out', 'old', 'PC', '')",
    )
    .await
    .unwrap();
    set_up(&store).await; // the first chained row
    let report = store.verify_access_log().await.unwrap();
    assert_eq!(
        (report.rows, report.unchained, report.first_broken),
        (3, 2, None)
    );
    raw.execute("UPDATE access_log SET hash = '' WHERE id = 3")
        .await
        .unwrap();
    let report = store.verify_access_log().await.unwrap();
    assert_eq!(
        report.first_broken, None,
        "an emptied hash at the end reads as unchained"
    );
    assert_eq!(report.unchained, 3);
}
