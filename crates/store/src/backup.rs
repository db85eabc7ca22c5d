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
use crate::encryption::sidecar;
use crate::{
    Actor, DataDir, DatabaseKey, FileState, OpenOptions, Store, StoreError, parse_timestamp,
    timestamp,
};

/// Settings key of the last backup's time.
const LAST_BACKUP_KEY: &str = "backup.last";
/// Settings key of the optional second backup folder (a USB drive, another disk).
pub const SECOND_DIR_KEY: &str = "backup.second_dir";
/// Settings key of the last time a backup reached the second folder.
const SECOND_LAST_KEY: &str = "backup.second_last";
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
            crate::location::create_private_dir_all(dir).map_err(|e| StoreError::Inaccessible {
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
        finish_file(&part, &target).map_err(|e| StoreError::Inaccessible {
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
    /// older (the app asks every hour while it runs), then copies it to the
    /// second folder when one is set; returns what was done, if anything.
    pub async fn daily_backup(&self, now: DateTime<Utc>) -> Result<Option<BackupDone>, StoreError> {
        let due = match self.last_backup().await? {
            Some(last) => now - last >= chrono::Duration::hours(24),
            None => true,
        };
        if !due {
            return Ok(None);
        }
        self.backup_now(now).await.map(Some)
    }

    /// Backs up into the default folder now, then copies the backup to the
    /// second folder when one is set.
    pub async fn backup_now(&self, now: DateTime<Utc>) -> Result<BackupDone, StoreError> {
        let file = self
            .backup_to(&self.default_backup_dir(), DEFAULT_KEEP, now)
            .await?;
        let second = match self.second_backup_dir().await? {
            None => None,
            Some(dir) => Some(self.copy_to_second(&file, &dir, now).await),
        };
        Ok(BackupDone { file, second })
    }

    /// The second backup folder, if one is set.
    pub async fn second_backup_dir(&self) -> Result<Option<PathBuf>, StoreError> {
        Ok(self
            .setting(SECOND_DIR_KEY)
            .await?
            .filter(|v| !v.trim().is_empty())
            .map(|v| PathBuf::from(v.trim())))
    }

    /// When a backup last reached the second folder, if ever.
    pub async fn last_second_backup(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .setting(SECOND_LAST_KEY)
            .await?
            .as_deref()
            .and_then(parse_timestamp))
    }

    /// Copies a finished backup into `dir` (which must exist: a USB drive that
    /// is not plugged in is reported, not created), keeping the newest
    /// [`DEFAULT_KEEP`] there. The message says why it failed.
    pub async fn copy_to_second(
        &self,
        backup: &Path,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> Result<PathBuf, String> {
        let Some(name) = backup.file_name() else {
            return Err("バックアップのファイル名がありません。".into());
        };
        if !dir.is_dir() {
            return Err(format!(
                "2つ目のバックアップ先が見つかりません: {}（USB ドライブが差してあるか確認してください）",
                dir.display()
            ));
        }
        let target = dir.join(name);
        let part = dir.join(name.to_string_lossy().replace(".db", ".part.db"));
        let copied = std::fs::copy(backup, &part).and_then(|_| finish_file(&part, &target));
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&part);
            return Err(format!(
                "2つ目のバックアップ先に書き込めません: {}（{e}）",
                dir.display()
            ));
        }
        prune(dir, DEFAULT_KEEP);
        let stamp = timestamp(now);
        let actor = Actor::system("バックアップ");
        let detail = format!("second copy of {}", name.to_string_lossy());
        self.set_settings(
            &actor,
            &[(SECOND_LAST_KEY, stamp.as_str())],
            AccessEvent::BackupWritten,
            &detail,
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(target)
    }
}

/// What [`Store::daily_backup`] did.
#[derive(Debug)]
pub struct BackupDone {
    /// The new backup in the default folder.
    pub file: PathBuf,
    /// The copy in the second folder, when one is set (or why it failed).
    pub second: Option<Result<PathBuf, String>>,
}

/// Makes a written temporary file the finished one: owner-only, its bytes on
/// the disk (`fsync`) before the rename, and the rename itself on the disk
/// (the folder synced, where the platform allows it).
pub(crate) fn finish_file(part: &Path, target: &Path) -> std::io::Result<()> {
    crate::location::make_private(part)?;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(part)?
        .sync_all()?;
    std::fs::rename(part, target)?;
    #[cfg(unix)]
    if let Some(dir) = target.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
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

/// The database ID recorded in a backup file (read-only), if any: the name
/// of its keys in the OS key store.
pub async fn database_id_of(file: &Path) -> Option<String> {
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .ok()?;
    let id: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(crate::database::DATABASE_ID_KEY)
        .fetch_optional(&mut conn)
        .await
        .ok()
        .flatten();
    let _ = conn.close().await;
    id
}

/// Checks a backup file: it opens read-only (an encrypted one with `key`)
/// and passes `integrity_check`.
async fn check_backup(file: &Path, key: Option<&DatabaseKey>) -> Result<(), StoreError> {
    if !file.is_file() {
        return Err(StoreError::BackupInvalid(file.to_path_buf()));
    }
    let encrypted = crate::encryption::file_state(file)? == FileState::Encrypted;
    let mut options = SqliteConnectOptions::new().filename(file).read_only(true);
    match (encrypted, key) {
        (true, None) => return Err(StoreError::BackupNeedsKey(file.to_path_buf())),
        (true, Some(key)) => {
            crate::encryption::check_encrypted(file, key).await?;
            options = crate::encryption::with_key(options, key);
        }
        (false, _) => {}
    }
    let mut conn = options
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

/// Restores `backup` as the database of `dir` and writes the restore into
/// the restored database's access log. Refused while anything has the data
/// folder open (the app, `okusuri feed watch`, …): restore holds the data
/// folder's lock exclusively while it swaps the files. Returns where the
/// previous database was moved.
pub async fn restore(
    dir: &DataDir,
    backup: &Path,
    actor: &Actor,
    options: OpenOptions,
    now: DateTime<Utc>,
) -> Result<PathBuf, StoreError> {
    check_backup(backup, options.database_key.as_ref()).await?;
    let lock = crate::database::lock_exclusive(dir)?;
    let aside = swap_in(dir, backup, now)?;
    drop(lock);
    reopen_restored(dir, backup, &aside, actor, options, now).await
}

/// Puts the database moved to `aside` (with its -wal/-shm) back at `db`,
/// removing what was copied there (nothing to put back: just the removal).
fn put_back(db: &Path, aside: &Path) {
    let _ = std::fs::remove_file(db);
    if aside.exists() {
        let _ = std::fs::rename(aside, db);
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::rename(sidecar(aside, suffix), sidecar(db, suffix));
        }
    }
}

/// Moves the current database aside and copies the backup in its place.
fn swap_in(dir: &DataDir, backup: &Path, now: DateTime<Utc>) -> Result<PathBuf, StoreError> {
    let db = dir.database_file();
    let stamp = now.with_timezone(&Local).format("%Y%m%d-%H%M%S");
    let aside = dir.path.join(format!("okusuri.db.before-restore-{stamp}"));
    let io = |path: &Path, e: std::io::Error| StoreError::Inaccessible {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if db.exists() {
        std::fs::rename(&db, &aside).map_err(|e| io(&db, e))?;
        for suffix in ["-wal", "-shm"] {
            let from = sidecar(&db, suffix);
            if from.exists() {
                std::fs::rename(&from, sidecar(&aside, suffix)).map_err(|e| io(&from, e))?;
            }
        }
    }
    if let Err(e) = std::fs::copy(backup, &db) {
        put_back(&db, &aside);
        return Err(io(&db, e));
    }
    Ok(aside)
}

/// Opens the restored database and logs the restore in it; when it does
/// not open, or the restore cannot be logged (a keyed log without its key),
/// the previous database is put back: a failed restore changes nothing.
async fn reopen_restored(
    dir: &DataDir,
    backup: &Path,
    aside: &Path,
    actor: &Actor,
    options: OpenOptions,
    now: DateTime<Utc>,
) -> Result<PathBuf, StoreError> {
    let db = dir.database_file();
    let store = match Store::open_file(&db, options).await {
        Ok(store) => store,
        Err(e) => {
            put_back(&db, aside);
            return Err(e);
        }
    };
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let detail = format!(
        "restored from {}; previous database kept as {}",
        name(backup).unwrap_or_default(),
        name(aside).unwrap_or_default()
    );
    let logged = store
        .audit(actor, AccessEvent::DatabaseRestored, None, &detail, now)
        .await;
    store.close().await;
    if let Err(e) = logged {
        put_back(&db, aside);
        return Err(e);
    }
    Ok(aside.to_path_buf())
}
