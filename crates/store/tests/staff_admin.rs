//! スタッフ管理 and two-factor sign-in (issue 16 §5) on a real database file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::*;
use okusuri_store::two_factor::{code_at, new_enrolment};
use okusuri_store::{AccountError, NewStaff, Role, Staff, Store, Via};

async fn with_pharmacist(store: &Store) -> (Staff, Staff) {
    let admin = set_up(store).await;
    let yamada = store
        .add_staff(
            &act(&admin),
            &NewStaff {
                login_id: "yamada".into(),
                display_name: "山田 花子".into(),
                role: Role::Pharmacist,
                password: "pharm-pass-2026".into(),
            },
            at(2026, 11, 1, 0, 0),
        )
        .await
        .unwrap();
    (admin, yamada)
}

async fn sign_in(
    store: &Store,
    login: &str,
    password: &str,
    code: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<okusuri_store::SignedIn, AccountError> {
    store
        .sign_in("PH0001", login, password, code, Via::Window, at)
        .await
}

#[tokio::test]
async fn a_deactivated_staff_member_cannot_sign_in_until_reactivated() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let (admin, yamada) = with_pharmacist(&store).await;
    let now = at(2026, 11, 2, 9, 0);
    store
        .set_staff_active(&act(&admin), yamada.id, false, now)
        .await
        .unwrap();
    let refused = sign_in(&store, "yamada", "pharm-pass-2026", None, now)
        .await
        .unwrap_err();
    assert!(matches!(refused, AccountError::InvalidCredentials));
    // Whatever they still had open can no longer write.
    let write = store
        .audit(
            &act(&yamada),
            okusuri_store::AccessEvent::SignOut,
            None,
            "",
            now,
        )
        .await;
    assert!(matches!(
        write,
        Err(okusuri_store::StoreError::UnknownStaff)
    ));
    let accounts = store.staff_accounts(now).await.unwrap();
    let listed = accounts.iter().find(|a| a.staff.id == yamada.id).unwrap();
    assert!(!listed.active);
    store
        .set_staff_active(&act(&admin), yamada.id, true, now)
        .await
        .unwrap();
    sign_in(&store, "yamada", "pharm-pass-2026", None, now)
        .await
        .unwrap();
    let events: Vec<String> = store
        .recent_access_log(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert!(events.contains(&"staff_deactivated".to_string()));
    assert!(events.contains(&"staff_reactivated".to_string()));
}

#[tokio::test]
async fn an_administrator_cannot_remove_themselves_or_the_last_administrator() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let (admin, yamada) = with_pharmacist(&store).await;
    let now = at(2026, 11, 2, 9, 0);
    let own = store
        .set_staff_active(&act(&admin), admin.id, false, now)
        .await
        .unwrap_err();
    assert!(own.to_string().contains("自分自身"), "{own}");
    let own = store
        .set_staff_role(&act(&admin), admin.id, Role::Clerk, now)
        .await
        .unwrap_err();
    assert!(own.to_string().contains("自分自身"), "{own}");
    // Yamada becomes an administrator, then demotes the first one: allowed
    // (two admins); demoting yamada then would leave none.
    store
        .set_staff_role(&act(&admin), yamada.id, Role::Admin, now)
        .await
        .unwrap();
    let yamada_admin = Staff {
        role: Role::Admin,
        ..yamada.clone()
    };
    store
        .set_staff_role(&act(&yamada_admin), admin.id, Role::Pharmacist, now)
        .await
        .unwrap();
    let accounts = store.staff_accounts(now).await.unwrap();
    assert_eq!(
        accounts
            .iter()
            .filter(|a| a.staff.role == Role::Admin)
            .count(),
        1
    );
    let last = store
        .set_staff_active(&act(&admin), yamada.id, false, now)
        .await
        .unwrap_err();
    assert!(last.to_string().contains("最後の管理者"), "{last}");
    let log = store.recent_access_log(5).await.unwrap();
    assert!(
        log.iter().any(|e| e.event == "role_changed"
            && e.detail.as_deref() == Some("admin: admin -> pharmacist by yamada")),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_reset_password_must_be_changed_and_lifts_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let (admin, yamada) = with_pharmacist(&store).await;
    let t0 = at(2026, 11, 2, 9, 0);
    for _ in 0..5 {
        sign_in(&store, "yamada", "forgot-it-again", None, t0)
            .await
            .unwrap_err();
    }
    let weak = store
        .reset_password(&act(&admin), yamada.id, "password12345", t0)
        .await
        .unwrap_err();
    assert!(weak.to_string().contains("推測されやすい"), "{weak}");
    store
        .reset_password(&act(&admin), yamada.id, "Temp-4821-kusuri", t0)
        .await
        .unwrap();
    let signed = sign_in(&store, "yamada", "Temp-4821-kusuri", None, t0)
        .await
        .unwrap();
    assert!(
        signed.must_change_password,
        "the lock is lifted, the change is due"
    );
    store
        .change_password(&act(&yamada), "Temp-4821-kusuri", "mine-Hakone-2027", t0)
        .await
        .unwrap();
    let again = sign_in(&store, "yamada", "mine-Hakone-2027", None, t0)
        .await
        .unwrap();
    assert!(!again.must_change_password);
    let log = store.recent_access_log(10).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.event == "password_reset" && e.staff_id == Some(yamada.id))
    );
}

#[tokio::test]
async fn two_factor_sign_in_with_a_totp_code_or_a_recovery_code() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(tmp.path()).await;
    let (admin, yamada) = with_pharmacist(&store).await;
    let t0 = at(2026, 11, 2, 9, 0);
    let enrolment = new_enrolment("yamada@PH0001").unwrap();
    let wrong = store
        .enable_two_factor(&act(&yamada), &enrolment.secret, "000000", t0)
        .await;
    assert!(
        matches!(wrong, Err(AccountError::WrongSecondFactor)),
        "not stored without proof"
    );
    assert!(!store.staff_accounts(t0).await.unwrap()[1].two_factor);
    let first = code_at(&enrolment.secret, t0).unwrap();
    let recovery = store
        .enable_two_factor(&act(&yamada), &enrolment.secret, &first, t0)
        .await
        .unwrap();
    assert_eq!(recovery.len(), 10);

    let t1 = t0 + Duration::minutes(1);
    let asked = sign_in(&store, "yamada", "pharm-pass-2026", None, t1)
        .await
        .unwrap_err();
    assert!(
        matches!(asked, AccountError::SecondFactorRequired),
        "{asked:?}"
    );
    println!("{asked}");
    let code = code_at(&enrolment.secret, t1).unwrap();
    let signed = sign_in(&store, "yamada", "pharm-pass-2026", Some(&code), t1)
        .await
        .unwrap();
    assert!(signed.two_factor);
    let replay = sign_in(&store, "yamada", "pharm-pass-2026", Some(&code), t1)
        .await
        .unwrap_err();
    assert!(
        matches!(replay, AccountError::WrongSecondFactor),
        "a code works once"
    );
    // The phone is lost: a recovery code, once.
    let t2 = t1 + Duration::minutes(1);
    sign_in(&store, "yamada", "pharm-pass-2026", Some(&recovery[0]), t2)
        .await
        .unwrap();
    let used = sign_in(&store, "yamada", "pharm-pass-2026", Some(&recovery[0]), t2)
        .await
        .unwrap_err();
    assert!(matches!(used, AccountError::WrongSecondFactor));
    // A wrong password with a right code is still just a wrong sign-in.
    let code = code_at(&enrolment.secret, t2 + Duration::minutes(1)).unwrap();
    let bad = sign_in(
        &store,
        "yamada",
        "not-my-password",
        Some(&code),
        t2 + Duration::minutes(1),
    )
    .await
    .unwrap_err();
    assert!(matches!(bad, AccountError::InvalidCredentials));
    // With two factors, eight characters are enough for a new password.
    store
        .change_password(&act(&yamada), "pharm-pass-2026", "Hk-73@19q", t2)
        .await
        .unwrap();
    // The administrator turns it off (lost phone): the password alone works again.
    store
        .disable_two_factor(&act(&admin), yamada.id, t2)
        .await
        .unwrap();
    sign_in(
        &store,
        "yamada",
        "Hk-73@19q",
        None,
        t2 + Duration::minutes(2),
    )
    .await
    .unwrap();
    let events: Vec<String> = store
        .recent_access_log(20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert!(events.contains(&"two_factor_enabled".to_string()));
    assert!(events.contains(&"two_factor_disabled".to_string()));
    let details: Vec<Option<String>> = store
        .recent_access_log(20)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event == "sign_in")
        .map(|e| e.detail)
        .collect();
    assert!(details.contains(&Some("password + TOTP".into())));
    assert!(details.contains(&Some("password + recovery code".into())));
}
