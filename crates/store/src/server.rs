//! The pharmacy's server for several PCs (docs/multi-pc.md), on PostgreSQL:
//! the ordered change log every PC sends its outbox to and pulls from, and
//! the list of PCs. Each PC's SQLite database stays its offline cache; this
//! module is the only one that speaks PostgreSQL.
//!
//! TLS: a server reached over the network is only trusted with its own
//! certificate pinned, and that certificate is the only one trusted (see
//! `tunnel`); a local socket folder (the server on the same machine, and
//! the tests) needs no TLS.

pub mod certificate;
mod tunnel;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions, PgSslMode};
use sqlx::{PgPool, Row};

pub use certificate::Certificate;

use crate::sync::{MAX_PC_NUMBER, OutboxEntry, RemoteChange};
use crate::{Store, StoreError};

/// The server's own migrations (not the PC's SQLite ones).
pub static SERVER_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./server-migrations");

/// The channel a server announces new changes on (payload: the last `seq`).
pub const CHANNEL: &str = "okusuri_changes";

/// Keeps appends in commit order (a transaction-scoped advisory lock).
const APPEND_LOCK: i64 = 0x006f_6b75_7375_7269;

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the server is and how to sign in to it.
#[derive(Debug, Clone)]
pub struct ServerAddress {
    /// Host name or IP address; a path starting with `/` is the folder of a
    /// server's socket on this machine.
    pub host: String,
    /// TCP port (and the socket's number).
    pub port: u16,
    /// The pharmacy's database.
    pub database: String,
    /// The pharmacy's database user.
    pub user: String,
    /// Its password (from the OS key store; never logged).
    pub password: Option<String>,
    /// The server's certificate pinned at the first connection (see
    /// [`certificate::fetch`]): the only trusted root. Required for a
    /// network address.
    pub pinned_certificate: Option<Certificate>,
}

impl ServerAddress {
    /// `host:port/database`, for messages (no user, no password).
    pub fn label(&self) -> String {
        format!("{}:{}/{}", self.host, self.port, self.database)
    }

    /// sqlx's options, and for a network address the pinned TLS tunnel they go through.
    async fn options(&self) -> Result<(PgConnectOptions, Option<tunnel::Tunnel>), ServerError> {
        let mut options = PgConnectOptions::new()
            .port(self.port)
            .database(&self.database)
            .username(&self.user)
            .application_name("okusuri-desk");
        if let Some(password) = &self.password {
            options = options.password(password);
        }
        if self.host.starts_with('/') {
            return Ok((
                options.socket(&self.host).ssl_mode(PgSslMode::Disable),
                None,
            ));
        }
        let Some(pinned) = &self.pinned_certificate else {
            return Err(ServerError::NotPinned(self.label()));
        };
        // Say which certificate the server presents if it is not the pinned one.
        let presented = certificate::fetch(&self.host, self.port).await?;
        if presented != *pinned {
            return Err(ServerError::CertificateChanged {
                label: self.label(),
                pinned: pinned.fingerprint(),
                presented: presented.fingerprint(),
            });
        }
        let tunnel = tunnel::Tunnel::start(&self.host, self.port, pinned).await?;
        Ok((tunnel.options(options), Some(tunnel)))
    }
}

/// Why the server could not be used. `Display` is the message shown to staff.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No answer (stopped, cable, Wi-Fi, firewall): the PC keeps working offline.
    #[error(
        "サーバー（{0}）に接続できません。このPCの記録はこのPCに保存され、接続が戻ると送信されます。（{1}）"
    )]
    Unreachable(String, String),
    /// The user or password was refused.
    #[error(
        "サーバー（{0}）にログインできません。データベースのユーザー名とパスワードを確認してください。"
    )]
    SignInRefused(String),
    /// A network address without a pinned certificate.
    #[error(
        "サーバー（{0}）の証明書がまだ確認されていません。設定 → 複数台で使う で証明書を確認してから接続してください。"
    )]
    NotPinned(String),
    /// The server does not offer TLS (`ssl = off`).
    #[error(
        "サーバー（{0}）は暗号化された接続（TLS）に対応していません。サーバーの設定で ssl = on にしてください（患者情報を暗号化せずに送ることはしません）。"
    )]
    NoTls(String),
    /// The server presents another certificate than the one pinned.
    #[error(
        "サーバー（{label}）の証明書が、確認済みのものと違います。接続を中止しました。\n確認済み: {pinned}\n今回: {presented}\nサーバーを入れ替えた場合は、管理者が 設定 → 複数台で使う で新しい証明書を確認してください。そうでなければ、別の機器がサーバーになりすましている可能性があります。"
    )]
    CertificateChanged {
        /// `host:port/database`.
        label: String,
        /// The pinned certificate's fingerprint.
        pinned: String,
        /// The presented certificate's fingerprint.
        presented: String,
    },
    /// The server's schema is newer than this app.
    #[error(
        "サーバーのデータは新しいバージョンのOkusuri Deskで更新されています。このPCのアプリを更新してください。"
    )]
    NewerSchema,
    /// All PC numbers are taken.
    #[error("これ以上PCを追加できません（上限 {MAX_PC_NUMBER} 台）。")]
    NoPcNumber,
    /// A change in the log could not be read (a damaged row).
    #[error("サーバーの変更記録 {0} を読めません: {1}")]
    DamagedChange(i64, String),
    /// Any other server failure.
    #[error("サーバーの処理に失敗しました: {0}")]
    Failed(String),
}

/// What one round of sending and pulling did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// This PC's writes the server took.
    pub sent: usize,
    /// Changes of the log applied here (other PCs' and confirmations of ours).
    pub pulled: usize,
}

/// Why a round of syncing stopped (what was done before stays done).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server failed or is unreachable.
    #[error(transparent)]
    Server(#[from] ServerError),
    /// This PC's database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A connection pool to the pharmacy's server.
#[derive(Debug, Clone)]
pub struct Server {
    pool: PgPool,
    label: String,
    /// The pinned TLS tunnel of a network address, kept while any clone lives.
    _tunnel: Option<std::sync::Arc<tunnel::Tunnel>>,
}

impl Server {
    /// Connects (TLS for a network address, with the pinned certificate)
    /// and brings the server's schema up to date.
    pub async fn connect(address: &ServerAddress) -> Result<Server, ServerError> {
        let label = address.label();
        let (options, tunnel) = address.options().await?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| connect_error(&label, e))?;
        SERVER_MIGRATOR.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(_) => ServerError::NewerSchema,
            other => ServerError::Failed(other.to_string()),
        })?;
        Ok(Server {
            pool,
            label,
            _tunnel: tunnel.map(std::sync::Arc::new),
        })
    }

    /// `host:port/database`.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn fail(&self, e: sqlx::Error) -> ServerError {
        connect_error(&self.label, e)
    }

    /// A transaction holding the log's lock until it ends: numbers (of PCs,
    /// of changes) are given and committed one writer at a time.
    async fn begin_locked(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, ServerError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(APPEND_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(tx)
    }

    /// Registers a PC and gives it the next free number (1, 2, …).
    pub async fn join(&self, pc_name: &str) -> Result<i64, ServerError> {
        let mut tx = self.begin_locked().await?;
        let number: i64 = sqlx::query_scalar("SELECT coalesce(max(number), 0)::BIGINT + 1 FROM pc")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        if number > MAX_PC_NUMBER {
            return Err(ServerError::NoPcNumber);
        }
        sqlx::query("INSERT INTO pc (number, name) VALUES ($1, $2)")
            .bind(number as i32)
            .bind(pc_name)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        tx.commit().await.map_err(|e| self.fail(e))?;
        Ok(number)
    }

    /// Appends a PC's writes to the log in one transaction, in order; a write
    /// the log has already (the same `op_id`, sent again after the PC died
    /// before hearing back) keeps its number. Returns `(op_id, seq)` for
    /// each. Announces the last number on [`CHANNEL`] at commit.
    pub async fn append(
        &self,
        pc: i64,
        entries: &[OutboxEntry],
    ) -> Result<Vec<(String, i64)>, ServerError> {
        let mut tx = self.begin_locked().await?;
        let mut next: i64 = sqlx::query_scalar("SELECT coalesce(max(seq), 0) + 1 FROM change_log")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        let mut numbered = Vec::with_capacity(entries.len());
        for entry in entries {
            let known: Option<i64> =
                sqlx::query_scalar("SELECT seq FROM change_log WHERE op_id = $1")
                    .bind(&entry.op_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| self.fail(e))?;
            if let Some(seq) = known {
                numbered.push((entry.op_id.clone(), seq));
                continue;
            }
            let changes = serde_json::to_string(&entry.changes)
                .map_err(|e| ServerError::Failed(e.to_string()))?;
            let log = serde_json::to_string(&entry.log)
                .map_err(|e| ServerError::Failed(e.to_string()))?;
            sqlx::query(
                "INSERT INTO change_log (seq, op_id, pc, made_at, changes, log) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(next)
            .bind(&entry.op_id)
            .bind(pc as i32)
            .bind(&entry.made_at)
            .bind(changes)
            .bind(log)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
            numbered.push((entry.op_id.clone(), next));
            next += 1;
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind((next - 1).to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        tx.commit().await.map_err(|e| self.fail(e))?;
        Ok(numbered)
    }

    /// The changes after `after`, in order, at most `limit`.
    pub async fn since(&self, after: i64, limit: i64) -> Result<Vec<RemoteChange>, ServerError> {
        let rows = sqlx::query(
            "SELECT seq, op_id, changes FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        rows.into_iter()
            .map(|row| {
                let seq: i64 = row.try_get("seq").map_err(|e| self.fail(e))?;
                let changes: String = row.try_get("changes").map_err(|e| self.fail(e))?;
                Ok(RemoteChange {
                    seq,
                    op_id: row.try_get("op_id").map_err(|e| self.fail(e))?,
                    changes: serde_json::from_str(&changes)
                        .map_err(|e| ServerError::DamagedChange(seq, e.to_string()))?,
                })
            })
            .collect()
    }

    /// The last number in the log (0 when empty).
    pub async fn last_seq(&self) -> Result<i64, ServerError> {
        sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM change_log")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Listens for new changes: [`Notices::next`] returns when another
    /// commit was announced (or the connection failed).
    pub async fn notices(&self) -> Result<Notices, ServerError> {
        let mut listener = PgListener::connect_with(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        listener.listen(CHANNEL).await.map_err(|e| self.fail(e))?;
        Ok(Notices {
            listener,
            label: self.label.clone(),
        })
    }

    /// One round: sends this PC's unsent writes (in order, in batches) and
    /// applies what the log has after the last number seen here. Safe to
    /// cut at any point: what the server took is skipped when sent again,
    /// and what was applied here is recorded in the same transaction.
    pub async fn sync(
        &self,
        store: &Store,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<SyncReport, SyncError> {
        const SEND_BATCH: i64 = 200;
        const PULL_BATCH: i64 = 1000;
        let pc = store.sync_state().await?.pc_number;
        let mut report = SyncReport::default();
        loop {
            let unsent = store.unsent(SEND_BATCH).await?;
            if unsent.is_empty() {
                break;
            }
            let numbered = self.append(pc, &unsent).await?;
            store.mark_sent(&numbered).await?;
            report.sent += numbered.len();
        }
        loop {
            let after = store.sync_state().await?.last_seq;
            let changes = self.since(after, PULL_BATCH).await?;
            if changes.is_empty() {
                break;
            }
            store.apply_remote(&changes, now).await?;
            report.pulled += changes.len();
        }
        Ok(report)
    }
}

/// Notices of new changes on the server.
pub struct Notices {
    listener: PgListener,
    label: String,
}

impl Notices {
    /// Waits for the next announced commit; returns its last number.
    pub async fn next(&mut self) -> Result<i64, ServerError> {
        let notice = self
            .listener
            .recv()
            .await
            .map_err(|e| connect_error(&self.label, e))?;
        Ok(notice.payload().parse().unwrap_or(0))
    }
}

fn connect_error(label: &str, e: sqlx::Error) -> ServerError {
    match &e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolClosed => ServerError::Unreachable(label.to_string(), e.to_string()),
        // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
        // (a server stopping or starting).
        sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P")) => {
            ServerError::Unreachable(label.to_string(), e.to_string())
        }
        // 28P01 invalid_password, 28000 invalid_authorization_specification.
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("28P01" | "28000")) => {
            ServerError::SignInRefused(label.to_string())
        }
        _ => ServerError::Failed(e.to_string()),
    }
}
