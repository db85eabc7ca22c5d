//! The access log: who did what, when, on which PC (and, later, which patient
//! they opened). Rows are only ever appended.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Store, StoreError, timestamp};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessEvent {
    /// The facility and its first administrator were created.
    FacilityCreated,
    /// A staff member signed in.
    SignIn,
    /// A sign-in was refused (wrong ID or password).
    SignInFailed,
    /// The fifth failure locked the account.
    LockedOut,
    /// A sign-in was attempted on a locked account.
    SignInWhileLocked,
    /// A staff member signed out.
    SignOut,
    /// A staff member changed their password.
    PasswordChanged,
    /// An administrator added a staff member.
    StaffAdded,
    /// A staff member opened a patient's record.
    PatientOpened,
    /// A staff member added body information or a memo.
    PatientNoteAdded,
    /// A staff member withdrew body information or a memo.
    PatientNoteWithdrawn,
    /// An administrator imported a JAHIS document.
    JahisImported,
}

impl AccessEvent {
    /// The stable text stored in the `event` column.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessEvent::FacilityCreated => "facility_created",
            AccessEvent::SignIn => "sign_in",
            AccessEvent::SignInFailed => "sign_in_failed",
            AccessEvent::LockedOut => "locked_out",
            AccessEvent::SignInWhileLocked => "sign_in_while_locked",
            AccessEvent::SignOut => "sign_out",
            AccessEvent::PasswordChanged => "password_changed",
            AccessEvent::StaffAdded => "staff_added",
            AccessEvent::PatientOpened => "patient_opened",
            AccessEvent::PatientNoteAdded => "patient_note_added",
            AccessEvent::PatientNoteWithdrawn => "patient_note_withdrawn",
            AccessEvent::JahisImported => "jahis_imported",
        }
    }
}

/// One row of the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLogEntry {
    /// Row number, increasing.
    pub id: i64,
    /// When, as UTC RFC 3339.
    pub at: String,
    /// The event's stable name (see [`AccessEvent::as_str`]).
    pub event: String,
    /// The staff member, when known.
    pub staff_id: Option<i64>,
    /// The staff ID as entered (also for failed attempts).
    pub login_id: String,
    /// The PC it happened on.
    pub pc_name: String,
    /// The patient concerned, if any.
    pub patient_id: Option<i64>,
    /// Extra facts, if any.
    pub detail: Option<String>,
}

/// The facts of one access-log row, apart from time and PC.
#[derive(Debug, Clone, Copy)]
pub struct AccessRecord<'a> {
    /// What happened.
    pub event: AccessEvent,
    /// The staff member, when known.
    pub staff_id: Option<i64>,
    /// The staff ID as entered.
    pub login_id: &'a str,
    /// The patient concerned, if any.
    pub patient_id: Option<i64>,
    /// Extra facts, if any.
    pub detail: Option<&'a str>,
}

impl Store {
    /// Appends one row to the access log.
    pub async fn log_access(
        &self,
        record: AccessRecord<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = timestamp(now);
        let event = record.event.as_str();
        sqlx::query!(
            "INSERT INTO access_log (at, event, staff_id, login_id, pc_name, patient_id, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            at,
            event,
            record.staff_id,
            record.login_id,
            self.pc_name,
            record.patient_id,
            record.detail,
        )
        .execute(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// The newest `limit` rows of the access log, newest first.
    pub async fn recent_access_log(&self, limit: i64) -> Result<Vec<AccessLogEntry>, StoreError> {
        sqlx::query_as!(
            AccessLogEntry,
            "SELECT id, at, event, staff_id, login_id, pc_name, patient_id, detail
             FROM access_log ORDER BY id DESC LIMIT ?",
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }
}
