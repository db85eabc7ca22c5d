//! Fuzzes the NSIPS-style layout profiles and the files read through them:
//! the first byte picks what the rest is — a profile (TOML) to parse, or a
//! receipt computer's file read through the shipped example profile and then
//! through the import gate. Any input gives a result, never a panic.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use okusuri_domain::gate::Gate;
use okusuri_feed::Profile;

const EXAMPLE: &str = include_str!("../../crates/feed/profiles/example.toml");

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    if pick % 2 == 0 {
        if let Ok(text) = std::str::from_utf8(rest) {
            if let Ok(profile) = Profile::parse(text, "fuzz.toml") {
                let _ = profile.read(b"H,1,A,A,M,19800101,20261101\r\nD,1,1,X,1,T,U,1,D,1\r\n");
            }
        }
        return;
    }
    let Ok(profile) = Profile::parse(EXAMPLE, "example.toml") else { return };
    let Some(today) = NaiveDate::from_ymd_opt(2026, 12, 4) else { return };
    let gate = Gate::new(today, 1 << 20);
    if let Ok(docs) = profile.read(rest) {
        for p in docs {
            let _ = gate.built(&p.doc);
        }
    }
});
