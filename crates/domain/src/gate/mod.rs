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

mod rules;
#[cfg(test)]
mod tests;

pub use rules::{RULES, Rule, Verdict, codes, rules_markdown, verdict};

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
        warnings_of(&self.doc, index)
    }
}

/// The issues of `doc` about its dispensing at `index`, one per line
/// (`5行目 レコード301: …`), if there are any: what ⚠ shows.
pub fn warnings_of(doc: &Document, index: usize) -> Option<String> {
    let lines: Vec<String> = doc
        .issues
        .iter()
        .filter(|i| i.dispensing == Some(index))
        .map(where_and_what)
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
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
        // `NSIPS`): written as the newest JAHIS version, 出力区分 1 (a
        // provider's data), named back after. A JAHIS document without a
        // valid 出力区分 is checked as the reader checked it: not as a
        // provider's (found by the fuzzer).
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
                output_category: doc.output_category.or(Some(if is_jahis { 2 } else { 1 })),
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
