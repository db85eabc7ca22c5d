//! The text layer: detecting and decoding the bytes, Shift_JIS byte lengths,
//! and encoding back to CP932.

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
pub struct Decoded {
    /// The text (unmappable bytes become U+FFFD).
    pub text: String,
    /// The encoding used.
    pub encoding: Encoding,
    /// True when some bytes could not be decoded.
    pub had_errors: bool,
}

/// Decodes bytes: a UTF-8 BOM or valid UTF-8 with non-ASCII text is UTF-8,
/// anything else is CP932. Never fails; bad bytes are reported.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(BOM) {
        let (text, had_errors) = match std::str::from_utf8(rest) {
            Ok(s) => (s.to_owned(), false),
            Err(_) => (String::from_utf8_lossy(rest).into_owned(), true),
        };
        return Decoded {
            text,
            encoding: Encoding::Utf8Bom,
            had_errors,
        };
    }
    if !bytes.is_ascii() {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Decoded {
                text: s.to_owned(),
                encoding: Encoding::Utf8,
                had_errors: false,
            };
        }
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: Encoding::Cp932,
        had_errors,
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

/// Encodes text as CP932, or returns the first character CP932 cannot hold.
pub fn encode_cp932(text: &str) -> Result<Vec<u8>, char> {
    let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(text);
    if !had_errors {
        return Ok(bytes.into_owned());
    }
    let bad = text
        .chars()
        .find(|c| {
            let mut buf = [0u8; 4];
            encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2
        })
        .unwrap_or('\u{FFFD}');
    Err(bad)
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
    fn shift_jis_lengths() {
        assert_eq!(sjis_len("abc"), 3);
        assert_eq!(sjis_len("ｺﾘｵﾊﾟﾝ"), 6);
        assert_eq!(sjis_len("山田 太郎"), 9);
        assert_eq!(sjis_len("Ｃ"), 2);
    }
}
