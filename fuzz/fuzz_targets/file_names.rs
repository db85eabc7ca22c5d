//! Fuzzes the feed's file-name handling: a pattern (the folder setting that
//! takes the patient ID out of a name) and a name, split at the first NUL.
//! Compiling any pattern gives a pattern or a message; matching any name
//! gives an ID or none; the temp-name rule answers for any name.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (pattern, name) = text.split_once('\0').unwrap_or(("^(?P<id>\\d+)_", &text));
    let _ = okusuri_feed::is_temp_name(name);
    match okusuri_feed::id_pattern(pattern) {
        Ok(re) => {
            if let Some(id) = okusuri_feed::id_from_name(&re, name) {
                assert!(name.contains(id));
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
