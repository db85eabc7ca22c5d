//! The folder feed's ledger (P3): what was seen in each watched folder, with
//! size, modification time and content hash, and what became of it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError, timestamp};

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedFileStatus {
    /// Imported (its dispensings are stored).
    Imported,
    /// Could not be read, parsed or imported; retried when it changes.
    Error,
    /// Older than the backlog window when the folder was first set up.
    SkippedOld,
}

impl FeedFileStatus {
    fn as_str(self) -> &'static str {
        match self {
            FeedFileStatus::Imported => "imported",
            FeedFileStatus::Error => "error",
            FeedFileStatus::SkippedOld => "skipped_old",
        }
    }

    fn parse(text: &str) -> FeedFileStatus {
        match text {
            "imported" => FeedFileStatus::Imported,
            "skipped_old" => FeedFileStatus::SkippedOld,
            _ => FeedFileStatus::Error,
        }
    }
}

/// One file of a watched folder, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedFile {
    /// The file's name in the folder.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its modification time, ns since the epoch.
    pub mtime_ns: i64,
    /// SHA-256 of its content (hex), empty if it could not be read.
    pub hash: String,
    /// What became of it.
    pub status: FeedFileStatus,
    /// Why it failed, for [`FeedFileStatus::Error`].
    pub error: Option<String>,
    /// Dispensings its last import added.
    pub dispensings: i64,
}

/// A failed file, for the 取込エラー view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FeedError {
    /// The watched folder.
    pub folder: String,
    /// The file's name.
    pub name: String,
    /// The reason, in Japanese.
    pub error: String,
    /// When it failed (UTC RFC 3339).
    pub at: String,
}

impl Store {
    /// Every file the ledger knows in `folder`.
    pub async fn feed_files(&self, folder: &str) -> Result<Vec<FeedFile>, StoreError> {
        let rows = sqlx::query!(
            "SELECT name, size, mtime_ns, hash, status, error, dispensings FROM feed_file WHERE folder = ?",
            folder
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(rows
            .into_iter()
            .map(|r| FeedFile {
                name: r.name,
                size: r.size,
                mtime_ns: r.mtime_ns,
                hash: r.hash,
                status: FeedFileStatus::parse(&r.status),
                error: r.error,
                dispensings: r.dispensings,
            })
            .collect())
    }

    /// Records files of `folder` (replacing what was known of them), in one
    /// statement, audited as `actor`'s (the feed's).
    pub async fn record_feed_files(
        &self,
        actor: &Actor,
        folder: &str,
        files: &[FeedFile],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if files.is_empty() {
            return Ok(());
        }
        #[derive(Serialize)]
        struct Row<'a> {
            name: &'a str,
            size: i64,
            mtime_ns: i64,
            hash: &'a str,
            status: &'a str,
            error: Option<&'a str>,
            dispensings: i64,
        }
        let rows: Vec<Row> = files
            .iter()
            .map(|f| Row {
                name: &f.name,
                size: f.size,
                mtime_ns: f.mtime_ns,
                hash: &f.hash,
                status: f.status.as_str(),
                error: f.error.as_deref(),
                dispensings: f.dispensings,
            })
            .collect();
        let json = serde_json::to_string(&rows).map_err(|e| StoreError::Database(e.to_string()))?;
        let at = timestamp(now);
        let mut tx = self.begin_write(actor, now).await?;
        // The ledger is the receipt-computer PC's own (only it runs the feed).
        tx.local_only();
        sqlx::query!(
            "INSERT INTO feed_file (folder, name, size, mtime_ns, hash, status, error, dispensings, at)
             SELECT ?1, value ->> 'name', value ->> 'size', value ->> 'mtime_ns', value ->> 'hash',
                    value ->> 'status', value ->> 'error', value ->> 'dispensings', ?3
             FROM json_each(?2) WHERE true
             ON CONFLICT (folder, name) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
                 hash = excluded.hash, status = excluded.status, error = excluded.error,
                 dispensings = excluded.dispensings, at = excluded.at",
            folder,
            json,
            at
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        // File names can carry patient numbers: the log says how many, not which.
        let detail = format!("{} files", files.len());
        tx.log(AccessEvent::FeedFilesRecorded, None, &detail);
        tx.commit().await
    }

    /// Files that failed, newest first (the 取込エラー view).
    pub async fn feed_errors(&self, limit: i64) -> Result<Vec<FeedError>, StoreError> {
        sqlx::query_as!(
            FeedError,
            r#"SELECT folder, name, error AS "error!: String", at FROM feed_file
               WHERE status = 'error' ORDER BY at DESC, name LIMIT ?"#,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// Forgets a failed file so that the feed tries it again on its next scan.
    pub async fn retry_feed_file(
        &self,
        actor: &Actor,
        folder: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        tx.local_only();
        let done = sqlx::query!(
            "DELETE FROM feed_file WHERE folder = ? AND name = ? AND status = 'error'",
            folder,
            name
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.log(AccessEvent::FeedFileRetried, None, "");
        tx.commit().await?;
        Ok(true)
    }
}
