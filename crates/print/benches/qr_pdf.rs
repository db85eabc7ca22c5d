//! How long printing the patient QR takes: the font parse (once per
//! process) and a PDF of one and of three symbols. Prints figures.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use okusuri_jahis::{Mode, qr, read};
use okusuri_print::{QrSheets, qr_sheets};

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures/v26-example-11.txt");
    let base = read(&std::fs::read(path).unwrap(), Mode::Lenient).unwrap();
    let make = |copies: usize| {
        let mut doc = base.clone();
        doc.dispensings = std::iter::repeat_n(base.dispensings.clone(), copies)
            .flatten()
            .collect();
        qr::symbols(&doc, "20261203101500").unwrap()
    };
    let print = |symbols: &[Vec<u8>]| {
        qr_sheets(&QrSheets {
            patient_name: "鈴木 太郎",
            made_on: "2026年12月3日",
            facility_name: "さくら薬局 本店",
            symbols,
        })
        .unwrap()
    };
    let one = make(1);
    let started = Instant::now();
    let pdf = print(&one);
    println!(
        "first PDF (font parse + 1 symbol): {:.1} ms, {} bytes",
        started.elapsed().as_secs_f64() * 1e3,
        pdf.len()
    );
    let full = make(6);
    let mut encode: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(qr::encode(&full[0]).unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    encode.sort_by(f64::total_cmp);
    println!(
        "QR encode of a full symbol ({} bytes): median {:.1} ms",
        full[0].len(),
        encode[encode.len() / 2]
    );
    for copies in [1, 6] {
        let symbols = make(copies);
        let mut times: Vec<f64> = (0..20)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(print(&symbols));
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "PDF of {} symbol(s): median {:.1} ms, max {:.1} ms (20 runs)",
            symbols.len(),
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}
