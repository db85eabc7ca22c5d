//! Opening the data folder with the access log's key (issue 16 §7): the
//! app makes a key for each database in the OS key store and keys the chain;
//! the command line uses the key when the chain is keyed. Without a key
//! store (a Linux PC without Secret Service) an unkeyed chain stays as it is
//! — said in the log — and a keyed one can be read but not written. A
//! database moved to another PC needs its key moved too:
//! `okusuri audit key --export FILE` on the old PC, `--import FILE` on the new.

use chrono::Utc;
use okusuri_store::{Actor, DataDir, OpenOptions, Store};

use crate::AppError;

/// How long opening waits for the OS key store.
const KEY_STORE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// What to do about the access log's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKeyUse {
    /// Make the key if there is none and key the chain (the app).
    Create,
    /// Use the key only if the chain is keyed (the command line).
    IfKeyed,
}

/// Opens the store in `dir` with the access log's key (see the module docs).
pub async fn open_store(
    dir: &DataDir,
    options: OpenOptions,
    key_use: AuditKeyUse,
) -> Result<Store, AppError> {
    let store = Store::open_in(dir, options).await?;
    let keyed = store.chain_marker().await?.is_some();
    if key_use == AuditKeyUse::IfKeyed && !keyed {
        return Ok(store);
    }
    let now = Utc::now();
    let id = store.database_id(now).await?;
    // A keyed chain's key is never made again (a new key would break the
    // chain): it comes from this key store or from an exported key file.
    let create = key_use == AuditKeyUse::Create && !keyed;
    // A key store that waits for someone (a keyring asking for its password
    // on a desktop nobody watches) must not hold the app's start.
    let asked = tokio::task::spawn_blocking(move || okusuri_secrets::audit_key(&id, create));
    let answer = match tokio::time::timeout(KEY_STORE_WAIT, asked).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => Err(okusuri_secrets::SecretError::Unavailable(e.to_string())),
        Err(_) => Err(okusuri_secrets::SecretError::Unavailable(
            "no answer from the key store".into(),
        )),
    };
    match answer {
        Ok(Some(key)) => {
            let store = store.with_audit_key(key);
            if key_use == AuditKeyUse::Create {
                store
                    .key_audit_chain(&Actor::system("監査ログ"), now)
                    .await?;
            }
            Ok(store)
        }
        Ok(None) => {
            tracing::warn!("the access log is keyed but this key store has no key for it");
            Ok(store)
        }
        Err(e) => {
            tracing::warn!("no OS key store; the access log's key is not available: {e}");
            Ok(store)
        }
    }
}
