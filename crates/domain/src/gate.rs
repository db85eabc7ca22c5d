//! The import gate: the one check every piece of outside JAHIS data passes
//! before anything is stored — the folder feed, 取込, the command line's
//! import, 他社手帳 (QR or text), the demo. The store only accepts an
//! [`Admitted`] document, and only this module makes one.
//!
//! A document with a problem that makes a record wrong or unsafe is
//! [`Refused`] as a whole (nothing of it is stored); quirks real exports have
//! stay warnings, kept with the dispensing they concern. Which problem does
//! which is the table [`RULES`] (first match wins; a code not in it refuses
//! when the reader calls it an error). `docs/import-rules.md` is generated
//! from that table and checked against it by a test.

use chrono::NaiveDate;
use okusuri_jahis::{Document, Issue, Mode, ReadError, Severity};

/// What a problem does to the document that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The document is not stored at all.
    Refuse,
    /// The document is stored; the message is kept with its dispensing.
    Warn,
}

/// One line of the table: a problem code, optionally only in some records.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The issue code (see the `okusuri-jahis` crate docs and [`codes`]).
    pub code: &'static str,
    /// The records it applies to; empty for every record.
    pub records: &'static [&'static str],
    /// What it does.
    pub verdict: Verdict,
    /// Why, in Japanese (for the pharmacy's documentation).
    pub why: &'static str,
}

/// The gate's own problem codes (beyond the reader's).
pub mod codes {
    /// The file is larger than the configured limit.
    pub const TOO_LARGE: &str = "file.too_large";
    /// The file is empty.
    pub const EMPTY: &str = "file.empty";
    /// The first line is not a JAHIS version line.
    pub const NOT_JAHIS: &str = "file.not_jahis";
    /// The last line has no line end (a file still being written).
    pub const INCOMPLETE: &str = "file.incomplete_last_line";
    /// Scanned QR parts do not make one notebook.
    pub const QR_PARTS: &str = "qr.parts";
    /// A date before 1900.
    pub const DATE_BEFORE_1900: &str = "date.before_1900";
    /// A birth date after today.
    pub const BIRTH_IN_FUTURE: &str = "patient.birth_in_future";
    /// A dispensing dated after tomorrow.
    pub const DISPENSED_IN_FUTURE: &str = "dispensing.date_in_future";
    /// A 用量 that is not a positive number.
    pub const DOSE_INVALID: &str = "drug.dose_invalid";
    /// A 調剤数量 of zero.
    pub const QUANTITY_ZERO: &str = "usage.quantity_zero";
}

const IDENTITY_RECORDS: &[&str] = &["1", "5", "201", "301"];

/// The table (first match wins).
pub const RULES: &[Rule] = &[
    Rule {
        code: codes::TOO_LARGE,
        records: &[],
        verdict: Verdict::Refuse,
        why: "設定の上限を超えるファイルは読みません。",
    },
    Rule {
        code: codes::EMPTY,
        records: &[],
        verdict: Verdict::Refuse,
        why: "中身がありません。",
    },
    Rule {
        code: codes::NOT_JAHIS,
        records: &[],
        verdict: Verdict::Refuse,
        why: "JAHIS形式ではありません。",
    },
    Rule {
        code: codes::INCOMPLETE,
        records: &[],
        verdict: Verdict::Refuse,
        why: "書き込み途中のファイルです。書き終わると自動で再読込します。",
    },
    Rule {
        code: codes::QR_PARTS,
        records: &[],
        verdict: Verdict::Refuse,
        why: "分割QRの欠け・重複・混在。",
    },
    Rule {
        code: "text.control_character",
        records: &[],
        verdict: Verdict::Refuse,
        why: "NULなどの制御コードは壊れたデータです。",
    },
    Rule {
        code: "text.undecodable",
        records: &[],
        verdict: Verdict::Refuse,
        why: "文字化けした内容は患者・薬を取り違えるおそれがあります。",
    },
    Rule {
        code: "field.required_missing",
        records: IDENTITY_RECORDS,
        verdict: Verdict::Refuse,
        why: "患者・調剤日・薬品・用法を特定する必須項目です。",
    },
    Rule {
        code: "field.required_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "実際の出力（仕様書の例を含む）で空のことがある項目です。",
    },
    Rule {
        code: "field.date",
        records: &[],
        verdict: Verdict::Refuse,
        why: "日付でない日付は履歴の並びと服薬期間を誤らせます。",
    },
    Rule {
        code: codes::DATE_BEFORE_1900,
        records: &[],
        verdict: Verdict::Refuse,
        why: "1900年より前の日付はありえません。",
    },
    Rule {
        code: codes::BIRTH_IN_FUTURE,
        records: &[],
        verdict: Verdict::Refuse,
        why: "未来の生年月日はありえません。",
    },
    Rule {
        code: codes::DISPENSED_IN_FUTURE,
        records: &[],
        verdict: Verdict::Refuse,
        why: "明日より後の調剤日はありえません。",
    },
    Rule {
        code: "field.too_long",
        records: &["1", "3", "31", "201"],
        verdict: Verdict::Refuse,
        why: "患者・薬品を特定する項目が長すぎるのは壊れたデータです。",
    },
    Rule {
        code: "field.too_long",
        records: &["301"],
        verdict: Verdict::Refuse,
        why: "調剤数量・用法が長すぎるのは壊れたデータです。",
    },
    Rule {
        code: "field.too_long",
        records: &[],
        verdict: Verdict::Warn,
        why: "注意・備考などの長い文章はそのまま保持します。",
    },
    Rule {
        code: "field.type",
        records: &["1", "5", "201", "301"],
        verdict: Verdict::Refuse,
        why: "患者・薬品・用法の項目の型が違います。",
    },
    Rule {
        code: "field.type",
        records: &[],
        verdict: Verdict::Warn,
        why: "その他の項目の型の違いは保持して表示します。",
    },
    Rule {
        code: "field.code_unknown",
        records: &["1"],
        verdict: Verdict::Refuse,
        why: "性別が不明なコードでは患者を特定できません。",
    },
    Rule {
        code: "field.code_unknown",
        records: &[],
        verdict: Verdict::Warn,
        why: "未定義のコードは保持して表示します。",
    },
    Rule {
        code: "field.not_a_number",
        records: &[],
        verdict: Verdict::Refuse,
        why: "数値項目を読めないと値が失われます。",
    },
    Rule {
        code: codes::DOSE_INVALID,
        records: &[],
        verdict: Verdict::Refuse,
        why: "用量が正の数でないと残量の計算を誤ります。",
    },
    Rule {
        code: codes::QUANTITY_ZERO,
        records: &[],
        verdict: Verdict::Refuse,
        why: "調剤数量0では服薬期間を計算できません。",
    },
    Rule {
        code: "patient.missing",
        records: &[],
        verdict: Verdict::Refuse,
        why: "患者情報がないと誰の履歴かわかりません。",
    },
    Rule {
        code: "patient.duplicate",
        records: &[],
        verdict: Verdict::Refuse,
        why: "1つのファイルに2人の患者は取り違えのおそれがあります。",
    },
    Rule {
        code: "dispensing.without_date",
        records: &[],
        verdict: Verdict::Refuse,
        why: "調剤日の前の薬品は親のないレコードです。",
    },
    Rule {
        code: "otc.component_without_parent",
        records: &[],
        verdict: Verdict::Refuse,
        why: "親のないレコードです。",
    },
    Rule {
        code: "drug.detail_without_drug",
        records: &[],
        verdict: Verdict::Refuse,
        why: "親のないレコードです。",
    },
    Rule {
        code: "usage.without_drug",
        records: &[],
        verdict: Verdict::Refuse,
        why: "親のないレコードです。",
    },
    Rule {
        code: "usage.detail_without_usage",
        records: &[],
        verdict: Verdict::Refuse,
        why: "親のないレコードです。",
    },
    Rule {
        code: "dispensing.duplicate_record",
        records: &[],
        verdict: Verdict::Refuse,
        why: "1回の調剤に同じ情報が2つあり、どちらが正しいかわかりません。",
    },
    Rule {
        code: "header.output_category",
        records: &[],
        verdict: Verdict::Warn,
        why: "出力区分の誤りは内容に影響しません。",
    },
    Rule {
        code: "record.extra_fields",
        records: &[],
        verdict: Verdict::Warn,
        why: "新しい版の追加項目です（仕様書の例8にもあります）。",
    },
    Rule {
        code: "record.out_of_order",
        records: &[],
        verdict: Verdict::Warn,
        why: "順序が違っても親子関係は読み取れます。",
    },
    Rule {
        code: "drug.code_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "薬品名で表示します（コードによる照合はできません）。",
    },
    Rule {
        code: "drug.code_format",
        records: &[],
        verdict: Verdict::Warn,
        why: "コードの桁数の違いは保持して表示します。",
    },
    Rule {
        code: "drug.generic_code_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "一般名で表示します。",
    },
    Rule {
        code: "usage.code_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "用法名称で表示します。",
    },
    Rule {
        code: "rp.usage_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "用法のないRPは残量を計算しません。",
    },
    Rule {
        code: "dispensing.institution_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "調剤した施設の表示がありません。",
    },
    Rule {
        code: "otc.component_code_missing",
        records: &[],
        verdict: Verdict::Warn,
        why: "成分名で表示します。",
    },
];

/// What an issue does (the table, then the reader's severity).
pub fn verdict(issue: &Issue) -> Verdict {
    // By record number, not text: `001` is record 1 (found by the fuzzer).
    let record = issue
        .record
        .as_deref()
        .map(okusuri_jahis::schema::record_id);
    let applies = |rule: &Rule| {
        rule.records.is_empty()
            || rule
                .records
                .iter()
                .any(|r| Some(okusuri_jahis::schema::record_id(r)) == record)
    };
    RULES
        .iter()
        .find(|r| r.code == issue.code && applies(r))
        .map_or(
            match issue.severity {
                Severity::Error => Verdict::Refuse,
                Severity::Warning => Verdict::Warn,
            },
            |r| r.verdict,
        )
}

/// A document the gate let in, with the warnings kept with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Admitted {
    doc: Document,
}

/// Read-only access to the document: an admitted document cannot be changed
/// (only the gate makes one).
impl std::ops::Deref for Admitted {
    type Target = Document;

    fn deref(&self) -> &Document {
        &self.doc
    }
}

impl Admitted {
    /// The document (its `issues` are the warnings).
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The warnings about the dispensing at `index`, as shown on it
    /// (`5行目 レコード301: …`, one per line), if there are any.
    pub fn dispensing_warnings(&self, index: usize) -> Option<String> {
        let lines: Vec<String> = self
            .doc
            .issues
            .iter()
            .filter(|i| i.dispensing == Some(index))
            .map(where_and_what)
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }
}

/// Why a document was refused: every problem that refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The problems (never empty).
    pub problems: Vec<Issue>,
}

/// How many problems a refusal's message lists.
const LISTED: usize = 3;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let listed: Vec<String> = self
            .problems
            .iter()
            .take(LISTED)
            .map(where_and_what)
            .collect();
        write!(f, "取り込みませんでした: {}", listed.join(" / "))?;
        if self.problems.len() > LISTED {
            write!(f, "（ほか{}件）", self.problems.len() - LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// `3行目 レコード1 項目2: message` (the parts that are known).
pub fn where_and_what(issue: &Issue) -> String {
    let mut place = Vec::new();
    if issue.line > 0 {
        place.push(format!("{}行目", issue.line));
    }
    if let Some(record) = &issue.record {
        place.push(format!("レコード{record}"));
    }
    if let Some(field) = issue.field {
        place.push(format!("項目{field}"));
    }
    if place.is_empty() {
        issue.message.clone()
    } else {
        format!("{}: {}", place.join(" "), issue.message)
    }
}

fn problem(code: &str, record: Option<&str>, dispensing: Option<usize>, message: String) -> Issue {
    Issue {
        line: 0,
        record: record.map(str::to_owned),
        field: None,
        dispensing,
        severity: Severity::Error,
        code: code.to_owned(),
        message,
    }
}

fn refused(code: &str, message: String) -> Refused {
    Refused {
        problems: vec![problem(code, None, None, message)],
    }
}

/// The gate, set for one day and one size limit.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    today: NaiveDate,
    max_bytes: u64,
}

impl Gate {
    /// A gate for data arriving on `today` (the facility's date), refusing
    /// files over `max_bytes`.
    pub fn new(today: NaiveDate, max_bytes: u64) -> Gate {
        Gate { today, max_bytes }
    }

    /// The size limit in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The refusal of a file of `size` bytes, if it is over the limit (call
    /// before reading it).
    pub fn check_size(&self, size: u64) -> Result<(), Refused> {
        if size > self.max_bytes {
            return Err(refused(
                codes::TOO_LARGE,
                format!(
                    "ファイルが大きすぎます（{}、上限{}）。",
                    megabytes(size),
                    megabytes(self.max_bytes)
                ),
            ));
        }
        Ok(())
    }

    /// A JAHIS file (the feed, 取込, the command line): complete, readable,
    /// and by the rules.
    pub fn file(&self, bytes: &[u8]) -> Result<Admitted, Refused> {
        self.check_size(bytes.len() as u64)?;
        let body = bytes.strip_suffix(b"\x1a").unwrap_or(bytes);
        if has_split_control(body) {
            // Parts of split data saved into one file: put back together
            // like scanned parts (a part missing or twice is refused).
            return self.scanned(body);
        }
        let doc = self.read(body)?;
        if let Some(line) = incomplete_last_line(&doc, body) {
            return Err(Refused {
                problems: vec![Issue {
                    line,
                    ..problem(
                        codes::INCOMPLETE,
                        None,
                        None,
                        "最終行が途中で切れています。書き込み途中のファイルとみられます（書き終わると自動で読み直します）。".into(),
                    )
                }],
            });
        }
        self.judge(doc)
    }

    /// Notebook data scanned or pasted (他社手帳): QR parts in any order,
    /// any line ends, then by the rules.
    pub fn scanned(&self, bytes: &[u8]) -> Result<Admitted, Refused> {
        self.check_size(bytes.len() as u64)?;
        let whole = crate::notebook::assemble_scanned(bytes)
            .map_err(|e| refused(codes::QR_PARTS, e.to_string()))?;
        let doc = self.read(&whole)?;
        self.judge(doc)
    }

    /// A document built in code (an NSIPS-layout file read through its
    /// profile, the demo): checked as the JAHIS text it stands for, so the
    /// same rules apply (line numbers then count in that text).
    pub fn built(&self, doc: &Document) -> Result<Admitted, Refused> {
        // A document from another layout carries that layout's name (e.g.
        // `NSIPS`): written as the newest JAHIS version, named back after.
        let is_jahis = doc.version.starts_with("JAHISTC");
        let renamed;
        let as_jahis = if is_jahis && doc.output_category.is_some() {
            doc
        } else {
            renamed = Document {
                version: if is_jahis {
                    doc.version.clone()
                } else {
                    "JAHISTC08".into()
                },
                output_category: doc.output_category.or(Some(1)),
                ..doc.clone()
            };
            &renamed
        };
        let bytes = okusuri_jahis::write(as_jahis, okusuri_jahis::Encoding::Utf8)
            .map_err(|e| refused("text.undecodable", e.to_string()))?;
        let mut read = self.read(&bytes)?;
        read.version.clone_from(&doc.version);
        read.output_category = doc.output_category;
        read.encoding = doc.encoding;
        self.judge(read)
    }

    fn read(&self, bytes: &[u8]) -> Result<Document, Refused> {
        okusuri_jahis::read(bytes, Mode::Lenient).map_err(|e| match e {
            ReadError::Empty => refused(codes::EMPTY, e.to_string()),
            ReadError::NotJahis { .. } => refused(codes::NOT_JAHIS, e.to_string()),
            ReadError::Invalid(doc) => Refused {
                problems: doc.issues,
            },
        })
    }

    /// Applies the table to the reader's issues and the gate's own checks.
    fn judge(&self, mut doc: Document) -> Result<Admitted, Refused> {
        let mut own = self.own_checks(&doc);
        doc.issues.append(&mut own);
        let (refusing, warnings): (Vec<Issue>, Vec<Issue>) = doc
            .issues
            .drain(..)
            .partition(|i| verdict(i) == Verdict::Refuse);
        if !refusing.is_empty() {
            return Err(Refused { problems: refusing });
        }
        doc.issues = warnings
            .into_iter()
            .map(|i| Issue {
                severity: Severity::Warning,
                ..i
            })
            .collect();
        Ok(Admitted { doc })
    }

    /// What the reader cannot know: dates against today, doses as numbers.
    fn own_checks(&self, doc: &Document) -> Vec<Issue> {
        let mut out = Vec::new();
        let tomorrow = self.today.succ_opt().unwrap_or(self.today);
        let mut date = |record: &str,
                        dispensing: Option<usize>,
                        iso: Option<&str>,
                        latest: Option<(NaiveDate, &str)>| {
            let Some(day) = iso.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
                return;
            };
            if day < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(day) {
                out.push(problem(
                    codes::DATE_BEFORE_1900,
                    Some(record),
                    dispensing,
                    format!(
                        "{}の日付 {day} は1900年より前です。",
                        okusuri_jahis::schema::record_name(okusuri_jahis::schema::record_id(
                            record
                        ))
                    ),
                ));
            } else if let Some((limit, code)) = latest
                && day > limit
            {
                out.push(problem(
                    code,
                    Some(record),
                    dispensing,
                    format!(
                        "{}の日付 {day} は未来の日付です（{limit}まで）。",
                        okusuri_jahis::schema::record_name(okusuri_jahis::schema::record_id(
                            record
                        ))
                    ),
                ));
            }
        };
        if let Some(p) = &doc.patient {
            date(
                "1",
                None,
                p.birth_date.as_deref(),
                Some((self.today, codes::BIRTH_IN_FUTURE)),
            );
        }
        for o in &doc.otc {
            date("3", None, o.start_date.as_deref(), None);
            date("3", None, o.end_date.as_deref(), None);
        }
        for m in &doc.memos {
            date("4", None, m.date.as_deref(), None);
        }
        for (i, d) in doc.dispensings.iter().enumerate() {
            date(
                "5",
                Some(i),
                d.date.as_deref(),
                Some((tomorrow, codes::DISPENSED_IN_FUTURE)),
            );
            for e in &d.patient_entries {
                date("601", Some(i), e.date.as_deref(), None);
            }
        }
        for p in &doc.pharmacists {
            date("701", None, p.start_date.as_deref(), None);
            date("701", None, p.end_date.as_deref(), None);
        }
        for (i, d) in doc.dispensings.iter().enumerate() {
            for rp in &d.rps {
                for drug in &rp.drugs {
                    if let Some(dose) = drug.dose.as_deref()
                        && !dose.parse::<f64>().is_ok_and(|v| v.is_finite() && v > 0.0)
                    {
                        out.push(problem(
                            codes::DOSE_INVALID,
                            Some("201"),
                            Some(i),
                            format!(
                                "{}の用量「{}」が正の数ではありません。",
                                drug.name.as_deref().unwrap_or("薬品"),
                                dose.chars().take(12).collect::<String>()
                            ),
                        ));
                    }
                }
                if rp.usage.as_ref().is_some_and(|u| u.quantity == Some(0)) {
                    out.push(problem(
                        codes::QUANTITY_ZERO,
                        Some("301"),
                        Some(i),
                        format!(
                            "RP{}の調剤数量が0です。",
                            rp.rp.map(|n| n.to_string()).unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// The number of the last line when it looks cut short: it has no line end
/// and either is not valid text (cut inside a character) or has fewer fields
/// than its record's layout with a field the reader found missing or
/// malformed. The spec's own examples end without a line end after a whole
/// record, and one (example 8) has a known erratum on its last line, so
/// neither a missing line end nor a warning alone is a refusal.
fn incomplete_last_line(doc: &Document, bytes: &[u8]) -> Option<usize> {
    let (count, (start, end, ended)) = okusuri_jahis::text::line_spans(bytes)
        .enumerate()
        .last()
        .map(|(i, span)| (i + 1, span))?;
    let last = &bytes[start..end];
    if ended || count == 1 || last.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let decoded = okusuri_jahis::text::decode(last);
    if decoded.had_errors {
        return Some(count);
    }
    let fields: Vec<&str> = decoded.text.split(',').collect();
    let id = okusuri_jahis::schema::record_id(fields.first().copied().unwrap_or_default().trim());
    let layout = okusuri_jahis::schema::layout(id).map_or(0, <[_]>::len);
    let short = fields.len() < layout + 1;
    let damaged = doc.issues.iter().any(|i| {
        i.line == count
            && matches!(
                i.code.as_str(),
                "field.required_missing" | "field.date" | "field.type" | "field.not_a_number"
            )
    });
    (short && damaged).then_some(count)
}

/// Whether the data holds a 分割制御 (911) record, i.e. is split data.
fn has_split_control(bytes: &[u8]) -> bool {
    okusuri_jahis::text::line_spans(bytes).any(|(a, b, _)| bytes[a..b].starts_with(b"911,"))
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// The table as Markdown (`docs/import-rules.md` is this, checked by a test).
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# What the import gate refuses and what it warns\n\n\
         Generated from `crates/domain/src/gate.rs` (`RULES`); a test keeps the two equal\n\
         (`UPDATE_DOCS=1 cargo test -p okusuri-domain rules_doc` rewrites this file).\n\n\
         Every way JAHIS data enters Okusuri Desk — the receipt computer's folder, 取込, `okusuri import`,\n\
         他社手帳 (QR or text), the demo — passes this one check before anything is stored.\n\
         **Refuse**: nothing of the file is stored; it is listed in 取込エラー with line, record, field and\n\
         message. Correct the export (or ask the vendor), then press 再試行 or write the file again — a\n\
         changed file is read again by itself. **Warn**: the file is stored; the message is kept with the\n\
         dispensing it concerns and shown as ⚠ on it in お薬履歴.\n\n\
         The first row that matches a problem's code (and record) applies; a code not listed refuses when\n\
         the reader calls it an error and warns otherwise.\n\n\
         | Code | Records | Verdict | Why |\n|---|---|---|---|\n",
    );
    for r in RULES {
        let records = if r.records.is_empty() {
            "all".to_owned()
        } else {
            r.records.join(", ")
        };
        let verdict = match r.verdict {
            Verdict::Refuse => "**refuse**",
            Verdict::Warn => "warn",
        };
        out.push_str(&format!(
            "| `{}` | {records} | {verdict} | {} |\n",
            r.code, r.why
        ));
    }
    out
}

#[cfg(test)]
mod tests {
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
        assert!(
            codes_of(gate().file(&sjis(&orphan))).contains(&"dispensing.without_date".to_owned())
        );
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
    fn rules_doc() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/import-rules.md");
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
}
