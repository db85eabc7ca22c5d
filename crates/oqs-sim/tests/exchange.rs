//! The exchange against the simulator through real folders: check → issue
//! (paper, unsigned) → status → cancel, and each fault ending in the state
//! and message a doctor would expect.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::time::Duration;

use okusuri_eps::calls::{Call, CheckOutcome, IssueType, PrescriptionState, Registered, Stage};
use okusuri_eps::masters::{self, Masters};
use okusuri_eps::prescription;
use okusuri_eps::{Operations, Response};
use okusuri_oqs::{Exchange, Folders, OqsError, Timing};
use okusuri_oqs_sim::{Config, Fault, History, PastMedication, Simulator};

const CLINIC: &str = "1312345678";
const SAMPLE: &str = include_str!("../../eps/tests/fixtures/prescription-sj1.csv");

struct Rig {
    _dir: tempfile::TempDir,
    sim: Simulator,
    exchange: Exchange,
    ops: Operations,
    stop: tokio::sync::watch::Sender<bool>,
}

fn masters() -> Masters {
    let drugs =
        masters::read_drug_master(include_bytes!("../../eps/tests/fixtures/y-slice.csv")).unwrap();
    let generics =
        masters::read_generic_master(include_bytes!("../../eps/tests/fixtures/ippan-slice.csv"))
            .unwrap();
    let mut usages = masters::read_usage_master(include_bytes!(
        "../../eps/tests/fixtures/jami-usage-codes.json"
    ))
    .unwrap();
    for (code, name) in [
        ("2H50B10000000000", "起床時 点眼"),
        ("1050110000000000", "疼痛時 服用"),
    ] {
        usages.push(masters::UsageRow {
            code: code.into(),
            name: name.into(),
        });
    }
    Masters::new(drugs, generics, usages)
}

fn rig(timeout: Duration, history: History) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let (req, res) = (dir.path().join("req"), dir.path().join("res"));
    std::fs::create_dir_all(&req).unwrap();
    std::fs::create_dir_all(&res).unwrap();
    let ops = okusuri_oqs_sim::operations().unwrap();
    let sim = Simulator::new(Config {
        req: req.clone(),
        res: res.clone(),
        operations: ops.clone(),
        masters: Some(masters()),
        delay: Duration::from_millis(20),
        poll: Duration::from_millis(50),
        history,
        trusted: vec![],
    });
    let (stop, rx) = tokio::sync::watch::channel(false);
    let runner = sim.clone();
    tokio::spawn(async move { runner.run(rx).await });
    let exchange = Exchange::new(
        Folders { req, res },
        Timing {
            timeout,
            poll: Duration::from_millis(100),
            events: true,
        },
    );
    Rig {
        _dir: dir,
        sim,
        exchange,
        ops,
        stop,
    }
}

impl Rig {
    async fn send(&self, call: &Call, id: &str) -> Result<Response, OqsError> {
        let (name, bytes) = call.request(&self.ops, CLINIC, id).unwrap();
        self.exchange.write_request(&name, &bytes)?;
        let answer = self.exchange.wait(&name, CLINIC, id).await?;
        self.exchange.remove_answer(&answer).unwrap();
        Ok(answer.response)
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn document(csv: &str) -> String {
    prescription::prescription_info(&prescription::document_xml(csv.as_bytes(), None))
}

fn history() -> History {
    History {
        medications: vec![PastMedication {
            date: "20261120".into(),
            // エトドラク (the sample's RP 2 一般名 1149032F1ZZZ): same ingredient and route.
            yakka_code: "1149032F1027".into(),
            name: "ハイペン錠１００ｍｇ".into(),
            institution_code: "1399999999".into(),
            institution: "となり整形外科".into(),
            pharmacy: "みなみ薬局".into(),
        }],
        contraindicated: vec![],
        consent: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_then_paper_issue_then_status_then_cancel() {
    let rig = rig(Duration::from_secs(10), history());
    // 重複投薬等チェック without consent: the event only.
    let check = Call::Check {
        prescription_info: document(SAMPLE),
        include_own: false,
        oral_consent: false,
    };
    let outcome = CheckOutcome::from_response(&rig.send(&check, "C1").await.unwrap()).unwrap();
    assert!(outcome.found);
    assert!(outcome.messages.iter().any(|m| m.category == "重複"));
    assert!(
        outcome
            .messages
            .iter()
            .all(|m| m.past_name.is_empty() && m.past_institution.is_empty())
    );
    // With oral consent: the other drug and institution are shown.
    let check = Call::Check {
        prescription_info: document(SAMPLE),
        include_own: false,
        oral_consent: true,
    };
    let outcome = CheckOutcome::from_response(&rig.send(&check, "C2").await.unwrap()).unwrap();
    assert!(
        outcome
            .messages
            .iter()
            .any(|m| m.past_institution == "となり整形外科")
    );
    // 登録 (紙, unsigned).
    let register = Call::Register {
        prescription_info: document(SAMPLE),
        issue_type: IssueType::Paper,
    };
    let registered = Registered::from_response(&rig.send(&register, "R1").await.unwrap()).unwrap();
    assert_eq!(registered.access_code.len(), 6);
    assert_eq!(registered.prescription_id.len(), 36);
    // 状態: 未受付, then 調剤中 — no longer cancellable.
    let status = Call::Status {
        prescription_id: registered.prescription_id.clone(),
    };
    let state = PrescriptionState::from_response(&rig.send(&status, "S1").await.unwrap()).unwrap();
    assert_eq!(
        (state.stage, state.sentence.as_str()),
        (Stage::NotReceived, "薬局にて受付されていません。")
    );
    // 取消 while 未受付 works; a second registration is cancelled after 調剤中 is refused.
    let cancel = Call::Cancel {
        prescription_id: registered.prescription_id.clone(),
    };
    assert!(rig.send(&cancel, "X1").await.unwrap().succeeded());
    let state = PrescriptionState::from_response(&rig.send(&status, "S2").await.unwrap()).unwrap();
    assert_eq!(state.stage, Stage::Cancelled);
    let second = Registered::from_response(&rig.send(&register, "R2").await.unwrap()).unwrap();
    // The pharmacy receives it (through the control folder, as with the binary).
    let control = rig._dir.path().join("control");
    std::fs::create_dir_all(&control).unwrap();
    std::fs::write(control.join(&second.prescription_id), "調剤中").unwrap();
    rig.sim.apply_control(&control);
    assert!(
        rig.sim.log().iter().any(|l| l.ends_with("→ 調剤中")),
        "{:?}",
        rig.sim.log()
    );
    assert!(
        rig.sim
            .advance(&second.prescription_id, Stage::NotReceived)
            .is_err(),
        "no going back"
    );
    let refused = rig
        .send(
            &Call::Cancel {
                prescription_id: second.prescription_id.clone(),
            },
            "X2",
        )
        .await
        .unwrap();
    assert!(!refused.succeeded());
    assert!(
        refused
            .problems()
            .iter()
            .any(|p| p.contains("薬局にて調剤中です。")),
        "{:?}",
        refused.problems()
    );
    // 控え: a PDF.
    let copy = rig
        .send(
            &Call::Copy {
                prescription_id: second.prescription_id.clone(),
            },
            "P1",
        )
        .await
        .unwrap();
    let pdf = base64_decode(copy.field("PrescriptionReferenceInformationFile").unwrap());
    assert!(pdf.starts_with(b"%PDF-"));
    // Nothing was left in either folder.
    assert_eq!(
        std::fs::read_dir(&rig.exchange.folders().req)
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        std::fs::read_dir(&rig.exchange.folders().res)
            .unwrap()
            .count(),
        0
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_is_refused_as_the_service_would() {
    let rig = rig(Duration::from_secs(10), History::default());
    // CRLF: the service's own EPSB0052E answer.
    let crlf = Call::Register {
        prescription_info: document(&SAMPLE.replace('\n', "\r\n")),
        issue_type: IssueType::Paper,
    };
    let r = rig.send(&crlf, "E1").await.unwrap();
    assert!(!r.succeeded());
    assert_eq!(
        r.problems(),
        vec!["EPSB0052E 改行コードはLFで記録してください。".to_string()]
    );
    // A drug code missing from the master.
    let unknown = SAMPLE.replace("610406387", "610406388");
    let r = rig
        .send(
            &Call::Register {
                prescription_info: document(&unknown),
                issue_type: IssueType::Paper,
            },
            "E2",
        )
        .await
        .unwrap();
    assert!(
        r.problems()[0].contains("610406388 は医薬品マスターにありません"),
        "{:?}",
        r.problems()
    );
    // An unsigned 電子処方箋.
    let r = rig
        .send(
            &Call::Register {
                prescription_info: document(SAMPLE),
                issue_type: IssueType::Electronic,
            },
            "E3",
        )
        .await
        .unwrap();
    assert!(
        r.problems()[0].contains("署名がありません"),
        "{:?}",
        r.problems()
    );
}

async fn fault(kind: Fault, timeout: Duration) -> (Rig, Result<Response, OqsError>, String) {
    let rig = rig(timeout, History::default());
    rig.sim.set_fault(Some(kind));
    let call = Call::Register {
        prescription_info: document(SAMPLE),
        issue_type: IssueType::Paper,
    };
    let (name, bytes) = call.request(&rig.ops, CLINIC, "F1").unwrap();
    rig.exchange.write_request(&name, &bytes).unwrap();
    let result = rig
        .exchange
        .wait(&name, CLINIC, "F1")
        .await
        .map(|a| a.response);
    (rig, result, name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_is_a_timeout_never_a_resend() {
    let (rig, result, _) = fault(Fault::NoAnswer, Duration::from_millis(800)).await;
    let e = result.unwrap_err();
    assert!(matches!(e, OqsError::Timeout { .. }));
    assert!(
        e.to_string()
            .contains("結果不明です（自動では再送しません）"),
        "{e}"
    );
    assert_eq!(
        rig.sim.log().len(),
        1,
        "exactly one request reached the terminal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_answer_times_out_then_is_found_when_it_comes() {
    let (rig, result, name) = fault(
        Fault::Late(Duration::from_millis(1200)),
        Duration::from_millis(400),
    )
    .await;
    assert!(matches!(result, Err(OqsError::Timeout { .. })));
    // It comes after about 1.2 s; looked for once a while (a busy machine may be slower).
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let late = loop {
        if let Some(answer) = rig.exchange.find_answer(&name, CLINIC, "F1").unwrap() {
            break answer;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the late answer never came"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(Registered::from_response(&late.response).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segment_9_is_shown_with_its_code() {
    let (_rig, result, _) = fault(Fault::Failed, Duration::from_secs(5)).await;
    let r = result.unwrap();
    assert!(!r.succeeded());
    assert!(
        r.problems()[0].starts_with("異常終了 SIME9999E"),
        "{:?}",
        r.problems()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_half_written_answers_are_reported_not_guessed() {
    let (_rig, result, _) = fault(Fault::Malformed, Duration::from_secs(5)).await;
    let e = result.unwrap_err();
    assert!(matches!(e, OqsError::Malformed { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("資格確認端末の応答ファイル EPSsiPIR01res_F1.xml を読めません"),
        "{e}"
    );
    let (_rig, result, _) = fault(Fault::HalfWritten, Duration::from_millis(800)).await;
    let e = result.unwrap_err();
    assert!(e.to_string().contains("途中で終わっています"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zipped_and_shift_jis_answers_are_read() {
    for kind in [Fault::Zip, Fault::ShiftJis] {
        let (_rig, result, _) = fault(kind, Duration::from_secs(5)).await;
        let r = result.unwrap();
        assert!(Registered::from_response(&r).is_some(), "{kind:?}");
    }
}

fn answer_file(res: &Path, name: &str, institution: &str, id: &str) {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><MedicalInstitutionCode>{institution}</MedicalInstitutionCode><ArbitraryFileIdentifier>{id}</ArbitraryFileIdentifier></MessageHeader><MessageBody><ProcessingResultStatus>1</ProcessingResultStatus></MessageBody></XmlMsg>"
    );
    std::fs::write(res.join(name), xml).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_for_another_clinic_or_identifier_and_bad_zips_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folders = Folders {
        req: dir.path().join("req"),
        res: dir.path().join("res"),
    };
    std::fs::create_dir_all(&folders.res).unwrap();
    let ex = Exchange::new(
        folders.clone(),
        Timing {
            timeout: Duration::from_secs(2),
            poll: Duration::from_millis(50),
            events: false,
        },
    );
    answer_file(&folders.res, "EPSsiPIR01res_A.xml", "1399999999", "A");
    let e = ex
        .wait("EPSsiPIR01req_A.xml", CLINIC, "A")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("別の医療機関コード（1399999999）"),
        "{e}"
    );
    answer_file(&folders.res, "EPSsiPIR01res_B.xml", CLINIC, "Z");
    let e = ex
        .wait("EPSsiPIR01req_B.xml", CLINIC, "B")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("識別子（Z）が要求（B）と違います"),
        "{e}"
    );
    // A zip with two files.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["a.xml", "b.xml"] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"<XmlMsg/>").unwrap();
    }
    std::fs::write(
        folders.res.join("EPSsiPIR01res_C.zip"),
        zip.finish().unwrap().into_inner(),
    )
    .unwrap();
    let e = ex
        .wait("EPSsiPIR01req_C.xml", CLINIC, "C")
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("中身が 1 つの XML ではありません（2 個）"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_req_folder_sends_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let folders = Folders {
        req: dir.path().join("gone"),
        res: dir.path().join("res"),
    };
    let ex = Exchange::new(folders, Timing::default());
    let state = ex.check_folders();
    assert!(!state.req_writable && !state.res_readable);
    assert_eq!(state.problems.len(), 2);
    let e = ex
        .write_request("EPSsiPIR01req_Q.xml", b"<XmlMsg/>")
        .unwrap_err();
    assert!(e.to_string().contains("要求は送っていません"), "{e}");
}
