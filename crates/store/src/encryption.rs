//! The database encrypted at rest (issue 16 §1): SQLCipher 4 (AES-256 with
//! an HMAC-SHA512 on every page) under a random 32-byte key that the
//! application keeps in the OS key store — never in a file. The store only
//! receives the key; the application decides where it comes from.
//!
//! The key is found by the database's ID (`db.id`), which the encrypted file
//! cannot reveal before it is opened: the data folder therefore holds the ID
//! in a small file, [`ID_FILE_NAME`] (not a secret: a name, like a label on
//! a locked box).
//!
//! An existing plain database is converted once when first opened with a
//! key: exported into a new encrypted file, the copy checked (every table's
//! row count, `integrity_check`), the files swapped, and only then the plain
//! file removed. A conversion cut short is finished or undone at the next
//! opening ([`recover_interrupted`]); the plain file is never lost before the
//! encrypted one is in place.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::{DataDir, StoreError};

/// The file in the data folder that names the database's keys (its ID).
pub const ID_FILE_NAME: &str = "okusuri.id";

/// The first 16 bytes of every unencrypted SQLite database.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A database's encryption key and the ID it is stored under.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey {
    /// The database's ID (`db.id`): the key's name in the OS key store.
    pub id: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl DatabaseKey {
    /// The key of database `id`: 32 bytes (anything else is refused).
    pub fn new(id: &str, key: Vec<u8>) -> Result<DatabaseKey, StoreError> {
        if key.len() != 32 {
            return Err(StoreError::DatabaseKeyDamaged);
        }
        Ok(DatabaseKey {
            id: id.to_string(),
            key,
        })
    }

    /// The key's bytes (for an export the administrator asked for).
    pub fn bytes(&self) -> &[u8] {
        &self.key
    }

    /// The value of `PRAGMA key` / `ATTACH … KEY`: SQLCipher's raw-key form
    /// (no passphrase derivation, the key is already random).
    pub(crate) fn pragma_value(&self) -> String {
        let hex: String = self.key.iter().map(|b| format!("{b:02x}")).collect();
        format!("\"x'{hex}'\"")
    }

    /// The raw-key text without the outer quotes (for a bound parameter).
    fn raw_text(&self) -> String {
        self.pragma_value().trim_matches('"').to_string()
    }
}

/// `options` opening the file with `key`. Statements on such a connection
/// are not logged: its first one carries the key.
pub fn with_key(options: SqliteConnectOptions, key: &DatabaseKey) -> SqliteConnectOptions {
    options
        .pragma("key", key.pragma_value())
        .log_statements(log::LevelFilter::Off)
}

/// What the database file is, judged by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file (or an empty one).
    Missing,
    /// An unencrypted SQLite database.
    Plain,
    /// Not readable as plain SQLite: an encrypted database (or a damaged file).
    Encrypted,
}

/// Looks at the first 16 bytes of `path`.
pub fn file_state(path: &Path) -> Result<FileState, StoreError> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => {
            return Err(StoreError::Inaccessible {
                path: path.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|e| StoreError::Inaccessible {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    Ok(match head.len() {
        0 => FileState::Missing,
        _ if head.as_slice() == PLAIN_HEADER => FileState::Plain,
        _ => FileState::Encrypted,
    })
}

/// The database ID written in the data folder, if any.
pub fn folder_id(dir: &DataDir) -> Option<String> {
    let text = std::fs::read_to_string(dir.path.join(ID_FILE_NAME)).ok()?;
    let id = text.trim();
    let valid = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then(|| id.to_string())
}

/// Writes the database ID into the data folder (owner-only, atomically).
pub fn write_folder_id(dir: &DataDir, id: &str) -> Result<(), StoreError> {
    if folder_id(dir).as_deref() == Some(id) {
        return Ok(());
    }
    let target = dir.path.join(ID_FILE_NAME);
    let part = dir.path.join(format!("{ID_FILE_NAME}.part"));
    let io = |e: std::io::Error| StoreError::Inaccessible {
        path: target.clone(),
        reason: e.to_string(),
    };
    std::fs::write(&part, format!("{id}\n")).map_err(io)?;
    let _ = crate::location::make_private(&part);
    crate::backup::finish_file(&part, &target).map_err(io)
}

/// `base` with `suffix` appended (`okusuri.db` → `okusuri.db-wal`).
pub(crate) fn sidecar(base: &Path, suffix: &str) -> PathBuf {
    let mut s = base.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Where the plain file waits during the swap.
fn plain_aside(path: &Path) -> PathBuf {
    sidecar(path, ".plain")
}

/// Where the encrypted copy is written.
fn encrypting(path: &Path) -> PathBuf {
    sidecar(path, ".encrypting")
}

/// Finishes or undoes a conversion cut short (a power cut, a killed
/// process): the encrypted file in place → the plain one is removed; the
/// database missing but the plain one aside → it is put back.
pub(crate) fn recover_interrupted(path: &Path) -> Result<(), StoreError> {
    let aside = plain_aside(path);
    let _ = std::fs::remove_file(encrypting(path));
    if !aside.exists() {
        return Ok(());
    }
    match file_state(path)? {
        FileState::Encrypted => remove_with_journals(&aside),
        FileState::Missing => {
            std::fs::rename(&aside, path).map_err(|e| StoreError::Inaccessible {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
            tracing::warn!("an interrupted encryption was undone; the plain database is back");
        }
        // Both plain: the swap never happened; the aside copy is the stale one.
        FileState::Plain => remove_with_journals(&aside),
    }
    Ok(())
}

fn remove_with_journals(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let file = sidecar(path, suffix);
        if file.exists()
            && let Err(e) = std::fs::remove_file(&file)
        {
            tracing::warn!("old plain database file not removed: {e}");
        }
    }
}

/// Every table's name and row count (plus `sqlite_sequence`'s values): what
/// must be the same before and after the conversion.
async fn contents(
    conn: &mut SqliteConnection,
    schema: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // `schema` is one of our two constants; table names are quoted.
    let names: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM {schema}.sqlite_schema WHERE type = 'table' ORDER BY name"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let mut counts = Vec::with_capacity(names.len());
    for name in names {
        let quoted = name.replace('"', "\"\"");
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {schema}.\"{quoted}\""
        )))
        .fetch_one(&mut *conn)
        .await?;
        counts.push((name, count));
    }
    Ok(counts)
}

/// Converts the plain database at `path` into one encrypted with `key`,
/// safely (see the module docs). Nothing else may have it open.
pub(crate) async fn encrypt_in_place(path: &Path, key: &DatabaseKey) -> Result<(), StoreError> {
    let fail = |e: sqlx::Error| StoreError::EncryptionFailed {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let io = |p: &Path, e: std::io::Error| StoreError::EncryptionFailed {
        path: p.to_path_buf(),
        reason: e.to_string(),
    };
    let copy = encrypting(path);
    let _ = std::fs::remove_file(&copy);
    // Create: ATTACH takes the connection's flags, and the copy is new. The
    // plain file itself exists (checked by the caller).
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .busy_timeout(std::time::Duration::from_secs(5))
        .connect()
        .await
        .map_err(|e| StoreError::from_sqlx(e, path))?;
    let exported = async {
        let before = contents(&mut conn, "main").await?;
        sqlx::query("ATTACH DATABASE ? AS encrypted KEY ?")
            .bind(copy.to_string_lossy().into_owned())
            .bind(key.raw_text())
            .execute(&mut conn)
            .await?;
        sqlx::query("SELECT sqlcipher_export('encrypted')")
            .execute(&mut conn)
            .await?;
        let after = contents(&mut conn, "encrypted").await?;
        sqlx::query("DETACH DATABASE encrypted")
            .execute(&mut conn)
            .await?;
        // Folds the WAL into the plain file, so no journal is left to pair
        // with the encrypted file after the swap.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        Ok::<_, sqlx::Error>((before, after))
    }
    .await;
    let _ = conn.close().await;
    let (before, after) = exported.map_err(fail)?;
    if before != after {
        let _ = std::fs::remove_file(&copy);
        return Err(StoreError::EncryptionFailed {
            path: path.to_path_buf(),
            reason: "the encrypted copy does not hold the same rows".into(),
        });
    }
    check_encrypted(&copy, key).await.inspect_err(|_| {
        let _ = std::fs::remove_file(&copy);
    })?;
    crate::location::make_private(&copy).map_err(|e| io(&copy, e))?;
    sync(&copy).map_err(|e| io(&copy, e))?;
    for suffix in ["-wal", "-shm"] {
        let journal = sidecar(path, suffix);
        if std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0 && suffix == "-wal") {
            let _ = std::fs::remove_file(&copy);
            return Err(StoreError::EncryptionFailed {
                path: path.to_path_buf(),
                reason: "another program still has the database open".into(),
            });
        }
        let _ = std::fs::remove_file(&journal);
    }
    let aside = plain_aside(path);
    std::fs::rename(path, &aside).map_err(|e| io(path, e))?;
    if let Err(e) = std::fs::rename(&copy, path) {
        let _ = std::fs::rename(&aside, path);
        return Err(io(path, e));
    }
    if let Some(folder) = path.parent() {
        sync_dir(folder);
    }
    remove_with_journals(&aside);
    tracing::info!("the database was encrypted");
    Ok(())
}

/// Opens `file` read-only with `key` and checks it page by page.
pub(crate) async fn check_encrypted(file: &Path, key: &DatabaseKey) -> Result<(), StoreError> {
    let wrong = || StoreError::DatabaseKeyWrong(file.to_path_buf());
    let conn = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut conn = with_key(conn, key).connect().await.map_err(|_| wrong())?;
    let rows: Result<Vec<String>, sqlx::Error> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await;
    let _ = conn.close().await;
    match rows {
        Ok(rows) if rows == ["ok"] => Ok(()),
        _ => Err(wrong()),
    }
}

/// Flushes a file to the disk (Windows flushes only through a handle that
/// may write).
fn sync(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?
        .sync_all()
}

/// Flushes a folder's entries (a rename) to the disk, where the platform can.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(path).and_then(|f| f.sync_all()) {
        tracing::warn!("folder not synced: {e}");
    }
    #[cfg(not(unix))]
    let _ = path;
}
