//! Bad input gets a clear message and never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_jahis::{Mode, ReadError, read};

#[test]
fn empty_and_blank_input() {
    for bytes in [&b""[..], b"\r\n", b"   \n\n", b"\x1a"] {
        let err = read(bytes, Mode::Lenient).unwrap_err();
        assert!(matches!(err, ReadError::Empty));
        assert_eq!(err.to_string(), "データが空です。");
    }
}

#[test]
fn binary_garbage_is_not_jahis() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let err = read(&garbage, Mode::Lenient).unwrap_err();
    assert!(matches!(err, ReadError::NotJahis { .. }));
    assert!(
        err.to_string()
            .starts_with("JAHIS形式のデータではありません"),
        "{err}"
    );
}

#[test]
fn wrong_header() {
    for header in [
        "JAHISTC8,1\r\n",
        "JAHIS,1\r\n",
        "1,山田 太郎,1,19800101\r\n",
        "NSIPS,1\r\n",
    ] {
        let err = read(header.as_bytes(), Mode::Lenient).unwrap_err();
        assert!(matches!(err, ReadError::NotJahis { .. }), "{header}");
    }
    let doc = read(b"JAHISTC08,7\r\n1,A,1,19800101\r\n", Mode::Lenient).unwrap();
    assert_eq!(codes(&doc), ["header.output_category"]);
    assert_eq!(doc.output_category, None);
}

#[test]
fn a_truncated_multibyte_character_is_reported_on_its_line() {
    let mut bytes = cp932("tc-minimal-valid.txt");
    // Cut the file inside the last character (all of it is 2-byte text).
    let trimmed = bytes.len() - 2; // drop "\r\n"
    bytes.truncate(trimmed);
    let last_line = bytes.iter().filter(|b| **b == b'\n').count() + 1;
    // The last line ends with ",1": make it end in a lead byte instead.
    bytes.extend_from_slice(b",\x82");
    let doc = read(&bytes, Mode::Lenient).unwrap();
    let issue = doc
        .issues
        .iter()
        .find(|i| i.code == "text.undecodable")
        .expect("reported");
    assert_eq!(issue.line, last_line);
    assert!(issue.message.contains("文字化け"));
    // Everything before is intact.
    assert_eq!(
        doc.dispensings[0].rps[0].drugs[0].name.as_deref(),
        Some("ノルバスク錠２．５ｍｇ")
    );
}

#[test]
fn records_in_the_wrong_place_are_kept_and_reported() {
    let text = "JAHISTC08,1\r\n1,A,1,19800101\r\n281,1,補足,1\r\n201,1,薬,1,錠,1,,1\r\n999,future,record\r\n301,1,用法,1,日分,1,1,,1\r\n";
    let doc = read(text.as_bytes(), Mode::Lenient).unwrap();
    let c = codes(&doc);
    assert!(c.contains(&"dispensing.without_date"), "{c:?}");
    assert!(c.contains(&"drug.detail_without_drug"), "{c:?}");
    let group = &doc.dispensings[0];
    assert_eq!(group.unknown[0].record, "281", "the orphan 281 is kept");
    assert_eq!(group.unknown[1].record, "999", "an unknown record is kept");
    assert_eq!(group.unknown[1].fields, ["future", "record"]);
    assert_eq!(
        group.rps[0].usage.as_ref().unwrap().name.as_deref(),
        Some("用法")
    );
}

#[test]
fn strict_mode_reports_types_lengths_codes_and_order() {
    let long_name = "あ".repeat(21); // 42 bytes > 氏名 N40
    let text = format!(
        "JAHISTC08,1\r\n5,20260101,1\r\n1,{long_name},3,1980-01-01\r\n11,薬局,13,4,12345AB,,,,7\r\n"
    );
    let Err(ReadError::Invalid(doc)) = read(text.as_bytes(), Mode::Strict) else {
        panic!("strict must fail")
    };
    let c = codes(&doc);
    for expected in [
        "record.out_of_order",
        "field.too_long",
        "field.code_unknown",
        "field.date",
    ] {
        assert!(c.contains(&expected), "{expected} in {c:?}");
    }
    let too_long = doc
        .issues
        .iter()
        .find(|i| i.code == "field.too_long")
        .unwrap();
    assert_eq!(
        too_long.message,
        "患者情報（1）の「氏名」が長すぎます（42バイト、最大40バイト）。"
    );
    assert_eq!((too_long.line, too_long.field), (3, Some(1)));
}

#[test]
fn a_20_mb_file_and_a_1_mb_line() {
    let text = String::from_utf8(utf8("v26-example-04.txt")).unwrap();
    let (head, group) = text.split_at(text.find("5,R020410").unwrap());
    let group = format!("{}\r\n", group.trim_end());
    let group = group.as_str();
    let copies = 20_000_000 / okusuri_jahis::text::encode_cp932(group).unwrap().len() + 1;
    let big = format!("{head}{}", group.repeat(copies));
    let bytes = okusuri_jahis::text::encode_cp932(&big).unwrap();
    assert!(bytes.len() > 20_000_000);
    let doc = read(&bytes, Mode::Lenient).unwrap();
    assert_eq!(doc.dispensings.len(), copies);
    assert!(doc.issues.is_empty(), "{:?}", &doc.issues[..1]);

    let line = format!(
        "JAHISTC08,1\r\n1,山田,1,19800101\r\n4,{},20260101,1\r\n",
        "あ".repeat(500_000)
    );
    let doc = read(line.as_bytes(), Mode::Lenient).unwrap();
    assert!(codes(&doc).contains(&"field.too_long"));
    assert_eq!(doc.memos[0].text.as_ref().unwrap().chars().count(), 500_000);
}

#[test]
fn lf_cr_line_ends_read_like_crlf() {
    // Found by the fuzzer: a stray CR at the start of a record made it an
    // unknown record, which wrote back as a new dispensing.
    let crlf = cp932("v26-example-04.txt");
    let lfcr: Vec<u8> = String::from_utf8(utf8("v26-example-04.txt"))
        .unwrap()
        .replace("\r\n", "\n\r")
        .into_bytes();
    let a = read(&crlf, Mode::Strict).unwrap();
    let b = read(&lfcr, Mode::Strict).unwrap();
    assert_eq!(a.without_issues().dispensings, b.dispensings);
    let again = read(
        &okusuri_jahis::write(&b, okusuri_jahis::Encoding::Cp932).unwrap(),
        Mode::Strict,
    )
    .unwrap();
    assert_eq!(again.dispensings, b.dispensings);
}
