//! The clinic half end to end on the real binary, a real data folder and
//! real req/res folders, against the OQS terminal simulator (run in this
//! test's process): masters, usage mapping, check → issue (paper) → status →
//! cancel, a lost answer (結果不明, never resent) and a late one reconciled.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use okusuri_eps::masters;
use okusuri_oqs_sim::{Config, Fault, History, PastMedication, Simulator};

const PASSWORD: &str = "first-pass-2026";
const CLINIC: &str = "1312345678";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../eps/tests/fixtures");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn run(data: &Path, staff: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .arg("--data-dir")
        .arg(data)
        .args(["--staff", staff])
        .args(args)
        .env("OKUSURI_PASSWORD", PASSWORD)
        .env("OKUSURI_NEW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn offline(args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

struct Clinic {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    req: PathBuf,
    res: PathBuf,
    runtime: tokio::runtime::Runtime,
    stop: Option<tokio::sync::watch::Sender<bool>>,
}

impl Clinic {
    fn new() -> Clinic {
        let tmp = tempfile::tempdir().unwrap();
        let (data, req, res) = (
            tmp.path().join("data"),
            tmp.path().join("req"),
            tmp.path().join("res"),
        );
        for d in [&data, &req, &res] {
            std::fs::create_dir_all(d).unwrap();
        }
        let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
            .arg("--data-dir")
            .arg(&data)
            .args([
                "setup",
                "--facility-id",
                "CL0001",
                "--facility-name",
                "おくすり内科クリニック",
            ])
            .args(["--admin-id", "admin", "--admin-name", "管理 太郎"])
            .env("OKUSURI_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let clinic = Clinic {
            _tmp: tmp,
            data,
            req,
            res,
            runtime,
            stop: None,
        };
        for (id, role) in [("doctor1", "doctor"), ("clerk1", "clerk")] {
            let (ok, _, err) =
                clinic.admin(&["staff", "add", id, "--name", "山田 一郎", "--role", role]);
            assert!(ok, "{err}");
        }
        clinic
    }

    fn admin(&self, args: &[&str]) -> (bool, String, String) {
        run(&self.data, "admin", args)
    }

    fn doctor(&self, args: &[&str]) -> (bool, String, String) {
        run(&self.data, "doctor1", args)
    }

    /// (Re)starts the simulator with `fault`.
    fn simulator(&mut self, fault: Option<Fault>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        let drugs =
            masters::read_drug_master(&std::fs::read(fixture("y-slice.csv")).unwrap()).unwrap();
        let usages = masters::read_usage_master(&std::fs::read(self.usage_csv()).unwrap()).unwrap();
        let history = History {
            medications: vec![PastMedication {
                date: "20261120".into(),
                yakka_code: "2233002F2022".into(), // ムコダイン: same ingredient and route
                name: "ムコダイン錠５００ｍｇ".into(),
                institution_code: "1399999999".into(),
                institution: "となり耳鼻科".into(),
                pharmacy: "みなみ薬局".into(),
            }],
            ..History::default()
        };
        let sim = Simulator::new(Config {
            req: self.req.clone(),
            res: self.res.clone(),
            operations: okusuri_oqs_sim::operations().unwrap(),
            masters: Some(masters::Masters::new(drugs, vec![], usages)),
            delay: Duration::from_millis(30),
            poll: Duration::from_millis(50),
            history,
            trusted: vec![],
        });
        sim.set_fault(fault);
        let (tx, rx) = tokio::sync::watch::channel(false);
        self.runtime.spawn(async move { sim.run(rx).await });
        self.stop = Some(tx);
    }

    /// A small MHLW-style usage master (CSV) with the codes the sample uses.
    fn usage_csv(&self) -> PathBuf {
        let path = self.data.join("../usage.csv");
        std::fs::write(
            &path,
            "用法コード,用法名称\n1013044400000000,1日3回朝昼夕食後 服用\n1050110000000000,疼痛時 服用\n2H50B10000000000,起床時 点眼\n1011000400000000,1日1回朝食後 服用\n",
        )
        .unwrap();
        path
    }

    fn configure(&self, timeout: &str) {
        let ops = self.data.join("../sim-operations.toml");
        std::fs::write(&ops, okusuri_oqs_sim::operations().unwrap().to_toml()).unwrap();
        let (ok, out, err) = self.admin(&[
            "eps",
            "config",
            "--institution",
            CLINIC,
            "--req",
            self.req.to_str().unwrap(),
            "--res",
            self.res.to_str().unwrap(),
            "--operations",
            ops.to_str().unwrap(),
            "--timeout",
            timeout,
        ]);
        assert!(ok, "{err}");
        assert!(out.contains("初期化を完了しました"), "{out}");
    }
}

impl Drop for Clinic {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// Runs `eps reconcile` until it records one late answer (it comes after a
/// second or two; a busy machine may be slower), and never more than one.
fn reconcile_finds_one(clinic: &Clinic) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (ok, out, err) = clinic.doctor(&["eps", "reconcile"]);
        assert!(ok, "{err}");
        if out.contains("遅れて届いた応答 1 件を記録しました") {
            return;
        }
        assert!(out.contains("遅れて届いた応答 0 件"), "{out}");
        assert!(
            std::time::Instant::now() < deadline,
            "the late answer was never recorded"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn parse_build_and_validate_work_on_files_alone() {
    let sample = fixture("prescription-sj1.csv");
    let (ok, out, err) = offline(&["eps", "parse", sample.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let j = tmp.path().join("p.json");
    std::fs::write(&j, &out).unwrap();
    let (ok, built, _) = offline(&["eps", "build", j.to_str().unwrap(), "--format", "sj1"]);
    assert!(ok);
    assert_eq!(
        built,
        std::fs::read(&sample).unwrap(),
        "build(parse(x)) == x"
    );
    let (ok, sym, _) = offline(&["eps", "build", j.to_str().unwrap(), "--format", "jahis10"]);
    assert!(ok && sym.starts_with(b"JAHIS10\r\n"));
    let (ok, _, err) = offline(&[
        "eps",
        "validate",
        sample.to_str().unwrap(),
        "--master",
        fixture("y-slice.csv").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    // CRLF and a missing drug code: exit 1, each problem on its own line.
    let bad = tmp.path().join("bad.csv");
    let text = std::fs::read_to_string(&sample)
        .unwrap()
        .replace("610406387", "610406388")
        .replace('\n', "\r\n");
    std::fs::write(&bad, text).unwrap();
    let (ok, out, err) = offline(&[
        "eps",
        "validate",
        bad.to_str().unwrap(),
        "--master",
        fixture("y-slice.csv").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("EPSB0052E"), "{err}");
    assert!(
        err.contains("薬品コード 610406388 は医薬品マスターにありません"),
        "{err}"
    );
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("件の問題があります"), "{out}");
}

#[test]
fn a_day_at_the_clinic_against_the_simulator() {
    let mut clinic = Clinic::new();
    clinic.configure("10");
    clinic.simulator(None);
    // Masters: imported with counts; a broken file is refused and the master stays.
    let (ok, out, err) = clinic.admin(&[
        "masters",
        "import",
        "drug",
        fixture("y-slice.csv").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("医薬品マスターを 8 件取り込みました"), "{out}");
    let short = clinic.data.join("../short.csv");
    std::fs::write(&short, "0,Y,610406079,7,ガスター散２％\n").unwrap();
    let (ok, _, err) = clinic.admin(&["masters", "import", "drug", short.to_str().unwrap()]);
    assert!(
        !ok && err.contains("1行目の項目が 5 個しかありません"),
        "{err}"
    );
    let (_, out, _) = clinic.admin(&["masters", "list"]);
    assert!(out.contains("drug\t8 件\ty-slice.csv"), "{out}");
    let (ok, _, err) = clinic.admin(&[
        "masters",
        "import",
        "usage",
        clinic.usage_csv().to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let (_, out, _) = clinic.admin(&["masters", "search", "ムコダイン"]);
    assert!(
        out.contains("610407447\t2233002F2022\tムコダイン錠５００ｍｇ\t錠"),
        "{out}"
    );

    // A prescription whose RP 1 uses the clinic's own wording: blocked until mapped.
    let rx = clinic.data.join("../rx.csv");
    let sample = std::fs::read_to_string(fixture("prescription-sj1.csv")).unwrap();
    std::fs::write(
        &rx,
        sample.replace(
            "111,1,3,1013044400000000,1日3回朝昼夕食後 服用,3",
            "111,1,1,,毎食後,3",
        ),
    )
    .unwrap();
    let (ok, _, err) = clinic.doctor(&["eps", "check", rx.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("用法「毎食後」に標準の用法コードがありません"),
        "{err}"
    );
    assert!(err.contains("何も送っていません"), "{err}");
    let (_, out, _) = clinic.doctor(&["usage", "candidates", "毎食後"]);
    assert!(
        out.lines().next().unwrap().starts_with("1013044400000000"),
        "{out}"
    );
    let (ok, _, err) = clinic.doctor(&["usage", "map", "毎食後", "9999999999999999"]);
    assert!(!ok && err.contains("用法マスタにありません"), "{err}");
    let (ok, _, err) = clinic.doctor(&["usage", "map", "毎食後", "1013044400000000"]);
    assert!(ok, "{err}");

    // Only a doctor sends.
    let (ok, _, err) = run(
        &clinic.data,
        "clerk1",
        &["eps", "check", rx.to_str().unwrap()],
    );
    assert!(!ok && err.contains("医師だけ"), "{err}");

    // 重複投薬等チェック: ムコダイン was dispensed elsewhere; no consent → event only.
    let (ok, out, err) = clinic.doctor(&["eps", "check", rx.to_str().unwrap()]);
    assert!(ok, "{err}");
    let check = json(&out)["check"].clone();
    assert_eq!(check["found"], true);
    assert_eq!(check["messages"][0]["category"], "重複");
    assert_eq!(check["messages"][0]["past_institution"], "");

    // 発行 (paper), 状態, 取消.
    let (ok, out, err) = clinic.doctor(&["eps", "issue", rx.to_str().unwrap()]);
    assert!(ok, "{err}");
    let reg = json(&out);
    assert_eq!(reg["registered"], true);
    let pid = reg["prescription_id"].as_str().unwrap().to_string();
    assert!(
        err.contains(&format!(
            "引換番号 {}",
            reg["access_code"].as_str().unwrap()
        )),
        "{err}"
    );
    let (ok, out, _) = clinic.doctor(&["eps", "status", &pid]);
    assert!(ok);
    assert_eq!(
        json(&out)["state"]["sentence"],
        "薬局にて受付されていません。"
    );
    // 発行済み一覧 carries the patient, the drugs and the state last reported.
    let (_, out, _) = clinic.doctor(&["eps", "issued", "--query", &pid]);
    let row = json(&out)[0].clone();
    assert_eq!(
        (&row["patient_name"], &row["issue_type"], &row["stage"]),
        (
            &serde_json::json!("鈴木　花子"),
            &serde_json::json!("paper"),
            &serde_json::json!("not_received")
        ),
        "{out}"
    );
    assert!(
        row["summary"]
            .as_str()
            .unwrap()
            .starts_with("ハイペン錠１００ｍｇ、ムコダイン錠５００ｍｇ"),
        "{out}"
    );
    // The paper 処方箋: the 引換番号 in its text, and its 2D symbol read back
    // by zbarimg is the prescription (JAHIS CSV in Shift_JIS).
    let pdf = clinic.data.join("../paper.pdf");
    let (ok, out, err) = clinic.doctor(&["eps", "print", &pid, "-o", pdf.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(json(&out)["kind"], "paper");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains(reg["access_code"].as_str().unwrap()) && text.contains("ｽｽﾞｷ ﾊﾅｺ"),
        "{text}"
    );
    let png = clinic.data.join("../paper");
    assert!(
        std::process::Command::new("pdftoppm")
            .args(["-r", "300", "-png", "-singlefile"])
            .arg(&pdf)
            .arg(&png)
            .status()
            .unwrap()
            .success()
    );
    let symbol = std::process::Command::new("zbarimg")
        .args(["--raw", "--oneshot", "-Sbinary", "-q"])
        .arg(clinic.data.join("../paper.png"))
        .output()
        .unwrap();
    assert!(symbol.status.success(), "zbarimg found no symbol");
    let mut data = symbol.stdout;
    if data.ends_with(b"\n") && !data.ends_with(b"\r\n") {
        data.pop(); // zbarimg's own line end
    }
    assert!(
        data.starts_with(b"JAHIS10\r\n"),
        "{:?}",
        &data[..data.len().min(20)]
    );
    let read = okusuri_eps::prescription::parse(&data).unwrap();
    assert_eq!(read.prescription.patient.name, "鈴木　花子");
    assert_eq!(read.prescription.rps.len(), 3);
    assert_eq!(
        read.prescription.rps[0].drugs[0].name,
        "ハイペン錠１００ｍｇ"
    );
    let (ok, _, err) = clinic.doctor(&["eps", "cancel", &pid]);
    assert!(ok, "{err}");
    let (_, out, _) = clinic.doctor(&["eps", "issued", "--query", "ｽｽﾞｷ"]);
    assert_eq!(json(&out)[0]["stage"], "cancelled", "{out}");
    let (_, out, _) = clinic.doctor(&["eps", "status", &pid]);
    assert_eq!(json(&out)["state"]["stage"], "Cancelled");

    // The terminal stops answering: 結果不明, recorded, not resent.
    clinic.configure("1");
    clinic.simulator(Some(Fault::NoAnswer));
    std::thread::sleep(Duration::from_millis(200));
    let (ok, _, err) = clinic.doctor(&["eps", "issue", rx.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("[eps.unknown]") && err.contains("結果不明です（自動では再送しません）"),
        "{err}"
    );
    let (_, out, _) = clinic.doctor(&["eps", "journal", "--unknown"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("register\t結果不明"), "{out}");
    // A late answer is picked up by reconcile, nothing is sent again.
    clinic.simulator(Some(Fault::Late(Duration::from_millis(1500))));
    std::thread::sleep(Duration::from_millis(200));
    let (ok, _, _) = clinic.doctor(&["eps", "issue", rx.to_str().unwrap()]);
    assert!(!ok);
    reconcile_finds_one(&clinic);
    let (_, out, _) = clinic.doctor(&["eps", "journal"]);
    let registers: Vec<&str> = out.lines().filter(|l| l.contains("\tregister\t")).collect();
    assert_eq!(
        registers.len(),
        3,
        "three registrations asked for, three sent: {out}"
    );
    assert_eq!(
        registers.iter().filter(|l| l.contains("結果不明")).count(),
        1,
        "{out}"
    );
    assert_eq!(
        std::fs::read_dir(&clinic.req).unwrap().count(),
        0,
        "nothing left waiting in req"
    );

    // The app stops while it waits (killed): the request stays 応答待ち; once
    // past the timeout, reconcile records the answer that came meanwhile.
    clinic.configure("2");
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .arg("--data-dir")
        .arg(&clinic.data)
        .args(["--staff", "doctor1", "eps", "issue", rx.to_str().unwrap()])
        .env("OKUSURI_PASSWORD", PASSWORD)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !clinic
        .doctor(&["eps", "journal"])
        .1
        .lines()
        .any(|l| l.contains("応答待ち"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the request was never sent"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    waiting.kill().unwrap();
    let _ = waiting.wait();
    reconcile_finds_one(&clinic);
    let (_, out, _) = clinic.doctor(&["eps", "journal"]);
    assert!(!out.contains("応答待ち"), "{out}");

    // The link at a glance: nothing waiting, the one 結果不明 request.
    let (ok, out, _) = clinic.doctor(&["eps", "link"]);
    assert!(ok, "{out}");
    let link = json(&out);
    assert_eq!(
        (link["waiting"].as_i64(), link["unknown"].as_i64()),
        (Some(0), Some(1)),
        "{out}"
    );

    // The req folder is gone (a dropped share): nothing sent, said so, the journal intact.
    std::fs::remove_dir_all(&clinic.req).unwrap();
    let (ok, _, err) = clinic.doctor(&["eps", "issue", rx.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("[eps.unreachable]") && err.contains("要求は送っていません"),
        "{err}"
    );
    let (_, out, _) = clinic.doctor(&["eps", "journal"]);
    assert!(
        out.lines().next().unwrap().contains("register\t未送信"),
        "{out}"
    );
    assert_eq!(
        out.lines().count(),
        9,
        "the earlier requests are all still there: {out}"
    );
    let mut ids: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("\tregister\t応答あり\t"))
        .map(|l| l.split('\t').nth(3).unwrap())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        (n, ids.len()),
        (3, 3),
        "one prescription ID per registration: {out}"
    );
    let (ok, out, _) = clinic.doctor(&["eps", "link"]);
    assert!(!ok);
    assert_eq!(json(&out)["req_writable"], false);
}
