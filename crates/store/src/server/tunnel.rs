//! TLS to the server with its pinned certificate as the only one trusted.
//!
//! sqlx's own `verify-ca` starts from the public root certificates (webpki
//! roots or the OS's) and skips the name check, so any publicly issued
//! certificate would pass. Instead, sqlx talks plain PostgreSQL to a local
//! end that only this process's user can reach (a socket in a private
//! folder; loopback on Windows), and each connection through it goes to the
//! server as PostgreSQL's `SSLRequest` followed by TLS checked by
//! [`super::certificate`]'s pinning verifier.

use std::time::Duration;

use rustls::pki_types::ServerName;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::ServerError;
use super::certificate::{Certificate, SSL_REQUEST, pinned_config};

/// How long reaching the server may take per connection.
const WAIT: Duration = Duration::from_secs(5);

/// A running local end; connections stop when it is dropped.
#[derive(Debug)]
pub(crate) struct Tunnel {
    task: tokio::task::JoinHandle<()>,
    /// Where sqlx connects: a socket folder (Unix) or a loopback port.
    local: Local,
}

#[derive(Debug)]
enum Local {
    /// The folder and the number in the socket's name.
    #[cfg(unix)]
    Socket(std::path::PathBuf, u16),
    #[cfg(not(unix))]
    Loopback(u16),
}

/// Where the server is, for each new connection.
#[derive(Clone)]
struct Remote {
    host: String,
    port: u16,
    tls: TlsConnector,
    name: ServerName<'static>,
}

impl Tunnel {
    /// Opens the local end for the server at `host:port` pinned to `pinned`.
    pub(crate) async fn start(
        host: &str,
        port: u16,
        pinned: &Certificate,
    ) -> Result<Tunnel, ServerError> {
        let failed = |e: &dyn std::fmt::Display| ServerError::Failed(format!("TLS: {e}"));
        let config = pinned_config(pinned).map_err(|e| failed(&e))?;
        let remote = Remote {
            host: host.to_string(),
            port,
            tls: TlsConnector::from(config),
            name: ServerName::try_from(host.to_string()).map_err(|e| failed(&e))?,
        };
        let (local, task) = listen(remote).await.map_err(|e| failed(&e))?;
        Ok(Tunnel { task, local })
    }

    /// sqlx's options pointed at the local end (TLS is the tunnel's).
    pub(crate) fn options(&self, options: PgConnectOptions) -> PgConnectOptions {
        let options = options.ssl_mode(PgSslMode::Disable);
        match &self.local {
            #[cfg(unix)]
            Local::Socket(dir, port) => options.socket(dir).port(*port),
            #[cfg(not(unix))]
            Local::Loopback(local) => options.host("127.0.0.1").port(*local),
        }
    }
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        self.task.abort();
        #[cfg(unix)]
        {
            let Local::Socket(dir, _) = &self.local;
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[cfg(unix)]
async fn listen(remote: Remote) -> std::io::Result<(Local, tokio::task::JoinHandle<()>)> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = std::env::temp_dir().join(format!("okusuri-server-{}", crate::new_id()));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    // sqlx looks for PostgreSQL's socket name in the folder.
    let port = remote.port;
    let socket = dir.join(format!(".s.PGSQL.{port}"));
    let listener = tokio::net::UnixListener::bind(&socket)?;
    let task = tokio::spawn(async move {
        while let Ok((local, _)) = listener.accept().await {
            tokio::spawn(carry(local, remote.clone()));
        }
    });
    Ok((Local::Socket(dir, port), task))
}

#[cfg(not(unix))]
async fn listen(remote: Remote) -> std::io::Result<(Local, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    let task = tokio::spawn(async move {
        while let Ok((local, _)) = listener.accept().await {
            tokio::spawn(carry(local, remote.clone()));
        }
    });
    Ok((Local::Loopback(port), task))
}

/// Carries one of sqlx's connections to the server over pinned TLS. A
/// server that refuses TLS or presents another certificate gets nothing:
/// the local connection is closed and sqlx reports the server unreachable.
async fn carry<L: AsyncRead + AsyncWrite + Unpin>(mut local: L, remote: Remote) {
    let connected = tokio::time::timeout(WAIT, async {
        let mut tcp = TcpStream::connect((remote.host.as_str(), remote.port)).await?;
        tcp.set_nodelay(true)?;
        tcp.write_all(&SSL_REQUEST).await?;
        if tcp.read_u8().await? != b'S' {
            return Err(std::io::Error::other("the server does not offer TLS"));
        }
        remote.tls.connect(remote.name.clone(), tcp).await
    })
    .await;
    match connected {
        Ok(Ok(mut tls)) => {
            let _ = tokio::io::copy_bidirectional(&mut local, &mut tls).await;
        }
        Ok(Err(e)) => tracing::warn!("server connection refused: {e}"),
        Err(_) => tracing::warn!("server connection timed out"),
    }
}
