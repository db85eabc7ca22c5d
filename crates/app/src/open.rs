//! Opening the data folder with its keys from the OS key store (issue 16):
//! the key the database file is encrypted with (§1, SQLCipher) and the key
//! of the access log's chain (§7), both made once per database and named by
//! its ID.
//!
//! The app ([`KeyUse::Create`]) encrypts a new or plain database and keys
//! its access log; the command line ([`KeyUse::IfKeyed`]) uses keys that
//! exist and never makes one, so a CLI-only PC and the tests without a key
//! store keep working on plain files. Without a key store (a Linux PC
//! without Secret Service) a plain database stays plain — said in the log —
//! and an encrypted one is refused with a message saying how to bring its
//! key. A database moved to another PC needs its keys moved too: the key
//! file (`crate::keys`).

use chrono::Utc;
use okusuri_secrets::SecretError;
use okusuri_store::encryption::{FileState, file_state, folder_id};
use okusuri_store::{Actor, DataDir, DatabaseKey, OpenOptions, Store, StoreError};

use crate::AppError;

/// How long opening waits for the OS key store.
const KEY_STORE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// What to do about keys that do not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Make the keys if there are none: encrypt the database, key the
    /// access log (the app).
    Create,
    /// Use the keys that exist; make none (the command line).
    IfKeyed,
    /// Make only the access log's key; a plain database stays plain
    /// (`okusuri audit key`).
    AuditKey,
}

/// Asks the key store, waiting at most [`KEY_STORE_WAIT`]: a keyring asking
/// for its password on a desktop nobody watches must not hold the start.
async fn ask<F>(question: F) -> Result<Option<Vec<u8>>, SecretError>
where
    F: FnOnce() -> Result<Option<Vec<u8>>, SecretError> + Send + 'static,
{
    let asked = tokio::task::spawn_blocking(question);
    match tokio::time::timeout(KEY_STORE_WAIT, asked).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => Err(SecretError::Unavailable(e.to_string())),
        Err(_) => Err(SecretError::Unavailable(
            "no answer from the key store".into(),
        )),
    }
}

/// The database's encryption key for opening `dir`, and whether the key
/// store answered at all.
async fn database_key(
    dir: &DataDir,
    key_use: KeyUse,
) -> Result<(Option<DatabaseKey>, bool), AppError> {
    let file = dir.database_file();
    let state = file_state(&file)?;
    let create = key_use == KeyUse::Create;
    let id = match (state, folder_id(dir)) {
        (FileState::Encrypted, Some(id)) => id,
        // An empty folder named by an imported key file: the database a
        // restore or the app brings in is encrypted with that key.
        (FileState::Missing, Some(id)) => id,
        // A plain database names itself; one without an ID keeps the name
        // an earlier, failed conversion gave it.
        (FileState::Plain, named) if create => {
            match okusuri_store::backup::database_id_of(&file).await {
                Some(id) => id,
                None => named.unwrap_or_else(okusuri_store::new_id),
            }
        }
        (FileState::Missing, None) if create => okusuri_store::new_id(),
        // Encrypted without an ID: nothing to look a key up by (the store
        // reports the file); plain or missing on the command line: as it is.
        _ => return Ok((None, true)),
    };
    let create = create && state != FileState::Encrypted;
    let lookup = id.clone();
    match ask(move || okusuri_secrets::database_key(&lookup, create)).await {
        Ok(Some(key)) => Ok((Some(DatabaseKey::new(&id, key)?), true)),
        Ok(None) if state == FileState::Missing => Ok((None, true)),
        Ok(None) => Err(StoreError::DatabaseKeyMissing(file).into()),
        Err(e) if state == FileState::Encrypted => {
            tracing::warn!("no OS key store for the encrypted database: {e}");
            Err(StoreError::DatabaseKeyMissing(file).into())
        }
        Err(e) => {
            tracing::warn!("no OS key store; the database stays unencrypted: {e}");
            Ok((None, false))
        }
    }
}

/// `options` with the keys for opening `dir` (see the module docs), and
/// whether the key store answered. The access log's key is looked up here
/// only for an encrypted database (the key store has just answered);
/// [`open_store`] finds it for a plain one once it sees the chain keyed.
pub async fn keys_for(
    dir: &DataDir,
    mut options: OpenOptions,
    key_use: KeyUse,
) -> Result<(OpenOptions, bool), AppError> {
    let (key, reachable) = database_key(dir, key_use).await?;
    if let (Some(key), None) = (&key, &options.audit_key) {
        let id = key.id.clone();
        match ask(move || okusuri_secrets::audit_key(&id, false)).await {
            Ok(found) => options.audit_key = found,
            Err(e) => tracing::warn!("the access log's key is not available: {e}"),
        }
    }
    options.database_key = key;
    Ok((options, reachable))
}

/// Opens the store in `dir` with its keys (see the module docs).
pub async fn open_store(
    dir: &DataDir,
    options: OpenOptions,
    key_use: KeyUse,
) -> Result<Store, AppError> {
    let (options, reachable) = keys_for(dir, options, key_use).await?;
    let had_audit_key = options.audit_key.is_some();
    let store = match Store::open_in(dir, options.clone()).await {
        // A plain database that could not be converted (a full disk, a
        // stale copy in the way) is used as it is; the next start tries again.
        Err(e @ StoreError::EncryptionFailed { .. }) => {
            tracing::error!("{e}");
            let plain = OpenOptions {
                database_key: None,
                ..options
            };
            Store::open_in(dir, plain).await?
        }
        other => other?,
    };
    match (key_use, reachable) {
        (_, false) => {
            tracing::warn!("no OS key store; the access log's key is not available");
            Ok(store)
        }
        (KeyUse::Create | KeyUse::AuditKey, true) => key_access_log(store, had_audit_key).await,
        (KeyUse::IfKeyed, true) if had_audit_key => Ok(store),
        (KeyUse::IfKeyed, true) => {
            if store.chain_marker().await?.is_none() {
                return Ok(store);
            }
            let id = store.database_id(Utc::now()).await?;
            match ask(move || okusuri_secrets::audit_key(&id, false)).await {
                Ok(Some(key)) => Ok(store.with_audit_key(key)),
                Ok(None) => {
                    tracing::warn!("the access log is keyed but this key store has no key for it");
                    Ok(store)
                }
                Err(e) => {
                    tracing::warn!("the access log's key is not available: {e}");
                    Ok(store)
                }
            }
        }
    }
}

/// Keys the access log's chain (once; the app at every start).
async fn key_access_log(store: Store, has_key: bool) -> Result<Store, AppError> {
    let now = Utc::now();
    let actor = Actor::system("監査ログ");
    if has_key {
        store.key_audit_chain(&actor, now).await?;
        return Ok(store);
    }
    // A keyed chain's key is never made again (a new key would break the
    // chain): it comes from this key store or from a key file.
    if store.chain_marker().await?.is_some() {
        tracing::warn!("the access log is keyed but this key store has no key for it");
        return Ok(store);
    }
    let id = store.database_id(now).await?;
    match ask(move || okusuri_secrets::audit_key(&id, true)).await {
        Ok(Some(key)) => {
            let store = store.with_audit_key(key);
            store.key_audit_chain(&actor, now).await?;
            Ok(store)
        }
        Ok(None) => Ok(store),
        Err(e) => {
            tracing::warn!("no OS key store; the access log's key is not available: {e}");
            Ok(store)
        }
    }
}
