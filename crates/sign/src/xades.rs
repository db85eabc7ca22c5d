//! Making the XAdES-BES signature of a prescription document: exc-C14N,
//! RSA-SHA256, three SHA-256 references (`#PrescriptionDocument`, the
//! `SignedProperties`, the `KeyInfo`), enveloped in `<PrescriptionSign>`.
//!
//! The document is written as text, once: digests are computed over the
//! canonical form of the parsed text, and the signed text is never
//! re-serialised (re-indenting it would break the signature).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, FixedOffset, Utc};
use okusuri_eps::prescription::document_xml;
use sha2::{Digest, Sha256};

use crate::cert::Cert;
use crate::{SignError, c14n, ns};

/// The DER prefix of a DigestInfo for SHA-256 (what an HPKI card's
/// `CKM_RSA_PKCS` signs: prefix + the 32-byte digest).
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The DER DigestInfo of SHA-256(`data`).
pub fn digest_info(data: &[u8]) -> Vec<u8> {
    let mut out = SHA256_DIGEST_INFO_PREFIX.to_vec();
    out.extend_from_slice(&Sha256::digest(data));
    out
}

/// Whatever holds the private key: signs a DER DigestInfo with RSA PKCS#1
/// v1.5 (`CKM_RSA_PKCS`) and returns the signature.
pub trait RawSigner {
    /// Signs `digest_info`.
    fn sign_digest_info(&self, digest_info: &[u8]) -> Result<Vec<u8>, SignError>;
}

struct Parts<'a> {
    id: &'a str,
    digests: [String; 3],
    signature_value: String,
    cert_b64: String,
    signing_time: String,
    cert_digest: String,
    issuer_serial: String,
}

fn signature_xml(p: &Parts<'_>) -> String {
    let (ds, xades, c14n_alg) = (ns::DS, ns::XADES, ns::EXC_C14N);
    let reference = |attrs: &str, digest: &str| {
        format!(
            "<ds:Reference {attrs}><ds:Transforms><ds:Transform Algorithm=\"{c14n_alg}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference>",
            ns::SHA256
        )
    };
    let id = p.id;
    format!(
        "<PrescriptionSign><ds:Signature xmlns:ds=\"{ds}\" Id=\"PrescriptionSign\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{c14n_alg}\"/><ds:SignatureMethod Algorithm=\"{}\"/>{}{}{}</ds:SignedInfo><ds:SignatureValue Id=\"value-id-{id}\">{}</ds:SignatureValue><ds:KeyInfo Id=\"keyInfo-id-{id}\"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo><ds:Object><xades:QualifyingProperties xmlns:xades=\"{xades}\" Target=\"#PrescriptionSign\"><xades:SignedProperties Id=\"xades-id-{id}\"><xades:SignedSignatureProperties><xades:SigningTime>{}</xades:SigningTime><xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{}</ds:DigestValue></xades:CertDigest><xades:IssuerSerialV2>{}</xades:IssuerSerialV2></xades:Cert></xades:SigningCertificateV2></xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature></PrescriptionSign>",
        ns::RSA_SHA256,
        reference(
            "Id=\"id-ref-PrescriptionDocument\" URI=\"#PrescriptionDocument\"",
            &p.digests[0]
        ),
        reference(
            &format!(
                "Type=\"{}\" URI=\"#xades-id-{id}\"",
                ns::SIGNED_PROPERTIES_TYPE
            ),
            &p.digests[1]
        ),
        reference(&format!("URI=\"#keyInfo-id-{id}\""), &p.digests[2]),
        p.signature_value,
        p.cert_b64,
        p.signing_time,
        ns::SHA256,
        p.cert_digest,
        p.issuer_serial,
    )
}

/// The canonical bytes of the element whose `Id` (or `id`) is `id` in `xml`.
pub(crate) fn canonical_by_id(
    doc: &roxmltree::Document<'_>,
    id: &str,
) -> Result<Vec<u8>, SignError> {
    let mut found = doc.descendants().filter(|n| {
        n.is_element() && (n.attribute("Id") == Some(id) || n.attribute("id") == Some(id))
    });
    let first = found
        .next()
        .ok_or_else(|| SignError::Malformed(format!("参照先 #{id} がありません。")))?;
    if found.next().is_some() {
        return Err(SignError::Malformed(format!(
            "参照先 #{id} が二つ以上あります。"
        )));
    }
    Ok(c14n::exclusive(first))
}

fn parse(xml: &str) -> Result<roxmltree::Document<'_>, SignError> {
    roxmltree::Document::parse(xml)
        .map_err(|e| SignError::Malformed(format!("XML を読めません: {e}")))
}

fn b64_sha256(data: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(data))
}

/// The 電子処方箋 document holding `csv`, signed by `signer` with `cert`
/// at `now` (SigningTime in JST). `cert` must be a valid non-repudiation
/// certificate; the signature is checked against it before it is returned.
pub fn sign_csv(
    csv: &[u8],
    cert: &Cert,
    signer: &dyn RawSigner,
    now: DateTime<Utc>,
) -> Result<String, SignError> {
    cert.check_for_signing(now)?;
    let id: String = Sha256::digest([csv, now.to_rfc3339().as_bytes(), cert.der()].concat())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let jst = FixedOffset::east_opt(9 * 3600).ok_or_else(|| SignError::Malformed("JST".into()))?;
    let mut parts = Parts {
        id: &id,
        digests: Default::default(),
        signature_value: String::new(),
        cert_b64: STANDARD.encode(cert.der()),
        signing_time: now
            .with_timezone(&jst)
            .format("%Y-%m-%dT%H:%M:%S+09:00")
            .to_string(),
        cert_digest: STANDARD.encode(cert.sha256()),
        issuer_serial: STANDARD.encode(cert.issuer_serial_v2()?),
    };
    // 1. The three referenced parts do not depend on SignedInfo: digest them.
    let draft = document_xml(csv, Some(&signature_xml(&parts)));
    {
        let doc = parse(&draft)?;
        parts.digests = [
            b64_sha256(&canonical_by_id(&doc, "PrescriptionDocument")?),
            b64_sha256(&canonical_by_id(&doc, &format!("xades-id-{id}"))?),
            b64_sha256(&canonical_by_id(&doc, &format!("keyInfo-id-{id}"))?),
        ];
    }
    // 2. Sign the canonical SignedInfo.
    let with_digests = document_xml(csv, Some(&signature_xml(&parts)));
    let signed_info = {
        let doc = parse(&with_digests)?;
        let node = doc
            .descendants()
            .find(|n| {
                n.tag_name().name() == "SignedInfo" && n.tag_name().namespace() == Some(ns::DS)
            })
            .ok_or_else(|| SignError::Malformed("SignedInfo がありません。".into()))?;
        c14n::exclusive(node)
    };
    let value = signer.sign_digest_info(&digest_info(&signed_info))?;
    if !cert.verifies(&signed_info, &value)? {
        return Err(SignError::Token(
            "署名した鍵が証明書の鍵と一致しません（カードの鍵と証明書の組み合わせを確認してください）。".into(),
        ));
    }
    parts.signature_value = STANDARD.encode(&value);
    // 3. The document, written once.
    Ok(document_xml(csv, Some(&signature_xml(&parts))))
}
