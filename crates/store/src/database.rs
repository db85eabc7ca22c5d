//! Finding and opening the database file safely.
//!
//! Opening never replaces an existing file: a missing file with leftover
//! journal files, an empty file, or a file that is not a database is refused
//! with a message, and the bytes on disk are left as they were.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{FileState, Store, StoreError};

/// Name of the database file inside the data folder.
pub const DB_FILE_NAME: &str = "okusuri.db";

/// Environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "OKUSURI_DATA_DIR";

/// Where the data folder is and whether we may create it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    /// The folder that holds `okusuri.db`.
    pub path: PathBuf,
    /// True for the platform default, which is created on first run; a folder
    /// named explicitly must already exist (it may be an unmounted drive).
    pub create_if_missing: bool,
}

impl DataDir {
    /// The folder from `OKUSURI_DATA_DIR`, else the platform's local data
    /// folder (`%LOCALAPPDATA%\Okusuri\OkusuriDesk\data` on Windows: patient
    /// data must not roam with a profile to other PCs).
    pub fn resolve() -> Result<DataDir, StoreError> {
        match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Ok(DataDir {
                path: PathBuf::from(dir),
                create_if_missing: false,
            }),
            _ => {
                let dirs = directories::ProjectDirs::from("jp", "Okusuri", "OkusuriDesk")
                    .ok_or(StoreError::NoDataDir)?;
                Ok(DataDir {
                    path: dirs.data_local_dir().to_path_buf(),
                    create_if_missing: true,
                })
            }
        }
    }

    /// The database file inside this folder.
    pub fn database_file(&self) -> PathBuf {
        self.path.join(DB_FILE_NAME)
    }
}

/// How to open the store.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long a statement waits for another program's lock.
    pub busy_timeout: Duration,
    /// The name of this PC, written to the access log.
    pub pc_name: String,
    /// The key of the access log's chain, from the OS key store (`None`:
    /// a store that cannot write to a keyed chain; see `access_log`).
    pub audit_key: Option<Vec<u8>>,
    /// The key the database is (to be) encrypted with, from the OS key
    /// store (`None`: the file is opened as it is — plain, or refused when
    /// encrypted). A plain database opened with a key is encrypted first.
    pub database_key: Option<crate::DatabaseKey>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_secs(5),
            pc_name: gethostname::gethostname().to_string_lossy().into_owned(),
            audit_key: None,
            database_key: None,
        }
    }
}

/// The embedded migrations, applied on every open.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Opens (on first run: creates, readable only by this user) the
    /// database in `dir` and brings its schema up to date. A folder on a
    /// network share is refused (see [`crate::location`]).
    pub async fn open_in(dir: &DataDir, options: OpenOptions) -> Result<Store, StoreError> {
        if let Some(kind) = crate::location::network_share(&dir.path) {
            return Err(StoreError::NetworkShare {
                path: dir.path.clone(),
                kind,
            });
        }
        if !dir.path.is_dir() {
            if !dir.create_if_missing {
                return Err(StoreError::DataDirMissing(dir.path.clone()));
            }
            crate::location::create_private_dir_all(&dir.path).map_err(|e| {
                StoreError::Inaccessible {
                    path: dir.path.clone(),
                    reason: e.to_string(),
                }
            })?;
        } else if dir.create_if_missing {
            // The app's own default folder (made by an older version): owner-only.
            let _ = crate::location::make_private(&dir.path);
        }
        let lock = lock_shared(dir)?;
        if let Some(key) = &options.database_key {
            crate::encryption::write_folder_id(dir, &key.id)?;
        }
        let mut store = Store::open_file(&dir.database_file(), options).await?;
        store.folder_lock = Some(std::sync::Arc::new(std::sync::Mutex::new(Some(lock))));
        Ok(store)
    }

    /// Opens the database file at `path`, creating it only when neither it nor
    /// its journal files exist.
    pub async fn open_file(path: &Path, options: OpenOptions) -> Result<Store, StoreError> {
        crate::encryption::recover_interrupted(path)?;
        let create = check_file(path)?;
        let state = match create {
            true => FileState::Missing,
            false => crate::encryption::file_state(path)?,
        };
        let encrypting = options.database_key.is_some() && state == FileState::Plain;
        if let (Some(key), true) = (&options.database_key, encrypting) {
            crate::encryption::encrypt_in_place(path, key).await?;
        }
        let mut connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a power cut cannot lose a committed change or its audit row.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        if let Some(key) = &options.database_key {
            connect = crate::encryption::with_key(connect, key);
        }
        let keyed_file = options.database_key.is_some() && state != FileState::Plain;
        let open_error = |e: sqlx::Error| match StoreError::from_sqlx(e, path) {
            StoreError::Corrupt(path) if keyed_file => StoreError::DatabaseKeyWrong(path),
            other => other,
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(options.busy_timeout + Duration::from_secs(5))
            .connect_with(connect)
            .await
            .map_err(open_error)?;
        // Reading the schema makes SQLite check the header of an existing
        // file (and SQLCipher the key).
        sqlx::query("SELECT count(*) FROM sqlite_schema")
            .execute(&pool)
            .await
            .map_err(open_error)?;
        MIGRATOR.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(_) => {
                StoreError::NewerSchema(path.to_path_buf())
            }
            sqlx::migrate::MigrateError::Execute(inner) => StoreError::from_sqlx(inner, path),
            other => StoreError::Database(other.to_string()),
        })?;
        // The database and its journal files: readable only by this user.
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            if let Err(e) = crate::location::make_private(Path::new(&name)) {
                tracing::warn!("database file permissions not tightened: {e}");
            }
        }
        tracing::info!(path = %path.display(), encrypted = options.database_key.is_some(), "database opened");
        let store = Store {
            pool,
            path: path.to_path_buf(),
            pc_name: options.pc_name,
            audit_key: options.audit_key.map(std::sync::Arc::new),
            database_key: options.database_key.map(std::sync::Arc::new),
            folder_lock: None,
            recorded: Default::default(),
        };
        if let Some(key) = store.database_key.clone() {
            store.adopt_database_id(&key.id, encrypting).await?;
        }
        Ok(store)
    }

    /// The database file this store uses.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The PC name written to the access log.
    pub fn pc_name(&self) -> &str {
        &self.pc_name
    }

    /// This store with the key of the access log's chain (from the OS key
    /// store; see `access_log`).
    pub fn with_audit_key(mut self, key: Vec<u8>) -> Store {
        self.audit_key = Some(std::sync::Arc::new(key));
        self
    }

    /// Whether the database file is encrypted (opened with a key).
    pub fn is_encrypted(&self) -> bool {
        self.database_key.is_some()
    }

    /// The key the database is encrypted with, if it is (for the
    /// administrator's key export).
    pub fn database_key(&self) -> Option<&crate::DatabaseKey> {
        self.database_key.as_deref()
    }

    /// Records `id` (the name of the encryption key) as this database's ID
    /// when it has none yet, and logs a conversion that just happened.
    /// A keyed access log opened without its key cannot take these rows; the
    /// database still opens (read-only in effect, see `access_log`).
    async fn adopt_database_id(&self, id: &str, converted: bool) -> Result<(), StoreError> {
        let now = chrono::Utc::now();
        let actor = crate::Actor::system("データベース");
        let mut written = Ok(());
        if self.setting(DATABASE_ID_KEY).await?.is_none() {
            written = self.set_setting(&actor, DATABASE_ID_KEY, id, now).await;
        }
        if converted && written.is_ok() {
            let detail = "the database file and its later backups are encrypted (SQLCipher)";
            written = self
                .audit(
                    &actor,
                    crate::AccessEvent::DatabaseEncrypted,
                    None,
                    detail,
                    now,
                )
                .await;
        }
        match written {
            Err(StoreError::AuditKeyMissing) => {
                tracing::warn!("the encryption could not be logged: no key for the access log");
                Ok(())
            }
            other => other,
        }
    }

    /// This database's own random ID (made on first use, audited): the name
    /// its keys have in the OS key store.
    pub async fn database_id(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, StoreError> {
        if let Some(id) = self.setting(DATABASE_ID_KEY).await? {
            return Ok(id);
        }
        let id = new_id();
        self.set_setting(
            &crate::Actor::system("データベース"),
            DATABASE_ID_KEY,
            &id,
            now,
        )
        .await?;
        Ok(id)
    }

    /// Closes all connections (checkpointing the WAL) and lets go of the
    /// data folder (a restore may take it from then on).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(lock) = &self.folder_lock
            && let Ok(mut held) = lock.lock()
        {
            held.take();
        }
    }

    /// SQLite's `synchronous` level on a connection (2 = FULL: every commit
    /// reaches the disk before it returns).
    pub async fn synchronous_level(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.fail(e))
    }

    /// The newest migration applied, and the newest this build knows.
    pub async fn schema_version(&self) -> Result<(i64, i64), StoreError> {
        let applied = sqlx::query_scalar!(
            r#"SELECT MAX(version) AS "v?: i64" FROM _sqlx_migrations WHERE success = 1"#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.fail(e))?
        .unwrap_or(0);
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        Ok((applied, known))
    }

    /// Maps an sqlx error on this store's file to a store error.
    pub(crate) fn fail(&self, err: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(err, &self.path)
    }
}

/// The setting that holds the database's own ID.
pub const DATABASE_ID_KEY: &str = "db.id";

/// 128 random bits as 32 hex digits.
/// A new random 128-bit ID as 32 lower-case hex digits (database IDs,
/// change IDs).
pub fn new_id() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Name of the data folder's lock file: every open store holds it shared,
/// a restore exclusively.
pub const LOCK_FILE_NAME: &str = "okusuri.lock";

fn open_lock_file(dir: &DataDir) -> Result<std::fs::File, StoreError> {
    let path = dir.path.join(LOCK_FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::Inaccessible {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    let _ = crate::location::make_private(&path);
    Ok(file)
}

/// Holds the data folder open (shared with other stores, not with a restore).
fn lock_shared(dir: &DataDir) -> Result<std::fs::File, StoreError> {
    let file = open_lock_file(dir)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(dir.database_file())),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Inaccessible {
            path: dir.path.join(LOCK_FILE_NAME),
            reason: e.to_string(),
        }),
    }
}

/// Takes the data folder for a restore: refused while any store has it open.
pub(crate) fn lock_exclusive(dir: &DataDir) -> Result<std::fs::File, StoreError> {
    let file = open_lock_file(dir)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse(dir.path.clone())),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Inaccessible {
            path: dir.path.join(LOCK_FILE_NAME),
            reason: e.to_string(),
        }),
    }
}

/// Decides whether the file at `path` may be created: `Ok(true)` when neither
/// it nor its journal files exist, `Ok(false)` when it exists and is not empty.
fn check_file(path: &Path) -> Result<bool, StoreError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() > 0 => Ok(false),
        Ok(meta) if meta.is_file() => Err(StoreError::Corrupt(path.to_path_buf())),
        Ok(_) => Err(StoreError::Inaccessible {
            path: path.to_path_buf(),
            reason: "ファイルではありません".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let leftover = ["-wal", "-shm", "-journal"].iter().any(|suffix| {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                Path::new(&name).exists()
            });
            if leftover {
                Err(StoreError::DatabaseMissing(path.to_path_buf()))
            } else {
                Ok(true)
            }
        }
        Err(e) => Err(StoreError::Inaccessible {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}
