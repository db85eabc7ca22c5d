//! Key–value settings of this installation (never secrets: those go to the
//! OS key store). Every change is written to the access log with the key,
//! not the value.

use chrono::{DateTime, Utc};

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError};

impl Store {
    /// The value of a setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar!("SELECT value FROM settings WHERE key = ?", key)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Sets (or replaces) one setting, audited as `setting KEY`.
    pub async fn set_setting(
        &self,
        actor: &Actor,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let detail = format!("setting {key}");
        self.set_settings(
            actor,
            &[(key, value)],
            AccessEvent::SettingsChanged,
            &detail,
            now,
        )
        .await
    }

    /// Sets several settings in one transaction with one access-log row.
    pub(crate) async fn set_settings(
        &self,
        actor: &Actor,
        pairs: &[(&str, &str)],
        event: AccessEvent,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        for (key, value) in pairs {
            sqlx::query!(
                "INSERT INTO settings (key, value) VALUES (?, ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                key,
                value
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        tx.log(event, None, detail);
        tx.commit().await
    }
}
