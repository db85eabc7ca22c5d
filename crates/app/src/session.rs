//! Who is signed in, how, and what their role may do. The permission table
//! below is the only place roles are checked; the window receives the
//! caller's permissions from `app_status` instead of repeating it.

use std::collections::HashSet;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use okusuri_store::{Actor, Role, Staff, Via};
use serde::Serialize;

use crate::error::{AppError, ErrorCode};

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Search, open and read patients (history, notes, the list).
    ViewPatients,
    /// Add からだの情報 / メモ, and withdraw メモ.
    EditNotes,
    /// Withdraw からだの情報 (an allergy, a side effect, an illness): a
    /// clinical judgement, not a clerk's.
    WithdrawBodyInfo,
    /// Issue and re-issue cards, turn the reader on, link receipt-computer records.
    IssueCards,
    /// Print the patient QR.
    PrintQr,
    /// Take another pharmacy's notebook into a patient's record (reading it
    /// is [`Permission::ViewPatients`]); clerks only when 設定 allows it.
    TakeInNotebook,
    /// Merge two patient records and undo merges.
    MergePatients,
    /// Import JAHIS files (取込).
    ImportFiles,
    /// Change settings: facility codes, the reader, the receipt-computer folders.
    ChangeSettings,
    /// Remap receipt-computer patient IDs.
    RemapIds,
    /// Add and list staff.
    ManageStaff,
    /// Send prescriptions to the 電子処方箋管理サービス (check, issue, cancel) and
    /// map usages: doctors only (C3).
    Prescribe,
    /// Read and export the access log (監査ログ).
    ReadAuditLog,
}

impl Permission {
    /// Every permission, in the order the table lists them.
    pub const ALL: [Permission; 13] = [
        Permission::ViewPatients,
        Permission::EditNotes,
        Permission::WithdrawBodyInfo,
        Permission::IssueCards,
        Permission::PrintQr,
        Permission::TakeInNotebook,
        Permission::MergePatients,
        Permission::ImportFiles,
        Permission::ChangeSettings,
        Permission::RemapIds,
        Permission::ManageStaff,
        Permission::Prescribe,
        Permission::ReadAuditLog,
    ];

    /// The Japanese message when the role may not do this.
    fn refusal(self) -> &'static str {
        match self {
            Permission::MergePatients => {
                "患者の統合と取り消しは、薬剤師・医師・管理者だけが行えます。"
            }
            Permission::WithdrawBodyInfo => {
                "からだの情報（アレルギー・副作用・既往歴）の取消は、薬剤師・医師・管理者だけが行えます。"
            }
            Permission::TakeInNotebook => {
                "他社の手帳の取り込みは、薬剤師・医師・管理者だけが行えます（設定で事務にも許可できます）。"
            }
            Permission::ImportFiles => "取込は管理者だけが行えます。",
            Permission::ChangeSettings => "設定の変更は管理者だけが行えます。",
            Permission::RemapIds => "IDの付け替えは管理者だけが行えます。",
            Permission::ManageStaff => "スタッフの管理は管理者だけが行えます。",
            Permission::ReadAuditLog => "監査ログは管理者だけが見られます。",
            Permission::Prescribe => "電子処方箋の送信と用法の紐付けは医師だけが行えます。",
            _ => "この操作を行う権限がありません。",
        }
    }
}

const EVERYONE: &[Role] = &[Role::Admin, Role::Pharmacist, Role::Doctor, Role::Clerk];
const CLINICAL: &[Role] = &[Role::Admin, Role::Pharmacist, Role::Doctor];
const ADMIN: &[Role] = &[Role::Admin];
const DOCTOR: &[Role] = &[Role::Doctor];

/// Which roles may do what: the whole permission rule of the app (with one
/// setting: [`CLERKS_TAKE_IN_KEY`]). Clerks (事務) issue cards and read
/// notebooks at the counter; withdrawing body information, taking in another
/// pharmacy's notebook and merging records are clinical staff's; settings,
/// imports and staff are the administrator's.
pub const PERMISSIONS: &[(Permission, &[Role])] = &[
    (Permission::ViewPatients, EVERYONE),
    (Permission::EditNotes, EVERYONE),
    (Permission::WithdrawBodyInfo, CLINICAL),
    (Permission::IssueCards, EVERYONE),
    (Permission::PrintQr, EVERYONE),
    (Permission::TakeInNotebook, CLINICAL),
    (Permission::MergePatients, CLINICAL),
    (Permission::ImportFiles, ADMIN),
    (Permission::ChangeSettings, ADMIN),
    (Permission::RemapIds, ADMIN),
    (Permission::ManageStaff, ADMIN),
    (Permission::Prescribe, DOCTOR),
    (Permission::ReadAuditLog, ADMIN),
];

/// The setting that lets clerks take in another pharmacy's notebook ("true").
pub const CLERKS_TAKE_IN_KEY: &str = "notebook.clerks_take_in";

/// True when `role` may do `permission`.
pub fn allowed(role: Role, permission: Permission) -> bool {
    PERMISSIONS
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// Everything `role` may do.
pub fn permissions_of(role: Role) -> Vec<Permission> {
    Permission::ALL
        .into_iter()
        .filter(|p| allowed(role, *p))
        .collect()
}

/// How the staff member proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// 施設ID + スタッフID + パスワード.
    Password,
    /// The password and a second factor (TOTP or a recovery code).
    TwoFactor,
}

/// A signed-in staff member, in the window or on the command line.
#[derive(Debug)]
pub struct Session {
    staff: Staff,
    auth: AuthMethod,
    via: Via,
    last_activity: Mutex<DateTime<Utc>>,
    /// What of which patient was already written to the access log since
    /// that patient was last opened (pages of one part are logged once).
    viewed: Mutex<(Option<i64>, HashSet<String>)>,
    /// The doctor's authentication to sign prescriptions (C3), while valid.
    doctor: Mutex<Option<crate::doctor::DoctorAuth>>,
    /// An administrator reset the password: nothing but changing it is allowed.
    must_change_password: Mutex<bool>,
    /// A two-factor secret shown for enrolment, until its first code confirms it.
    enrolling: Mutex<Option<String>>,
    /// The window is locked (idle or by hand): nothing but unlocking or
    /// signing out until the same staff member's password is entered.
    locked: Mutex<bool>,
    /// Minutes without input after which the window locks (0: never; the
    /// command line's sessions never lock).
    idle_limit_minutes: Mutex<u32>,
}

impl Session {
    /// A session that starts now.
    pub fn new(staff: Staff, auth: AuthMethod, via: Via, now: DateTime<Utc>) -> Session {
        Session {
            staff,
            auth,
            via,
            last_activity: Mutex::new(now),
            viewed: Mutex::new((None, HashSet::new())),
            doctor: Mutex::new(None),
            must_change_password: Mutex::new(false),
            enrolling: Mutex::new(None),
            locked: Mutex::new(false),
            idle_limit_minutes: Mutex::new(0),
        }
    }

    /// Locks after `minutes` without input (0: never).
    pub fn set_idle_limit(&self, minutes: u32) {
        if let Ok(mut m) = self.idle_limit_minutes.lock() {
            *m = minutes;
        }
    }

    /// True when the window is locked at `now`: locked by hand or by the
    /// window's idle timer, or idle longer than the limit since the last
    /// command or input (which locks it from then on).
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        let limit = self.idle_limit_minutes.lock().map(|m| *m).unwrap_or(0);
        let idle = limit > 0
            && self
                .last_activity()
                .is_some_and(|last| now - last > chrono::Duration::minutes(i64::from(limit)));
        let Ok(mut locked) = self.locked.lock() else {
            return true;
        };
        if idle {
            *locked = true;
        }
        *locked
    }

    /// Locks or unlocks the window.
    pub(crate) fn set_locked(&self, locked: bool) {
        if let Ok(mut l) = self.locked.lock() {
            *l = locked;
        }
    }

    /// A session that may do nothing until the password is changed.
    pub fn needing_password_change(self) -> Session {
        self.set_must_change_password(true);
        self
    }

    /// True while the password must be changed before anything else.
    pub fn must_change_password(&self) -> bool {
        self.must_change_password.lock().map(|m| *m).unwrap_or(true)
    }

    pub(crate) fn set_must_change_password(&self, must: bool) {
        if let Ok(mut m) = self.must_change_password.lock() {
            *m = must;
        }
    }

    /// The secret being enrolled, if any (taken once it is confirmed).
    pub(crate) fn enrolling(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.enrolling
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The doctor's authentication, if any (expired ones included; see `App::doctor_auth`).
    pub(crate) fn doctor(&self) -> std::sync::MutexGuard<'_, Option<crate::doctor::DoctorAuth>> {
        self.doctor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The staff member.
    pub fn staff(&self) -> &Staff {
        &self.staff
    }

    /// How they signed in.
    pub fn auth(&self) -> AuthMethod {
        self.auth
    }

    /// Who the access log says acted.
    pub fn actor(&self) -> Actor {
        Actor::staff(&self.staff, self.via)
    }

    /// Everything this session may do.
    pub fn permissions(&self) -> Vec<Permission> {
        permissions_of(self.staff.role)
    }

    /// `Ok` when the role may do `permission`, else `auth.forbidden`
    /// (or `auth.password_change` while the password must be changed).
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.must_change_password() {
            return Err(AppError::new(
                ErrorCode::AuthPasswordChange,
                "管理者がパスワードをリセットしました。新しいパスワードに変更してから操作してください。",
            ));
        }
        if allowed(self.staff.role, permission) {
            Ok(())
        } else {
            Err(
                AppError::new(ErrorCode::AuthForbidden, permission.refusal())
                    .with_detail(format!("role {}", self.staff.role.as_str())),
            )
        }
    }

    /// Records activity (each use case calls it).
    pub fn touch(&self, now: DateTime<Utc>) {
        if let Ok(mut last) = self.last_activity.lock() {
            *last = now;
        }
    }

    /// When the session was last used (for an idle sign-out).
    pub fn last_activity(&self) -> Option<DateTime<Utc>> {
        self.last_activity.lock().map(|t| *t).ok()
    }

    /// A patient was opened: reads of their parts are logged again.
    pub(crate) fn opened(&self, patient_id: i64) {
        if let Ok(mut viewed) = self.viewed.lock() {
            *viewed = (Some(patient_id), HashSet::new());
        }
    }

    /// True when `part` of `patient_id` must be written to the access log:
    /// the first time since the patient was opened in this session, or
    /// always for a patient not opened here.
    pub(crate) fn first_view(&self, patient_id: i64, part: &str) -> bool {
        let Ok(mut viewed) = self.viewed.lock() else {
            return true;
        };
        if viewed.0 != Some(patient_id) {
            return true;
        }
        viewed.1.insert(part.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(role: Role) -> Session {
        let staff = Staff {
            id: 1,
            login_id: "s1".into(),
            display_name: "テスト".into(),
            role,
        };
        Session::new(staff, AuthMethod::Password, Via::Window, Utc::now())
    }

    #[test]
    fn the_table_gives_each_role_what_the_pharmacy_expects() {
        use Permission as P;
        let clerk = permissions_of(Role::Clerk);
        assert_eq!(
            clerk,
            vec![P::ViewPatients, P::EditNotes, P::IssueCards, P::PrintQr]
        );
        assert!(permissions_of(Role::Pharmacist).contains(&P::WithdrawBodyInfo));
        assert!(permissions_of(Role::Pharmacist).contains(&P::TakeInNotebook));
        let pharmacist = permissions_of(Role::Pharmacist);
        assert!(pharmacist.contains(&P::MergePatients));
        assert!(!pharmacist.contains(&P::ImportFiles));
        assert!(!pharmacist.contains(&P::ChangeSettings));
        let mut doctor = pharmacist.clone();
        doctor.push(P::Prescribe);
        assert_eq!(permissions_of(Role::Doctor), doctor);
        let mut admin = P::ALL.to_vec();
        admin.retain(|p| *p != P::Prescribe);
        assert_eq!(
            permissions_of(Role::Admin),
            admin,
            "an administrator does not prescribe"
        );
    }

    #[test]
    fn every_permission_is_in_the_table_once() {
        for p in Permission::ALL {
            assert_eq!(
                PERMISSIONS.iter().filter(|(q, _)| *q == p).count(),
                1,
                "{p:?}"
            );
        }
        assert_eq!(PERMISSIONS.len(), Permission::ALL.len());
    }

    #[test]
    fn a_refusal_is_forbidden_with_the_rule_in_japanese() {
        let err = session(Role::Clerk)
            .require(Permission::MergePatients)
            .err();
        let err = err.unwrap_or_else(|| AppError::invalid("allowed"));
        assert_eq!(err.code, ErrorCode::AuthForbidden);
        assert_eq!(
            err.message,
            "患者の統合と取り消しは、薬剤師・医師・管理者だけが行えます。"
        );
        assert!(
            session(Role::Admin)
                .require(Permission::ManageStaff)
                .is_ok()
        );
    }

    #[test]
    fn a_session_says_how_it_signed_in_and_when_it_was_last_used() {
        let s = session(Role::Clerk);
        assert_eq!(s.auth(), AuthMethod::Password);
        let later = Utc::now() + chrono::Duration::minutes(5);
        s.touch(later);
        assert_eq!(s.last_activity(), Some(later));
        assert_eq!(s.actor().login_id, "s1");
    }

    #[test]
    fn parts_of_an_opened_patient_are_logged_once_per_opening() {
        let s = session(Role::Pharmacist);
        assert!(s.first_view(7, "history"), "not opened here: always");
        assert!(s.first_view(7, "history"));
        s.opened(7);
        assert!(s.first_view(7, "history"));
        assert!(!s.first_view(7, "history"), "page 2 coalesced");
        assert!(s.first_view(7, "notes"));
        assert!(s.first_view(8, "history"), "another patient");
        s.opened(7);
        assert!(s.first_view(7, "history"), "opened again");
    }
}
