//! 処方箋控え and the paper 処方箋 of the clinic (C5), on A5: the 引換番号
//! large, the 処方箋ID, patient, clinic and doctor, 交付日, each RP; the paper
//! 処方箋 also carries the JAHIS 2D symbol (a QR symbol of the prescription's
//! JAHIS CSV in Shift_JIS) that the pharmacy reads.

use okusuri_jahis::qr;
use printpdf::{
    Color, Greyscale, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    TextItem,
};
use qrcode::QrCode;

use crate::{PrintError, font, symbol};

/// A5 portrait.
const PAGE_W: f32 = 148.0;
const PAGE_H: f32 = 210.0;
const MARGIN: f32 = 12.0;
/// The 2D symbol's largest side; a module is never bigger than 0.6 mm.
const SYMBOL_MAX_MM: f32 = 52.0;
/// Text placed on a page: x and y (mm from the top left), size (pt), the text.
type Placed = (f32, f32, f32, String);

/// Printed under the 2D symbol.
const SYMBOL_LABEL: &str = "院外処方箋2次元シンボル（JAHIS）";
/// Lines of the prescription on a page.
const LINES_PER_PAGE: usize = 22;

/// Which sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// 処方箋控え of a 電子処方箋 (for the patient).
    Copy,
    /// The paper 処方箋 (引換番号付き) with the 2D symbol.
    Paper,
}

/// What a sheet shows.
#[derive(Debug, Clone, Copy)]
pub struct PrescriptionSheet<'a> {
    /// 控え or 処方箋.
    pub kind: SheetKind,
    /// 引換番号.
    pub access_code: &'a str,
    /// 処方箋ID.
    pub prescription_id: &'a str,
    /// The patient's name, カナ and 生年月日 as shown.
    pub patient: (&'a str, &'a str, &'a str),
    /// 保険者番号 and 記号・番号 as shown.
    pub insurance: &'a str,
    /// The clinic's name.
    pub institution: &'a str,
    /// The doctor's name.
    pub doctor: &'a str,
    /// 交付日 as shown.
    pub issue_date: &'a str,
    /// The prescription, one line each (RP headings and drugs).
    pub lines: &'a [String],
    /// The 2D symbol's bytes (paper only).
    pub symbol: Option<&'a [u8]>,
}

/// The PDF of `sheet` (more pages when the prescription is long).
pub fn prescription_sheet(sheet: &PrescriptionSheet<'_>) -> Result<Vec<u8>, PrintError> {
    let title = match sheet.kind {
        SheetKind::Copy => "処方箋控え（電子処方箋）",
        SheetKind::Paper => "処　方　箋（引換番号付き）",
    };
    let note = match sheet.kind {
        SheetKind::Copy => {
            "この控えは処方箋ではありません。薬局で引換番号とマイナンバーカードまたは保険証をお示しください。"
        }
        SheetKind::Paper => "この処方箋を薬局にお持ちください。",
    };
    let (name, kana, birth) = sheet.patient;
    let header = [
        format!("患者　{name}（{kana}）　生年月日 {birth}"),
        format!("保険　{}", sheet.insurance),
        format!("医療機関　{}　医師 {}", sheet.institution, sheet.doctor),
        format!("交付日　{}", sheet.issue_date),
    ];
    let code = sheet.symbol.map(qr::encode).transpose()?;
    let chunks: Vec<&[String]> = if sheet.lines.is_empty() {
        vec![&[]]
    } else {
        sheet.lines.chunks(LINES_PER_PAGE).collect()
    };
    // First what each page says and where (text at x, y mm, size pt), so
    // that the font is cut to exactly the characters drawn.
    let pages_total = chunks.len();
    let mut layout: Vec<(Vec<Placed>, Option<f32>)> = Vec::new();
    for (page_no, chunk) in chunks.into_iter().enumerate() {
        let mut items = vec![(MARGIN, 16.0, 15.0, title.to_string())];
        if pages_total > 1 {
            items.push((
                PAGE_W - MARGIN - 12.0,
                16.0,
                9.0,
                format!("{}/{}", page_no + 1, pages_total),
            ));
        }
        items.push((MARGIN, 30.0, 12.0, "引換番号".into()));
        items.push((MARGIN + 24.0, 31.0, 26.0, sheet.access_code.into()));
        items.push((
            MARGIN,
            38.0,
            8.5,
            format!("処方箋ID {}", sheet.prescription_id),
        ));
        let mut y: f32 = 46.0;
        for line in &header {
            items.push((MARGIN, y, 9.5, line.clone()));
            y += 5.5;
        }
        y += 3.0;
        for line in chunk {
            items.push((MARGIN, y, 10.0, line.clone()));
            y += 5.5;
        }
        let mut symbol_top = None;
        if let (Some(code), true) = (&code, page_no + 1 == pages_total) {
            let top = (y + 4.0).min(PAGE_H - SYMBOL_MAX_MM - 16.0);
            let size = symbol_size(code);
            items.push((
                PAGE_W - MARGIN - size,
                top + size + 4.0,
                8.5,
                SYMBOL_LABEL.into(),
            ));
            symbol_top = Some(top);
        }
        items.push((MARGIN, PAGE_H - 10.0, 8.5, note.to_string()));
        layout.push((items, symbol_top));
    }
    let all_text: String = layout
        .iter()
        .flat_map(|(items, _)| items.iter().map(|i| i.3.as_str()))
        .collect();
    let mut doc = PdfDocument::new(title);
    let font_id = doc.add_font(&font::gothic_for(&all_text)?);
    let mut pages = Vec::with_capacity(layout.len());
    for (items, symbol_top) in layout {
        let mut ops = vec![Op::SetFillColor {
            col: Color::Greyscale(Greyscale {
                percent: 0.0,
                icc_profile: None,
            }),
        }];
        for (x, y, size, s) in items {
            ops.extend([
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
                    items: vec![TextItem::Text(s)],
                },
                Op::EndTextSection,
            ]);
        }
        if let (Some(code), Some(top)) = (&code, symbol_top) {
            symbol_ops(code, top, &mut ops);
        }
        pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    }
    Ok(doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// The symbol's side in mm (with its quiet zone).
fn symbol_size(code: &QrCode) -> f32 {
    symbol::fit(code, SYMBOL_MAX_MM, 0.6).1
}

/// Draws the symbol at the right margin with its top at `top` mm.
fn symbol_ops(code: &QrCode, top: f32, ops: &mut Vec<Op>) {
    let (module, size) = symbol::fit(code, SYMBOL_MAX_MM, 0.6);
    let at = symbol::Placement {
        left: PAGE_W - MARGIN - size,
        top,
        module,
        page_h: PAGE_H,
    };
    symbol::draw(code, at, ops);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sheet<'a>(lines: &'a [String], symbol: Option<&'a [u8]>) -> PrescriptionSheet<'a> {
        PrescriptionSheet {
            kind: if symbol.is_some() {
                SheetKind::Paper
            } else {
                SheetKind::Copy
            },
            access_code: "123456",
            prescription_id: "00000000-0000-0000-0000-000000000001",
            patient: ("鈴木　花子", "ｽｽﾞｷ ﾊﾅｺ", "1955年6月6日"),
            insurance: "06123456　１２３・４５６７",
            institution: "おくすり内科",
            doctor: "山田　一郎",
            issue_date: "2026年12月4日",
            lines,
            symbol,
        }
    }

    #[test]
    fn a_long_prescription_continues_on_more_pages() {
        let lines: Vec<String> = (0..50).map(|i| format!("薬{i} 1錠")).collect();
        let pdf = prescription_sheet(&sheet(&lines, None)).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(pdf.starts_with(b"%PDF"));
        // 50 lines → 3 pages of at most 22.
        let pages = text.matches("/MediaBox").count();
        assert_eq!(pages, 3, "{pages}");
    }

    #[test]
    fn a_symbol_too_long_for_one_qr_is_refused() {
        let big = vec![b'A'; 4000];
        let lines = vec!["x".to_string()];
        assert!(matches!(
            prescription_sheet(&sheet(&lines, Some(&big))),
            Err(PrintError::Qr(_))
        ));
    }
}
