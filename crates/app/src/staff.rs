//! スタッフ管理 and two-factor sign-in (issue 16 §5): administrators
//! deactivate, reactivate, reset and re-role staff; every staff member may
//! turn on two-factor sign-in for themselves (and off, with their password);
//! an administrator may turn it off for a staff member who lost their phone.

use okusuri_store::{Enrolment, Role, StaffAccount};
use serde::Serialize;

use crate::{App, AppError, Permission, Session};

/// A two-factor enrolment as the window shows it: the secret once, as text
/// and as a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TwoFactorOffer {
    /// The secret in base32 (to type into an app by hand).
    pub secret: String,
    /// The `otpauth://` address as a QR code (`data:image/svg+xml;base64,…`).
    pub qr: String,
}

impl App {
    /// Every staff member, active or not (administrators).
    pub async fn staff_accounts(&self, session: &Session) -> Result<Vec<StaffAccount>, AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self.store.staff_accounts(self.clock.now()).await?)
    }

    /// Deactivates or reactivates a staff member (administrators; audited).
    pub async fn set_staff_active(
        &self,
        session: &Session,
        staff_id: i64,
        active: bool,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .set_staff_active(&session.actor(), staff_id, active, self.clock.now())
            .await?)
    }

    /// Changes a staff member's role (administrators; audited).
    pub async fn set_staff_role(
        &self,
        session: &Session,
        staff_id: i64,
        role: Role,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .set_staff_role(&session.actor(), staff_id, role, self.clock.now())
            .await?)
    }

    /// Gives a staff member a temporary password to be changed at their next
    /// sign-in (administrators; audited).
    pub async fn reset_password(
        &self,
        session: &Session,
        staff_id: i64,
        temporary: &str,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .reset_password(&session.actor(), staff_id, temporary, self.clock.now())
            .await?)
    }

    /// Turns off a staff member's two-factor sign-in (administrators; for a
    /// lost phone).
    pub async fn reset_two_factor(&self, session: &Session, staff_id: i64) -> Result<(), AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .disable_two_factor(&session.actor(), staff_id, self.clock.now())
            .await?)
    }

    /// Starts two-factor enrolment for the signed-in staff member: a new
    /// secret, shown once, kept in the session until a code confirms it.
    pub async fn start_two_factor(&self, session: &Session) -> Result<TwoFactorOffer, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let facility = self.store.facility().await?;
        let account = format!(
            "{}@{}",
            session.staff().login_id,
            facility.map(|f| f.code).unwrap_or_default()
        );
        let Enrolment { secret, url } = okusuri_store::two_factor::new_enrolment(&account)?;
        let qr = okusuri_print::qr_data_url(&url)
            .ok_or_else(|| AppError::invalid("QRコードを作れませんでした。"))?;
        *session.enrolling() = Some(secret.clone());
        Ok(TwoFactorOffer { secret, qr })
    }

    /// Confirms enrolment with the first code from the app; returns the
    /// recovery codes (shown once).
    pub async fn confirm_two_factor(
        &self,
        session: &Session,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let secret = session.enrolling().clone().ok_or_else(|| {
            AppError::invalid("もう一度「2段階認証を設定する」から始めてください。")
        })?;
        let codes = self
            .store
            .enable_two_factor(&session.actor(), &secret, code, self.clock.now())
            .await?;
        session.enrolling().take();
        Ok(codes)
    }

    /// Turns off the signed-in staff member's own two-factor sign-in, after
    /// checking their password.
    pub async fn stop_two_factor(&self, session: &Session, password: &str) -> Result<(), AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let id = session.staff().id;
        if !self.store.check_password_of(id, password).await? {
            return Err(AppError::invalid("パスワードが正しくありません。"));
        }
        Ok(self
            .store
            .disable_two_factor(&session.actor(), id, self.clock.now())
            .await?)
    }

    /// Whether clerks may take in another pharmacy's notebook (設定 → スタッフ).
    pub async fn clerks_take_in(&self, session: &Session) -> Result<bool, AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .setting(crate::session::CLERKS_TAKE_IN_KEY)
            .await?
            .is_some_and(|v| v == "true"))
    }

    /// Lets clerks take in notebooks, or not (administrators; audited).
    pub async fn set_clerks_take_in(
        &self,
        session: &Session,
        allowed: bool,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ManageStaff)?;
        Ok(self
            .store
            .set_setting(
                &session.actor(),
                crate::session::CLERKS_TAKE_IN_KEY,
                if allowed { "true" } else { "false" },
                self.clock.now(),
            )
            .await?)
    }
}
