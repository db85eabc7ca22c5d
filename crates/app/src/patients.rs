//! The counter's patient use cases: the list, search, opening a patient and
//! reading their お薬履歴, 市販薬, からだの情報 / メモ (each read audited), and
//! adding or withdrawing notes (P1, P4–P6).

use okusuri_store::history::OtcEntry;
use okusuri_store::patients::PatientSummary;
use okusuri_store::{
    AccessEvent, BodyKind, Cursor, HistoryFilter, HistoryPage, PatientListDay, PatientNoteEntry,
};

use okusuri_domain::history::HistoryDispensing;

use crate::limits::{HISTORY_PAGE, LIST_DAYS, LIST_LIMIT, SEARCH_LIMIT};
use crate::{App, AppError, Permission, Session};

impl App {
    /// Today's and recent days' patients, in the facility's local time.
    pub async fn patient_list(&self, session: &Session) -> Result<Vec<PatientListDay>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let now = self.clock.local_now();
        Ok(self
            .store
            .patient_list(now.date_naive(), *now.offset(), LIST_DAYS)
            .await?)
    }

    /// Patients by kana, kanji or birth date (the window's search).
    pub async fn search_patients(
        &self,
        session: &Session,
        query: &str,
    ) -> Result<Vec<PatientSummary>, AppError> {
        self.search_up_to(session, query, SEARCH_LIMIT).await
    }

    /// Patients listed by the command line (all, or those matching `query`).
    pub async fn list_patients(
        &self,
        session: &Session,
        query: &str,
    ) -> Result<Vec<PatientSummary>, AppError> {
        self.search_up_to(session, query, LIST_LIMIT).await
    }

    async fn search_up_to(
        &self,
        session: &Session,
        query: &str,
        limit: i64,
    ) -> Result<Vec<PatientSummary>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        Ok(self
            .store
            .search_patients(query, limit, self.clock.today())
            .await?)
    }

    /// Opens a patient: their header, and an access-log row.
    pub async fn open_patient(
        &self,
        session: &Session,
        patient_id: i64,
    ) -> Result<PatientSummary, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let patient = self
            .store
            .patient(patient_id, self.clock.today())
            .await?
            .ok_or_else(|| AppError::not_found("この患者は登録されていません。"))?;
        self.store
            .audit(
                &session.actor(),
                AccessEvent::PatientOpened,
                Some(patient_id),
                "",
                self.clock.now(),
            )
            .await?;
        session.opened(patient_id);
        Ok(patient)
    }

    /// A page of お薬履歴 (今回のお薬 for [`HistoryFilter::This`]); 服薬期間中
    /// and 残量 are as of yesterday. Audited once per filter and opening.
    pub async fn history_page(
        &self,
        session: &Session,
        patient_id: i64,
        filter: HistoryFilter,
        after: Option<&Cursor>,
    ) -> Result<HistoryPage, AppError> {
        let limit = if filter == HistoryFilter::This {
            1
        } else {
            HISTORY_PAGE
        };
        let yesterday = self.clock.yesterday();
        self.history_as_of(session, patient_id, filter, after, limit, yesterday)
            .await
    }

    /// 今回のお薬: this facility's dispensing of this visit — today's, or the
    /// newest within the window of 設定 (days, 7 by default) — else none,
    /// with the date of the newest one there is.
    pub async fn current_dispensing(
        &self,
        session: &Session,
        patient_id: i64,
    ) -> Result<CurrentDispensing, AppError> {
        let page = self
            .history_page(session, patient_id, HistoryFilter::This, None)
            .await?;
        let days = self.current_window_days().await?;
        let since = self.clock.today() - chrono::Duration::days(i64::from(days));
        let newest = page.dispensings.into_iter().next();
        let within = |d: &HistoryDispensing| {
            d.date
                .as_deref()
                .and_then(|iso| chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok())
                .is_some_and(|date| date >= since)
        };
        Ok(match newest {
            Some(d) if within(&d) => CurrentDispensing {
                dispensing: Some(d),
                newest_label: None,
                window_days: days,
            },
            other => CurrentDispensing {
                newest_label: other.map(|d| d.date_label),
                dispensing: None,
                window_days: days,
            },
        })
    }

    /// A page of history of any size as of any day (the command line).
    pub async fn history_as_of(
        &self,
        session: &Session,
        patient_id: i64,
        filter: HistoryFilter,
        after: Option<&Cursor>,
        limit: i64,
        as_of: chrono::NaiveDate,
    ) -> Result<HistoryPage, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let page = self
            .store
            .history(patient_id, filter, after, limit, as_of)
            .await?;
        self.viewed(
            session,
            patient_id,
            &format!("history {filter:?}").to_lowercase(),
        )
        .await?;
        Ok(page)
    }

    /// The patient's header, if they exist (no access-log row: the header is
    /// what a search shows).
    pub async fn patient(
        &self,
        session: &Session,
        patient_id: i64,
    ) -> Result<PatientSummary, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        self.store
            .patient(patient_id, self.clock.today())
            .await?
            .ok_or_else(|| AppError::not_found(format!("患者 {patient_id} は登録されていません。")))
    }

    /// 市販薬.
    pub async fn otc(&self, session: &Session, patient_id: i64) -> Result<Vec<OtcEntry>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let otc = self.store.otc_history(patient_id).await?;
        self.viewed(session, patient_id, "otc").await?;
        Ok(otc)
    }

    /// からだの情報 and メモ.
    pub async fn notes(
        &self,
        session: &Session,
        patient_id: i64,
    ) -> Result<Vec<PatientNoteEntry>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let notes = self.store.patient_notes(patient_id).await?;
        self.viewed(session, patient_id, "notes").await?;
        Ok(notes)
    }

    /// What コピー puts on the clipboard for a dispensing (or its `drug`-th drug).
    pub async fn copy_text(
        &self,
        session: &Session,
        patient_id: i64,
        dispensing_id: i64,
        drug: Option<usize>,
    ) -> Result<String, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let text = self
            .store
            .copy_text(patient_id, dispensing_id, drug)
            .await?
            .ok_or_else(|| {
                AppError::not_found("指定の調剤（または薬品）はこの患者のものではありません。")
            })?;
        self.viewed(session, patient_id, "copy").await?;
        Ok(text)
    }

    /// Adds body information (`kind`) or a memo (no kind).
    pub async fn add_note(
        &self,
        session: &Session,
        patient_id: i64,
        kind: Option<BodyKind>,
        text: &str,
    ) -> Result<i64, AppError> {
        self.begin(session, Permission::EditNotes)?;
        Ok(self
            .store
            .add_patient_note(&session.actor(), patient_id, kind, text, self.clock.now())
            .await?)
    }

    /// Withdraws an entry with a reason.
    pub async fn withdraw_note(
        &self,
        session: &Session,
        patient_id: i64,
        kind: &str,
        id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        let needed = if kind == "memo" {
            Permission::EditNotes
        } else {
            Permission::WithdrawBodyInfo
        };
        self.begin(session, needed)?;
        Ok(self
            .store
            .withdraw_patient_note(
                &session.actor(),
                patient_id,
                kind,
                id,
                reason,
                self.clock.now(),
            )
            .await?)
    }
}

/// 今回のお薬 (see [`App::current_dispensing`]).
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct CurrentDispensing {
    /// The dispensing of this visit, if there is one.
    pub dispensing: Option<HistoryDispensing>,
    /// Otherwise the date of this facility's newest dispensing, if any.
    pub newest_label: Option<String>,
    /// How many days back "this visit" reaches (設定).
    pub window_days: u32,
}
