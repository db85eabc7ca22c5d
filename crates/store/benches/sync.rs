//! Several PCs through a real PostgreSQL server (the tests' cluster, see
//! tests/common/pg.rs): how fast a PC's outbox goes out, how fast a fresh PC
//! catches up with the log, and how long from a commit on one PC until the
//! other hears of it. Prints figures; asserts nothing about time.
//!
//! `cargo bench -p okusuri-store --bench sync` (needs Debian's `postgresql`).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::pg::Pg;
use common::*;
use okusuri_store::server::Server;
use okusuri_store::sync::{Change, LogRow, LogRows, OutboxEntry, PC_RANGE};
use okusuri_store::{ConsentMethod, Touch};

/// Visits recorded on PC A one write at a time (each its own commit).
const OUTBOX_WRITES: usize = 5_000;
/// Changes in the log a fresh PC catches up with.
const CATCH_UP: usize = 100_000;
/// Commit → notice measurements.
const NOTICES: usize = 50;

fn rate(n: usize, d: Duration) -> String {
    format!(
        "{n} in {:.2} s = {:.0}/s",
        d.as_secs_f64(),
        n as f64 / d.as_secs_f64()
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let pg = Pg::start();
    let server = Server::connect(&pg.address()).await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let number = server.join("BENCH-A").await.unwrap();
    let (a, admin) = pc(da.path(), number).await;
    const CARD: &str = "0123456789ABCDEF";
    let patient = a
        .issue_card(
            &act(&admin),
            &hanako(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();

    // 1. Outbox → server: card touches written offline, then sent.
    let started = Instant::now();
    for _ in 0..OUTBOX_WRITES {
        let touch = a
            .card_touched(&sys(), CARD, at(2026, 12, 1, 10, 0))
            .await
            .unwrap();
        assert!(matches!(touch, Touch::Patient { .. }));
    }
    println!(
        "card touches written while offline (commit + outbox): {}",
        rate(OUTBOX_WRITES, started.elapsed())
    );
    let started = Instant::now();
    let report = server.sync(&a, at(2026, 12, 1, 10, 1)).await.unwrap();
    let took = started.elapsed();
    assert_eq!(report.sent, OUTBOX_WRITES + 1);
    println!(
        "outbox sent to the server (batches of 200, then confirmed): {}",
        rate(report.sent, took)
    );

    // 2. A fresh PC catches up with a long log (the visits above plus more,
    //    appended as PC A's in batches of 1,000).
    let mut next_visit = PC_RANGE * number + 1_000_000;
    let mut appended = 0;
    while appended + OUTBOX_WRITES + 1 < CATCH_UP {
        let batch: Vec<OutboxEntry> = (0..1000)
            .map(|_| {
                next_visit += 1;
                OutboxEntry {
                    op_id: okusuri_store::new_id(),
                    made_at: "2026-12-01T10:00:00.000Z".into(),
                    changes: vec![Change::VisitRecorded {
                        id: next_visit,
                        patient_id: patient,
                        at: "2026-12-01T10:00:00.000Z".into(),
                        source: "card".into(),
                    }],
                    log: LogRows {
                        at: "2026-12-01T10:00:00.000Z".into(),
                        pc_name: "BENCH-A".into(),
                        login_id: "(カードリーダー)".into(),
                        rows: vec![LogRow {
                            event: "visit_recorded".into(),
                            staff_id: None,
                            patient_id: Some(patient),
                            detail: Some("card".into()),
                        }],
                    },
                }
            })
            .collect();
        server.append(number, &batch).await.unwrap();
        appended += batch.len();
    }
    let total = server.last_seq().await.unwrap();
    let number_b = server.join("BENCH-B").await.unwrap();
    let (b, _) = pc(db.path(), number_b).await;
    let started = Instant::now();
    let report = server.sync(&b, at(2026, 12, 1, 11, 0)).await.unwrap();
    let took = started.elapsed();
    assert_eq!(report.pulled as i64, total);
    println!(
        "fresh PC catching up with the log (batches of 1,000, one transaction each): {}",
        rate(report.pulled, took)
    );

    // 3. Commit on A → B hears of it (LISTEN/NOTIFY), then has it applied.
    //    A first takes in the log appended above in its name.
    server.sync(&a, at(2026, 12, 1, 11, 0)).await.unwrap();
    let mut notices = server.notices().await.unwrap();
    let mut heard = Vec::with_capacity(NOTICES);
    let mut applied = Vec::with_capacity(NOTICES);
    for i in 0..NOTICES {
        let started = Instant::now();
        a.add_patient_note(
            &act(&admin),
            patient,
            None,
            &format!("メモ {i}"),
            at(2026, 12, 1, 12, 0),
        )
        .await
        .unwrap();
        let written = started.elapsed();
        server.sync(&a, at(2026, 12, 1, 12, 0)).await.unwrap();
        let sent = started.elapsed();
        notices.next().await.unwrap();
        heard.push(started.elapsed());
        server.sync(&b, at(2026, 12, 1, 12, 0)).await.unwrap();
        applied.push(started.elapsed());
        if std::env::var_os("OKUSURI_BENCH_TRACE").is_some() {
            println!(
                "  {i}: written {written:?} sent {sent:?} heard {:?} applied {:?}",
                heard[i], applied[i]
            );
        }
    }
    heard.sort();
    applied.sort();
    println!(
        "memo on A → notice on B: median {:.1} ms; → applied on B: median {:.1} ms, worst {:.1} ms ({NOTICES} runs)",
        heard[NOTICES / 2].as_secs_f64() * 1000.0,
        applied[NOTICES / 2].as_secs_f64() * 1000.0,
        applied[NOTICES - 1].as_secs_f64() * 1000.0,
    );
    assert_eq!(b.patient_notes(patient).await.unwrap().len(), NOTICES);
}
