//! Cards at the counter (P2): 新規発行 and 再発行.

use okusuri_store::{ConsentMethod, NewPatient};

use crate::{App, AppError, Permission, Session};

impl App {
    /// 新規発行: a new patient, their consent, the card touched, and their visit.
    pub async fn issue_card(
        &self,
        session: &Session,
        patient: &NewPatient,
        consent: ConsentMethod,
        idm: &str,
    ) -> Result<i64, AppError> {
        self.begin(session, Permission::IssueCards)?;
        Ok(self
            .store
            .issue_card(&session.actor(), patient, consent, idm, self.clock.now())
            .await?)
    }

    /// 新規発行 for a patient already in the records (no duplicate is made):
    /// their consent, their first card and their visit.
    pub async fn issue_card_to_patient(
        &self,
        session: &Session,
        patient_id: i64,
        consent: ConsentMethod,
        idm: &str,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::IssueCards)?;
        Ok(self
            .store
            .issue_card_to(&session.actor(), patient_id, consent, idm, self.clock.now())
            .await?)
    }

    /// 再発行: a new card for a patient who has one; the old one stops working.
    pub async fn reissue_card(
        &self,
        session: &Session,
        patient_id: i64,
        idm: &str,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::IssueCards)?;
        Ok(self
            .store
            .reissue_card(&session.actor(), patient_id, idm, self.clock.now())
            .await?)
    }
}
