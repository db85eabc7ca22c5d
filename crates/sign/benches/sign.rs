//! Signing one prescription on a SoftHSM2 token: the whole `sign_csv`
//! (three exc-C14N digests, SignedInfo, the token's RSA operation, the check
//! of the signature against the certificate) against the token's RSA
//! operation alone — the difference is our own work (goal ≤ 50 ms).
//!
//! Run: `cargo bench -p okusuri-sign --bench sign` (needs softhsm2, opensc,
//! openssl; the token is made in a temporary folder and thrown away).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use okusuri_sign::{Cert, RawSigner, Token, TokenConfig, sign_csv};

const PIN: &str = "1234";
const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const CSV: &[u8] = include_bytes!("../../eps/tests/fixtures/prescription-sj1.csv");

fn sh(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("SOFTHSM2_CONF", dir.join("conf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn make_token(dir: &Path) {
    std::fs::create_dir_all(dir.join("tokens")).unwrap();
    std::fs::write(
        dir.join("conf"),
        format!(
            "directories.tokendir = {}\nlog.level = ERROR\n",
            dir.join("tokens").display()
        ),
    )
    .unwrap();
    sh(
        dir,
        "softhsm2-util",
        &[
            "--init-token",
            "--free",
            "--label",
            "BENCH",
            "--so-pin",
            "12345678",
            "--pin",
            PIN,
        ],
    );
    let p11 = |args: &[&str]| {
        let mut all = vec![
            "--module",
            MODULE,
            "--token-label",
            "BENCH",
            "--login",
            "--pin",
            PIN,
        ];
        all.extend_from_slice(args);
        sh(dir, "pkcs11-tool", &all);
    };
    p11(&[
        "--keypairgen",
        "--key-type",
        "rsa:2048",
        "--id",
        "01",
        "--label",
        "Private key of HPKI",
    ]);
    p11(&[
        "--read-object",
        "--type",
        "pubkey",
        "--id",
        "01",
        "-o",
        "pub.der",
    ]);
    sh(
        dir,
        "openssl",
        &[
            "pkey", "-pubin", "-inform", "DER", "-in", "pub.der", "-out", "pub.pem",
        ],
    );
    sh(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=BENCH CA",
        ],
    );
    std::fs::write(dir.join("ext"), "keyUsage=critical,nonRepudiation\n").unwrap();
    sh(
        dir,
        "openssl",
        &[
            "x509",
            "-new",
            "-force_pubkey",
            "pub.pem",
            "-subj",
            "/CN=BENCH DOCTOR",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-days",
            "2",
            "-extfile",
            "ext",
            "-outform",
            "DER",
            "-out",
            "ee.der",
        ],
    );
    p11(&[
        "--write-object",
        "ee.der",
        "--type",
        "cert",
        "--id",
        "01",
        "--label",
        "HPKI END ENTITY CERTIFICATE",
    ]);
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench() {
    let token = Token::open(&TokenConfig {
        token_label: Some("BENCH".into()),
        ..TokenConfig::hpki(MODULE)
    })
    .unwrap();
    token.login(PIN).unwrap();
    let cert = Cert::from_der(&token.certificate().unwrap()).unwrap();
    let now = chrono::Utc::now();
    let (mut whole, mut rsa) = (Vec::new(), Vec::new());
    for _ in 0..50 {
        let t = Instant::now();
        let signed = sign_csv(CSV, &cert, &token, now).unwrap();
        whole.push(t.elapsed());
        assert!(signed.contains("<ds:SignatureValue"));
        let t = Instant::now();
        token
            .sign_digest_info(&okusuri_sign::xades::digest_info(b"x"))
            .unwrap();
        rsa.push(t.elapsed());
    }
    let (w, r) = (median(whole), median(rsa));
    println!(
        "sign one prescription on SoftHSM2 (RSA-2048): whole sign_csv median {w:?}; the token's RSA operation alone {r:?}; our own work ≈ {:?} (50 rounds)",
        w.saturating_sub(r)
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::var_os("SOFTHSM2_CONF").is_some() {
        return bench();
    }
    // SoftHSM2 reads its configuration from the environment: run again with it set.
    let dir = tempfile::tempdir().unwrap();
    make_token(dir.path());
    let status = Command::new(std::env::current_exe().unwrap())
        .args(std::env::args().skip(1))
        .env("SOFTHSM2_CONF", dir.path().join("conf"))
        .status()
        .unwrap();
    assert!(status.success());
}
