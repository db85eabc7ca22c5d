//! The text layer: detecting and decoding the bytes, Shift_JIS byte lengths,
//! and encoding back to CP932.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// How a document's bytes were (or are to be) encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Encoding {
    /// CP932 (Windows-31J), the real-world default; also plain ASCII.
    #[default]
    #[serde(rename = "cp932")]
    Cp932,
    /// UTF-8 without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with a byte-order mark.
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decoded text and what was wrong with the bytes, if anything.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text (unmappable bytes become U+FFFD); borrowed when the input
    /// was already UTF-8.
    pub text: Cow<'a, str>,
    /// The encoding used.
    pub encoding: Encoding,
    /// True when some bytes could not be decoded.
    pub had_errors: bool,
}

/// Decodes bytes: a UTF-8 BOM, or valid UTF-8 holding Japanese text, is
/// UTF-8; anything else is CP932. Never fails; bad bytes are reported.
///
/// "Japanese text" matters: CP932 half-width katakana are single bytes
/// 0xA1–0xDF, and pairs of them can form valid two-byte UTF-8 (`ﾂｱ` is
/// `C2 B1`, UTF-8 for `±`). Japanese characters are all three bytes in
/// UTF-8, so valid UTF-8 with only two-byte characters is taken as CP932
/// when it decodes cleanly as CP932.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(BOM) {
        let (text, had_errors) = match std::str::from_utf8(rest) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(rest), true),
        };
        return Decoded {
            text,
            encoding: Encoding::Utf8Bom,
            had_errors,
        };
    }
    if !bytes.is_ascii()
        && let Ok(s) = std::str::from_utf8(bytes)
        && (s.chars().any(|c| u32::from(c) >= 0x800)
            || encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).1)
    {
        return Decoded {
            text: Cow::Borrowed(s),
            encoding: Encoding::Utf8,
            had_errors: false,
        };
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    Decoded {
        text,
        encoding: Encoding::Cp932,
        had_errors,
    }
}

/// The lines of `bytes` as byte ranges, without their line ends. A line end
/// is CR LF, LF CR (some exporters write it), LF, or a lone CR (scanners,
/// old Macs). CR and LF bytes never occur inside a CP932 or UTF-8
/// character, so this works on undecoded bytes and on text alike.
pub fn line_spans(bytes: &[u8]) -> LineSpans<'_> {
    LineSpans { bytes, pos: 0 }
}

/// The iterator of [`line_spans`].
#[derive(Debug, Clone)]
pub struct LineSpans<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for LineSpans<'_> {
    /// (start, end, whether a line end follows).
    type Item = (usize, usize, bool);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos > self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.bytes[start..];
        match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
            Some(i) => {
                let end = start + i;
                let pair = matches!(&rest[i..], [b'\r', b'\n', ..] | [b'\n', b'\r', ..]);
                self.pos = end + if pair { 2 } else { 1 };
                Some((start, end, true))
            }
            None => {
                self.pos = self.bytes.len() + 1;
                Some((start, self.bytes.len(), false))
            }
        }
    }
}

/// The length of `text` in Shift_JIS bytes, as the spec counts field
/// lengths: ASCII and half-width katakana 1 byte, everything else 2.
pub fn sjis_len(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                1
            } else {
                2
            }
        })
        .sum()
}

/// CP932 codes of the BMP characters with a two-byte code (0: none), built
/// once from encoding_rs's own encoder so that it agrees with it exactly.
/// encoding_rs keeps no reverse table for legacy CJK (it saves size), which
/// makes its encoder about ten times slower than its decoder.
fn reverse_table() -> &'static [u16] {
    static TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0u16; 0x1_0000];
        let leads = (0x81u8..=0x9F).chain(0xE0..=0xFC);
        for lead in leads {
            for trail in (0x40u8..=0x7E).chain(0x80..=0xFC) {
                let pair = [lead, trail];
                let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&pair);
                let Some(c) = text.chars().next().filter(|_| !bad) else {
                    continue;
                };
                let mut buf = [0u8; 4];
                let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
                if let (false, [hi, lo]) = (bad, bytes.as_ref())
                    && let Some(slot) = table.get_mut(c as usize)
                {
                    *slot = u16::from_be_bytes([*hi, *lo]);
                }
            }
        }
        table
    })
}

/// Encodes text as CP932 (exactly as encoding_rs does, faster), or returns
/// the first character CP932 cannot hold.
pub fn encode_cp932(text: &str) -> Result<Vec<u8>, char> {
    let table = reverse_table();
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = c as usize;
        if code < 0x80 {
            out.push(code as u8);
        } else if (0xFF61..=0xFF9F).contains(&code) {
            out.push((code - 0xFF61 + 0xA1) as u8);
        } else if let Some(&two) = table.get(code).filter(|t| **t != 0) {
            out.extend_from_slice(&two.to_be_bytes());
        } else {
            // Rare mappings (e.g. U+00A5, U+2212) and unmappable characters:
            // ask encoding_rs itself.
            let mut buf = [0u8; 4];
            let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
            if bad {
                return Err(c);
            }
            out.extend_from_slice(&bytes);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let sjis = encode_cp932("JAHISTC08,1\r\n1,山田 太郎").unwrap();
        let d = decode(&sjis);
        assert_eq!(d.encoding, Encoding::Cp932);
        assert_eq!(d.text, "JAHISTC08,1\r\n1,山田 太郎");
        assert!(!d.had_errors);

        let d = decode("1,山田".as_bytes());
        assert_eq!(d.encoding, Encoding::Utf8);

        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice("1,山田".as_bytes());
        let d = decode(&with_bom);
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.text, "1,山田");

        let d = decode(b"JAHISTC08,1");
        assert_eq!(d.encoding, Encoding::Cp932, "ASCII is read as CP932");

        // Half-width katakana that happen to be valid UTF-8 (`±`).
        let d = decode(b"1,\xC2\xB1");
        assert_eq!((d.encoding, d.text.as_ref()), (Encoding::Cp932, "1,ﾂｱ"));
        // Real UTF-8 Latin text that is not valid CP932 stays UTF-8.
        let d = decode("1,±\u{A0}".as_bytes());
        assert_eq!(d.encoding, Encoding::Utf8);
    }

    #[test]
    fn cp932_extensions_and_bad_bytes() {
        // ① and ㈱ are CP932 extensions (NEC row 13).
        let bytes = encode_cp932("①㈱").unwrap();
        assert_eq!(decode(&bytes).text, "①㈱");
        // A lead byte with nothing after it: a truncated character.
        let d = decode(b"1,\x82");
        assert!(d.had_errors);
        assert_eq!(encode_cp932("a😀b"), Err('😀'));
    }

    #[test]
    fn the_fast_encoder_agrees_with_encoding_rs_on_every_character() {
        let mut all = String::new();
        for c in (1u32..0x3_0000).filter_map(char::from_u32) {
            all.push(c);
            let mut buf = [0u8; 4];
            let (expected, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
            let mut buf2 = [0u8; 4];
            match encode_cp932(c.encode_utf8(&mut buf2)) {
                Ok(bytes) => {
                    assert_eq!((bytes.as_slice(), false), (expected.as_ref(), bad), "{c:?}")
                }
                Err(e) => assert!(bad && e == c, "{c:?}"),
            }
        }
        assert!(encode_cp932(&all).is_err());
    }

    #[test]
    fn every_kind_of_line_end() {
        let lines = |s: &str| -> Vec<(String, bool)> {
            line_spans(s.as_bytes())
                .map(|(a, b, end)| (s[a..b].to_owned(), end))
                .collect()
        };
        let expected = vec![("a".into(), true), ("b".into(), true), ("c".into(), false)];
        for text in [
            "a\r\nb\r\nc",
            "a\nb\nc",
            "a\rb\rc",
            "a\n\rb\n\rc",
            "a\r\nb\nc",
        ] {
            assert_eq!(lines(text), expected, "{text:?}");
        }
        assert_eq!(
            lines("a\r\n"),
            vec![("a".into(), true), (String::new(), false)]
        );
        assert_eq!(lines(""), vec![(String::new(), false)]);
    }

    #[test]
    fn shift_jis_lengths() {
        assert_eq!(sjis_len("abc"), 3);
        assert_eq!(sjis_len("ｺﾘｵﾊﾟﾝ"), 6);
        assert_eq!(sjis_len("山田 太郎"), 9);
        assert_eq!(sjis_len("Ｃ"), 2);
    }
}
