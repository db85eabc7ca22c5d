//! The idle lock (issue 16 §4): after N minutes without input (設定; 10 by
//! default) the window locks — it shows no patient data and every command
//! but unlocking and signing out is refused — until the same staff member
//! enters their password again, or someone else signs in (which signs the
//! first out). The window reports input (`session_alive`) and locks itself
//! when its timer runs out; the session also locks by itself when no
//! command or input came for that long, so a window that stopped reporting
//! cannot stay open.

use crate::error::ErrorCode;
use crate::{App, AppError, Permission, Session};
use okusuri_store::{AccessEvent, Via};

/// The setting: minutes without input before the window locks.
pub const IDLE_LOCK_KEY: &str = "session.idle_lock_minutes";
/// The default: 10 minutes.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
/// The longest 設定 takes.
pub const MAX_IDLE_LOCK_MINUTES: u32 = 60;

/// The refusal while the window is locked.
pub fn locked_error() -> AppError {
    AppError::new(
        ErrorCode::SessionLocked,
        "画面がロックされています。パスワードを入力してロックを解除してください。",
    )
}

impl App {
    /// Minutes without input before the window locks.
    pub async fn idle_lock_minutes(&self) -> Result<u32, AppError> {
        Ok(self
            .store
            .setting(IDLE_LOCK_KEY)
            .await?
            .and_then(|v| v.trim().parse().ok())
            .filter(|m| (1..=MAX_IDLE_LOCK_MINUTES).contains(m))
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    /// Sets the idle lock's minutes (administrators; 1–60; audited). It
    /// applies to the administrator's session now and to others at their
    /// next sign-in.
    pub async fn set_idle_lock_minutes(
        &self,
        session: &Session,
        minutes: u32,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&minutes) {
            return Err(AppError::invalid(format!(
                "自動ロックまでの時間は1〜{MAX_IDLE_LOCK_MINUTES}分で指定してください。"
            )));
        }
        self.store
            .set_setting(
                &session.actor(),
                IDLE_LOCK_KEY,
                &minutes.to_string(),
                self.clock.now(),
            )
            .await?;
        session.set_idle_limit(minutes);
        Ok(())
    }

    /// A window session gets the idle limit (the command line's never lock).
    pub(crate) async fn apply_idle_limit(
        &self,
        session: &Session,
        via: Via,
    ) -> Result<(), AppError> {
        if via == Via::Window {
            session.set_idle_limit(self.idle_lock_minutes().await?);
        }
        Ok(())
    }

    /// The window saw input: the session stays open (refused once locked).
    pub fn session_alive(&self, session: &Session) -> Result<(), AppError> {
        let now = self.clock.now();
        if session.is_locked(now) {
            return Err(locked_error());
        }
        session.touch(now);
        Ok(())
    }

    /// Locks the window (`reason`: `idle` from the window's timer, or `manual`), logged.
    pub async fn lock(&self, session: &Session, reason: &str) -> Result<(), AppError> {
        let now = self.clock.now();
        let was = session.is_locked(now);
        session.set_locked(true);
        if !was {
            self.store
                .audit(
                    &session.actor(),
                    AccessEvent::SessionLocked,
                    None,
                    reason,
                    now,
                )
                .await?;
        }
        Ok(())
    }

    /// Unlocks with the same staff member's password (failures count toward
    /// the sign-in lock-out).
    pub async fn unlock(&self, session: &Session, password: &str) -> Result<(), AppError> {
        let now = self.clock.now();
        self.store.unlock(&session.actor(), password, now).await?;
        session.touch(now);
        session.set_locked(false);
        Ok(())
    }
}
