//! Verifying a signed 電子処方箋 document the way an independent verifier
//! (`xmlsec1 --verify --id-attr:id PrescriptionDocument --trusted-pem CA`)
//! does, plus the XAdES checks: every reference's exc-C14N SHA-256 digest,
//! the RSA-SHA256 signature over the canonical SignedInfo, the certificate's
//! chain to a trusted CA and its non-repudiation key usage, and the
//! SigningCertificateV2 (certificate digest and IssuerSerialV2).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use roxmltree::Node;
use sha2::{Digest, Sha256};

use crate::cert::{Cert, CertSummary};
use crate::xades::canonical_by_id;
use crate::{SignError, c14n, ns};

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verified {
    /// The signer's certificate.
    pub signer: CertSummary,
    /// `SigningTime`, as written.
    pub signing_time: String,
    /// The signed CSV (decoded from the verified `PrescriptionDocument`).
    #[serde(skip)]
    pub csv: Vec<u8>,
}

fn child<'a, 'i>(n: Node<'a, 'i>, uri: &str, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(uri)
    })
}

fn text(n: Option<Node<'_, '_>>) -> String {
    n.and_then(|n| n.text())
        .map(|t| t.split_whitespace().collect())
        .unwrap_or_default()
}

fn malformed(what: &str) -> SignError {
    SignError::Malformed(what.to_string())
}

/// Verifies `xml` (the signed `Document`) against the CAs in `trusted`, at `now`.
pub fn verify(xml: &[u8], trusted: &[Cert], now: DateTime<Utc>) -> Result<Verified, SignError> {
    let text_xml =
        std::str::from_utf8(xml).map_err(|_| malformed("署名付き文書が UTF-8 ではありません。"))?;
    let doc = roxmltree::Document::parse(text_xml)
        .map_err(|e| SignError::Malformed(format!("XML を読めません: {e}")))?;
    let root = doc.root_element();
    let prescription = root
        .children()
        .find(|c| c.tag_name().name() == "Prescription")
        .ok_or_else(|| malformed("Document/Prescription がありません。"))?;
    let mut signatures = prescription
        .children()
        .filter(|c| c.tag_name().name() == "PrescriptionSign")
        .flat_map(|s| {
            s.children().filter(|c| {
                c.tag_name().name() == "Signature" && c.tag_name().namespace() == Some(ns::DS)
            })
        });
    let signature = signatures.next().ok_or(SignError::Unsigned)?;
    if signatures.next().is_some() {
        return Err(malformed("署名が二つ以上あります。"));
    }
    // The signed prescription must be the one in Document/Prescription (no wrapping).
    let documents: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "PrescriptionDocument")
        .collect();
    if documents.len() != 1 || documents[0].parent() != Some(prescription) {
        return Err(malformed(
            "PrescriptionDocument は Document/Prescription に一つだけ置きます。",
        ));
    }
    let signed_info = child(signature, ns::DS, "SignedInfo")
        .ok_or_else(|| malformed("SignedInfo がありません。"))?;
    let alg = |n: Option<Node<'_, '_>>| {
        n.and_then(|n| n.attribute("Algorithm"))
            .unwrap_or_default()
            .to_string()
    };
    if alg(child(signed_info, ns::DS, "CanonicalizationMethod")) != ns::EXC_C14N {
        return Err(malformed("正規化方式が exc-c14n ではありません。"));
    }
    if alg(child(signed_info, ns::DS, "SignatureMethod")) != ns::RSA_SHA256 {
        return Err(malformed("署名方式が RSA-SHA256 ではありません。"));
    }
    let mut covered_document = false;
    let mut signed_properties_id = None;
    for reference in signed_info
        .children()
        .filter(|c| c.tag_name().name() == "Reference")
    {
        let uri = reference.attribute("URI").unwrap_or_default();
        let id = uri
            .strip_prefix('#')
            .ok_or_else(|| malformed("文書の外を参照する署名は受け付けません。"))?;
        if let Some(transforms) = child(reference, ns::DS, "Transforms") {
            for t in transforms.children().filter(|c| c.is_element()) {
                if t.attribute("Algorithm") != Some(ns::EXC_C14N) {
                    return Err(malformed("exc-c14n 以外の変換は受け付けません。"));
                }
            }
        }
        if alg(child(reference, ns::DS, "DigestMethod")) != ns::SHA256 {
            return Err(malformed("ダイジェスト方式が SHA-256 ではありません。"));
        }
        let want = text(child(reference, ns::DS, "DigestValue"));
        let got = STANDARD.encode(Sha256::digest(canonical_by_id(&doc, id)?));
        if want != got {
            return Err(SignError::Invalid(format!(
                "#{id} の内容が署名の後に変わっています（ダイジェストが一致しません）。"
            )));
        }
        if id == "PrescriptionDocument" {
            covered_document = true;
        }
        if reference.attribute("Type") == Some(ns::SIGNED_PROPERTIES_TYPE) {
            signed_properties_id = Some(id.to_string());
        }
    }
    if !covered_document {
        return Err(malformed(
            "署名が処方箋（#PrescriptionDocument）を対象にしていません。",
        ));
    }
    let cert_b64 = text(
        child(signature, ns::DS, "KeyInfo")
            .and_then(|k| child(k, ns::DS, "X509Data"))
            .and_then(|d| child(d, ns::DS, "X509Certificate")),
    );
    let cert_der = STANDARD
        .decode(cert_b64)
        .map_err(|_| malformed("署名者の証明書を読めません。"))?;
    let cert = Cert::from_der(&cert_der)?;
    let value = STANDARD
        .decode(text(child(signature, ns::DS, "SignatureValue")))
        .map_err(|_| malformed("SignatureValue を読めません。"))?;
    if !cert.verifies(&c14n::exclusive(signed_info), &value)? {
        return Err(SignError::Invalid(
            "署名値が正しくありません（SignedInfo が変わっているか、別の鍵の署名です）。".into(),
        ));
    }
    if !trusted.iter().any(|ca| cert.issued_by(ca, now).is_ok()) {
        let reason = trusted
            .first()
            .map(|ca| cert.issued_by(ca, now))
            .and_then(Result::err);
        return Err(reason.unwrap_or_else(|| {
            SignError::Untrusted("信頼する認証局が設定されていません。".into())
        }));
    }
    if !cert.summary().non_repudiation {
        return Err(SignError::Certificate(
            "署名者の証明書が電子署名用（nonRepudiation）ではありません。".into(),
        ));
    }
    // XAdES: the signed properties name this certificate.
    let props_id = signed_properties_id
        .ok_or_else(|| malformed("XAdES の SignedProperties が署名されていません。"))?;
    let props = doc
        .descendants()
        .find(|n| n.attribute("Id") == Some(props_id.as_str()))
        .ok_or_else(|| malformed("SignedProperties がありません。"))?;
    let find = |name: &str| {
        props
            .descendants()
            .find(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(ns::XADES))
    };
    let cert_digest = text(find("CertDigest").and_then(|d| child(d, ns::DS, "DigestValue")));
    if cert_digest != STANDARD.encode(cert.sha256()) {
        return Err(SignError::Invalid(
            "SigningCertificateV2 の証明書ダイジェストが署名者の証明書と一致しません。".into(),
        ));
    }
    if let Some(is) = find("IssuerSerialV2")
        && text(Some(is)) != STANDARD.encode(cert.issuer_serial_v2()?)
    {
        return Err(SignError::Invalid(
            "IssuerSerialV2 が署名者の証明書と一致しません。".into(),
        ));
    }
    let csv = STANDARD
        .decode(text(Some(documents[0])))
        .map_err(|_| malformed("PrescriptionDocument が Base64 ではありません。"))?;
    Ok(Verified {
        signer: cert.summary(),
        signing_time: text(find("SigningTime")),
        csv,
    })
}
