//! Drawing a QR symbol into a PDF page: one filled rectangle per horizontal
//! run of dark modules (small PDFs, crisp at any scale), with the standard's
//! quiet zone of 4 modules around it.

use printpdf::{Mm, Op, PaintMode, Rect};
use qrcode::{Color as Module, QrCode};

/// The quiet zone, in modules.
pub(crate) const QUIET: usize = 4;

/// Where and how large a symbol is drawn (mm; `top` from the page's top).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placement {
    /// The left edge of the quiet zone.
    pub left: f32,
    /// The top edge of the quiet zone.
    pub top: f32,
    /// One module's side.
    pub module: f32,
    /// The page's height (PDF coordinates start at the bottom).
    pub page_h: f32,
}

/// A module size for `code` that fits `max_mm` with its quiet zone and is
/// never larger than `max_module`; returns (module, whole side) in mm.
pub(crate) fn fit(code: &QrCode, max_mm: f32, max_module: f32) -> (f32, f32) {
    let modules = (code.width() + 2 * QUIET) as f32;
    let module = (max_mm / modules).min(max_module);
    (module, module * modules)
}

/// Appends the rectangles of `code` at `at` to `ops`.
pub(crate) fn draw(code: &QrCode, at: Placement, ops: &mut Vec<Op>) {
    let width = code.width();
    let colors = code.to_colors();
    for (row, line) in colors.chunks(width).enumerate() {
        let y = at.page_h - at.top - (row + QUIET + 1) as f32 * at.module;
        let mut col = 0;
        while col < width {
            if line[col] != Module::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < width && line[col] == Module::Dark {
                col += 1;
            }
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Mm(at.left + (start + QUIET) as f32 * at.module).into(),
                    y: Mm(y).into(),
                    width: Mm((col - start) as f32 * at.module).into(),
                    height: Mm(at.module).into(),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
    }
}
