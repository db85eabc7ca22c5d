//! The clinic half's moments, on real files (figures printed, no assertions):
//! - build + validate a 10-RP prescription (SJ1 CSV, Document XML, strict
//!   checks and the master checks);
//! - request written → answer parsed with the simulator answering at once,
//!   woken by `notify`, and with polling only (the fallback on shares);
//! - importing a full-size 医薬品マスター layout (20,000 generated rows,
//!   Shift_JIS) into the store: rows per second.
//!
//! Run: `cargo bench -p okusuri-oqs-sim --bench eps`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use okusuri_eps::calls::{Call, IssueType};
use okusuri_eps::masters::{self, Masters};
use okusuri_eps::prescription::{self, Drug, Form, Prescription, Rp, Usage};
use okusuri_oqs::{Exchange, Folders, Timing};
use okusuri_oqs_sim::{Config, History, Simulator};
use okusuri_store::{Actor, DataDir, MasterRows, OpenOptions, Store};

const Y: &[u8] = include_bytes!("../../eps/tests/fixtures/y-slice.csv");
const SAMPLE: &str = include_str!("../../eps/tests/fixtures/prescription-sj1.csv");

fn median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 95 / 100])
}

fn ten_rps(master: &[masters::DrugRow]) -> Prescription {
    let mut p = prescription::parse(SAMPLE.as_bytes()).unwrap().prescription;
    p.rps = (1..=10)
        .map(|n| Rp {
            number: n.to_string(),
            form: "1".into(),
            quantity: "28".into(),
            usage: Usage {
                code_kind: "3".into(),
                code: "1013044400000000".into(),
                name: "1日3回朝昼夕食後 服用".into(),
                times_per_day: "3".into(),
            },
            drugs: (1..=3)
                .map(|i| {
                    let d = &master[(n * 3 + i) % master.len()];
                    Drug {
                        seq: i.to_string(),
                        info_kind: "1".into(),
                        code_kind: "2".into(),
                        code: d.code.clone(),
                        name: d.name.clone(),
                        amount: "3".into(),
                        potency: "1".into(),
                        unit: d.unit.clone(),
                        ..Drug::default()
                    }
                })
                .collect(),
            ..Rp::default()
        })
        .collect();
    p
}

fn bench_build_validate() {
    let drugs = masters::read_drug_master(Y).unwrap();
    let p = ten_rps(&drugs);
    let m = Masters::new(drugs, vec![], vec![]);
    let mut times = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        let (xml, _) = prescription::build(&p, Form::Sj1, true);
        let parsed = prescription::parse(&xml).unwrap();
        let problems = m.check(&parsed.prescription, "20261204");
        assert!(
            parsed.is_valid() && problems.is_empty(),
            "{:?} {problems:?}",
            parsed.problems
        );
        times.push(t.elapsed());
    }
    let (med, p95) = median(times);
    println!(
        "build + validate, 10 RPs × 3 drugs (document, parse back, strict + master checks): median {med:?}, p95 {p95:?}"
    );
}

async fn bench_exchange(events: bool, rounds: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (req, res) = (dir.path().join("req"), dir.path().join("res"));
    std::fs::create_dir_all(&req).unwrap();
    std::fs::create_dir_all(&res).unwrap();
    let ops = okusuri_oqs_sim::operations().unwrap();
    let sim = Simulator::new(Config {
        req: req.clone(),
        res: res.clone(),
        operations: ops.clone(),
        masters: None,
        delay: Duration::ZERO,
        poll: Duration::from_millis(500),
        history: History::default(),
        trusted: vec![],
    });
    let (stop, rx) = tokio::sync::watch::channel(false);
    let runner = sim.clone();
    tokio::spawn(async move { runner.run(rx).await });
    let ex = Exchange::new(
        Folders { req, res },
        Timing {
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(500),
            events,
        },
    );
    let info =
        prescription::prescription_info(&prescription::document_xml(SAMPLE.as_bytes(), None));
    let call = Call::Register {
        prescription_info: info,
        issue_type: IssueType::Paper,
    };
    let mut times = Vec::new();
    for i in 0..rounds {
        let id = format!("B{i}");
        let (name, bytes) = call.request(&ops, "1312345678", &id).unwrap();
        let t = Instant::now();
        ex.write_request(&name, &bytes).unwrap();
        let answer = ex.wait(&name, "1312345678", &id).await.unwrap();
        times.push(t.elapsed());
        assert!(answer.response.succeeded());
        ex.remove_answer(&answer).unwrap();
    }
    let _ = stop.send(true);
    let (med, p95) = median(times);
    let how = if events {
        "notify + polling every 500 ms"
    } else {
        "polling every 500 ms only (shares)"
    };
    println!(
        "request written → answer parsed, simulator answering at once, {how}: median {med:?}, p95 {p95:?} ({rounds} rounds)"
    );
}

fn y_row(i: usize) -> String {
    format!(
        "0,Y,6{i:08},20,テスト薬品錠{i}ｍｇ,20,ﾃｽﾄﾔｸﾋﾝｼﾞｮｳ,1,1,錠,1,10.10,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,,20260401,99999999,{:04}001F1{i:03},001413000,0,テスト薬品錠,0,,,0,0,0,0\r\n",
        1000 + i % 9000
    )
}

async fn bench_master_import() {
    let text: String = (0..20_000).map(y_row).collect();
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir {
        path: dir.path().to_path_buf(),
        create_if_missing: false,
    };
    let store = Store::open_in(&data, OpenOptions::default()).await.unwrap();
    let actor = Actor::system("bench");
    let t = Instant::now();
    let rows = masters::read_drug_master(&bytes).unwrap();
    let read = t.elapsed();
    let n = store
        .replace_master(&actor, &MasterRows::Drug(rows), "y.csv", chrono::Utc::now())
        .await
        .unwrap();
    let total = t.elapsed();
    println!(
        "医薬品マスター import, {n} rows ({} KB Shift_JIS): read {read:?}, read + store {total:?} = {:.0} rows/s",
        bytes.len() / 1024,
        n as f64 / total.as_secs_f64()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    bench_build_validate();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        bench_exchange(true, 100).await;
        bench_exchange(false, 10).await;
        bench_master_import().await;
    });
}
