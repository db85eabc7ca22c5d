//! 発行済み一覧 (C6, C7): registrations with what the patient and the service
//! said of them, newest first. Rows are written with their journal entries
//! (see [`crate::NewRequest::issued`] and [`crate::AnswerRecord::stage`]).

use serde::Serialize;

use crate::{Store, StoreError};

/// Which registrations to list.
#[derive(Debug, Clone, Default)]
pub struct IssuedFilter {
    /// Registered on or after this instant (UTC RFC 3339); empty: any time.
    pub since: String,
    /// Part of the patient's name or カナ, or a whole 引換番号 / 処方箋ID; empty: all.
    pub query: String,
    /// At most this many rows.
    pub limit: i64,
}

/// One registration as 発行済み一覧 shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IssuedPrescription {
    /// The registration's `ArbitraryFileIdentifier`.
    pub identifier: String,
    /// Where the registration request is (`answered`, `unknown` = 結果不明, …).
    pub request_state: String,
    /// True when the service registered it.
    pub registered: bool,
    /// The service's codes and messages when it refused (or why it is unknown).
    pub outcome: String,
    /// When it was sent (UTC RFC 3339).
    pub created_at: String,
    /// 処方箋ID.
    pub prescription_id: Option<String>,
    /// 引換番号.
    pub access_code: Option<String>,
    /// `electronic` or `paper`.
    pub issue_type: String,
    /// 患者漢字氏名.
    pub patient_name: String,
    /// 患者カナ氏名.
    pub patient_kana: String,
    /// 生年月日 (YYYYMMDD).
    pub birth_date: String,
    /// The drugs, one line.
    pub summary: String,
    /// The service's last reported state (`not_received`, `dispensing`, …), if asked.
    pub stage: Option<String>,
    /// The service's sentence, verbatim.
    pub sentence: Option<String>,
    /// 受付薬局.
    pub pharmacy: Option<String>,
    /// When the state was reported.
    pub stage_at: Option<String>,
}

/// A registration's request, as sent (for printing its 処方箋 or 控え).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The request's bytes.
    pub request_xml: Vec<u8>,
    /// `electronic` or `paper`.
    pub issue_type: String,
    /// 引換番号.
    pub access_code: String,
    /// When it was sent (UTC RFC 3339).
    pub created_at: String,
}

impl Store {
    /// The successful registration of `prescription_id`, if there is one.
    pub async fn registration(
        &self,
        prescription_id: &str,
    ) -> Result<Option<Registration>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT r.request_xml, p.issue_type, r.access_code AS "access_code!", r.created_at
               FROM eps_request r JOIN eps_prescription p ON p.request_id = r.id
               WHERE r.operation = 'register' AND r.succeeded = 1 AND r.prescription_id = ?1
                 AND r.access_code IS NOT NULL"#,
            prescription_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(row.map(|r| Registration {
            request_xml: r.request_xml,
            issue_type: r.issue_type,
            access_code: r.access_code,
            created_at: r.created_at,
        }))
    }

    /// Registrations matching `filter`, newest first.
    pub async fn issued_prescriptions(
        &self,
        filter: &IssuedFilter,
    ) -> Result<Vec<IssuedPrescription>, StoreError> {
        let like = format!("%{}%", filter.query.replace(['%', '_'], ""));
        let rows = sqlx::query!(
            r#"SELECT r.identifier, r.state, r.succeeded, r.outcome, r.created_at, r.prescription_id, r.access_code,
                      p.issue_type, p.patient_name, p.patient_kana, p.birth_date, p.summary,
                      p.stage, p.sentence, p.pharmacy, p.stage_at
               FROM eps_prescription p JOIN eps_request r ON r.id = p.request_id
               WHERE r.created_at >= ?1
                 AND (?2 = '' OR p.patient_name LIKE ?3 OR p.patient_kana LIKE ?3
                      OR r.access_code = ?2 OR r.prescription_id = ?2)
               ORDER BY r.id DESC LIMIT ?4"#,
            filter.since,
            filter.query,
            like,
            filter.limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(rows
            .into_iter()
            .map(|r| IssuedPrescription {
                identifier: r.identifier,
                registered: r.succeeded == Some(1) && r.prescription_id.is_some(),
                request_state: r.state,
                outcome: r.outcome.unwrap_or_default(),
                created_at: r.created_at,
                prescription_id: r.prescription_id,
                access_code: r.access_code,
                issue_type: r.issue_type,
                patient_name: r.patient_name,
                patient_kana: r.patient_kana,
                birth_date: r.birth_date,
                summary: r.summary,
                stage: r.stage,
                sentence: r.sentence,
                pharmacy: r.pharmacy,
                stage_at: r.stage_at,
            })
            .collect())
    }
}
