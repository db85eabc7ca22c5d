//! The 電子処方箋 operations as typed requests and answers: what the doctor's
//! screens and the CLI send (check, register, copy, cancel, status, prepare)
//! and what they read back. Element names come from the operation table's
//! schema; a body element the table does not list for the operation is
//! refused, so code and table cannot drift apart.

use serde::Serialize;

use crate::EpsError;
use crate::message::{Element, Request, Response};
use crate::operations::{Operation, Operations};

/// 1 電子処方箋 (signed) or 2 紙の処方箋 (registered unsigned, 引換番号 printed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IssueType {
    /// 1: 電子処方箋.
    Electronic,
    /// 2: 紙の処方箋.
    Paper,
}

impl IssueType {
    /// The code sent as `IssueType`.
    pub fn code(self) -> &'static str {
        match self {
            IssueType::Electronic => "1",
            IssueType::Paper => "2",
        }
    }
}

/// One request, before it has an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// 重複投薬等チェック 事前準備: the patient's insurance identifiers.
    Prepare {
        /// 保険者番号.
        insurer: String,
        /// 記号.
        symbol: String,
        /// 番号.
        number: String,
        /// 枝番.
        branch: String,
        /// 生年月日 (YYYYMMDD).
        birth_date: String,
    },
    /// 重複投薬等チェック with the unsigned draft document (Base64).
    Check {
        /// Base64 of the unsigned `Document`.
        prescription_info: String,
        /// Whether this clinic's own prescriptions are checked too (自院分を含める).
        include_own: bool,
        /// Whether the patient consented orally (口頭同意), recorded by the doctor.
        oral_consent: bool,
    },
    /// 処方箋登録.
    Register {
        /// Base64 of the `Document` (signed for 電子, unsigned for 紙).
        prescription_info: String,
        /// 電子 or 紙.
        issue_type: IssueType,
    },
    /// 処方箋控え取得.
    Copy {
        /// 処方箋ID.
        prescription_id: String,
    },
    /// 処方箋取消.
    Cancel {
        /// 処方箋ID.
        prescription_id: String,
    },
    /// 処方箋ステータス取得.
    Status {
        /// 処方箋ID.
        prescription_id: String,
    },
}

impl Call {
    /// The operation table's key for this call.
    pub fn key(&self) -> &'static str {
        match self {
            Call::Prepare { .. } => "check_prepare",
            Call::Check { .. } => "check",
            Call::Register { .. } => "register",
            Call::Copy { .. } => "copy",
            Call::Cancel { .. } => "cancel",
            Call::Status { .. } => "status",
        }
    }

    /// The 処方箋ID the call is about (status, cancel, copy).
    pub fn prescription_id(&self) -> Option<&str> {
        match self {
            Call::Copy { prescription_id }
            | Call::Cancel { prescription_id }
            | Call::Status { prescription_id } => Some(prescription_id),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let flag = |b: bool, yes: &str, no: &str| if b { yes.to_string() } else { no.to_string() };
        match self {
            Call::Prepare {
                insurer,
                symbol,
                number,
                branch,
                birth_date,
            } => vec![
                ("InsurerNumber", format!("{insurer:>8}")),
                ("InsuredCardSymbol", symbol.clone()),
                ("InsuredIdentificationNumber", number.clone()),
                ("InsuredBranchNumber", branch.clone()),
                ("Birthdate", birth_date.clone()),
            ],
            Call::Check {
                prescription_info,
                include_own,
                oral_consent,
            } => vec![
                ("PrescriptionInfo", prescription_info.clone()),
                (
                    "SameMedicalInstitutionAlertFlg",
                    flag(*include_own, "2", "1"),
                ),
                ("OralBrowsingConsent", flag(*oral_consent, "1", "0")),
            ],
            Call::Register {
                prescription_info,
                issue_type,
            } => vec![
                ("PrescriptionInfo", prescription_info.clone()),
                ("IssueType", issue_type.code().to_string()),
            ],
            Call::Copy { prescription_id }
            | Call::Cancel { prescription_id }
            | Call::Status { prescription_id } => {
                vec![("PrescriptionId", prescription_id.clone())]
            }
        }
    }

    /// The operation of this call in `ops`, or why it cannot be sent.
    pub fn operation<'a>(&self, ops: &'a Operations) -> Result<&'a Operation, EpsError> {
        let op = ops.get(self.key()).ok_or_else(|| {
            EpsError::Table(format!("操作「{}」が操作表にありません。", self.key()))
        })?;
        op.prefix()?;
        Ok(op)
    }

    /// The request file's name and bytes, for the clinic `institution` (10
    /// digits) and the identifier `id` (echoed by the answer).
    pub fn request(
        &self,
        ops: &Operations,
        institution: &str,
        id: &str,
    ) -> Result<(String, Vec<u8>), EpsError> {
        let op = self.operation(ops)?;
        let mut body = Vec::new();
        for (name, text) in self.fields() {
            if !op.request.iter().any(|n| n == name) {
                return Err(EpsError::Table(format!(
                    "操作表の「{}」の request に {name} がありません。",
                    op.key
                )));
            }
            body.push(Element {
                name: name.into(),
                text,
                children: vec![],
            });
        }
        let request = Request {
            medical_institution_code: institution.into(),
            arbitrary_file_identifier: id.into(),
            header: vec![],
            body,
        };
        Ok((op.request_file(id)?, request.to_xml()?))
    }
}

/// What a registration returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registered {
    /// 処方箋ID.
    pub prescription_id: String,
    /// 引換番号 (given to the patient).
    pub access_code: String,
}

impl Registered {
    /// The IDs of a successful registration; `None` when the answer is not one.
    pub fn from_response(r: &Response) -> Option<Registered> {
        if !r.succeeded() {
            return None;
        }
        Some(Registered {
            prescription_id: r.field("PrescriptionId")?.to_string(),
            access_code: r.field("AccessCode")?.to_string(),
        })
    }
}

/// A prescription's state as the service reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrescriptionState {
    /// The sentence, verbatim (`薬局にて受付されていません。` …).
    pub sentence: String,
    /// Our reading of it.
    pub stage: Stage,
    /// 受付薬局コード.
    pub pharmacy_code: String,
    /// 受付薬局名.
    pub pharmacy_name: String,
    /// 伝達事項あり (`MessageFlg` 2).
    pub has_message: bool,
    /// 調剤結果 (Base64), when dispensed.
    pub dispensing_result: Option<String>,
}

/// Where a prescription is, read from the service's sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stage {
    /// 取消.
    Cancelled,
    /// 未受付: the only stage in which it can be cancelled.
    NotReceived,
    /// 調剤中.
    Dispensing,
    /// 調剤済.
    Dispensed,
    /// 回収済.
    Collected,
    /// A sentence we do not know (shown verbatim).
    Unknown,
}

impl Stage {
    /// Our reading of the service's sentence.
    pub fn from_sentence(s: &str) -> Stage {
        if s.contains("取消") {
            Stage::Cancelled
        } else if s.contains("受付されていません") {
            Stage::NotReceived
        } else if s.contains("調剤中") {
            Stage::Dispensing
        } else if s.contains("調剤済") {
            Stage::Dispensed
        } else if s.contains("回収済") {
            Stage::Collected
        } else {
            Stage::Unknown
        }
    }

    /// The sentence the service uses for this stage (as seen in public code).
    pub fn sentence(self) -> &'static str {
        match self {
            Stage::Cancelled => "当該処方箋は処方箋取消されています。",
            Stage::NotReceived => "薬局にて受付されていません。",
            Stage::Dispensing => "薬局にて調剤中です。",
            Stage::Dispensed => "薬局にて調剤済です。",
            Stage::Collected => "薬局にて回収済です。",
            Stage::Unknown => "",
        }
    }
}

impl PrescriptionState {
    /// The state in a successful status answer.
    pub fn from_response(r: &Response) -> Option<PrescriptionState> {
        if !r.succeeded() {
            return None;
        }
        let sentence = r.field("PrescriptionStatus")?.to_string();
        Some(PrescriptionState {
            stage: Stage::from_sentence(&sentence),
            sentence,
            pharmacy_code: r.field("ReceptionPharmacyCode").unwrap_or_default().into(),
            pharmacy_name: r.field("ReceptionPharmacyName").unwrap_or_default().into(),
            has_message: r.field("MessageFlg") == Some("2"),
            dispensing_result: r.field("DispensingResult").map(str::to_string),
        })
    }
}

/// One message of a duplicate-medication check. Element names are our
/// reading of public EMR code (**unverified**).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckMessage {
    /// 分類 (重複 / 併用禁忌).
    pub category: String,
    /// 対象成分.
    pub ingredient: String,
    /// The service's message, verbatim.
    pub message: String,
    /// 今回の薬: code and name.
    pub target_code: String,
    /// 今回の薬の名称.
    pub target_name: String,
    /// 過去の薬: 調剤日 (empty without consent).
    pub past_date: String,
    /// 過去の薬の名称 (empty without consent).
    pub past_name: String,
    /// 過去の医療機関 (empty without consent).
    pub past_institution: String,
    /// 過去の薬局 (empty without consent).
    pub past_pharmacy: String,
}

/// The outcome of a duplicate-medication check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckOutcome {
    /// True when the service found duplicates or contraindications.
    pub found: bool,
    /// Each message.
    pub messages: Vec<CheckMessage>,
}

impl CheckOutcome {
    /// The outcome in a successful check answer.
    pub fn from_response(r: &Response) -> Option<CheckOutcome> {
        if !r.succeeded() {
            return None;
        }
        let mut items = Vec::new();
        r.body.find_all(&|n| n == "CheckMessage", &mut items);
        let text = |e: &Element, n: &str| e.text_of(n).unwrap_or_default().to_string();
        let messages: Vec<CheckMessage> = items
            .into_iter()
            .map(|e| CheckMessage {
                category: text(e, "MessageCategory"),
                ingredient: text(e, "PharmaceuticalsIngredientName"),
                message: text(e, "Message"),
                target_code: text(e, "TargetPharmaceuticalCode"),
                target_name: text(e, "TargetPharmaceuticalName"),
                past_date: text(e, "PastDate"),
                past_name: text(e, "PastPharmaceuticalName"),
                past_institution: text(e, "PastMedicalInstitutionName"),
                past_pharmacy: text(e, "PastInsurancePharmacyName"),
            })
            .collect();
        Some(CheckOutcome {
            found: r.field("CheckResult") == Some("1") || !messages.is_empty(),
            messages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_sends_a_registration_and_refuses_a_cancel() {
        let ops = Operations::built_in().unwrap_or_else(|e| panic!("{e}"));
        let call = Call::Register {
            prescription_info: "UEk=".into(),
            issue_type: IssueType::Paper,
        };
        let (name, bytes) = call
            .request(&ops, "1312345678", "R1")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(name, "EPSsiPIR01req_R1.xml");
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert!(
            text.contains("<PrescriptionInfo>UEk=</PrescriptionInfo><IssueType>2</IssueType>"),
            "{text}"
        );
        assert!(text.contains("<ArbitraryFileIdentifier>R1</ArbitraryFileIdentifier>"));
        let cancel = Call::Cancel {
            prescription_id: "X".into(),
        };
        let e = cancel
            .request(&ops, "1312345678", "R2")
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("処方箋取消"), "{e}");
    }

    #[test]
    fn an_element_the_table_does_not_list_is_refused() {
        let table = crate::operations::BUILT_IN.replace(
            "request = [\"PrescriptionInfo\", \"IssueType\"]",
            "request = [\"PrescriptionInfo\"]",
        );
        let ops = Operations::parse(&table).unwrap_or_else(|e| panic!("{e}"));
        let call = Call::Register {
            prescription_info: "x".into(),
            issue_type: IssueType::Electronic,
        };
        let e = call
            .request(&ops, "1312345678", "R1")
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("IssueType"), "{e}");
    }

    #[test]
    fn the_five_sentences_map_to_stages_and_back() {
        for stage in [
            Stage::Cancelled,
            Stage::NotReceived,
            Stage::Dispensing,
            Stage::Dispensed,
            Stage::Collected,
        ] {
            assert_eq!(Stage::from_sentence(stage.sentence()), stage);
        }
        assert_eq!(Stage::from_sentence("新しい文"), Stage::Unknown);
    }
}
