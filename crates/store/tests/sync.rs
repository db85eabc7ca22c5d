//! Several PCs (docs/multi-pc.md), the PC's side: two real SQLite databases
//! as two PCs, and a change log kept in memory standing in for the server
//! (its PostgreSQL side is `store::server`'s own tests). Each PC writes
//! through the store's public API; what reaches the other PC goes only
//! through the outbox and `apply_remote`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okusuri_store::sync::{PC_RANGE, RemoteChange};
use okusuri_store::{BodyKind, ConsentMethod, NewPatient, Outcome, Store, StoreError, Touch};

/// The server's change log as the PCs see it: each change once, numbered in
/// arrival order.
#[derive(Default)]
struct Log {
    changes: Vec<RemoteChange>,
}

impl Log {
    /// Takes a PC's unsent writes into the log (skipping op_ids it has) and,
    /// if `confirm`, marks them sent on the PC — `false` is a PC killed
    /// after the server committed but before it heard so.
    async fn send(&mut self, pc: &Store, confirm: bool) -> usize {
        let unsent = pc.unsent(1000).await.unwrap();
        let n = unsent.len();
        for entry in unsent {
            let seq = match self.changes.iter().find(|c| c.op_id == entry.op_id) {
                Some(c) => c.seq,
                None => {
                    let seq = self.changes.len() as i64 + 1;
                    self.changes.push(RemoteChange {
                        seq,
                        op_id: entry.op_id.clone(),
                        changes: entry.changes,
                    });
                    seq
                }
            };
            if confirm {
                pc.mark_sent(&[(entry.op_id.clone(), seq)]).await.unwrap();
            }
        }
        n
    }

    /// Applies to a PC what it has not seen yet.
    async fn pull(&self, pc: &Store) -> Vec<Vec<Outcome>> {
        let last = pc.sync_state().await.unwrap().last_seq;
        let new: Vec<RemoteChange> = self
            .changes
            .iter()
            .filter(|c| c.seq > last)
            .cloned()
            .collect();
        pc.apply_remote(&new, at(2026, 12, 1, 12, 0)).await.unwrap()
    }
}

const CARD: &str = "0123456789ABCDEF";

#[tokio::test]
async fn a_patient_card_and_memo_written_on_one_pc_reach_the_other_once() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((a, admin_a), (b, admin_b)) = (pc(da.path(), 1).await, pc(db.path(), 2).await);
    let mut log = Log::default();

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
    assert!(
        (PC_RANGE..2 * PC_RANGE).contains(&patient),
        "PC 1's range: {patient}"
    );
    let memo = a
        .add_patient_note(
            &act(&admin_a),
            patient,
            None,
            "粉薬が苦手",
            at(2026, 12, 1, 9, 1),
        )
        .await
        .unwrap();
    assert_eq!(a.sync_state().await.unwrap().unsent, 2);

    assert_eq!(log.send(&a, true).await, 2);
    assert_eq!(a.sync_state().await.unwrap().unsent, 0);
    let outcomes = log.pull(&b).await;
    assert_eq!(
        outcomes,
        vec![vec![Outcome::Applied; 4], vec![Outcome::Applied]],
        "patient, consent, card, visit; then the memo"
    );

    // On PC B: the card finds the patient, the memo is there, with A's IDs.
    let touch = b
        .card_touched(&sys(), CARD, at(2026, 12, 1, 10, 0))
        .await
        .unwrap();
    assert_eq!(
        touch,
        Touch::Patient {
            patient_id: patient,
            name: "山田 花子".into()
        }
    );
    let notes = b.patient_notes(patient).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].id, notes[0].text.as_str()), (memo, "粉薬が苦手"));

    // B's visit and allergy come back to A; A's own changes are skipped.
    b.add_patient_note(
        &act(&admin_b),
        patient,
        Some(BodyKind::Allergy),
        "ペニシリン",
        at(2026, 12, 1, 10, 1),
    )
    .await
    .unwrap();
    log.send(&b, true).await;
    log.pull(&a).await;
    log.pull(&b).await;
    assert_eq!(a.sync_state().await.unwrap().last_seq, 4);
    assert_eq!(dump(da.path()).await, dump(db.path()).await);
    let notes_on_a = a.patient_notes(patient).await.unwrap();
    assert_eq!(notes_on_a.len(), 2);

    // The same change delivered again changes nothing.
    let again = b
        .apply_remote(&log.changes[1..2], at(2026, 12, 1, 12, 0))
        .await
        .unwrap();
    assert_eq!(
        again,
        vec![Vec::<Outcome>::new()],
        "seen before: nothing applied"
    );
    assert_eq!(dump(da.path()).await, dump(db.path()).await);
}

#[tokio::test]
async fn writes_made_offline_on_both_pcs_converge_whatever_the_order() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((a, admin_a), (b, admin_b)) = (pc(da.path(), 1).await, pc(db.path(), 2).await);
    let mut log = Log::default();
    let patient = a
        .issue_card(
            &act(&admin_a),
            &hanako(),
            ConsentMethod::Paper,
            CARD,
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();
    let memo = a
        .add_patient_note(
            &act(&admin_a),
            patient,
            None,
            "粉薬が苦手",
            at(2026, 12, 1, 9, 1),
        )
        .await
        .unwrap();
    log.send(&a, true).await;
    log.pull(&b).await;

    // The server is away: both withdraw the same memo, each adds a memo,
    // both record visits, and each issues the same new card to a new patient.
    let later = |m| at(2026, 12, 1, 11, m);
    b.withdraw_patient_note(
        &act(&admin_b),
        patient,
        "memo",
        memo,
        "別の患者様の記録",
        later(5),
    )
    .await
    .unwrap();
    a.withdraw_patient_note(&act(&admin_a), patient, "memo", memo, "重複", later(7))
        .await
        .unwrap();
    let memo_a = a
        .add_patient_note(&act(&admin_a), patient, None, "A で追加", later(8))
        .await
        .unwrap();
    let memo_b = b
        .add_patient_note(&act(&admin_b), patient, None, "B で追加", later(8))
        .await
        .unwrap();
    assert_ne!(memo_a, memo_b, "two PCs never make the same ID");
    let other = NewPatient {
        name: "佐藤 一郎".into(),
        kana: "サトウ イチロウ".into(),
        sex: 1,
        birth_date: "1970-01-01".into(),
        phone: None,
    };
    const NEW_CARD: &str = "FEDCBA9876543210";
    let on_a = a
        .issue_card(
            &act(&admin_a),
            &other,
            ConsentMethod::Screen,
            NEW_CARD,
            later(20),
        )
        .await
        .unwrap();
    let on_b = b
        .issue_card(
            &act(&admin_b),
            &other,
            ConsentMethod::Screen,
            NEW_CARD,
            later(10),
        )
        .await
        .unwrap();
    assert_ne!(on_a, on_b);

    // A comes back first, then B: the earlier withdrawal and the earlier
    // card issue win on both PCs.
    log.send(&a, true).await;
    log.send(&b, true).await;
    log.pull(&a).await;
    log.pull(&b).await;
    assert_eq!(dump(da.path()).await, dump(db.path()).await);
    for pc in [&a, &b] {
        let notes = pc.patient_notes(patient).await.unwrap();
        let old = notes.iter().find(|n| n.id == memo).unwrap();
        assert_eq!(old.withdrawn_reason.as_deref(), Some("別の患者様の記録"));
        assert_eq!(notes.len(), 3, "the withdrawn memo and both new ones");
        let touch = pc.card_touched(&sys(), NEW_CARD, later(30)).await.unwrap();
        assert!(
            matches!(touch, Touch::Patient { patient_id, .. } if patient_id == on_b),
            "B issued the card first: {touch:?}"
        );
    }
    // Two records of the same person: the duplicate flow offers them, nothing merged silently.
    assert!(a.patient_card(on_a).await.unwrap().is_none());
}

#[tokio::test]
async fn a_pc_killed_before_it_heard_back_sends_again_and_nothing_is_doubled() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((a, admin_a), (b, _)) = (pc(da.path(), 1).await, pc(db.path(), 2).await);
    let mut log = Log::default();
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
    a.add_patient_note(
        &act(&admin_a),
        patient,
        None,
        "一包化",
        at(2026, 12, 1, 9, 2),
    )
    .await
    .unwrap();
    // The server committed both, the PC died before marking them sent.
    assert_eq!(log.send(&a, false).await, 2);
    drop(a);
    let a = open(da.path()).await;
    assert_eq!(
        a.sync_state().await.unwrap().unsent,
        2,
        "still in the outbox after restart"
    );
    assert_eq!(log.send(&a, true).await, 2);
    assert_eq!(log.changes.len(), 2, "the server kept each once");
    log.pull(&a).await;
    log.pull(&b).await;
    assert_eq!(a.sync_state().await.unwrap().unsent, 0);
    assert_eq!(dump(da.path()).await, dump(db.path()).await);
    assert_eq!(b.patient_notes(patient).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_write_that_cannot_be_shared_yet_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, admin) = pc(dir.path(), 3).await;
    let first = store
        .issue_card(
            &act(&admin),
            &hanako(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();
    let second = store
        .issue_card(
            &act(&admin),
            &hanako(),
            ConsentMethod::Screen,
            "1111222233334444",
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();
    let before = dump(dir.path()).await;
    let unsent = store.sync_state().await.unwrap().unsent;
    // Merging is not a change yet: refused while the PC records.
    let err = store
        .merge_patients(
            &act(&admin),
            first,
            second,
            "同一人物",
            at(2026, 12, 1, 9, 5),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            okusuri_store::MergeError::Store(StoreError::NotShared(_))
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("複数台で使う設定"), "{message}");
    assert!(message.contains("変更は保存されていません"), "{message}");
    assert!(store.patient_merges(first).await.unwrap().is_empty());
    assert_eq!(dump(dir.path()).await, before);
    assert_eq!(store.sync_state().await.unwrap().unsent, unsent);
    let sent: Vec<(String, i64)> = store
        .unsent(10)
        .await
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, e)| (e.op_id, i as i64 + 1))
        .collect();
    store.mark_sent(&sent).await.unwrap();

    // The feed's ledger is this PC's own: written, and only its log row is sent.
    let file = okusuri_store::FeedFile {
        name: "broken.txt".into(),
        size: 3,
        mtime_ns: 1,
        hash: String::new(),
        status: okusuri_store::FeedFileStatus::Error,
        error: Some("読めません".into()),
        dispensings: 0,
    };
    store
        .record_feed_files(&sys(), "/recept", &[file], at(2026, 12, 1, 9, 1))
        .await
        .unwrap();
    let sent = store.unsent(10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].changes.is_empty());
    assert_eq!(sent[0].log.rows[0].event, "feed_files_recorded");
}

#[tokio::test]
async fn a_single_pc_database_records_nothing_and_numbers_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_new(dir.path()).await;
    let admin = set_up(&store).await;
    let patient = store
        .issue_card(
            &act(&admin),
            &hanako(),
            ConsentMethod::Screen,
            CARD,
            at(2026, 12, 1, 9, 0),
        )
        .await
        .unwrap();
    assert_eq!(patient, 1);
    store
        .add_patient_note(&act(&admin), patient, None, "メモ", at(2026, 12, 1, 9, 1))
        .await
        .unwrap();
    let state = store.sync_state().await.unwrap();
    assert_eq!(
        (state.pc_number, state.recording, state.unsent),
        (0, false, 0)
    );
    let mut conn = raw(dir.path()).await;
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(outbox, 0);
}

#[tokio::test]
async fn an_import_on_the_receipt_computer_pc_reaches_the_counter_pc_in_full() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((a, _), (b, _)) = (pc(da.path(), 1).await, pc(db.path(), 2).await);
    let mut log = Log::default();
    let recept = okusuri_store::ImportSource {
        label: "recept:00123.txt".into(),
        external_id: Some(("レセコン".into(), "00123".into())),
        supersedes: true,
    };
    let doc = fixture("v26-example-11.txt");
    let first = a
        .import_jahis(&sys(), &admit(&doc), &recept, at(2026, 12, 1, 9, 0))
        .await
        .unwrap();
    assert_eq!(
        (
            first.dispensings_added,
            first.drugs_added,
            first.otc_added,
            first.notes_added
        ),
        (2, 5, 2, 6)
    );
    assert!((PC_RANGE..2 * PC_RANGE).contains(&first.patient_id));

    // The receipt computer writes the file again with a dose corrected:
    // the old dispensing is replaced, on both PCs.
    let mut corrected = doc.clone();
    let dose = &mut corrected.dispensings[0].rps[0].drugs[0].dose;
    *dose = Some(format!("{}0", dose.clone().unwrap_or_default()));
    let second = a
        .import_jahis(&sys(), &admit(&corrected), &recept, at(2026, 12, 1, 9, 5))
        .await
        .unwrap();
    assert_eq!(
        (second.dispensings_added, second.dispensings_replaced),
        (1, 1)
    );

    log.send(&a, true).await;
    log.pull(&b).await;
    let on_b = dump(db.path()).await;
    assert_eq!(on_b, dump(da.path()).await);
    assert!(
        on_b.iter().filter(|r| r.contains("FROM drug")).count() >= 5,
        "{on_b:#?}"
    );

    // The counter PC reads the same notebook from the patient's QR: all of it is there already.
    let qr = okusuri_store::ImportSource {
        label: "qr".into(),
        external_id: None,
        supersedes: false,
    };
    let again = b
        .import_jahis(&sys(), &admit(&corrected), &qr, at(2026, 12, 1, 10, 0))
        .await
        .unwrap();
    assert_eq!(again.patient_id, first.patient_id);
    assert_eq!(
        (again.dispensings_added, again.otc_added, again.notes_added),
        (0, 0, 0)
    );
    assert_eq!(dump(db.path()).await, on_b);
}

#[tokio::test]
async fn the_pharmacys_settings_travel_and_the_latest_wins_while_a_pcs_own_stay() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((a, admin_a), (b, admin_b)) = (pc(da.path(), 1).await, pc(db.path(), 2).await);
    let mut log = Log::default();
    // Offline on both: B changes the idle lock later than A; each names its own card reader.
    b.set_setting(
        &act(&admin_b),
        "session.idle_lock_minutes",
        "10",
        at(2026, 12, 1, 9, 30),
    )
    .await
    .unwrap();
    a.set_setting(
        &act(&admin_a),
        "session.idle_lock_minutes",
        "5",
        at(2026, 12, 1, 9, 10),
    )
    .await
    .unwrap();
    a.set_setting(
        &act(&admin_a),
        "reader.name",
        "Reader A",
        at(2026, 12, 1, 9, 11),
    )
    .await
    .unwrap();
    b.set_setting(
        &act(&admin_b),
        "reader.name",
        "Reader B",
        at(2026, 12, 1, 9, 12),
    )
    .await
    .unwrap();
    log.send(&a, true).await;
    log.send(&b, true).await;
    log.pull(&a).await;
    log.pull(&b).await;
    for pc in [&a, &b] {
        assert_eq!(
            pc.setting("session.idle_lock_minutes")
                .await
                .unwrap()
                .as_deref(),
            Some("10")
        );
    }
    assert_eq!(
        a.setting("reader.name").await.unwrap().as_deref(),
        Some("Reader A")
    );
    assert_eq!(
        b.setting("reader.name").await.unwrap().as_deref(),
        Some("Reader B")
    );

    // Two changes on one PC in the same millisecond (or with its clock behind
    // what it has seen): the second is the one kept, here and on the other PC.
    let same = at(2026, 12, 1, 9, 0);
    a.set_setting(&act(&admin_a), "import.max_file_bytes", "104857600", same)
        .await
        .unwrap();
    a.set_setting(&act(&admin_a), "import.max_file_bytes", "1048576", same)
        .await
        .unwrap();
    a.set_setting(&act(&admin_a), "session.idle_lock_minutes", "3", same)
        .await
        .unwrap();
    log.send(&a, true).await;
    log.pull(&b).await;
    for pc in [&a, &b] {
        assert_eq!(
            pc.setting("import.max_file_bytes")
                .await
                .unwrap()
                .as_deref(),
            Some("1048576")
        );
        assert_eq!(
            pc.setting("session.idle_lock_minutes")
                .await
                .unwrap()
                .as_deref(),
            Some("3")
        );
    }
}
