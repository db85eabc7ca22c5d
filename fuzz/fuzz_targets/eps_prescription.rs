//! Fuzzes the prescription readers (SJ1 and JAHIS10 CSV, the `Document` XML
//! and its Base64, and the three master files): any bytes give a result or a
//! reason; a prescription read is validated, checked and written again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okusuri_eps::masters;
use okusuri_eps::prescription::{self, Form};

fuzz_target!(|data: &[u8]| {
    match prescription::parse(data) {
        Ok(parsed) => {
            let _ = parsed.is_valid();
            let m = masters::Masters::default();
            let _ = m.check(&parsed.prescription, "20261204");
            for form in [Form::Sj1, Form::Jahis10] {
                let (bytes, _) = prescription::build(&parsed.prescription, form, false);
                // What we write, we read.
                assert!(prescription::csv::read(&bytes).is_ok());
            }
        }
        Err(p) => assert!(!p.message.is_empty()),
    }
    let _ = masters::read_drug_master(data);
    let _ = masters::read_generic_master(data);
    let _ = masters::read_usage_master(data);
});
