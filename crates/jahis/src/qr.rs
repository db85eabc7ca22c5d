//! QR symbols for JAHIS data: byte mode, error correction M, one symbol per
//! split part, as PNG or SVG.
//!
//! Budget: [`QR_BYTES_PER_SYMBOL`] bytes per symbol. Version 40-M holds 2331
//! bytes, but such dense symbols are hard for phones to read from paper;
//! 1800 bytes (about version 36) is the common conservative choice.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

use crate::model::Document;
use crate::split::{self, SplitError};
use crate::text::Encoding;

/// The most JAHIS bytes put in one symbol.
pub const QR_BYTES_PER_SYMBOL: usize = 1800;
/// The quiet zone around a symbol, in modules (the standard asks for 4).
const QUIET_ZONE: usize = 4;

/// Why a QR symbol could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The data does not fit one symbol.
    #[error("QRコード1つに入りきりません（{0}バイト）。分割してください。")]
    TooLong(usize),
    /// Splitting failed.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// The PNG encoder failed.
    #[error("PNG画像を作成できません: {0}")]
    Png(String),
}

/// The data of each symbol for `doc`: CP932 bytes, split by the spec when it
/// exceeds the budget.
pub fn symbols(doc: &Document, data_id: &str) -> Result<Vec<Vec<u8>>, QrError> {
    Ok(split::split(
        doc,
        QR_BYTES_PER_SYMBOL,
        data_id,
        Encoding::Cp932,
    )?)
}

/// Encodes bytes into the smallest QR symbol (byte mode, level M).
pub fn encode(data: &[u8]) -> Result<QrCode, QrError> {
    for v in 1..=40 {
        let mut bits = Bits::new(Version::Normal(v));
        if bits.push_byte_data(data).is_err() || bits.push_terminator(EcLevel::M).is_err() {
            continue;
        }
        if let Ok(code) = QrCode::with_bits(bits, EcLevel::M) {
            return Ok(code);
        }
    }
    Err(QrError::TooLong(data.len()))
}

/// A PNG (8-bit grey) of the symbol, `scale` pixels per module.
pub fn png(code: &QrCode, scale: usize) -> Result<Vec<u8>, QrError> {
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).map_err(|e| QrError::Png(e.to_string()))?;
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| QrError::Png(e.to_string()))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| QrError::Png(e.to_string()))?;
    writer.finish().map_err(|e| QrError::Png(e.to_string()))?;
    Ok(out)
}

/// An SVG of the symbol.
pub fn svg(code: &QrCode) -> String {
    code.render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build()
}
