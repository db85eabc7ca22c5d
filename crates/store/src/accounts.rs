//! The facility, its staff, and signing in (P10).
//!
//! Rules: passwords have at least 8 characters and are stored as Argon2id
//! hashes; five wrong passwords in a row lock the staff ID for five minutes;
//! a wrong facility ID, unknown staff ID and wrong password give the same
//! message. Every attempt, success or not, is written to the access log.

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
    /// Wrong facility ID, staff ID or password.
    #[error("{}", invalid_credentials_message(*attempts_left))]
    InvalidCredentials {
        /// Failures left before the staff ID locks, when the staff ID exists.
        attempts_left: Option<i64>,
    },
    /// The staff ID is locked after too many failures.
    #[error(
        "ログインに5回続けて失敗したため、このスタッフIDはロックされています。あと{minutes_left}分ほどしてから、もう一度お試しください。"
    )]
    LockedOut {
        /// Whole minutes until it unlocks (at least 1).
        minutes_left: i64,
    },
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

fn invalid_credentials_message(attempts_left: Option<i64>) -> String {
    let base = "施設ID、スタッフID、パスワードのいずれかが正しくありません。";
    match attempts_left {
        Some(n) => format!("{base}あと{n}回失敗すると、5分間ログインできなくなります。"),
        None => base.to_string(),
    }
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

fn check_password(password: &str) -> Result<(), AccountError> {
    password::check_rules(password).map_err(|m| AccountError::Invalid(m.to_string()))
}

/// Hashes off the async runtime's threads: Argon2 is meant to be slow.
async fn hash_password(password: &str) -> Result<String, AccountError> {
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

struct StaffRow {
    id: i64,
    login_id: String,
    display_name: String,
    role: String,
    password_hash: String,
    locked_until: Option<String>,
}

impl StaffRow {
    fn staff(&self) -> Result<Staff, AccountError> {
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
        check_password(&setup.password)?;
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
            "SELECT id, login_id, display_name, role, password_hash, locked_until
             FROM staff WHERE login_id = ? AND active = 1",
            login_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    async fn staff_row_by_id(&self, id: i64) -> Result<Option<StaffRow>, StoreError> {
        sqlx::query_as!(
            StaffRow,
            "SELECT id, login_id, display_name, role, password_hash, locked_until
             FROM staff WHERE id = ? AND active = 1",
            id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Signs a staff member in, applying the lock-out rule, and logs the
    /// attempt (the counter change and its log row in one transaction).
    pub async fn sign_in(
        &self,
        facility_code: &str,
        login_id: &str,
        password: &str,
        via: Via,
        now: DateTime<Utc>,
    ) -> Result<Staff, AccountError> {
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
                return Err(AccountError::InvalidCredentials {
                    attempts_left: None,
                });
            }
        };
        let actor = attempt(Some(row.id));
        if let Some(until) = row.locked_until.as_deref().and_then(parse_timestamp)
            && until > now
        {
            self.audit(&actor, AccessEvent::SignInWhileLocked, None, "locked", now)
                .await?;
            return Err(AccountError::LockedOut {
                minutes_left: minutes_until(now, until),
            });
        }
        let verified = verify_password(password, &row.password_hash).await;
        let mut tx = self.begin_write(&actor, now).await?;
        if verified {
            sqlx::query!(
                "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
                row.id
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            tx.log(AccessEvent::SignIn, None, "");
            tx.commit().await?;
            return row.staff();
        }
        let failures = sqlx::query_scalar!(
            "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts",
            row.id
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if failures >= MAX_FAILED_ATTEMPTS {
            let until = timestamp(now + Duration::minutes(LOCKOUT_MINUTES));
            sqlx::query!(
                "UPDATE staff SET failed_attempts = 0, locked_until = ? WHERE id = ?",
                until,
                row.id
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            tx.log(AccessEvent::LockedOut, None, "5 failures");
            tx.commit().await?;
            return Err(AccountError::LockedOut {
                minutes_left: LOCKOUT_MINUTES,
            });
        }
        tx.log(AccessEvent::SignInFailed, None, "wrong password");
        tx.commit().await?;
        Err(AccountError::InvalidCredentials {
            attempts_left: Some(MAX_FAILED_ATTEMPTS - failures),
        })
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
        check_password(new)?;
        if current == new {
            return Err(AccountError::Invalid(
                "新しいパスワードは現在のパスワードと違うものにしてください。".into(),
            ));
        }
        let hash = hash_password(new).await?;
        let at = timestamp(now);
        let mut tx = self.begin_write(actor, now).await?;
        sqlx::query!(
            "UPDATE staff SET password_hash = ?, password_changed_at = ? WHERE id = ?",
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
        check_password(&new.password)?;
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
            "SELECT id, login_id, display_name, role, password_hash, locked_until
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

fn minutes_until(now: DateTime<Utc>, until: DateTime<Utc>) -> i64 {
    let seconds = (until - now).num_seconds().max(0);
    ((seconds + 59) / 60).max(1)
}
