//! The printed QR sheets read back by independent tools: poppler's
//! `pdftoppm` renders each page, `zbarimg` (zbar) decodes the symbol, and
//! `pdftotext` finds the Japanese text (so the font is really embedded).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use okusuri_jahis::{Encoding, Mode, qr, read, split, write};
use okusuri_print::{PrintError, QrSheets, notebook_pdf, qr_sheets};

fn example_11() -> okusuri_jahis::Document {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../jahis/tests/fixtures/v26-example-11.txt");
    read(&std::fs::read(path).unwrap(), Mode::Lenient).unwrap()
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} (Debian poppler-utils / zbar-tools): {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Each page of the PDF as a PNG, in order.
fn pages(pdf: &Path, dir: &Path) -> Vec<std::path::PathBuf> {
    run(Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png"])
        .arg(pdf)
        .arg(dir.join("page")));
    let mut pngs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pngs.sort();
    pngs
}

fn sheets<'a>(symbols: &'a [Vec<u8>]) -> QrSheets<'a> {
    QrSheets {
        patient_name: "鈴木 太郎",
        made_on: "2026年12月3日",
        facility_name: "さくら薬局 本店",
        symbols,
    }
}

#[test]
fn every_printed_symbol_reads_back_as_the_exact_jahis_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    // Large enough for three symbols.
    let mut doc = example_11();
    let extra = doc.dispensings.clone();
    for _ in 0..5 {
        doc.dispensings.extend(extra.clone());
    }
    let symbols = qr::symbols(&doc, "20261203101500").unwrap();
    assert!(symbols.len() >= 3, "{} symbols", symbols.len());

    let made_at = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
        .and_then(|d| d.and_hms_opt(10, 15, 0))
        .unwrap();
    let printed = notebook_pdf(&doc, "鈴木 太郎", "さくら薬局 本店", made_at).unwrap();
    assert_eq!(printed.symbols, symbols.len());
    let pdf = printed.bytes;
    let path = tmp.path().join("qr.pdf");
    std::fs::write(&path, &pdf).unwrap();
    // The font is subset: the 6 MB font does not travel with every sheet.
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());

    let pngs = pages(&path, tmp.path());
    assert_eq!(pngs.len(), symbols.len(), "one page per symbol");
    let mut read_back = Vec::new();
    for (png, data) in pngs.iter().zip(&symbols) {
        let bytes = run(Command::new("zbarimg")
            .args(["--raw", "--oneshot", "-Sbinary", "-q"])
            .arg(png));
        assert_eq!(&bytes, data, "{}", png.display());
        read_back.push(bytes);
    }
    // Put together, they are the notebook that was printed.
    let parts: Vec<&[u8]> = read_back.iter().map(Vec::as_slice).collect();
    let merged = split::merge(&parts).unwrap();
    assert_eq!(merged, write(&doc, Encoding::Cp932).unwrap());

    let text = String::from_utf8(run(Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")))
    .unwrap();
    let n = symbols.len();
    for expected in [
        "鈴木 太郎 様",
        "2026年12月3日",
        "さくら薬局 本店",
        &format!("1/{n}"),
        &format!("{n}/{n}"),
        &format!("全{n}枚"),
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
}

#[test]
fn a_small_notebook_is_one_page() {
    let tmp = tempfile::tempdir().unwrap();
    let mut doc = example_11();
    doc.dispensings.truncate(1);
    let symbols = qr::symbols(&doc, "20261203101500").unwrap();
    assert_eq!(symbols.len(), 1);
    let path = tmp.path().join("qr.pdf");
    std::fs::write(&path, qr_sheets(&sheets(&symbols)).unwrap()).unwrap();
    let pngs = pages(&path, tmp.path());
    assert_eq!(pngs.len(), 1);
    let bytes = run(Command::new("zbarimg")
        .args(["--raw", "--oneshot", "-Sbinary", "-q"])
        .arg(&pngs[0]));
    assert_eq!(bytes, symbols[0]);
    assert_eq!(
        bytes,
        write(&doc, Encoding::Cp932).unwrap(),
        "not split: no 911 record"
    );
}

#[test]
fn nothing_to_print_says_so() {
    let err = qr_sheets(&sheets(&[])).unwrap_err();
    assert!(matches!(err, PrintError::Empty));
    assert_eq!(err.to_string(), "印刷するQRコードがありません。");
}
