//! Key–value settings of this installation (never secrets: those go to the
//! OS key store). Every change is written to the access log with the key,
//! not the value.

use chrono::{DateTime, Utc};

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError};

/// The setting that caps the size of a file to import, in bytes (shared by
/// the feed, 取込 and the command line; the hardening settings edit it).
pub const IMPORT_MAX_BYTES_KEY: &str = "import.max_file_bytes";
/// Its default: 32 MiB, far above any one patient's export (a 10-year
/// history of daily dispensings is about 2 MB).
pub const DEFAULT_IMPORT_MAX_BYTES: u64 = 32 * 1024 * 1024;

impl Store {
    /// The largest file the import gate reads, in bytes.
    pub async fn import_max_bytes(&self) -> Result<u64, StoreError> {
        Ok(self
            .setting(IMPORT_MAX_BYTES_KEY)
            .await?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_IMPORT_MAX_BYTES))
    }

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
