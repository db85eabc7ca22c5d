//! Reading and writing the two CSV forms of a prescription:
//! - `SJ1` — the 電子処方箋 CSV: UTF-8, LF line ends;
//! - `JAHIS10` — the 院外処方箋 2D symbol: Shift_JIS, CRLF line ends.
//!
//! Both hold the same records. Fields are never quoted, so a comma inside a
//! text is written as a full-width comma. Symbols decoded in the field also
//! use a compact layout for a few records; it is read (with a warning) and
//! the spec layout is always written.

use serde::{Deserialize, Serialize};

use super::layout::{self, FieldKind, NARCOTIC_ALIAS};
use super::model::{Prescription, Record};
use super::problem::Problem;

/// Which CSV form a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// The 電子処方箋 CSV (`SJ1`, UTF-8, LF).
    Sj1,
    /// The JAHIS 院外処方箋 2D-symbol CSV (`JAHIS10`, Shift_JIS, CRLF).
    Jahis10,
}

impl Form {
    /// The first line of a file in this form.
    pub fn version_line(self) -> &'static str {
        match self {
            Form::Sj1 => "SJ1",
            Form::Jahis10 => "JAHIS10",
        }
    }

    /// The 用法コード種別 this form's usage codes normally carry: 3 (the MHLW
    /// 電子処方箋用 用法マスタ) in SJ1 — as one public EMR writes it,
    /// **unverified** — and 2 (JAMI) in JAHIS10.
    pub fn usage_code_kind(self) -> &'static str {
        match self {
            Form::Sj1 => "3",
            Form::Jahis10 => "2",
        }
    }
}

/// A CSV text read into records, before it becomes a [`Prescription`].
#[derive(Debug, Clone)]
pub struct ReadCsv {
    /// The form named by the first line.
    pub form: Form,
    /// The records, in file order (compact layouts already expanded).
    pub records: Vec<Record>,
    /// Whether any line ended in CR LF.
    pub crlf: bool,
    /// Whether the bytes were Shift_JIS (not UTF-8).
    pub shift_jis: bool,
    /// What was odd but readable, and what could not be read at all.
    pub problems: Vec<Problem>,
}

impl ReadCsv {
    /// The prescription the records hold.
    pub fn prescription(&self) -> Prescription {
        Prescription::from_records(&self.records)
    }
}

/// Most bytes read as one prescription (a real one is a few kilobytes; a 2D
/// symbol holds at most about 3 KB).
pub const MAX_CSV_BYTES: usize = 1024 * 1024;

/// Reads a prescription CSV in either form. Fails only when the text is not
/// a prescription CSV at all (unreadable bytes, no version line); everything
/// else is read and reported in [`ReadCsv::problems`].
pub fn read(bytes: &[u8]) -> Result<ReadCsv, Problem> {
    if bytes.len() > MAX_CSV_BYTES {
        return Err(Problem::error(
            0,
            None,
            None,
            format!(
                "処方箋の CSV が大きすぎます（{} バイト、上限 {MAX_CSV_BYTES} バイト）。",
                bytes.len()
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, shift_jis) = match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_string(), false),
        Err(_) => {
            let (t, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(Problem::error(
                    0,
                    None,
                    None,
                    "処方箋の CSV の文字コードを読めません（UTF-8 でも Shift_JIS でもありません）。",
                ));
            }
            (t.into_owned(), true)
        }
    };
    let text = text.trim_end_matches('\u{1a}');
    let crlf = text.contains('\r');
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or_default().trim();
    let mut problems = Vec::new();
    let form = match first {
        "SJ1" => Form::Sj1,
        "JAHIS10" => Form::Jahis10,
        v if v.starts_with("JAHIS")
            && v[5..].bytes().all(|b| b.is_ascii_digit())
            && v.len() > 5 =>
        {
            problems.push(Problem::warning(
                1,
                None,
                None,
                format!("版「{v}」を JAHIS10 として読みました。"),
            ));
            Form::Jahis10
        }
        other => {
            return Err(Problem::error(
                1,
                None,
                None,
                format!(
                    "1行目が「SJ1」でも「JAHIS10」でもないため、処方箋の CSV として読めません（「{}」）。",
                    other.chars().take(20).collect::<String>()
                ),
            ));
        }
    };
    let mut records = Vec::new();
    for (i, line) in lines.enumerate() {
        let line_no = i + 2;
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split(',');
        let no_text = parts.next().unwrap_or_default();
        let Ok(mut no) = no_text.trim().parse::<u16>() else {
            problems.push(Problem::error(
                line_no,
                None,
                None,
                format!(
                    "レコード番号「{}」が数字ではないため、この行を読めません。",
                    no_text.chars().take(10).collect::<String>()
                ),
            ));
            continue;
        };
        let mut fields: Vec<String> = parts.map(str::to_string).collect();
        if no == NARCOTIC_ALIAS {
            problems.push(Problem::warning(
                line_no,
                Some(no),
                None,
                "麻薬施用はレコード 61 です。60 として書かれたものを 61 として読みました。",
            ));
            no = 61;
        }
        if let Some(expanded) = expand_compact(no, &fields) {
            problems.push(Problem::warning(
                line_no,
                Some(no),
                None,
                "規約と違う短い形式（読み取られた 2 次元シンボルに見られるもの）です。規約の形式に直して読みました。足りない項目は空です。",
            ));
            fields = expanded;
        }
        records.push(Record {
            no,
            fields,
            line: line_no,
        });
    }
    if form == Form::Sj1 && shift_jis {
        problems.push(Problem::error(
            0,
            None,
            None,
            "電子処方箋の CSV（SJ1）は UTF-8 で記録します（Shift_JIS でした）。",
        ));
    }
    if form == Form::Jahis10 && !shift_jis && !text.is_ascii() {
        problems.push(Problem::warning(
            0,
            None,
            None,
            "JAHIS10 の CSV は Shift_JIS のはずですが UTF-8 でした。",
        ));
    }
    Ok(ReadCsv {
        form,
        records,
        crlf,
        shift_jis,
        problems,
    })
}

/// The compact layouts seen in decoded 2D symbols: record, the number of
/// fields it has there, and for each spec field the compact field it comes
/// from (`None`: empty).
const COMPACT: &[(u16, usize, &[Option<usize>])] = &[
    (1, 2, &[None, Some(0), None, Some(1)]),
    (2, 1, &[None, Some(0)]),
    (3, 1, &[Some(0), None, None]),
    (4, 1, &[None, None, Some(0)]),
    (101, 3, &[Some(0), Some(1), Some(2), None]),
    (111, 3, &[Some(0), Some(1), None, Some(2), None]),
    (181, 3, &[Some(0), Some(1), None, Some(2), None, None]),
    (
        201,
        7,
        &[
            Some(0),
            Some(1),
            None,
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            None,
            Some(6),
        ],
    ),
];

fn expand_compact(no: u16, fields: &[String]) -> Option<Vec<String>> {
    let (_, _, map) = COMPACT
        .iter()
        .find(|(n, len, _)| *n == no && *len == fields.len())?;
    Some(
        map.iter()
            .map(|m| m.map(|i| fields[i].clone()).unwrap_or_default())
            .collect(),
    )
}

/// A field as written: ASCII commas become full-width, line breaks a
/// full-width space, and quantities lose leading and trailing zeros.
fn field_text(kind: FieldKind, value: &str) -> String {
    if kind == FieldKind::Amount
        && let Some(n) = layout::normalize_amount(value)
    {
        return n;
    }
    value.replace(',', "，").replace(['\r', '\n'], "\u{3000}")
}

/// The lines of `prescription` in `form`, as text (before encoding).
fn lines(prescription: &Prescription, form: Form, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut out = vec![form.version_line().to_string()];
    for r in prescription.to_records() {
        if form == Form::Jahis10 && r.no >= 301 {
            problems.push(Problem::warning(
                0,
                Some(r.no),
                None,
                "提供診療情報・検査値（レコード 301/302）は電子処方箋だけのもので、2 次元シンボルには書きませんでした。",
            ));
            continue;
        }
        let kinds = layout::spec(r.no).map(|s| s.fields).unwrap_or_default();
        let mut line = r.no.to_string();
        for (i, v) in r.fields.iter().enumerate() {
            line.push(',');
            let kind = kinds.get(i).map(|f| f.kind).unwrap_or(FieldKind::Text);
            line.push_str(&field_text(kind, v));
        }
        out.push(line);
    }
    out
}

/// The prescription written in `form`: SJ1 as UTF-8 with LF, JAHIS10 as
/// Shift_JIS with CR LF (characters Shift_JIS lacks become `■`, as the JAHIS
/// standard asks, each with a warning).
pub fn write(prescription: &Prescription, form: Form) -> (Vec<u8>, Vec<Problem>) {
    let mut problems = Vec::new();
    let lines = lines(prescription, form, &mut problems);
    match form {
        Form::Sj1 => {
            let mut text = lines.join("\n");
            text.push('\n');
            (text.into_bytes(), problems)
        }
        Form::Jahis10 => {
            let mut bytes = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                for ch in line.chars() {
                    let mut buf = [0u8; 4];
                    let (enc, _, unmappable) =
                        encoding_rs::SHIFT_JIS.encode(ch.encode_utf8(&mut buf));
                    if unmappable {
                        problems.push(Problem::warning(
                            i + 1,
                            None,
                            None,
                            format!("「{ch}」は Shift_JIS にないため「■」にしました。"),
                        ));
                        bytes.extend_from_slice(&[0x81, 0xA1]);
                    } else {
                        bytes.extend_from_slice(&enc);
                    }
                }
                bytes.extend_from_slice(b"\r\n");
            }
            (bytes, problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoded_symbol_in_the_compact_layout_is_read_with_a_warning() {
        let text = "JAHIS10\n1,9709999,テスト医療センター\n5,,ﾃｽﾄｲｼ,テスト 医師\n101,1,9,注射\n111,1,1,１日１回注射\n201,1,1,4,2412403G3022,ソグルーヤ皮下注,1,キット\n";
        let read = read(text.as_bytes()).expect("readable");
        let p = read.prescription();
        assert_eq!(p.institution.code, "9709999");
        assert_eq!(p.institution.name, "テスト医療センター");
        assert_eq!(p.rps[0].usage.name, "１日１回注射");
        assert_eq!(p.rps[0].usage.code, "");
        let drug = &p.rps[0].drugs[0];
        assert_eq!(
            (
                drug.code_kind.as_str(),
                drug.code.as_str(),
                drug.unit.as_str()
            ),
            ("4", "2412403G3022", "キット")
        );
        assert_eq!(
            read.problems
                .iter()
                .filter(|p| p.message.contains("短い形式"))
                .count(),
            4
        );
    }

    #[test]
    fn commas_in_text_become_full_width_and_amounts_lose_zeros() {
        let mut p = Prescription::default();
        p.doctor.name = "山田,太郎".into();
        p.rps.push(super::super::model::Rp {
            number: "1".into(),
            drugs: vec![super::super::model::Drug {
                seq: "1".into(),
                amount: "1.50".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        let (bytes, _) = write(&p, Form::Sj1);
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains("5,,,山田，太郎\n"), "{text}");
        assert!(text.contains("201,1,1,,,,,1.5,,\n"), "{text}");
        assert!(!text.contains('\r'));
    }

    #[test]
    fn jahis10_is_shift_jis_with_crlf_and_marks_what_it_cannot_encode() {
        let mut p = Prescription::default();
        p.doctor.name = "髙橋 🙂".into();
        let (bytes, problems) = write(&p, Form::Jahis10);
        assert!(bytes.starts_with(b"JAHIS10\r\n1,"));
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors);
        assert!(text.contains("5,,,髙橋 ■\r\n"), "{text}");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("🙂"));
    }

    #[test]
    fn not_a_prescription_is_refused_with_the_reason() {
        let err = read(b"hello\n1,2").expect_err("not a prescription");
        assert!(err.message.contains("1行目"), "{}", err.message);
        let err = read(&[0x53, 0x4A, 0x31, 0x0A, 0xFF, 0xFF, 0x80]).expect_err("bad bytes");
        assert!(err.message.contains("文字コード"), "{}", err.message);
    }
}
