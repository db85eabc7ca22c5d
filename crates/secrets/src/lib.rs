//! Secrets in the operating system's key store — never in a plain file, the
//! database or a log: Windows Credential Manager (DPAPI), the macOS
//! Keychain, the Linux Secret Service (GNOME Keyring, KWallet). Each secret
//! is an entry of the service `okusuri-desk` under a name.
//!
//! [`client_cert`]: the clinic's client certificate (`.p12`) and its
//! password, imported once and kept here.

pub mod client_cert;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The service name of every entry.
pub const SERVICE: &str = "okusuri-desk";

/// Why the key store could not be used. `Display` is the Japanese message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    /// No key store is running or reachable (on Linux: no Secret Service on the session bus).
    #[error("OS の鍵保管庫（Windows 資格情報マネージャー / Secret Service）を使えません: {0}")]
    Unavailable(String),
    /// Nothing is stored under that name.
    #[error("鍵保管庫に「{0}」がありません。")]
    Missing(String),
    /// The stored value is damaged.
    #[error("鍵保管庫の「{0}」を読めません。")]
    Damaged(String),
    /// The client certificate file or its password is wrong.
    #[error("{0}")]
    Certificate(String),
}

fn entry(name: &str) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, name).map_err(|e| SecretError::Unavailable(e.to_string()))
}

fn map(name: &str, e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoEntry => SecretError::Missing(name.to_string()),
        keyring::Error::BadEncoding(_) => SecretError::Damaged(name.to_string()),
        other => SecretError::Unavailable(other.to_string()),
    }
}

/// Stores `secret` under `name` (replacing what was there).
pub fn put(name: &str, secret: &[u8]) -> Result<(), SecretError> {
    entry(name)?
        .set_password(&STANDARD.encode(secret))
        .map_err(|e| map(name, e))
}

/// The secret stored under `name`.
pub fn get(name: &str) -> Result<Vec<u8>, SecretError> {
    let text = entry(name)?.get_password().map_err(|e| map(name, e))?;
    STANDARD
        .decode(text)
        .map_err(|_| SecretError::Damaged(name.to_string()))
}

/// The key stored under `name`; with `create`, a missing one is made (32
/// random bytes) and stored; without, a missing key is `Ok(None)`.
fn key_named(name: &str, create: bool) -> Result<Option<Vec<u8>>, SecretError> {
    match get(name) {
        Ok(key) => Ok(Some(key)),
        Err(SecretError::Missing(_)) if create => {
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key).map_err(|e| SecretError::Unavailable(e.to_string()))?;
            put(name, &key)?;
            Ok(Some(key))
        }
        Err(SecretError::Missing(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The key of a database's access-log chain (32 random bytes), stored as
/// `audit-key-DBID`. With `create`, a missing key is made and stored (the
/// app does this once per database); without, a missing key is `Ok(None)`.
pub fn audit_key(database_id: &str, create: bool) -> Result<Option<Vec<u8>>, SecretError> {
    key_named(&format!("audit-key-{database_id}"), create)
}

/// Stores a database's access-log key brought from another PC.
pub fn put_audit_key(database_id: &str, key: &[u8]) -> Result<(), SecretError> {
    put(&format!("audit-key-{database_id}"), key)
}

/// The key the database file is encrypted with (32 random bytes, SQLCipher),
/// stored as `database-key-DBID`; `create` as for [`audit_key`].
pub fn database_key(database_id: &str, create: bool) -> Result<Option<Vec<u8>>, SecretError> {
    key_named(&format!("database-key-{database_id}"), create)
}

/// Stores a database's encryption key brought from another PC (or a USB stick).
pub fn put_database_key(database_id: &str, key: &[u8]) -> Result<(), SecretError> {
    put(&format!("database-key-{database_id}"), key)
}

/// Removes the secret stored under `name` (nothing to remove is not an error).
pub fn delete(name: &str) -> Result<(), SecretError> {
    match entry(name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(map(name, e)),
    }
}
