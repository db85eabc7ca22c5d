//! Splitting under a budget, Structured Append, and QR symbols read back by
//! an independent decoder (zbarimg, Debian zbar-tools).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::*;
use okusuri_jahis::split::{assemble, merge, split, split_scanned};
use okusuri_jahis::{Encoding, Mode, qr, read};

fn example_11() -> okusuri_jahis::Document {
    read(&cp932("v26-example-11.txt"), Mode::Lenient).unwrap()
}

#[test]
fn split_respects_the_budget_and_merges_back_in_any_order() {
    let doc = example_11();
    let parts = split(&doc, 400, "20260310123456", Encoding::Cp932).unwrap();
    assert!(parts.len() >= 4, "{} parts", parts.len());
    for (i, part) in parts.iter().enumerate() {
        assert!(part.len() <= 400, "part {} is {} bytes", i + 1, part.len());
        let text = encoding_rs::SHIFT_JIS.decode(part).0;
        assert!(text.starts_with("JAHISTC08,2\r\n"));
        assert!(text.ends_with(&format!("911,20260310123456,{},{}\r\n", parts.len(), i + 1)));
        if i > 0 {
            assert!(!text.contains("\r\n1,"), "the patient is not repeated");
        }
    }
    let mut shuffled: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    shuffled.reverse();
    let merged = merge(&shuffled).unwrap();
    assert_eq!(
        read(&merged, Mode::Lenient).unwrap().without_issues(),
        doc.without_issues()
    );

    let missing: Vec<&[u8]> = parts
        .iter()
        .map(Vec::as_slice)
        .filter(|p| *p != parts[1].as_slice())
        .collect();
    assert_eq!(
        merge(&missing).unwrap_err().to_string(),
        format!("{}枚中2枚目がありません。", parts.len())
    );
}

#[test]
fn a_document_that_fits_is_one_part_and_a_huge_record_is_refused() {
    let doc = example_11();
    let parts = split(&doc, 100_000, "20260310123456", Encoding::Cp932).unwrap();
    assert_eq!(parts.len(), 1);
    assert!(!encoding_rs::SHIFT_JIS.decode(&parts[0]).0.contains("911,"));
    let err = split(&doc, 60, "20260310123456", Encoding::Cp932).unwrap_err();
    assert!(
        err.to_string()
            .contains("分割の上限（60バイト）を超えています"),
        "{err}"
    );
    assert!(split(&doc, 400, "123", Encoding::Cp932).is_err());
}

#[test]
fn structured_append_chunks_join_at_the_byte_level() {
    let bytes = cp932("v26-example-11.txt");
    // Cut every 97 bytes: mid-record and mid-character.
    let chunks: Vec<&[u8]> = bytes.chunks(97).collect();
    assert!(chunks.len() > 5);
    let joined = assemble(&chunks).unwrap();
    assert_eq!(joined, bytes);
    assert_eq!(read(&joined, Mode::Lenient).unwrap(), example_11());
}

#[test]
fn scanned_symbols_typed_one_after_another_are_separated() {
    let doc = example_11();
    let parts = split(&doc, 400, "20260310123456", Encoding::Cp932).unwrap();
    let typed: Vec<u8> = parts.concat();
    let symbols = split_scanned(&typed);
    assert_eq!(symbols.len(), parts.len());
    let merged = assemble(&symbols).unwrap();
    assert_eq!(
        read(&merged, Mode::Lenient).unwrap().without_issues(),
        doc.without_issues()
    );
}

/// Reads every QR in a PNG with zbarimg, as raw bytes.
fn zbar(png: &std::path::Path) -> Vec<u8> {
    let out = Command::new("zbarimg")
        .args(["--raw", "--oneshot", "-Sbinary", "-q"])
        .arg(png)
        .output()
        .expect("zbarimg (Debian zbar-tools) must be installed");
    assert!(
        out.status.success(),
        "zbarimg failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With --raw and -Sbinary, zbarimg prints the symbol's bytes and nothing else.
    out.stdout
}

#[test]
fn every_qr_symbol_reads_back_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    // Large enough to need several symbols.
    let mut doc = example_11();
    let extra = doc.dispensings.clone();
    for _ in 0..3 {
        doc.dispensings.extend(extra.clone());
    }
    let symbols = qr::symbols(&doc, "20260310123456").unwrap();
    assert!(symbols.len() >= 2, "{} symbols", symbols.len());
    for (i, data) in symbols.iter().enumerate() {
        assert!(data.len() <= qr::QR_BYTES_PER_SYMBOL);
        let code = qr::encode(data).unwrap();
        let path = tmp.path().join(format!("qr-{i}.png"));
        std::fs::write(&path, qr::png(&code, 4).unwrap()).unwrap();
        assert_eq!(zbar(&path), *data, "symbol {} of {}", i + 1, symbols.len());
        let svg = qr::svg(&code);
        assert!(
            svg.starts_with("<?xml") && svg.contains("<svg"),
            "SVG output"
        );
    }
    let parts: Vec<&[u8]> = symbols.iter().map(Vec::as_slice).collect();
    assert_eq!(
        read(&merge(&parts).unwrap(), Mode::Lenient)
            .unwrap()
            .without_issues(),
        doc.without_issues()
    );
}

#[test]
fn a_line_the_reader_keeps_as_unknown_is_not_a_911() {
    // Found by the fuzzer: `\x0b911,…` was unknown to the reader but taken
    // for the split control when the written document was put back together.
    let bytes = b"JAHISTC08,1\r\n1,A,1,19800101\r\n\x0b911,\x10,11239854,2,2\r\n";
    let doc = read(bytes, Mode::Lenient).unwrap();
    assert_eq!(doc.split, None);
    let whole = okusuri_jahis::write(&doc, okusuri_jahis::Encoding::Utf8).unwrap();
    assert!(okusuri_jahis::split::assemble(&[whole.as_slice()]).is_ok());
}
