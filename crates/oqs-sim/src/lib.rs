//! A simulator of the OQS terminal and the 電子処方箋管理サービス behind it —
//! test support, never part of the product path.
//!
//! It answers each `…req_<id>.xml` in `req` with `…res_<id>.xml` in `res`
//! (same name, `req_` → `res_`) after a delay, echoing the header, and keeps
//! the prescriptions it registered:
//! - 登録 validates the CSV (LF only — otherwise the service's real
//!   `EPSB0052E` answer —, `SJ1` first, every drug code in the loaded master
//!   on the 交付日, every usage code in the usage table) and returns a
//!   `PrescriptionId` and an `AccessCode` (引換番号). A 電子処方箋 must carry a
//!   signature that verifies (`okusuri-sign`, the same checks as `xmlsec1`)
//!   and chains to one of the configured CAs.
//! - 状態 walks 未受付 → 調剤中 → 調剤済 / 回収済 on [`Simulator::advance`], with
//!   the sentences real answers use; 取消 only while 未受付.
//! - 重複投薬等チェック compares the draft with a medication history: same
//!   ingredient and route (the first 7 characters of the 薬価基準コード) → 重複;
//!   a pair table supplied with the history → 併用禁忌. Without consent only
//!   the event is shown, not the other drug or institution.
//! - 控え: a small PDF, Base64.
//! - Faults: no answer, a late answer, `SegmentOfResult` 9, malformed XML, a
//!   `.zip` answer, a Shift_JIS answer, a half-written answer.
//!
//! Operations whose real names are vendor-only get placeholder names here
//! (`EPSsiSIM01` …) — see [`operations`]; error codes it invents start with
//! `SIM` and are simulator-only.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use okusuri_eps::calls::Stage;
use okusuri_eps::masters::Masters;
use okusuri_eps::prescription::{self, Form};
use okusuri_eps::{Element, Operation, Operations, Response};
use serde::Deserialize;

/// The placeholder function code given to vendor-only operations.
pub const PLACEHOLDER: &str = "SIM";

/// The built-in operation table with each unverified name filled by a
/// placeholder (`EPSsiSIM01`, `…SIM02`, …) marked simulator-only. Use it
/// with the simulator only: these are not the real names.
pub fn operations() -> Result<Operations, okusuri_eps::EpsError> {
    let mut list: Vec<Operation> = Operations::built_in()?.all().to_vec();
    let mut n = 0;
    for op in list.iter_mut().filter(|o| o.function.is_empty()) {
        n += 1;
        op.function = PLACEHOLDER.into();
        op.number = format!("{n:02}");
        op.source = "SIMULATOR ONLY — placeholder, not the real name (vendor-only)".into();
    }
    Operations::from_list(list)
}

/// A fault to inject into answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Never answer.
    NoAnswer,
    /// Answer only after this long (beyond the normal delay).
    Late(Duration),
    /// `SegmentOfResult` 9 (異常終了) with a simulator-only error code.
    Failed,
    /// An answer that is not XML.
    Malformed,
    /// The answer packed in a `.zip`.
    Zip,
    /// The answer as Shift_JIS (declared, `CharacterCodeIdentifier` 1).
    ShiftJis,
    /// Only the first half of the answer, never completed.
    HalfWritten,
}

impl Fault {
    /// The fault named on the command line (`none`, `no-answer`, `late`,
    /// `failed`, `malformed`, `zip`, `sjis`, `half`).
    pub fn parse(name: &str, late: Duration) -> Result<Option<Fault>, String> {
        Ok(Some(match name {
            "none" => return Ok(None),
            "no-answer" => Fault::NoAnswer,
            "late" => Fault::Late(late),
            "failed" => Fault::Failed,
            "malformed" => Fault::Malformed,
            "zip" => Fault::Zip,
            "sjis" => Fault::ShiftJis,
            "half" => Fault::HalfWritten,
            other => return Err(format!("unknown fault {other}")),
        }))
    }
}

/// A past medication the duplicate check compares with.
#[derive(Debug, Clone, Deserialize)]
pub struct PastMedication {
    /// 調剤日 (YYYYMMDD).
    pub date: String,
    /// 薬価基準コード (12) of the drug.
    pub yakka_code: String,
    /// Its name.
    pub name: String,
    /// 医療機関コード (10) of the prescriber.
    #[serde(default)]
    pub institution_code: String,
    /// 医療機関名.
    #[serde(default)]
    pub institution: String,
    /// 薬局名.
    #[serde(default)]
    pub pharmacy: String,
}

/// The history file: past medications and the pair table (test data).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct History {
    /// Past medications.
    #[serde(default)]
    pub medications: Vec<PastMedication>,
    /// Pairs of ingredient keys (first 7 characters of the 薬価基準コード)
    /// treated as 併用禁忌 by the simulator (test data, not clinical fact).
    #[serde(default)]
    pub contraindicated: Vec<(String, String)>,
    /// Whether the patient consented at the terminal (shows past drugs).
    #[serde(default)]
    pub consent: bool,
}

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The terminal's request folder.
    pub req: PathBuf,
    /// The terminal's answer folder.
    pub res: PathBuf,
    /// The operation table (normally [`operations`]).
    pub operations: Operations,
    /// The masters registration checks codes against (none: not checked).
    pub masters: Option<Masters>,
    /// How long before each answer.
    pub delay: Duration,
    /// How often `req` is looked at.
    pub poll: Duration,
    /// The medication history for the duplicate check.
    pub history: History,
    /// The CAs a 電子処方箋's signature must chain to (none: every 電子処方箋
    /// is refused, as the service would without a trusted signature).
    pub trusted: Vec<okusuri_sign::Cert>,
}

#[derive(Debug, Clone)]
struct Issued {
    institution: String,
    stage: Stage,
}

#[derive(Debug, Default)]
struct State {
    issued: HashMap<String, Issued>,
    fault: Option<Fault>,
    counter: u64,
    log: Vec<String>,
}

/// A running simulator's handle (cheap to clone).
#[derive(Debug, Clone)]
pub struct Simulator {
    config: Arc<Config>,
    state: Arc<Mutex<State>>,
}

/// What the simulator does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The answer's file name.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Extra wait before writing it.
    pub extra_delay: Duration,
    /// Write only the first half and stop.
    pub half: bool,
}

impl Simulator {
    /// A simulator with `config`.
    pub fn new(config: Config) -> Simulator {
        Simulator {
            config: Arc::new(config),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Injects `fault` into every answer from now on (`None`: answer normally).
    pub fn set_fault(&self, fault: Option<Fault>) {
        self.state().fault = fault;
    }

    /// Moves a registered prescription to `stage` (the pharmacy received,
    /// dispensed or collected it). Refuses moves the service would not make.
    pub fn advance(&self, prescription_id: &str, stage: Stage) -> Result<(), String> {
        let mut state = self.state();
        let issued = state
            .issued
            .get_mut(prescription_id)
            .ok_or_else(|| format!("unknown prescription {prescription_id}"))?;
        let allowed = matches!(
            (issued.stage, stage),
            (Stage::NotReceived, Stage::Dispensing)
                | (Stage::Dispensing, Stage::Dispensed)
                | (Stage::Dispensing, Stage::Collected)
                | (Stage::NotReceived, Stage::Collected)
        );
        if !allowed {
            return Err(format!(
                "{:?} → {:?} is not a move the service makes",
                issued.stage, stage
            ));
        }
        issued.stage = stage;
        Ok(())
    }

    /// Applies the control files in `dir`: each file is named after a
    /// 処方箋ID and holds the stage to move it to (`調剤中`, `調剤済`, `回収済`
    /// or `dispensing`, `dispensed`, `collected`). Each file is removed once
    /// read; what was done (or refused) goes to the log.
    pub fn apply_control(&self, dir: &Path) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let id = entry
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".txt")
                .to_string();
            let Ok(word) = fs::read_to_string(entry.path()) else {
                continue;
            };
            let _ = fs::remove_file(entry.path());
            let stage = match word.trim() {
                "調剤中" | "dispensing" => Some(Stage::Dispensing),
                "調剤済" | "dispensed" => Some(Stage::Dispensed),
                "回収済" | "collected" => Some(Stage::Collected),
                _ => None,
            };
            let line = match stage
                .ok_or_else(|| format!("unknown stage {}", word.trim()))
                .and_then(|s| self.advance(&id, s))
            {
                Ok(()) => format!("control: {id} → {}", word.trim()),
                Err(e) => format!("control: {id}: {e}"),
            };
            self.state().log.push(line);
        }
    }

    /// What the simulator did, one line per request (for tests and the console).
    pub fn log(&self) -> Vec<String> {
        self.state().log.clone()
    }

    /// Answers one request file (its name and bytes); `None` when it gets no
    /// answer (not a request, or the no-answer fault).
    pub fn handle(&self, file_name: &str, bytes: &[u8]) -> Option<Reply> {
        let stem = file_name.strip_suffix(".xml")?;
        let (prefix, _id) = stem.split_once("req_")?;
        let answer_stem = stem.replacen("req_", "res_", 1);
        let fault = self.state().fault;
        if fault == Some(Fault::NoAnswer) {
            self.state()
                .log
                .push(format!("{file_name}: no answer (fault)"));
            return None;
        }
        let op = self
            .config
            .operations
            .all()
            .iter()
            .find(|o| o.prefix().ok().as_deref() == Some(prefix));
        let (header, body) = match Response::parse(bytes) {
            Err(e) => (
                Vec::new(),
                failure_body(
                    "SIME0001E",
                    &format!("要求を読めません: {e}（シミュレーター）"),
                ),
            ),
            Ok(req) => {
                let header = vec![
                    (
                        "MedicalInstitutionCode".to_string(),
                        req.header_field("MedicalInstitutionCode")
                            .unwrap_or_default()
                            .to_string(),
                    ),
                    (
                        "ArbitraryFileIdentifier".to_string(),
                        req.header_field("ArbitraryFileIdentifier")
                            .unwrap_or_default()
                            .to_string(),
                    ),
                ];
                let body = match op.map(|o| o.key.as_str()) {
                    Some("register") => self.register(&req),
                    Some("check") => self.check(&req),
                    Some("check_prepare") => ok_body(vec![]),
                    Some("copy") => self.copy(&req),
                    Some("cancel") => self.cancel(&req),
                    Some("status") => self.status(&req),
                    _ => failure_body(
                        "SIME0002E",
                        "この操作はシミュレーターにありません（シミュレーター）",
                    ),
                };
                (header, body)
            }
        };
        self.state()
            .log
            .push(format!("{file_name}: {}", summary(&body)));
        let failed = fault == Some(Fault::Failed);
        let sjis = fault == Some(Fault::ShiftJis);
        let mut xml = answer_xml(&header, &body, failed, sjis);
        if fault == Some(Fault::Malformed) {
            xml = b"<html><body>503 Service Unavailable</body>".to_vec();
        }
        let (name, bytes) = if fault == Some(Fault::Zip) {
            (
                format!("{answer_stem}.zip"),
                zip_one(&format!("{answer_stem}.xml"), &xml),
            )
        } else {
            (format!("{answer_stem}.xml"), xml)
        };
        let extra_delay = match fault {
            Some(Fault::Late(d)) => d,
            _ => Duration::ZERO,
        };
        Some(Reply {
            name,
            bytes,
            extra_delay,
            half: fault == Some(Fault::HalfWritten),
        })
    }

    fn next_ids(&self) -> (String, String) {
        use sha2::{Digest, Sha256};
        let mut state = self.state();
        state.counter += 1;
        let n = state.counter;
        // Unique across simulators too (as the service's are): the time and this process.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let h = Sha256::digest(
            format!("okusuri-oqs-sim {n} {nanos} {}", std::process::id()).as_bytes(),
        );
        let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
        let id = format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        );
        let access = format!(
            "{:06}",
            u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]) % 1_000_000
        );
        (id, access)
    }

    fn register(&self, req: &Response) -> Vec<Element> {
        let info = req.field("PrescriptionInfo").unwrap_or_default();
        let doc = match prescription::parse_document(info.as_bytes()) {
            Ok(d) => d,
            Err(e) => {
                return failure_body(
                    "SIME0010E",
                    &format!("処方箋情報を読めません: {e}（シミュレーター）"),
                );
            }
        };
        if doc.csv.contains(&b'\r') {
            // The service's real answer (fixture EPSsiPIR01res_error-EPSB0052E.xml).
            return csv_error("EPSB0052E", "改行コードはLFで記録してください。");
        }
        let read = match prescription::csv::read(&doc.csv) {
            Ok(r) if r.form == Form::Sj1 => r,
            _ => return csv_error("SIME0011E", "1行目が SJ1 ではありません（シミュレーター）"),
        };
        let p = read.prescription();
        let mut errors: Vec<String> = prescription::validate(&read)
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        if let Some(m) = &self.config.masters {
            errors.extend(m.check(&p, &p.issue_date).iter().map(ToString::to_string));
        }
        if let Some(first) = errors.first() {
            return csv_error(
                "SIME0012E",
                &format!("{first}（シミュレーター、ほか {} 件）", errors.len() - 1),
            );
        }
        let electronic = req.field("IssueType") == Some("1");
        let mut extra = Vec::new();
        if electronic {
            if doc.signature.is_none() {
                return failure_body(
                    "SIME0013E",
                    "電子処方箋に署名がありません（シミュレーター）",
                );
            }
            let xml = base64_decode(info);
            match okusuri_sign::verify(&xml, &self.config.trusted, chrono::Utc::now()) {
                Ok(v) => extra.push(list(
                    "VerifyResultList",
                    vec![
                        leaf("Status", "OK"),
                        leaf(
                            "Message",
                            &format!("署名を確認しました: {}（シミュレーター）", v.signer.subject),
                        ),
                    ],
                )),
                Err(e) => {
                    return vec![
                        leaf("ProcessingResultStatus", "2"),
                        list(
                            "VerifyResultList",
                            vec![
                                leaf("Status", "NG"),
                                leaf("Message", &format!("{e}（シミュレーター）")),
                            ],
                        ),
                        leaf("ProcessingResultCode", "SIME0014E"),
                        leaf(
                            "ProcessingResultMessage",
                            &format!("署名を確認できません: {e}（シミュレーター）"),
                        ),
                    ];
                }
            }
        }
        let (id, access) = self.next_ids();
        let institution = req
            .header_field("MedicalInstitutionCode")
            .unwrap_or_default()
            .to_string();
        self.state().issued.insert(
            id.clone(),
            Issued {
                institution,
                stage: Stage::NotReceived,
            },
        );
        let mut fields = vec![leaf("PrescriptionId", &id), leaf("AccessCode", &access)];
        fields.extend(extra);
        ok_body(fields)
    }

    fn issued_for(&self, req: &Response) -> Result<(String, Issued), Vec<Element>> {
        let id = req.field("PrescriptionId").unwrap_or_default().to_string();
        let institution = req
            .header_field("MedicalInstitutionCode")
            .unwrap_or_default();
        match self.state().issued.get(&id) {
            Some(i) if i.institution == institution => Ok((id, i.clone())),
            _ => Err(failure_body(
                "SIME0020E",
                "該当する処方箋がありません（シミュレーター）",
            )),
        }
    }

    fn status(&self, req: &Response) -> Vec<Element> {
        match self.issued_for(req) {
            Err(body) => body,
            Ok((_, issued)) => {
                let mut fields = vec![
                    leaf("PrescriptionStatus", issued.stage.sentence()),
                    leaf("MessageFlg", "1"),
                ];
                if matches!(
                    issued.stage,
                    Stage::Dispensing | Stage::Dispensed | Stage::Collected
                ) {
                    fields.push(leaf("ReceptionPharmacyCode", "1391234567"));
                    fields.push(leaf("ReceptionPharmacyName", "シミュレーター薬局"));
                }
                ok_body(fields)
            }
        }
    }

    fn cancel(&self, req: &Response) -> Vec<Element> {
        match self.issued_for(req) {
            Err(body) => body,
            Ok((id, issued)) if issued.stage == Stage::NotReceived => {
                if let Some(i) = self.state().issued.get_mut(&id) {
                    i.stage = Stage::Cancelled;
                }
                ok_body(vec![])
            }
            Ok((_, issued)) => failure_body(
                "SIME0021E",
                &format!(
                    "{}取り消せません（取消は未受付の間だけ）（シミュレーター）",
                    issued.stage.sentence()
                ),
            ),
        }
    }

    fn copy(&self, req: &Response) -> Vec<Element> {
        match self.issued_for(req) {
            Err(body) => body,
            Ok((id, _)) => ok_body(vec![leaf(
                "PrescriptionReferenceInformationFile",
                &STANDARD.encode(copy_pdf(&id)),
            )]),
        }
    }

    fn check(&self, req: &Response) -> Vec<Element> {
        let info = req.field("PrescriptionInfo").unwrap_or_default();
        let Ok(doc) = prescription::parse_document(info.as_bytes()) else {
            return failure_body("SIME0030E", "処方箋情報を読めません（シミュレーター）");
        };
        let Ok(read) = prescription::csv::read(&doc.csv) else {
            return failure_body("SIME0031E", "処方箋の CSV を読めません（シミュレーター）");
        };
        let p = read.prescription();
        let history = &self.config.history;
        let consent = history.consent || req.field("OralBrowsingConsent") == Some("1");
        let include_own = req.field("SameMedicalInstitutionAlertFlg") == Some("2");
        let own = req
            .header_field("MedicalInstitutionCode")
            .unwrap_or_default();
        let mut messages = Vec::new();
        for drug in p.rps.iter().flat_map(|rp| rp.drugs.iter()) {
            let Some(key) = self.ingredient_key(&drug.code_kind, &drug.code) else {
                continue;
            };
            for past in &history.medications {
                if !include_own && past.institution_code == own {
                    continue;
                }
                let past_key: String = past.yakka_code.chars().take(7).collect();
                let category =
                    if past_key == key {
                        "重複"
                    } else if history.contraindicated.iter().any(|(a, b)| {
                        (*a == key && *b == past_key) || (*b == key && *a == past_key)
                    }) {
                        "併用禁忌"
                    } else {
                        continue;
                    };
                let shown = |v: &str| {
                    if consent {
                        v.to_string()
                    } else {
                        String::new()
                    }
                };
                messages.push(list(
                    "CheckMessage",
                    vec![
                        leaf("MessageCategory", category),
                        leaf("PharmaceuticalsIngredientName", &key),
                        leaf(
                            "Message",
                            &if consent {
                                format!("{}（{}）と{}の可能性があります。（シミュレーター）", past.name, past.date, category)
                            } else {
                                format!("他の医療機関等で処方・調剤された薬と{category}の可能性があります。（同意がないため薬剤名等は表示されません）（シミュレーター）")
                            },
                        ),
                        leaf("TargetPharmaceuticalCode", &drug.code),
                        leaf("TargetPharmaceuticalName", &drug.name),
                        leaf("PastDate", &shown(&past.date)),
                        leaf("PastPharmaceuticalName", &shown(&past.name)),
                        leaf("PastMedicalInstitutionName", &shown(&past.institution)),
                        leaf("PastInsurancePharmacyName", &shown(&past.pharmacy)),
                    ],
                ));
            }
        }
        let found = if messages.is_empty() { "2" } else { "1" };
        ok_body(vec![
            leaf("CheckResult", found),
            list("CheckMessageList", messages),
        ])
    }

    /// The ingredient-and-route key (first 7 characters of the 薬価基準コード)
    /// of a drug code.
    fn ingredient_key(&self, kind: &str, code: &str) -> Option<String> {
        let yakka = match kind {
            "2" => self.config.masters.as_ref()?.drug(code)?.yakka_code.clone(),
            "3" | "4" | "7" => code.to_string(),
            _ => return None,
        };
        (yakka.len() >= 7).then(|| yakka.chars().take(7).collect())
    }

    /// Answers every request already in `req`, then keeps answering until
    /// `stop` turns true. Each request file is removed once read (the
    /// terminal consumes it).
    pub async fn run(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
        let _watcher = notify_on(&self.config.req, tx);
        loop {
            for (name, bytes) in take_requests(&self.config.req) {
                if let Some(reply) = self.handle(&name, &bytes) {
                    let sim = self.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(sim.config.delay + reply.extra_delay).await;
                        if let Err(e) = write_reply(&sim.config.res, &reply) {
                            tracing::warn!("could not write {}: {e}", reply.name);
                        }
                    });
                }
            }
            tokio::select! {
                _ = stop.changed() => if *stop.borrow() { return },
                _ = rx.recv() => {}
                () = tokio::time::sleep(self.config.poll) => {}
            }
        }
    }
}

fn notify_on(
    folder: &Path,
    tx: tokio::sync::mpsc::UnboundedSender<()>,
) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut w = notify::recommended_watcher(move |_| {
        let _ = tx.send(());
    })
    .ok()?;
    w.watch(folder, notify::RecursiveMode::NonRecursive).ok()?;
    Some(w)
}

/// Every whole request in `req` (`…req_….xml`, not our temporary names), read and removed.
fn take_requests(req: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(dir) = fs::read_dir(req) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || !name.ends_with(".xml") || !name.contains("req_") {
            continue;
        }
        if let Ok(bytes) = fs::read(entry.path()) {
            let _ = fs::remove_file(entry.path());
            out.push((name, bytes));
        }
    }
    out.sort();
    out
}

/// Writes an answer the way the terminal would: whole (temp + rename), or
/// half a file for the half-written fault.
pub fn write_reply(res: &Path, reply: &Reply) -> std::io::Result<()> {
    if reply.half {
        return fs::write(res.join(&reply.name), &reply.bytes[..reply.bytes.len() / 2]);
    }
    let tmp = res.join(format!(".{}.tmp", reply.name));
    let mut f = fs::File::create(&tmp)?;
    f.write_all(&reply.bytes)?;
    f.sync_all()?;
    fs::rename(tmp, res.join(&reply.name))
}

fn base64_decode(text: &str) -> Vec<u8> {
    let clean: String = text.split_whitespace().collect();
    STANDARD.decode(clean).unwrap_or_default()
}

fn leaf(name: &str, text: &str) -> Element {
    Element {
        name: name.into(),
        text: text.into(),
        children: vec![],
    }
}

fn list(name: &str, children: Vec<Element>) -> Element {
    Element {
        name: name.into(),
        text: String::new(),
        children,
    }
}

fn ok_body(mut fields: Vec<Element>) -> Vec<Element> {
    let mut body = vec![leaf("ProcessingResultStatus", "1")];
    body.append(&mut fields);
    body
}

fn failure_body(code: &str, message: &str) -> Vec<Element> {
    vec![
        leaf("ProcessingResultStatus", "2"),
        leaf("ProcessingResultCode", code),
        leaf("ProcessingResultMessage", message),
    ]
}

fn csv_error(code: &str, message: &str) -> Vec<Element> {
    vec![
        leaf("ProcessingResultStatus", "2"),
        list(
            "CsvCheckResultList",
            vec![leaf("ResultMessage", message), leaf("ResultCode", code)],
        ),
    ]
}

fn summary(body: &[Element]) -> String {
    body.iter()
        .map(|e| {
            if e.children.is_empty() {
                format!("{}={}", e.name, e.text.chars().take(40).collect::<String>())
            } else {
                e.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The answer as the terminal writes it: header (time, code identifier,
/// segment, the echoed fields), then the body; Shift_JIS when asked (the
/// declaration says so, `CharacterCodeIdentifier` 1).
fn answer_xml(header: &[(String, String)], body: &[Element], failed: bool, sjis: bool) -> Vec<u8> {
    let mut head = vec![
        leaf("ProcessExecutionTime", "20261204120000"),
        leaf("CharacterCodeIdentifier", if sjis { "1" } else { "0" }),
    ];
    if failed {
        head.push(leaf("SegmentOfResult", "9"));
        head.push(leaf("ErrorCode", "SIME9999E"));
        head.push(leaf(
            "ErrorMessage",
            "シミュレーターが異常終了を返しました（シミュレーター）",
        ));
    } else {
        head.push(leaf("SegmentOfResult", "1"));
    }
    head.extend(header.iter().map(|(n, v)| leaf(n, v)));
    let body = if failed { &[][..] } else { body };
    // Element names here are ours and valid: writing cannot fail.
    let utf8 = okusuri_eps::write_message(&head, body).unwrap_or_default();
    if !sjis {
        return utf8;
    }
    let text =
        String::from_utf8_lossy(&utf8).replacen("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"", 1);
    encoding_rs::SHIFT_JIS.encode(&text).0.into_owned()
}

fn zip_one(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    if zip.start_file(name, options).is_err() || zip.write_all(bytes).is_err() {
        return Vec::new();
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// The 控え: a one-page PDF saying it comes from the simulator.
/// A one-page PDF standing for the service's 処方箋控え (ASCII text only,
/// readable by `pdftotext`), naming the prescription.
fn copy_pdf(prescription_id: &str) -> Vec<u8> {
    let id: String = prescription_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let stream = format!(
        "BT /F1 16 Tf 72 760 Td (okusuri-oqs-sim: prescription copy) Tj 0 -24 Td (PrescriptionId {id}) Tj ET"
    );
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length {}>>stream\n{stream}\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        stream.len()
    )
    .into_bytes()
}
