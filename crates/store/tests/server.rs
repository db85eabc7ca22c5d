//! Several PCs through a real PostgreSQL server (Debian's package, a cluster
//! of the test's own): two SQLite databases as two PCs, each syncing with
//! `Server::sync` — the same round the app runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::pg::{Pg, make_certificate, openssl_fingerprint};
use common::*;
use okusuri_store::server::{Server, ServerError, SyncError};
use okusuri_store::{ConsentMethod, ImportSource, Store, Touch};

const CARD: &str = "0123456789ABCDEF";

async fn join(server: &Server, dir: &std::path::Path) -> (Store, okusuri_store::Staff) {
    let number = server.join("TEST-PC").await.unwrap();
    pc(dir, number).await
}

#[tokio::test]
async fn two_pcs_share_patients_cards_notes_and_imports_through_the_server() {
    let pg = Pg::start();
    let server = Server::connect(&pg.address()).await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, admin_a) = join(&server, da.path()).await;
    let (b, admin_b) = join(&server, db.path()).await;
    assert_eq!(
        (
            a.sync_state().await.unwrap().pc_number,
            b.sync_state().await.unwrap().pc_number
        ),
        (1, 2)
    );

    // B listens before A writes: the server announces A's commit.
    let mut notices = server.notices().await.unwrap();
    let patient = a
        .issue_card(
            &act(&admin_a),
            &hanako(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();
    let recept = ImportSource {
        label: "recept:00123.txt".into(),
        external_id: Some(("レセコン".into(), "00123".into())),
        supersedes: true,
    };
    a.import_jahis(
        &sys(),
        &admit(&fixture("v26-example-11.txt")),
        &recept,
        at(2026, 12, 1, 9, 1),
    )
    .await
    .unwrap();
    let sent = server.sync(&a, at(2026, 12, 1, 9, 2)).await.unwrap();
    assert_eq!(sent.sent, 2);
    let announced = tokio::time::timeout(Duration::from_secs(30), notices.next())
        .await
        .expect("no notice from the server")
        .unwrap();
    assert_eq!(announced, 2);

    let pulled = server.sync(&b, at(2026, 12, 1, 9, 3)).await.unwrap();
    assert_eq!((pulled.sent, pulled.pulled), (0, 2));
    assert_eq!(dump(db.path()).await, dump(da.path()).await);
    let touch = b
        .card_touched(&sys(), CARD, at(2026, 12, 1, 10, 0))
        .await
        .unwrap();
    assert!(matches!(touch, Touch::Patient { patient_id, .. } if patient_id == patient));
    b.add_patient_note(
        &act(&admin_b),
        patient,
        None,
        "B で追加",
        at(2026, 12, 1, 10, 1),
    )
    .await
    .unwrap();
    server.sync(&b, at(2026, 12, 1, 10, 2)).await.unwrap();
    server.sync(&a, at(2026, 12, 1, 10, 3)).await.unwrap();
    assert_eq!(dump(da.path()).await, dump(db.path()).await);
    assert_eq!(
        pg.psql("pharmacy", "SELECT count(*), max(seq) FROM change_log"),
        "4|4"
    );
    for pc in [&a, &b] {
        let state = pc.sync_state().await.unwrap();
        assert_eq!((state.unsent, state.last_seq), (0, 4));
    }
}

#[tokio::test]
async fn with_the_server_stopped_both_pcs_keep_writing_and_every_change_arrives_once() {
    let pg = Pg::start();
    let server = Server::connect(&pg.address()).await.unwrap();
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, admin_a) = join(&server, da.path()).await;
    let (b, admin_b) = join(&server, db.path()).await;
    let patient = a
        .issue_card(
            &act(&admin_a),
            &hanako(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();
    server.sync(&a, at(2026, 12, 1, 9, 1)).await.unwrap();
    server.sync(&b, at(2026, 12, 1, 9, 1)).await.unwrap();

    pg.stop();
    let later = |m| at(2026, 12, 1, 11, m);
    a.add_patient_note(&act(&admin_a), patient, None, "A オフライン", later(1))
        .await
        .unwrap();
    b.add_patient_note(&act(&admin_b), patient, None, "B オフライン", later(2))
        .await
        .unwrap();
    b.card_touched(&sys(), CARD, later(3)).await.unwrap();
    let err = server.sync(&a, later(4)).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Server(ServerError::Unreachable(..))),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("接続できません"), "{message}");
    assert!(message.contains("接続が戻ると送信されます"), "{message}");
    assert_eq!(
        a.sync_state().await.unwrap().unsent,
        1,
        "kept in the outbox"
    );
    assert_eq!(b.sync_state().await.unwrap().unsent, 2);

    pg.restart();
    // The pool reconnects by itself once the server is back.
    let mut tries = 0;
    while server.sync(&a, later(5)).await.is_err() {
        tries += 1;
        assert!(tries < 50, "the server did not come back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.sync(&b, later(6)).await.unwrap();
    server.sync(&a, later(7)).await.unwrap();
    assert_eq!(dump(da.path()).await, dump(db.path()).await);
    assert_eq!(a.patient_notes(patient).await.unwrap().len(), 2);
    assert_eq!(
        pg.psql(
            "pharmacy",
            "SELECT count(*), count(DISTINCT op_id), max(seq) FROM change_log"
        ),
        "4|4|4"
    );
}

#[tokio::test]
async fn a_pc_that_died_before_hearing_back_sends_again_and_the_log_keeps_each_once() {
    let pg = Pg::start();
    let server = Server::connect(&pg.address()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (a, admin) = join(&server, dir.path()).await;
    a.issue_card(
        &act(&admin),
        &hanako(),
        ConsentMethod::Paper,
        CARD,
        at(2026, 12, 1, 9, 0),
    )
    .await
    .unwrap();
    // The server commits, the PC is gone before it marks the write sent.
    let unsent = a.unsent(10).await.unwrap();
    let first = server.append(1, &unsent).await.unwrap();
    drop(a);
    let a = open(dir.path()).await;
    assert_eq!(a.sync_state().await.unwrap().unsent, 1);
    let report = server.sync(&a, at(2026, 12, 1, 9, 5)).await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(pg.psql("pharmacy", "SELECT count(*) FROM change_log"), "1");
    assert_eq!(server.since(0, 10).await.unwrap()[0].seq, first[0].1);
    assert_eq!(a.sync_state().await.unwrap().unsent, 0);
}

#[tokio::test]
async fn appends_from_many_pcs_at_once_are_numbered_without_gaps_in_commit_order() {
    let pg = Pg::start();
    let server = Server::connect(&pg.address()).await.unwrap();
    let mut dirs = Vec::new();
    let mut pcs = Vec::new();
    for _ in 0..4 {
        let dir = tempfile::tempdir().unwrap();
        let (store, admin) = join(&server, dir.path()).await;
        dirs.push(dir);
        pcs.push((store, admin));
    }
    // Each PC registers a patient and writes five memos, all sending at once.
    let mut tasks = Vec::new();
    for (n, (store, admin)) in pcs.into_iter().enumerate() {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let card = format!("{:016X}", n + 1);
            let patient = store
                .issue_card(
                    &act(&admin),
                    &hanako(),
                    ConsentMethod::Screen,
                    &card,
                    at(2026, 12, 1, 9, 0),
                )
                .await
                .unwrap();
            for i in 0..5 {
                store
                    .add_patient_note(
                        &act(&admin),
                        patient,
                        None,
                        &format!("memo {i}"),
                        at(2026, 12, 1, 9, i),
                    )
                    .await
                    .unwrap();
                server.sync(&store, at(2026, 12, 1, 9, i)).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        pg.psql(
            "pharmacy",
            "SELECT count(*), min(seq), max(seq) FROM change_log"
        ),
        "24|1|24"
    );
}

#[tokio::test]
async fn over_the_network_only_the_pinned_certificate_is_trusted() {
    use okusuri_store::server::{Certificate, certificate};
    let pg = Pg::start_tls();
    let port = pg.tcp_address(None).port;

    // No certificate pinned yet: no connection (nothing sent unencrypted).
    let err = Server::connect(&pg.tcp_address(None)).await.unwrap_err();
    assert!(matches!(err, ServerError::NotPinned(_)), "{err:?}");
    assert!(
        err.to_string().contains("証明書がまだ確認されていません"),
        "{err}"
    );

    // First use: the PC reads the certificate; its fingerprint is what
    // openssl prints for the server's file.
    let presented = certificate::fetch("127.0.0.1", port).await.unwrap();
    let expected = openssl_fingerprint(&pg.folder().join("server.crt"));
    assert_eq!(presented.fingerprint(), expected);
    let on_disk = std::fs::read_to_string(pg.folder().join("server.crt")).unwrap();
    assert_eq!(Certificate::from_pem(&on_disk), Some(presented.clone()));

    // Pinned: TLS with it as the only root works, and the session is encrypted.
    let server = Server::connect(&pg.tcp_address(Some(presented.clone())))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (a, admin) = join(&server, dir.path()).await;
    a.issue_card(
        &act(&admin),
        &hanako(),
        ConsentMethod::Screen,
        CARD,
        at(2026, 12, 1, 9, 0),
    )
    .await
    .unwrap();
    assert_eq!(
        server.sync(&a, at(2026, 12, 1, 9, 1)).await.unwrap().sent,
        1
    );
    let encrypted: i64 = pg
        .psql(
            "pharmacy",
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE s.ssl AND a.application_name = 'okusuri-desk'",
        )
        .parse()
        .unwrap();
    let plain: i64 = pg
        .psql(
            "pharmacy",
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE NOT s.ssl AND a.application_name = 'okusuri-desk'",
        )
        .parse()
        .unwrap();
    assert!(
        encrypted >= 1 && plain == 0,
        "{encrypted} TLS, {plain} plain connections"
    );

    // Another certificate pinned (a server swapped, or someone posing as it): refused, both named.
    make_certificate(pg.folder(), "other");
    let other =
        Certificate::from_pem(&std::fs::read_to_string(pg.folder().join("other.crt")).unwrap())
            .unwrap();
    let err = Server::connect(&pg.tcp_address(Some(other.clone())))
        .await
        .unwrap_err();
    match &err {
        ServerError::CertificateChanged {
            pinned,
            presented: now,
            ..
        } => {
            assert_eq!(pinned, &other.fingerprint());
            assert_eq!(now, &expected);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("確認済みのものと違います"),
        "{err}"
    );

    // The server's certificate replaced while the PC is connected: every new
    // connection is refused by the pinning itself, and nothing leaves the PC.
    pg.stop();
    for ext in ["crt", "key"] {
        // Copied over the files in place: they keep the server's ownership.
        std::fs::copy(
            pg.folder().join(format!("other.{ext}")),
            pg.folder().join(format!("server.{ext}")),
        )
        .unwrap();
    }
    pg.restart();
    a.add_patient_note(
        &act(&admin),
        1 << 40 | 1,
        None,
        "差し替え後",
        at(2026, 12, 1, 9, 2),
    )
    .await
    .unwrap();
    let err = server.sync(&a, at(2026, 12, 1, 9, 3)).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Server(ServerError::Unreachable(..))),
        "{err:?}"
    );
    assert_eq!(a.sync_state().await.unwrap().unsent, 1);
    assert_eq!(pg.psql("pharmacy", "SELECT count(*) FROM change_log"), "1");
}
