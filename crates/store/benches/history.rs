//! The moments a pharmacist feels, on a generated pharmacy database:
//! 50,000 patients and about 1,000,000 drug lines, one of them with 2,000
//! dispensings (≈10,000 drug lines).
//!
//! Run: `cargo bench -p okusuri-store --bench history`. Prints import speed
//! and the median of repeated history pages and searches. The database is
//! built in a temporary folder each run (about a minute). Generated documents
//! pass the import gate like every import (its cost is in the import figure).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use okusuri_domain::gate::{Admitted, Gate};
use okusuri_jahis::model::*;
use okusuri_jahis::{Document, Encoding};
use okusuri_store::{
    DataDir, FacilityCodes, HistoryFilter, ImportItem, ImportSource, OpenOptions, Store,
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PATIENTS: usize = 50_000;
const DISPENSINGS_EACH: usize = 4;
const BIG_PATIENT_DISPENSINGS: usize = 2_000;
const KANA: &[&str] = &[
    "ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ", "タ",
    "チ", "ツ", "テ", "ト", "ナ", "ハ", "マ", "ヤ", "ラ", "ワ",
];
const KANJI: &[&str] = &[
    "山", "田", "佐", "藤", "鈴", "木", "高", "橋", "伊", "渡", "辺", "中", "村", "小", "林", "加",
];

fn name(i: usize, table: &[&str]) -> String {
    let mut n = i;
    let mut out = String::new();
    for _ in 0..4 {
        out.push_str(table[n % table.len()]);
        n /= table.len();
    }
    out
}

fn dispensing(i: usize, date: NaiveDate) -> Dispensing {
    // Half at this pharmacy, half elsewhere.
    let code = if i.is_multiple_of(2) {
        "1234567"
    } else {
        "7654321"
    };
    let rp = |n: u32, drugs: &[(&str, &str, &str)], form: u8, days: u32| Rp {
        rp: Some(n),
        doctor: Some(Doctor {
            name: Some("工業会 太郎".into()),
            department: Some("内科".into()),
            ..Doctor::default()
        }),
        drugs: drugs
            .iter()
            .map(|(name, dose, unit)| Drug {
                name: Some((*name).into()),
                dose: Some((*dose).into()),
                unit: Some((*unit).into()),
                code_kind: Some(2),
                code: Some(format!("6{:08}", i % 100_000_000)),
                author: Some(1),
                notes: vec![Text {
                    text: Some("朝1錠、夕2錠".into()),
                    author: Some(1),
                    extra: vec![],
                }],
                ..Drug::default()
            })
            .collect(),
        usage: Some(Usage {
            name: Some("毎食後服用".into()),
            quantity: Some(days),
            unit: Some("日分".into()),
            form: Some(form),
            author: Some(1),
            code_kind: Some(1),
            ..Usage::default()
        }),
        cautions: vec![],
    };
    Dispensing {
        date: Some(date.format("%Y-%m-%d").to_string()),
        author: Some(1),
        dispensed_at: Some(Institution {
            name: Some(format!("工業会薬局 {code}")),
            prefecture: Some("13".into()),
            table: Some("4".into()),
            code: Some(code.into()),
            author: Some(1),
            ..Institution::default()
        }),
        prescribed_at: Some(Institution {
            name: Some("医療法人 工業会病院".into()),
            prefecture: Some("13".into()),
            table: Some("1".into()),
            code: Some("1111111".into()),
            author: Some(1),
            ..Institution::default()
        }),
        rps: vec![
            rp(
                1,
                &[
                    ("ノルバスク錠２．５ｍｇ", "1", "錠"),
                    ("ロキソニン錠６０ｍｇ", "3", "錠"),
                    ("ムコスタ錠１００ｍｇ", "3", "錠"),
                ],
                1,
                14 + (i % 14) as u32,
            ),
            rp(
                2,
                &[
                    ("マグミット錠３３０ｍｇ", "2", "錠"),
                    ("リンデロン－ＶＧ軟膏", "10", "g"),
                ],
                1,
                7,
            ),
        ],
        remarks: vec![Text {
            text: Some(format!("備考 {i}")),
            author: Some(1),
            extra: vec![],
        }],
        ..Dispensing::default()
    }
}

/// A generated patient's notebook, through the import gate (as every import).
fn patient_doc(i: usize, dispensings: usize) -> Admitted {
    let gate = Gate::new(NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(), u64::MAX);
    gate.built(&generated_doc(i, dispensings)).unwrap()
}

fn generated_doc(i: usize, dispensings: usize) -> Document {
    let start = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    Document {
        version: "JAHISTC08".into(),
        output_category: Some(1),
        encoding: Encoding::Cp932,
        patient: Some(Patient {
            name: Some(name(i, KANJI)),
            kana: Some(name(i, KANA)),
            sex: Some(1 + (i % 2) as u8),
            birth_date: Some(
                (start - chrono::Duration::days(10_000 + (i % 20_000) as i64))
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
            ..Patient::default()
        }),
        dispensings: (0..dispensings)
            .map(|k| dispensing(i * 7 + k, start + chrono::Duration::days((k * 3) as i64)))
            .collect(),
        ..Document::default()
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir {
        path: tmp.path().to_path_buf(),
        create_if_missing: false,
    };
    // OKUSURI_BENCH_ENCRYPTED=1: the same on a SQLCipher file (the app's
    // default), to state the cost of encryption against a plain run.
    let encrypted = std::env::var_os("OKUSURI_BENCH_ENCRYPTED").is_some();
    let options = OpenOptions {
        database_key: encrypted
            .then(|| okusuri_store::DatabaseKey::new("bench", vec![7; 32]).unwrap()),
        ..OpenOptions::default()
    };
    let store = Store::open_in(&dir, options).await.unwrap();
    println!(
        "database file: {}",
        if encrypted {
            "encrypted (SQLCipher)"
        } else {
            "plain SQLite"
        }
    );
    store
        .set_facility_codes(
            &okusuri_store::Actor::system("test"),
            &FacilityCodes {
                prefecture: "13".into(),
                table: "4".into(),
                code: "1234567".into(),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    // OKUSURI_BENCH_RECORDING=1: as PC 1 of a server (docs/multi-pc.md),
    // every write also going to the outbox.
    if std::env::var_os("OKUSURI_BENCH_RECORDING").is_some() {
        store
            .start_recording(&okusuri_store::Actor::system("bench"), 1, now)
            .await
            .unwrap();
        println!("recording: every write also goes to the outbox (PC 1)");
    }
    let source = ImportSource {
        supersedes: false,
        label: "bench".into(),
        external_id: None,
    };

    println!(
        "History benchmark: {PATIENTS} patients × {DISPENSINGS_EACH} dispensings × 5 drug lines, + 1 patient × {BIG_PATIENT_DISPENSINGS}"
    );
    // As the CLI and the folder feed import: documents in batches of 200.
    const BATCH: usize = 200;
    let started = Instant::now();
    let mut lines = 0usize;
    for chunk in (0..PATIENTS).collect::<Vec<_>>().chunks(BATCH) {
        let docs: Vec<Admitted> = chunk
            .iter()
            .map(|&i| patient_doc(i, DISPENSINGS_EACH))
            .collect();
        let items: Vec<ImportItem> = docs
            .iter()
            .map(|doc| ImportItem {
                doc,
                source: &source,
            })
            .collect();
        for r in store
            .import_batch(&okusuri_store::Actor::system("bench"), &items, now)
            .await
            .unwrap()
        {
            lines += r.unwrap().drugs_added;
        }
    }
    let big = store
        .import_jahis(
            &okusuri_store::Actor::system("bench"),
            &patient_doc(PATIENTS + 1, BIG_PATIENT_DISPENSINGS),
            &source,
            now,
        )
        .await
        .unwrap();
    lines += big.drugs_added;
    let took = started.elapsed();
    println!(
        "import in batches of {BATCH} documents: {lines} drug lines in {:.1} s = {:.0} lines/s",
        took.as_secs_f64(),
        lines as f64 / took.as_secs_f64()
    );
    // One document per transaction (the app's 取込 of a single file).
    let started = Instant::now();
    let mut single = 0usize;
    for i in 0..2_000 {
        single += store
            .import_jahis(
                &okusuri_store::Actor::system("bench"),
                &patient_doc(PATIENTS + 10 + i, DISPENSINGS_EACH),
                &source,
                now,
            )
            .await
            .unwrap()
            .drugs_added;
    }
    let took = started.elapsed();
    println!(
        "import one document at a time: {single} drug lines in {:.1} s = {:.0} lines/s",
        took.as_secs_f64(),
        single as f64 / took.as_secs_f64()
    );

    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    for (label, filter) in [
        ("history first page, すべて", HistoryFilter::All),
        ("history first page, 他施設", HistoryFilter::Other),
        ("history first page, 当施設", HistoryFilter::This),
    ] {
        let mut times = Vec::with_capacity(200);
        for _ in 0..200 {
            let t = Instant::now();
            let page = store
                .history(big.patient_id, filter, None, 20, as_of)
                .await
                .unwrap();
            times.push(t.elapsed());
            assert!(!page.dispensings.is_empty());
        }
        println!(
            "{label:<28} median {} (200 runs, 20 dispensings ≈ 100 drug lines)",
            ms(median(times))
        );
    }
    let mut times = Vec::with_capacity(200);
    for _ in 0..200 {
        let t = Instant::now();
        store.otc_history(big.patient_id).await.unwrap();
        times.push(t.elapsed());
    }
    println!("{:<28} median {}", "history, 市販薬", ms(median(times)));
    // Deep page: past half the big patient's history.
    let mut cursor = None;
    for _ in 0..50 {
        cursor = store
            .history(
                big.patient_id,
                HistoryFilter::All,
                cursor.as_ref(),
                20,
                as_of,
            )
            .await
            .unwrap()
            .next;
    }
    let mut times = Vec::with_capacity(200);
    for _ in 0..200 {
        let t = Instant::now();
        store
            .history(
                big.patient_id,
                HistoryFilter::All,
                cursor.as_ref(),
                20,
                as_of,
            )
            .await
            .unwrap();
        times.push(t.elapsed());
    }
    println!("{:<28} median {}", "history page 51", ms(median(times)));

    let today = as_of;
    for (label, query) in [
        ("search kana (前方一致)", name(12_345, KANA)),
        ("search kanji", name(23_456, KANJI)),
        ("search birth date", "19870515".to_string()),
    ] {
        let mut times = Vec::with_capacity(100);
        let mut found = 0;
        for _ in 0..100 {
            let t = Instant::now();
            found = store
                .search_patients(&query, 100, today)
                .await
                .unwrap()
                .len();
            times.push(t.elapsed());
        }
        println!("{label:<28} median {} ({found} found)", ms(median(times)));
    }

    // One audited read (患者を開いた: one committed access-log row, fsynced
    // with synchronous=FULL), on the plain SHA-256 chain and then keyed
    // (HMAC-SHA256 + the signed head file written after each commit).
    let actor = okusuri_store::Actor::system("bench");
    let opened = |store: Store| {
        let actor = actor.clone();
        async move {
            let mut times = Vec::with_capacity(500);
            for _ in 0..500 {
                let t = Instant::now();
                store
                    .audit(
                        &actor,
                        okusuri_store::AccessEvent::PatientOpened,
                        Some(big.patient_id),
                        "",
                        now,
                    )
                    .await
                    .unwrap();
                times.push(t.elapsed());
            }
            median(times)
        }
    };
    println!(
        "{:<28} median {}",
        "audited open, SHA-256 chain",
        ms(opened(store.clone()).await)
    );
    let keyed = store.clone().with_audit_key(vec![7u8; 32]);
    keyed.key_audit_chain(&actor, now).await.unwrap();
    println!(
        "{:<28} median {}",
        "audited open, keyed + head",
        ms(opened(keyed.clone()).await)
    );
    store.close().await;
}
