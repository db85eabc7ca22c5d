//! Key–value settings of this installation (never secrets: those go to the
//! OS key store). Every change is written to the access log with the key,
//! not the value.

use chrono::{DateTime, Utc};

use crate::access_log::AccessEvent;
use crate::sync::Change;
use crate::{Actor, Store, StoreError, parse_timestamp, timestamp};

/// Whether a setting is the pharmacy's, shared by all its PCs (and so a
/// [`Change`]), rather than this PC's own (its card reader, backup folders,
/// the receipt-computer folders, updates, its database's ID).
pub fn is_shared(key: &str) -> bool {
    ["facility.", "notebook.", "current.", "session.", "import."]
        .iter()
        .any(|prefix| key.starts_with(prefix))
}

/// The setting that caps the size of a file to import, in bytes (shared by
/// the feed, 取込 and the command line; the hardening settings edit it). It
/// can only lower the default.
pub const IMPORT_MAX_BYTES_KEY: &str = "import.max_file_bytes";
/// The default and the most allowed: 2 MiB. A JAHIS document is one
/// patient's, and 2 MiB holds about 5,000 dispensings — far beyond any real
/// export (a per-visit file is a few kB). Up to it, reading and checking a
/// file stays under 3 × its size + 30 MB of memory (measured by
/// `cargo bench -p okusuri-feed --bench gate_memory`); the parsed model of a
/// dense history costs about 12 × its size, so a higher limit would break
/// that bound.
pub const DEFAULT_IMPORT_MAX_BYTES: u64 = 2 * 1024 * 1024;

impl Store {
    /// The largest file the import gate reads, in bytes.
    pub async fn import_max_bytes(&self) -> Result<u64, StoreError> {
        Ok(self
            .setting(IMPORT_MAX_BYTES_KEY)
            .await?
            .and_then(|v| v.trim().parse().ok())
            .map_or(DEFAULT_IMPORT_MAX_BYTES, |v: u64| {
                v.min(DEFAULT_IMPORT_MAX_BYTES)
            }))
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
    pub async fn set_settings(
        &self,
        actor: &Actor,
        pairs: &[(&str, &str)],
        event: AccessEvent,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        for (key, value) in pairs {
            // The latest change wins on every PC, so this one is stamped
            // after whatever this PC has seen of the setting (a second change
            // in the same millisecond, or a PC whose clock is behind).
            let last = sqlx::query_scalar!("SELECT changed_at FROM settings WHERE key = ?", key)
                .fetch_optional(&mut **tx)
                .await
                .map_err(|e| self.fail(e))?
                .flatten()
                .and_then(|t| parse_timestamp(&t));
            let at = match last {
                Some(last) if last >= now => last + chrono::Duration::milliseconds(1),
                _ => now,
            };
            let change = Change::SettingChanged {
                key: key.to_string(),
                value: value.to_string(),
                at: timestamp(at),
            };
            if is_shared(key) {
                tx.change(change).await?;
            } else {
                // This PC's own: written the same way, kept here.
                crate::sync::apply(&mut tx, &change)
                    .await
                    .map_err(|e| self.fail(e))?;
                tx.local_only();
            }
        }
        tx.log(event, None, detail);
        tx.commit().await
    }
}
