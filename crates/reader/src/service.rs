//! The reader service: one thread, one PC/SC context at a time.
//!
//! The thread lists the readers, chooses one (the configured name, else the
//! only one), and waits in `SCardGetStatusChange` on it and on the PnP
//! notification pseudo-reader. A card arriving (empty → present) is read
//! once; its IDm or the reason it could not be read is reported. When the
//! service goes away (`pcscd` stopped, the Smart Card service restarted) the
//! context is dropped and re-established every second until it is back.
//! [`ReaderService::stop`] cancels the wait at once.

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pcsc::{Context, Error, PNP_NOTIFICATION, Protocols, ReaderState, Scope, ShareMode, State};
use serde::Serialize;

use crate::ReaderError;
use crate::felica::{CardError, GET_UID, idm_from_response};

/// What the service reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReaderEvent {
    /// Watching this reader for cards (the switch is ON).
    Watching {
        /// The reader's name.
        reader: String,
        /// Every reader connected now.
        readers: Vec<String>,
    },
    /// Cards cannot be watched: no reader, several and none chosen, the
    /// chosen one gone, or no PC/SC service. The switch turns OFF.
    Unavailable {
        /// Why, in Japanese.
        message: String,
        /// Every reader connected now.
        readers: Vec<String>,
    },
    /// A FeliCa card was touched.
    Card {
        /// The reader.
        reader: String,
        /// Its IDm, 16 upper-case hex digits.
        idm: String,
    },
    /// A card was touched that gives no IDm.
    Unreadable {
        /// The reader.
        reader: String,
        /// Why, in Japanese.
        message: String,
    },
    /// The card was taken off the reader.
    Removed {
        /// The reader.
        reader: String,
    },
}

/// The service's settings.
#[derive(Debug, Clone, Default)]
pub struct ReaderConfig {
    /// The reader to use, by name (needed when several are connected).
    pub reader: Option<String>,
}

/// How long one wait for a change lasts before the stop flag is looked at.
const WAIT: Duration = Duration::from_millis(500);
/// How often a missing PC/SC service is looked for again.
const RETRY: Duration = Duration::from_secs(1);

fn names(ctx: &Context) -> Result<Vec<String>, Error> {
    match ctx.list_readers_owned() {
        Ok(list) => Ok(list
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()),
        Err(Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The reader to watch, or why there is none.
fn choose(readers: &[String], wanted: Option<&str>) -> Result<String, ReaderError> {
    match (wanted, readers) {
        (Some(name), _) if readers.iter().any(|r| r == name) => Ok(name.to_string()),
        (Some(name), _) => Err(ReaderError::ReaderMissing(name.to_string())),
        (None, []) => Err(ReaderError::NoReader),
        (None, [only]) => Ok(only.clone()),
        (None, several) => Err(ReaderError::SeveralReaders(several.join("、"))),
    }
}

/// Reads the IDm of the card on `reader`.
fn read_idm(ctx: &Context, reader: &CStr) -> Result<String, ReaderError> {
    let card = match ctx.connect(reader, ShareMode::Shared, Protocols::ANY) {
        Ok(card) => card,
        Err(Error::RemovedCard | Error::NoSmartcard) => return Err(CardError::Removed.into()),
        Err(Error::UnresponsiveCard | Error::UnpoweredCard | Error::UnsupportedCard) => {
            return Err(CardError::NotFelica.into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut buffer = [0u8; pcsc::MAX_BUFFER_SIZE];
    let result = match card.transmit(&GET_UID, &mut buffer) {
        Ok(response) => idm_from_response(response).map_err(ReaderError::from),
        Err(Error::RemovedCard | Error::ResetCard) => Err(CardError::Removed.into()),
        Err(_) => Err(CardError::NotFelica.into()),
    };
    let _ = card.disconnect(pcsc::Disposition::LeaveCard);
    result
}

/// The reader service; stops when [`ReaderService::stop`] is called or it is dropped.
pub struct ReaderService {
    stop: Arc<AtomicBool>,
    context: Arc<Mutex<Option<Context>>>,
    thread: Option<JoinHandle<()>>,
}

impl ReaderService {
    /// Starts watching; every event goes to `sink` (on the service's thread).
    pub fn start(
        config: ReaderConfig,
        sink: impl Fn(ReaderEvent) + Send + 'static,
    ) -> ReaderService {
        let stop = Arc::new(AtomicBool::new(false));
        let context = Arc::new(Mutex::new(None));
        let thread = {
            let stop = stop.clone();
            let context = context.clone();
            std::thread::Builder::new()
                .name("card-reader".into())
                .spawn(move || Watcher::new(config, sink, stop, context).run())
                .ok()
        };
        ReaderService {
            stop,
            context,
            thread,
        }
    }

    /// Stops the service and waits for its thread.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(ctx) = self.context.lock()
            && let Some(ctx) = ctx.as_ref()
        {
            let _ = ctx.cancel();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ReaderService {
    fn drop(&mut self) {
        self.halt();
    }
}

struct Watcher<F: Fn(ReaderEvent)> {
    config: ReaderConfig,
    sink: F,
    stop: Arc<AtomicBool>,
    context: Arc<Mutex<Option<Context>>>,
    last: Option<ReaderEvent>,
}

impl<F: Fn(ReaderEvent)> Watcher<F> {
    fn new(
        config: ReaderConfig,
        sink: F,
        stop: Arc<AtomicBool>,
        context: Arc<Mutex<Option<Context>>>,
    ) -> Self {
        Watcher {
            config,
            sink,
            stop,
            context,
            last: None,
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sends a state event unless it repeats the last one.
    fn state(&mut self, event: ReaderEvent) {
        if self.last.as_ref() != Some(&event) {
            self.last = Some(event.clone());
            (self.sink)(event);
        }
    }

    fn pause(&self, how_long: Duration) {
        let until = Instant::now() + how_long;
        while !self.stopped() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn run(mut self) {
        while !self.stopped() {
            let ctx = match Context::establish(Scope::User) {
                Ok(ctx) => ctx,
                Err(e) => {
                    self.state(ReaderEvent::Unavailable {
                        message: ReaderError::from(e).to_string(),
                        readers: Vec::new(),
                    });
                    self.pause(RETRY);
                    continue;
                }
            };
            if let Ok(mut slot) = self.context.lock() {
                *slot = Some(ctx.clone());
            }
            if let Err(e) = self.watch(&ctx) {
                // pcscd going away mid-call shows as various errors (broken
                // connection, access denied, …): if no new context can be
                // had, say that the service is not running.
                let e = match Context::establish(Scope::User) {
                    Err(gone) => ReaderError::from(gone),
                    Ok(_) => e,
                };
                self.state(ReaderEvent::Unavailable {
                    message: e.to_string(),
                    readers: Vec::new(),
                });
                self.pause(RETRY);
            }
            if let Ok(mut slot) = self.context.lock() {
                *slot = None;
            }
        }
    }

    /// Watches with one context until the service fails (or stop).
    fn watch(&mut self, ctx: &Context) -> Result<(), ReaderError> {
        let pnp = PNP_NOTIFICATION().to_owned();
        while !self.stopped() {
            let readers = names(ctx)?;
            let chosen = match choose(&readers, self.config.reader.as_deref()) {
                Ok(r) => r,
                Err(e) => {
                    self.state(ReaderEvent::Unavailable {
                        message: e.to_string(),
                        readers: readers.clone(),
                    });
                    // Wait for a reader to be plugged or unplugged.
                    self.pnp_wait(ctx, &pnp)?;
                    continue;
                }
            };
            self.state(ReaderEvent::Watching {
                reader: chosen.clone(),
                readers: readers.clone(),
            });
            self.cards(ctx, &pnp, &chosen)?;
        }
        Ok(())
    }

    /// Waits (in short steps) until the PnP pseudo-reader reports a change.
    fn pnp_wait(&self, ctx: &Context, pnp: &CString) -> Result<(), ReaderError> {
        let mut states = [ReaderState::new(pnp.clone(), State::UNAWARE)];
        let _ = ctx.get_status_change(Duration::ZERO, &mut states[..]);
        states[0].sync_current_state();
        while !self.stopped() {
            match ctx.get_status_change(WAIT, &mut states[..]) {
                Ok(()) => return Ok(()),
                Err(e) => self.benign(e)?,
            }
        }
        Ok(())
    }

    /// Timeouts and cancels are part of waiting; anything else ends the context.
    fn benign(&self, e: Error) -> Result<(), ReaderError> {
        match e {
            Error::Timeout | Error::Cancelled => Ok(()),
            other => Err(other.into()),
        }
    }

    /// Watches one reader for cards until the readers change.
    fn cards(&mut self, ctx: &Context, pnp: &CString, reader: &str) -> Result<(), ReaderError> {
        let Ok(name) = CString::new(reader) else {
            return Err(ReaderError::Other(format!("reader name: {reader}")));
        };
        let mut states = vec![
            ReaderState::new(pnp.clone(), State::UNAWARE),
            ReaderState::new(name.clone(), State::UNAWARE),
        ];
        // Learn the current states without treating a card already there as new.
        match ctx.get_status_change(Duration::ZERO, &mut states[..]) {
            Ok(()) => {}
            Err(e) => self.benign(e)?,
        }
        let mut present = states[1].event_state().contains(State::PRESENT);
        for s in &mut states {
            s.sync_current_state();
        }
        while !self.stopped() {
            match ctx.get_status_change(WAIT, &mut states[..]) {
                Ok(()) => {}
                Err(e) => {
                    self.benign(e)?;
                    continue;
                }
            }
            let pnp_changed = states[0].event_state().contains(State::CHANGED);
            let reader_state = states[1].event_state();
            for s in &mut states {
                s.sync_current_state();
            }
            if reader_state.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE) {
                return Ok(()); // the reader went away: list again
            }
            let now_present = reader_state.contains(State::PRESENT);
            if now_present && !present {
                let event = match read_idm(ctx, &name) {
                    Ok(idm) => ReaderEvent::Card {
                        reader: reader.to_string(),
                        idm,
                    },
                    Err(ReaderError::NoService) => return Err(ReaderError::NoService),
                    Err(e) => ReaderEvent::Unreadable {
                        reader: reader.to_string(),
                        message: e.to_string(),
                    },
                };
                (self.sink)(event);
            } else if present && !now_present {
                (self.sink)(ReaderEvent::Removed {
                    reader: reader.to_string(),
                });
            }
            present = now_present;
            if pnp_changed {
                let readers = names(ctx)?;
                if !readers.iter().any(|r| r == reader) || readers.len() != self.known_count() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn known_count(&self) -> usize {
        match &self.last {
            Some(ReaderEvent::Watching { readers, .. }) => readers.len(),
            _ => 0,
        }
    }
}

/// The readers connected now (`okusuri reader list`).
pub fn list_readers() -> Result<Vec<String>, ReaderError> {
    let ctx = Context::establish(Scope::User)?;
    Ok(names(&ctx)?)
}

/// Waits for the next FeliCa card on the chosen reader and returns its IDm
/// (`okusuri reader wait`).
pub fn wait_for_card(config: ReaderConfig, timeout: Duration) -> Result<String, ReaderError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let service = ReaderService::start(config, move |e| {
        let _ = tx.send(e);
    });
    let deadline = Instant::now() + timeout;
    let result = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(ReaderEvent::Card { idm, .. }) => break Ok(idm),
            Ok(ReaderEvent::Unreadable { message, .. }) => {
                break Err(ReaderError::Message(message));
            }
            Ok(ReaderEvent::Unavailable { message, .. }) => {
                break Err(ReaderError::Message(message));
            }
            Ok(_) => continue,
            Err(_) => break Err(ReaderError::Timeout),
        }
    };
    service.stop();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_reader_is_the_chosen_one_or_the_only_one_else_a_clear_message() {
        assert_eq!(choose(&names(&["RC-S380"]), None), Ok("RC-S380".into()));
        assert_eq!(choose(&names(&["A", "B"]), Some("B")), Ok("B".into()));
        assert_eq!(
            choose(&[], None).unwrap_err().to_string(),
            "カードリーダーが接続されていません。USBケーブルを確認してください。"
        );
        assert_eq!(
            choose(&names(&["A"]), Some("B")).unwrap_err().to_string(),
            "設定されたカードリーダー「B」が見つかりません。接続を確認するか、設定で選び直してください。"
        );
        assert_eq!(
            choose(&names(&["A", "B"]), None).unwrap_err().to_string(),
            "カードリーダーが複数接続されています（A、B）。設定で使うリーダーを選んでください。"
        );
    }
}
