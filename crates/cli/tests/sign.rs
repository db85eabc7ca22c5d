//! Signing on real parts: a SoftHSM2 token made by the test (never a
//! committed key), the real `okusuri sign`/`okusuri verify`, `xmlsec1` as
//! the independent verifier, and the simulator's registration accepting our
//! signed 電子処方箋 and refusing a tampered one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use okusuri_eps::calls::{Call, IssueType, Registered};
use okusuri_oqs::{Exchange, Folders, Timing};
use okusuri_oqs_sim::{Config, History, Simulator};

/// Distinctive, so that a search of the data folder for it cannot hit by chance.
const PIN: &str = "hpki-pin-5713";
const SAMPLE: &str = include_str!("../../eps/tests/fixtures/prescription-sj1.csv");

fn module() -> String {
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    ]
    .iter()
    .find(|p| Path::new(p).exists())
    .expect("SoftHSM2 is installed (scripts/setup-debian.sh)")
    .to_string()
}

fn ok(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A SoftHSM2 token with an RSA key made on it and a certificate from a throwaway CA.
struct TestToken {
    dir: tempfile::TempDir,
    conf: PathBuf,
}

impl TestToken {
    fn new() -> TestToken {
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir_all(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        let t = TestToken { dir, conf };
        // The CA.
        t.run(
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
                "30",
                "-subj",
                "/C=JP/O=TEST ONLY/CN=TEST CA (okusuri tests)",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        t.token("HPKI-TEST", "nonRepudiation", "TEST DOCTOR");
        t.token("AUTH-TEST", "digitalSignature", "TEST DOCTOR AUTH");
        t
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let out = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .env("SOFTHSM2_CONF", &self.conf)
            .output();
        ok(out.unwrap_or_else(|e| panic!("{program}: {e}")), program)
    }

    /// A token `label` whose key's certificate has `usage`.
    fn token(&self, label: &str, usage: &str, cn: &str) {
        self.run(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                "12345678",
                "--pin",
                PIN,
            ],
        );
        let m = module();
        let p11 = |args: &[&str]| {
            let mut all = vec![
                "--module",
                m.as_str(),
                "--token-label",
                label,
                "--login",
                "--pin",
                PIN,
            ];
            all.extend_from_slice(args);
            self.run("pkcs11-tool", &all);
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
            &format!("{label}.pub.der"),
        ]);
        self.run(
            "openssl",
            &[
                "pkey",
                "-pubin",
                "-inform",
                "DER",
                "-in",
                &format!("{label}.pub.der"),
                "-out",
                &format!("{label}.pub.pem"),
            ],
        );
        std::fs::write(
            self.path(&format!("{label}.ext")),
            format!("keyUsage=critical,{usage}\nbasicConstraints=critical,CA:FALSE\n"),
        )
        .unwrap();
        self.run(
            "openssl",
            &[
                "x509",
                "-new",
                "-force_pubkey",
                &format!("{label}.pub.pem"),
                "-subj",
                &format!("/C=JP/O=TEST ONLY/CN={cn}"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-days",
                "30",
                "-extfile",
                &format!("{label}.ext"),
                "-outform",
                "DER",
                "-out",
                &format!("{label}.cert.der"),
            ],
        );
        p11(&[
            "--write-object",
            &format!("{label}.cert.der"),
            "--type",
            "cert",
            "--id",
            "01",
            "--label",
            "HPKI END ENTITY CERTIFICATE",
        ]);
    }

    fn sign(&self, label: &str, pin: &str, input: &Path, output: &Path) -> Output {
        Command::new(env!("CARGO_BIN_EXE_okusuri"))
            .args(["sign", "--module", &module(), "--label", label])
            .arg(input)
            .arg("-o")
            .arg(output)
            .env("SOFTHSM2_CONF", &self.conf)
            .env("OKUSURI_PIN", pin)
            .output()
            .unwrap()
    }
}

fn xmlsec1_verifies(ca: &Path, file: &Path) -> bool {
    Command::new("xmlsec1")
        .args([
            "--verify",
            "--id-attr:id",
            "PrescriptionDocument",
            "--trusted-pem",
        ])
        .arg(ca)
        .arg(file)
        .output()
        .expect("xmlsec1 is installed")
        .status
        .success()
}

fn okusuri_verifies(ca: &Path, file: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .arg("verify")
        .arg(file)
        .arg("--ca")
        .arg(ca)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_prescription_signed_on_a_token_verifies_in_xmlsec1_and_in_okusuri() {
    let t = TestToken::new();
    let unsigned = t.path("unsigned.xml");
    std::fs::write(
        &unsigned,
        okusuri_eps::prescription::document_xml(SAMPLE.as_bytes(), None),
    )
    .unwrap();
    let signed = t.path("signed.xml");
    let out = ok(t.sign("HPKI-TEST", PIN, &unsigned, &signed), "sign");
    assert!(String::from_utf8_lossy(&out.stderr).contains("署名しました（"));
    let ca = t.path("ca.pem");
    assert!(
        xmlsec1_verifies(&ca, &signed),
        "xmlsec1 verifies our signature"
    );
    let (good, msg) = okusuri_verifies(&ca, &signed);
    assert!(good, "{msg}");
    assert!(msg.contains("TEST DOCTOR"), "{msg}");
    // The same CSV came through, byte for byte.
    let doc = okusuri_eps::prescription::parse_document(&std::fs::read(&signed).unwrap()).unwrap();
    assert_eq!(doc.csv, SAMPLE.as_bytes());
    // Tampered: 14日分 → 28日分 inside the Base64 CSV.
    let text = std::fs::read_to_string(&signed).unwrap();
    let b64 = |s: &str| okusuri_eps::prescription::document_xml(s.as_bytes(), None);
    let (old_doc, new_doc) = (
        b64(SAMPLE),
        b64(&SAMPLE.replace("101,1,1,,14", "101,1,1,,28")),
    );
    let cut =
        |d: &str| d[d.find("\">").unwrap()..d.find("</PrescriptionDocument>").unwrap()].to_string();
    let tampered = t.path("tampered.xml");
    std::fs::write(
        &tampered,
        text.replace(
            &cut(&old_doc[old_doc.find("<PrescriptionDocument").unwrap()..]),
            &cut(&new_doc[new_doc.find("<PrescriptionDocument").unwrap()..]),
        ),
    )
    .unwrap();
    assert_ne!(
        std::fs::read(&tampered).unwrap(),
        std::fs::read(&signed).unwrap()
    );
    assert!(!xmlsec1_verifies(&ca, &tampered));
    let (good, msg) = okusuri_verifies(&ca, &tampered);
    assert!(
        !good && msg.contains("内容が署名の後に変わっています"),
        "{msg}"
    );

    // The simulator's registration accepts the signed one and refuses the tampered one.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (req, res) = (t.path("req"), t.path("res"));
        std::fs::create_dir_all(&req).unwrap();
        std::fs::create_dir_all(&res).unwrap();
        let ops = okusuri_oqs_sim::operations().unwrap();
        let ca_cert = okusuri_sign::Cert::from_pem(&std::fs::read_to_string(&ca).unwrap()).unwrap();
        let sim = Simulator::new(Config {
            req: req.clone(),
            res: res.clone(),
            operations: ops.clone(),
            masters: None,
            delay: Duration::from_millis(10),
            poll: Duration::from_millis(50),
            history: History::default(),
            trusted: vec![ca_cert],
        });
        let (stop, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move { sim.run(rx).await });
        let ex = Exchange::new(
            Folders { req, res },
            Timing {
                timeout: Duration::from_secs(10),
                poll: Duration::from_millis(100),
                events: true,
            },
        );
        for (id, file, accepted) in [("S1", &signed, true), ("S2", &tampered, false)] {
            let xml = std::fs::read_to_string(file).unwrap();
            let call = Call::Register {
                prescription_info: okusuri_eps::prescription::prescription_info(&xml),
                issue_type: IssueType::Electronic,
            };
            let (name, bytes) = call.request(&ops, "1312345678", id).unwrap();
            ex.write_request(&name, &bytes).unwrap();
            let answer = ex.wait(&name, "1312345678", id).await.unwrap();
            assert_eq!(
                Registered::from_response(&answer.response).is_some(),
                accepted,
                "{:?}",
                answer.response.problems()
            );
            if !accepted {
                assert!(
                    answer
                        .response
                        .problems()
                        .iter()
                        .any(|p| p.contains("署名を確認できません")),
                    "{:?}",
                    answer.response.problems()
                );
            }
        }
        let _ = stop.send(true);
    });
}

#[test]
fn a_wrong_pin_and_an_authentication_certificate_are_refused_with_the_reason() {
    let t = TestToken::new();
    let unsigned = t.path("unsigned.xml");
    std::fs::write(
        &unsigned,
        okusuri_eps::prescription::document_xml(SAMPLE.as_bytes(), None),
    )
    .unwrap();
    let out = t.sign("HPKI-TEST", "9999", &unsigned, &t.path("x.xml"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PIN が違います"), "{err}");
    // The token now reports wrong tries (CKF_USER_PIN_COUNT_LOW): said before and after the next PIN.
    assert!(
        err.contains("残り回数が少なくなっている可能性があります"),
        "{err}"
    );
    assert!(!t.path("x.xml").exists(), "nothing written");
    let out = t.sign("HPKI-TEST", PIN, &unsigned, &t.path("x.xml"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("PIN の入力を間違えた記録があります"),
        "{err}"
    );
    let out = t.sign("AUTH-TEST", PIN, &unsigned, &t.path("y.xml"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("電子署名用（否認防止 nonRepudiation）ではありません"),
        "{err}"
    );
    let out = t.sign("NO-SUCH-TOKEN", PIN, &unsigned, &t.path("z.xml"));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("トークン「NO-SUCH-TOKEN」が見つかりません")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .args(["sign", "--module", "/nonexistent/HpkiSigP11_MPKCS11H.dll"])
        .arg(&unsigned)
        .env("OKUSURI_PIN", PIN)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("PKCS#11 モジュール /nonexistent/HpkiSigP11_MPKCS11H.dll がありません")
    );
}

fn okusuri(data: &Path, staff: &str, t: &TestToken, pin: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .arg("--data-dir")
        .arg(data)
        .args(["--staff", staff])
        .args(args)
        .env("OKUSURI_PASSWORD", "first-pass-2026")
        .env("OKUSURI_NEW_PASSWORD", "first-pass-2026")
        .env("SOFTHSM2_CONF", &t.conf)
        .env("OKUSURI_PIN", pin)
        .output()
        .unwrap()
}

fn sqlite(db: &Path, sql: &str) -> String {
    let out = ok(
        Command::new("sqlite3").arg(db).arg(sql).output().unwrap(),
        "sqlite3",
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_doctor_authenticates_with_the_card_and_issues_a_signed_prescription() {
    let t = TestToken::new();
    let data = t.path("data");
    std::fs::create_dir_all(&data).unwrap();
    ok(
        Command::new(env!("CARGO_BIN_EXE_okusuri"))
            .arg("--data-dir")
            .arg(&data)
            .args([
                "setup",
                "--facility-id",
                "CL0001",
                "--facility-name",
                "おくすり内科",
                "--admin-id",
                "admin",
                "--admin-name",
                "管理 太郎",
            ])
            .env("OKUSURI_PASSWORD", "first-pass-2026")
            .output()
            .unwrap(),
        "setup",
    );
    ok(
        okusuri(
            &data,
            "admin",
            &t,
            "",
            &[
                "staff",
                "add",
                "doctor1",
                "--name",
                "山田 一郎",
                "--role",
                "doctor",
            ],
        ),
        "staff add",
    );
    let (req, res) = (t.path("req"), t.path("res"));
    std::fs::create_dir_all(&req).unwrap();
    std::fs::create_dir_all(&res).unwrap();
    let ops = t.path("ops.toml");
    std::fs::write(&ops, okusuri_oqs_sim::operations().unwrap().to_toml()).unwrap();
    let (r, s, o) = (
        req.to_str().unwrap(),
        res.to_str().unwrap(),
        ops.to_str().unwrap(),
    );
    ok(
        okusuri(
            &data,
            "admin",
            &t,
            "",
            &[
                "eps",
                "config",
                "--institution",
                "1312345678",
                "--req",
                r,
                "--res",
                s,
                "--operations",
                o,
                "--timeout",
                "10",
            ],
        ),
        "config",
    );
    let m = module();
    ok(
        okusuri(
            &data,
            "admin",
            &t,
            "",
            &[
                "eps",
                "signing",
                "--method",
                "hpki",
                "--module",
                &m,
                "--token-label",
                "HPKI-TEST",
            ],
        ),
        "signing",
    );
    let rx = t.path("rx.csv");
    std::fs::write(&rx, SAMPLE).unwrap();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../eps/tests/fixtures");
    let usage = t.path("usage.csv");
    std::fs::write(&usage, "用法コード,用法名称\n1013044400000000,1日3回朝昼夕食後 服用\n1050110000000000,疼痛時 服用\n2H50B10000000000,起床時 点眼\n").unwrap();
    for (kind, file) in [
        ("drug", format!("{fixtures}/y-slice.csv")),
        ("generic", format!("{fixtures}/ippan-slice.csv")),
        ("usage", usage.display().to_string()),
    ] {
        ok(
            okusuri(&data, "admin", &t, "", &["masters", "import", kind, &file]),
            "masters import",
        );
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let ca_cert =
        okusuri_sign::Cert::from_pem(&std::fs::read_to_string(t.path("ca.pem")).unwrap()).unwrap();
    let sim = Simulator::new(Config {
        req,
        res,
        operations: okusuri_oqs_sim::operations().unwrap(),
        masters: None,
        delay: Duration::from_millis(10),
        poll: Duration::from_millis(50),
        history: History::default(),
        trusted: vec![ca_cert],
    });
    let (stop, rx_stop) = tokio::sync::watch::channel(false);
    let runner = sim.clone();
    rt.spawn(async move { runner.run(rx_stop).await });

    // A wrong PIN: refused, logged (without the PIN), nothing sent.
    let out = okusuri(
        &data,
        "doctor1",
        &t,
        "0000-wrong",
        &["eps", "issue", rx.to_str().unwrap(), "--electronic"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[auth.failed] PIN が違います"), "{err}");
    // The right PIN: authenticated, signed, registered as 電子処方箋.
    let out = ok(
        okusuri(
            &data,
            "doctor1",
            &t,
            PIN,
            &["eps", "issue", rx.to_str().unwrap(), "--electronic"],
        ),
        "issue",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("医師の認証: ") && err.contains("TEST DOCTOR"),
        "{err}"
    );
    assert!(err.contains("引換番号 "), "{err}");
    // The 処方箋控え: the service's own PDF (the simulator's names the prescription).
    let issued: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pid = issued["prescription_id"].as_str().unwrap().to_string();
    let copy = t.path("copy.pdf");
    let printed = ok(
        okusuri(
            &data,
            "doctor1",
            &t,
            "",
            &["eps", "print", &pid, "-o", copy.to_str().unwrap()],
        ),
        "print",
    );
    let printed: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(
        (&printed["kind"], &printed["from_service"]),
        (&serde_json::json!("copy"), &serde_json::json!(true))
    );
    let text = Command::new("pdftotext")
        .arg(&copy)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("prescription copy") && text.contains(&pid),
        "{text}"
    );
    assert!(
        sim.log().iter().any(|l| l.contains("PrescriptionId=")),
        "{:?}",
        sim.log()
    );
    let _ = stop.send(true);

    let db = data.join("okusuri.db");
    let events = sqlite(
        &db,
        "SELECT group_concat(event, ' ') FROM access_log WHERE event IN ('doctor_authenticated','doctor_auth_failed','prescription_signed')",
    );
    assert_eq!(
        events,
        "doctor_auth_failed doctor_authenticated prescription_signed"
    );
    let sent = sqlite(
        &db,
        "SELECT count(*) FROM eps_request WHERE operation = 'register' AND succeeded = 1",
    );
    assert_eq!(sent, "1");
    // No PIN anywhere in the data folder (database, WAL, backups, logs).
    for entry in walk(&data) {
        let bytes = std::fs::read(&entry).unwrap();
        for secret in [PIN, "0000-wrong", "first-pass-2026"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} found in {}",
                entry.display()
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}
