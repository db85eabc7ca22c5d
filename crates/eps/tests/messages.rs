//! The envelope on real answers and on hostile ones.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use okusuri_eps::{Element, EpsError, Request, Response, Segment, Status};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn the_real_registration_error_is_read_into_its_code_and_message() {
    let r = Response::parse(&fixture("EPSsiPIR01res_error-EPSB0052E.xml")).unwrap();
    assert_eq!(r.segment(), Some(Segment::Done));
    assert_eq!(r.status(), Some(Status::Error));
    assert_eq!(r.header_field("ArbitraryFileIdentifier"), Some("3xxxx"));
    let results = r.results();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].list, "CsvCheckResultList");
    assert_eq!(results[0].code, "EPSB0052E");
    assert_eq!(results[0].message, "改行コードはLFで記録してください。");
    assert!(!r.succeeded());
    assert_eq!(
        r.problems(),
        ["EPSB0052E 改行コードはLFで記録してください。"]
    );
}

#[test]
fn a_qualification_answer_is_read_by_name() {
    let r = Response::parse(&fixture("OQSsiquc01res_face_example.xml")).unwrap();
    assert!(r.succeeded(), "{:?}", r.problems());
    assert_eq!(r.header_field("MedicalInstitutionCode"), Some("1311111111"));
    assert_eq!(r.field("Name"), Some("診療　太郎"));
    assert_eq!(r.field("NameKana"), Some("ｼﾝﾘｮｳ ﾀﾛｳ"));
    // Leading spaces are trimmed as text; the insurer number is padded by the terminal.
    assert_eq!(r.field("InsurerNumber"), Some("123456"));
}

#[test]
fn a_shift_jis_answer_and_a_bom_are_read() {
    let xml = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><CharacterCodeIdentifier>1</CharacterCodeIdentifier></MessageHeader><MessageBody><ProcessingResultStatus>1</ProcessingResultStatus><PrescriptionStatus>薬局にて受付されていません。</PrescriptionStatus></MessageBody></XmlMsg>";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(xml);
    let r = Response::parse(&sjis).unwrap();
    assert_eq!(
        r.field("PrescriptionStatus"),
        Some("薬局にて受付されていません。")
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(xml.replace("Shift_JIS", "UTF-8").as_bytes());
    assert!(Response::parse(&bom).unwrap().succeeded());
}

#[test]
fn a_failed_segment_shows_the_terminals_code_and_message() {
    let xml = "<XmlMsg><MessageHeader><ErrorMessage>資格確認端末で処理できませんでした。</ErrorMessage><SegmentOfResult>9</SegmentOfResult><ErrorCode>XYZ001</ErrorCode></MessageHeader></XmlMsg>";
    let r = Response::parse(xml.as_bytes()).unwrap();
    assert_eq!(r.segment(), Some(Segment::Failed));
    assert_eq!(
        r.problems(),
        ["異常終了 XYZ001 資格確認端末で処理できませんでした。"]
    );
}

#[test]
fn broken_answers_are_refused_with_the_reason() {
    let cases: [(&[u8], &str); 6] = [
        (
            b"<XmlMsg><MessageHeader><SegmentOfResult>1</Segment",
            "途中で終わっています",
        ),
        (b"", "要素がありません"),
        (b"not xml at all", "要素がありません"),
        (b"<Other><MessageHeader/></Other>", "XmlMsg ではありません"),
        (
            b"<XmlMsg><MessageBody/></XmlMsg>",
            "MessageHeader がありません",
        ),
        (
            b"<XmlMsg><MessageHeader></MessageBody></XmlMsg>",
            "閉じタグ",
        ),
    ];
    for (bytes, expected) in cases {
        let e = Response::parse(bytes).unwrap_err().to_string();
        assert!(
            e.contains(expected),
            "{:?}: {e}",
            String::from_utf8_lossy(bytes)
        );
        assert!(e.starts_with("資格確認端末の応答を読めません"), "{e}");
    }
    // Neither UTF-8 nor Shift_JIS (a lead byte without its trail byte).
    assert_eq!(
        Response::parse(b"<XmlMsg>\x81\x20</XmlMsg>").unwrap_err(),
        EpsError::Encoding
    );
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert!(
        Response::parse(deep.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("深すぎる")
    );
}

#[test]
fn entities_and_character_references_are_resolved() {
    let xml = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader><MessageBody><M>A&amp;B &#x3042;&#12354;</M></MessageBody></XmlMsg>";
    assert_eq!(
        Response::parse(xml.as_bytes()).unwrap().field("M"),
        Some("A&B ああ")
    );
}

fn text() -> impl Strategy<Value = String> {
    // What a message holds: Japanese text, ASCII, and the characters XML must escape.
    "[a-zA-Z0-9ぁ-んァ-ン一-龥&<>\"' 　。、-]{0,40}".prop_map(|s| s.trim().to_string())
}

proptest! {
    /// A request we write reads back field for field.
    #[test]
    fn a_request_reads_back(code in "[0-9]{10}", id in "[A-Za-z0-9]{1,20}", values in proptest::collection::vec(text(), 1..6)) {
        let request = Request {
            medical_institution_code: code.clone(),
            arbitrary_file_identifier: id.clone(),
            header: vec![("QualificationConfirmationDate".into(), "20261204".into())],
            body: vec![Element {
                name: "Info".into(),
                text: String::new(),
                children: values.iter().enumerate().map(|(i, v)| Element { name: format!("F{i}"), text: v.clone(), children: vec![] }).collect(),
            }],
        };
        let r = Response::parse(&request.to_xml().unwrap()).unwrap();
        prop_assert_eq!(r.header_field("MedicalInstitutionCode"), Some(code.as_str()));
        prop_assert_eq!(r.header_field("ArbitraryFileIdentifier"), Some(id.as_str()));
        for (i, v) in values.iter().enumerate() {
            let got = r.body.find(&format!("F{i}")).map(|e| e.text.clone()).unwrap_or_default();
            prop_assert_eq!(&got, v);
        }
    }

    /// Any bytes give an answer or a reason, never a panic.
    #[test]
    fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Response::parse(&bytes).map(|r| r.problems());
    }
}
