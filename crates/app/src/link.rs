//! Merging two records of one person and undoing it (統合), and
//! お薬自動登録設定: linking a card patient to the receipt computer's record
//! of them (P7, P11).

use chrono::Duration;
use okusuri_store::{LinkCandidate, MergeRecord};

use crate::limits::LINK_CANDIDATE_DAYS;
use crate::{App, AppError, Permission, Session};

impl App {
    /// The merges into a patient, newest first.
    pub async fn merges(
        &self,
        session: &Session,
        patient_id: i64,
    ) -> Result<Vec<MergeRecord>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let merges = self.store.patient_merges(patient_id).await?;
        self.viewed(session, patient_id, "merges").await?;
        Ok(merges)
    }

    /// Merges patient `merged_id` into `kept_id`; returns the merge's ID.
    pub async fn merge(
        &self,
        session: &Session,
        kept_id: i64,
        merged_id: i64,
        reason: &str,
    ) -> Result<i64, AppError> {
        self.begin(session, Permission::MergePatients)?;
        Ok(self
            .store
            .merge_patients(
                &session.actor(),
                kept_id,
                merged_id,
                reason,
                self.clock.now(),
            )
            .await?)
    }

    /// Undoes a merge.
    pub async fn undo_merge(
        &self,
        session: &Session,
        merge_id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::MergePatients)?;
        Ok(self
            .store
            .undo_merge(&session.actor(), merge_id, reason, self.clock.now())
            .await?)
    }

    /// レセコンからの候補 for a patient, best matches first (other patients'
    /// details: audited on the patient they are shown for).
    pub async fn link_candidates(
        &self,
        session: &Session,
        patient_id: i64,
    ) -> Result<Vec<LinkCandidate>, AppError> {
        self.begin(session, Permission::IssueCards)?;
        let since = self.clock.now() - Duration::days(LINK_CANDIDATE_DAYS);
        let found = self
            .store
            .link_candidates(patient_id, since, self.clock.today())
            .await?;
        let ids: Vec<String> = found.iter().map(|c| c.patient_id.to_string()).collect();
        let detail = format!("link candidates [{}]", ids.join(","));
        self.store
            .audit(
                &session.actor(),
                okusuri_store::AccessEvent::PatientViewed,
                Some(patient_id),
                &detail,
                self.clock.now(),
            )
            .await?;
        Ok(found)
    }

    /// Links the patient to one of their candidates (an audited merge; any
    /// staff member, as clerks issue cards — but only a real candidate).
    pub async fn link_record(
        &self,
        session: &Session,
        patient_id: i64,
        record_id: i64,
    ) -> Result<i64, AppError> {
        self.begin(session, Permission::IssueCards)?;
        let now = self.clock.now();
        let since = now - Duration::days(LINK_CANDIDATE_DAYS);
        Ok(self
            .store
            .link_receipt_record(&session.actor(), patient_id, record_id, since, now)
            .await?)
    }
}
