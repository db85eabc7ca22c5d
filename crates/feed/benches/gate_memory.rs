//! Peak resident memory of reading one file through the import gate (read
//! within the size limit, decode, parse, check) — what the feed, 取込 and
//! `okusuri import` do with each file before storing it. Each measurement
//! runs in a fresh child process, so its peak (VmHWM) is that file's alone.
//!
//! Run: `cargo bench -p okusuri-feed --bench gate_memory`. Prints, for each
//! file, its size, the peak, and the bound 3 × size + 30 MB.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use okusuri_domain::gate::Gate;

const MB: usize = 1024 * 1024;
/// The default size limit, and a raised one to show what it would cost.
const LIMIT: u64 = okusuri_store::settings::DEFAULT_IMPORT_MAX_BYTES;
const RAISED: u64 = 32 * 1024 * 1024;

/// The process's peak resident memory in bytes (Linux `VmHWM`).
fn peak_rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// The child: one file through the gate, then the peak.
fn measure(path: &Path, limit: u64) {
    let gate = Gate::new(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(), limit);
    let outcome = okusuri_feed::read_at_most(path, &gate)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            gate.file(&bytes)
                .map(|a| a.dispensings.len())
                .map_err(|e| e.to_string())
        });
    let verdict = match outcome {
        Ok(n) => format!("admitted, {n} dispensings"),
        Err(e) => format!("refused: {}", e.chars().take(40).collect::<String>()),
    };
    println!("{}\t{verdict}", peak_rss());
}

fn sjis(text: &str) -> Vec<u8> {
    okusuri_jahis::text::encode_cp932(text).unwrap()
}

/// A realistic history of `bytes` size: one patient, many dispensings of
/// two drugs each, with notes.
fn history(bytes: usize) -> Vec<u8> {
    let mut text = String::from("JAHISTC08,1\r\n1,山田 太郎,1,19800101,,,,,,,ヤマダ タロウ\r\n");
    let mut day = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    while text.len() < bytes * 11 / 10 {
        text.push_str(&format!(
            "5,{},1\r\n11,株式会社 工業会薬局 本店,13,4,1234567,,,,1\r\n15,薬剤師 太郎,,1\r\n\
             51,医療法人 工業会病院,13,1,7654321,1\r\n55,工業会 次郎,内科,1\r\n\
             201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n301,1,1日1回朝食後,14,日分,1,1,,1\r\n\
             201,2,ロキソニン錠６０ｍｇ,2,錠,2,610406001,1\r\n301,2,朝夕食後,14,日分,1,1,,1\r\n\
             401,グレープフルーツジュースと一緒に飲まないでください。,1\r\n",
            day.format("%Y%m%d")
        ));
        day = day.succ_opt().unwrap_or(day);
        if day.format("%Y").to_string() == "2026" {
            day = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        }
    }
    let mut out = sjis(&text);
    out.truncate(out.len().min(bytes));
    // End on a whole record.
    while !out.ends_with(b"\r\n") {
        out.pop();
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, path, limit] = args.as_slice()
        && let Ok(limit) = limit.parse()
    {
        measure(Path::new(path), limit);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, Vec<u8>, u64)> = Vec::new();
    for (name, mb) in [
        ("history 0.5 MB", MB / 2),
        ("history 2 MB (the limit)", 2 * MB),
    ] {
        cases.push((name.into(), history(mb), LIMIT));
    }
    let one_field = |record: &str, chars: usize| sjis(&record.replace("{}", &"山".repeat(chars)));
    cases.push((
        "one 2 MB 氏名, 性別 and 生年月日 empty".into(),
        one_field("JAHISTC08,1\r\n1,{},,\r\n", MB - 16),
        LIMIT,
    ));
    cases.push((
        "one 2 MB memo (kept, with a warning)".into(),
        one_field(
            "JAHISTC08,1\r\n1,山田 太郎,1,19800101\r\n4,{},20261101,1\r\n",
            MB - 40,
        ),
        LIMIT,
    ));
    cases.push((
        "a 52 MB file (over the limit)".into(),
        vec![b'x'; 52 * MB],
        LIMIT,
    ));
    // What raising the limit would cost (the bound is not kept there).
    for mb in [10, 30] {
        cases.push((
            format!("history {mb} MB, limit raised to 32 MB"),
            history(mb * MB),
            RAISED,
        ));
    }
    cases.push((
        "one 30 MB 氏名, limit raised to 32 MB".into(),
        one_field("JAHISTC08,1\r\n1,{},,\r\n", 15 * MB),
        RAISED,
    ));
    let exe = std::env::current_exe().unwrap();
    println!(
        "peak resident memory of one file through the import gate (default limit {} MB)",
        LIMIT as usize / MB
    );
    println!(
        "{:<42} {:>9} {:>11} {:>13}  outcome",
        "file", "size", "peak RSS", "3×size+30MB"
    );
    for (name, bytes, limit) in cases {
        let path = dir.path().join("file.txt");
        std::fs::write(&path, &bytes).unwrap();
        let out = Command::new(&exe)
            .arg(&path)
            .arg(limit.to_string())
            .output()
            .unwrap();
        let line = String::from_utf8(out.stdout).unwrap();
        let (peak, verdict) = line.trim().split_once('\t').unwrap();
        let peak: usize = peak.parse().unwrap();
        let bound = 3 * bytes.len().min(limit as usize) + 30 * MB;
        println!(
            "{name:<42} {:>6.1} MB {:>8.1} MB {:>10.1} MB  {verdict}{}",
            bytes.len() as f64 / MB as f64,
            peak as f64 / MB as f64,
            bound as f64 / MB as f64,
            if peak > bound { "  OVER" } else { "" }
        );
    }
}
