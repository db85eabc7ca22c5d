//! The journal of requests to the OQS terminal. A request is recorded
//! (`intended`) **before** its file is written, then marked `sent`,
//! `answered`, `not_sent` (the write failed: the terminal never saw it) or
//! `unknown` (no answer in time: 結果不明). Nothing here resends: an
//! `unknown` registration is reconciled by the doctor (status or cancel).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access_log::AccessEvent;
use crate::{Actor, Store, StoreError, timestamp};

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Recorded, its file not yet written.
    Intended,
    /// Written into `req`; waiting for the answer.
    Sent,
    /// Answered (successfully or not: see `succeeded`).
    Answered,
    /// The file could not be written; the terminal never saw it.
    NotSent,
    /// No answer within the time allowed: 結果不明.
    Unknown,
}

impl RequestState {
    /// The stable text stored.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Intended => "intended",
            RequestState::Sent => "sent",
            RequestState::Answered => "answered",
            RequestState::NotSent => "not_sent",
            RequestState::Unknown => "unknown",
        }
    }

    /// The Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            RequestState::Intended => "送信準備",
            RequestState::Sent => "応答待ち",
            RequestState::Answered => "応答あり",
            RequestState::NotSent => "未送信",
            RequestState::Unknown => "結果不明",
        }
    }

    fn parse(text: &str) -> RequestState {
        match text {
            "intended" => RequestState::Intended,
            "sent" => RequestState::Sent,
            "answered" => RequestState::Answered,
            "not_sent" => RequestState::NotSent,
            _ => RequestState::Unknown,
        }
    }
}

/// A request about to be written.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    /// `ArbitraryFileIdentifier` (unique).
    pub identifier: &'a str,
    /// The operation table's key.
    pub operation: &'a str,
    /// The request file's name.
    pub file_name: &'a str,
    /// 医療機関コード (10).
    pub institution_code: &'a str,
    /// The request's bytes, exactly as written.
    pub request_xml: &'a [u8],
    /// The 処方箋ID it is about (status, cancel, copy), if any.
    pub prescription_id: Option<&'a str>,
    /// For a registration: what 発行済み一覧 shows of it.
    pub issued: Option<IssuedLabel<'a>>,
}

/// What 発行済み一覧 shows of a registration, recorded with its request.
#[derive(Debug, Clone)]
pub struct IssuedLabel<'a> {
    /// `electronic` or `paper`.
    pub issue_type: &'a str,
    /// 患者漢字氏名.
    pub patient_name: &'a str,
    /// 患者カナ氏名.
    pub patient_kana: &'a str,
    /// 生年月日 (YYYYMMDD).
    pub birth_date: &'a str,
    /// The drugs, one line.
    pub summary: &'a str,
}

/// A prescription's state as the service reported it, recorded with the answer.
#[derive(Debug, Clone)]
pub struct StageRecord<'a> {
    /// The prescription's 処方箋ID.
    pub prescription_id: &'a str,
    /// `not_received`, `dispensing`, `dispensed`, `collected`, `cancelled` or `unknown`.
    pub stage: &'a str,
    /// The service's sentence, verbatim.
    pub sentence: &'a str,
    /// 受付薬局, when one has it.
    pub pharmacy: &'a str,
}

/// What an answer said, to be recorded.
#[derive(Debug, Clone, Default)]
pub struct AnswerRecord<'a> {
    /// The answer's bytes.
    pub answer_xml: &'a [u8],
    /// Whether the service accepted the request.
    pub succeeded: bool,
    /// Codes and messages, verbatim, one per line.
    pub outcome: &'a str,
    /// 処方箋ID, when the answer (or the request) names one.
    pub prescription_id: Option<&'a str>,
    /// 引換番号, when registered.
    pub access_code: Option<&'a str>,
    /// The prescription's state, when the answer reports one (status, cancel).
    pub stage: Option<StageRecord<'a>>,
}

/// One journalled request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestEntry {
    /// Row ID.
    pub id: i64,
    /// `ArbitraryFileIdentifier`.
    pub identifier: String,
    /// The operation table's key.
    pub operation: String,
    /// The request file's name.
    pub file_name: String,
    /// 医療機関コード.
    pub institution_code: String,
    /// Where it is.
    pub state: RequestState,
    /// When it was recorded (UTC RFC 3339).
    pub created_at: String,
    /// When it was answered.
    pub answered_at: Option<String>,
    /// Whether the service accepted it (once answered).
    pub succeeded: Option<bool>,
    /// Codes and messages, verbatim.
    pub outcome: Option<String>,
    /// 処方箋ID.
    pub prescription_id: Option<String>,
    /// 引換番号.
    pub access_code: Option<String>,
}

struct Row {
    id: i64,
    identifier: String,
    operation: String,
    file_name: String,
    institution_code: String,
    state: String,
    created_at: String,
    answered_at: Option<String>,
    succeeded: Option<i64>,
    outcome: Option<String>,
    prescription_id: Option<String>,
    access_code: Option<String>,
}

impl From<Row> for RequestEntry {
    fn from(r: Row) -> Self {
        RequestEntry {
            id: r.id,
            identifier: r.identifier,
            operation: r.operation,
            file_name: r.file_name,
            institution_code: r.institution_code,
            state: RequestState::parse(&r.state),
            created_at: r.created_at,
            answered_at: r.answered_at,
            succeeded: r.succeeded.map(|v| v != 0),
            outcome: r.outcome,
            prescription_id: r.prescription_id,
            access_code: r.access_code,
        }
    }
}

/// The journal at a glance, for the tray and the screens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JournalSummary {
    /// Requests written and waiting for their answer.
    pub waiting: i64,
    /// Requests whose outcome is unknown (結果不明), to reconcile.
    pub unknown: i64,
    /// When the last answer came (UTC RFC 3339).
    pub last_answer_at: Option<String>,
}

impl Store {
    /// How many requests wait, how many are 結果不明, and when the last answer came.
    pub async fn journal_summary(&self) -> Result<JournalSummary, StoreError> {
        let row = sqlx::query!(
            r#"SELECT
                 coalesce(sum(state = 'sent'), 0) AS "waiting!: i64",
                 coalesce(sum(state = 'unknown'), 0) AS "unknown!: i64",
                 max(answered_at) AS "last: String"
               FROM eps_request"#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(JournalSummary {
            waiting: row.waiting,
            unknown: row.unknown,
            last_answer_at: row.last,
        })
    }

    /// Records a request before its file is written; returns its row ID.
    pub async fn journal_intent(
        &self,
        actor: &Actor,
        r: &NewRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        let at = timestamp(now);
        let staff = actor.staff_id;
        let id = sqlx::query_scalar!(
            "INSERT INTO eps_request (identifier, operation, file_name, institution_code, request_xml, state, created_at, staff_id, prescription_id)
             VALUES (?, ?, ?, ?, ?, 'intended', ?, ?, ?) RETURNING id",
            r.identifier, r.operation, r.file_name, r.institution_code, r.request_xml, at, staff, r.prescription_id
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if let Some(l) = &r.issued {
            sqlx::query!(
                "INSERT INTO eps_prescription (request_id, issue_type, patient_name, patient_kana, birth_date, summary)
                 VALUES (?, ?, ?, ?, ?, ?)",
                id, l.issue_type, l.patient_name, l.patient_kana, l.birth_date, l.summary
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        tx.log(
            AccessEvent::OqsRequest,
            None,
            &format!("{} {} intended", r.operation, r.identifier),
        );
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a request to `state` (sent, not sent, unknown), with a note for the log.
    pub async fn journal_state(
        &self,
        actor: &Actor,
        id: i64,
        state: RequestState,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        let at = timestamp(now);
        let s = state.as_str();
        let sent_at = (state == RequestState::Sent).then_some(at.clone());
        let outcome = (!note.is_empty()).then_some(note);
        sqlx::query!(
            "UPDATE eps_request SET state = ?, sent_at = coalesce(?, sent_at), outcome = coalesce(?, outcome) WHERE id = ?",
            s, sent_at, outcome, id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(AccessEvent::OqsRequest, None, &format!("request {id} {s}"));
        tx.commit().await
    }

    /// Records the answer to a request.
    pub async fn journal_answer(
        &self,
        actor: &Actor,
        id: i64,
        a: &AnswerRecord<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        let at = timestamp(now);
        let ok = i64::from(a.succeeded);
        sqlx::query!(
            "UPDATE eps_request SET state = 'answered', answered_at = ?, answer_xml = ?, succeeded = ?, outcome = ?,
             prescription_id = coalesce(?, prescription_id), access_code = coalesce(?, access_code) WHERE id = ?",
            at, a.answer_xml, ok, a.outcome, a.prescription_id, a.access_code, id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if let Some(st) = &a.stage {
            sqlx::query!(
                "UPDATE eps_prescription SET stage = ?, sentence = ?, pharmacy = ?, stage_at = ?
                 WHERE request_id IN (SELECT id FROM eps_request WHERE operation = 'register' AND succeeded = 1 AND prescription_id = ?)",
                st.stage, st.sentence, st.pharmacy, at, st.prescription_id
            )
            .execute(&mut **tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        tx.log(
            AccessEvent::OqsRequest,
            None,
            &format!("request {id} answered ok={ok}"),
        );
        tx.commit().await
    }

    /// The newest requests first (at most `limit`), optionally only in `state`.
    pub async fn journal(
        &self,
        state: Option<RequestState>,
        limit: i64,
    ) -> Result<Vec<RequestEntry>, StoreError> {
        let s = state.map(RequestState::as_str);
        let rows = sqlx::query_as!(
            Row,
            "SELECT id, identifier, operation, file_name, institution_code, state, created_at, answered_at, succeeded, outcome, prescription_id, access_code
             FROM eps_request WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2",
            s, limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(rows.into_iter().map(RequestEntry::from).collect())
    }

    /// The request with this identifier.
    pub async fn journal_entry(
        &self,
        identifier: &str,
    ) -> Result<Option<RequestEntry>, StoreError> {
        let row = sqlx::query_as!(
            Row,
            "SELECT id, identifier, operation, file_name, institution_code, state, created_at, answered_at, succeeded, outcome, prescription_id, access_code
             FROM eps_request WHERE identifier = ?",
            identifier
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(row.map(RequestEntry::from))
    }
}
