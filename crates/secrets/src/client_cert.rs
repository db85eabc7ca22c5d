//! The clinic's client certificate (`.p12`, C1): read with its password to
//! check both and to show subject, issuer and expiry; then the file's bytes
//! and the password go to the OS key store, and nowhere else.

use okusuri_sign::{Cert, CertSummary};

use crate::SecretError;

/// The key-store name of the `.p12` bytes.
pub const P12_NAME: &str = "client-certificate.p12";
/// The key-store name of its password.
pub const PASSWORD_NAME: &str = "client-certificate.password";
/// Days before expiry from which the certificate is shown with a warning.
pub const WARN_DAYS: i64 = 30;

/// What the screens show about the client certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClientCert {
    /// Subject, issuer, validity.
    pub cert: CertSummary,
    /// Days left until it expires (negative: expired).
    pub days_left: i64,
    /// A warning when it expires within 30 days (or has).
    pub warning: Option<String>,
}

/// The certificate in a `.p12`, opened with `password` (refused with the reason).
pub fn read_p12(p12: &[u8], password: &str) -> Result<Cert, SecretError> {
    let store = p12_keystore::KeyStore::from_pkcs12(p12, password).map_err(|e| {
        SecretError::Certificate(format!(
            "クライアント証明書（.p12）を開けません。パスワードかファイルが違います（{e}）。"
        ))
    })?;
    let der = store
        .entries()
        .find_map(|(_, entry)| match entry {
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain) => {
                chain.chain().first().map(|c| c.as_der().to_vec())
            }
            p12_keystore::KeyStoreEntry::Certificate(c) => Some(c.as_der().to_vec()),
            _ => None,
        })
        .ok_or_else(|| {
            SecretError::Certificate("クライアント証明書（.p12）に証明書がありません。".into())
        })?;
    Cert::from_der(&der).map_err(|e| SecretError::Certificate(e.to_string()))
}

/// How the certificate is shown at `now`.
pub fn describe(cert: &Cert, now: chrono::DateTime<chrono::Utc>) -> ClientCert {
    let summary = cert.summary();
    let not_after = chrono::DateTime::parse_from_rfc3339(&summary.not_after)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or(now);
    let days_left = (not_after - now).num_days();
    let warning = if days_left < 0 {
        Some(format!(
            "クライアント証明書の有効期限が切れています（{}）。新しい証明書を取り込んでください。",
            summary.not_after
        ))
    } else if days_left <= WARN_DAYS {
        Some(format!(
            "クライアント証明書の有効期限まであと {days_left} 日です。更新の手続きをしてください。"
        ))
    } else {
        None
    };
    ClientCert {
        cert: summary,
        days_left,
        warning,
    }
}

/// Checks the `.p12` with its password, then keeps both in the OS key store.
pub fn import(
    p12: &[u8],
    password: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ClientCert, SecretError> {
    let cert = read_p12(p12, password)?;
    crate::put(P12_NAME, p12)?;
    crate::put(PASSWORD_NAME, password.as_bytes())?;
    Ok(describe(&cert, now))
}

/// The stored client certificate, read back from the OS key store.
pub fn show(now: chrono::DateTime<chrono::Utc>) -> Result<ClientCert, SecretError> {
    let p12 = crate::get(P12_NAME)?;
    let password = String::from_utf8(crate::get(PASSWORD_NAME)?)
        .map_err(|_| SecretError::Damaged(PASSWORD_NAME.into()))?;
    Ok(describe(&read_p12(&p12, &password)?, now))
}
