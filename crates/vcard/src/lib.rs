//! Test support, not part of the product: a virtual contactless card for
//! `vsmartcard-vpcd`, the virtual reader driver of `pcscd`.
//!
//! vpcd listens on TCP (35963 for its first reader, 35964 for the second);
//! a card "is inserted" by connecting and "removed" by closing the
//! connection. Every message is a 2-byte big-endian length and its bytes.
//! One-byte messages from vpcd are control codes (0 power off, 1 power on,
//! 2 reset, 4 send the ATR); anything else is a command APDU to answer.
//!
//! A FeliCa card looks to PC/SC the way a Sony RC-S380 presents one: a
//! PC/SC part 3 storage-card ATR, and `FF CA 00 00 00` (GET DATA, UID)
//! answered with the 8-byte IDm and `90 00`. The other kind answers that
//! command with `6A 81` (not supported), as a contact card would.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

/// The ATR a PC/SC reader reports for a FeliCa card (card name 0x003B).
pub const FELICA_ATR: [u8; 20] = [
    0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x11, 0x00, 0x3B, 0x00,
    0x00, 0x00, 0x00, 0x42,
];

/// A contact card's ATR (for the card that is not FeliCa).
pub const OTHER_ATR: [u8; 11] = [
    0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x80,
];

/// What the card is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A FeliCa card with this IDm.
    Felica([u8; 8]),
    /// A card that does not answer GET DATA (UID).
    Other,
}

impl Kind {
    fn atr(&self) -> &'static [u8] {
        match self {
            Kind::Felica(_) => &FELICA_ATR,
            Kind::Other => &OTHER_ATR,
        }
    }

    /// The card's answer to a command APDU.
    pub fn answer(&self, apdu: &[u8]) -> Vec<u8> {
        match self {
            Kind::Felica(idm) if apdu.starts_with(&[0xFF, 0xCA, 0x00, 0x00]) => {
                let mut r = idm.to_vec();
                r.extend([0x90, 0x00]);
                r
            }
            _ => vec![0x6A, 0x81],
        }
    }
}

/// Parses an IDm written as 16 hex digits.
pub fn parse_idm(text: &str) -> Option<[u8; 8]> {
    let text = text.trim();
    if text.len() != 16 {
        return None;
    }
    let mut idm = [0u8; 8];
    for (i, byte) in idm.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(idm)
}

/// A card on a vpcd reader; removed when dropped.
pub struct VirtualCard {
    stream: TcpStream,
    thread: Option<JoinHandle<()>>,
}

fn read_message(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len)?;
    let mut data = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut data)?;
    Ok(data)
}

fn write_message(stream: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(data.len()).unwrap_or(u16::MAX).to_be_bytes();
    stream.write_all(&len)?;
    stream.write_all(data)
}

fn serve(mut stream: TcpStream, kind: Kind) {
    while let Ok(message) = read_message(&mut stream) {
        let reply = match message.as_slice() {
            [4] => Some(kind.atr().to_vec()),
            [0..=3] => None, // power off / on / reset: no answer
            apdu => Some(kind.answer(apdu)),
        };
        if let Some(reply) = reply
            && write_message(&mut stream, &reply).is_err()
        {
            return;
        }
    }
}

impl VirtualCard {
    /// Puts a card on the vpcd reader listening on `port` (35963, 35964, …).
    pub fn insert(port: u16, kind: Kind) -> std::io::Result<VirtualCard> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(None)?;
        let served = stream.try_clone()?;
        let thread = std::thread::spawn(move || serve(served, kind));
        Ok(VirtualCard {
            stream,
            thread: Some(thread),
        })
    }

    /// Takes the card off the reader.
    pub fn remove(mut self) {
        self.close();
    }

    fn close(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        self.close();
    }
}

/// How long vpcd needs to notice a card came or went (it polls its socket).
pub const SETTLE: Duration = Duration::from_millis(300);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn felica_answers_get_uid_with_the_idm() {
        let idm = parse_idm("0123456789abcdef").unwrap();
        let card = Kind::Felica(idm);
        assert_eq!(
            card.answer(&[0xFF, 0xCA, 0, 0, 0]),
            vec![1, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x90, 0x00]
        );
        assert_eq!(card.answer(&[0x00, 0xA4, 4, 0]), vec![0x6A, 0x81]);
        assert_eq!(Kind::Other.answer(&[0xFF, 0xCA, 0, 0, 0]), vec![0x6A, 0x81]);
        assert_eq!(parse_idm("xyz"), None);
    }
}
