//! The one way to change the database: a write transaction that holds the
//! write lock from its start (`BEGIN IMMEDIATE`) and commits only together
//! with its access-log rows. A change and its log row are stored together or
//! not at all; a transaction that is dropped without `commit` rolls back.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access_log::{AccessEvent, PendingRow};
use crate::sync::{self, Change, LogRow, LogRows, Mode, Outcome, Table};
use crate::{Staff, Store, StoreError, timestamp};

/// Through what a change or read was made; the access log's PC column says so
/// for the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The app's window.
    Window,
    /// The `okusuri` command line.
    Cli,
    /// The app itself, with no staff member (the receipt-computer feed, the card reader).
    System,
}

/// Who is acting, as the access log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The staff member, `None` for the app itself.
    pub staff_id: Option<i64>,
    /// The staff ID, or the part of the app in brackets (`(レセコン連携)`).
    pub login_id: String,
    /// Window, command line or the app itself.
    pub via: Via,
}

impl Actor {
    /// A signed-in staff member.
    pub fn staff(staff: &Staff, via: Via) -> Actor {
        Actor {
            staff_id: Some(staff.id),
            login_id: staff.login_id.clone(),
            via,
        }
    }

    /// A part of the app acting on its own (`name` is written in brackets).
    pub fn system(name: &str) -> Actor {
        Actor {
            staff_id: None,
            login_id: format!("({name})"),
            via: Via::System,
        }
    }
}

pub(crate) type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

/// A write transaction that must write at least one access-log row before it
/// may commit (see the module docs).
pub(crate) struct WriteTx<'a> {
    tx: Tx,
    store: &'a Store,
    actor: &'a Actor,
    now: DateTime<Utc>,
    /// The access-log rows, written at commit in one statement.
    pending: Vec<PendingRow>,
    /// The PC's number and whether writes go to the outbox.
    mode: Mode,
    /// What the write changed, for the outbox.
    changes: Vec<Change>,
    /// The connection's changed-row count at the start (when recording).
    changed_before: i64,
    /// The rows this write changes belong to this PC alone (the feed's ledger).
    local_only: bool,
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}

impl Store {
    /// Starts the only kind of write transaction. A staff actor must still be
    /// an active staff member (checked inside the transaction).
    pub(crate) async fn begin_write<'a>(
        &'a self,
        actor: &'a Actor,
        now: DateTime<Utc>,
    ) -> Result<WriteTx<'a>, StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| self.fail(e))?;
        if let Some(id) = actor.staff_id {
            let active =
                sqlx::query_scalar!("SELECT count(*) FROM staff WHERE id = ? AND active = 1", id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| self.fail(e))?;
            if active == 0 {
                return Err(StoreError::UnknownStaff);
            }
        }
        let mode = sync::mode(&mut tx).await.map_err(|e| self.fail(e))?;
        let changed_before = if mode.recording {
            sync::total_changes(&mut tx)
                .await
                .map_err(|e| self.fail(e))?
        } else {
            0
        };
        Ok(WriteTx {
            tx,
            store: self,
            actor,
            now,
            pending: Vec::new(),
            mode,
            changes: Vec::new(),
            changed_before,
            local_only: false,
        })
    }

    /// Writes one access-log row on its own: a read of patient data, a print,
    /// a sign-out — anything that changes no other row.
    pub async fn audit(
        &self,
        actor: &Actor,
        event: AccessEvent,
        patient_id: Option<i64>,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write(actor, now).await?;
        tx.log(event, patient_id, detail);
        tx.commit().await
    }
}

impl WriteTx<'_> {
    /// When the transaction began (the time its rows carry).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Who is writing.
    pub(crate) fn actor(&self) -> &Actor {
        self.actor
    }

    /// The next free ID of `table` in this PC's range.
    pub(crate) async fn next_id(&mut self, table: Table) -> Result<i64, StoreError> {
        sync::next_id(&mut self.tx, table, self.mode.pc_number)
            .await
            .map_err(|e| self.store.fail(e))
    }

    /// Makes a change (the one way rows of the kinds in [`Change`] are
    /// written) and keeps it for the outbox.
    pub(crate) async fn change(&mut self, change: Change) -> Result<Outcome, StoreError> {
        let outcome = sync::apply(&mut self.tx, &change)
            .await
            .map_err(|e| self.store.fail(e))?;
        self.changes.push(change);
        Ok(outcome)
    }

    /// Whether this write goes to the outbox too.
    pub(crate) fn recording(&self) -> bool {
        self.mode.recording
    }

    /// Keeps a change the write already made through the same statements
    /// [`sync::apply`] uses (a bulk import), for the outbox.
    pub(crate) fn applied(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Says that the rows this write changes are this PC's own and stay here
    /// (the receipt-computer feed's ledger of files): its log rows are still sent.
    pub(crate) fn local_only(&mut self) {
        self.local_only = true;
    }

    /// Appends an access-log row inside the transaction.
    pub(crate) fn log(&mut self, event: AccessEvent, patient_id: Option<i64>, detail: &str) {
        self.append(event, self.actor.staff_id, patient_id, detail);
    }

    /// Appends a row about another staff member than the actor (a staff
    /// member created by this transaction).
    pub(crate) fn log_for_staff(&mut self, event: AccessEvent, staff_id: i64, detail: &str) {
        self.append(event, Some(staff_id), None, detail);
    }

    fn append(
        &mut self,
        event: AccessEvent,
        staff_id: Option<i64>,
        patient_id: Option<i64>,
        detail: &str,
    ) {
        self.pending.push(PendingRow {
            event,
            staff_id,
            patient_id,
            detail: (!detail.is_empty()).then(|| detail.to_string()),
        });
    }

    /// Puts the write into the outbox; refuses a write that changed rows
    /// without saying what as a [`Change`] (the other PCs would never see it).
    async fn record(&mut self, store: &Store) -> Result<(), StoreError> {
        let changed = sync::total_changes(&mut self.tx)
            .await
            .map_err(|e| store.fail(e))?;
        if changed > self.changed_before && self.changes.is_empty() && !self.local_only {
            let event = self.pending.first().map_or("", |row| row.event.as_str());
            return Err(StoreError::NotShared(event.to_string()));
        }
        let log = LogRows {
            at: timestamp(self.now),
            pc_name: store.log_pc_name(self.actor.via),
            login_id: self.actor.login_id.clone(),
            rows: self
                .pending
                .iter()
                .map(|r| LogRow {
                    event: r.event.as_str().to_string(),
                    staff_id: r.staff_id,
                    patient_id: r.patient_id,
                    detail: r.detail.clone(),
                })
                .collect(),
        };
        store
            .record_in_outbox(&mut self.tx, &self.changes, &log)
            .await
    }

    /// Stores nothing (as when the transaction is dropped).
    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(|e| self.store.fail(e))
    }

    /// Commits the change with its log rows; refuses a change nothing logged.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            // A programming error: every write is audited. Nothing is stored.
            return Err(StoreError::Database(
                "write without an access-log row refused".into(),
            ));
        }
        let store = self.store;
        if self.mode.recording {
            self.record(store).await?;
        }
        let head = store
            .append_chained(
                &mut self.tx,
                &self.actor.login_id,
                &self.pending,
                self.actor.via,
                self.now,
            )
            .await?;
        self.tx.commit().await.map_err(|e| store.fail(e))?;
        if let Some((id, hash)) = head {
            store.write_head(id, &hash);
        }
        if self.mode.recording {
            store.recorded.notify_one();
        }
        Ok(())
    }
}
