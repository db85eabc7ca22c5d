//! Row counts for `okusuri db info` and diagnostics.

use serde::Serialize;

use crate::{Store, StoreError};

/// How many rows the main tables hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Staff accounts (active or not).
    pub staff: i64,
    /// Patients.
    pub patients: i64,
    /// Visits (list entries).
    pub visits: i64,
    /// Access-log rows.
    pub access_log: i64,
}

impl Store {
    /// Counts the rows of the main tables.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        sqlx::query_as!(
            Counts,
            r#"SELECT (SELECT count(*) FROM staff) AS "staff!: i64",
                      (SELECT count(*) FROM patient) AS "patients!: i64",
                      (SELECT count(*) FROM visit) AS "visits!: i64",
                      (SELECT count(*) FROM access_log) AS "access_log!: i64""#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }
}
