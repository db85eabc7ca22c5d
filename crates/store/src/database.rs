//! Finding and opening the database file safely.
//!
//! Opening never replaces an existing file: a missing file with leftover
//! journal files, an empty file, or a file that is not a database is refused
//! with a message, and the bytes on disk are left as they were.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Store, StoreError};

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
    /// The folder from `OKUSURI_DATA_DIR`, else the platform's data folder
    /// (`%APPDATA%\Okusuri\OkusuriDesk\data` on Windows).
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
                    path: dirs.data_dir().to_path_buf(),
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
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_secs(5),
            pc_name: gethostname::gethostname().to_string_lossy().into_owned(),
        }
    }
}

/// The embedded migrations, applied on every open.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Opens (on first run: creates) the database in `dir` and brings its schema
    /// up to date.
    pub async fn open_in(dir: &DataDir, options: OpenOptions) -> Result<Store, StoreError> {
        if !dir.path.is_dir() {
            if !dir.create_if_missing {
                return Err(StoreError::DataDirMissing(dir.path.clone()));
            }
            std::fs::create_dir_all(&dir.path).map_err(|e| StoreError::Inaccessible {
                path: dir.path.clone(),
                reason: e.to_string(),
            })?;
        }
        Store::open_file(&dir.database_file(), options).await
    }

    /// Opens the database file at `path`, creating it only when neither it nor
    /// its journal files exist.
    pub async fn open_file(path: &Path, options: OpenOptions) -> Result<Store, StoreError> {
        let create = check_file(path)?;
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(options.busy_timeout + Duration::from_secs(5))
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::from_sqlx(e, path))?;
        // Reading the schema makes SQLite check the header of an existing file.
        sqlx::query("SELECT count(*) FROM sqlite_schema")
            .execute(&pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, path))?;
        MIGRATOR.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(_) => {
                StoreError::NewerSchema(path.to_path_buf())
            }
            sqlx::migrate::MigrateError::Execute(inner) => StoreError::from_sqlx(inner, path),
            other => StoreError::Database(other.to_string()),
        })?;
        tracing::info!(path = %path.display(), "database opened");
        Ok(Store {
            pool,
            path: path.to_path_buf(),
            pc_name: options.pc_name,
        })
    }

    /// The database file this store uses.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The PC name written to the access log.
    pub fn pc_name(&self) -> &str {
        &self.pc_name
    }

    /// Closes all connections (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
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
