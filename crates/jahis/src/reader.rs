//! Reading bytes into a [`Document`], collecting issues.
//!
//! The reader never drops data silently: a record it cannot place (a 31
//! without its 3, a 281 before any 201) is kept as an unknown record where it
//! stood, with an error issue.
//!
//! Why one long module: it is one pass over the records in which every record
//! kind updates the same nesting state (patient → dispensing → RP → drug);
//! split by record kind, each part would need that whole state. The record
//! layouts themselves are data in `schema.rs`.

use crate::date;
use crate::issue::{Issue, Severity};
use crate::model::*;
use crate::schema::{self, Kind, Req};
use crate::text::{self, Encoding};

/// How strictly to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Return the document with its issues (spec deviations are warnings).
    #[default]
    Lenient,
    /// Fail on any issue; every issue is an error.
    Strict,
}

/// Why bytes could not be read as a JAHIS document.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing to read.
    #[error("データが空です。")]
    Empty,
    /// The first line is not a JAHIS version line.
    #[error(
        "JAHIS形式のデータではありません（1行目が「JAHISTCnn,出力区分」ではありません: {found}）。"
    )]
    NotJahis {
        /// The start of the first line, for the message.
        found: String,
    },
    /// Strict mode found issues; the document and its issues are attached.
    #[error("JAHIS形式の検証で{}件の問題が見つかりました。", .0.issues.len())]
    Invalid(Box<Document>),
}

/// Reads a JAHIS document from bytes (CP932 or UTF-8, any line ends).
pub fn read(bytes: &[u8], mode: Mode) -> Result<Document, ReadError> {
    let bytes = bytes.strip_suffix(b"\x1a").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    let decoded = text::decode(bytes);
    let mut reader = Reader::new(decoded.encoding, mode);
    reader.run(&decoded.text, decoded.had_errors)?;
    let doc = reader.finish();
    if mode == Mode::Strict && !doc.issues.is_empty() {
        return Err(ReadError::Invalid(Box::new(doc)));
    }
    Ok(doc)
}

/// Splits a line into fields, into `out` (reused between lines). Fields are
/// trimmed of spaces and of stray CRs (files with `LF CR` line ends exist).
fn fields_into<'a>(line: &'a str, out: &mut Vec<&'a str>) {
    out.clear();
    out.extend(line.split(',').map(|f| f.trim_matches([' ', '\r'])));
}

/// Splits a line into trimmed fields.
fn fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    fields_into(line, &mut out);
    out
}

/// A value as quoted in a message: at most 30 characters, so that a huge
/// field does not make a huge message.
fn shown(value: &str) -> String {
    match value.char_indices().nth(30) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// Where a record may stand among the top-level records.
fn top_rank(id: u16) -> Option<u8> {
    Some(match id {
        1 => 1,
        2 => 2,
        3 | 31 => 3,
        4 => 4,
        5 => 5,
        701 => 6,
        911 => 7,
        _ => return None,
    })
}

/// Where a record may stand inside a dispensing group.
fn group_rank(id: u16) -> Option<u8> {
    Some(match id {
        11 => 1,
        15 => 2,
        51 => 3,
        55 | 201 | 281 | 291 | 301 | 311 | 391 => 4,
        401 => 5,
        411 => 6,
        421 => 7,
        501 => 8,
        601 => 9,
        _ => return None,
    })
}

struct Reader {
    doc: Document,
    mode: Mode,
    line: usize,
    top_rank: u8,
    group_rank: u8,
    doctor: Option<Doctor>,
    /// Whether the current group's RPs were checked for a usage.
    in_group: bool,
    /// The dispensing the record being read belongs to (for issues).
    current: Option<usize>,
    /// The line where the current dispensing started.
    group_line: usize,
}

impl Reader {
    fn new(encoding: Encoding, mode: Mode) -> Reader {
        Reader {
            doc: Document {
                encoding,
                ..Document::default()
            },
            mode,
            line: 0,
            top_rank: 0,
            group_rank: 0,
            doctor: None,
            in_group: false,
            current: None,
            group_line: 0,
        }
    }

    fn issue(
        &mut self,
        severity: Severity,
        record: Option<&str>,
        field: Option<usize>,
        code: &str,
        message: String,
    ) {
        let severity = if self.mode == Mode::Strict {
            Severity::Error
        } else {
            severity
        };
        self.doc.issues.push(Issue {
            line: self.line,
            record: record.map(str::to_owned),
            field,
            dispensing: self.current,
            severity,
            code: code.to_owned(),
            message,
        });
    }

    fn run(&mut self, text: &str, had_errors: bool) -> Result<(), ReadError> {
        let mut lines = text::line_spans(text.as_bytes()).map(|(a, b, _)| &text[a..b]);
        let header = lines.next().unwrap_or_default();
        self.line = 1;
        self.header(header)?;
        let mut buf = Vec::with_capacity(16);
        for (index, line) in lines.enumerate() {
            self.line = index + 2;
            if line.trim().is_empty() {
                continue;
            }
            if had_errors && line.contains('\u{FFFD}') {
                self.issue(
                    Severity::Error,
                    None,
                    None,
                    "text.undecodable",
                    "文字コードを読み取れないバイトがあります（文字化けしている可能性があります）。".into(),
                );
            }
            if line.chars().any(|c| c.is_control() && c != '\t') {
                self.issue(
                    Severity::Error,
                    None,
                    None,
                    "text.control_character",
                    "文字ではない制御コード（NULなど）が含まれています（壊れたデータの可能性があります）。".into(),
                );
            }
            fields_into(line, &mut buf);
            self.record(&buf);
        }
        Ok(())
    }

    fn header(&mut self, line: &str) -> Result<(), ReadError> {
        let f = fields(line);
        let tag = f.first().copied().unwrap_or_default();
        let valid = tag.len() == 9
            && tag.starts_with("JAHISTC")
            && tag[7..].bytes().all(|b| b.is_ascii_digit());
        if !valid {
            let start: String = line.chars().take(20).collect();
            let readable = !start.chars().any(|c| c.is_control() || c == '\u{FFFD}');
            return Err(ReadError::NotJahis {
                found: if readable {
                    format!("「{start}」")
                } else {
                    "文字として読めないデータ".into()
                },
            });
        }
        self.doc.version = tag.to_owned();
        match f.get(1).copied().unwrap_or_default() {
            "1" => self.doc.output_category = Some(1),
            "2" => self.doc.output_category = Some(2),
            other => self.issue(
                Severity::Warning,
                None,
                Some(1),
                "header.output_category",
                format!("出力区分「{other}」は1（医療機関等→患者）か2（患者→医療機関等）である必要があります。"),
            ),
        }
        Ok(())
    }

    /// Checks a record against its layout and returns its extra fields.
    fn check_fields(&mut self, record: &str, id: u16, f: &[&str]) -> Vec<String> {
        let Some(layout) = schema::layout(id) else {
            return Vec::new();
        };
        let provider = self.doc.output_category == Some(1);
        let name = schema::record_name(id);
        for (i, spec) in layout.iter().enumerate() {
            let value = f.get(i + 1).copied().unwrap_or_default();
            let pos = Some(i + 1);
            if value.is_empty() {
                if spec.req == Req::Both || (spec.req == Req::Provider && provider) {
                    self.issue(
                        Severity::Warning,
                        Some(record),
                        pos,
                        "field.required_missing",
                        format!(
                            "{name}（{record}）の「{}」が空です。必須の項目です。",
                            spec.name
                        ),
                    );
                }
                continue;
            }
            let type_ok = match spec.kind {
                Kind::Digits => value.bytes().all(|b| b.is_ascii_digit()),
                Kind::Alnum => value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
                Kind::Text => true,
                Kind::Date => date::parse(value).is_some(),
            };
            if !type_ok {
                let (code, what) = match spec.kind {
                    Kind::Digits => ("field.type", "数字"),
                    Kind::Date => ("field.date", "日付（YYYYMMDD または GYYMMDD）"),
                    _ => ("field.type", "半角英数字"),
                };
                self.issue(
                    Severity::Warning,
                    Some(record),
                    pos,
                    code,
                    format!(
                        "{name}（{record}）の「{}」は{what}で記録します: 「{}」",
                        spec.name,
                        shown(value)
                    ),
                );
            } else if !spec.codes.is_empty() && !spec.codes.contains(&value) {
                self.issue(
                    Severity::Warning,
                    Some(record),
                    pos,
                    "field.code_unknown",
                    format!(
                        "{name}（{record}）の「{}」に定義されていないコード「{}」があります。",
                        spec.name,
                        shown(value)
                    ),
                );
            }
            if spec.max > 0 && value.len() > spec.max && text::sjis_len(value) > spec.max {
                self.issue(
                    Severity::Warning,
                    Some(record),
                    pos,
                    "field.too_long",
                    format!(
                        "{name}（{record}）の「{}」が長すぎます（{}バイト、最大{}バイト）。",
                        spec.name,
                        text::sjis_len(value),
                        spec.max
                    ),
                );
            }
        }
        if f.len() > layout.len() + 1 {
            self.issue(
                Severity::Warning,
                Some(record),
                Some(layout.len() + 1),
                "record.extra_fields",
                format!(
                    "{name}（{record}）の項目が多すぎます（{}項目、この版では{}項目）。",
                    f.len() - 1,
                    layout.len()
                ),
            );
            return f[layout.len() + 1..]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
        }
        Vec::new()
    }

    fn num<T: std::str::FromStr>(&mut self, record: &str, f: &[&str], pos: usize) -> Option<T> {
        let value = f.get(pos).copied().unwrap_or_default();
        if value.is_empty() {
            return None;
        }
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.issue(
                Severity::Error,
                Some(record),
                Some(pos),
                "field.not_a_number",
                format!(
                    "{}（{record}）の{pos}番目の項目が数値ではないため読み取れません: 「{}」",
                    schema::record_name(schema::record_id(record)),
                    shown(value)
                ),
            );
        }
        parsed
    }

    fn check_order(&mut self, record: &str, id: u16) {
        let name = schema::record_name(id);
        if let Some(rank) = top_rank(id) {
            if rank < self.top_rank {
                self.issue(
                    Severity::Warning,
                    Some(record),
                    None,
                    "record.out_of_order",
                    format!("{name}（{record}）の位置が仕様の順序と異なります。"),
                );
            }
            self.top_rank = self.top_rank.max(rank);
            if rank == 5 {
                self.group_rank = 0;
            }
        } else if let Some(rank) = group_rank(id) {
            if rank < self.group_rank {
                self.issue(
                    Severity::Warning,
                    Some(record),
                    None,
                    "record.out_of_order",
                    format!("{name}（{record}）の位置が仕様の順序と異なります。"),
                );
            }
            self.group_rank = self.group_rank.max(rank);
        }
    }

    fn record(&mut self, f: &[&str]) {
        let record = f[0];
        let id = schema::record_id(record);
        if matches!(id, 5 | 701 | 911) {
            self.end_group();
        }
        self.current = if id == 5 || (group_rank(id).is_some() && !self.in_group) {
            // A record 5 starts the next dispensing; a group record before
            // any 5 starts a dispensing without a date.
            Some(self.doc.dispensings.len())
        } else if top_rank(id).is_some() {
            None
        } else {
            self.current
        };
        let extra = self.check_fields(record, id, f);
        self.check_order(record, id);
        let s = |i: usize| opt(f.get(i).copied().unwrap_or_default());
        let d = |i: usize| {
            let t = f.get(i).copied().unwrap_or_default();
            (date::to_iso(t), opt(t))
        };
        match id {
            1 => {
                if self.doc.patient.is_some() {
                    self.issue(
                        Severity::Error,
                        Some(record),
                        None,
                        "patient.duplicate",
                        "患者情報（1）が2つ以上あります。2つ目は不明なレコードとして保持します。"
                            .into(),
                    );
                    self.keep_unknown(f);
                    return;
                }
                let (birth_date, birth_date_text) = d(3);
                let sex = self.num(record, f, 2);
                self.doc.patient = Some(Patient {
                    name: s(1),
                    sex,
                    birth_date,
                    birth_date_text,
                    postal_code: s(4),
                    address: s(5),
                    phone: s(6),
                    emergency_contact: s(7),
                    blood_type: s(8),
                    weight: s(9),
                    kana: s(10),
                    extra,
                });
            }
            2 => {
                let kind = self.num(record, f, 1);
                let author = self.num(record, f, 3);
                self.doc.notes.push(PatientNote {
                    kind,
                    text: s(2),
                    author,
                    extra,
                });
            }
            3 => {
                let (start_date, start_date_text) = d(2);
                let (end_date, end_date_text) = d(3);
                let author = self.num(record, f, 4);
                let seq = self.num(record, f, 5);
                self.doc.otc.push(Otc {
                    name: s(1),
                    start_date,
                    start_date_text,
                    end_date,
                    end_date_text,
                    author,
                    seq,
                    jan: s(6),
                    components: Vec::new(),
                    extra,
                });
            }
            31 => self.otc_component(f, extra),
            4 => {
                let (date, date_text) = d(2);
                let author = self.num(record, f, 3);
                self.doc.memos.push(Memo {
                    text: s(1),
                    date,
                    date_text,
                    author,
                    extra,
                });
            }
            5 => {
                let (date, date_text) = d(1);
                let author = self.num(record, f, 2);
                self.doc.dispensings.push(Dispensing {
                    date,
                    date_text,
                    author,
                    extra,
                    ..Dispensing::default()
                });
                self.doctor = None;
                self.in_group = true;
                self.group_line = self.line;
            }
            701 => {
                let (start_date, start_date_text) = d(4);
                let (end_date, end_date_text) = d(5);
                let author = self.num(record, f, 6);
                self.doc.pharmacists.push(FamilyPharmacist {
                    name: s(1),
                    pharmacy: s(2),
                    contact: s(3),
                    start_date,
                    start_date_text,
                    end_date,
                    end_date_text,
                    author,
                    extra,
                });
            }
            911 => {
                let count = self.num(record, f, 2);
                let seq = self.num(record, f, 3);
                self.doc.split = Some(SplitControl {
                    data_id: f.get(1).copied().unwrap_or_default().to_owned(),
                    count: count.unwrap_or(0),
                    seq: seq.unwrap_or(0),
                });
            }
            _ if group_rank(id).is_some() => self.group_record(f, id, extra),
            _ => self.keep_unknown(f),
        }
    }

    /// Keeps a record as unknown: in the current group, else at top level.
    fn keep_unknown(&mut self, f: &[&str]) {
        let unknown = UnknownRecord {
            record: f[0].to_owned(),
            fields: f[1..].iter().map(|s| (*s).to_owned()).collect(),
        };
        match self.doc.dispensings.last_mut() {
            Some(group) if self.in_group => group.unknown.push(unknown),
            _ => self.doc.unknown.push(unknown),
        }
    }

    fn otc_component(&mut self, f: &[&str], extra: Vec<String>) {
        let seq: Option<u32> = self.num("31", f, 1);
        let code_kind = self.num("31", f, 3);
        let author = self.num("31", f, 5);
        let component = OtcComponent {
            seq,
            name: opt(f.get(2).copied().unwrap_or_default()),
            code_kind,
            code: opt(f.get(4).copied().unwrap_or_default()),
            author,
            extra,
        };
        if component.code_kind == Some(2) && component.code.is_none() {
            self.issue(
                Severity::Warning,
                Some("31"),
                Some(4),
                "otc.component_code_missing",
                "成分コード種別が2（成分名コード）ですが、成分コードが空です。".into(),
            );
        }
        let parent = seq.and_then(|n| self.doc.otc.iter_mut().rev().find(|o| o.seq == Some(n)));
        match parent {
            Some(otc) => otc.components.push(component),
            None => {
                let n = seq.map(|n| n.to_string()).unwrap_or_default();
                self.issue(
                    Severity::Error,
                    Some("31"),
                    Some(1),
                    "otc.component_without_parent",
                    format!("一般用医薬品成分（31）の通番「{n}」に対応する一般用医薬品服用（3）がありません。不明なレコードとして保持します。"),
                );
                self.keep_unknown(f);
            }
        }
    }

    fn group_record(&mut self, f: &[&str], id: u16, extra: Vec<String>) {
        let record = f[0];
        if self.doc.dispensings.is_empty() || !self.in_group {
            self.issue(
                Severity::Error,
                Some(record),
                None,
                "dispensing.without_date",
                format!("{}（{record}）の前に調剤等年月日（5）がありません。日付のない調剤として読み取ります。", schema::record_name(schema::record_id(record))),
            );
            self.doc.dispensings.push(Dispensing::default());
            self.doctor = None;
            self.in_group = true;
            self.group_line = self.line;
        }
        let s = |i: usize| opt(f.get(i).copied().unwrap_or_default());
        match id {
            11 | 51 => {
                let is_11 = id == 11;
                let author = self.num(record, f, if is_11 { 8 } else { 5 });
                let inst = Institution {
                    name: s(1),
                    prefecture: s(2),
                    table: s(3),
                    code: s(4),
                    postal_code: if is_11 { s(5) } else { None },
                    address: if is_11 { s(6) } else { None },
                    phone: if is_11 { s(7) } else { None },
                    author,
                    extra,
                };
                self.check_prefecture(record, inst.prefecture.as_deref());
                let Some(group) = self.doc.dispensings.last_mut() else {
                    return;
                };
                let slot = if is_11 {
                    &mut group.dispensed_at
                } else {
                    &mut group.prescribed_at
                };
                if slot.is_some() {
                    self.duplicate(f);
                } else {
                    *slot = Some(inst);
                }
            }
            15 => {
                let author = self.num(record, f, 3);
                let person = Person {
                    name: s(1),
                    contact: s(2),
                    author,
                    extra,
                };
                let Some(group) = self.doc.dispensings.last_mut() else {
                    return;
                };
                if group.pharmacist.is_some() {
                    self.duplicate(f);
                } else {
                    group.pharmacist = Some(person);
                }
            }
            55 => {
                let author = self.num(record, f, 3);
                self.doctor = Some(Doctor {
                    name: s(1),
                    department: s(2),
                    author,
                    extra,
                });
            }
            201 => self.drug(f, extra),
            281 | 291 => self.drug_detail(f, extra),
            301 => self.usage(f, extra),
            311 | 391 => self.rp_detail(f, extra),
            401 | 421 | 501 => {
                let author = self.num(record, f, 2);
                let text = Text {
                    text: s(1),
                    author,
                    extra,
                };
                let Some(group) = self.doc.dispensings.last_mut() else {
                    return;
                };
                match id {
                    401 => group.cautions.push(text),
                    421 => group.leftover.push(text),
                    _ => group.remarks.push(text),
                }
            }
            411 => {
                let kind = self.num(record, f, 2);
                let author = self.num(record, f, 3);
                if let Some(group) = self.doc.dispensings.last_mut() {
                    group.provided_info.push(ProvidedInfo {
                        text: s(1),
                        kind,
                        author,
                        extra,
                    });
                }
            }
            601 => {
                let t = f.get(2).copied().unwrap_or_default();
                if let Some(group) = self.doc.dispensings.last_mut() {
                    group.patient_entries.push(PatientEntry {
                        text: s(1),
                        date: date::to_iso(t),
                        date_text: opt(t),
                        extra,
                    });
                }
            }
            _ => self.keep_unknown(f),
        }
    }

    fn duplicate(&mut self, f: &[&str]) {
        let record = f[0];
        self.issue(
            Severity::Error,
            Some(record),
            None,
            "dispensing.duplicate_record",
            format!("1つの調剤に{}（{record}）が2つ以上あります。2つ目は不明なレコードとして保持します。", schema::record_name(schema::record_id(record))),
        );
        self.keep_unknown(f);
    }

    fn check_prefecture(&mut self, record: &str, pref: Option<&str>) {
        let Some(p) = pref else { return };
        let ok = p.len() == 2 && p.parse::<u8>().is_ok_and(|n| (1..=47).contains(&n));
        if !ok {
            self.issue(
                Severity::Warning,
                Some(record),
                Some(2),
                "field.code_unknown",
                format!("都道府県コード「{p}」は01～47である必要があります。"),
            );
        }
    }

    fn drug(&mut self, f: &[&str], extra: Vec<String>) {
        let s = |i: usize| opt(f.get(i).copied().unwrap_or_default());
        let rp: Option<u32> = self.num("201", f, 1);
        let code_kind = self.num("201", f, 5);
        let author = self.num("201", f, 7);
        let generic_code_kind = self.num("201", f, 9);
        let drug = Drug {
            name: s(2),
            dose: s(3),
            unit: s(4),
            code_kind,
            code: s(6),
            author,
            generic_name: s(8),
            generic_code_kind,
            generic_code: s(10),
            notes: Vec::new(),
            cautions: Vec::new(),
            extra,
        };
        if matches!(drug.code_kind, Some(2..=6)) && drug.code.is_none() {
            self.issue(
                Severity::Error,
                Some("201"),
                Some(6),
                "drug.code_missing",
                format!(
                    "薬品コード種別が{}ですが、薬品コードが空です（{}）。",
                    drug.code_kind.unwrap_or(0),
                    drug.name.as_deref().unwrap_or("名称なし")
                ),
            );
        } else if drug.code_kind == Some(2) && drug.code.as_ref().is_some_and(|c| c.len() != 9) {
            self.issue(
                Severity::Warning,
                Some("201"),
                Some(6),
                "drug.code_format",
                "レセプト電算処理システム用コードは9桁です。".into(),
            );
        }
        if drug.generic_code_kind == Some(2) && drug.generic_code.is_none() {
            self.issue(
                Severity::Warning,
                Some("201"),
                Some(10),
                "drug.generic_code_missing",
                "一般名コード種別が2ですが、一般名コードが空です。".into(),
            );
        }
        let doctor = self.doctor.clone();
        let Some(group) = self.doc.dispensings.last_mut() else {
            return;
        };
        match group.rps.last_mut() {
            Some(last) if last.rp == rp && last.usage.is_none() => last.drugs.push(drug),
            _ => group.rps.push(Rp {
                rp,
                doctor,
                drugs: vec![drug],
                usage: None,
                cautions: Vec::new(),
            }),
        }
    }

    /// Reads the shape shared by 281, 291, 311 and 391: RP番号, 内容, 作成者.
    fn rp_text(&mut self, f: &[&str], extra: Vec<String>) -> (Option<u32>, Text) {
        let rp = self.num(f[0], f, 1);
        let author = self.num(f[0], f, 3);
        let text = Text {
            text: opt(f.get(2).copied().unwrap_or_default()),
            author,
            extra,
        };
        (rp, text)
    }

    fn drug_detail(&mut self, f: &[&str], extra: Vec<String>) {
        let record = f[0];
        let (rp, text) = self.rp_text(f, extra);
        let target = self
            .doc
            .dispensings
            .last_mut()
            .and_then(|g| g.rps.last_mut())
            .filter(|r| r.rp == rp && r.usage.is_none())
            .and_then(|r| r.drugs.last_mut());
        match target {
            Some(drug) if record == "281" => drug.notes.push(text),
            Some(drug) => drug.cautions.push(text),
            None => {
                self.issue(
                    Severity::Error,
                    Some(record),
                    Some(1),
                    "drug.detail_without_drug",
                    format!("{}（{record}）の前に同じRP番号の薬品（201）がありません。不明なレコードとして保持します。", schema::record_name(schema::record_id(record))),
                );
                self.keep_unknown(f);
            }
        }
    }

    fn usage(&mut self, f: &[&str], extra: Vec<String>) {
        let s = |i: usize| opt(f.get(i).copied().unwrap_or_default());
        let rp: Option<u32> = self.num("301", f, 1);
        let quantity = self.num("301", f, 3);
        let form = self.num("301", f, 5);
        let code_kind = self.num("301", f, 6);
        let author = self.num("301", f, 8);
        let usage = Usage {
            name: s(2),
            quantity,
            unit: s(4),
            form,
            code_kind,
            code: s(7),
            author,
            notes: Vec::new(),
            extra,
        };
        if usage.code_kind == Some(2) && usage.code.is_none() {
            self.issue(
                Severity::Warning,
                Some("301"),
                Some(7),
                "usage.code_missing",
                "用法コード種別が2（JAMI用法コード）ですが、用法コードが空です。".into(),
            );
        }
        let doctor = self.doctor.clone();
        let Some(group) = self.doc.dispensings.last_mut() else {
            return;
        };
        match group.rps.last_mut() {
            Some(last) if last.rp == rp && last.usage.is_none() => last.usage = Some(usage),
            _ => {
                group.rps.push(Rp {
                    rp,
                    doctor,
                    drugs: Vec::new(),
                    usage: Some(usage),
                    cautions: Vec::new(),
                });
                self.issue(
                    Severity::Error,
                    Some("301"),
                    Some(1),
                    "usage.without_drug",
                    "用法（301）の前に同じRP番号の薬品（201）がありません。".into(),
                );
            }
        }
    }

    fn rp_detail(&mut self, f: &[&str], extra: Vec<String>) {
        let record = f[0];
        let (rp, text) = self.rp_text(f, extra);
        let target = self
            .doc
            .dispensings
            .last_mut()
            .and_then(|g| g.rps.iter_mut().rev().find(|r| r.rp == rp));
        match target {
            Some(r) if record == "391" => r.cautions.push(text),
            Some(Rp {
                usage: Some(usage), ..
            }) => usage.notes.push(text),
            _ => {
                self.issue(
                    Severity::Error,
                    Some(record),
                    Some(1),
                    "usage.detail_without_usage",
                    format!("{}（{record}）に対応するRP（201/301）がありません。不明なレコードとして保持します。", schema::record_name(schema::record_id(record))),
                );
                self.keep_unknown(f);
            }
        }
    }

    /// Checks the group just finished: every RP has a usage, and an 11.
    fn end_group(&mut self) {
        if !self.in_group {
            return;
        }
        self.in_group = false;
        let Some(group) = self.doc.dispensings.last() else {
            return;
        };
        let missing_usage: Vec<String> = group
            .rps
            .iter()
            .filter(|r| r.usage.is_none())
            .map(|r| r.rp.map(|n| n.to_string()).unwrap_or_default())
            .collect();
        let missing_11 = group.dispensed_at.is_none();
        // Reported at the dispensing's first line, not where it ended.
        let line = std::mem::replace(&mut self.line, self.group_line);
        for rp in missing_usage {
            self.issue(
                Severity::Warning,
                Some("201"),
                None,
                "rp.usage_missing",
                format!("RP{rp}に用法（301）がありません。"),
            );
        }
        if missing_11 {
            self.issue(
                Severity::Warning,
                Some("5"),
                None,
                "dispensing.institution_missing",
                "調剤に調剤－医療機関等（11）がありません。".into(),
            );
        }
        self.line = line;
    }

    fn finish(mut self) -> Document {
        self.end_group();
        // A continuation part of split data does not repeat the patient.
        let continuation = self.doc.split.as_ref().is_some_and(|s| s.seq > 1);
        if self.doc.patient.is_none() && !continuation {
            self.line = 0;
            self.issue(
                Severity::Warning,
                Some("1"),
                None,
                "patient.missing",
                "患者情報（1）がありません。".into(),
            );
        }
        self.doc
    }
}
