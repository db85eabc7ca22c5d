//! The 電子処方箋 document: `Document/Prescription` XML holding the CSV as
//! Base64 in `PrescriptionDocument`, optionally signed in `PrescriptionSign`,
//! and itself sent as Base64 in a registration's `PrescriptionInfo`.
//!
//! The XML is written once as text and never re-serialised: a signature made
//! over it stays valid byte for byte.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::EpsError;
use crate::message::parse_xml;

/// The `Version` value of the documents we write.
pub const DOCUMENT_VERSION: &str = "EPS1.0";

/// The document around `csv`: unsigned (duplicate check, paper registration)
/// when `signature` is `None`; otherwise `signature` — the whole
/// `<PrescriptionSign>…</PrescriptionSign>` element, as the signer wrote it —
/// is placed after `PrescriptionDocument`, byte for byte.
pub fn document_xml(csv: &[u8], signature: Option<&str>) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\"Document\" xsi:noNamespaceSchemaLocation=\"EP.xsd\"><Prescription><PrescriptionManagement id=\"PrescriptionManagement\"><Version Value=\"{DOCUMENT_VERSION}\"/></PrescriptionManagement><PrescriptionDocument id=\"PrescriptionDocument\">{}</PrescriptionDocument>{}</Prescription></Document>",
        STANDARD.encode(csv),
        signature.unwrap_or_default()
    )
}

/// The registration's `PrescriptionInfo`: Base64 of the whole document.
pub fn prescription_info(document: &str) -> String {
    STANDARD.encode(document.as_bytes())
}

/// A document read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The CSV bytes (the first Base64 layer decoded).
    pub csv: Vec<u8>,
    /// The `Version` value.
    pub version: String,
    /// The `<PrescriptionSign>…</PrescriptionSign>` text, exactly as in the
    /// file, when the document is signed.
    pub signature: Option<String>,
}

/// Reads a document: either the XML itself or its Base64 (as found in a
/// request's `PrescriptionInfo`).
pub fn parse_document(bytes: &[u8]) -> Result<Document, EpsError> {
    let trimmed = bytes.trim_ascii();
    let decoded;
    let xml: &[u8] = if trimmed.starts_with(b"<") || trimmed.starts_with(b"\xEF\xBB\xBF") {
        trimmed
    } else {
        decoded = decode_base64(trimmed, "PrescriptionInfo")?;
        &decoded
    };
    let root = parse_xml(xml)?;
    if root.name != "Document" {
        return Err(EpsError::Malformed(format!(
            "最上位の要素が Document ではありません（{}）",
            root.name
        )));
    }
    let doc = root
        .find("PrescriptionDocument")
        .ok_or_else(|| EpsError::Malformed("PrescriptionDocument がありません".into()))?;
    let csv = decode_base64(doc.text.as_bytes(), "PrescriptionDocument")?;
    let text = String::from_utf8_lossy(xml);
    let signature = text.find("<PrescriptionSign").and_then(|start| {
        let end_tag = "</PrescriptionSign>";
        text[start..]
            .find(end_tag)
            .map(|len| text[start..start + len + end_tag.len()].to_string())
    });
    let version = version_of(&text).unwrap_or_default();
    Ok(Document {
        csv,
        version,
        signature,
    })
}

fn version_of(text: &str) -> Option<String> {
    let at = text.find("<Version")?;
    let rest = &text[at..];
    let v = rest.find("Value=\"")? + "Value=\"".len();
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_string())
}

fn decode_base64(text: &[u8], what: &str) -> Result<Vec<u8>, EpsError> {
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    STANDARD
        .decode(clean)
        .map_err(|_| EpsError::Malformed(format!("{what} が Base64 ではありません")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_base64_layers_round_trip() {
        let csv = "SJ1\n1,1,1234567,13,テスト診療所\n".as_bytes();
        let xml = document_xml(csv, None);
        let info = prescription_info(&xml);
        let doc = parse_document(info.as_bytes()).expect("document");
        assert_eq!(doc.csv, csv);
        assert_eq!(doc.version, "EPS1.0");
        assert_eq!(doc.signature, None);
        assert_eq!(parse_document(xml.as_bytes()).expect("xml"), doc);
    }

    #[test]
    fn a_signature_is_placed_and_read_back_byte_for_byte() {
        let sign = "<PrescriptionSign><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"PrescriptionSign\"/></PrescriptionSign>";
        let xml = document_xml(b"SJ1\n", Some(sign));
        assert!(xml.contains(&format!("</PrescriptionDocument>{sign}</Prescription>")));
        assert_eq!(
            parse_document(xml.as_bytes())
                .expect("xml")
                .signature
                .as_deref(),
            Some(sign)
        );
    }

    #[test]
    fn the_golden_signed_vector_reads() {
        let xml = include_bytes!("../../tests/fixtures/xades-signed.xml");
        let doc = parse_document(xml).expect("vector");
        assert!(doc.csv.starts_with(b"SJ1\n1,1,1234567,13,"));
        assert!(
            doc.signature
                .as_deref()
                .is_some_and(|s| s.contains("Id=\"PrescriptionSign\""))
        );
    }

    #[test]
    fn broken_documents_are_refused_with_the_reason() {
        let err = parse_document(b"<Document><Prescription><PrescriptionDocument>@@@</PrescriptionDocument></Prescription></Document>").expect_err("bad base64");
        assert!(err.to_string().contains("Base64"), "{err}");
        let err = parse_document(b"<XmlMsg/>").expect_err("not a document");
        assert!(err.to_string().contains("Document"), "{err}");
    }
}
