//! Fuzzes the signature verifier and our exclusive C14N: any bytes as a
//! signed 電子処方箋 document give a verdict with a Japanese reason, never a
//! panic; any XML that parses canonicalises.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = chrono::Utc::now();
    if let Err(e) = okusuri_sign::verify(data, &[], now) {
        assert!(!e.to_string().is_empty());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(doc) = roxmltree::Document::parse(text) {
            let _ = okusuri_sign::c14n::exclusive(doc.root_element());
        }
    }
});
