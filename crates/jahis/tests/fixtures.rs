//! Every fixture, as UTF-8 and as CP932, with expected values.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_jahis::{Encoding, Mode, ReadError, Severity, read};

#[test]
fn every_fixture_reads_in_both_encodings_with_the_same_content() {
    for name in all() {
        let from_utf8 = read(&utf8(&name), Mode::Lenient).unwrap_or_else(|e| panic!("{name}: {e}"));
        let from_cp932 =
            read(&cp932(&name), Mode::Lenient).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(from_utf8.encoding, Encoding::Utf8, "{name}");
        assert_eq!(from_cp932.encoding, Encoding::Cp932, "{name}");
        let mut a = from_utf8.clone();
        a.encoding = Encoding::Cp932;
        assert_eq!(a, from_cp932, "{name}: same content from both encodings");
    }
}

#[test]
fn example_01_dates_drugs_and_usage() {
    let doc = read(&cp932("v26-example-01.txt"), Mode::Strict).unwrap();
    assert_eq!(doc.version, "JAHISTC08");
    assert_eq!(doc.output_category, Some(1));
    let p = doc.patient.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("鈴木 太郎"));
    assert_eq!(p.sex, Some(1));
    assert_eq!(p.birth_date.as_deref(), Some("1958-03-03"));
    assert_eq!(p.birth_date_text.as_deref(), Some("S330303"));
    assert_eq!(doc.dispensings.len(), 1);
    let d = &doc.dispensings[0];
    assert_eq!(d.date.as_deref(), Some("2020-04-10"));
    let at = d.dispensed_at.as_ref().unwrap();
    assert_eq!(
        (
            at.prefecture.as_deref(),
            at.table.as_deref(),
            at.code.as_deref()
        ),
        (Some("13"), Some("4"), Some("1234567"))
    );
    assert_eq!(
        d.prescribed_at.as_ref().unwrap().name.as_deref(),
        Some("医療法人 工業会病院")
    );
    assert_eq!(d.rps.len(), 2);
    assert_eq!(d.rps[0].drugs.len(), 2);
    assert_eq!(d.rps[0].drugs[0].name.as_deref(), Some("ｺﾘｵﾊﾟﾝｶﾌﾟｾﾙ5mg"));
    assert_eq!(d.rps[0].drugs[0].dose.as_deref(), Some("4"));
    assert_eq!(d.rps[0].drugs[0].unit.as_deref(), Some("Ｃ"));
    assert_eq!(d.rps[0].drugs[0].code.as_deref(), Some("620004992"));
    let usage = d.rps[1].usage.as_ref().unwrap();
    assert_eq!(usage.name.as_deref(), Some("【分３ 毎食後服用】"));
    assert_eq!(
        (usage.quantity, usage.unit.as_deref(), usage.form),
        (Some(5), Some("日分"), Some(1))
    );
    assert_eq!(d.rps[1].drugs.len(), 3);
    assert!(doc.issues.is_empty(), "{:?}", doc.issues);
}

#[test]
fn example_04_two_doctors_and_every_form() {
    let doc = read(&cp932("v26-example-04.txt"), Mode::Strict).unwrap();
    let d = &doc.dispensings[0];
    assert_eq!(d.rps.len(), 7);
    assert_eq!(
        d.rps[0].doctor.as_ref().unwrap().name.as_deref(),
        Some("工業会 次郎")
    );
    assert_eq!(
        d.rps[4].doctor.as_ref().unwrap().department.as_deref(),
        Some("内科")
    );
    assert_eq!(
        d.rps[5].doctor.as_ref().unwrap().name.as_deref(),
        Some("佐藤 三郎")
    );
    assert_eq!(
        d.rps[6].doctor.as_ref().unwrap().department.as_deref(),
        Some("皮膚科")
    );
    let forms: Vec<Option<u8>> = d
        .rps
        .iter()
        .map(|r| r.usage.as_ref().unwrap().form)
        .collect();
    assert_eq!(
        forms,
        [
            Some(1),
            Some(1),
            Some(5),
            Some(4),
            Some(9),
            Some(5),
            Some(10)
        ]
    );
    assert_eq!(
        d.rps[4].usage.as_ref().unwrap().name,
        None,
        "a usage without a name"
    );
    assert_eq!(d.rps[6].drugs[0].code_kind, Some(1));
    assert_eq!(d.rps[6].drugs[0].code, None);
    assert_eq!(
        d.leftover[0].text.as_deref(),
        Some("服用忘れによりｺﾘｵﾊﾟﾝｶﾌﾟｾﾙ12錠残薬あり")
    );
    assert_eq!(d.remarks.len(), 1);
}

#[test]
fn example_08_erratum_is_a_warning_in_lenient_and_fails_strict() {
    let doc = read(&cp932("v26-example-08.txt"), Mode::Lenient).unwrap();
    let info = &doc.dispensings[0].provided_info[0];
    assert_eq!(info.kind, Some(31));
    assert_eq!(
        info.author, None,
        "the extra empty fields push 作成者 out of place"
    );
    assert!(
        codes(&doc).contains(&"record.extra_fields"),
        "{:?}",
        doc.issues
    );
    assert!(
        doc.issues.iter().all(|i| i.severity == Severity::Warning),
        "{:?}",
        doc.issues
    );
    match read(&cp932("v26-example-08.txt"), Mode::Strict) {
        Err(ReadError::Invalid(doc)) => {
            assert!(doc.issues.iter().all(|i| i.severity == Severity::Error))
        }
        other => panic!("strict must fail: {other:?}"),
    }
}

#[test]
fn example_11_patient_to_provider_with_otc_and_two_dispensings() {
    let doc = read(&cp932("v26-example-11.txt"), Mode::Lenient).unwrap();
    assert_eq!(doc.output_category, Some(2));
    let kinds: Vec<Option<u8>> = doc.notes.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [Some(1), Some(2), Some(3), Some(9)]);
    assert_eq!(doc.otc.len(), 2);
    assert_eq!(doc.otc[0].components.len(), 3);
    assert_eq!(doc.otc[0].start_date.as_deref(), Some("2020-04-06"));
    assert_eq!(doc.otc[1].components.len(), 3);
    assert_eq!(doc.otc[1].components[2].code_kind, Some(1));
    assert_eq!(doc.memos.len(), 2);
    assert_eq!(doc.memos[1].date.as_deref(), Some("2020-03-31"));
    assert_eq!(doc.dispensings.len(), 2);
    assert_eq!(doc.dispensings[1].date.as_deref(), Some("2020-04-07"));
    assert_eq!(doc.dispensings[1].rps[0].cautions.len(), 1);
    assert_eq!(doc.dispensings[1].rps[0].drugs[0].cautions.len(), 1);
    assert_eq!(
        doc.dispensings[1].patient_entries[0].date.as_deref(),
        Some("2020-04-07")
    );
    assert_eq!(
        doc.pharmacists[0].pharmacy.as_deref(),
        Some("工業会薬局 駅前店")
    );
    // Erratum: 701 連絡先 is required but empty.
    let erratum = doc
        .issues
        .iter()
        .find(|i| i.record.as_deref() == Some("701"))
        .unwrap();
    assert_eq!(
        (erratum.code.as_str(), erratum.field, erratum.severity),
        ("field.required_missing", Some(3), Severity::Warning)
    );
    assert!(read(&cp932("v26-example-11.txt"), Mode::Strict).is_err());
}

#[test]
fn synthetic_full_record_set() {
    let doc = read(&cp932("tc-supported-records-full.txt"), Mode::Lenient).unwrap();
    let d = &doc.dispensings[0];
    let drug = &d.rps[0].drugs[0];
    assert_eq!(
        drug.generic_name.as_deref(),
        Some("【般】アムロジピンベシル酸塩錠２．５ｍｇ")
    );
    assert_eq!(drug.generic_code.as_deref(), Some("1179044F1ZZZ"));
    assert_eq!(drug.notes[0].text.as_deref(), Some("朝1錠、夕2錠"));
    assert_eq!(
        drug.cautions[0].text.as_deref(),
        Some("グレープフルーツジュースを避ける")
    );
    assert_eq!(
        d.rps[0].usage.as_ref().unwrap().notes[0].text.as_deref(),
        Some("透析日は休薬")
    );
    assert_eq!(d.rps[0].cautions[0].text.as_deref(), Some("眠気に注意"));
    assert_eq!(d.provided_info[0].kind, Some(31));
    assert_eq!(d.leftover[0].text.as_deref(), Some("残薬は5錠"));
    assert_eq!(
        d.pharmacist.as_ref().unwrap().contact.as_deref(),
        Some("03-3506-8010")
    );
    assert_eq!(
        doc.patient.as_ref().unwrap().kana.as_deref(),
        Some("ヤマダ タロウ")
    );
    assert_eq!(
        doc.patient.as_ref().unwrap().weight.as_deref(),
        Some("52.3")
    );
    assert_eq!(doc.otc[0].jan.as_deref(), Some("4987107609229"));
    assert_eq!(
        doc.otc[0].components[0].name.as_deref(),
        Some("イブプロフェン")
    );
    assert_eq!(doc.pharmacists[0].end_date.as_deref(), Some("2027-03-10"));
    assert_eq!(doc.split.as_ref().unwrap().count, 2);
    assert!(doc.issues.is_empty(), "{:?}", doc.issues);
}

#[test]
fn synthetic_multi_dispensing_and_future_version() {
    let doc = read(&cp932("tc-multi-dispensing.txt"), Mode::Strict).unwrap();
    let dates: Vec<_> = doc
        .dispensings
        .iter()
        .map(|d| d.date.clone().unwrap())
        .collect();
    assert_eq!(dates, ["2026-03-12", "2026-02-20"]);
    assert_eq!(
        doc.dispensings[1]
            .dispensed_at
            .as_ref()
            .unwrap()
            .code
            .as_deref(),
        Some("7654321")
    );
    assert_eq!(
        doc.dispensings[1].rps[0].usage.as_ref().unwrap().quantity,
        Some(14)
    );

    let future = read(&cp932("tc-output-category-2-full.txt"), Mode::Strict).unwrap();
    assert_eq!(future.version, "JAHISTC12");
    assert_eq!(future.output_category, Some(2));
    assert_eq!(
        future.dispensings[0].dispensed_at.as_ref().unwrap().code,
        None,
        "P fields may be empty in category 2"
    );

    let minimal = read(&cp932("tc-minimal-valid.txt"), Mode::Strict).unwrap();
    assert_eq!(minimal.version, "JAHISTC01");
    let otc = read(
        &cp932("tc-with-otc-components-and-remaining-medicine.txt"),
        Mode::Strict,
    )
    .unwrap();
    assert_eq!(otc.otc[0].components.len(), 2);
    assert_eq!(otc.dispensings[0].leftover.len(), 1);
}

#[test]
fn invalid_fixtures_give_their_codes_and_keep_the_data() {
    let doc = read(&cp932("tc-invalid-missing-drug-code.txt"), Mode::Lenient).unwrap();
    let issue = doc
        .issues
        .iter()
        .find(|i| i.code == "drug.code_missing")
        .expect("drug.code_missing");
    assert_eq!(
        (issue.line, issue.severity, issue.field),
        (4, Severity::Error, Some(6))
    );
    assert!(issue.message.contains("ノルバスク錠"), "{}", issue.message);
    assert_eq!(
        doc.dispensings[0].rps[0].drugs[0].name.as_deref(),
        Some("ノルバスク錠２．５ｍｇ")
    );

    let doc = read(
        &cp932("tc-invalid-missing-otc-sequence-parent.txt"),
        Mode::Lenient,
    )
    .unwrap();
    let issue = doc
        .issues
        .iter()
        .find(|i| i.code == "otc.component_without_parent")
        .expect("code");
    assert_eq!((issue.line, issue.severity), (3, Severity::Error));
    assert_eq!(doc.unknown[0].record, "31", "the orphan is kept");
    assert_eq!(doc.unknown[0].fields[1], "イブプロフェン");

    for name in [
        "tc-invalid-missing-drug-code.txt",
        "tc-invalid-missing-otc-sequence-parent.txt",
    ] {
        assert!(
            matches!(read(&cp932(name), Mode::Strict), Err(ReadError::Invalid(_))),
            "{name}"
        );
    }
}

#[test]
fn split_parts_merge_back_to_the_unsplit_example() {
    let p1 = cp932("v26-split-part-1.txt");
    let p2 = cp932("v26-split-part-2.txt");
    for parts in [[&p1[..], &p2[..]], [&p2[..], &p1[..]]] {
        let merged = okusuri_jahis::split::merge(&parts).unwrap();
        let doc = read(&merged, Mode::Strict).unwrap();
        let mut expected = read(&cp932("v26-example-04.txt"), Mode::Strict).unwrap();
        expected.dispensings[0].leftover.clear(); // the split example has no 421
        assert_eq!(doc, expected);
    }
    let err = okusuri_jahis::split::merge(&[&p1[..]]).unwrap_err();
    assert_eq!(err.to_string(), "2枚中2枚目がありません。");
    let err = okusuri_jahis::split::merge(&[&p1[..], &p1[..]]).unwrap_err();
    assert_eq!(err.to_string(), "2枚中1枚目が2回あります。");
    let lone = cp932("tc-split-output-part-2.txt");
    let err = okusuri_jahis::split::merge(&[&lone[..]]).unwrap_err();
    assert_eq!(err.to_string(), "3枚中1枚目がありません。");
}
