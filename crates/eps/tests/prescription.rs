//! The prescription CSV forms and the document: round trips, the standard's
//! layout written byte for byte, and validation messages a doctor can act on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default,
    missing_docs
)]

use okusuri_eps::masters;
use okusuri_eps::prescription::{self, Form, Prescription, build, csv, parse};
use proptest::prelude::*;

const SAMPLE: &str = include_str!("fixtures/prescription-sj1.csv");

fn messages(bytes: &[u8]) -> Vec<String> {
    parse(bytes)
        .expect("readable")
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_spec_layout_prescription_is_valid_and_written_back_byte_for_byte() {
    let parsed = parse(SAMPLE.as_bytes()).expect("readable");
    assert_eq!(parsed.problems, vec![], "{:?}", parsed.problems);
    assert_eq!(parsed.form, Form::Sj1);
    let p = &parsed.prescription;
    assert_eq!(p.rps.len(), 3);
    assert_eq!(p.rps[0].drugs[1].name, "ムコダイン錠５００ｍｇ");
    assert_eq!(p.rps[0].drugs[1].notes[0].text, "後発品変更不可");
    assert_eq!(p.public_expenses[0].payer, "12123456");
    let (bytes, problems) = build(p, Form::Sj1, false);
    assert!(problems.is_empty());
    assert_eq!(String::from_utf8(bytes).expect("utf-8"), SAMPLE);
}

#[test]
fn the_same_prescription_as_a_jahis10_symbol_is_shift_jis_crlf_and_reads_back() {
    let p = parse(SAMPLE.as_bytes()).expect("readable").prescription;
    let (bytes, problems) = build(&p, Form::Jahis10, false);
    assert!(problems.is_empty(), "{problems:?}");
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    assert_eq!(
        text,
        SAMPLE.replacen("SJ1", "JAHIS10", 1).replace('\n', "\r\n")
    );
    let back = parse(&bytes).expect("readable");
    assert_eq!(back.form, Form::Jahis10);
    assert_eq!(back.prescription, p);
    assert!(back.is_valid(), "{:?}", back.problems);
}

#[test]
fn the_document_carries_the_csv_in_both_base64_layers() {
    let p = parse(SAMPLE.as_bytes()).expect("readable").prescription;
    let (xml, _) = build(&p, Form::Sj1, true);
    let info = prescription::prescription_info(std::str::from_utf8(&xml).expect("utf-8"));
    let back = parse(info.as_bytes()).expect("the Base64 of the document reads");
    assert!(back.document);
    assert_eq!(back.prescription, p);
}

#[test]
fn crlf_in_an_sj1_file_is_the_error_the_service_would_give() {
    let msgs = messages(SAMPLE.replace('\n', "\r\n").as_bytes());
    assert!(
        msgs.iter()
            .any(|m| m.contains("CR LF") && m.contains("EPSB0052E")),
        "{msgs:?}"
    );
}

#[test]
fn each_problem_names_its_line_record_and_field() {
    let broken = SAMPLE
        .replace(
            "201,1,1,1,2,610406387,ハイペン錠１００ｍｇ,3,1,錠",
            "201,1,1,1,2,61040638,ハイペン錠１００ｍｇ,3.50,1,錠",
        )
        .replace("12,2\n", "")
        .replace("51,20261204", "51,20261304");
    let msgs = messages(broken.as_bytes());
    let want = [
        "19行目 201 薬品レコード「薬品コード」: 薬品コード種別 2 のコードは 9 桁です（「61040638」）。",
        "19行目 201 薬品レコード「用量」: 「3.50」は規約の数量の形ではありません",
        "12 患者性別レコード: ありません（必須）。",
        "14行目 51 処方箋交付年月日レコード「処方箋交付年月日」: 「20261304」は日付ではありません",
    ];
    for w in want {
        assert!(
            msgs.iter().any(|m| m.starts_with(w)),
            "missing {w}\nin {msgs:#?}"
        );
    }
}

#[test]
fn records_out_of_the_standards_order_are_errors() {
    // A drug before its RP's usage, and all RPs' 101 first (as one EMR sorts them).
    let swapped = SAMPLE.replace(
        "111,1,3,1013044400000000,1日3回朝昼夕食後 服用,3\n181,1,1,5,食後すぐ,,\n201,1,1,1,2,610406387,ハイペン錠１００ｍｇ,3,1,錠\n",
        "201,1,1,1,2,610406387,ハイペン錠１００ｍｇ,3,1,錠\n111,1,3,1013044400000000,1日3回朝昼夕食後 服用,3\n181,1,1,5,食後すぐ,,\n",
    );
    let msgs = messages(swapped.as_bytes());
    assert!(
        msgs.iter()
            .any(|m| m.contains("用法レコードは RP 1 の薬品より前に書きます")),
        "{msgs:#?}"
    );
    let sorted: String = {
        let mut lines: Vec<&str> = SAMPLE.lines().skip(1).collect();
        lines.sort_by_key(|l| l.split(',').next().and_then(|n| n.parse::<u16>().ok()));
        std::iter::once("SJ1")
            .chain(lines)
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let msgs = messages(sorted.as_bytes());
    assert!(
        msgs.iter().any(|m| m.contains("順序が規約と違います")),
        "{msgs:#?}"
    );
}

#[test]
fn the_signed_test_vectors_toy_csv_reads_and_its_gaps_are_listed() {
    let xml = include_bytes!("fixtures/xades-signed.xml");
    let parsed = parse(xml).expect("the golden document reads");
    assert!(parsed.document);
    assert_eq!(parsed.prescription.rps[0].drugs[0].code, "620000001");
    let msgs: Vec<String> = parsed.problems.iter().map(ToString::to_string).collect();
    for missing in [
        "12 患者性別レコード: ありません",
        "22 保険者番号レコード: ありません",
    ] {
        assert!(msgs.iter().any(|m| m.starts_with(missing)), "{msgs:#?}");
    }
}

#[test]
fn text_that_is_not_a_prescription_is_refused_not_guessed() {
    for bad in [&b""[..], b"<html/>", b"\x00\x01\x02", b"JAHIS\n1"] {
        let err = parse(bad).expect_err("refused");
        assert!(!err.message.is_empty());
    }
}

fn masters() -> masters::Masters {
    let drugs = masters::read_drug_master(include_bytes!("fixtures/y-slice.csv")).expect("y");
    let generics =
        masters::read_generic_master(include_bytes!("fixtures/ippan-slice.csv")).expect("ippan");
    let mut usages = masters::read_usage_master(include_bytes!("fixtures/jami-usage-codes.json"))
        .expect("usage");
    // Two codes of the MHLW 用法マスタ (from its public examples) the JAMI list lacks.
    for (code, name) in [
        ("2H50B10000000000", "起床時 点眼"),
        ("1050110000000000", "疼痛時 服用"),
    ] {
        usages.push(masters::UsageRow {
            code: code.into(),
            name: name.into(),
        });
    }
    masters::Masters::new(drugs, generics, usages)
}

#[test]
fn the_sample_passes_the_real_master_slices_on_its_date() {
    let p = parse(SAMPLE.as_bytes()).expect("readable").prescription;
    assert_eq!(masters().check(&p, "20261204"), vec![]);
}

#[test]
fn unknown_codes_wrong_names_units_and_unmapped_usages_are_refused_per_line() {
    let broken = SAMPLE
        .replace(
            "610406387,ハイペン錠１００ｍｇ,3,1,錠",
            "610406388,ハイペン錠１００ｍｇ,3,1,錠",
        )
        .replace(
            "610407447,ムコダイン錠５００ｍｇ,3,1,錠",
            "610407447,ムコダイン錠500mg,3,1,錠",
        )
        .replace("エンシュア・Ｈ,250,1,ｍＬ", "エンシュア・Ｈ,1,1,缶")
        .replace(
            "111,2,3,1050110000000000,疼痛時 服用,",
            "111,2,1,,痛いとき,",
        );
    let p = parse(broken.as_bytes()).expect("readable").prescription;
    let msgs: Vec<String> = masters()
        .check(&p, "20261204")
        .iter()
        .map(ToString::to_string)
        .collect();
    let want = [
        "201 薬品レコード「薬品コード」: RP 1 の 1（ハイペン錠１００ｍｇ）: 薬品コード 610406388 は医薬品マスターにありません。",
        "201 薬品レコード「薬品名称」: RP 1 の 2（ムコダイン錠500mg）: 名称がマスターと違います（マスター:「ムコダイン錠５００ｍｇ」）",
        "201 薬品レコード「単位名」: RP 3 の 1（エンシュア・Ｈ）: 単位「缶」は薬価基準の単位「ｍＬ」ではありません。",
        "111 用法レコード「用法コード」: RP 2: 用法「痛いとき」に標準の用法コードがありません。",
    ];
    for w in want {
        assert!(
            msgs.iter().any(|m| m.starts_with(w)),
            "missing {w}\nin {msgs:#?}"
        );
    }
    assert_eq!(msgs.len(), 4, "{msgs:#?}");
    // A drug abolished before the 交付日.
    let mut drugs = masters::read_drug_master(include_bytes!("fixtures/y-slice.csv")).expect("y");
    drugs
        .iter_mut()
        .for_each(|d| d.abolished = "20261201".into());
    let m = masters::Masters::new(drugs, vec![], vec![]);
    let p = parse(SAMPLE.as_bytes()).expect("readable").prescription;
    assert!(
        m.check(&p, "20261204")
            .iter()
            .any(|p| p.message.contains("20261201 に廃止された薬品です"))
    );
}

// --- property tests: read(write(x)) == x for both forms ---

fn text(max: usize) -> impl Strategy<Value = String> {
    // Kanji, kana, half-width kana, ASCII and full-width signs — no ASCII
    // comma or line break (the writer changes those) and no edge spaces.
    proptest::string::string_regex(&format!("[a-zA-Z0-9ぁ-んァ-ヶｱ-ﾝ（）・－ー山田花子錠散薬鈴木高橋髙朝昼夕食後服用内科眼点両]{{0,{max}}}"))
        .expect("regex")
}

fn digits(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[0-9]{{{min},{max}}}")).expect("regex")
}

fn amount() -> impl Strategy<Value = String> {
    (0u32..999_999, 0u32..99_999).prop_map(|(i, d)| {
        let frac = format!("{d:05}");
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            i.to_string()
        } else {
            format!("{i}.{frac}")
        }
    })
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

fn drug(seq: usize) -> impl Strategy<Value = prescription::Drug> {
    (
        (
            digits(1, 1),
            digits(1, 1),
            digits(0, 13),
            text(40),
            amount(),
            text(6),
        ),
        opt(amount()),
        opt((
            proptest::collection::vec(opt(amount()), 5),
            proptest::collection::vec(digits(0, 8), 5),
        )),
        opt(proptest::collection::vec(digits(0, 1), 4)),
        opt((digits(1, 3), digits(0, 2))),
        proptest::collection::vec((digits(1, 3), digits(0, 2), text(50), digits(0, 8)), 0..3),
    )
        .prop_map(
            move |(
                (kind, code_kind, code, name, amount, unit),
                factor,
                uneven,
                burden,
                per_dose,
                notes,
            )| {
                prescription::Drug {
                    seq: seq.to_string(),
                    info_kind: kind,
                    code_kind,
                    code,
                    name,
                    amount,
                    potency: "1".into(),
                    unit,
                    unit_factor: factor,
                    uneven: uneven.map(|(doses, codes)| {
                        doses
                            .into_iter()
                            .map(Option::unwrap_or_default)
                            .chain(codes)
                            .collect()
                    }),
                    burden,
                    per_dose: per_dose.map(|(dose, times_per_day)| prescription::PerDose {
                        dose,
                        times_per_day,
                    }),
                    notes: notes
                        .into_iter()
                        .map(|(seq, kind, text, code)| prescription::DrugNote {
                            seq,
                            kind,
                            text,
                            code,
                        })
                        .collect(),
                }
            },
        )
}

fn rp(number: usize) -> impl Strategy<Value = prescription::Rp> {
    (
        (
            digits(1, 1),
            digits(1, 3),
            opt((digits(1, 3), digits(1, 3))),
        ),
        (digits(1, 1), digits(0, 16), text(50), digits(0, 2)),
        proptest::collection::vec(
            (
                digits(1, 3),
                digits(0, 2),
                text(50),
                digits(0, 8),
                digits(0, 3),
            ),
            0..3,
        ),
        (1usize..4).prop_flat_map(|n| (1..=n).map(drug).collect::<Vec<_>>()),
    )
        .prop_map(
            move |((form, quantity, split), (code_kind, code, name, times), notes, drugs)| {
                prescription::Rp {
                    number: number.to_string(),
                    form,
                    form_name: String::new(),
                    quantity,
                    split_quantity: split
                        .map(|(per_split, total)| prescription::SplitQuantity { per_split, total }),
                    usage: prescription::Usage {
                        code_kind,
                        code,
                        name,
                        times_per_day: times,
                    },
                    usage_notes: notes
                        .into_iter()
                        .map(|(seq, kind, text, code, site)| prescription::UsageNote {
                            seq,
                            kind,
                            text,
                            code,
                            site,
                        })
                        .collect(),
                    drugs,
                }
            },
        )
}

fn prescription_strategy(with_trailer: bool) -> impl Strategy<Value = Prescription> {
    (
        (
            text(60),
            digits(7, 7),
            opt((digits(0, 3), text(50))),
            opt((digits(1, 3), text(50))),
            text(20),
            text(20),
        ),
        (
            digits(8, 8),
            opt(digits(1, 1)),
            opt(digits(1, 1)),
            digits(0, 8),
            text(20),
            text(20),
        ),
        (
            proptest::collection::btree_map(1u8..=4, (digits(1, 8), digits(0, 7)), 0..4),
            opt(digits(4, 4)),
            digits(8, 8),
            opt(digits(8, 8)),
            opt((text(10), text(50), digits(1, 13))),
        ),
        (
            proptest::collection::vec((digits(1, 3), digits(0, 2), text(50)), 0..3),
            opt(digits(16, 16)),
            opt(digits(1, 1)),
            opt((digits(1, 2), digits(1, 2))),
        ),
        (1usize..4).prop_flat_map(|n| (1..=n).map(rp).collect::<Vec<_>>()),
        proptest::collection::vec(
            (digits(1, 3), text(40), text(100)),
            0..if with_trailer { 3 } else { 1 },
        ),
    )
        .prop_map(
            |(
                (inst_name, inst_code, address, phone, doctor, patient),
                (birth, sex, burden, insurer, symbol, number),
                (expenses, receipt, issue, expiry, narcotic),
                (remarks, access, leftover, split),
                rps,
                notes,
            )| {
                let mut p = Prescription::default();
                p.institution = prescription::Institution {
                    kind: "1".into(),
                    code: inst_code,
                    prefecture: "13".into(),
                    name: inst_name,
                    address: address.map(|(postal_code, address)| prescription::Address {
                        postal_code,
                        address,
                    }),
                    phone: phone.map(|(phone, other)| prescription::Phone {
                        phone,
                        fax: String::new(),
                        other,
                    }),
                };
                p.doctor.name = doctor;
                p.patient = prescription::Patient {
                    name: patient,
                    sex: sex.unwrap_or_else(|| "1".into()),
                    birth_date: birth,
                    burden_category: burden,
                    ..Default::default()
                };
                p.insurance.insurer_number = insurer;
                p.insurance.symbol = symbol;
                p.insurance.number = number;
                p.insurance.relation = "1".into();
                p.public_expenses = expenses
                    .into_iter()
                    .map(|(slot, (payer, recipient))| prescription::PublicExpense {
                        slot,
                        payer,
                        recipient,
                    })
                    .collect();
                p.receipt_kind = receipt;
                p.issue_date = issue;
                p.expiry_date = expiry;
                p.narcotic = narcotic.map(|(license, address, phone)| prescription::Narcotic {
                    license,
                    address,
                    phone,
                });
                p.remarks = remarks
                    .into_iter()
                    .map(|(seq, kind, text)| prescription::Remark { seq, kind, text })
                    .collect();
                p.access_code = access;
                p.leftover_check = leftover;
                p.split = split.map(|(count, nth)| prescription::Split { count, nth });
                p.rps = rps;
                p.clinical_notes = notes
                    .into_iter()
                    .map(|(seq, drug_name, comment)| prescription::ClinicalNote {
                        seq,
                        drug_name,
                        comment,
                    })
                    .collect();
                p
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sj1_reads_back_what_it_wrote(p in prescription_strategy(true)) {
        let (bytes, problems) = build(&p, Form::Sj1, false);
        prop_assert!(problems.is_empty());
        let read = csv::read(&bytes).expect("readable");
        prop_assert_eq!(read.prescription(), p.clone());
        // and the document around it.
        let (xml, _) = build(&p, Form::Sj1, true);
        prop_assert_eq!(parse(&xml).expect("document").prescription, p);
    }

    #[test]
    fn jahis10_reads_back_what_it_wrote(p in prescription_strategy(false)) {
        let (bytes, problems) = build(&p, Form::Jahis10, false);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let read = csv::read(&bytes).expect("readable");
        prop_assert!(read.shift_jis || bytes.is_ascii());
        prop_assert_eq!(read.prescription(), p);
    }

    #[test]
    fn any_bytes_are_read_or_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut input = b"SJ1\n".to_vec();
        input.extend_from_slice(&bytes);
        let _ = parse(&input);
        let _ = parse(&bytes);
    }
}
