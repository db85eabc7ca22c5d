#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const MB: u64 = 1_048_576;

fn gate() -> Gate {
    Gate::new(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(), 32 * MB)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name);
    std::fs::read(path).unwrap()
}

fn sjis(text: &str) -> Vec<u8> {
    okusuri_jahis::text::encode_cp932(text).unwrap()
}

const GOOD: &str = "JAHISTC08,1\r\n1,山田 太郎,1,19800101\r\n5,20261201,1\r\n\
    11,工業会薬局,13,4,1234567,,,,1\r\n201,1,ノルバスク錠２．５ｍｇ,1,錠,2,612170709,1\r\n\
    301,1,毎食後服用,3,日分,1,1,,1\r\n";

fn codes_of(r: Result<Admitted, Refused>) -> Vec<String> {
    match r {
        Ok(a) => panic!("admitted: {:?}", a.doc().issues),
        Err(e) => e.problems.into_iter().map(|i| i.code).collect(),
    }
}

#[test]
fn the_spec_examples_and_valid_fixtures_are_admitted() {
    for name in [
        "v26-example-01.txt",
        "v26-example-04.txt",
        "v26-example-08.txt",
        "v26-example-11.txt",
        "tc-minimal-valid.txt",
        "tc-multi-dispensing.txt",
        "tc-with-otc-components-and-remaining-medicine.txt",
        "tc-invalid-missing-drug-code.txt",
    ] {
        let admitted = gate().file(&fixture(name));
        assert!(
            admitted.is_ok(),
            "{name}: {:?}",
            admitted.err().map(|e| e.to_string())
        );
    }
    assert!(
        gate()
            .file(GOOD.as_bytes())
            .unwrap()
            .doc()
            .issues
            .is_empty()
    );
}

#[test]
fn a_huge_name_with_empty_sex_and_birth_date_is_refused_with_each_problem() {
    let text = format!(
        "JAHISTC08,1\r\n1,{},,\r\n5,20261201,1\r\n",
        "山".repeat(100)
    );
    let codes = codes_of(gate().file(&sjis(&text)));
    assert_eq!(
        codes,
        [
            "field.too_long",
            "field.required_missing",
            "field.required_missing"
        ]
    );
    let message = gate().file(&sjis(&text)).unwrap_err().to_string();
    assert!(
        message.starts_with("取り込みませんでした: 2行目 レコード1 項目1: "),
        "{message}"
    );
}

#[test]
fn dates_that_are_not_dates_or_out_of_range_are_refused() {
    let with = |from: &str, to: &str| sjis(&GOOD.replace(from, to));
    assert_eq!(
        codes_of(gate().file(&with("5,20261201", "5,20261399"))),
        ["field.date"]
    );
    assert_eq!(
        codes_of(gate().file(&with("5,20261201", "5,20261206"))),
        [codes::DISPENSED_IN_FUTURE]
    );
    assert!(
        gate().file(&with("5,20261201", "5,20261205")).is_ok(),
        "tomorrow is fine"
    );
    assert_eq!(
        codes_of(gate().file(&with("19800101", "18991231"))),
        [codes::DATE_BEFORE_1900]
    );
    assert_eq!(
        codes_of(gate().file(&with("19800101", "20261205"))),
        [codes::BIRTH_IN_FUTURE]
    );
}

#[test]
fn records_outside_their_parent_and_bad_amounts_are_refused() {
    let orphan = GOOD.replace("5,20261201,1\r\n11,", "11,");
    assert!(codes_of(gate().file(&sjis(&orphan))).contains(&"dispensing.without_date".to_owned()));
    let dose = GOOD.replace("錠２．５ｍｇ,1,錠", "錠２．５ｍｇ,0,錠");
    assert_eq!(codes_of(gate().file(&sjis(&dose))), [codes::DOSE_INVALID]);
    let days = GOOD.replace("毎食後服用,3,", "毎食後服用,0,");
    assert_eq!(codes_of(gate().file(&sjis(&days))), [codes::QUANTITY_ZERO]);
    let no_patient = GOOD.replace("1,山田 太郎,1,19800101\r\n", "");
    assert_eq!(
        codes_of(gate().file(&sjis(&no_patient))),
        ["patient.missing"]
    );
}

#[test]
fn a_file_cut_short_is_refused_and_a_whole_last_record_without_line_end_is_not() {
    let bytes = sjis(GOOD);
    // Cut inside the two-byte 服 of the last line.
    let at = bytes.len() - 20;
    let cut = &bytes[..at];
    let problems = gate().file(cut).unwrap_err().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.code == "text.undecodable" || p.code == codes::INCOMPLETE),
        "{problems:?}"
    );
    // Cut after a field: the record lost its last fields.
    let text = GOOD.trim_end().rsplit_once(",,").unwrap().0.to_owned();
    assert_eq!(codes_of(gate().file(&sjis(&text))), [codes::INCOMPLETE]);
    // The whole last record, only the line end missing (as in the spec's examples).
    assert!(gate().file(&sjis(GOOD.trim_end())).is_ok());
}

#[test]
fn any_line_end_reads_the_same() {
    let crlf = gate().file(&sjis(GOOD)).unwrap();
    for end in ["\n", "\r", "\n\r"] {
        let other = gate().file(&sjis(&GOOD.replace("\r\n", end))).unwrap();
        assert_eq!(other.doc(), crlf.doc(), "{end:?}");
    }
}

#[test]
fn too_large_is_refused_before_reading_and_bad_bytes_are_refused() {
    let small = Gate::new(gate().today, 10);
    assert_eq!(codes_of(small.file(GOOD.as_bytes())), [codes::TOO_LARGE]);
    assert!(small.check_size(11).is_err() && small.check_size(10).is_ok());
    let mut bom_then_sjis = b"\xEF\xBB\xBF".to_vec();
    bom_then_sjis.extend(sjis(GOOD));
    assert!(codes_of(gate().file(&bom_then_sjis)).contains(&"text.undecodable".to_owned()));
    assert_eq!(codes_of(gate().file(b"")), [codes::EMPTY]);
    assert_eq!(codes_of(gate().file(b"\x00\x01binary")), [codes::NOT_JAHIS]);
}

#[test]
fn warnings_stay_with_the_dispensing_they_concern() {
    let text = format!(
        "{GOOD}5,20261120,1\r\n201,1,ロキソニン錠６０ｍｇ,2,錠,2,610406001,1\r\n301,1,朝夕食後服用,14,日分,1,1,,1\r\n"
    );
    let admitted = gate().file(&sjis(&text)).unwrap();
    assert_eq!(
        admitted.dispensing_warnings(1).as_deref(),
        Some("7行目 レコード5: 調剤に調剤－医療機関等（11）がありません。")
    );
    assert_eq!(admitted.dispensing_warnings(0), None);
    assert!(
        admitted
            .doc()
            .issues
            .iter()
            .all(|i| i.severity == Severity::Warning)
    );
}

#[test]
fn documents_built_in_code_pass_the_same_rules() {
    let mut doc = gate().file(GOOD.as_bytes()).unwrap().doc().clone();
    assert!(gate().built(&doc).is_ok());
    doc.dispensings[0].date = Some("2027-01-01".into());
    doc.dispensings[0].date_text = Some("20270101".into());
    assert_eq!(codes_of(gate().built(&doc)), [codes::DISPENSED_IN_FUTURE]);
}

#[test]
fn scanned_parts_that_do_not_make_one_notebook_are_refused() {
    let part = fixture("v26-split-part-1.txt");
    let mut twice = part.clone();
    twice.extend_from_slice(b"\r\n");
    twice.extend_from_slice(&part);
    assert_eq!(codes_of(gate().scanned(&twice)), [codes::QR_PARTS]);
    let mut both = fixture("v26-split-part-2.txt");
    both.extend_from_slice(b"\r\n");
    both.extend_from_slice(&part);
    assert!(gate().scanned(&both).is_ok());
}

#[test]
fn control_characters_and_split_parts_in_a_file() {
    let nul = GOOD.replace("山田 太郎", "山田\u{0}太郎");
    assert_eq!(
        codes_of(gate().file(&sjis(&nul))),
        ["text.control_character"]
    );
    let part1 = fixture("v26-split-part-1.txt");
    let part2 = fixture("v26-split-part-2.txt");
    let join = |parts: &[&[u8]]| parts.join(&b"\r\n"[..]);
    assert!(
        gate().file(&join(&[&part1, &part2])).is_ok(),
        "both parts in one file"
    );
    assert_eq!(
        codes_of(gate().file(&part1)),
        [codes::QR_PARTS],
        "a part missing"
    );
    assert_eq!(
        codes_of(gate().file(&join(&[&part1, &part1]))),
        [codes::QR_PARTS],
        "a part twice"
    );
}

#[test]
fn a_record_number_with_leading_zeros_is_the_same_record() {
    // Found by the fuzzer: `001` escaped the rules of record 1.
    let text = "JAHISTC08,2\n19,山田 太郎,+,19800101\n001,2\n";
    let codes = codes_of(gate().file(text.as_bytes()));
    assert!(
        codes.iter().all(|c| c == "field.required_missing"),
        "{codes:?}"
    );
    assert_eq!(codes.len(), 2);
}

#[test]
fn what_the_gate_admits_it_admits_again_when_built_back() {
    // Found by the fuzzer: 出力区分 unreadable (`)1`), so provider-only
    // fields are not required; building it back must not require them.
    let text = GOOD
        .replace("JAHISTC08,1", "JAHISTC08,)1")
        .replace("毎食後服用,3,日分,1,1,,1", "毎食後服用,3,日分,1,,,1");
    let admitted = gate().file(&sjis(&text)).unwrap();
    assert_eq!(admitted.output_category, None);
    assert!(gate().built(&admitted).is_ok());
}

#[test]
fn rules_doc() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/import-rules.md");
    let generated = rules_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/import-rules.md is out of date: run UPDATE_DOCS=1 cargo test -p okusuri-domain rules_doc"
    );
}
