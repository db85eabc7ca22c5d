//! read(write(doc)) == doc: for every fixture in both encodings, and for
//! property-generated documents.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_jahis::model::*;
use okusuri_jahis::{Encoding, Mode, read, write};
use proptest::prelude::*;

#[test]
fn every_fixture_round_trips_in_cp932_and_utf8() {
    for name in all() {
        for bytes in [cp932(&name), utf8(&name)] {
            let doc = read(&bytes, Mode::Lenient).unwrap();
            for encoding in [Encoding::Cp932, Encoding::Utf8, Encoding::Utf8Bom] {
                let written = write(&doc, encoding).unwrap();
                let again = read(&written, Mode::Lenient).unwrap();
                let mut expected = doc.without_issues();
                expected.encoding = encoding;
                assert_eq!(again.without_issues(), expected, "{name} via {encoding:?}");
            }
        }
    }
}

#[test]
fn cp932_output_is_crlf_with_full_width_commas() {
    let mut doc = read(&cp932("tc-minimal-valid.txt"), Mode::Lenient).unwrap();
    doc.memos.push(Memo {
        text: Some("朝, 夕".into()),
        ..Memo::default()
    });
    let bytes = write(&doc, Encoding::Cp932).unwrap();
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    assert!(text.starts_with("JAHISTC01,1\r\n1,山田 太郎,1,19800101,"));
    assert!(text.contains("4,朝， 夕,,\r\n"), "{text}");
    assert!(!text.replace("\r\n", "").contains('\n'));
}

#[test]
fn text_cp932_cannot_hold_is_refused_with_the_character() {
    let mut doc = read(&cp932("tc-minimal-valid.txt"), Mode::Lenient).unwrap();
    doc.patient.as_mut().unwrap().name = Some("山田 😀".into());
    let err = write(&doc, Encoding::Cp932).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("「😀」はShift_JIS（CP932）で表せない文字"),
        "{err}"
    );
    assert!(write(&doc, Encoding::Utf8).is_ok(), "UTF-8 can hold it");
}

// ---- property-generated documents ----

fn text() -> impl Strategy<Value = Option<String>> {
    // Values as the reader gives them: no commas or line breaks, no
    // surrounding spaces, empty → None. Mixes ASCII, half- and full-width
    // kana, kanji and CP932 extensions (①, ㈱).
    proptest::option::of(
        "[A-Za-z0-9ｱ-ﾝあ-んア-ン山田太郎花子薬局錠散朝夕食後服用内科病院①㈱．（）【】][A-Za-z0-9ｱ-ﾝあ-んア-ン山田太郎花子薬局錠散朝夕食後服用内科病院①㈱ ．（）【】]{0,20}[A-Za-z0-9あ-ん山田太郎薬局錠]",
    )
}

fn code() -> impl Strategy<Value = Option<u8>> {
    proptest::option::of(0u8..=99)
}

fn date() -> impl Strategy<Value = (Option<String>, Option<String>)> {
    prop_oneof![
        Just((None, None)),
        (1950i32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| {
            (
                Some(format!("{y:04}-{m:02}-{d:02}")),
                Some(format!("{y:04}{m:02}{d:02}")),
            )
        }),
        (1u32..=30, 1u32..=12, 1u32..=28).prop_map(|(yy, m, d)| {
            (
                Some(format!("{:04}-{m:02}-{d:02}", 1988 + yy)),
                Some(format!("H{yy:02}{m:02}{d:02}")),
            )
        }),
    ]
}

fn t() -> impl Strategy<Value = Text> {
    (text(), code()).prop_map(|(text, author)| Text {
        text,
        author,
        extra: vec![],
    })
}

fn drug() -> impl Strategy<Value = Drug> {
    (
        text(),
        text(),
        text(),
        code(),
        text(),
        code(),
        proptest::collection::vec(t(), 0..2),
        proptest::collection::vec(t(), 0..2),
    )
        .prop_map(
            |(name, dose, unit, code_kind, code, author, notes, cautions)| Drug {
                name,
                dose,
                unit,
                code_kind,
                code,
                author,
                notes,
                cautions,
                ..Drug::default()
            },
        )
}

fn rp(n: u32, doctor: Option<Doctor>) -> impl Strategy<Value = Rp> {
    (
        proptest::collection::vec(drug(), 1..3),
        text(),
        proptest::option::of(0u32..999),
        code(),
        proptest::collection::vec(t(), 0..2),
        proptest::collection::vec(t(), 0..2),
    )
        .prop_map(move |(drugs, name, quantity, form, notes, cautions)| Rp {
            rp: Some(n),
            doctor: doctor.clone(),
            drugs,
            usage: Some(Usage {
                name,
                quantity,
                form,
                notes,
                ..Usage::default()
            }),
            cautions,
        })
}

fn dispensing() -> impl Strategy<Value = Dispensing> {
    (
        date(),
        text(),
        text(),
        proptest::option::of(text()),
        1usize..4,
        proptest::collection::vec(t(), 0..2),
        proptest::collection::vec(t(), 0..2),
    )
        .prop_flat_map(
            |((iso, raw), inst, pharmacist, doctor_name, n, cautions, remarks)| {
                let doctor = doctor_name.map(|name| Doctor {
                    name,
                    ..Doctor::default()
                });
                let rps: Vec<_> = (1..=n as u32).map(|i| rp(i, doctor.clone())).collect();
                rps.prop_map(move |rps| Dispensing {
                    date: iso.clone(),
                    date_text: raw.clone(),
                    author: Some(1),
                    dispensed_at: Some(Institution {
                        name: inst.clone(),
                        prefecture: Some("13".into()),
                        table: Some("4".into()),
                        code: Some("1234567".into()),
                        author: Some(1),
                        ..Institution::default()
                    }),
                    pharmacist: pharmacist.clone().map(|name| Person {
                        name: Some(name),
                        ..Person::default()
                    }),
                    rps,
                    cautions: cautions.clone(),
                    remarks: remarks.clone(),
                    ..Dispensing::default()
                })
            },
        )
}

fn document() -> impl Strategy<Value = Document> {
    (
        text(),
        text(),
        proptest::option::of(1u8..=2),
        date(),
        proptest::collection::vec((code(), text(), code()), 0..3),
        proptest::collection::vec(dispensing(), 0..4),
        1u8..=2,
    )
        .prop_map(
            |(name, kana, sex, (birth_date, birth_date_text), notes, dispensings, category)| {
                Document {
                    version: "JAHISTC08".into(),
                    output_category: Some(category),
                    encoding: Encoding::Cp932,
                    patient: Some(Patient {
                        name,
                        kana,
                        sex,
                        birth_date,
                        birth_date_text,
                        ..Patient::default()
                    }),
                    notes: notes
                        .into_iter()
                        .map(|(kind, text, author)| PatientNote {
                            kind,
                            text,
                            author,
                            extra: vec![],
                        })
                        .collect(),
                    dispensings,
                    ..Document::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn generated_documents_round_trip(doc in document()) {
        for encoding in [Encoding::Cp932, Encoding::Utf8] {
            let bytes = write(&doc, encoding).unwrap();
            let again = read(&bytes, Mode::Lenient).unwrap();
            let mut expected = doc.clone();
            // Pure ASCII is valid in both; the reader calls it CP932.
            expected.encoding = if bytes.is_ascii() { Encoding::Cp932 } else { encoding };
            prop_assert_eq!(again.without_issues(), expected);
        }
    }
}
