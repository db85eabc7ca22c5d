//! The masters a clinic supplies, read from their files, and the checks a
//! prescription must pass against them before anything is sent:
//! - the レセプト電算処理システム 医薬品マスター (`y.csv`: Shift_JIS, no header,
//!   42 columns);
//! - the 一般名処方マスタ (MHLW; a CSV saved from its Excel file);
//! - a usage master: the MHLW 電子処方箋用 用法マスタ as CSV (columns found by
//!   their header names), or the JAMI usage code list as a FHIR CodeSystem.
//!
//! A file is read whole or refused whole, with the line and the reason.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::prescription::{Prescription, Problem};

/// Why a master file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct MasterError {
    /// Which master (Japanese).
    pub file: &'static str,
    /// What is wrong, with the line when there is one.
    pub message: String,
}

fn err(file: &'static str, message: impl Into<String>) -> MasterError {
    MasterError {
        file,
        message: message.into(),
    }
}

/// Most bytes of one master file (the real 医薬品マスター is about 10 MB).
pub const MAX_MASTER_BYTES: usize = 200 * 1024 * 1024;

/// One drug of the 医薬品マスター.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DrugRow {
    /// 医薬品コード (レセプト電算, 9 digits).
    pub code: String,
    /// 漢字名称, exactly as sent on a prescription.
    pub name: String,
    /// カナ名称 (half-width).
    pub kana: String,
    /// 単位 (the 薬価基準 unit).
    pub unit: String,
    /// 麻薬・毒薬・覚醒剤原料・向精神薬 (0 none, 1 麻薬, 2 毒薬, 3 覚醒剤原料, 5 向精神薬).
    pub narcotic: String,
    /// 後発品 (0 / 1).
    pub generic: String,
    /// 剤形 (1 内用, 3 注射, 6 外用).
    pub form: String,
    /// 変更年月日 (YYYYMMDD).
    pub changed: String,
    /// 廃止年月日 (YYYYMMDD; 99999999 when current).
    pub abolished: String,
    /// 薬価基準収載医薬品コード (12).
    pub yakka_code: String,
    /// 経過措置年月日 (YYYYMMDD; 0 or empty when none).
    pub transition_until: String,
    /// 一般名コード (12).
    pub generic_name_code: String,
    /// 一般名処方の標準的な記載.
    pub generic_name: String,
}

/// One row of the 一般名処方マスタ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenericNameRow {
    /// 一般名コード (12, ends in `ZZZ`).
    pub code: String,
    /// 一般名処方の標準的な記載 (`【般】…`), exactly as sent.
    pub name: String,
    /// 成分名.
    pub ingredient: String,
    /// 区分 (内用薬 / 外用薬 / 注射薬).
    pub kind: String,
}

/// One standard usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UsageRow {
    /// The 16-character code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// Text of a master file: UTF-8 (with or without BOM) when valid, else Shift_JIS.
fn decode(file: &'static str, bytes: &[u8]) -> Result<String, MasterError> {
    if bytes.len() > MAX_MASTER_BYTES {
        return Err(err(
            file,
            format!(
                "ファイルが大きすぎます（上限 {} MB）。",
                MAX_MASTER_BYTES / 1024 / 1024
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    if bad {
        return Err(err(
            file,
            "文字コードを読めません（Shift_JIS でも UTF-8 でもありません）。",
        ));
    }
    Ok(text.into_owned())
}

fn rows(file: &'static str, text: &str) -> Result<Vec<(usize, Vec<String>)>, MasterError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| err(file, format!("{}行目を読めません: {e}", i + 1)))?;
        if rec.iter().all(str::is_empty) {
            continue;
        }
        out.push((i + 1, rec.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok(out)
}

/// Columns of the 医薬品マスター.
pub const Y_COLUMNS: usize = 42;

/// Reads the 医薬品マスター (`y.csv`). A header row (as in converted copies) is skipped.
pub fn read_drug_master(bytes: &[u8]) -> Result<Vec<DrugRow>, MasterError> {
    const FILE: &str = "医薬品マスター";
    let text = decode(FILE, bytes)?;
    let mut out = Vec::new();
    for (line, f) in rows(FILE, &text)? {
        if line == 1 && f.first().is_some_and(|v| v == "変更区分") {
            continue;
        }
        if f.len() < Y_COLUMNS {
            return Err(err(
                FILE,
                format!(
                    "{line}行目の項目が {} 個しかありません（{Y_COLUMNS} 個必要）。",
                    f.len()
                ),
            ));
        }
        let code = &f[2];
        if f[1] != "Y" || code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                FILE,
                format!(
                    "{line}行目は医薬品マスターの行ではありません（マスター種別「{}」、医薬品コード「{code}」）。文字コードか、ファイルの種類が違う可能性があります。",
                    f[1]
                ),
            ));
        }
        if f[4].chars().any(|c| ('\u{FF61}'..='\u{FF9F}').contains(&c)) {
            return Err(err(
                FILE,
                format!(
                    "{line}行目の漢字名称に半角カナがあります（「{}」）。Shift_JIS ではない文字コード（EUC-JP など）の可能性があります。",
                    f[4]
                ),
            ));
        }
        out.push(DrugRow {
            code: code.clone(),
            name: f[4].clone(),
            kana: f[6].clone(),
            unit: f[9].clone(),
            narcotic: f[13].clone(),
            generic: f[16].clone(),
            form: f[27].clone(),
            changed: f[29].clone(),
            abolished: f[30].clone(),
            yakka_code: f[31].clone(),
            transition_until: f[33].clone(),
            generic_name_code: f[36].clone(),
            generic_name: f[37].clone(),
        });
    }
    if out.is_empty() {
        return Err(err(FILE, "行がありません。"));
    }
    Ok(out)
}

/// Reads the 一般名処方マスタ (a CSV with its header row).
pub fn read_generic_master(bytes: &[u8]) -> Result<Vec<GenericNameRow>, MasterError> {
    const FILE: &str = "一般名処方マスタ";
    let text = decode(FILE, bytes)?;
    let rows = rows(FILE, &text)?;
    let (_, header) = rows.first().ok_or_else(|| err(FILE, "行がありません。"))?;
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(code), Some(name)) = (col("一般名コード"), col("一般名処方の標準的な記載"))
    else {
        return Err(err(
            FILE,
            "1行目に「一般名コード」と「一般名処方の標準的な記載」の見出しがありません。",
        ));
    };
    let ingredient = col("成分名");
    let kind = col("区分");
    let mut out = Vec::new();
    for (line, f) in rows.iter().skip(1) {
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).cloned().unwrap_or_default();
        let c = get(Some(code));
        if c.len() != 12 || !c.is_ascii() {
            return Err(err(
                FILE,
                format!("{line}行目の一般名コード「{c}」は 12 桁ではありません。"),
            ));
        }
        out.push(GenericNameRow {
            code: c,
            name: get(Some(name)),
            ingredient: get(ingredient),
            kind: get(kind),
        });
    }
    if out.is_empty() {
        return Err(err(FILE, "見出しのほかに行がありません。"));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct CodeSystem {
    concept: Vec<Concept>,
}

#[derive(Deserialize)]
struct Concept {
    code: String,
    display: String,
}

/// Reads a usage master: a FHIR CodeSystem (JSON, e.g. the JAMI list) or a
/// CSV whose header names a 用法コード and a 用法名称 column (the MHLW 用法マスタ).
pub fn read_usage_master(bytes: &[u8]) -> Result<Vec<UsageRow>, MasterError> {
    const FILE: &str = "用法マスタ";
    let text = decode(FILE, bytes)?;
    let out: Vec<UsageRow> = if text.trim_start().starts_with('{') {
        let cs: CodeSystem = serde_json::from_str(&text)
            .map_err(|e| err(FILE, format!("JSON（CodeSystem）を読めません: {e}")))?;
        cs.concept
            .into_iter()
            .map(|c| UsageRow {
                code: c.code,
                name: c.display,
            })
            .collect()
    } else {
        let rows = rows(FILE, &text)?;
        let (_, header) = rows.first().ok_or_else(|| err(FILE, "行がありません。"))?;
        let col = |want: &[&str]| {
            header
                .iter()
                .position(|h| want.iter().any(|w| h.contains(w)))
        };
        let (Some(code), Some(name)) = (
            col(&["用法コード", "usage_code"]),
            col(&["用法名称", "usage_name"]),
        ) else {
            return Err(err(
                FILE,
                "1行目に「用法コード」と「用法名称」の見出しがありません。",
            ));
        };
        let mut out = Vec::new();
        for (line, f) in rows.iter().skip(1) {
            let (Some(c), Some(n)) = (f.get(code), f.get(name)) else {
                return Err(err(FILE, format!("{line}行目の項目が足りません。")));
            };
            out.push(UsageRow {
                code: c.clone(),
                name: n.clone(),
            });
        }
        out
    };
    if let Some(bad) = out
        .iter()
        .find(|u| u.code.chars().count() != 16 || !u.code.is_ascii())
    {
        return Err(err(
            FILE,
            format!("用法コード「{}」は 16 桁ではありません。", bad.code),
        ));
    }
    if out.is_empty() {
        return Err(err(FILE, "用法がありません。"));
    }
    Ok(out)
}

/// The masters a prescription is checked against (in memory).
#[derive(Debug, Clone, Default)]
pub struct Masters {
    drugs: HashMap<String, DrugRow>,
    by_yakka: HashMap<String, String>,
    generics: HashMap<String, GenericNameRow>,
    usages: HashMap<String, UsageRow>,
    /// A usage master exists (its rows here may be only those asked for).
    usage_master: bool,
}

impl Masters {
    /// Masters from rows already read.
    pub fn new(
        drugs: Vec<DrugRow>,
        generics: Vec<GenericNameRow>,
        usages: Vec<UsageRow>,
    ) -> Masters {
        let by_yakka = drugs
            .iter()
            .map(|d| (d.yakka_code.clone(), d.code.clone()))
            .collect();
        let mut g: HashMap<String, GenericNameRow> = HashMap::new();
        // The drug master names 一般名 too; the 一般名処方マスタ wins where both have a code.
        for d in drugs.iter().filter(|d| !d.generic_name_code.is_empty()) {
            g.insert(
                d.generic_name_code.clone(),
                GenericNameRow {
                    code: d.generic_name_code.clone(),
                    name: d.generic_name.clone(),
                    ingredient: String::new(),
                    kind: String::new(),
                },
            );
        }
        g.extend(generics.into_iter().map(|r| (r.code.clone(), r)));
        Masters {
            drugs: drugs.into_iter().map(|d| (d.code.clone(), d)).collect(),
            by_yakka,
            generics: g,
            usage_master: !usages.is_empty(),
            usages: usages.into_iter().map(|u| (u.code.clone(), u)).collect(),
        }
    }

    /// Masters holding only the rows one prescription needs; `usage_master`
    /// says whether a usage master exists at all (so that a code missing
    /// from `usages` is reported, as with the whole master).
    pub fn subset(
        drugs: Vec<DrugRow>,
        generics: Vec<GenericNameRow>,
        usages: Vec<UsageRow>,
        usage_master: bool,
    ) -> Masters {
        Masters {
            usage_master,
            ..Masters::new(drugs, generics, usages)
        }
    }

    /// Masters read from their files' bytes: the 医薬品マスター, and the
    /// 一般名処方マスタ and a usage master when given.
    pub fn from_files(
        drug: &[u8],
        generic: Option<&[u8]>,
        usage: Option<&[u8]>,
    ) -> Result<Masters, MasterError> {
        let generics = generic
            .map(read_generic_master)
            .transpose()?
            .unwrap_or_default();
        let usages = usage
            .map(read_usage_master)
            .transpose()?
            .unwrap_or_default();
        Ok(Masters::new(read_drug_master(drug)?, generics, usages))
    }

    /// The drug with レセプト電算 code `code`.
    pub fn drug(&self, code: &str) -> Option<&DrugRow> {
        self.drugs.get(code)
    }

    /// The drug whose 薬価基準収載医薬品コード is `code` (12).
    pub fn drug_by_yakka(&self, code: &str) -> Option<&DrugRow> {
        self.by_yakka.get(code).and_then(|c| self.drugs.get(c))
    }

    /// A drug of 一般名コード `code` (its unit is the 一般名's unit); the
    /// lowest code when several are (the same on every call).
    pub fn drug_with_generic(&self, code: &str) -> Option<&DrugRow> {
        self.drugs
            .values()
            .filter(|d| d.generic_name_code == code)
            .min_by(|a, b| a.code.cmp(&b.code))
    }

    /// The 一般名処方マスタ row of `code` (12, `…ZZZ`).
    pub fn generic(&self, code: &str) -> Option<&GenericNameRow> {
        self.generics.get(code)
    }

    /// The standard usage `code`.
    pub fn usage(&self, code: &str) -> Option<&UsageRow> {
        self.usages.get(code)
    }

    /// Whether any usage master is loaded.
    pub fn has_usages(&self) -> bool {
        self.usage_master
    }

    /// Every reason `p` must not be sent as it is, per line, against these
    /// masters on `date` (YYYYMMDD): unknown, abolished or expired drug
    /// codes, names that differ from the master, quantities not in the 薬価基準
    /// unit, and usages without a standard code in the usage master.
    pub fn check(&self, p: &Prescription, date: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        for rp in &p.rps {
            let usage = &rp.usage;
            let rp_err = |field: &'static str, msg: String| {
                Problem::error(
                    0,
                    Some(111),
                    Some(field),
                    format!("RP {}: {msg}", rp.number),
                )
            };
            if usage.code.is_empty() {
                out.push(rp_err("用法コード", format!("用法「{}」に標準の用法コードがありません。用法の紐付けで標準の用法を選んでください。", usage.name)));
            } else if self.has_usages() && self.usage(&usage.code).is_none() {
                out.push(rp_err(
                    "用法コード",
                    format!("用法コード {} は用法マスタにありません。", usage.code),
                ));
            }
            for d in &rp.drugs {
                let e = |field: &'static str, msg: String| {
                    Problem::error(
                        0,
                        Some(201),
                        Some(field),
                        format!("RP {} の {}（{}）: {msg}", rp.number, d.seq, d.name),
                    )
                };
                match d.code_kind.as_str() {
                    "2" | "3" => {
                        let row = if d.code_kind == "2" {
                            self.drugs.get(&d.code)
                        } else {
                            self.by_yakka.get(&d.code).and_then(|c| self.drugs.get(c))
                        };
                        let Some(row) = row else {
                            out.push(e("薬品コード", format!("薬品コード {} は医薬品マスターにありません。", d.code)));
                            continue;
                        };
                        if !row.abolished.is_empty() && row.abolished != "99999999" && row.abolished.as_str() <= date {
                            out.push(e("薬品コード", format!("{} に廃止された薬品です。", row.abolished)));
                        }
                        let until = row.transition_until.as_str();
                        if until.len() == 8 && until != "00000000" && until < date {
                            out.push(e("薬品コード", format!("経過措置の期限（{until}）を過ぎています。")));
                        }
                        if row.changed.len() == 8 && row.changed.as_str() > date {
                            out.push(e("薬品コード", format!("この行のマスターは {} からのものです（交付日より後）。", row.changed)));
                        }
                        if d.name != row.name {
                            out.push(e("薬品名称", format!("名称がマスターと違います（マスター:「{}」）。名称はマスターのとおりに送ります。", row.name)));
                        }
                        if d.unit != row.unit {
                            out.push(e("単位名", format!("単位「{}」は薬価基準の単位「{}」ではありません。", d.unit, row.unit)));
                        }
                    }
                    "7" => match self.generics.get(&d.code) {
                        None => out.push(e("薬品コード", format!("一般名コード {} は一般名処方マスタにありません。", d.code))),
                        Some(g) if g.name != d.name => {
                            out.push(e("薬品名称", format!("名称が一般名処方マスタと違います（マスター:「{}」）。", g.name)));
                        }
                        Some(_) => {}
                    },
                    kind => out.push(e("薬品コード種別", format!("薬品コード種別 {kind} はマスターで確かめられません（2 レセプト電算・3 薬価基準・7 一般名のいずれかで送ります）。"))),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: &str = include_str!("../tests/fixtures/y-slice.csv");
    const IPPAN: &str = include_str!("../tests/fixtures/ippan-slice.csv");
    const JAMI: &str = include_str!("../tests/fixtures/jami-usage-codes.json");

    #[test]
    fn the_real_slices_read_in_utf8_and_shift_jis() {
        let rows = read_drug_master(Y.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows.len(), 8);
        let ms = rows
            .iter()
            .find(|r| r.code == "610406378")
            .unwrap_or_else(|| panic!("MSコンチン"));
        assert_eq!(
            (ms.name.as_str(), ms.unit.as_str(), ms.narcotic.as_str()),
            ("ＭＳコンチン錠６０ｍｇ", "錠", "1")
        );
        let body: String = Y.lines().skip(1).map(|l| format!("{l}\r\n")).collect();
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&body);
        assert_eq!(
            read_drug_master(&sjis).unwrap_or_else(|e| panic!("{e}")),
            rows
        );
        assert_eq!(
            read_generic_master(IPPAN.as_bytes()).map(|r| r.len()),
            Ok(5)
        );
        let usages = read_usage_master(JAMI.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert!(usages.iter().any(|u| u.code == "1013044400000000"));
    }

    #[test]
    fn broken_master_files_are_refused_whole_with_the_line() {
        let short = "0,Y,610406079,7,ガスター散２％\n";
        let e = read_drug_master(short.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("1行目の項目が 5 個しかありません"), "{e}");
        let (utf16, _, _) = encoding_rs::UTF_16LE.encode("x");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice(&utf16);
        bytes.extend_from_slice(&[0x00, 0xD8, 0x00, 0x00, 0xFF, 0xFF]);
        let e = read_drug_master(&bytes).unwrap_err().to_string();
        assert!(
            e.contains("文字コード") || e.contains("医薬品マスターの行ではありません"),
            "{e}"
        );
        let (euc, _, _) = encoding_rs::EUC_JP.encode(Y.lines().nth(1).unwrap_or_default());
        let e = read_drug_master(&euc).unwrap_err().to_string();
        assert!(e.contains("文字コード"), "{e}");
        let halfwidth = Y
            .lines()
            .nth(1)
            .unwrap_or_default()
            .replacen("ガスター散２％", "ｶﾞｽﾀｰ", 1);
        let e = read_drug_master(halfwidth.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("EUC-JP"), "{e}");
        let e = read_usage_master(b"{\"concept\":[{\"code\":\"1\",\"display\":\"x\"}]}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("16 桁"), "{e}");
    }
}
