//! "取り込む" of 他社手帳 (P9): another pharmacy's notebook stored on the
//! patient staff chose (audited). Reading and showing it is
//! `okusuri_domain::notebook`'s.

use chrono::{DateTime, Utc};
use okusuri_domain::gate::Admitted;

use crate::import::{ImportError, ImportItem, ImportSource, ImportSummary};
use crate::{Actor, Store};

impl Store {
    /// "取り込む": stores another pharmacy's notebook on the patient staff
    /// chose (not by the identity rules: staff confirmed who it is), audited.
    pub async fn import_notebook_onto(
        &self,
        actor: &Actor,
        patient_id: i64,
        doc: &Admitted,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, ImportError> {
        let source = ImportSource {
            supersedes: false,
            label: "他社手帳".into(),
            external_id: None,
        };
        let item = ImportItem {
            doc,
            source: &source,
        };
        self.import_items(actor, &[item], Some(patient_id), now)
            .await?
            .pop()
            .unwrap_or(Err(ImportError::NoPatient))
    }
}
