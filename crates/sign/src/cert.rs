//! The signer's X.509 certificate: what the doctor is shown (subject,
//! issuer, validity), the checks before signing (non-repudiation key usage,
//! validity), the chain to a trusted CA, and the `IssuerSerialV2` of XAdES
//! (RFC 5035 `IssuerSerial`: `SEQUENCE { GeneralNames { [4] Name }, serial }`).

use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

use crate::SignError;

/// sha256WithRSAEncryption.
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
/// id-ce-keyUsage.
const KEY_USAGE: &str = "2.5.29.15";

/// A certificate, parsed, with its DER.
#[derive(Debug, Clone)]
pub struct Cert {
    der: Vec<u8>,
    cert: Certificate,
}

/// What a certificate says, for the screens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertSummary {
    /// Subject (RFC 4514).
    pub subject: String,
    /// Issuer (RFC 4514).
    pub issuer: String,
    /// Valid from (UTC RFC 3339).
    pub not_before: String,
    /// Valid until (UTC RFC 3339).
    pub not_after: String,
    /// Whether its key usage includes non-repudiation (電子署名用).
    pub non_repudiation: bool,
}

fn time(t: &x509_cert::time::Time) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    DateTime::from_timestamp(d.as_secs() as i64, 0).unwrap_or_default()
}

impl Cert {
    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Cert, SignError> {
        let cert = Certificate::from_der(der)
            .map_err(|e| SignError::Certificate(format!("証明書を読めません: {e}")))?;
        Ok(Cert {
            der: der.to_vec(),
            cert,
        })
    }

    /// Parses the first certificate of a PEM text.
    pub fn from_pem(pem: &str) -> Result<Cert, SignError> {
        let body: String = pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        use base64::Engine;
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.trim())
            .map_err(|_| SignError::Certificate("PEM の証明書を読めません。".into()))?;
        Cert::from_der(&der)
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the DER (XAdES `CertDigest`).
    pub fn sha256(&self) -> Vec<u8> {
        Sha256::digest(&self.der).to_vec()
    }

    /// Subject, issuer, validity, key usage.
    pub fn summary(&self) -> CertSummary {
        let tbs = &self.cert.tbs_certificate;
        CertSummary {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            not_before: time(&tbs.validity.not_before).to_rfc3339(),
            not_after: time(&tbs.validity.not_after).to_rfc3339(),
            non_repudiation: self.non_repudiation(),
        }
    }

    fn non_repudiation(&self) -> bool {
        self.cert
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id.to_string() == KEY_USAGE)
            .filter_map(|e| KeyUsage::from_der(e.extn_value.as_bytes()).ok())
            .any(|ku| ku.0.contains(KeyUsages::NonRepudiation))
    }

    /// Refuses a certificate that may not sign a prescription at `now`: no
    /// non-repudiation key usage (an authentication certificate), not yet or
    /// no longer valid.
    pub fn check_for_signing(&self, now: DateTime<Utc>) -> Result<(), SignError> {
        let s = self.summary();
        if !s.non_repudiation {
            return Err(SignError::Certificate(format!(
                "この証明書（{}）は電子署名用（否認防止 nonRepudiation）ではありません。HPKI カードの署名用証明書を選んでください（認証用は使えません）。",
                s.subject
            )));
        }
        let tbs = &self.cert.tbs_certificate;
        if now < time(&tbs.validity.not_before) {
            return Err(SignError::Certificate(format!(
                "証明書の有効期間が始まっていません（{} から）。",
                s.not_before
            )));
        }
        if now > time(&tbs.validity.not_after) {
            return Err(SignError::Certificate(format!(
                "証明書の有効期限が切れています（{} まで）。",
                s.not_after
            )));
        }
        Ok(())
    }

    /// The RSA public key.
    pub fn public_key(&self) -> Result<RsaPublicKey, SignError> {
        let spki = self
            .cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| SignError::Certificate(e.to_string()))?;
        RsaPublicKey::from_public_key_der(&spki)
            .map_err(|_| SignError::Certificate("証明書の公開鍵が RSA ではありません。".into()))
    }

    /// Whether `data` was signed (RSA PKCS#1 v1.5, SHA-256) by this certificate's key.
    pub fn verifies(&self, data: &[u8], signature: &[u8]) -> Result<bool, SignError> {
        let key = VerifyingKey::<Sha256>::new(self.public_key()?);
        let Ok(sig) = Signature::try_from(signature) else {
            return Ok(false);
        };
        Ok(key.verify(data, &sig).is_ok())
    }

    /// Whether `ca` issued this certificate (its signature, sha256WithRSAEncryption)
    /// and both are valid at `now`.
    pub fn issued_by(&self, ca: &Cert, now: DateTime<Utc>) -> Result<(), SignError> {
        let refuse = |why: &str| Err(SignError::Untrusted(why.to_string()));
        if self.cert.signature_algorithm.oid.to_string() != SHA256_WITH_RSA {
            return refuse("証明書の署名方式が sha256WithRSAEncryption ではありません。");
        }
        if self.cert.tbs_certificate.issuer != ca.cert.tbs_certificate.subject {
            return refuse("信頼する認証局が発行した証明書ではありません（発行者が違います）。");
        }
        let tbs = self
            .cert
            .tbs_certificate
            .to_der()
            .map_err(|e| SignError::Certificate(e.to_string()))?;
        let Some(sig) = self.cert.signature.as_bytes() else {
            return refuse("証明書の署名を読めません。");
        };
        if !ca.verifies(&tbs, sig)? {
            return refuse("証明書の認証局の署名が正しくありません。");
        }
        for c in [self, ca] {
            let v = &c.cert.tbs_certificate.validity;
            if now < time(&v.not_before) || now > time(&v.not_after) {
                return refuse(&format!(
                    "証明書（{}）が有効期間外です。",
                    c.summary().subject
                ));
            }
        }
        Ok(())
    }

    /// XAdES `IssuerSerialV2`: the DER of RFC 5035 `IssuerSerial`
    /// `SEQUENCE { SEQUENCE { [4] Name }, INTEGER serial }`.
    pub fn issuer_serial_v2(&self) -> Result<Vec<u8>, SignError> {
        let tbs = &self.cert.tbs_certificate;
        let name = tbs
            .issuer
            .to_der()
            .map_err(|e| SignError::Certificate(e.to_string()))?;
        let serial = tbs
            .serial_number
            .to_der()
            .map_err(|e| SignError::Certificate(e.to_string()))?;
        let general_names = tlv(0x30, &tlv(0xA4, &name));
        Ok(tlv(0x30, &[general_names, serial].concat()))
    }
}

/// One DER TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}
