//! 患者用QRコード (P8): one A4 page per QR symbol, with the patient's name,
//! the date, where it was made, and "n/m" under the symbol so the patient
//! (or the phone app) takes them in order.

use okusuri_jahis::qr;
use printpdf::{
    Color, Greyscale, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    TextItem,
};
use qrcode::QrCode;

use crate::{PrintError, font, symbol};

/// A4 portrait.
const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 20.0;
/// The largest a symbol is drawn; a module is never bigger than 1 mm.
const QR_MAX_MM: f32 = 110.0;

/// What goes on the sheets.
#[derive(Debug, Clone, Copy)]
pub struct QrSheets<'a> {
    /// The patient's name (印刷: "{name} 様").
    pub patient_name: &'a str,
    /// When they were made, as shown (e.g. `2026年12月3日`).
    pub made_on: &'a str,
    /// The facility that made them.
    pub facility_name: &'a str,
    /// The bytes of each symbol, in order (JAHIS data, split with 911
    /// records when more than one).
    pub symbols: &'a [Vec<u8>],
}

/// The PDF: one page per symbol.
pub fn qr_sheets(sheets: &QrSheets<'_>) -> Result<Vec<u8>, PrintError> {
    if sheets.symbols.is_empty() {
        return Err(PrintError::Empty);
    }
    let count = sheets.symbols.len();
    let title = "お薬手帳データ（QRコード）";
    let name = format!("{} 様", sheets.patient_name);
    let made = format!("作成日 {}　{}", sheets.made_on, sheets.facility_name);
    let notes = [
        if count == 1 {
            "スマートフォンのお薬手帳アプリで読み取ってください。".to_string()
        } else {
            format!(
                "スマートフォンのお薬手帳アプリで読み取ってください（全{count}枚、1/{count}から順に）。"
            )
        },
        "このQRコードには、お名前とお薬の情報が含まれています。取り扱いにご注意ください。"
            .to_string(),
    ];
    let all_text = [title, &name, &made, &notes[0], &notes[1], "0123456789/"].concat();
    let mut doc = PdfDocument::new("お薬手帳 QRコード");
    let font_id = doc.add_font(&font::gothic_for(&all_text)?);
    let text = |x: f32, y: f32, size: f32, s: &str| -> Vec<Op> {
        vec![
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font_id.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x).into(),
                    y: Mm(PAGE_H - y).into(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]
    };
    let mut pages = Vec::with_capacity(count);
    for (i, data) in sheets.symbols.iter().enumerate() {
        let code = qr::encode(data)?;
        let label = format!("{}/{}", i + 1, count);
        let mut ops = vec![Op::SetFillColor {
            col: Color::Greyscale(Greyscale {
                percent: 0.0,
                icc_profile: None,
            }),
        }];
        ops.extend(text(MARGIN, 28.0, 18.0, title));
        ops.extend(text(MARGIN, 40.0, 14.0, &name));
        ops.extend(text(MARGIN, 48.0, 10.5, &made));
        let size = qr_ops(&code, 58.0, &mut ops);
        // "n/m" centred under the symbol: ASCII is about half an em wide.
        let label_pt = 28.0;
        let label_mm = label.len() as f32 * label_pt * 0.5 * 25.4 / 72.0;
        ops.extend(text(
            (PAGE_W - label_mm) / 2.0,
            58.0 + size + 14.0,
            label_pt,
            &label,
        ));
        let mut y = 58.0 + size + 28.0;
        for line in &notes {
            ops.extend(text(MARGIN, y, 10.5, line));
            y += 7.0;
        }
        pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    }
    // The font is already a subset (font.rs): printpdf embeds it as it is.
    Ok(doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// Draws the symbol centred across the page with its top at `top` mm;
/// returns its size in mm.
fn qr_ops(code: &QrCode, top: f32, ops: &mut Vec<Op>) -> f32 {
    let (module, size) = symbol::fit(code, QR_MAX_MM, 1.0);
    let at = symbol::Placement {
        left: (PAGE_W - size) / 2.0,
        top,
        module,
        page_h: PAGE_H,
    };
    symbol::draw(code, at, ops);
    size
}
