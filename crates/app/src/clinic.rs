//! The clinic half's use cases (issue 12): masters, usage mapping (C8), the
//! pre-issue check of a prescription, and the journalled exchange with the
//! OQS terminal (C4–C7). Every request is recorded in the store before its
//! file is written, and none is ever resent automatically.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use okusuri_eps::calls::{Call, CheckOutcome, PrescriptionState, Registered};
use okusuri_eps::masters::{self, DrugRow, UsageRow};
use okusuri_eps::prescription::{Prescription, Problem};
use okusuri_eps::{EpsError, Operations, Response};
use okusuri_oqs::{Exchange, FolderState, Folders, Timing};
use okusuri_store::{
    AnswerRecord, IssuedLabel, JournalSummary, MasterImport, MasterKind, MasterRows, NewRequest,
    RequestEntry, RequestState, StageRecord, UsageMapping,
};
use serde::Serialize;

use crate::{App, AppError, ErrorCode, Permission, Session};

/// Settings keys of the clinic link.
pub mod keys {
    /// 医療機関コード (10 digits).
    pub const INSTITUTION: &str = "eps.institution_code";
    /// The OQS terminal's `req` folder.
    pub const REQ: &str = "eps.req_folder";
    /// The OQS terminal's `res` folder.
    pub const RES: &str = "eps.res_folder";
    /// A site's corrected operation table (TOML); empty: the built-in one.
    pub const OPERATIONS_FILE: &str = "eps.operations_file";
    /// Seconds to wait for an answer.
    pub const TIMEOUT: &str = "eps.timeout_seconds";
    /// Use OS events on `res` as well as polling (`0` for polling only).
    pub const EVENTS: &str = "eps.events";
}

/// Seconds to wait for an answer unless 設定 says otherwise (registration
/// with a signature takes about 2 s at real clinics).
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 60;

/// The clinic link's settings, read from the store.
#[derive(Debug, Clone)]
pub struct EpsConfig {
    /// 医療機関コード.
    pub institution: String,
    /// The terminal's folders.
    pub folders: Folders,
    /// The operation table.
    pub operations: Operations,
    /// Waiting and polling.
    pub timing: Timing,
}

/// The clinic link at a glance (for the tray and the screens): the folders,
/// requests waiting, 結果不明 ones, and the last answer.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EpsStatus {
    /// `req` exists and a file can be created in it.
    pub req_writable: bool,
    /// `res` can be listed.
    pub res_readable: bool,
    /// What is wrong with the folders, in Japanese (empty when both are fine).
    pub problems: Vec<String>,
    /// Requests written and waiting for their answer.
    pub waiting: i64,
    /// Requests whose outcome is unknown (結果不明).
    pub unknown: i64,
    /// When the last answer came (UTC RFC 3339).
    pub last_answer_at: Option<String>,
}

/// The clinic link's settings as 設定 shows them (empty when not set yet).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EpsSettingsView {
    /// 医療機関コード.
    pub institution: String,
    /// The `req` folder.
    pub req: String,
    /// The `res` folder.
    pub res: String,
    /// Seconds to wait for an answer.
    pub timeout_seconds: u64,
    /// A site's corrected operation table, if one is used.
    pub operations_file: String,
}

/// One operation of the table, as 設定 lists it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OperationView {
    /// Its key (`register`, …).
    pub key: String,
    /// What it is, in Japanese.
    pub label: String,
    /// The file-name prefix (`EPSsiPIR01`), or `None` while the name is unknown.
    pub prefix: Option<String>,
    /// Whether the name is verified from public sources.
    pub verified: bool,
    /// Where the name comes from.
    pub source: String,
}

/// What a request got back.
#[derive(Debug, Clone, Serialize)]
pub struct EpsReply {
    /// The request's `ArbitraryFileIdentifier` (its journal entry).
    pub identifier: String,
    /// True when the service accepted it.
    pub succeeded: bool,
    /// The service's codes and messages, verbatim.
    pub problems: Vec<String>,
    /// 処方箋ID and 引換番号 of a registration.
    pub registered: Option<Registered>,
    /// The state of a status request.
    pub state: Option<PrescriptionState>,
    /// The result of a duplicate check.
    pub check: Option<CheckOutcome>,
    /// The 控え PDF (Base64) of a copy request.
    pub copy_pdf: Option<String>,
}

impl EpsReply {
    fn from_response(identifier: &str, r: &Response) -> EpsReply {
        EpsReply {
            identifier: identifier.into(),
            succeeded: r.succeeded(),
            problems: r.problems(),
            registered: Registered::from_response(r),
            state: PrescriptionState::from_response(r),
            check: CheckOutcome::from_response(r),
            copy_pdf: r
                .field("PrescriptionReferenceInformationFile")
                .filter(|_| r.succeeded())
                .map(str::to_string),
        }
    }
}

fn unknown(e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::EpsOutcomeUnknown, e.to_string())
}

fn not_configured(e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::EpsNotConfigured, e.to_string())
}

/// A new `ArbitraryFileIdentifier`: the time to the millisecond, this
/// process and a counter (unique in the journal; the store refuses a repeat).
fn new_identifier(now: chrono::DateTime<chrono::Utc>) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) % 10_000;
    format!(
        "OKD{}{:05}{n:04}",
        now.format("%Y%m%d%H%M%S%3f"),
        std::process::id() % 100_000
    )
}

impl App {
    /// The clinic link's settings, or what is missing.
    pub async fn eps_config(&self) -> Result<EpsConfig, AppError> {
        let get = |k: &'static str| async move {
            self.store.setting(k).await.map(|v| v.unwrap_or_default())
        };
        let institution = get(keys::INSTITUTION).await?;
        let (req, res) = (get(keys::REQ).await?, get(keys::RES).await?);
        if institution.is_empty() || req.is_empty() || res.is_empty() {
            return Err(not_configured(
                "電子処方箋の設定（医療機関コード、req・res フォルダー）がまだありません。",
            ));
        }
        let operations = match get(keys::OPERATIONS_FILE).await?.as_str() {
            "" => Operations::built_in(),
            path => std::fs::read_to_string(path)
                .map_err(|e| EpsError::Table(format!("{path}: {e}")))
                .and_then(|text| Operations::parse(&text)),
        }
        .map_err(not_configured)?;
        let timeout = get(keys::TIMEOUT)
            .await?
            .parse()
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        let events = get(keys::EVENTS).await? != "0";
        Ok(EpsConfig {
            institution,
            folders: Folders {
                req: PathBuf::from(req),
                res: PathBuf::from(res),
            },
            operations,
            timing: Timing {
                timeout: Duration::from_secs(timeout),
                poll: Duration::from_millis(500),
                events,
            },
        })
    }

    /// Sets the clinic link: 医療機関コード (10 digits), the folders, and
    /// optionally a corrected operation table and the timeout.
    pub async fn set_eps_config(
        &self,
        session: &Session,
        institution: &str,
        req: &str,
        res: &str,
        operations_file: Option<&str>,
        timeout_seconds: Option<u64>,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        if institution.len() != 10 || !institution.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::invalid(
                "医療機関コードは数字10桁で入力してください。",
            ));
        }
        if let Some(path) = operations_file.filter(|p| !p.is_empty()) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AppError::invalid(format!("操作表 {path} を読めません: {e}")))?;
            Operations::parse(&text).map_err(|e| AppError::invalid(e.to_string()))?;
        }
        let timeout = timeout_seconds
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS)
            .clamp(1, 600)
            .to_string();
        let mut pairs = vec![
            (keys::INSTITUTION, institution),
            (keys::REQ, req),
            (keys::RES, res),
            (keys::TIMEOUT, timeout.as_str()),
        ];
        // `None` keeps the table a site set before (from the command line).
        if let Some(file) = operations_file {
            pairs.push((keys::OPERATIONS_FILE, file));
        }
        Ok(self
            .store
            .set_settings(
                &session.actor(),
                &pairs,
                okusuri_store::AccessEvent::SettingsChanged,
                "setting eps.*",
                self.clock.now(),
            )
            .await?)
    }

    /// Whether the terminal's folders can be used (a test file is written and removed).
    pub async fn eps_folders(&self, session: &Session) -> Result<FolderState, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let config = self.eps_config().await?;
        Ok(Exchange::new(config.folders, config.timing).check_folders())
    }

    /// The clinic link at a glance: folders, waiting and unknown requests, the last answer.
    pub async fn eps_status(&self, session: &Session) -> Result<EpsStatus, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        self.eps_link_status().await
    }

    /// [`App::eps_status`] for the tray, with no session: no patient data,
    /// only the folders and the journal's counts (`eps.not_configured` before setup).
    pub async fn eps_link_status(&self) -> Result<EpsStatus, AppError> {
        let config = self.eps_config().await?;
        let folders = tokio::task::spawn_blocking(move || {
            Exchange::new(config.folders, config.timing).check_folders()
        })
        .await
        .map_err(|e| AppError::new(ErrorCode::IoFailed, e.to_string()))?;
        let JournalSummary {
            waiting,
            unknown,
            last_answer_at,
        } = self.store.journal_summary().await?;
        Ok(EpsStatus {
            req_writable: folders.req_writable,
            res_readable: folders.res_readable,
            problems: folders.problems,
            waiting,
            unknown,
            last_answer_at,
        })
    }

    /// The clinic link's settings for 設定 (administrators), set or not.
    pub async fn eps_settings_view(&self, session: &Session) -> Result<EpsSettingsView, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let get = |k: &'static str| async move {
            self.store.setting(k).await.map(|v| v.unwrap_or_default())
        };
        Ok(EpsSettingsView {
            institution: get(keys::INSTITUTION).await?,
            req: get(keys::REQ).await?,
            res: get(keys::RES).await?,
            timeout_seconds: get(keys::TIMEOUT)
                .await?
                .parse()
                .unwrap_or(DEFAULT_TIMEOUT_SECONDS),
            operations_file: get(keys::OPERATIONS_FILE).await?,
        })
    }

    /// The operation table in use (the built-in one until the link is set up).
    pub async fn eps_operations(&self, session: &Session) -> Result<Vec<OperationView>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let ops = match self.eps_config().await {
            Ok(config) => config.operations,
            Err(_) => Operations::built_in().map_err(not_configured)?,
        };
        Ok(ops
            .all()
            .iter()
            .map(|o| OperationView {
                key: o.key.clone(),
                label: o.label.clone(),
                prefix: o.prefix().ok(),
                verified: o.verified,
                source: o.source.clone(),
            })
            .collect())
    }

    /// Replaces a master with a file's contents (read whole or refused whole;
    /// the stored master is untouched on refusal). Returns the row count.
    pub async fn import_master(
        &self,
        session: &Session,
        kind: MasterKind,
        bytes: &[u8],
        source_name: &str,
    ) -> Result<usize, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let refused =
            |e: masters::MasterError| AppError::new(ErrorCode::ImportRefused, e.to_string());
        let rows = match kind {
            MasterKind::Drug => {
                MasterRows::Drug(masters::read_drug_master(bytes).map_err(refused)?)
            }
            MasterKind::GenericName => {
                MasterRows::GenericName(masters::read_generic_master(bytes).map_err(refused)?)
            }
            MasterKind::Usage => {
                MasterRows::Usage(masters::read_usage_master(bytes).map_err(refused)?)
            }
        };
        Ok(self
            .store
            .replace_master(&session.actor(), &rows, source_name, self.clock.now())
            .await?)
    }

    /// When each master was imported, with counts.
    pub async fn master_imports(&self, session: &Session) -> Result<Vec<MasterImport>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self.store.master_imports().await?)
    }

    /// Drugs in the master by name, カナ or code.
    pub async fn search_drug_master(
        &self,
        session: &Session,
        query: &str,
    ) -> Result<Vec<DrugRow>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self
            .store
            .search_drugs(query.trim(), crate::limits::MASTER_SEARCH_ROWS)
            .await?)
    }

    /// Standard usages ranked for a clinic's wording: most shared characters
    /// first, then by code. Staff choose from these (never free text).
    pub async fn usage_candidates(
        &self,
        session: &Session,
        clinic_usage: &str,
    ) -> Result<Vec<UsageRow>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let all = self.store.search_usages("", i64::MAX).await?;
        Ok(rank_usages(
            clinic_usage,
            all,
            crate::limits::USAGE_CANDIDATES,
        ))
    }

    /// Maps a clinic usage to a standard code, which must be in the usage master.
    pub async fn map_usage(
        &self,
        session: &Session,
        clinic_usage: &str,
        code: &str,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::Prescribe)?;
        let clinic_usage = clinic_usage.trim();
        if clinic_usage.is_empty() {
            return Err(AppError::invalid("紐付ける用法を入力してください。"));
        }
        if self
            .store
            .search_usages(code, 2)
            .await?
            .iter()
            .all(|u| u.code != code)
        {
            return Err(AppError::invalid(format!(
                "用法コード {code} は用法マスタにありません。候補から選んでください。"
            )));
        }
        Ok(self
            .store
            .map_usage(&session.actor(), clinic_usage, code, self.clock.now())
            .await?)
    }

    /// Every clinic usage and its standard code.
    pub async fn usage_mappings(&self, session: &Session) -> Result<Vec<UsageMapping>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self.store.usage_mappings().await?)
    }

    /// The prescription as it would be sent, and every reason it must not be
    /// yet: usages without a standard code are given their mapped code (and
    /// the standard name); then the record checks and the master checks on
    /// the 交付日. Nothing is sent.
    pub async fn eps_prepare(
        &self,
        session: &Session,
        mut p: Prescription,
    ) -> Result<(Prescription, Vec<Problem>), AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let mappings = self.store.usage_mappings().await?;
        for rp in &mut p.rps {
            if rp.usage.code.is_empty()
                && let Some(m) = mappings
                    .iter()
                    .find(|m| m.clinic_usage == rp.usage.name.trim())
            {
                rp.usage.code_kind = okusuri_eps::prescription::Form::Sj1
                    .usage_code_kind()
                    .into();
                rp.usage.code = m.code.clone();
                if !m.name.is_empty() {
                    rp.usage.name = m.name.clone();
                }
            }
        }
        let drug_codes: Vec<String> = p
            .rps
            .iter()
            .flat_map(|rp| rp.drugs.iter().map(|d| d.code.clone()))
            .collect();
        let usage_codes: Vec<String> = p.rps.iter().map(|rp| rp.usage.code.clone()).collect();
        let masters = self
            .store
            .load_masters_for(&drug_codes, &usage_codes)
            .await?;
        let (csv, _) =
            okusuri_eps::prescription::build(&p, okusuri_eps::prescription::Form::Sj1, false);
        let mut problems = match okusuri_eps::prescription::csv::read(&csv) {
            Ok(read) => okusuri_eps::prescription::validate(&read),
            Err(e) => vec![e],
        };
        problems.extend(masters.check(&p, &p.issue_date));
        Ok((p, problems))
    }

    /// Sends one request through the terminal: recorded in the journal first,
    /// then written; the answer (or its absence) is recorded too. Doctors
    /// only. A missing answer is `eps.unknown` — never resent.
    pub async fn eps_send(&self, session: &Session, call: &Call) -> Result<EpsReply, AppError> {
        self.eps_send_labelled(session, call, None).await
    }

    /// [`App::eps_send`] with what 発行済み一覧 shows of a registration,
    /// recorded with the request.
    pub(crate) async fn eps_send_labelled(
        &self,
        session: &Session,
        call: &Call,
        issued: Option<IssuedLabel<'_>>,
    ) -> Result<EpsReply, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let config = self.eps_config().await?;
        let now = self.clock.now();
        let identifier = new_identifier(now);
        let (file_name, bytes) = call
            .request(&config.operations, &config.institution, &identifier)
            .map_err(not_configured)?;
        let actor = session.actor();
        let id = self
            .store
            .journal_intent(
                &actor,
                &NewRequest {
                    identifier: &identifier,
                    operation: call.key(),
                    file_name: &file_name,
                    institution_code: &config.institution,
                    request_xml: &bytes,
                    prescription_id: call.prescription_id(),
                    issued,
                },
                now,
            )
            .await?;
        let exchange = Exchange::new(config.folders.clone(), config.timing);
        if let Err(e) = exchange.write_request(&file_name, &bytes) {
            self.store
                .journal_state(
                    &actor,
                    id,
                    RequestState::NotSent,
                    &e.to_string(),
                    self.clock.now(),
                )
                .await?;
            return Err(AppError::new(ErrorCode::EpsUnreachable, e.to_string()));
        }
        self.store
            .journal_state(&actor, id, RequestState::Sent, "", self.clock.now())
            .await?;
        match exchange
            .wait(&file_name, &config.institution, &identifier)
            .await
        {
            Ok(answer) => {
                let about = (call.key(), call.prescription_id());
                self.record_answer(session, id, &identifier, about, &exchange, answer)
                    .await
            }
            Err(e) => {
                self.store
                    .journal_state(
                        &actor,
                        id,
                        RequestState::Unknown,
                        &e.to_string(),
                        self.clock.now(),
                    )
                    .await?;
                Err(unknown(e))
            }
        }
    }

    async fn record_answer(
        &self,
        session: &Session,
        id: i64,
        identifier: &str,
        (operation, prescription_id): (&str, Option<&str>),
        exchange: &Exchange,
        answer: okusuri_oqs::Answer,
    ) -> Result<EpsReply, AppError> {
        let reply = EpsReply::from_response(identifier, &answer.response);
        let outcome = reply.problems.join("\n");
        // What the answer says of the prescription: its state, or cancelled.
        let cancelled = okusuri_eps::calls::Stage::Cancelled;
        let stage = match (&reply.state, operation, prescription_id) {
            (Some(state), _, Some(pid)) => Some(StageRecord {
                prescription_id: pid,
                stage: crate::prescribe::stage_key(state.stage),
                sentence: &state.sentence,
                pharmacy: &state.pharmacy_name,
            }),
            (None, "cancel", Some(pid)) if reply.succeeded => Some(StageRecord {
                prescription_id: pid,
                stage: crate::prescribe::stage_key(cancelled),
                sentence: cancelled.sentence(),
                pharmacy: "",
            }),
            _ => None,
        };
        self.store
            .journal_answer(
                &session.actor(),
                id,
                &AnswerRecord {
                    answer_xml: &answer.bytes,
                    succeeded: reply.succeeded,
                    outcome: &outcome,
                    prescription_id: reply
                        .registered
                        .as_ref()
                        .map(|r| r.prescription_id.as_str()),
                    access_code: reply.registered.as_ref().map(|r| r.access_code.as_str()),
                    stage,
                },
                self.clock.now(),
            )
            .await?;
        // Recorded: the file may go (its bytes are in the journal).
        if let Err(e) = exchange.remove_answer(&answer) {
            tracing::warn!("answer {identifier} recorded but not removed: {e}");
        }
        Ok(reply)
    }

    /// Looks once for answers that came after their request was given up
    /// (結果不明, or left waiting when the app stopped) and records them.
    /// Resends nothing. Returns what it found.
    pub async fn eps_reconcile(&self, session: &Session) -> Result<Vec<EpsReply>, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let config = self.eps_config().await?;
        let exchange = Exchange::new(config.folders.clone(), config.timing);
        let mut found = Vec::new();
        // 結果不明 ones, and ones left `sent` or `intended` longer than the
        // timeout (the app stopped while waiting): never one still awaited.
        let cutoff = self.clock.now()
            - chrono::Duration::from_std(config.timing.timeout).unwrap_or_default();
        let stale = |e: &RequestEntry| {
            chrono::DateTime::parse_from_rfc3339(&e.created_at).is_ok_and(|t| t < cutoff)
        };
        let mut entries = self.store.journal(Some(RequestState::Unknown), 500).await?;
        for state in [RequestState::Sent, RequestState::Intended] {
            entries.extend(
                self.store
                    .journal(Some(state), 500)
                    .await?
                    .into_iter()
                    .filter(|e| stale(e)),
            );
        }
        for entry in entries {
            if let Ok(Some(answer)) =
                exchange.find_answer(&entry.file_name, &entry.institution_code, &entry.identifier)
            {
                let about = (entry.operation.as_str(), entry.prescription_id.as_deref());
                found.push(
                    self.record_answer(
                        session,
                        entry.id,
                        &entry.identifier,
                        about,
                        &exchange,
                        answer,
                    )
                    .await?,
                );
            }
        }
        Ok(found)
    }

    /// The newest requests (at most `limit`), optionally in one state.
    pub async fn eps_journal(
        &self,
        session: &Session,
        state: Option<RequestState>,
        limit: i64,
    ) -> Result<Vec<RequestEntry>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self.store.journal(state, limit).await?)
    }
}

/// Everyday wordings a clinic writes, spelled as the standard names spell them
/// (used only to rank candidates; the doctor still chooses).
const USAGE_WORDINGS: &[(&str, &str)] = &[
    ("毎食後", "1日3回朝昼夕食後"),
    ("毎食前", "1日3回朝昼夕食前"),
    ("毎食直前", "1日3回朝昼夕食直前"),
    ("朝夕食後", "1日2回朝夕食後"),
    ("寝る前", "就寝前"),
    ("寝前", "就寝前"),
    ("眠前", "就寝前"),
    ("頓用", "必要時"),
    ("痛い時", "疼痛時"),
    ("痛いとき", "疼痛時"),
    ("分3", "1日3回"),
    ("分2", "1日2回"),
    ("分1", "1日1回"),
];

fn normalize_usage(s: &str) -> Vec<char> {
    let mut text: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '　' | '、'))
        .collect();
    for (from, to) in USAGE_WORDINGS {
        if text.contains(from) && !text.contains(to) {
            text = text.replace(from, to);
        }
    }
    text.chars().collect()
}

fn bigrams(chars: &[char]) -> Vec<(char, char)> {
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// `all` ranked for `wording`: the share of character pairs in common (Dice),
/// ties by code; candidates with nothing in common are left out.
fn rank_usages(wording: &str, all: Vec<UsageRow>, limit: usize) -> Vec<UsageRow> {
    let want = bigrams(&normalize_usage(wording));
    let mut scored: Vec<(u32, UsageRow)> = all
        .into_iter()
        .filter_map(|u| {
            let have = bigrams(&normalize_usage(&u.name));
            let common = want.iter().filter(|b| have.contains(b)).count();
            let total = want.len() + have.len();
            (common > 0 && total > 0).then(|| ((2000 * common / total) as u32, u))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
    scored.into_iter().take(limit).map(|(_, u)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usages_are_ranked_by_shared_characters() {
        let rows = vec![
            UsageRow {
                code: "1011000400000000".into(),
                name: "内服・経口・１日１回朝食後".into(),
            },
            UsageRow {
                code: "1013044400000000".into(),
                name: "内服・経口・１日３回朝昼夕食後".into(),
            },
            UsageRow {
                code: "2H50B10000000000".into(),
                name: "起床時 点眼".into(),
            },
        ];
        let ranked = rank_usages("毎食後", rows.clone(), 10);
        assert_eq!(ranked[0].code, "1013044400000000");
        let ranked = rank_usages("1日3回 毎食後", rows, 10);
        assert_eq!(ranked[0].code, "1013044400000000");
        assert!(ranked.iter().all(|u| u.code != "2H50B10000000000"));
    }

    #[test]
    fn identifiers_are_unique_and_plain() {
        let now = chrono::Utc::now();
        let (a, b) = (new_identifier(now), new_identifier(now));
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
    }
}
