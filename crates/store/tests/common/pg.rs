//! A real PostgreSQL server for tests: Debian's `postgresql` package, a new
//! cluster in a temp folder (`initdb`, `pg_ctl`), reached through a socket in
//! that folder, stopped when dropped. PostgreSQL refuses to run as root, so
//! under root (CI) the cluster belongs to the `postgres` user.

use std::path::{Path, PathBuf};
use std::process::Command;

use okusuri_store::server::ServerAddress;

/// A running test cluster.
pub struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// TCP on 127.0.0.1 with TLS (`ssl = on`, a certificate made by the test).
    tls: bool,
}

fn bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| {
            panic!("PostgreSQL is not installed ({e}): run scripts/setup-debian.sh (apt package postgresql)")
        })
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("no PostgreSQL with initdb under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A PostgreSQL program, run as `postgres` under root.
fn command(bin: &Path, program: &str) -> Command {
    let path = bin.join(program);
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    }
}

impl Pg {
    /// Creates and starts a cluster on a free port number (socket only, no TCP).
    pub fn start() -> Pg {
        Pg::create(false)
    }

    /// Creates and starts a cluster that also listens on 127.0.0.1 with TLS,
    /// with a new self-signed certificate (`server.crt` in its folder).
    pub fn start_tls() -> Pg {
        Pg::create(true)
    }

    fn create(tls: bool) -> Pg {
        let dir = tempfile::tempdir().unwrap();
        let bin = bin_dir();
        let root = is_root();
        if root {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let port = free_port();
        let data = dir.path().join("data");
        let run = |program: &str, args: &[&str]| {
            let out = command(&bin, program).args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "-N",
            ],
        );
        if tls {
            make_certificate(dir.path(), "server");
            if root {
                for file in ["server.crt", "server.key"] {
                    let out = Command::new("chown")
                        .args(["postgres:postgres", dir.path().join(file).to_str().unwrap()])
                        .output()
                        .unwrap();
                    assert!(out.status.success());
                }
            }
        }
        let pg = Pg {
            dir,
            bin,
            port,
            tls,
        };
        pg.ctl("start");
        pg.psql("postgres", "CREATE DATABASE pharmacy");
        pg
    }

    /// The server's address for the store.
    pub fn address(&self) -> ServerAddress {
        ServerAddress {
            host: self.dir.path().to_str().unwrap().to_string(),
            port: self.port,
            database: "pharmacy".into(),
            user: "postgres".into(),
            password: None,
            pinned_certificate: None,
        }
    }

    /// The server's TCP address (TLS), with `pinned` as the pinned certificate.
    pub fn tcp_address(&self, pinned: Option<okusuri_store::server::Certificate>) -> ServerAddress {
        ServerAddress {
            host: "127.0.0.1".into(),
            pinned_certificate: pinned,
            ..self.address()
        }
    }

    /// The folder holding `server.crt` (and other files the test makes).
    pub fn folder(&self) -> &Path {
        self.dir.path()
    }

    /// Runs SQL with `psql` (as a separate client, as an administrator would).
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-h", self.dir.path().to_str().unwrap()])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                database,
            ])
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn ctl(&self, action: &str) {
        let data = self.dir.path().join("data");
        let mut args = vec!["-D".to_string(), data.to_str().unwrap().to_string()];
        if action == "stop" {
            args.extend(["-m".into(), "fast".into()]);
        } else {
            let dir = self.dir.path().to_str().unwrap();
            let listen = if self.tls {
                format!(
                    "-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key"
                )
            } else {
                "-c listen_addresses=''".to_string()
            };
            args.extend([
                "-o".into(),
                format!(
                    "-k {dir} -p {} {listen} -c fsync=off -c max_connections=40",
                    self.port
                ),
                "-l".into(),
                self.dir
                    .path()
                    .join("server.log")
                    .to_str()
                    .unwrap()
                    .to_string(),
            ]);
        }
        args.extend(["-w".into(), action.into()]);
        let out = command(&self.bin, "pg_ctl").args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "pg_ctl {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server (as a power cut of the server PC would, but clean).
    pub fn stop(&self) {
        self.ctl("stop");
    }

    /// Starts it again.
    pub fn restart(&self) {
        self.ctl("start");
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = command(&self.bin, "pg_ctl")
            .args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "stop"])
            .output();
    }
}

/// A port number no other test cluster uses (the socket's name; no TCP is opened).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Makes a self-signed certificate `NAME.crt` with its key `NAME.key` in
/// `dir` (P-256, not a CA, for 127.0.0.1), as a pharmacy's server set-up would.
pub fn make_certificate(dir: &Path, name: &str) {
    let key = dir.join(format!("{name}.key"));
    let crt = dir.join(format!("{name}.crt"));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .arg("-nodes")
        .args([
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            crt.to_str().unwrap(),
        ])
        .args(["-days", "30", "-subj", "/CN=okusuri-test-server"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `openssl x509 -fingerprint -sha256` of a PEM file: the fingerprint as an
/// independent tool prints it.
pub fn openssl_fingerprint(crt: &Path) -> String {
    let out = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            crt.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().rsplit('=').next().unwrap().to_string()
}
