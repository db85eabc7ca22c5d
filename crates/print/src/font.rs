//! The embedded Japanese font (IPAexGothic), cut down for each PDF to the
//! glyphs its text uses: a sheet carries a few kilobytes of font, not 6 MB.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::ParsedFont;

use crate::PrintError;

/// IPAexGothic 004.01.
const FONT: &[u8] = include_bytes!("../fonts/ipaexg.ttf");

/// The whole font, parsed once per process (for its character map).
fn whole() -> Result<&'static ParsedFont, PrintError> {
    static PARSED: OnceLock<Option<ParsedFont>> = OnceLock::new();
    PARSED
        .get_or_init(|| ParsedFont::from_bytes(FONT, 0, &mut Vec::new()))
        .as_ref()
        .ok_or(PrintError::Font)
}

/// The font with only the glyphs `text` needs (and `.notdef`, which must
/// stay glyph 0). Characters the font lacks are left out and print as blanks.
pub(crate) fn gothic_for(text: &str) -> Result<ParsedFont, PrintError> {
    let font = whole()?;
    let used: BTreeSet<u16> = text
        .chars()
        .filter_map(|c| font.lookup_glyph_index(c as u32))
        .filter(|gid| *gid != 0)
        .collect();
    let ids: Vec<u16> = std::iter::once(0).chain(used).collect();
    let file = ReadScope::new(FONT)
        .read::<FontData<'_>>()
        .map_err(|_| PrintError::Font)?;
    let provider = file.table_provider(0).map_err(|_| PrintError::Font)?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|_| PrintError::Font)?;
    ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).ok_or(PrintError::Font)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_keeps_the_characters_asked_for_and_is_small() {
        let font = gothic_for("鈴木 太郎 様 1/3");
        let font = match font {
            Ok(font) => font,
            Err(e) => panic!("{e}"),
        };
        for c in "鈴木太郎様1/3".chars() {
            assert!(font.lookup_glyph_index(c as u32).is_some(), "{c}");
        }
        assert!(font.lookup_glyph_index('薬' as u32).is_none());
        assert!(
            font.original_bytes.len() < 20_000,
            "{}",
            font.original_bytes.len()
        );
        // The licence shipped beside the font (and in the app bundle).
        let license = include_str!("../fonts/IPA_Font_License_Agreement_v1.0.txt");
        assert!(license.contains("IPA Font License Agreement v1.0"));
    }
}
