//! Pinning the server's certificate on first use, like SSH: the PC reads the
//! certificate the server presents (PostgreSQL's `SSLRequest`, then a TLS
//! handshake that records it), an administrator compares its SHA-256
//! fingerprint with the one the server's set-up printed, and from then on that
//! certificate is the only one trusted.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use super::ServerError;

/// PostgreSQL's request to switch to TLS (length 8, code 80877103).
pub(crate) const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// How long reading the certificate may take.
const WAIT: Duration = Duration::from_secs(5);

/// A server certificate (DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
}

impl Certificate {
    /// SHA-256 of the certificate, as colon-separated upper-case hex (what
    /// `openssl x509 -fingerprint -sha256` prints).
    pub fn fingerprint(&self) -> String {
        Sha256::digest(&self.der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// The certificate as PEM text (kept in the settings: not a secret).
    pub fn to_pem(&self) -> String {
        let body = base64::engine::general_purpose::STANDARD.encode(&self.der);
        let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
        pem
    }

    /// Reads PEM text back (the first certificate in it).
    pub fn from_pem(text: &str) -> Option<Certificate> {
        let start = text.find("-----BEGIN CERTIFICATE-----")? + "-----BEGIN CERTIFICATE-----".len();
        let end = text[start..].find("-----END CERTIFICATE-----")? + start;
        let body: String = text[start..end].split_whitespace().collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?;
        Some(Certificate { der })
    }
}

/// Reads the certificate the server at `host:port` presents, trusting
/// nothing: the caller shows its fingerprint for an administrator to confirm.
/// The server still has to prove it holds the certificate's key (the
/// handshake's signature is checked).
pub async fn fetch(host: &str, port: u16) -> Result<Certificate, ServerError> {
    let label = format!("{host}:{port}");
    let host = host.to_string();
    let read = tokio::task::spawn_blocking(move || fetch_blocking(&host, port));
    match tokio::time::timeout(WAIT * 2, read).await {
        Ok(Ok(result)) => result.map_err(|reason| match reason {
            Fetch::NoTls => ServerError::NoTls(label),
            Fetch::Failed(reason) => ServerError::Unreachable(label, reason),
        }),
        Ok(Err(e)) => Err(ServerError::Failed(e.to_string())),
        Err(_) => Err(ServerError::Unreachable(label, "timed out".into())),
    }
}

enum Fetch {
    NoTls,
    Failed(String),
}

fn fetch_blocking(host: &str, port: u16) -> Result<Certificate, Fetch> {
    let failed = |e: &dyn std::fmt::Display| Fetch::Failed(e.to_string());
    let address = (host, port)
        .to_socket_addrs()
        .map_err(|e| failed(&e))?
        .next()
        .ok_or_else(|| Fetch::Failed("no address".into()))?;
    let mut tcp = TcpStream::connect_timeout(&address, WAIT).map_err(|e| failed(&e))?;
    tcp.set_read_timeout(Some(WAIT)).map_err(|e| failed(&e))?;
    tcp.set_write_timeout(Some(WAIT)).map_err(|e| failed(&e))?;
    tcp.write_all(&SSL_REQUEST).map_err(|e| failed(&e))?;
    let mut answer = [0u8; 1];
    tcp.read_exact(&mut answer).map_err(|e| failed(&e))?;
    if answer[0] != b'S' {
        return Err(Fetch::NoTls);
    }
    let recorder = Arc::new(Verifier::new(None));
    let config = client_config(recorder.clone()).map_err(|e| failed(&e))?;
    let name = ServerName::try_from(host.to_string()).map_err(|e| failed(&e))?;
    let mut tls = rustls::ClientConnection::new(config, name).map_err(|e| failed(&e))?;
    while tls.is_handshaking() {
        tls.complete_io(&mut tcp).map_err(|e| failed(&e))?;
    }
    let der = recorder
        .seen
        .lock()
        .map_err(|e| failed(&e))?
        .take()
        .ok_or_else(|| Fetch::Failed("no certificate presented".into()))?;
    Ok(Certificate { der })
}

/// The TLS settings for talking to the server with `verifier`.
fn client_config(verifier: Arc<Verifier>) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth(),
    ))
}

/// The TLS settings that trust `pinned` and nothing else (no public roots,
/// no name check: the certificate itself is the identity).
pub(crate) fn pinned_config(
    pinned: &Certificate,
) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    client_config(Arc::new(Verifier::new(Some(pinned.der.clone()))))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    // The ring provider, as sqlx's `tls-rustls-ring` uses (rustls deprecates
    // it for lacking post-quantum key exchange, which needs aws-lc's C build).
    #[allow(deprecated)]
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Checks the server's certificate by being exactly the pinned one (or, with
/// nothing pinned, records it for an administrator to judge by its
/// fingerprint); either way the handshake's signatures must verify with it,
/// so the server proves it holds the certificate's key.
#[derive(Debug)]
struct Verifier {
    expected: Option<Vec<u8>>,
    seen: Mutex<Option<Vec<u8>>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl Verifier {
    fn new(expected: Option<Vec<u8>>) -> Verifier {
        Verifier {
            expected,
            seen: Mutex::new(None),
            algorithms: provider().signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.expected {
            Some(pinned) if pinned.as_slice() != end_entity.as_ref() => {
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::ApplicationVerificationFailure,
                ))
            }
            Some(_) => Ok(ServerCertVerified::assertion()),
            None => {
                let mut seen = self
                    .seen
                    .lock()
                    .map_err(|_| rustls::Error::General("certificate recorder".into()))?;
                *seen = Some(end_entity.as_ref().to_vec());
                Ok(ServerCertVerified::assertion())
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::Certificate;

    #[test]
    fn pem_round_trips_and_the_fingerprint_is_openssls_format() {
        let cert = Certificate {
            der: (0u8..=200).collect(),
        };
        let pem = cert.to_pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(Certificate::from_pem(&pem), Some(cert.clone()));
        let fp = cert.fingerprint();
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert!(
            fp.chars()
                .all(|c| c == ':' || c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_eq!(Certificate::from_pem("no certificate"), None);
    }
}
