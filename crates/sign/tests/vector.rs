//! Our exclusive C14N against libxml2's (`xmllint --exc-c14n`) on every
//! element of every fixture, and our verifier against the golden signed
//! vector (made with standard tools) and its tampered twin — with `xmlsec1`
//! as the independent verifier of both.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use okusuri_sign::{Cert, SignError, c14n, verify};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(FIXTURES).join(name)
}

/// The element's source text with every namespace in scope declared on it,
/// canonicalised as a document by libxml2.
fn xmllint_exc_c14n(node: roxmltree::Node<'_, '_>, dir: &Path) -> Vec<u8> {
    let source = node.document().input_text();
    let text = &source[node.range()];
    let name_end = text
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap();
    let mut decls = String::new();
    for ns in node.namespaces() {
        if ns.name() == Some("xml") {
            continue;
        }
        // Declarations already on the element stay as they are.
        let attr = match ns.name() {
            Some(p) => format!("xmlns:{p}="),
            None => "xmlns=".to_string(),
        };
        if !text[..text.find('>').unwrap()].contains(&attr) {
            decls.push_str(&format!(" {attr}\"{}\"", ns.uri()));
        }
    }
    let mut standalone = format!("{}{decls}{}", &text[..name_end], &text[name_end..]);
    // xmllint's --exc-c14n keeps comments; the signature's transform does not.
    while let Some(start) = standalone.find("<!--") {
        let end = standalone[start..].find("-->").unwrap() + start + 3;
        standalone.replace_range(start..end, "");
    }
    let file = dir.join("element.xml");
    std::fs::write(&file, standalone).unwrap();
    let out = Command::new("xmllint")
        .arg("--exc-c14n")
        .arg(&file)
        .output()
        .expect("xmllint (libxml2-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn our_exclusive_c14n_matches_libxml2_on_every_element_of_every_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for name in ["signed.xml", "signed-tampered-csv.xml", "namespaces.xml"] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        for node in doc.descendants().filter(|n| n.is_element()) {
            let ours = c14n::exclusive(node);
            let theirs = xmllint_exc_c14n(node, tmp.path());
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "{name}: <{}>",
                node.tag_name().name()
            );
            compared += 1;
        }
    }
    assert!(compared > 60, "{compared}");
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap()
}

fn ca() -> Cert {
    Cert::from_pem(&std::fs::read_to_string(fixture("test-ca.pem")).unwrap()).unwrap()
}

#[test]
fn the_golden_vector_verifies_and_its_tampered_twin_does_not() {
    let ok = verify(
        &std::fs::read(fixture("signed.xml")).unwrap(),
        &[ca()],
        now(),
    )
    .unwrap();
    assert!(
        ok.signer.subject.contains("TEST DOCTOR"),
        "{}",
        ok.signer.subject
    );
    assert!(ok.signer.non_repudiation);
    assert_eq!(ok.signing_time, "2026-12-04T12:41:22+09:00");
    assert_eq!(
        ok.csv,
        std::fs::read(fixture("prescription-toy.csv")).unwrap()
    );
    let e = verify(
        &std::fs::read(fixture("signed-tampered-csv.xml")).unwrap(),
        &[ca()],
        now(),
    )
    .unwrap_err();
    assert!(matches!(e, SignError::Invalid(_)), "{e}");
    assert!(
        e.to_string()
            .contains("#PrescriptionDocument の内容が署名の後に変わっています"),
        "{e}"
    );
}

#[test]
fn xmlsec1_agrees_on_the_vector_and_its_twin() {
    let run = |name: &str| {
        Command::new("xmlsec1")
            .args([
                "--verify",
                "--id-attr:id",
                "PrescriptionDocument",
                "--trusted-pem",
            ])
            .arg(fixture("test-ca.pem"))
            .arg(fixture(name))
            .output()
            .expect("xmlsec1 is installed")
            .status
            .success()
    };
    assert!(run("signed.xml"));
    assert!(!run("signed-tampered-csv.xml"));
}

#[test]
fn an_untrusted_ca_a_re_indented_file_and_an_unsigned_document_are_refused() {
    let signed = std::fs::read_to_string(fixture("signed.xml")).unwrap();
    // The end-entity certificate is no CA of its own signature.
    let ee = Cert::from_pem(&std::fs::read_to_string(fixture("test-ee.pem")).unwrap()).unwrap();
    let e = verify(signed.as_bytes(), &[ee], now()).unwrap_err();
    assert!(matches!(e, SignError::Untrusted(_)), "{e}");
    // Re-indented (as an editor would): the signature breaks.
    let indented = signed.replace("<ds:SignedInfo>", "<ds:SignedInfo>\n  ");
    assert!(matches!(
        verify(indented.as_bytes(), &[ca()], now()).unwrap_err(),
        SignError::Invalid(_)
    ));
    let unsigned = okusuri_eps::prescription::document_xml(b"SJ1\n", None);
    assert_eq!(
        verify(unsigned.as_bytes(), &[ca()], now()).unwrap_err(),
        SignError::Unsigned
    );
    // After the certificates expire.
    let later = Utc.with_ymd_and_hms(2050, 1, 1, 0, 0, 0).unwrap();
    let e = verify(signed.as_bytes(), &[ca()], later).unwrap_err();
    assert!(e.to_string().contains("有効期間外"), "{e}");
}

#[test]
fn a_certificate_is_refused_for_signing_when_expired_or_not_yet_valid() {
    let ee = Cert::from_pem(&std::fs::read_to_string(fixture("test-ee.pem")).unwrap()).unwrap();
    assert!(ee.check_for_signing(now()).is_ok());
    let later = Utc.with_ymd_and_hms(2050, 1, 1, 0, 0, 0).unwrap();
    let e = ee.check_for_signing(later).unwrap_err().to_string();
    assert!(
        e.starts_with("証明書の有効期限が切れています（2046-"),
        "{e}"
    );
    let before = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let e = ee.check_for_signing(before).unwrap_err().to_string();
    assert!(e.contains("有効期間が始まっていません"), "{e}");
    // The CA certificate has no non-repudiation usage: not a signing certificate.
    let e = ca().check_for_signing(now()).unwrap_err().to_string();
    assert!(e.contains("nonRepudiation"), "{e}");
    // IssuerSerialV2 in the standard form, as in the vector.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(ee.issuer_serial_v2().unwrap());
    assert!(b64.starts_with("MG4wZqRkMGIx"), "{b64}");
}
