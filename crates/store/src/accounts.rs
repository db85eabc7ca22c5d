//! The facility, its staff, and signing in (P10).
//!
//! Rules: passwords follow [`password::check_rules`] (13 mixed characters,
//! or 8 with two-factor sign-in; nothing common or personal) and are stored
//! as Argon2id hashes; five failures in a row lock the staff ID for five
//! minutes, counted and checked inside one write transaction so parallel
//! attempts cannot pass the lock; a wrong facility ID, an unknown or locked
//! staff ID and a wrong password give the same message (no count that would
//! tell an existing ID from a made-up one). Every attempt, success or not,
//! is written to the access log.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError, Via, parse_timestamp, password, timestamp};

/// Wrong passwords in a row that lock a staff ID.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
/// How long a locked staff ID stays locked.
pub const LOCKOUT_MINUTES: i64 = 5;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 管理者: everything, including managing staff and settings.
    Admin,
    /// 薬剤師.
    Pharmacist,
    /// 医師: the only role that may sign e-prescriptions.
    Doctor,
    /// 事務.
    Clerk,
}

impl Role {
    /// The stable text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Pharmacist => "pharmacist",
            Role::Doctor => "doctor",
            Role::Clerk => "clerk",
        }
    }

    /// Parses the stored text.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "pharmacist" => Some(Role::Pharmacist),
            "doctor" => Some(Role::Doctor),
            "clerk" => Some(Role::Clerk),
            _ => None,
        }
    }
}

/// The pharmacy or clinic this database belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Facility {
    /// The facility ID typed at sign-in.
    pub code: String,
    /// The name shown in the header.
    pub name: String,
    /// 薬局 or 診療所 (chosen at 初期設定).
    pub kind: FacilityKind,
}

/// What kind of facility: a pharmacy (the counter) or a clinic (電子処方箋).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    /// 薬局.
    #[default]
    Pharmacy,
    /// 診療所.
    Clinic,
}

impl FacilityKind {
    /// The stable text stored (setting `facility.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            FacilityKind::Pharmacy => "pharmacy",
            FacilityKind::Clinic => "clinic",
        }
    }

    /// Reads the stored text (anything else is a pharmacy, as before kinds existed).
    pub fn parse(text: &str) -> FacilityKind {
        if text == "clinic" {
            FacilityKind::Clinic
        } else {
            FacilityKind::Pharmacy
        }
    }
}

/// A staff member as the rest of the app sees them (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Staff {
    /// Row ID.
    pub id: i64,
    /// The staff ID typed at sign-in.
    pub login_id: String,
    /// The name shown on screen and in the log.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
}

/// A successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// Who signed in.
    pub staff: Staff,
    /// An administrator reset the password: it must be changed before
    /// anything else.
    pub must_change_password: bool,
    /// They signed in with a second factor.
    pub two_factor: bool,
}

/// First-run input: the facility and its first administrator.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct FacilitySetup {
    /// The facility ID staff will type at sign-in.
    pub facility_code: String,
    /// The facility's name.
    pub facility_name: String,
    /// The administrator's staff ID.
    pub admin_login_id: String,
    /// The administrator's name.
    pub admin_name: String,
    /// The administrator's password.
    pub password: String,
    /// 薬局 or 診療所 (a pharmacy when not given).
    #[serde(default)]
    pub kind: FacilityKind,
}

/// An administrator's input for a new staff member.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct NewStaff {
    /// Their staff ID.
    pub login_id: String,
    /// Their name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Their first password.
    pub password: String,
}

/// Why an account operation was refused. `Display` is the Japanese message.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// An input broke a rule; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// First-run setup was asked for twice.
    #[error("この端末の初期設定は済んでいます。")]
    AlreadySetUp,
    /// Sign-in was asked for before first-run setup.
    #[error("初期設定が済んでいません。")]
    NotSetUp,
    /// Wrong facility ID, staff ID or password, or a locked staff ID: one
    /// message for all (the access log says which).
    #[error(
        "施設ID、スタッフID、パスワードのいずれかが正しくありません。（5回続けて失敗すると、そのスタッフIDは5分間ログインできなくなります）"
    )]
    InvalidCredentials,
    /// The password was right and the staff member signs in with a second
    /// factor: the code from their authenticator app is needed.
    #[error("2段階認証のコード（認証アプリに表示される6桁の数字）を入力してください。")]
    SecondFactorRequired,
    /// The second-factor code (or recovery code) was wrong or already used.
    #[error(
        "2段階認証のコードが正しくありません。認証アプリの最新のコードを入力してください（失敗は5回までです）。"
    )]
    WrongSecondFactor,
    /// The current password given for a change was wrong.
    #[error("現在のパスワードが正しくありません。")]
    WrongCurrentPassword,
    /// The staff ID is taken.
    #[error("スタッフID「{0}」はすでに使われています。")]
    LoginIdTaken(String),
    /// The staff member no longer exists or was deactivated.
    #[error("このスタッフは登録されていません。")]
    UnknownStaff,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks an ID typed by staff: 1–32 ASCII letters, digits, `-`, `_` or `.`.
fn check_id(label: &str, id: &str) -> Result<(), AccountError> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::Invalid(format!(
            "{label}は半角英数字と - _ . で、32文字以内で入力してください。"
        )))
    }
}

fn check_name(label: &str, name: &str) -> Result<(), AccountError> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        Err(AccountError::Invalid(format!(
            "{label}を100文字以内で入力してください。"
        )))
    } else {
        Ok(())
    }
}

/// Checks a new password against the rules, with the words it must not be
/// built from.
pub(crate) fn check_password(
    password: &str,
    two_factor: bool,
    personal: &[&str],
) -> Result<(), AccountError> {
    password::check_rules(
        password,
        password::Context {
            two_factor,
            personal,
        },
    )
    .map_err(AccountError::Invalid)
}

/// Hashes off the async runtime's threads: Argon2 is meant to be slow.
pub(crate) async fn hash_password(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| AccountError::Store(StoreError::Database(e.to_string())))?
        .map_err(|e| AccountError::Store(StoreError::Database(e)))
}

async fn verify_password(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || password::verify(&password, &stored))
        .await
        .unwrap_or(false)
}

pub(crate) struct StaffRow {
    pub(crate) id: i64,
    pub(crate) login_id: String,
    pub(crate) display_name: String,
    pub(crate) role: String,
    pub(crate) password_hash: String,
    pub(crate) must_change_password: i64,
    pub(crate) totp_secret: Option<String>,
}

impl StaffRow {
    pub(crate) fn staff(&self) -> Result<Staff, AccountError> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            AccountError::Store(StoreError::Database(format!(
                "unknown role {:?}",
                self.role
            )))
        })?;
        Ok(Staff {
            id: self.id,
            login_id: self.login_id.clone(),
            display_name: self.display_name.clone(),
            role,
        })
    }
}

impl Store {
    /// The facility, or `None` before first-run setup.
    pub async fn facility(&self) -> Result<Option<Facility>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT f.code, f.name, s.value AS "kind?: String"
               FROM facility f LEFT JOIN settings s ON s.key = 'facility.kind' WHERE f.id = 1"#
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(row.map(|r| Facility {
            code: r.code,
            name: r.name,
            kind: FacilityKind::parse(r.kind.as_deref().unwrap_or_default()),
        }))
    }

    /// First run: creates the facility and its administrator, in one transaction.
    pub async fn set_up_facility(
        &self,
        setup: &FacilitySetup,
        via: Via,
        now: DateTime<Utc>,
    ) -> Result<Staff, AccountError> {
        check_id("施設ID", setup.facility_code.trim())?;
        check_name("施設名", &setup.facility_name)?;
        check_id("スタッフID", setup.admin_login_id.trim())?;
        check_name("管理者の氏名", &setup.admin_name)?;
        check_password(
            &setup.password,
            false,
            &[
                setup.admin_login_id.trim(),
                setup.admin_name.trim(),
                setup.facility_code.trim(),
                setup.facility_name.trim(),
            ],
        )?;
        if self.facility().await?.is_some() {
            return Err(AccountError::AlreadySetUp);
        }
        let hash = hash_password(&setup.password).await?;
        let at = timestamp(now);
        let code = setup.facility_code.trim();
        let name = setup.facility_name.trim();
        let login_id = setup.admin_login_id.trim();
        let admin_name = setup.admin_name.trim();
        let role = Role::Admin.as_str();
        let creator = Actor {
            staff_id: None,
            login_id: login_id.to_string(),
            via,
        };
        let mut tx = self.begin_write(&creator, now).await?;
        let inserted = sqlx::query!(
            "INSERT INTO facility (id, code, name, created_at) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING",
            code,
            name,
            at
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if inserted.rows_affected() == 0 {
            return Err(AccountError::AlreadySetUp);
        }
        let kind = setup.kind.as_str();
        sqlx::query!(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('facility.kind', ?)",
            kind
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        let id = sqlx::query_scalar!(
            "INSERT INTO staff (login_id, display_name, role, password_hash, created_at, password_changed_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            login_id,
            admin_name,
            role,
            hash,
            at,
            at
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log_for_staff(AccessEvent::FacilityCreated, id, code);
        tx.commit().await?;
        Ok(Staff {
            id,
            login_id: login_id.to_string(),
            display_name: admin_name.to_string(),
            role: Role::Admin,
        })
    }

    async fn staff_row(&self, login_id: &str) -> Result<Option<StaffRow>, StoreError> {
        sqlx::query_as!(
            StaffRow,
            "SELECT id, login_id, display_name, role, password_hash, must_change_password, totp_secret
             FROM staff WHERE login_id = ? AND active = 1",
            login_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    pub(crate) async fn staff_row_by_id(&self, id: i64) -> Result<Option<StaffRow>, StoreError> {
        sqlx::query_as!(
            StaffRow,
            "SELECT id, login_id, display_name, role, password_hash, must_change_password, totp_secret
             FROM staff WHERE id = ? AND active = 1",
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Signs a staff member in, applying the lock-out rule, and logs the
    /// attempt. The lock is read, the password (and second factor) checked
    /// and the failure count raised inside one `BEGIN IMMEDIATE` transaction:
    /// attempts are serialised, so at most five guesses are ever checked
    /// before the lock, however many arrive at once. `code` is the second
    /// factor (a TOTP code or a recovery code) for staff who use one.
    pub async fn sign_in(
        &self,
        facility_code: &str,
        login_id: &str,
        password: &str,
        code: Option<&str>,
        via: Via,
        now: DateTime<Utc>,
    ) -> Result<SignedIn, AccountError> {
        let facility = self.facility().await?.ok_or(AccountError::NotSetUp)?;
        let login_id = login_id.trim();
        let attempt = |staff_id| Actor {
            staff_id,
            login_id: login_id.to_string(),
            via,
        };
        let row = match self.staff_row(login_id).await? {
            Some(row) if facility.code.eq_ignore_ascii_case(facility_code.trim()) => row,
            _ => {
                // Same work and same answer as a wrong password.
                verify_password(password, password::decoy_hash()).await;
                self.audit(
                    &attempt(None),
                    AccessEvent::SignInFailed,
                    None,
                    "unknown facility or staff ID",
                    now,
                )
                .await?;
                return Err(AccountError::InvalidCredentials);
            }
        };
        let actor = attempt(Some(row.id));
        let mut tx = self.begin_write(&actor, now).await?;
        let state = sqlx::query!(
            "SELECT locked_until, totp_last_step, recovery_codes FROM staff WHERE id = ?",
            row.id
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if let Some(until) = state.locked_until.as_deref().and_then(parse_timestamp)
            && until > now
        {
            // Not even checked: a locked ID gets no more guesses.
            tx.log(AccessEvent::SignInWhileLocked, None, "locked");
            tx.commit().await?;
            return Err(AccountError::InvalidCredentials);
        }
        if !verify_password(password, &row.password_hash).await {
            return self.count_failure(tx, row.id, "wrong password", now).await;
        }
        let mut how = "password";
        if let Some(secret) = row.totp_secret.as_deref() {
            let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
                // The password is right; nothing is counted until the code comes.
                tx.rollback().await?;
                return Err(AccountError::SecondFactorRequired);
            };
            match crate::two_factor::check_code(
                secret,
                state.totp_last_step,
                state.recovery_codes.as_deref(),
                code,
                now,
            ) {
                Some(crate::two_factor::Accepted::Step(step)) => {
                    sqlx::query!(
                        "UPDATE staff SET totp_last_step = ? WHERE id = ?",
                        step,
                        row.id
                    )
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| self.fail(e))?;
                    how = "password + TOTP";
                }
                Some(crate::two_factor::Accepted::Recovery(left)) => {
                    sqlx::query!(
                        "UPDATE staff SET recovery_codes = ? WHERE id = ?",
                        left,
                        row.id
                    )
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| self.fail(e))?;
                    how = "password + recovery code";
                }
                None => {
                    let failed = self
                        .count_failure(tx, row.id, "wrong second factor", now)
                        .await;
                    return match failed {
                        Err(AccountError::InvalidCredentials) => {
                            Err(AccountError::WrongSecondFactor)
                        }
                        other => other,
                    };
                }
            }
        }
        sqlx::query!(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
            row.id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(AccessEvent::SignIn, None, how);
        tx.commit().await?;
        Ok(SignedIn {
            staff: row.staff()?,
            must_change_password: row.must_change_password != 0,
            two_factor: row.totp_secret.is_some(),
        })
    }

    /// Counts a failed attempt inside its transaction (locking the ID at the
    /// fifth) and answers with the one failure message.
    async fn count_failure(
        &self,
        mut tx: crate::write::WriteTx<'_>,
        staff_id: i64,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedIn, AccountError> {
        let failures = sqlx::query_scalar!(
            "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts",
            staff_id
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if failures >= MAX_FAILED_ATTEMPTS {
            let until = timestamp(now + Duration::minutes(LOCKOUT_MINUTES));
            sqlx::query!(
                "UPDATE staff SET failed_attempts = 0, locked_until = ? WHERE id = ?",
                until,
                staff_id
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            tx.log(AccessEvent::LockedOut, None, &format!("5 failures ({why})"));
        } else {
            tx.log(AccessEvent::SignInFailed, None, why);
        }
        tx.commit().await?;
        Err(AccountError::InvalidCredentials)
    }

    /// Unlocks a locked window for the staff member who locked it: their
    /// password, checked like a sign-in (the same lock-out count, inside one
    /// write transaction), logged as `session_unlocked`.
    pub async fn unlock(
        &self,
        actor: &Actor,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        let id = actor.staff_id.ok_or(AccountError::UnknownStaff)?;
        let row = self
            .staff_row_by_id(id)
            .await?
            .ok_or(AccountError::UnknownStaff)?;
        let mut tx = self.begin_write(actor, now).await?;
        let locked_until = sqlx::query_scalar!("SELECT locked_until FROM staff WHERE id = ?", id)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        if let Some(until) = locked_until.as_deref().and_then(parse_timestamp)
            && until > now
        {
            tx.log(AccessEvent::SignInWhileLocked, None, "unlock while locked");
            tx.commit().await?;
            return Err(AccountError::InvalidCredentials);
        }
        if !verify_password(password, &row.password_hash).await {
            return self
                .count_failure(tx, id, "wrong password (unlock)", now)
                .await
                .map(|_| ());
        }
        sqlx::query!(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
            id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(AccessEvent::SessionUnlocked, None, "");
        tx.commit().await?;
        Ok(())
    }

    /// True when `password` is the active staff member's current password
    /// (to confirm a sensitive change; not a sign-in: nothing is counted).
    pub async fn check_password_of(
        &self,
        staff_id: i64,
        password: &str,
    ) -> Result<bool, AccountError> {
        let row = self
            .staff_row_by_id(staff_id)
            .await?
            .ok_or(AccountError::UnknownStaff)?;
        Ok(verify_password(password, &row.password_hash).await)
    }

    /// Logs a sign-out.
    pub async fn sign_out(&self, actor: &Actor, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.audit(actor, AccessEvent::SignOut, None, "", now).await
    }

    /// Changes the acting staff member's own password after checking the current one.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        let id = actor.staff_id.ok_or(AccountError::UnknownStaff)?;
        let row = self
            .staff_row_by_id(id)
            .await?
            .ok_or(AccountError::UnknownStaff)?;
        if !verify_password(current, &row.password_hash).await {
            return Err(AccountError::WrongCurrentPassword);
        }
        let facility = self.facility().await?;
        let facility_code = facility.as_ref().map_or("", |f| f.code.as_str());
        check_password(
            new,
            row.totp_secret.is_some(),
            &[&row.login_id, &row.display_name, facility_code],
        )?;
        if current == new {
            return Err(AccountError::Invalid(
                "新しいパスワードは現在のパスワードと違うものにしてください。".into(),
            ));
        }
        let hash = hash_password(new).await?;
        let at = timestamp(now);
        let mut tx = self.begin_write(actor, now).await?;
        sqlx::query!(
            "UPDATE staff SET password_hash = ?, password_changed_at = ?, must_change_password = 0 WHERE id = ?",
            hash,
            at,
            id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(AccessEvent::PasswordChanged, None, "");
        tx.commit().await?;
        Ok(())
    }

    /// Adds a staff member (the application layer lets administrators only).
    pub async fn add_staff(
        &self,
        actor: &Actor,
        new: &NewStaff,
        now: DateTime<Utc>,
    ) -> Result<Staff, AccountError> {
        let login_id = new.login_id.trim();
        let name = new.display_name.trim();
        check_id("スタッフID", login_id)?;
        check_name("氏名", name)?;
        let facility = self.facility().await?;
        let facility_code = facility.as_ref().map_or("", |f| f.code.as_str());
        check_password(&new.password, false, &[login_id, name, facility_code])?;
        let hash = hash_password(&new.password).await?;
        let at = timestamp(now);
        let role = new.role.as_str();
        let mut tx = self.begin_write(actor, now).await?;
        let taken = sqlx::query_scalar!("SELECT count(*) FROM staff WHERE login_id = ?", login_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        if taken > 0 {
            return Err(AccountError::LoginIdTaken(login_id.to_string()));
        }
        let id = sqlx::query_scalar!(
            "INSERT INTO staff (login_id, display_name, role, password_hash, created_at, password_changed_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            login_id,
            name,
            role,
            hash,
            at,
            at
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(
            AccessEvent::StaffAdded,
            None,
            &format!("added {login_id} as {role}"),
        );
        tx.commit().await?;
        Ok(Staff {
            id,
            login_id: login_id.to_string(),
            display_name: name.to_string(),
            role: new.role,
        })
    }

    /// All active staff.
    pub async fn list_staff(&self) -> Result<Vec<Staff>, AccountError> {
        let rows = sqlx::query_as!(
            StaffRow,
            "SELECT id, login_id, display_name, role, password_hash, must_change_password, totp_secret
             FROM staff WHERE active = 1 ORDER BY id"
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        rows.iter().map(StaffRow::staff).collect()
    }

    /// An active staff member by row ID (the role as stored now).
    pub async fn staff_by_id(&self, id: i64) -> Result<Option<Staff>, AccountError> {
        match self.staff_row_by_id(id).await? {
            Some(row) => row.staff().map(Some),
            None => Ok(None),
        }
    }
}
