//! Fuzzes the JAHIS reader: any bytes must give a document or an error,
//! never a panic; a document must write and read back; parts must merge.
//! (Strict mode is the same pass with every issue an error.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use okusuri_jahis::{Encoding, Mode, read, split, write};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = read(data, Mode::Lenient) else { return };
    if let Ok(bytes) = write(&doc, Encoding::Utf8) {
        let again = read(&bytes, Mode::Lenient).expect("what we write, we read");
        assert_eq!(again.without_issues().dispensings.len(), doc.dispensings.len());
    }
    if let Ok(parts) = split::split(&doc, 300, "20260101000000", Encoding::Utf8) {
        let slices: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        split::assemble(&slices).expect("our own parts merge");
    }
    let _ = split::assemble(&split::split_scanned(data));
});
