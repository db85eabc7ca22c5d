//! スタッフ管理 (issue 16 §5): administrators deactivate and reactivate
//! staff, reset a password (to be changed at the next sign-in), change a
//! role and turn off a lost phone's two-factor sign-in. Every change is one
//! audited write. An administrator cannot lock themselves out this way, and
//! the last active administrator cannot be removed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::accounts::{StaffRow, check_password, hash_password};
use crate::{AccountError, Actor, Role, Staff, Store, parse_timestamp, timestamp};

/// A staff member as スタッフ管理 lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StaffAccount {
    /// Who.
    pub staff: Staff,
    /// Can sign in (not deactivated).
    pub active: bool,
    /// Locked after five failures until this time (UTC RFC 3339), if now locked.
    pub locked_until: Option<String>,
    /// Must change the password at the next sign-in.
    pub must_change_password: bool,
    /// Signs in with a second factor.
    pub two_factor: bool,
}

/// What an administrator changes about a staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change<'a> {
    Active(bool),
    Role(Role),
    Password(&'a str),
}

impl Store {
    /// Every staff member, active or not, for スタッフ管理.
    pub async fn staff_accounts(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<StaffAccount>, AccountError> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: i64", login_id, display_name, role, password_hash, active,
                      locked_until, must_change_password, totp_secret
               FROM staff ORDER BY active DESC, id"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        rows.into_iter()
            .map(|r| {
                let locked_until = r
                    .locked_until
                    .filter(|t| parse_timestamp(t).is_some_and(|until| until > now));
                let row = StaffRow {
                    id: r.id,
                    login_id: r.login_id,
                    display_name: r.display_name,
                    role: r.role,
                    password_hash: r.password_hash,
                    must_change_password: r.must_change_password,
                    totp_secret: r.totp_secret,
                };
                Ok(StaffAccount {
                    staff: row.staff()?,
                    active: r.active != 0,
                    locked_until,
                    must_change_password: row.must_change_password != 0,
                    two_factor: row.totp_secret.is_some(),
                })
            })
            .collect()
    }

    /// Deactivates (they can no longer sign in; their rows in the log stay
    /// theirs) or reactivates a staff member.
    pub async fn set_staff_active(
        &self,
        actor: &Actor,
        staff_id: i64,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        self.change_staff(actor, staff_id, Change::Active(active), now)
            .await
    }

    /// Changes a staff member's role.
    pub async fn set_staff_role(
        &self,
        actor: &Actor,
        staff_id: i64,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        self.change_staff(actor, staff_id, Change::Role(role), now)
            .await
    }

    /// Gives a staff member a temporary password (the same rules as any
    /// password) that they must change at their next sign-in; the lock is
    /// lifted.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        staff_id: i64,
        temporary: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        self.change_staff(actor, staff_id, Change::Password(temporary), now)
            .await
    }

    async fn change_staff(
        &self,
        actor: &Actor,
        staff_id: i64,
        change: Change<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        if actor.staff_id == Some(staff_id) && !matches!(change, Change::Password(_)) {
            return Err(AccountError::Invalid(
                "自分自身の無効化や役割の変更はできません（別の管理者が行います）。".into(),
            ));
        }
        let target = sqlx::query!(
            "SELECT login_id, display_name, role, active, totp_secret FROM staff WHERE id = ?",
            staff_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?
        .ok_or(AccountError::UnknownStaff)?;
        let hash = match change {
            Change::Password(temporary) => {
                let facility = self.facility().await?;
                let code = facility.as_ref().map_or("", |f| f.code.as_str());
                check_password(
                    temporary,
                    target.totp_secret.is_some(),
                    &[&target.login_id, &target.display_name, code],
                )?;
                Some(hash_password(temporary).await?)
            }
            _ => None,
        };
        let mut tx = self.begin_write(actor, now).await?;
        let removes_admin = target.role == Role::Admin.as_str()
            && target.active != 0
            && matches!(
                change,
                Change::Active(false) | Change::Role(Role::Pharmacist | Role::Doctor | Role::Clerk)
            );
        if removes_admin {
            let admins = sqlx::query_scalar!(
                "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1"
            )
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
            if admins <= 1 {
                return Err(AccountError::Invalid(
                    "最後の管理者は無効にしたり役割を変えたりできません。先に別の管理者を登録してください。".into(),
                ));
            }
        }
        let login_id = target.login_id.as_str();
        match change {
            Change::Active(active) => {
                let flag = i64::from(active);
                sqlx::query!("UPDATE staff SET active = ? WHERE id = ?", flag, staff_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| self.fail(e))?;
                let event = if active {
                    AccessEvent::StaffReactivated
                } else {
                    AccessEvent::StaffDeactivated
                };
                tx.log_for_staff(event, staff_id, &format!("by {}", actor.login_id));
            }
            Change::Role(role) => {
                let text = role.as_str();
                sqlx::query!("UPDATE staff SET role = ? WHERE id = ?", text, staff_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| self.fail(e))?;
                tx.log_for_staff(
                    AccessEvent::RoleChanged,
                    staff_id,
                    &format!(
                        "{login_id}: {} -> {text} by {}",
                        target.role, actor.login_id
                    ),
                );
            }
            Change::Password(_) => {
                let at = timestamp(now);
                sqlx::query!(
                    "UPDATE staff SET password_hash = ?, password_changed_at = ?, must_change_password = 1,
                                      failed_attempts = 0, locked_until = NULL WHERE id = ?",
                    hash,
                    at,
                    staff_id
                )
                .execute(&mut **tx)
                .await
                .map_err(|e| self.fail(e))?;
                tx.log_for_staff(
                    AccessEvent::PasswordReset,
                    staff_id,
                    &format!("by {}", actor.login_id),
                );
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
