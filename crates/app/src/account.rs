//! First-run setup, signing in and out, passwords and staff (P10).

use okusuri_store::{Facility, FacilitySetup, NewStaff, Staff, Via};
use serde::Serialize;

use crate::session::{AuthMethod, Permission, Session};
use crate::{App, AppError};

/// What the window routes on at start (apart from the version and a
/// start-up error, which the shell knows).
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct Status {
    /// The facility, `None` before first-run setup.
    pub facility: Option<Facility>,
    /// The signed-in staff member.
    pub staff: Option<Staff>,
    /// What the signed-in staff member may do.
    pub permissions: Vec<Permission>,
    /// The password must be changed before anything else (reset by an administrator).
    pub must_change_password: bool,
    /// The staff member signed in with a second factor.
    pub two_factor: bool,
    /// Minutes without input before the window locks.
    pub idle_lock_minutes: u32,
    /// The window is locked now.
    pub locked: bool,
    /// When the last backup was made (local time, `YYYY-MM-DD HH:MM`).
    pub last_backup: Option<String>,
    /// The largest file 取込 and 他社手帳 take, in bytes (the window refuses
    /// a larger one before reading it).
    #[ts(type = "number")]
    pub import_max_bytes: u64,
    /// The demo accounts when this database was made by `okusuri demo`
    /// (the window shows a デモデータ band and fills in the sign-in form).
    pub demo: Option<DemoAccount>,
}

/// What the sign-in form is filled with in a demo data folder.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DemoAccount {
    /// 施設ID.
    pub facility_id: String,
    /// スタッフID.
    pub staff_id: String,
    /// パスワード (the demo's, printed in the README).
    pub password: String,
}

impl App {
    /// The facility, the session's staff member and permissions, the last backup.
    pub async fn status(&self, session: Option<&Session>) -> Result<Status, AppError> {
        let facility = self.store.facility().await?;
        let last_backup = self
            .store
            .last_backup()
            .await?
            .map(|t| self.local_minute(t));
        Ok(Status {
            facility,
            staff: session.map(|s| s.staff().clone()),
            permissions: match session {
                Some(s) => self.permissions(s).await?,
                None => Vec::new(),
            },
            must_change_password: session.is_some_and(Session::must_change_password),
            two_factor: session.is_some_and(|s| s.auth() == AuthMethod::TwoFactor),
            idle_lock_minutes: self.idle_lock_minutes().await?,
            locked: session.is_some_and(|s| s.is_locked(self.clock.now())),
            last_backup,
            import_max_bytes: self.store.import_max_bytes().await?,
            demo: self.is_demo().await?.then(|| DemoAccount {
                facility_id: crate::demo::FACILITY_ID.into(),
                staff_id: crate::demo::STAFF_ID.into(),
                password: crate::demo::PASSWORD.into(),
            }),
        })
    }

    /// First run: creates the facility and its administrator, signed in.
    pub async fn set_up(&self, setup: &FacilitySetup, via: Via) -> Result<Session, AppError> {
        let now = self.clock.now();
        let admin = self.store.set_up_facility(setup, via, now).await?;
        let session = Session::new(admin, AuthMethod::Password, via, now);
        self.apply_idle_limit(&session, via).await?;
        Ok(session)
    }

    /// Signs a staff member in (lock-out after five failures, every attempt
    /// logged). `code` is the second factor for staff who use one (without
    /// it they get `auth.second_factor`). A staff member whose password an
    /// administrator reset gets a session that may only change it.
    pub async fn sign_in(
        &self,
        facility_code: &str,
        login_id: &str,
        password: &str,
        code: Option<&str>,
        via: Via,
    ) -> Result<Session, AppError> {
        let now = self.clock.now();
        let signed = self
            .store
            .sign_in(facility_code, login_id, password, code, via, now)
            .await?;
        let method = if signed.two_factor {
            AuthMethod::TwoFactor
        } else {
            AuthMethod::Password
        };
        let session = Session::new(signed.staff, method, via, now);
        self.apply_idle_limit(&session, via).await?;
        Ok(if signed.must_change_password {
            session.needing_password_change()
        } else {
            session
        })
    }

    /// Signs a staff member in on this installation's facility (the command
    /// line, where the facility ID is the database's own).
    pub async fn sign_in_here(
        &self,
        login_id: &str,
        password: &str,
        code: Option<&str>,
        via: Via,
    ) -> Result<Session, AppError> {
        let facility = self.store.facility().await?.ok_or_else(|| {
            AppError::new(
                crate::ErrorCode::SetupRequired,
                "初期設定が済んでいません。先に okusuri setup を実行してください。",
            )
        })?;
        self.sign_in(&facility.code, login_id, password, code, via)
            .await
    }

    /// Ends a session (logged).
    pub async fn sign_out(&self, session: &Session) -> Result<(), AppError> {
        Ok(self
            .store
            .sign_out(&session.actor(), self.clock.now())
            .await?)
    }

    /// The staff member changes their own password.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        session.touch(self.clock.now());
        self.store
            .change_password(&session.actor(), current, new, self.clock.now())
            .await?;
        session.set_must_change_password(false);
        Ok(())
    }

    /// An administrator adds a staff member.
    pub async fn add_staff(&self, session: &Session, new: &NewStaff) -> Result<Staff, AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .add_staff(&session.actor(), new, self.clock.now())
            .await?)
    }

    /// An administrator lists the staff.
    pub async fn list_staff(&self, session: &Session) -> Result<Vec<Staff>, AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self.store.list_staff().await?)
    }
}
