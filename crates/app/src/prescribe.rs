//! 処方 (issue 14): a prescription as the doctor writes it on screen (a
//! [`Draft`]) becomes the JAHIS prescription the service receives — the
//! clinic and the signed-in doctor, each drug's exact master name and unit,
//! each usage's mapped standard code. Then the pre-issue review, the
//! duplicate check (C4), the issue (C5), and 発行済み一覧 with its status and
//! cancel (C6, C7). The window and the CLI call the same functions.

use okusuri_eps::calls::{Call, CheckMessage, IssueType, Stage};
use okusuri_eps::masters::Masters;
use okusuri_eps::prescription::{
    self, Drug, Form, Institution, Insurance, Patient, Prescription, Problem, Rp, Usage,
};
use okusuri_eps::qualification::Qualification;
use okusuri_store::{AccessEvent, IssuedFilter, IssuedLabel, IssuedPrescription, UsageMapping};
use serde::{Deserialize, Serialize};

use crate::clinic::EpsReply;
use crate::{App, AppError, ErrorCode, Permission, Session};

/// The patient of a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DraftPatient {
    /// 患者コード (the clinic's own number; may be empty).
    pub code: String,
    /// 氏名 (漢字).
    pub name: String,
    /// カナ氏名.
    pub kana: String,
    /// 性別: `1` 男, `2` 女.
    pub sex: String,
    /// 生年月日 (YYYYMMDD).
    pub birth_date: String,
}

/// The patient's insurance (as on the 資格確認 result or the card).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DraftInsurance {
    /// 保険者番号.
    pub insurer_number: String,
    /// 記号.
    pub symbol: String,
    /// 番号.
    pub number: String,
    /// 枝番.
    pub branch: String,
    /// `1` 被保険者, `2` 被扶養者.
    pub relation: String,
}

/// One drug of an RP, as chosen from the master.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DraftDrug {
    /// `2` レセプト電算コード (9 digits), `3` 薬価基準コード, `7` 一般名コード.
    pub code_kind: String,
    /// The code in that kind.
    pub code: String,
    /// 用量 in the master's unit (`3`, `1.5`).
    pub amount: String,
}

/// One RP (剤): drugs taken the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DraftRp {
    /// 剤形区分: `1` 内服, `2` 頓服, `3` 外用.
    pub form: String,
    /// The clinic's usage wording (mapped to a standard code, C8).
    pub usage: String,
    /// A standard usage code already given (a taken-in prescription); empty: from the mapping.
    pub usage_code: String,
    /// 日数 (内服) or 回数 (頓服, 外用).
    pub quantity: String,
    /// The drugs.
    pub drugs: Vec<DraftDrug>,
}

/// A prescription as written on 処方.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Draft {
    /// The patient.
    pub patient: DraftPatient,
    /// The insurance.
    pub insurance: DraftInsurance,
    /// The RPs.
    pub rps: Vec<DraftRp>,
}

/// A problem as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ProblemView {
    /// True when it blocks sending.
    pub blocking: bool,
    /// The sentence, in Japanese.
    pub text: String,
}

impl From<&Problem> for ProblemView {
    fn from(p: &Problem) -> Self {
        ProblemView {
            blocking: p.is_error(),
            text: p.to_string(),
        }
    }
}

/// A drug as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReviewDrug {
    /// The code kind in words (レセプト電算 / 薬価基準 / 一般名).
    pub code_kind: String,
    /// The code.
    pub code: String,
    /// The exact name sent.
    pub name: String,
    /// 用量 (`3`).
    pub amount: String,
    /// The 薬価基準 unit (`錠`).
    pub unit: String,
}

/// An RP as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReviewRp {
    /// RP番号.
    pub number: String,
    /// 剤形 and 日数/回数 (`内服 14日分`).
    pub form: String,
    /// The standard usage code sent (empty while unmapped).
    pub usage_code: String,
    /// The usage name sent.
    pub usage_name: String,
    /// The drugs.
    pub drugs: Vec<ReviewDrug>,
}

/// The pre-issue check: what will be sent, and every reason it must not be yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Review {
    /// The RPs as they will be sent.
    pub rps: Vec<ReviewRp>,
    /// Errors (blocking) and warnings.
    pub problems: Vec<ProblemView>,
    /// Clinic usages in this prescription without a standard code (fix on 用法の紐付け).
    pub unmapped_usages: Vec<String>,
    /// True when nothing blocks sending.
    pub ready: bool,
}

/// One message of the duplicate check (C4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CheckFinding {
    /// 分類 (重複 / 併用禁忌 …), as the service says it.
    pub category: String,
    /// 成分.
    pub ingredient: String,
    /// The service's message, verbatim.
    pub message: String,
    /// 今回の薬.
    pub this_drug: String,
    /// 過去の薬 (empty when hidden for want of consent).
    pub past_drug: String,
    /// When the past drug was given (YYYYMMDD).
    pub past_date: String,
    /// Where: 医療機関 or 薬局 (empty when hidden).
    pub past_place: String,
}

/// What the duplicate check said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CheckResult {
    /// The review it was sent after (a blocked review is never sent).
    pub review: Review,
    /// True when the check was sent and answered.
    pub sent: bool,
    /// True when the service accepted the request.
    pub succeeded: bool,
    /// The service's codes and messages, verbatim.
    pub service_messages: Vec<String>,
    /// What it found (empty: nothing).
    pub findings: Vec<CheckFinding>,
}

/// 発行方法.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum IssueMethod {
    /// 電子処方箋 (signed).
    Electronic,
    /// 紙の処方箋 (引換番号あり; unsigned).
    Paper,
}

/// What issuing gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IssueResult {
    /// True when the service registered it.
    pub registered: bool,
    /// 処方箋ID.
    pub prescription_id: String,
    /// 引換番号 (given to the patient).
    pub access_code: String,
    /// The service's codes and messages, verbatim.
    pub service_messages: Vec<String>,
    /// The request's identifier (its journal entry).
    pub identifier: String,
}

/// What a status request or a cancel got back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StatusResult {
    /// True when the service accepted the request.
    pub succeeded: bool,
    /// The service's codes and messages, verbatim.
    pub service_messages: Vec<String>,
    /// The prescription as 発行済み一覧 now shows it.
    pub prescription: Option<IssuedPrescription>,
}

/// A patient the terminal confirmed at reception (資格確認), offered on 処方.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReceptionPatient {
    /// The result file's name.
    pub file: String,
    /// When it was confirmed (yyyyMMddHHmmss), or empty.
    pub confirmed_at: String,
    /// The patient and insurance as a draft (no RPs); `None` when the file cannot be read.
    pub draft: Option<Draft>,
    /// What the patient chose at reception, if the result says.
    pub issue_method: Option<IssueMethod>,
    /// Why the file cannot be read, if it cannot.
    pub problem: Option<String>,
}

/// Reception results read at most (newest first).
const RECEPTION_SHOWN: usize = 30;

/// The stable name of a stage, as stored.
pub fn stage_key(stage: Stage) -> &'static str {
    match stage {
        Stage::Cancelled => "cancelled",
        Stage::NotReceived => "not_received",
        Stage::Dispensing => "dispensing",
        Stage::Dispensed => "dispensed",
        Stage::Collected => "collected",
        Stage::Unknown => "unknown",
    }
}

fn kind_label(code_kind: &str) -> &'static str {
    match code_kind {
        "2" => "レセプト電算",
        "3" => "薬価基準",
        "7" => "一般名",
        _ => "その他",
    }
}

fn form_label(form: &str) -> &'static str {
    match form {
        "1" => "内服",
        "2" => "頓服",
        "3" => "外用",
        _ => "その他",
    }
}

/// `日分` for 内服, `回分` otherwise.
fn quantity_label(form: &str, quantity: &str) -> String {
    if form == "1" {
        format!("{quantity}日分")
    } else {
        format!("{quantity}回分")
    }
}

/// 1日の回数 read from a standard usage name (`1日3回…` → `3`); empty when none.
fn times_per_day(usage_name: &str) -> String {
    let normal: String = usage_name
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    normal
        .split("1日")
        .nth(1)
        .and_then(|rest| rest.split('回').next())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_default()
        .to_string()
}

/// The drugs of `p` on one line, for 発行済み一覧.
fn summary(p: &Prescription) -> String {
    let names: Vec<&str> = p
        .rps
        .iter()
        .flat_map(|rp| rp.drugs.iter().map(|d| d.name.as_str()))
        .collect();
    names.join("、")
}

/// The prescription `draft` makes for `institution` (10 digits) and `doctor`
/// on `issue_date`: drug names and units from `masters`, usage codes from
/// `mappings` (a clinic usage without one keeps its wording and no code).
pub fn prescription_from_draft(
    draft: &Draft,
    institution: (&str, &str),
    doctor: &str,
    issue_date: &str,
    masters: &Masters,
    mappings: &[UsageMapping],
) -> Prescription {
    let (code, name) = institution;
    let digits = |range: std::ops::Range<usize>| code.get(range).unwrap_or_default().to_string();
    let mut p = Prescription {
        institution: Institution {
            kind: digits(2..3),
            code: digits(3..10),
            prefecture: digits(0..2),
            name: name.to_string(),
            address: None,
            phone: None,
        },
        issue_date: issue_date.to_string(),
        ..Prescription::default()
    };
    p.doctor.name = doctor.to_string();
    p.patient = Patient {
        code: draft.patient.code.trim().to_string(),
        name: draft.patient.name.trim().to_string(),
        kana: draft.patient.kana.trim().to_string(),
        sex: draft.patient.sex.clone(),
        birth_date: draft.patient.birth_date.trim().to_string(),
        burden_category: None,
    };
    let ins = &draft.insurance;
    p.insurance = Insurance {
        kind: Some("1".into()),
        insurer_number: ins.insurer_number.trim().to_string(),
        symbol: ins.symbol.trim().to_string(),
        number: ins.number.trim().to_string(),
        relation: if ins.relation.is_empty() {
            "1".into()
        } else {
            ins.relation.clone()
        },
        branch: ins.branch.trim().to_string(),
        rates: None,
        occupational: None,
    };
    for (i, d) in draft.rps.iter().enumerate() {
        let number = (i + 1).to_string();
        let wording = d.usage.trim();
        let (usage_code, usage_name) = if !d.usage_code.is_empty() {
            let name = masters
                .usage(&d.usage_code)
                .map_or(wording.to_string(), |u| u.name.clone());
            (d.usage_code.clone(), name)
        } else if let Some(m) = mappings.iter().find(|m| m.clinic_usage == wording) {
            let name = if m.name.is_empty() {
                wording.to_string()
            } else {
                m.name.clone()
            };
            (m.code.clone(), name)
        } else {
            (String::new(), wording.to_string())
        };
        let drugs = d
            .drugs
            .iter()
            .enumerate()
            .map(|(j, dd)| {
                let (name, unit) = match dd.code_kind.as_str() {
                    "2" => masters
                        .drug(&dd.code)
                        .map(|r| (r.name.clone(), r.unit.clone())),
                    "3" => masters
                        .drug_by_yakka(&dd.code)
                        .map(|r| (r.name.clone(), r.unit.clone())),
                    // 一般名: the unit of a drug of that name.
                    "7" => masters.generic(&dd.code).map(|g| {
                        let unit = masters.drug_with_generic(&dd.code).map(|r| r.unit.clone());
                        (g.name.clone(), unit.unwrap_or_default())
                    }),
                    _ => None,
                }
                .unwrap_or_default();
                Drug {
                    seq: (j + 1).to_string(),
                    info_kind: "1".into(),
                    code_kind: dd.code_kind.clone(),
                    code: dd.code.clone(),
                    name,
                    amount: dd.amount.trim().to_string(),
                    potency: "1".into(),
                    unit,
                    ..Drug::default()
                }
            })
            .collect();
        p.rps.push(Rp {
            number,
            form: d.form.clone(),
            form_name: String::new(),
            quantity: d.quantity.trim().to_string(),
            split_quantity: None,
            usage: Usage {
                code_kind: if usage_code.is_empty() {
                    String::new()
                } else {
                    Form::Sj1.usage_code_kind().into()
                },
                times_per_day: times_per_day(&usage_name),
                code: usage_code,
                name: usage_name,
            },
            usage_notes: Vec::new(),
            drugs,
        });
    }
    p
}

/// The draft a prescription from another EMR makes (take-in): patient,
/// insurance, RPs with their codes; the clinic and doctor are ours.
pub fn draft_from_prescription(p: &Prescription) -> Draft {
    Draft {
        patient: DraftPatient {
            code: p.patient.code.clone(),
            name: p.patient.name.clone(),
            kana: p.patient.kana.clone(),
            sex: p.patient.sex.clone(),
            birth_date: p.patient.birth_date.clone(),
        },
        insurance: DraftInsurance {
            insurer_number: p.insurance.insurer_number.clone(),
            symbol: p.insurance.symbol.clone(),
            number: p.insurance.number.clone(),
            branch: p.insurance.branch.clone(),
            relation: p.insurance.relation.clone(),
        },
        rps: p
            .rps
            .iter()
            .map(|rp| DraftRp {
                form: rp.form.clone(),
                usage: rp.usage.name.clone(),
                usage_code: rp.usage.code.clone(),
                quantity: rp.quantity.clone(),
                drugs: rp
                    .drugs
                    .iter()
                    .map(|d| DraftDrug {
                        code_kind: d.code_kind.clone(),
                        code: d.code.clone(),
                        amount: d.amount.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn review_of(p: &Prescription, problems: &[Problem], draft: &Draft) -> Review {
    let unmapped_usages: Vec<String> = p
        .rps
        .iter()
        .zip(&draft.rps)
        .filter(|(rp, _)| rp.usage.code.is_empty())
        .map(|(_, d)| d.usage.trim().to_string())
        .filter(|u| !u.is_empty())
        .collect();
    let mut problems: Vec<ProblemView> = problems.iter().map(ProblemView::from).collect();
    if draft.rps.is_empty() {
        problems.push(ProblemView {
            blocking: true,
            text: "薬が一つもありません。RP を追加してください。".into(),
        });
    }
    Review {
        rps: p
            .rps
            .iter()
            .map(|rp| ReviewRp {
                number: rp.number.clone(),
                form: format!(
                    "{} {}",
                    form_label(&rp.form),
                    quantity_label(&rp.form, &rp.quantity)
                ),
                usage_code: rp.usage.code.clone(),
                usage_name: rp.usage.name.clone(),
                drugs: rp
                    .drugs
                    .iter()
                    .map(|d| ReviewDrug {
                        code_kind: kind_label(&d.code_kind).into(),
                        code: d.code.clone(),
                        name: d.name.clone(),
                        amount: d.amount.clone(),
                        unit: d.unit.clone(),
                    })
                    .collect(),
            })
            .collect(),
        ready: !problems.iter().any(|p| p.blocking),
        problems,
        unmapped_usages,
    }
}

fn finding(m: &CheckMessage) -> CheckFinding {
    let place = if m.past_pharmacy.is_empty() {
        m.past_institution.clone()
    } else if m.past_institution.is_empty() {
        m.past_pharmacy.clone()
    } else {
        format!("{} / {}", m.past_institution, m.past_pharmacy)
    };
    CheckFinding {
        category: m.category.clone(),
        ingredient: m.ingredient.clone(),
        message: m.message.clone(),
        this_drug: m.target_name.clone(),
        past_drug: m.past_name.clone(),
        past_date: m.past_date.clone(),
        past_place: place,
    }
}

impl App {
    /// The draft as it would be sent, with the prescription itself.
    async fn prepared_draft(
        &self,
        session: &Session,
        draft: &Draft,
    ) -> Result<(Prescription, Review), AppError> {
        let config = self.eps_config().await?;
        let facility = self.store.facility().await?;
        let name = facility.map(|f| f.name).unwrap_or_default();
        let mappings = self.store.usage_mappings().await?;
        let drug_codes: Vec<String> = draft
            .rps
            .iter()
            .flat_map(|rp| rp.drugs.iter().map(|d| d.code.clone()))
            .collect();
        let usage_codes: Vec<String> = draft
            .rps
            .iter()
            .map(|rp| rp.usage_code.clone())
            .chain(mappings.iter().map(|m| m.code.clone()))
            .collect();
        let masters = self
            .store
            .load_masters_for(&drug_codes, &usage_codes)
            .await?;
        let today = self.clock.today().format("%Y%m%d").to_string();
        let p = prescription_from_draft(
            draft,
            (&config.institution, &name),
            &session.staff().display_name,
            &today,
            &masters,
            &mappings,
        );
        let (p, problems) = self.eps_prepare(session, p).await?;
        let review = review_of(&p, &problems, draft);
        Ok((p, review))
    }

    /// The pre-issue check of a draft: each drug and usage as sent, and
    /// every reason it must not be sent yet. Nothing is sent.
    pub async fn eps_review(&self, session: &Session, draft: &Draft) -> Result<Review, AppError> {
        self.begin(session, Permission::Prescribe)?;
        Ok(self.prepared_draft(session, draft).await?.1)
    }

    /// 重複投薬等チェック (C4) of a draft: sent only when the review passes.
    /// `oral_consent` (口頭同意) is recorded in the access log.
    pub async fn eps_check_draft(
        &self,
        session: &Session,
        draft: &Draft,
        include_own: bool,
        oral_consent: bool,
    ) -> Result<CheckResult, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let (p, review) = self.prepared_draft(session, draft).await?;
        if !review.ready {
            return Ok(CheckResult {
                review,
                sent: false,
                succeeded: false,
                service_messages: Vec::new(),
                findings: Vec::new(),
            });
        }
        if oral_consent {
            self.store
                .audit(
                    &session.actor(),
                    AccessEvent::OqsRequest,
                    None,
                    "重複投薬等チェック: 患者の口頭同意を医師が記録",
                    self.clock.now(),
                )
                .await?;
        }
        let (xml, _) = prescription::build(&p, Form::Sj1, true);
        let info = prescription::prescription_info(&String::from_utf8_lossy(&xml));
        let reply = self
            .eps_send(
                session,
                &Call::Check {
                    prescription_info: info,
                    include_own,
                    oral_consent,
                },
            )
            .await?;
        Ok(CheckResult {
            review,
            sent: true,
            succeeded: reply.succeeded,
            findings: reply
                .check
                .as_ref()
                .map(|c| c.messages.iter().map(finding).collect())
                .unwrap_or_default(),
            service_messages: reply.problems,
        })
    }

    /// 発行 (C5): review, then for 電子 sign with the doctor's authentication,
    /// then register. A blocked review is refused with its reasons; without
    /// a valid authentication `sign.auth_required` (nothing sent).
    /// `reason`: why it is issued despite the duplicate check's findings
    /// (recorded in the access log; empty when there were none).
    pub async fn eps_issue(
        &self,
        session: &Session,
        draft: &Draft,
        method: IssueMethod,
        reason: &str,
    ) -> Result<IssueResult, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let (p, review) = self.prepared_draft(session, draft).await?;
        if !review.ready {
            let reasons: Vec<&str> = review
                .problems
                .iter()
                .filter(|p| p.blocking)
                .map(|p| p.text.as_str())
                .collect();
            return Err(AppError::invalid(format!(
                "発行前の確認で問題があります。何も送っていません。\n{}",
                reasons.join("\n")
            )));
        }
        self.issue_prepared(session, &p, method, reason).await
    }

    /// Signs (電子) and registers a prescription already prepared by
    /// [`App::eps_prepare`] with no blocking problem (the command line's
    /// file, or a draft's). See [`App::eps_issue`].
    pub async fn issue_prepared(
        &self,
        session: &Session,
        p: &Prescription,
        method: IssueMethod,
        reason: &str,
    ) -> Result<IssueResult, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let (info, issue_type) = match method {
            IssueMethod::Electronic => {
                let (csv, _) = prescription::build(p, Form::Sj1, false);
                let signed = self.sign_prescription(session, csv).await?;
                (
                    prescription::prescription_info(&signed),
                    IssueType::Electronic,
                )
            }
            IssueMethod::Paper => {
                let (xml, _) = prescription::build(p, Form::Sj1, true);
                (
                    prescription::prescription_info(&String::from_utf8_lossy(&xml)),
                    IssueType::Paper,
                )
            }
        };
        if !reason.trim().is_empty() {
            self.store
                .audit(
                    &session.actor(),
                    AccessEvent::OqsRequest,
                    None,
                    &format!("重複投薬等チェックの指摘を確認して発行: {}", reason.trim()),
                    self.clock.now(),
                )
                .await?;
        }
        let label = IssuedLabel {
            issue_type: match method {
                IssueMethod::Electronic => "electronic",
                IssueMethod::Paper => "paper",
            },
            patient_name: &p.patient.name,
            patient_kana: &p.patient.kana,
            birth_date: &p.patient.birth_date,
            summary: &summary(p),
        };
        let reply = self
            .eps_send_labelled(
                session,
                &Call::Register {
                    prescription_info: info,
                    issue_type,
                },
                Some(label),
            )
            .await?;
        Ok(issue_result(&reply))
    }

    /// 発行済み一覧: registrations since `since` (RFC 3339; empty: any time)
    /// matching `query` (name, カナ, 引換番号 or 処方箋ID), newest first.
    pub async fn issued_prescriptions(
        &self,
        session: &Session,
        since: &str,
        query: &str,
    ) -> Result<Vec<IssuedPrescription>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self
            .store
            .issued_prescriptions(&IssuedFilter {
                since: since.to_string(),
                query: query.trim().to_string(),
                limit: crate::limits::ISSUED_ROWS,
            })
            .await?)
    }

    async fn issued_one(
        &self,
        prescription_id: &str,
    ) -> Result<Option<IssuedPrescription>, AppError> {
        Ok(self
            .store
            .issued_prescriptions(&IssuedFilter {
                since: String::new(),
                query: prescription_id.to_string(),
                limit: 1,
            })
            .await?
            .into_iter()
            .next())
    }

    /// Asks the service where a prescription is (C7) and records it.
    pub async fn eps_refresh(
        &self,
        session: &Session,
        prescription_id: &str,
    ) -> Result<StatusResult, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let call = Call::Status {
            prescription_id: prescription_id.to_string(),
        };
        self.send_about(session, &call, prescription_id).await
    }

    /// Sends a status or cancel request; the answer and the prescription as
    /// 発行済み一覧 now shows it.
    async fn send_about(
        &self,
        session: &Session,
        call: &Call,
        prescription_id: &str,
    ) -> Result<StatusResult, AppError> {
        let reply = self.eps_send(session, call).await?;
        Ok(StatusResult {
            succeeded: reply.succeeded,
            service_messages: reply.problems,
            prescription: self.issued_one(prescription_id).await?,
        })
    }

    /// 取消 (C6) with the doctor's reason (in the access log); the service
    /// refuses once a pharmacy has received it.
    pub async fn eps_cancel(
        &self,
        session: &Session,
        prescription_id: &str,
        reason: &str,
    ) -> Result<StatusResult, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("取消の理由を入力してください。"));
        }
        self.store
            .audit(
                &session.actor(),
                AccessEvent::OqsRequest,
                None,
                &format!("処方箋取消 {prescription_id}: {reason}"),
                self.clock.now(),
            )
            .await?;
        let call = Call::Cancel {
            prescription_id: prescription_id.to_string(),
        };
        self.send_about(session, &call, prescription_id).await
    }

    /// The patients the OQS terminal confirmed at reception (its
    /// `OQSsiquc01res_face_*.xml` results in `res`), newest first; a file
    /// that cannot be read is listed with the reason. Reading is logged.
    pub async fn reception_patients(
        &self,
        session: &Session,
    ) -> Result<Vec<ReceptionPatient>, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let config = self.eps_config().await?;
        let exchange = okusuri_oqs::Exchange::new(config.folders, config.timing);
        let files =
            tokio::task::spawn_blocking(move || exchange.reception_results(RECEPTION_SHOWN))
                .await
                .map_err(|e| AppError::new(ErrorCode::IoFailed, e.to_string()))?
                .map_err(|e| AppError::new(ErrorCode::EpsUnreachable, e.to_string()))?;
        let patients: Vec<ReceptionPatient> = files
            .into_iter()
            .map(|(file, _, bytes)| match Qualification::parse(&bytes) {
                Ok(q) => ReceptionPatient {
                    file,
                    confirmed_at: q.confirmed_at.clone(),
                    issue_method: q.issue_type.map(|t| match t {
                        IssueType::Electronic => IssueMethod::Electronic,
                        IssueType::Paper => IssueMethod::Paper,
                    }),
                    draft: Some(Draft {
                        patient: DraftPatient {
                            code: String::new(),
                            name: q.name,
                            kana: q.kana,
                            sex: q.sex,
                            birth_date: q.birth_date,
                        },
                        insurance: DraftInsurance {
                            insurer_number: q.insurer_number,
                            symbol: q.symbol,
                            number: q.number,
                            branch: q.branch,
                            relation: q.relation,
                        },
                        rps: Vec::new(),
                    }),
                    problem: None,
                },
                Err(e) => ReceptionPatient {
                    file,
                    confirmed_at: String::new(),
                    draft: None,
                    issue_method: None,
                    problem: Some(e.to_string()),
                },
            })
            .collect();
        self.store
            .audit(
                &session.actor(),
                AccessEvent::OqsRequest,
                None,
                &format!("資格確認の結果を表示 {}件", patients.len()),
                self.clock.now(),
            )
            .await?;
        Ok(patients)
    }

    /// The draft an issued prescription makes (patient, insurance and RPs):
    /// to prescribe again for the same patient (Do処方).
    pub async fn draft_from_issued(
        &self,
        session: &Session,
        prescription_id: &str,
    ) -> Result<Draft, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let (p, _) = self.registered_prescription(prescription_id).await?;
        Ok(draft_from_prescription(&p))
    }

    /// Reads a prescription file from another EMR (JAHIS CSV, the Document
    /// XML or a 2D symbol's text) into a draft, with what was noticed.
    pub async fn take_in_prescription(
        &self,
        session: &Session,
        bytes: &[u8],
    ) -> Result<(Draft, Vec<ProblemView>), AppError> {
        self.begin(session, Permission::Prescribe)?;
        let bytes = normalize_line_ends(bytes);
        let parsed = prescription::parse(&bytes).map_err(|p| {
            AppError::new(
                ErrorCode::InputInvalid,
                format!("処方箋として読めません: {p}"),
            )
        })?;
        Ok((
            draft_from_prescription(&parsed.prescription),
            parsed.problems.iter().map(ProblemView::from).collect(),
        ))
    }
}

/// A taken-in CSV with the line ends its form asks for (CRLF for JAHIS10,
/// LF for SJ1) and no empty lines: a reader that types a 2D symbol (CR and
/// LF each as Enter), or an editor, changes them, and the content is what
/// matters here. XML is left as it is.
fn normalize_line_ends(bytes: &[u8]) -> Vec<u8> {
    let start = bytes
        .iter()
        .position(|b| !b" \t\r\n".contains(b) && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        .unwrap_or(0);
    if bytes.get(start) == Some(&b'<') {
        return bytes.to_vec();
    }
    let crlf = bytes[start..].starts_with(b"JAHIS");
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' | b'\n' => {
                if !out.is_empty() && out.last() != Some(&b'\n') {
                    if crlf {
                        out.push(b'\r');
                    }
                    out.push(b'\n');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn issue_result(reply: &EpsReply) -> IssueResult {
    IssueResult {
        registered: reply.registered.is_some(),
        prescription_id: reply
            .registered
            .as_ref()
            .map(|r| r.prescription_id.clone())
            .unwrap_or_default(),
        access_code: reply
            .registered
            .as_ref()
            .map(|r| r.access_code.clone())
            .unwrap_or_default(),
        service_messages: reply.problems.clone(),
        identifier: reply.identifier.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use okusuri_eps::masters::{read_drug_master, read_generic_master, read_usage_master};

    fn masters() -> Masters {
        let fx = concat!(env!("CARGO_MANIFEST_DIR"), "/../eps/tests/fixtures/");
        let read =
            |n: &str| std::fs::read(format!("{fx}{n}")).unwrap_or_else(|e| panic!("{n}: {e}"));
        Masters::new(
            read_drug_master(&read("y-slice.csv")).unwrap_or_else(|e| panic!("{e}")),
            read_generic_master(&read("ippan-slice.csv")).unwrap_or_else(|e| panic!("{e}")),
            read_usage_master(&read("jami-usage-codes.json")).unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn draft() -> Draft {
        Draft {
            patient: DraftPatient {
                code: String::new(),
                name: "鈴木　花子".into(),
                kana: "ｽｽﾞｷ ﾊﾅｺ".into(),
                sex: "2".into(),
                birth_date: "19550606".into(),
            },
            insurance: DraftInsurance {
                insurer_number: "06123456".into(),
                symbol: "１２３".into(),
                number: "４５６７".into(),
                branch: "01".into(),
                relation: "1".into(),
            },
            rps: vec![DraftRp {
                form: "1".into(),
                usage: "毎食後".into(),
                usage_code: String::new(),
                quantity: "14".into(),
                drugs: vec![DraftDrug {
                    code_kind: "2".into(),
                    code: "610406387".into(),
                    amount: "3".into(),
                }],
            }],
        }
    }

    #[test]
    fn a_draft_takes_names_units_and_mapped_codes_from_the_masters() {
        let mapping = UsageMapping {
            clinic_usage: "毎食後".into(),
            code: "1013044400000000".into(),
            name: "内服・経口・１日３回朝昼夕食後".into(),
        };
        let p = prescription_from_draft(
            &draft(),
            ("1312345678", "おくすり内科"),
            "山田　一郎",
            "20261204",
            &masters(),
            &[mapping],
        );
        assert_eq!(
            (
                p.institution.prefecture.as_str(),
                p.institution.kind.as_str(),
                p.institution.code.as_str()
            ),
            ("13", "1", "2345678")
        );
        let rp = &p.rps[0];
        assert_eq!(rp.usage.code, "1013044400000000");
        assert_eq!(rp.usage.times_per_day, "3");
        assert_eq!(
            (rp.drugs[0].name.as_str(), rp.drugs[0].unit.as_str()),
            ("ハイペン錠１００ｍｇ", "錠")
        );
        let (csv, _) = prescription::build(&p, Form::Sj1, false);
        let read = prescription::csv::read(&csv).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = prescription::validate(&read)
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(masters().check(&p, "20261204").is_empty());
    }

    #[test]
    fn an_unmapped_usage_and_an_unknown_drug_block_the_review() {
        let mut d = draft();
        d.rps[0].drugs.push(DraftDrug {
            code_kind: "2".into(),
            code: "999999999".into(),
            amount: "1".into(),
        });
        let m = masters();
        let p = prescription_from_draft(&d, ("1312345678", "x"), "医師", "20261204", &m, &[]);
        let problems = m.check(&p, "20261204");
        let review = review_of(&p, &problems, &d);
        assert!(!review.ready);
        assert_eq!(review.unmapped_usages, vec!["毎食後".to_string()]);
        let text: Vec<&str> = review.problems.iter().map(|p| p.text.as_str()).collect();
        assert!(text.iter().any(|t| t.contains("用法の紐付け")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("999999999")), "{text:?}");
    }

    #[test]
    fn a_taken_in_prescription_keeps_its_codes() {
        let fx = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../eps/tests/fixtures/prescription-sj1.csv"
        );
        let bytes = std::fs::read(fx).unwrap_or_else(|e| panic!("{e}"));
        let parsed = prescription::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let d = draft_from_prescription(&parsed.prescription);
        assert_eq!(d.patient.name, "鈴木　花子");
        assert_eq!(d.rps.len(), 3);
        assert_eq!(d.rps[1].drugs[0].code_kind, "7");
        assert_eq!(d.rps[0].usage_code, "1013044400000000");
    }

    #[test]
    fn line_ends_follow_the_form() {
        assert_eq!(
            normalize_line_ends(b"JAHIS10\n1,1\r2\r\n"),
            b"JAHIS10\r\n1,1\r\n2\r\n"
        );
        assert_eq!(
            normalize_line_ends(b"JAHIS10\r\r\n\n1,1\n\n"),
            b"JAHIS10\r\n1,1\r\n"
        );
        assert_eq!(normalize_line_ends(b"SJ1\r\n1,1\r\n"), b"SJ1\n1,1\n");
        assert_eq!(normalize_line_ends(b"<Document>\r\n"), b"<Document>\r\n");
    }

    #[test]
    fn times_per_day_comes_from_the_standard_name() {
        assert_eq!(times_per_day("内服・経口・１日３回朝昼夕食後"), "3");
        assert_eq!(times_per_day("1日2回朝夕食後"), "2");
        assert_eq!(times_per_day("疼痛時"), "");
    }
}
