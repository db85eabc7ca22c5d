//! Fuzzes the reader of the OQS terminal's answers (`XmlMsg`): any bytes give
//! an answer or a reason; an answer's problems and fields can always be asked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match okusuri_eps::Response::parse(data) {
        Ok(r) => {
            let _ = r.problems();
            let _ = r.succeeded();
            let _ = r.field("PrescriptionId");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
