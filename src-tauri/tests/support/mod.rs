//! A tiny HTTP/1.1 update server on 127.0.0.1 and a minisign key pair in the
//! format `tauri signer` writes: shared by the updater tests and benchmark.

#![allow(clippy::unwrap_used, dead_code, missing_docs)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;

/// What the server answers on one path.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    /// Send the body in this many pieces, pausing between them.
    pub pieces: usize,
    /// The pause between two pieces.
    pub pause: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            body: body.into(),
            pieces: 1,
            pause: Duration::ZERO,
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: Vec::new(),
            pieces: 1,
            pause: Duration::ZERO,
        }
    }
}

/// A tiny HTTP/1.1 server: fixed replies by path; records what was asked.
pub struct Server {
    pub base: String,
    replies: Arc<Mutex<HashMap<String, Reply>>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let replies: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let asked: Arc<Mutex<Vec<String>>> = Arc::default();
        let (r, a) = (replies.clone(), asked.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, a) = (r.clone(), a.clone());
                std::thread::spawn(move || serve(stream, &r, &a));
            }
        });
        Server {
            base,
            replies,
            asked,
        }
    }

    pub fn reply(&self, path: &str, reply: Reply) {
        self.replies.lock().unwrap().insert(path.into(), reply);
    }

    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, replies: &Mutex<HashMap<String, Reply>>, asked: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    asked.lock().unwrap().push(path.clone());
    let route = path.split('?').next().unwrap_or("/").to_owned();
    let reply = replies
        .lock()
        .unwrap()
        .get(&route)
        .cloned()
        .unwrap_or(Reply::status(404));
    let mut out = stream;
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.flush();
    let size = reply.body.len().div_ceil(reply.pieces.max(1)).max(1);
    for piece in reply.body.chunks(size) {
        if out.write_all(piece).and_then(|()| out.flush()).is_err() {
            return;
        }
        std::thread::sleep(reply.pause);
    }
}

/// A key pair and signatures in the format `tauri signer` writes.
pub struct Keys {
    pair: minisign::KeyPair,
}

impl Keys {
    pub fn new() -> Keys {
        Keys {
            pair: minisign::KeyPair::generate_unencrypted_keypair().unwrap(),
        }
    }

    /// The config's `pubkey`: base64 of the `.pub` file.
    pub fn pubkey(&self) -> String {
        let text = self.pair.pk.to_box().unwrap().to_string();
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    /// The manifest's `signature`: base64 of the `.sig` file, signed for `version`.
    pub fn sign(&self, bytes: &[u8], version: &str) -> String {
        let comment = format!("timestamp:1796356021\tfile:okusuri.msi\tversion:{version}");
        let sig = minisign::sign(
            Some(&self.pair.pk),
            &self.pair.sk,
            bytes,
            Some(&comment),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        base64::engine::general_purpose::STANDARD.encode(sig.to_string())
    }
}
