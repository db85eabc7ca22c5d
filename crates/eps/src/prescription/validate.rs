//! Strict validation of a read CSV against the record table: the version
//! line and line ends of its form, record order, required records, field
//! counts, kinds, lengths and codes, and the RP/drug numbering.

use std::collections::{BTreeMap, BTreeSet};

use super::csv::{Form, ReadCsv};
use super::layout::{self, FieldKind, Group, RECORDS};
use super::model::Record;
use super::problem::Problem;

/// Every problem of `read` (including the reader's own), in line order.
pub fn validate(read: &ReadCsv) -> Vec<Problem> {
    let mut out = read.problems.clone();
    if read.form == Form::Sj1 && read.crlf {
        out.push(Problem::error(
            0,
            None,
            None,
            "改行コードが CR LF です。電子処方箋の CSV は LF で記録します（電子処方箋管理サービスは EPSB0052E で受け付けません）。",
        ));
    }
    if read.form == Form::Jahis10 && !read.crlf && read.records.len() > 1 {
        out.push(Problem::warning(
            0,
            None,
            None,
            "JAHIS10 の改行は CR LF ですが LF でした。",
        ));
    }
    for r in &read.records {
        check_fields(r, &mut out);
        check_codes(r, &mut out);
    }
    check_structure(&read.records, &mut out);
    out.sort_by_key(|p| p.line);
    out
}

fn check_fields(r: &Record, out: &mut Vec<Problem>) {
    let Some(spec) = layout::spec(r.no) else {
        out.push(Problem::error(
            r.line,
            None,
            None,
            format!("レコード {} は規約にありません。", r.no),
        ));
        return;
    };
    if r.fields.len() != spec.fields.len() {
        out.push(Problem::error(
            r.line,
            Some(r.no),
            None,
            format!(
                "項目の数が {} 個です（規約では {} 個）。",
                r.fields.len(),
                spec.fields.len()
            ),
        ));
    }
    for (field, value) in spec.fields.iter().zip(r.fields.iter()) {
        let problem = |msg: String| Problem::error(r.line, Some(r.no), Some(field.name), msg);
        if value.is_empty() {
            if field.required {
                out.push(problem("空です（必須）。".into()));
            }
            continue;
        }
        if value != value.trim_matches([' ', '\u{3000}']) {
            out.push(problem("前後に空白があります。".into()));
        }
        let len = value.chars().count();
        if len > field.max {
            out.push(problem(format!(
                "{len} 文字あります（上限 {} 文字）。",
                field.max
            )));
        }
        match field.kind {
            FieldKind::Digits if !value.bytes().all(|b| b.is_ascii_digit()) => {
                out.push(problem(format!(
                    "数字でなければなりません（「{value}」）。"
                )));
            }
            FieldKind::Ascii if !value.is_ascii() => {
                out.push(problem(format!(
                    "半角英数字でなければなりません（「{value}」）。"
                )));
            }
            FieldKind::Amount if !layout::is_amount(value) => {
                out.push(problem(format!(
                    "「{value}」は規約の数量の形ではありません（整数 6 桁・小数 5 桁まで、先頭と末尾の 0 なし。例: 1.5, 0.25, 100）。"
                )));
            }
            _ => {}
        }
        if !field.codes.is_empty() && !field.codes.contains(&value.as_str()) {
            out.push(problem(format!(
                "「{value}」は使えないコードです（{} のいずれか）。",
                field.codes.join(", ")
            )));
        }
    }
}

/// The rules between fields of one record: a code kind and its code, a
/// note kind and its code, dates.
fn check_codes(r: &Record, out: &mut Vec<Problem>) {
    let err =
        |field: &'static str, msg: String| Problem::error(r.line, Some(r.no), Some(field), msg);
    let g = |i: usize| r.get(i);
    match r.no {
        13 | 51 | 52 => {
            let field = layout::spec(r.no)
                .and_then(|s| s.fields.first())
                .map(|f| f.name)
                .unwrap_or_default();
            let v = g(0);
            let required_full = r.no != 13;
            if !v.is_empty() && !is_date(&v, required_full) {
                out.push(err(
                    field,
                    format!("「{v}」は日付ではありません（西暦 YYYYMMDD）。"),
                ));
            }
        }
        111 => {
            let (kind, code) = (g(1), g(2));
            if kind == "1" && !code.is_empty() {
                out.push(err(
                    "用法コード",
                    "用法コード種別が 1（コードなし）なのにコードがあります。".into(),
                ));
            }
            if kind != "1" && !kind.is_empty() && code.is_empty() {
                out.push(err(
                    "用法コード",
                    format!("用法コード種別 {kind} なのにコードが空です。"),
                ));
            }
            if matches!(kind.as_str(), "2" | "3") && !code.is_empty() && code.chars().count() != 16
            {
                out.push(err(
                    "用法コード",
                    format!("「{code}」は 16 桁の用法コードではありません。"),
                ));
            }
        }
        181 if g(2) == "8" && g(4).is_empty() => {
            out.push(err(
                "補足用法コード",
                "用法補足区分 8（JAMI補足用法）には補足用法コードが必要です。".into(),
            ));
        }
        181 if g(2) == "9" && g(5).is_empty() => {
            out.push(err(
                "部位コード",
                "用法補足区分 9（JAMI部位）には部位コードが必要です。".into(),
            ));
        }
        201 => {
            let (kind, code, name) = (g(3), g(4), g(5));
            let expected = match kind.as_str() {
                "2" => Some(9),
                "3" | "4" | "7" => Some(12),
                _ => None,
            };
            if let Some(len) = expected
                && code.chars().count() != len
            {
                out.push(err(
                    "薬品コード",
                    format!("薬品コード種別 {kind} のコードは {len} 桁です（「{code}」）。"),
                ));
            }
            if kind == "1" && !code.is_empty() {
                out.push(err(
                    "薬品コード",
                    "薬品コード種別が 1（コードなし）なのにコードがあります。".into(),
                ));
            }
            if name.is_empty() && (kind != "2" || code == "777770000") {
                out.push(err(
                    "薬品名称",
                    "薬品名称が空です（レセプト電算コード以外では必須）。".into(),
                ));
            }
        }
        281 if g(3) == "7" && g(5).is_empty() => {
            out.push(err(
                "補足用法コード",
                "薬品補足区分 7（JAMI補足用法）には補足用法コードが必要です。".into(),
            ));
        }
        _ => {}
    }
}

/// Whether `v` is a date: `YYYYMMDD` (or, when `full` is false, also `YYYYMM`
/// or `YYYY`), or the 和暦 forms `GYYMMDD` / `GYYMM` / `GYY`.
fn is_date(v: &str, full: bool) -> bool {
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let n = |a: usize, b: usize| v[a..b].parse::<u32>().unwrap_or(0);
    let ymd = |y: usize| {
        let (m, d) = (n(y, y + 2), n(y + 2, y + 4));
        (1..=12).contains(&m) && (1..=31).contains(&d)
    };
    match v.len() {
        8 => ymd(4),
        7 => ymd(3),
        6 | 5 if !full => (1..=12).contains(&n(v.len() - 2, v.len())),
        4 | 3 if !full => true,
        _ => false,
    }
}

/// Where a record may come: its group, its RP and drug, and its rank.
fn position(r: &Record) -> Option<(Group, String, String, usize)> {
    let spec = layout::spec(r.no)?;
    let rank = RECORDS.iter().position(|s| s.no == r.no)?;
    Some(match spec.group {
        Group::Header | Group::Trailer => (spec.group, String::new(), String::new(), rank),
        Group::Rp => (spec.group, r.get(0), String::new(), rank),
        Group::Drug => (spec.group, r.get(0), r.get(1), rank),
    })
}

fn check_structure(records: &[Record], out: &mut Vec<Problem>) {
    // Order: header records by number; then per RP its RP records by number and
    // each drug's records by number; then the trailer.
    let mut seen_rps: BTreeSet<String> = BTreeSet::new();
    let mut current_rp: Option<String> = None;
    let mut current_drug: Option<String> = None;
    let mut last: Option<(Group, usize)> = None;
    let mut counts: BTreeMap<(u16, String, String), usize> = BTreeMap::new();
    for r in records {
        let Some((group, rp, drug, rank)) = position(r) else {
            continue;
        };
        let spec_name = layout::spec(r.no).map(|s| s.name).unwrap_or_default();
        *counts.entry((r.no, rp.clone(), drug.clone())).or_default() += 1;
        let out_of_order = |why: &str| {
            Problem::error(
                r.line,
                Some(r.no),
                None,
                format!("順序が規約と違います: {why}"),
            )
        };
        match group {
            Group::Header => {
                if current_rp.is_some() || matches!(last, Some((Group::Trailer, _))) {
                    out.push(out_of_order(
                        "処方箋全体のレコード（1〜82）は RP より前に書きます。",
                    ));
                } else if let Some((Group::Header, prev)) = last
                    && rank < prev
                {
                    out.push(out_of_order("レコード番号の小さい順に書きます。"));
                }
            }
            Group::Rp => {
                if current_rp.as_deref() != Some(rp.as_str()) {
                    if r.no != 101 {
                        out.push(out_of_order("RP は剤形レコード（101）から始めます。"));
                    }
                    if !seen_rps.insert(rp.clone()) {
                        out.push(out_of_order(&format!(
                            "RP {rp} のレコードが離れて書かれています。"
                        )));
                    }
                    current_rp = Some(rp.clone());
                    current_drug = None;
                } else if current_drug.is_some() {
                    out.push(out_of_order(&format!(
                        "{spec_name}は RP {rp} の薬品より前に書きます。"
                    )));
                } else if let Some((Group::Rp, prev)) = last
                    && rank < prev
                {
                    out.push(out_of_order("RP 内はレコード番号の小さい順に書きます。"));
                }
                if matches!(last, Some((Group::Trailer, _))) {
                    out.push(out_of_order("RP はレコード 301/302 より前に書きます。"));
                }
            }
            Group::Drug => {
                if current_rp.as_deref() != Some(rp.as_str()) {
                    out.push(out_of_order(&format!(
                        "薬品は RP {rp} の剤形・用法レコードの後に書きます。"
                    )));
                } else if current_drug.as_deref() != Some(drug.as_str()) {
                    if r.no != 201 {
                        out.push(out_of_order("薬品は薬品レコード（201）から始めます。"));
                    }
                    current_drug = Some(drug.clone());
                } else if let Some((Group::Drug, prev)) = last
                    && rank < prev
                {
                    out.push(out_of_order("薬品内はレコード番号の小さい順に書きます。"));
                }
            }
            Group::Trailer => {}
        }
        last = Some((group, rank));
    }
    // Required and non-repeating records.
    for ((no, rp, drug), n) in &counts {
        let Some(spec) = layout::spec(*no) else {
            continue;
        };
        if *n > 1 && !spec.repeats {
            let line = records
                .iter()
                .filter(|r| r.no == *no)
                .nth(1)
                .map(|r| r.line)
                .unwrap_or(0);
            let place = match spec.group {
                Group::Rp => format!("RP {rp} に"),
                Group::Drug => format!("RP {rp} の薬品 {drug} に"),
                _ => String::new(),
            };
            out.push(Problem::error(
                line,
                Some(*no),
                None,
                format!("{place}{n} 回あります（1 回だけ書きます）。"),
            ));
        }
    }
    for spec in RECORDS.iter().filter(|s| s.required) {
        match spec.group {
            Group::Header if !records.iter().any(|r| r.no == spec.no) => {
                out.push(Problem::error(
                    0,
                    Some(spec.no),
                    None,
                    "ありません（必須）。",
                ));
            }
            Group::Rp => {
                for rp in &seen_rps {
                    if !counts.contains_key(&(spec.no, rp.clone(), String::new())) {
                        out.push(Problem::error(
                            0,
                            Some(spec.no),
                            None,
                            format!("RP {rp} にありません（必須）。"),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if seen_rps.is_empty() {
        out.push(Problem::error(
            0,
            None,
            None,
            "RP（薬）が一つもありません。",
        ));
    }
    for rp in &seen_rps {
        if !counts.keys().any(|(no, r, _)| *no == 201 && r == rp) {
            out.push(Problem::error(
                0,
                Some(201),
                None,
                format!("RP {rp} に薬品がありません。"),
            ));
        }
    }
    // A drug record of a drug without its 201.
    for (no, rp, drug) in counts.keys() {
        if layout::spec(*no).map(|s| s.group) == Some(Group::Drug)
            && *no != 201
            && !counts.contains_key(&(201, rp.clone(), drug.clone()))
        {
            out.push(Problem::error(
                0,
                Some(*no),
                None,
                format!("RP {rp} の薬品 {drug} の薬品レコード（201）がありません。"),
            ));
        }
    }
    // 231 either on every drug or on none.
    let drugs = counts.keys().filter(|(no, _, _)| *no == 201).count();
    let burdens = counts.keys().filter(|(no, _, _)| *no == 231).count();
    if burdens > 0 && burdens != drugs {
        out.push(Problem::error(
            0,
            Some(231),
            None,
            "全部の薬品に書くか、どの薬品にも書かないかのどちらかです。",
        ));
    }
}
