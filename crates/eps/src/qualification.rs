//! 資格確認 results the OQS terminal writes into `res` after a patient's
//! reception (マイナ受付: `OQSsiquc01res_face_*.xml`): who the patient is, their
//! insurance, and the 発行方法 they chose (`PrescriptionIssueSelect`). Read
//! only — the files belong to the reception system.
//!
//! Element names are those seen in public code (see `specs/eps-oqs.md`);
//! `PersonalFamilyClassification` (本人・家族) is **unverified**: without it the
//! doctor chooses.

use serde::Serialize;

use crate::calls::IssueType;
use crate::{EpsError, Response};

/// The file-name start of a result the terminal writes after reception.
pub const FACE_PREFIX: &str = "OQSsiquc01res_face_";

/// One patient as the 資格確認 result names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qualification {
    /// 氏名.
    pub name: String,
    /// カナ氏名, half-width as a prescription writes it.
    pub kana: String,
    /// `1` 男, `2` 女.
    pub sex: String,
    /// 生年月日 (YYYYMMDD).
    pub birth_date: String,
    /// 保険者番号 (spaces removed).
    pub insurer_number: String,
    /// 記号.
    pub symbol: String,
    /// 番号.
    pub number: String,
    /// 枝番.
    pub branch: String,
    /// `1` 本人, `2` 家族, or empty when the file does not say (unverified element).
    pub relation: String,
    /// What the patient chose at reception, if the result says.
    pub issue_type: Option<IssueType>,
    /// When the terminal confirmed it (`ProcessExecutionTime`, yyyyMMddHHmmss).
    pub confirmed_at: String,
}

impl Qualification {
    /// Reads a result file; refused with the reason when it is not a
    /// successful 資格確認 naming a patient.
    pub fn parse(bytes: &[u8]) -> Result<Qualification, EpsError> {
        let r = Response::parse(bytes)?;
        if !r.succeeded() {
            return Err(EpsError::Malformed(format!(
                "資格確認の結果がエラーです（{}）",
                r.problems().join(" ")
            )));
        }
        let field = |n: &str| r.field(n).unwrap_or_default().trim().to_string();
        let name = field("Name");
        if name.is_empty() {
            return Err(EpsError::Malformed(
                "資格確認の結果に氏名がありません".into(),
            ));
        }
        Ok(Qualification {
            name,
            kana: halfwidth_kana(&field("NameKana")),
            sex: field("Sex1"),
            birth_date: field("Birthdate"),
            insurer_number: field("InsurerNumber").replace(' ', ""),
            symbol: field("InsuredCardSymbol"),
            number: field("InsuredIdentificationNumber"),
            branch: field("InsuredBranchNumber"),
            relation: field("PersonalFamilyClassification"),
            issue_type: match field("PrescriptionIssueSelect").as_str() {
                "1" => Some(IssueType::Electronic),
                "2" => Some(IssueType::Paper),
                _ => None,
            },
            confirmed_at: r
                .header_field("ProcessExecutionTime")
                .unwrap_or_default()
                .to_string(),
        })
    }
}

/// Full-width katakana (and the ideographic space) as half-width, the form a
/// prescription's カナ氏名 takes; other characters are kept.
pub fn halfwidth_kana(text: &str) -> String {
    const PLAIN: &str = "ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロワヲンー";
    const HALF: &[&str] = &[
        "ｧ", "ｱ", "ｨ", "ｲ", "ｩ", "ｳ", "ｪ", "ｴ", "ｫ", "ｵ", "ｶ", "ｷ", "ｸ", "ｹ", "ｺ", "ｻ", "ｼ", "ｽ",
        "ｾ", "ｿ", "ﾀ", "ﾁ", "ｯ", "ﾂ", "ﾃ", "ﾄ", "ﾅ", "ﾆ", "ﾇ", "ﾈ", "ﾉ", "ﾊ", "ﾋ", "ﾌ", "ﾍ", "ﾎ",
        "ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ", "ｬ", "ﾔ", "ｭ", "ﾕ", "ｮ", "ﾖ", "ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ", "ﾜ", "ｦ",
        "ﾝ", "ｰ",
    ];
    const VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボヴ";
    const VOICED_BASE: &str = "カキクケコサシスセソタチツテトハヒフヘホウ";
    const SEMI: &str = "パピプペポ";
    const SEMI_BASE: &str = "ハヒフヘホ";
    let half_of = |c: char| {
        PLAIN
            .chars()
            .position(|p| p == c)
            .and_then(|i| HALF.get(i).copied())
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '　' {
            out.push(' ');
        } else if let Some(h) = half_of(c) {
            out.push_str(h);
        } else if let Some(i) = VOICED.chars().position(|v| v == c) {
            let base = VOICED_BASE
                .chars()
                .nth(i)
                .and_then(half_of)
                .unwrap_or_default();
            out.push_str(base);
            out.push('ﾞ');
        } else if let Some(i) = SEMI.chars().position(|v| v == c) {
            let base = SEMI_BASE
                .chars()
                .nth(i)
                .and_then(half_of)
                .unwrap_or_default();
            out.push_str(base);
            out.push('ﾟ');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACE: &[u8] = include_bytes!("../tests/fixtures/qualification-face.xml");

    #[test]
    fn a_reception_result_names_the_patient_and_their_choice() {
        let q = Qualification::parse(FACE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                q.name.as_str(),
                q.kana.as_str(),
                q.sex.as_str(),
                q.birth_date.as_str()
            ),
            ("高橋　三郎", "ﾀｶﾊｼ ｻﾌﾞﾛｳ", "1", "19620315")
        );
        assert_eq!(
            (
                q.insurer_number.as_str(),
                q.symbol.as_str(),
                q.number.as_str(),
                q.branch.as_str()
            ),
            ("06123456", "１２３", "４５６７", "01")
        );
        assert_eq!(q.issue_type, Some(IssueType::Paper));
        assert_eq!(q.confirmed_at, "20261204091530");
    }

    #[test]
    fn an_error_result_or_one_without_a_name_is_refused() {
        let text = String::from_utf8_lossy(FACE);
        let failed = text.replace(
            "<ProcessingResultStatus>1</ProcessingResultStatus>",
            "<ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>OQSE0001</ProcessingResultCode><ProcessingResultMessage>該当資格なし</ProcessingResultMessage>",
        );
        let e = Qualification::parse(failed.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("該当資格なし"), "{e}");
        let nameless = text.replace("<Name>高橋　三郎</Name>", "");
        assert!(Qualification::parse(nameless.as_bytes()).is_err());
        assert!(Qualification::parse(&FACE[..FACE.len() / 2]).is_err());
    }

    #[test]
    fn katakana_becomes_half_width_with_its_marks() {
        assert_eq!(halfwidth_kana("ガッコウ　パン"), "ｶﾞｯｺｳ ﾊﾟﾝ");
        assert_eq!(halfwidth_kana("ヴィー"), "ｳﾞｨｰ");
        assert_eq!(halfwidth_kana("ｽｽﾞｷ"), "ｽｽﾞｷ");
    }
}
