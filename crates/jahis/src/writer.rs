//! Writing a [`Document`] back to JAHIS text.
//!
//! CP932 with CR LF by default, UTF-8 on request. A half-width comma inside a
//! value becomes a full-width one (the spec has no escaping), line breaks
//! inside a value become spaces, and text CP932 cannot hold is refused.

use crate::date;
use crate::model::*;
use crate::text::{self, Encoding};

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A character has no CP932 form.
    #[error(
        "「{ch}」はShift_JIS（CP932）で表せない文字のため書き出せません（{context}）。UTF-8で書き出すか、文字を置き換えてください。"
    )]
    Unencodable {
        /// The character.
        ch: char,
        /// The line it is on, shortened.
        context: String,
    },
    /// The version tag is not `JAHISTC` + two digits.
    #[error("バージョン「{0}」は「JAHISTC」と2桁の数字である必要があります。")]
    BadVersion(String),
}

/// Writes the document as text lines (without line ends).
pub fn lines(doc: &Document) -> Result<Vec<String>, WriteError> {
    let v = &doc.version;
    if !(v.len() == 9 && v.starts_with("JAHISTC") && v[7..].bytes().all(|b| b.is_ascii_digit())) {
        return Err(WriteError::BadVersion(v.clone()));
    }
    let mut w = Lines::default();
    w.line(&[v.as_str(), &num(doc.output_category)], &[]);
    if let Some(p) = &doc.patient {
        let birth = date_text(&p.birth_date_text, &p.birth_date);
        w.line(
            &[
                "1",
                s(&p.name),
                &num(p.sex),
                &birth,
                s(&p.postal_code),
                s(&p.address),
                s(&p.phone),
                s(&p.emergency_contact),
                s(&p.blood_type),
                s(&p.weight),
                s(&p.kana),
            ],
            &p.extra,
        );
    }
    for n in &doc.notes {
        w.line(&["2", &num(n.kind), s(&n.text), &num(n.author)], &n.extra);
    }
    for o in &doc.otc {
        let start = date_text(&o.start_date_text, &o.start_date);
        let end = date_text(&o.end_date_text, &o.end_date);
        w.line(
            &[
                "3",
                s(&o.name),
                &start,
                &end,
                &num(o.author),
                &num(o.seq),
                s(&o.jan),
            ],
            &o.extra,
        );
        for c in &o.components {
            w.line(
                &[
                    "31",
                    &num(c.seq),
                    s(&c.name),
                    &num(c.code_kind),
                    s(&c.code),
                    &num(c.author),
                ],
                &c.extra,
            );
        }
    }
    for m in &doc.memos {
        w.line(
            &[
                "4",
                s(&m.text),
                &date_text(&m.date_text, &m.date),
                &num(m.author),
            ],
            &m.extra,
        );
    }
    for u in &doc.unknown {
        w.unknown(u);
    }
    for d in &doc.dispensings {
        dispensing(&mut w, d);
    }
    for p in &doc.pharmacists {
        let start = date_text(&p.start_date_text, &p.start_date);
        let end = date_text(&p.end_date_text, &p.end_date);
        w.line(
            &[
                "701",
                s(&p.name),
                s(&p.pharmacy),
                s(&p.contact),
                &start,
                &end,
                &num(p.author),
            ],
            &p.extra,
        );
    }
    if let Some(split) = &doc.split {
        w.line(
            &[
                "911",
                &split.data_id,
                &split.count.to_string(),
                &split.seq.to_string(),
            ],
            &[],
        );
    }
    Ok(w.0)
}

fn dispensing(w: &mut Lines, d: &Dispensing) {
    w.line(
        &["5", &date_text(&d.date_text, &d.date), &num(d.author)],
        &d.extra,
    );
    if let Some(i) = &d.dispensed_at {
        w.line(
            &[
                "11",
                s(&i.name),
                s(&i.prefecture),
                s(&i.table),
                s(&i.code),
                s(&i.postal_code),
                s(&i.address),
                s(&i.phone),
                &num(i.author),
            ],
            &i.extra,
        );
    }
    if let Some(p) = &d.pharmacist {
        w.line(&["15", s(&p.name), s(&p.contact), &num(p.author)], &p.extra);
    }
    if let Some(i) = &d.prescribed_at {
        w.line(
            &[
                "51",
                s(&i.name),
                s(&i.prefecture),
                s(&i.table),
                s(&i.code),
                &num(i.author),
            ],
            &i.extra,
        );
    }
    let mut doctor: Option<&Doctor> = None;
    for rp in &d.rps {
        if rp.doctor.is_some() && rp.doctor.as_ref() != doctor {
            if let Some(doc) = &rp.doctor {
                w.line(
                    &["55", s(&doc.name), s(&doc.department), &num(doc.author)],
                    &doc.extra,
                );
            }
            doctor = rp.doctor.as_ref();
        }
        let n = num(rp.rp);
        for drug in &rp.drugs {
            w.line(
                &[
                    "201",
                    &n,
                    s(&drug.name),
                    s(&drug.dose),
                    s(&drug.unit),
                    &num(drug.code_kind),
                    s(&drug.code),
                    &num(drug.author),
                    s(&drug.generic_name),
                    &num(drug.generic_code_kind),
                    s(&drug.generic_code),
                ],
                &drug.extra,
            );
            for t in &drug.notes {
                w.line(&["281", &n, s(&t.text), &num(t.author)], &t.extra);
            }
            for t in &drug.cautions {
                w.line(&["291", &n, s(&t.text), &num(t.author)], &t.extra);
            }
        }
        if let Some(u) = &rp.usage {
            w.line(
                &[
                    "301",
                    &n,
                    s(&u.name),
                    &num(u.quantity),
                    s(&u.unit),
                    &num(u.form),
                    &num(u.code_kind),
                    s(&u.code),
                    &num(u.author),
                ],
                &u.extra,
            );
            for t in &u.notes {
                w.line(&["311", &n, s(&t.text), &num(t.author)], &t.extra);
            }
        }
        for t in &rp.cautions {
            w.line(&["391", &n, s(&t.text), &num(t.author)], &t.extra);
        }
    }
    for t in &d.cautions {
        w.line(&["401", s(&t.text), &num(t.author)], &t.extra);
    }
    for p in &d.provided_info {
        w.line(&["411", s(&p.text), &num(p.kind), &num(p.author)], &p.extra);
    }
    for t in &d.leftover {
        w.line(&["421", s(&t.text), &num(t.author)], &t.extra);
    }
    for t in &d.remarks {
        w.line(&["501", s(&t.text), &num(t.author)], &t.extra);
    }
    for e in &d.patient_entries {
        w.line(
            &["601", s(&e.text), &date_text(&e.date_text, &e.date)],
            &e.extra,
        );
    }
    for u in &d.unknown {
        w.unknown(u);
    }
}

/// Writes the document as bytes in `encoding` (CR LF line ends).
pub fn write(doc: &Document, encoding: Encoding) -> Result<Vec<u8>, WriteError> {
    let lines = lines(doc)?;
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    encode(&text, encoding)
}

/// Encodes finished text, naming the line of a character CP932 lacks.
pub(crate) fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, WriteError> {
    match encoding {
        Encoding::Cp932 => text::encode_cp932(text).map_err(|ch| {
            let line = text.lines().find(|l| l.contains(ch)).unwrap_or_default();
            WriteError::Unencodable {
                ch,
                context: line.chars().take(40).collect(),
            }
        }),
        Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
        Encoding::Utf8Bom => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
    }
}

#[derive(Default)]
struct Lines(Vec<String>);

impl Lines {
    fn line(&mut self, fields: &[&str], extra: &[String]) {
        let mut out = String::with_capacity(64);
        for (i, field) in fields
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .enumerate()
        {
            if i > 0 {
                out.push(',');
            }
            push_value(&mut out, field);
        }
        self.0.push(out);
    }

    fn unknown(&mut self, u: &UnknownRecord) {
        let mut fields = vec![u.record.as_str()];
        fields.extend(u.fields.iter().map(String::as_str));
        self.line(&fields, &[]);
    }
}

/// Appends a value: `,` → `，`, line breaks → space.
fn push_value(out: &mut String, value: &str) {
    if !value.contains([',', '\r', '\n']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        out.push(match c {
            ',' => '，',
            '\r' | '\n' => ' ',
            c => c,
        });
    }
}

fn s(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

fn date_text(text: &Option<String>, iso: &Option<String>) -> String {
    match (text, iso) {
        (Some(t), _) => t.clone(),
        (None, Some(iso)) => date::from_iso(iso).unwrap_or_default(),
        (None, None) => String::new(),
    }
}
