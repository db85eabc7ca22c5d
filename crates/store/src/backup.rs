//! Backups: online, consistent copies of the database (`VACUUM INTO`), dated
//! and pruned; and restoring one safely.
//!
//! A backup is written under a temporary name and renamed when complete, so
//! a half-written file never looks like a backup. Restore checks the file
//! with `PRAGMA integrity_check` first, moves the current database aside
//! (with its -wal/-shm), and moves it back if the restored one does not open.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, Utc};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::access_log::AccessEvent;
use crate::{Actor, DataDir, OpenOptions, Store, StoreError, parse_timestamp, timestamp};

/// Settings key of the last backup's time.
const LAST_BACKUP_KEY: &str = "backup.last";
/// Backups kept by default.
pub const DEFAULT_KEEP: usize = 14;

fn backup_name(at: DateTime<Local>) -> String {
    format!("okusuri-{}.db", at.format("%Y%m%d-%H%M%S"))
}

fn is_backup_name(name: &str) -> bool {
    name.starts_with("okusuri-") && name.ends_with(".db") && !name.ends_with(".part.db")
}

impl Store {
    /// The default backup folder: `backups` beside the database.
    pub fn default_backup_dir(&self) -> PathBuf {
        self.path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("backups")
    }

    /// When the last backup was made, if ever.
    pub async fn last_backup(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .setting(LAST_BACKUP_KEY)
            .await?
            .as_deref()
            .and_then(parse_timestamp))
    }

    /// Writes a dated backup into `dir` (which must exist, unless it is the
    /// default folder) and keeps the newest `keep` backups there.
    pub async fn backup_to(
        &self,
        dir: &Path,
        keep: usize,
        now: DateTime<Utc>,
    ) -> Result<PathBuf, StoreError> {
        if !dir.is_dir() {
            if dir != self.default_backup_dir() {
                return Err(StoreError::BackupDirMissing(dir.to_path_buf()));
            }
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Inaccessible {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })?;
        }
        let name = backup_name(now.with_timezone(&Local));
        let target = dir.join(&name);
        let part = dir.join(name.replace(".db", ".part.db"));
        let _ = std::fs::remove_file(&part);
        let part_text = part.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO ?")
            .bind(part_text)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, &part))?;
        std::fs::rename(&part, &target).map_err(|e| StoreError::Inaccessible {
            path: target.clone(),
            reason: e.to_string(),
        })?;
        let stamp = timestamp(now);
        let pairs = [(LAST_BACKUP_KEY, stamp.as_str())];
        let actor = Actor::system("バックアップ");
        self.set_settings(&actor, &pairs, AccessEvent::BackupWritten, &name, now)
            .await?;
        prune(dir, keep.max(1));
        Ok(target)
    }

    /// Backs up into the default folder if the last backup is a day old or
    /// older; returns the new file, if one was made.
    pub async fn daily_backup(&self, now: DateTime<Utc>) -> Result<Option<PathBuf>, StoreError> {
        let due = match self.last_backup().await? {
            Some(last) => now - last >= chrono::Duration::hours(24),
            None => true,
        };
        if !due {
            return Ok(None);
        }
        self.backup_to(&self.default_backup_dir(), DEFAULT_KEEP, now)
            .await
            .map(Some)
    }
}

/// Removes the oldest backups beyond `keep` (names sort by time).
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| is_backup_name(n))
        .collect();
    names.sort();
    let excess = names.len().saturating_sub(keep);
    for name in names.into_iter().take(excess) {
        if let Err(e) = std::fs::remove_file(dir.join(&name)) {
            tracing::warn!(%name, "old backup not removed: {e}");
        }
    }
}

/// Checks a backup file: it opens read-only and passes `integrity_check`.
async fn check_backup(file: &Path) -> Result<(), StoreError> {
    if !file.is_file() {
        return Err(StoreError::BackupInvalid(file.to_path_buf()));
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .map_err(|_| StoreError::BackupInvalid(file.to_path_buf()))?;
    let result: Result<Vec<String>, sqlx::Error> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await;
    let ours: Result<i64, sqlx::Error> =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_sqlx_migrations'")
            .fetch_one(&mut conn)
            .await;
    let _ = conn.close().await;
    match (result, ours) {
        (Ok(rows), Ok(1)) if rows == ["ok"] => Ok(()),
        _ => Err(StoreError::BackupInvalid(file.to_path_buf())),
    }
}

/// Restores `backup` as the database of `dir` (the app must be closed),
/// and writes the restore into the restored database's access log.
/// Returns where the previous database was moved.
pub async fn restore(
    dir: &DataDir,
    backup: &Path,
    actor: &Actor,
    options: OpenOptions,
    now: DateTime<Utc>,
) -> Result<PathBuf, StoreError> {
    check_backup(backup).await?;
    let db = dir.database_file();
    let stamp = now.with_timezone(&Local).format("%Y%m%d-%H%M%S");
    let aside = dir.path.join(format!("okusuri.db.before-restore-{stamp}"));
    let sidecar = |base: &Path, suffix: &str| {
        let mut s = base.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    let io = |path: &Path, e: std::io::Error| StoreError::Inaccessible {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let had_db = db.exists();
    if had_db {
        std::fs::rename(&db, &aside).map_err(|e| io(&db, e))?;
        for suffix in ["-wal", "-shm"] {
            let from = sidecar(&db, suffix);
            if from.exists() {
                std::fs::rename(&from, sidecar(&aside, suffix)).map_err(|e| io(&from, e))?;
            }
        }
    }
    let put_back = || {
        let _ = std::fs::remove_file(&db);
        if had_db {
            let _ = std::fs::rename(&aside, &db);
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::rename(sidecar(&aside, suffix), sidecar(&db, suffix));
            }
        }
    };
    if let Err(e) = std::fs::copy(backup, &db) {
        put_back();
        return Err(io(&db, e));
    }
    match Store::open_file(&db, options).await {
        Ok(store) => {
            let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
            let detail = format!(
                "restored from {}; previous database kept as {}",
                name(backup).unwrap_or_default(),
                name(&aside).unwrap_or_default()
            );
            let logged = store
                .audit(actor, AccessEvent::DatabaseRestored, None, &detail, now)
                .await;
            store.close().await;
            logged?;
            Ok(aside)
        }
        Err(e) => {
            put_back();
            Err(e)
        }
    }
}
