//! Splitting a document into parts and putting parts back together.
//!
//! * The spec's split (§3.2.9(3)): cut at record boundaries; every part
//!   starts with the version line and ends with `911,<ID>,<count>,<seq>`.
//! * QR Structured Append as some vendors use it: raw byte chunks, the
//!   version line only in the first, cut anywhere (even inside a character).
//!
//! Both work on bytes, so the encoding of the parts is kept as it is.

use crate::model::{Document, SplitControl};
use crate::text::Encoding;
use crate::writer::{self, WriteError};

/// Why parts could not be made or put together.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    /// The document could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// One record is bigger than a whole part may be.
    #[error("1つのレコードが分割の上限（{budget}バイト）を超えています（{size}バイト）: {start}")]
    RecordTooLarge {
        /// The per-part budget.
        budget: usize,
        /// The record's size with the version and 911 lines.
        size: usize,
        /// The start of the record.
        start: String,
    },
    /// A part has no 911 record.
    #[error("{0}枚目に分割制御レコード（911）がありません。")]
    NoControl(usize),
    /// Parts of different data were mixed.
    #[error("別のデータの分割が混ざっています（データ固有ID {0} と {1}）。")]
    MixedData(String, String),
    /// A part is missing.
    #[error("{count}枚中{seq}枚目がありません。")]
    Missing {
        /// 分割数.
        count: u32,
        /// The missing データ連番.
        seq: u32,
    },
    /// A part was given twice.
    #[error("{count}枚中{seq}枚目が2回あります。")]
    Duplicate {
        /// 分割数.
        count: u32,
        /// The repeated データ連番.
        seq: u32,
    },
    /// Nothing was given.
    #[error("データがありません。")]
    Empty,
    /// The ID is not 14 digits.
    #[error("データ固有IDは14桁の数字です: 「{0}」")]
    BadId(String),
}

fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .collect()
}

/// Splits `doc` into parts of at most `max_bytes` bytes each (CR LF, in
/// `encoding`). A document that fits is returned whole, without a 911.
pub fn split(
    doc: &Document,
    max_bytes: usize,
    data_id: &str,
    encoding: Encoding,
) -> Result<Vec<Vec<u8>>, SplitError> {
    if data_id.len() != 14 || !data_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SplitError::BadId(data_id.to_owned()));
    }
    let doc = Document {
        split: None,
        ..doc.clone()
    };
    let whole = writer::write(&doc, encoding)?;
    if whole.len() <= max_bytes {
        return Ok(vec![whole]);
    }
    let lines = writer::lines(&doc)?;
    let encoded: Vec<Vec<u8>> = lines
        .iter()
        .map(|l| writer::encode(&format!("{l}\r\n"), encoding))
        .collect::<Result<_, _>>()?;
    let (header, body) = encoded.split_first().ok_or(SplitError::Empty)?;
    let bom = if encoding == Encoding::Utf8Bom { 3 } else { 0 };
    let header = &header[bom..];
    let body: Vec<&[u8]> = body.iter().map(|l| &l[bom..]).collect();
    // 911,<14>,<count>,<seq>\r\n with up to three digits each.
    let control_len = "911,".len() + 14 + 1 + 3 + 1 + 3 + 2;
    let fixed = bom + header.len() + control_len;
    let mut chunks: Vec<Vec<&[u8]>> = vec![Vec::new()];
    let mut size = fixed;
    for line in body {
        if fixed + line.len() > max_bytes {
            return Err(SplitError::RecordTooLarge {
                budget: max_bytes,
                size: fixed + line.len(),
                start: String::from_utf8_lossy(&line[..line.len().min(30)]).into_owned(),
            });
        }
        let current = chunks.last().map_or(0, Vec::len);
        if size + line.len() > max_bytes && current > 0 {
            chunks.push(Vec::new());
            size = fixed;
        }
        size += line.len();
        if let Some(chunk) = chunks.last_mut() {
            chunk.push(line);
        }
    }
    let count = chunks.len();
    Ok(chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut part = Vec::with_capacity(max_bytes);
            if bom > 0 {
                part.extend_from_slice(b"\xEF\xBB\xBF");
            }
            part.extend_from_slice(header);
            for line in chunk {
                part.extend_from_slice(line);
            }
            part.extend_from_slice(format!("911,{data_id},{count},{}\r\n", i + 1).as_bytes());
            part
        })
        .collect())
}

/// Reads the 911 of a part: the last non-empty line.
fn control(part: &[u8], index: usize) -> Result<SplitControl, SplitError> {
    let last = split_lines(part)
        .pop()
        .ok_or(SplitError::NoControl(index + 1))?;
    let text = std::str::from_utf8(last).map_err(|_| SplitError::NoControl(index + 1))?;
    // Trimmed as the reader trims (spaces and CRs only): a line the reader
    // keeps as an unknown record is never taken for a 911 (found by the
    // fuzzer: a vertical tab before `911`).
    let f: Vec<&str> = text
        .split(',')
        .map(|s| s.trim_matches([' ', '\r']))
        .collect();
    match f.as_slice() {
        ["911", id, count, seq, ..] => Ok(SplitControl {
            data_id: (*id).to_owned(),
            count: count
                .parse()
                .map_err(|_| SplitError::NoControl(index + 1))?,
            seq: seq.parse().map_err(|_| SplitError::NoControl(index + 1))?,
        }),
        _ => Err(SplitError::NoControl(index + 1)),
    }
}

/// Merges 911 parts given in any order into one document's bytes: the first
/// part's version line, then every part's records without version and 911.
pub fn merge(parts: &[&[u8]]) -> Result<Vec<u8>, SplitError> {
    let first = parts.first().ok_or(SplitError::Empty)?;
    let mut indexed = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        indexed.push((control(part, i)?, *part));
    }
    let expected = indexed[0].0.clone();
    for (c, _) in &indexed {
        if c.data_id != expected.data_id || c.count != expected.count {
            return Err(SplitError::MixedData(
                expected.data_id.clone(),
                c.data_id.clone(),
            ));
        }
    }
    indexed.sort_by_key(|(c, _)| c.seq);
    for pair in indexed.windows(2) {
        if pair[0].0.seq == pair[1].0.seq {
            return Err(SplitError::Duplicate {
                count: expected.count,
                seq: pair[0].0.seq,
            });
        }
    }
    for seq in 1..=expected.count {
        if !indexed.iter().any(|(c, _)| c.seq == seq) {
            return Err(SplitError::Missing {
                count: expected.count,
                seq,
            });
        }
    }
    let header = split_lines(first).first().copied().unwrap_or_default();
    let bom: &[u8] = if first.starts_with(b"\xEF\xBB\xBF") && !header.starts_with(b"\xEF\xBB\xBF") {
        b"\xEF\xBB\xBF"
    } else {
        b""
    };
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    out.extend_from_slice(bom);
    out.extend_from_slice(header);
    out.extend_from_slice(b"\r\n");
    for (_, part) in &indexed {
        let lines = split_lines(part);
        let n = lines.len();
        for line in lines.into_iter().take(n.saturating_sub(1)).skip(1) {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    Ok(out)
}

/// Puts scanned symbols back into one document's bytes, whatever the style:
/// one symbol as it is, 911 parts merged in any order, and Structured Append
/// chunks (version line only in the first) joined byte for byte in the order
/// given.
pub fn assemble(parts: &[&[u8]]) -> Result<Vec<u8>, SplitError> {
    match parts {
        [] => Err(SplitError::Empty),
        [one] if control(one, 0).is_err() => Ok(one.to_vec()),
        _ if parts.iter().enumerate().all(|(i, p)| control(p, i).is_ok()) => merge(parts),
        _ => Ok(parts.concat()),
    }
}

/// Splits text typed by a 2D scanner (several symbols one after another)
/// into symbols: a new symbol starts at each version line.
pub fn split_scanned(bytes: &[u8]) -> Vec<&[u8]> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let clean = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if clean.starts_with(b"JAHISTC") {
            starts.push(at);
        }
        at += line.len();
    }
    if starts.is_empty() {
        return vec![bytes];
    }
    starts.push(bytes.len());
    starts.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}
