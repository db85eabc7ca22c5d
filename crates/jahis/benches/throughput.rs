//! Throughput of reading and writing a large JAHIS file: a generated
//! document of 20,000 dispensings (about 21 MB in CP932).
//!
//! Run: `cargo bench -p okusuri-jahis`. Prints the median of several runs.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use okusuri_jahis::{Encoding, Mode, read, write};

// The allocator the app and CLI use (see their main.rs): the reader makes
// millions of small strings, and glibc's malloc spends more time on them
// than the parsing does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DISPENSINGS: usize = 20_000;
const RUNS: usize = 7;

/// One dispensing group, varied by `i` so no two are the same.
fn group(i: usize) -> String {
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    let mut g = format!(
        "5,2025{month:02}{day:02},1\r\n\
         11,株式会社 工業会薬局 駅前店{i},13,4,1234567,105-0004,東京都港区新橋1-1-1,03-3506-8010,1\r\n\
         15,工業会 次郎,03-3506-8010,1\r\n\
         51,医療法人 工業会病院,13,1,7654321,1\r\n\
         55,工業会 太郎,内科,1\r\n"
    );
    for rp in 1..=4 {
        g.push_str(&format!(
            "201,{rp},ノルバスク錠２．５ｍｇ{i},1,錠,2,612170709,1,【般】アムロジピンベシル酸塩錠２．５ｍｇ,2,1179044F1ZZZ\r\n\
             281,{rp},朝1錠、夕2錠,1\r\n\
             201,{rp},ﾌｪﾛﾍﾞﾘﾝ配合錠,2,錠,2,620425801,1,,,\r\n\
             301,{rp},【分２ 朝夕食後服用】,14,日分,1,1,,1\r\n\
             391,{rp},めまい等が現れることがあるので車の運転や高所作業等に注意してください。,1\r\n"
        ));
    }
    g.push_str("401,他の薬を併用する際は、相談してください。,1\r\n501,正しい飲み方は薬袋等をご覧下さい。,1\r\n");
    g
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn measure(label: &str, bytes: usize, mut f: impl FnMut()) {
    f(); // warm up
    let times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let t = median(times);
    let mb = bytes as f64 / 1_000_000.0;
    println!(
        "{label:<28} {mb:6.1} MB  {:8.1} ms  {:7.1} MB/s",
        t.as_secs_f64() * 1000.0,
        mb / t.as_secs_f64()
    );
}

fn main() {
    let mut text = String::from(
        "JAHISTC08,1\r\n1,山田 太郎,1,19800101,105-0004,東京都港区新橋1-2-3,03-1234-5678,090-9999-8888,A+,52.3,ヤマダ タロウ\r\n",
    );
    for i in 0..DISPENSINGS {
        text.push_str(&group(i));
    }
    let cp932 = okusuri_jahis::text::encode_cp932(&text).unwrap();
    let utf8 = text.into_bytes();
    let doc = read(&cp932, Mode::Lenient).unwrap();
    assert_eq!(doc.dispensings.len(), DISPENSINGS);
    assert!(doc.issues.is_empty(), "{:?}", &doc.issues[..1]);

    if std::env::args().any(|a| a == "--read-only") {
        for _ in 0..10 {
            std::hint::black_box(read(&cp932, Mode::Lenient).unwrap());
        }
        return;
    }
    println!("JAHIS throughput, {DISPENSINGS} dispensings, median of {RUNS} runs");
    measure("read CP932 (lenient)", cp932.len(), || {
        std::hint::black_box(read(&cp932, Mode::Lenient).unwrap());
    });
    measure("read UTF-8 (lenient)", utf8.len(), || {
        std::hint::black_box(read(&utf8, Mode::Lenient).unwrap());
    });
    measure("  decode CP932 only", cp932.len(), || {
        std::hint::black_box(okusuri_jahis::text::decode(&cp932));
    });
    let decoded = okusuri_jahis::text::decode(&cp932).text;
    measure("  encode CP932 only", cp932.len(), || {
        std::hint::black_box(okusuri_jahis::text::encode_cp932(&decoded).unwrap());
    });
    measure("read CP932 (strict)", cp932.len(), || {
        std::hint::black_box(read(&cp932, Mode::Strict).unwrap());
    });
    measure("write CP932", cp932.len(), || {
        std::hint::black_box(write(&doc, Encoding::Cp932).unwrap());
    });
    measure("write UTF-8", utf8.len(), || {
        std::hint::black_box(write(&doc, Encoding::Utf8).unwrap());
    });
}
