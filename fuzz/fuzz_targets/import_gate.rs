//! Fuzzes the import gate: any bytes, as a file or as scanned notebook
//! data, must be admitted or refused — never a panic — and what is admitted
//! must hold a patient, or be a later part of split data, and carry only
//! warnings, each tied to a dispensing that exists.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use okusuri_domain::gate::Gate;
use okusuri_jahis::Severity;

fuzz_target!(|data: &[u8]| {
    let Some(today) = NaiveDate::from_ymd_opt(2026, 12, 4) else { return };
    let gate = Gate::new(today, 1 << 20);
    for admitted in [gate.file(data), gate.scanned(data)].into_iter().flatten() {
        let continuation = admitted.split.as_ref().is_some_and(|s| s.seq > 1);
        assert!(admitted.patient.is_some() || continuation);
        for issue in &admitted.issues {
            assert_eq!(issue.severity, Severity::Warning);
            if let Some(i) = issue.dispensing {
                assert!(i < admitted.dispensings.len(), "{issue:?}");
            }
        }
        // What the gate admits, it admits again when built back (the demo
        // and NSIPS path).
        if admitted.split.is_none() {
            let again = gate.built(&admitted);
            assert!(again.is_ok(), "{:?}", again.err().map(|e| e.to_string()));
        }
    }
    if let Err(refused) = gate.file(data) {
        assert!(!refused.problems.is_empty());
        assert!(!refused.to_string().is_empty());
    }
});
