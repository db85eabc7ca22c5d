//! Key–value settings of this installation (never secrets: those go to the
//! OS key store).

use crate::{Store, StoreError};

impl Store {
    /// The value of a setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar!("SELECT value FROM settings WHERE key = ?", key)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Sets (or replaces) a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            value
        )
        .execute(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }
}

impl Store {
    /// An administrator changes a setting: checked against the database,
    /// stored, and written to the access log (the key, not the value).
    pub async fn set_setting_as(
        &self,
        actor: &crate::Staff,
        key: &str,
        value: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), crate::SettingsError> {
        let detail = format!("setting {key}");
        self.change_setting_as(actor, &detail, now, || self.set_setting(key, value))
            .await
    }

    /// Runs `change` if `actor` is an administrator, then logs `detail` as a
    /// settings change.
    pub(crate) async fn change_setting_as<F, Fut>(
        &self,
        actor: &crate::Staff,
        detail: &str,
        now: chrono::DateTime<chrono::Utc>,
        change: F,
    ) -> Result<(), crate::SettingsError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), StoreError>>,
    {
        self.require_admin(actor)
            .await
            .map_err(|_| crate::SettingsError::NotAllowed)?;
        change().await?;
        self.log_access(
            crate::AccessRecord {
                event: crate::AccessEvent::SettingsChanged,
                staff_id: Some(actor.id),
                login_id: &actor.login_id,
                patient_id: None,
                detail: Some(detail),
            },
            now,
        )
        .await?;
        Ok(())
    }
}
