//! `okusuri-vcard [--port P]`: test support, not shipped. Reads commands on
//! stdin, one per line, and answers `ok` or `error: …` on stdout:
//! `insert IDM` (16 hex digits), `insert-other` (not FeliCa), `remove`, `quit`.

use std::io::{BufRead, Write};

use okusuri_vcard::{Kind, VirtualCard, parse_idm};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut port: u16 = 35963;
    while let Some(arg) = args.next() {
        if arg == "--port" {
            port = args.next().and_then(|p| p.parse().ok()).unwrap_or(port);
        }
    }
    let mut card: Option<VirtualCard> = None;
    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let mut words = line.split_whitespace();
        let reply = match (words.next(), words.next()) {
            (Some("insert"), Some(idm)) => match parse_idm(idm) {
                Some(idm) => put(&mut card, port, Kind::Felica(idm)),
                None => "error: IDm must be 16 hex digits".to_string(),
            },
            (Some("insert-other"), _) => put(&mut card, port, Kind::Other),
            (Some("remove"), _) => {
                if let Some(c) = card.take() {
                    c.remove();
                }
                "ok".to_string()
            }
            (Some("quit"), _) => break,
            _ => format!("error: unknown command: {line}"),
        };
        let mut out = stdout.lock();
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
}

fn put(card: &mut Option<VirtualCard>, port: u16, kind: Kind) -> String {
    if let Some(old) = card.take() {
        old.remove();
    }
    match VirtualCard::insert(port, kind) {
        Ok(c) => {
            *card = Some(c);
            "ok".to_string()
        }
        Err(e) => format!("error: {e}"),
    }
}
