//! The reader service against the real `pcscd` with the `vsmartcard-vpcd`
//! virtual readers ("Virtual PCD 00 00" on port 35963, "… 00 01" on 35964)
//! and our virtual card (`okusuri-vcard`). The tests share one `pcscd`, so
//! they run one at a time; each starts it fresh (it must be installed, and
//! the tests need the rights to start and stop it: root in CI).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::{Child, Command};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use okusuri_reader::{ReaderConfig, ReaderEvent, ReaderService, list_readers};
use okusuri_vcard::{Kind, VirtualCard, parse_idm};

const READER: &str = "Virtual PCD 00 00";
const PORT: u16 = 35963;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The system's `pcscd`, started by the test in the foreground.
struct Pcscd {
    child: Option<Child>,
}

impl Pcscd {
    fn start() -> Pcscd {
        let _ = Command::new("pkill").args(["-x", "pcscd"]).status();
        std::thread::sleep(Duration::from_millis(200));
        let child = Command::new("pcscd")
            .arg("--foreground")
            .spawn()
            .expect("pcscd must be installed (scripts/setup-debian.sh)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while list_readers().map(|r| r.len()).unwrap_or(0) < 2 {
            assert!(
                Instant::now() < deadline,
                "pcscd did not list the vpcd readers"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Pcscd { child: Some(child) }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serial() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn service(reader: Option<&str>) -> (ReaderService, Receiver<ReaderEvent>) {
    let (tx, rx) = channel();
    let service = ReaderService::start(
        ReaderConfig {
            reader: reader.map(str::to_string),
        },
        move |e| {
            let _ = tx.send(e);
        },
    );
    (service, rx)
}

/// The next event matching `want` within 10 s, skipping others.
fn next(rx: &Receiver<ReaderEvent>, want: impl Fn(&ReaderEvent) -> bool) -> ReaderEvent {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if want(&e) => return e,
            Ok(_) => continue,
            Err(_) => panic!("no matching reader event within 10 s"),
        }
    }
}

fn watching(e: &ReaderEvent) -> bool {
    matches!(e, ReaderEvent::Watching { .. })
}

fn felica(idm: &str) -> VirtualCard {
    VirtualCard::insert(PORT, Kind::Felica(parse_idm(idm).unwrap())).unwrap()
}

#[test]
fn several_readers_and_none_chosen_is_a_clear_warning() {
    let _one = serial();
    let _pcscd = Pcscd::start();
    let (service, rx) = service(None);
    let ReaderEvent::Unavailable { message, readers } =
        next(&rx, |e| matches!(e, ReaderEvent::Unavailable { .. }))
    else {
        unreachable!()
    };
    assert_eq!(
        message,
        "カードリーダーが複数接続されています（Virtual PCD 00 00、Virtual PCD 00 01）。設定で使うリーダーを選んでください。"
    );
    assert_eq!(readers.len(), 2);
    service.stop();
    // A chosen reader that is not connected says so by name.
    let (service, rx) = self::service(Some("Sony RC-S380/P"));
    let ReaderEvent::Unavailable { message, .. } =
        next(&rx, |e| matches!(e, ReaderEvent::Unavailable { .. }))
    else {
        unreachable!()
    };
    assert!(
        message.starts_with("設定されたカードリーダー「Sony RC-S380/P」が見つかりません。"),
        "{message}"
    );
    service.stop();
}

#[test]
fn touches_give_the_idm_once_each_and_removal_is_seen() {
    let _one = serial();
    let _pcscd = Pcscd::start();
    let (service, rx) = service(Some(READER));
    next(&rx, watching);
    for idm in ["0123456789ABCDEF", "0123456789ABCDEF", "FEDCBA9876543210"] {
        let card = felica(idm);
        let ReaderEvent::Card { idm: read, reader } =
            next(&rx, |e| matches!(e, ReaderEvent::Card { .. }))
        else {
            unreachable!()
        };
        assert_eq!((read.as_str(), reader.as_str()), (idm, READER));
        card.remove();
        next(&rx, |e| matches!(e, ReaderEvent::Removed { .. }));
    }
    // A card that stays on the reader is read once.
    let _card = felica("1111222233334444");
    next(&rx, |e| matches!(e, ReaderEvent::Card { .. }));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        rx.try_iter()
            .all(|e| !matches!(e, ReaderEvent::Card { .. })),
        "read once"
    );
    service.stop();
}

#[test]
fn a_card_that_is_not_felica_cannot_be_read() {
    let _one = serial();
    let _pcscd = Pcscd::start();
    let (service, rx) = service(Some(READER));
    next(&rx, watching);
    let _card = VirtualCard::insert(PORT, Kind::Other).unwrap();
    let ReaderEvent::Unreadable { message, .. } =
        next(&rx, |e| matches!(e, ReaderEvent::Unreadable { .. }))
    else {
        unreachable!()
    };
    assert_eq!(
        message,
        "このカードは読み取れません。お薬手帳のカード（FeliCa）をタッチしてください。"
    );
    service.stop();
}

#[test]
fn the_service_recovers_when_pcscd_restarts() {
    let _one = serial();
    let mut pcscd = Pcscd::start();
    let (service, rx) = service(Some(READER));
    next(&rx, watching);
    pcscd.stop();
    let ReaderEvent::Unavailable { message, .. } =
        next(&rx, |e| matches!(e, ReaderEvent::Unavailable { .. }))
    else {
        unreachable!()
    };
    assert!(
        message.starts_with("スマートカードサービス（pcscd / Smart Card）が動いていません。"),
        "{message}"
    );
    let _pcscd = Pcscd::start();
    next(&rx, watching);
    let _card = felica("0123456789ABCDEF");
    next(&rx, |e| matches!(e, ReaderEvent::Card { .. }));
    service.stop();
}

#[test]
fn waiting_for_a_card_times_out_with_a_message() {
    let _one = serial();
    let _pcscd = Pcscd::start();
    let err = okusuri_reader::wait_for_card(
        ReaderConfig {
            reader: Some(READER.into()),
        },
        Duration::from_millis(800),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "時間内にカードがタッチされませんでした。");
    assert_eq!(
        list_readers().unwrap(),
        vec!["Virtual PCD 00 00", "Virtual PCD 00 01"]
    );
}
