//! The counter's card-reader switch as a state machine (what the window
//! shows bottom-left), and what a card touch does (P1, P2). The shell runs
//! the reader service and feeds its events in; nothing here needs a window.

use okusuri_reader::ReaderEvent;
use okusuri_store::{Actor, Touch};
use serde::Serialize;

use crate::{App, AppError};

/// How the access log names visits recorded by the card reader.
pub const READER_ACTOR: &str = "カードリーダー";

/// What the window shows bottom-left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReaderStatus {
    /// The switch: ON while a reader is watched.
    pub on: bool,
    /// The user wants it ON (it may be OFF for a reason).
    pub wanted: bool,
    /// The reader watched.
    pub reader: Option<String>,
    /// Why it is OFF, in Japanese.
    pub message: Option<String>,
    /// Every reader connected.
    pub readers: Vec<String>,
}

/// What the switch does with a reader event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    /// The status changed: show it.
    Status(ReaderStatus),
    /// Look this card up (someone is signed in and the switch is wanted ON).
    LookUp(String),
    /// Tell the window a card gave no IDm.
    Unreadable(String),
    /// Nothing to do.
    Nothing,
}

impl ReaderStatus {
    /// Staff turned the switch ON or OFF (signing out turns it OFF).
    pub fn switch(&mut self, on: bool) -> ReaderStatus {
        self.wanted = on;
        if !on {
            self.on = false;
            self.message = None;
            self.reader = None;
        }
        self.clone()
    }

    /// The reader service reported `event`; `signed_in` is whether a staff
    /// member is signed in on this window (no patient is shown otherwise).
    pub fn apply(&mut self, event: ReaderEvent, signed_in: bool) -> Reaction {
        match event {
            ReaderEvent::Watching { reader, readers } if self.wanted => {
                *self = ReaderStatus {
                    on: true,
                    wanted: true,
                    reader: Some(reader),
                    message: None,
                    readers,
                };
                Reaction::Status(self.clone())
            }
            ReaderEvent::Unavailable { message, readers } if self.wanted => {
                *self = ReaderStatus {
                    on: false,
                    wanted: true,
                    reader: None,
                    message: Some(message),
                    readers,
                };
                Reaction::Status(self.clone())
            }
            ReaderEvent::Card { idm, .. } if self.wanted && signed_in => Reaction::LookUp(idm),
            ReaderEvent::Unreadable { message, .. } if self.wanted && signed_in => {
                Reaction::Unreadable(message)
            }
            _ => Reaction::Nothing,
        }
    }
}

impl App {
    /// A card was touched: records the visit of its patient (audited as the
    /// card reader's), or says why not.
    pub async fn card_touched(&self, idm: &str) -> Result<Touch, AppError> {
        let actor = Actor::system(READER_ACTOR);
        Ok(self
            .store
            .card_touched(&actor, idm, self.clock.now())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watching(name: &str) -> ReaderEvent {
        ReaderEvent::Watching {
            reader: name.into(),
            readers: vec![name.into()],
        }
    }

    fn card(idm: &str) -> ReaderEvent {
        ReaderEvent::Card {
            reader: "R".into(),
            idm: idm.into(),
        }
    }

    #[test]
    fn on_watching_a_touch_is_looked_up() {
        let mut s = ReaderStatus::default();
        s.switch(true);
        assert!(!s.on, "ON only once the service watches a reader");
        let Reaction::Status(shown) = s.apply(watching("Sony RC-S380"), true) else {
            panic!("status expected");
        };
        assert!(shown.on && shown.wanted);
        assert_eq!(shown.reader.as_deref(), Some("Sony RC-S380"));
        assert_eq!(s.apply(card("0123"), true), Reaction::LookUp("0123".into()));
    }

    #[test]
    fn unplugged_is_off_with_the_reason_and_comes_back_by_itself() {
        let mut s = ReaderStatus::default();
        s.switch(true);
        s.apply(watching("R"), true);
        let Reaction::Status(off) = s.apply(
            ReaderEvent::Unavailable {
                message: "カードリーダーが接続されていません。".into(),
                readers: vec![],
            },
            true,
        ) else {
            panic!("status expected");
        };
        assert!(!off.on && off.wanted);
        assert_eq!(
            off.message.as_deref(),
            Some("カードリーダーが接続されていません。")
        );
        let Reaction::Status(back) = s.apply(watching("R"), true) else {
            panic!("status expected");
        };
        assert!(back.on && back.message.is_none());
    }

    #[test]
    fn nothing_reaches_the_window_after_sign_out_or_switching_off() {
        let mut s = ReaderStatus::default();
        s.switch(true);
        s.apply(watching("R"), true);
        assert_eq!(
            s.apply(card("0123"), false),
            Reaction::Nothing,
            "signed out"
        );
        let unreadable = ReaderEvent::Unreadable {
            reader: "R".into(),
            message: "このカードは読み取れません".into(),
        };
        assert_eq!(s.apply(unreadable, false), Reaction::Nothing);
        let off = s.switch(false);
        assert!(!off.on && !off.wanted && off.reader.is_none());
        assert_eq!(
            s.apply(card("0123"), true),
            Reaction::Nothing,
            "switched off"
        );
        assert_eq!(
            s.apply(watching("R"), true),
            Reaction::Nothing,
            "late event of the stopped service"
        );
        assert!(!s.on);
    }

    #[test]
    fn a_removed_card_changes_nothing() {
        let mut s = ReaderStatus::default();
        s.switch(true);
        s.apply(watching("R"), true);
        let before = s.clone();
        assert_eq!(
            s.apply(ReaderEvent::Removed { reader: "R".into() }, true),
            Reaction::Nothing
        );
        assert_eq!(s, before);
    }
}
