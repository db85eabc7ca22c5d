//! Fixture helpers: every fixture as UTF-8 (as shipped) and as CP932.

#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use std::path::PathBuf;

pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn utf8(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap()
}

/// The fixture converted to CP932 with CR LF, as real files are.
pub fn cp932(name: &str) -> Vec<u8> {
    let text = String::from_utf8(utf8(name)).unwrap();
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    okusuri_jahis::text::encode_cp932(&crlf).unwrap()
}

pub fn all() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

pub fn codes(doc: &okusuri_jahis::Document) -> Vec<&str> {
    doc.issues.iter().map(|i| i.code.as_str()).collect()
}
