//! Fuzzes putting notebook QR data back together: scanned text cut into
//! symbols (911 parts and Structured Append chunks, any order, duplicates,
//! gaps), merged and assembled. Any input gives data or a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okusuri_jahis::split;

fuzz_target!(|data: &[u8]| {
    let parts = split::split_scanned(data);
    let _ = split::merge(&parts);
    let _ = split::assemble(&parts);
    if let Ok(whole) = okusuri_domain::notebook::assemble_scanned(data) {
        // Put together once, it reads as one document or is refused.
        let _ = okusuri_jahis::read(&whole, okusuri_jahis::Mode::Lenient);
    }
    // Parts cut from the data by the QR size budget merge back to it.
    if let Ok(doc) = okusuri_jahis::read(data, okusuri_jahis::Mode::Lenient) {
        if let Ok(cut) = split::split(&doc, 400, "20261204000001", okusuri_jahis::Encoding::Utf8) {
            let mut slices: Vec<&[u8]> = cut.iter().map(Vec::as_slice).collect();
            slices.reverse();
            assert!(split::assemble(&slices).is_ok(), "our own parts, in any order");
        }
    }
});
