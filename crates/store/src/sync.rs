//! Several PCs per pharmacy, the PC's side (docs/multi-pc.md): every write is
//! a list of typed [`Change`]s applied through one function, [`apply`], both
//! here and — when they come back from the server's change log — on every
//! other PC. Once the PC has joined a server (`sync_state.recording`), each
//! committed write also lands in the `outbox` in the same SQLite
//! transaction, with its access-log rows, so nothing written offline is lost
//! and nothing is sent twice (the server skips an `op_id` it has).
//!
//! New rows get IDs from the PC's own range (`pc_number × 2^40 + n`), so two
//! PCs writing offline never make the same ID. A single-PC database is PC 0
//! and never records: it works exactly as before.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::body::BodyKind;
use crate::import::bulk::{self, ChildrenJson};
use crate::import::{kana_key, name_key};
use crate::{Actor, Store, StoreError, timestamp};

/// The size of each PC's ID range.
pub const PC_RANGE: i64 = 1 << 40;

/// The highest PC number (IDs stay below 2^53, JavaScript's safe integers).
pub const MAX_PC_NUMBER: i64 = 8191;

/// One typed operation: what a write did, in terms another PC can apply.
/// Times are UTC RFC 3339 text as stored; IDs come from the writing PC's range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// A patient registered at the counter (新規発行).
    PatientCreated {
        /// The new patient's ID.
        id: i64,
        /// 漢字氏名.
        name: String,
        /// カナ氏名.
        kana: String,
        /// ISO 5218.
        sex: i64,
        /// YYYY-MM-DD.
        birth_date: Option<String>,
        /// Phone number, if given.
        phone: Option<String>,
        /// When.
        at: String,
    },
    /// The patient agreed to the terms (before their first card).
    ConsentGiven {
        /// The consent row's ID.
        id: i64,
        /// The patient.
        patient_id: i64,
        /// `screen` or `paper`.
        method: String,
        /// Who took it.
        staff_id: Option<i64>,
        /// When.
        at: String,
    },
    /// A card was given to a patient.
    CardIssued {
        /// The card's IDm (the card's identity everywhere).
        idm: String,
        /// The patient.
        patient_id: i64,
        /// Who issued it.
        staff_id: Option<i64>,
        /// When.
        at: String,
    },
    /// A card stopped working (再発行 replaced it).
    CardDisabled {
        /// The card's IDm.
        idm: String,
        /// When.
        at: String,
        /// Why (`再発行`).
        reason: String,
    },
    /// A visit: the patient joins the day's list.
    VisitRecorded {
        /// The visit's ID.
        id: i64,
        /// The patient.
        patient_id: i64,
        /// When.
        at: String,
        /// `card`, `manual`, …
        source: String,
    },
    /// からだの情報 (`kind`) or a メモ (`None`) entered at the pharmacy.
    NoteAdded {
        /// The entry's ID.
        id: i64,
        /// The patient.
        patient_id: i64,
        /// The kind of body information; `None` for a memo.
        kind: Option<BodyKind>,
        /// The text.
        text: String,
        /// Who wrote it.
        staff_id: Option<i64>,
        /// When.
        at: String,
    },
    /// からだの情報 (`kind`) or a メモ (`None`) read from a notebook (JAHIS).
    NoteImported {
        /// The entry's ID.
        id: i64,
        /// The patient.
        patient_id: i64,
        /// The body kind's stored text; `None` for a memo.
        kind: Option<String>,
        /// The text (with the patient, what identifies an imported entry).
        text: String,
        /// The memo's date, if it has one.
        written_on: Option<String>,
        /// When.
        at: String,
    },
    /// A receipt computer's (or other source's) patient number linked to a patient.
    ExternalIdLinked {
        /// The source (`レセコン`, …).
        source: String,
        /// Its patient number.
        external_id: String,
        /// The patient.
        patient_id: i64,
        /// When.
        at: String,
    },
    /// Dispensings stored by an import, with their RPs, drugs and notes (the
    /// JSON lists the bulk statements read; see `import::bulk`).
    DispensingsAdded {
        /// The dispensing rows.
        dispensings: String,
        /// Their children.
        children: ChildrenJson,
        /// When they were imported.
        at: String,
    },
    /// Dispensings a newer version of their source replaced (removed with their children).
    DispensingsRemoved {
        /// Their IDs.
        ids: Vec<i64>,
    },
    /// OTC use read from a notebook.
    OtcAdded {
        /// The row's ID.
        id: i64,
        /// The patient.
        patient_id: i64,
        /// Its content identity.
        identity: String,
        /// The product's name.
        name: Option<String>,
        /// From (YYYY-MM-DD).
        start_on: Option<String>,
        /// Until.
        end_on: Option<String>,
        /// JAN code.
        jan: Option<String>,
        /// Components, joined with 「、」.
        components: String,
        /// Where it came from.
        source: String,
        /// When it was imported.
        at: String,
    },
    /// A setting of the pharmacy's changed (see [`crate::settings::is_shared`]).
    SettingChanged {
        /// The setting.
        key: String,
        /// Its new value.
        value: String,
        /// When (the latest change wins on every PC).
        at: String,
    },
    /// An entry of からだの情報 or メモ withdrawn with a reason.
    NoteWithdrawn {
        /// The entry's ID.
        id: i64,
        /// `memo` or the body kind.
        kind: String,
        /// Who withdrew it.
        staff_id: Option<i64>,
        /// When.
        at: String,
        /// Why.
        reason: String,
    },
}

/// What applying one change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The change is in the database now.
    Applied,
    /// The database already had it (the same change applied before).
    AlreadyThere,
    /// A conflict rule kept the other PC's change; this one changed nothing.
    Refused(&'static str),
}

impl Outcome {
    /// The text kept in `sync_applied.outcome`.
    fn as_text(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::AlreadyThere => "already_there",
            Outcome::Refused(why) => why,
        }
    }
}

/// The tables whose new rows get IDs from the PC's range.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Patient,
    Consent,
    Visit,
    Memo,
    BodyInfo,
    Dispensing,
    Rp,
    Drug,
    RpNote,
    DispensingNote,
    OtcUse,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Patient => "patient",
            Table::Consent => "consent",
            Table::Visit => "visit",
            Table::Memo => "memo",
            Table::BodyInfo => "body_info",
            Table::Dispensing => "dispensing",
            Table::Rp => "rp",
            Table::Drug => "drug",
            Table::RpNote => "rp_note",
            Table::DispensingNote => "dispensing_note",
            Table::OtcUse => "otc_use",
        }
    }
}

/// This PC's place among the pharmacy's PCs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SyncState {
    /// The PC's number (0 for a single-PC database).
    pub pc_number: i64,
    /// Whether writes also go to the outbox (the PC has joined a server).
    pub recording: bool,
    /// The last change of the server's log applied here.
    pub last_seq: i64,
    /// Changes written here that the server does not have yet.
    pub unsent: i64,
}

/// The access-log rows a write made, as the outbox carries them to the
/// server (which chains them on arrival, with their own time and PC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRows {
    /// When the write was made (this PC's clock).
    pub at: String,
    /// The PC, as its access log names it.
    pub pc_name: String,
    /// Who, as entered.
    pub login_id: String,
    /// The rows, in the order they were written.
    pub rows: Vec<LogRow>,
}

/// One access-log row of a write in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    /// The event's stable name.
    pub event: String,
    /// The staff member concerned, if any.
    pub staff_id: Option<i64>,
    /// The patient concerned, if any.
    pub patient_id: Option<i64>,
    /// Extra facts, if any.
    pub detail: Option<String>,
}

/// A write waiting in the outbox (or already sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The change's ID, made on this PC.
    pub op_id: String,
    /// When it was committed here.
    pub made_at: String,
    /// What it changed (empty for a write that only logged, such as opening a patient).
    pub changes: Vec<Change>,
    /// Its access-log rows.
    pub log: LogRows,
}

/// A change from the server's log, to apply to this PC's cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteChange {
    /// The server's increasing number for it.
    pub seq: i64,
    /// The ID the writing PC gave it.
    pub op_id: String,
    /// What it changed.
    pub changes: Vec<Change>,
}

/// How the write path sees the PC's sync state (read at the start of each write).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mode {
    pub(crate) pc_number: i64,
    pub(crate) recording: bool,
}

fn json_error(e: serde_json::Error) -> StoreError {
    StoreError::Database(format!("change log: {e}"))
}

/// Reads the PC's number and whether it records.
pub(crate) async fn mode(conn: &mut SqliteConnection) -> Result<Mode, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT pc_number AS "pc_number!: i64", recording AS "recording!: bool" FROM sync_state WHERE id = 1"#
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map_or(
        Mode {
            pc_number: 0,
            recording: false,
        },
        |r| Mode {
            pc_number: r.pc_number,
            recording: r.recording,
        },
    ))
}

/// The next free ID of `table` in the PC's range (inside the write lock).
pub(crate) async fn next_id(
    conn: &mut SqliteConnection,
    table: Table,
    pc_number: i64,
) -> Result<i64, sqlx::Error> {
    let low = pc_number * PC_RANGE;
    // The table name comes from `Table`, never from input.
    let sql = format!(
        "SELECT coalesce(max(id), ?1) + 1 FROM {} WHERE id >= ?1 AND id < ?2",
        table.name()
    );
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .bind(low)
        .bind(low + PC_RANGE)
        .fetch_one(conn)
        .await
}

/// How many rows this connection has changed since it was opened (to catch a
/// write that changed rows without saying what as a [`Change`]).
pub(crate) async fn total_changes(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT total_changes()")
        .fetch_one(conn)
        .await
}

/// The patient a change for `id` belongs to now: a merge moved everything of
/// the merged patient onto the kept one, so changes follow the merge chain.
async fn current_patient(conn: &mut SqliteConnection, id: i64) -> Result<i64, sqlx::Error> {
    let mut id = id;
    // A chain is short; the bound only guards against a damaged loop.
    for _ in 0..32 {
        let next = sqlx::query_scalar!("SELECT merged_into FROM patient WHERE id = ?", id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        match next {
            Some(kept) => id = kept,
            None => break,
        }
    }
    Ok(id)
}

/// Applies one change to this database: the one way rows of these kinds are
/// written, on the PC that made the change and on every other. Applying the
/// same change twice leaves the database as applying it once.
pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    change: &Change,
) -> Result<Outcome, sqlx::Error> {
    let inserted = |n: u64| {
        if n > 0 {
            Outcome::Applied
        } else {
            Outcome::AlreadyThere
        }
    };
    Ok(match change {
        Change::PatientCreated {
            id,
            name,
            kana,
            sex,
            birth_date,
            phone,
            at,
        } => {
            let (nk, kk) = (name_key(name), kana_key(kana));
            inserted(
                sqlx::query!(
                    "INSERT INTO patient (id, name, kana, sex, birth_date, created_at, name_key, kana_key, phone)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    id,
                    name,
                    kana,
                    sex,
                    birth_date,
                    at,
                    nk,
                    kk,
                    phone
                )
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            )
        }
        Change::ConsentGiven {
            id,
            patient_id,
            method,
            staff_id,
            at,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            inserted(
                sqlx::query!(
                    "INSERT INTO consent (id, patient_id, method, staff_id, at) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (id) DO NOTHING",
                    id,
                    patient_id,
                    method,
                    staff_id,
                    at
                )
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            )
        }
        Change::CardIssued {
            idm,
            patient_id,
            staff_id,
            at,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            let owner = sqlx::query!(
                r#"SELECT patient_id AS "patient_id!: i64", issued_at FROM card WHERE idm = ?"#,
                idm
            )
            .fetch_optional(&mut *conn)
            .await?;
            match owner {
                Some(owner) if current_patient(conn, owner.patient_id).await? == patient_id => {
                    Outcome::AlreadyThere
                }
                // The same card issued to two patients on two PCs offline:
                // the earlier issue wins on every PC, whatever the order
                // the two changes arrive in.
                Some(owner)
                    if (owner.issued_at.as_str(), owner.patient_id) < (at.as_str(), patient_id) =>
                {
                    Outcome::Refused("card_already_issued")
                }
                Some(_) => {
                    sqlx::query!(
                        "UPDATE card SET patient_id = ?, issued_at = ?, issued_by = ? WHERE idm = ?",
                        patient_id,
                        at,
                        staff_id,
                        idm
                    )
                    .execute(&mut *conn)
                    .await?;
                    Outcome::Applied
                }
                None => {
                    sqlx::query!(
                        "INSERT INTO card (idm, patient_id, issued_at, issued_by) VALUES (?, ?, ?, ?)",
                        idm,
                        patient_id,
                        at,
                        staff_id
                    )
                    .execute(&mut *conn)
                    .await?;
                    Outcome::Applied
                }
            }
        }
        // The earliest disabling is kept (the same on every PC, in any order).
        Change::CardDisabled { idm, at, reason } => inserted(
            sqlx::query!(
                "UPDATE card SET disabled_at = ?1, disabled_reason = ?2
                 WHERE idm = ?3 AND (disabled_at IS NULL OR disabled_at > ?1)",
                at,
                reason,
                idm
            )
            .execute(&mut *conn)
            .await?
            .rows_affected(),
        ),
        Change::VisitRecorded {
            id,
            patient_id,
            at,
            source,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            inserted(
                sqlx::query!(
                    "INSERT INTO visit (id, patient_id, visited_at, source) VALUES (?, ?, ?, ?)
                     ON CONFLICT (id) DO NOTHING",
                    id,
                    patient_id,
                    at,
                    source
                )
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            )
        }
        Change::NoteAdded {
            id,
            patient_id,
            kind,
            text,
            staff_id,
            at,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            let n = match kind {
                Some(kind) => {
                    let kind = kind.as_str();
                    sqlx::query!(
                        "INSERT INTO body_info (id, patient_id, kind, text, source, staff_id, created_at)
                         VALUES (?, ?, ?, ?, 'facility', ?, ?) ON CONFLICT (id) DO NOTHING",
                        id,
                        patient_id,
                        kind,
                        text,
                        staff_id,
                        at
                    )
                    .execute(&mut *conn)
                    .await?
                }
                None => {
                    sqlx::query!(
                        "INSERT INTO memo (id, patient_id, text, source, staff_id, created_at)
                         VALUES (?, ?, ?, 'facility', ?, ?) ON CONFLICT (id) DO NOTHING",
                        id,
                        patient_id,
                        text,
                        staff_id,
                        at
                    )
                    .execute(&mut *conn)
                    .await?
                }
            };
            inserted(n.rows_affected())
        }
        Change::NoteImported {
            id,
            patient_id,
            kind,
            text,
            written_on,
            at,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            // The same entry read again (the unique indexes of imported
            // entries) is skipped.
            let n = match kind {
                Some(kind) => {
                    sqlx::query!(
                        "INSERT INTO body_info (id, patient_id, kind, text, source, created_at)
                         VALUES (?, ?, ?, ?, 'import', ?) ON CONFLICT DO NOTHING",
                        id,
                        patient_id,
                        kind,
                        text,
                        at
                    )
                    .execute(&mut *conn)
                    .await?
                }
                None => {
                    sqlx::query!(
                        "INSERT INTO memo (id, patient_id, text, written_on, source, created_at)
                         VALUES (?, ?, ?, ?, 'import', ?) ON CONFLICT DO NOTHING",
                        id,
                        patient_id,
                        text,
                        written_on,
                        at
                    )
                    .execute(&mut *conn)
                    .await?
                }
            };
            inserted(n.rows_affected())
        }
        // The earliest link of a patient number wins on every PC.
        Change::ExternalIdLinked {
            source,
            external_id,
            patient_id,
            at,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            inserted(
                sqlx::query!(
                    "INSERT INTO patient_external_id (source, external_id, patient_id, linked_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (source, external_id) DO UPDATE SET patient_id = ?3, linked_at = ?4
                     WHERE (linked_at, patient_id) > (?4, ?3)",
                    source,
                    external_id,
                    patient_id,
                    at
                )
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            )
        }
        Change::DispensingsAdded {
            dispensings,
            children,
            at,
        } => {
            let stored = bulk::insert_dispensings(conn, dispensings, at).await?;
            bulk::insert_children(conn, children).await?;
            inserted(stored.len() as u64)
        }
        Change::DispensingsRemoved { ids } => {
            let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
            bulk::delete_dispensings(conn, &list).await?;
            Outcome::Applied
        }
        Change::OtcAdded {
            id,
            patient_id,
            identity,
            name,
            start_on,
            end_on,
            jan,
            components,
            source,
            at,
        } => {
            let patient_id = current_patient(conn, *patient_id).await?;
            inserted(
                sqlx::query!(
                    "INSERT INTO otc_use (id, patient_id, identity, name, start_on, end_on, jan, components, source, imported_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    id,
                    patient_id,
                    identity,
                    name,
                    start_on,
                    end_on,
                    jan,
                    components,
                    source,
                    at
                )
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            )
        }
        // The latest change of a setting wins (time, then value), in any order.
        Change::SettingChanged { key, value, at } => inserted(
            sqlx::query!(
                "INSERT INTO settings (key, value, changed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = ?2, changed_at = ?3
                 WHERE settings.changed_at IS NULL OR (settings.changed_at, settings.value) <= (?3, ?2)",
                key,
                value,
                at
            )
            .execute(&mut *conn)
            .await?
            .rows_affected(),
        ),
        Change::NoteWithdrawn {
            id,
            kind,
            staff_id,
            at,
            reason,
        } => {
            // The earliest withdrawal wins (time, then reason): two PCs that
            // withdrew the same entry offline end up showing the same one.
            let n = if kind == "memo" {
                sqlx::query!(
                    "UPDATE memo SET withdrawn_at = ?1, withdrawn_by = ?2, withdrawn_reason = ?3
                     WHERE id = ?4 AND (withdrawn_at IS NULL OR (withdrawn_at, withdrawn_reason) > (?1, ?3))",
                    at,
                    staff_id,
                    reason,
                    id
                )
                .execute(&mut *conn)
                .await?
            } else {
                sqlx::query!(
                    "UPDATE body_info SET withdrawn_at = ?1, withdrawn_by = ?2, withdrawn_reason = ?3
                     WHERE id = ?4 AND kind = ?5
                       AND (withdrawn_at IS NULL OR (withdrawn_at, withdrawn_reason) > (?1, ?3))",
                    at,
                    staff_id,
                    reason,
                    id,
                    kind
                )
                .execute(&mut *conn)
                .await?
            };
            if n.rows_affected() > 0 {
                Outcome::Applied
            } else {
                Outcome::Refused("already_withdrawn")
            }
        }
    })
}

impl Store {
    /// Waits until a write has gone to the outbox since the last call (one
    /// waiter: the sender; a write made while nobody waits is not missed).
    pub async fn recorded_write(&self) {
        self.recorded.notified().await;
    }

    /// This PC's number, whether it records its writes, and the outbox's size.
    pub async fn sync_state(&self) -> Result<SyncState, StoreError> {
        let row = sqlx::query!(
            r#"SELECT pc_number AS "pc_number!: i64", recording AS "recording!: bool", last_seq AS "last_seq!: i64",
                      (SELECT count(*) FROM outbox WHERE sent_seq IS NULL) AS "unsent!: i64"
               FROM sync_state WHERE id = 1"#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(SyncState {
            pc_number: row.pc_number,
            recording: row.recording,
            last_seq: row.last_seq,
            unsent: row.unsent,
        })
    }

    /// Makes this database PC `pc_number` of a server: from now on its new
    /// rows take IDs from that PC's range and every write also goes to the
    /// outbox. Written to the access log (設定の変更).
    pub async fn start_recording(
        &self,
        actor: &Actor,
        pc_number: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if !(0..=MAX_PC_NUMBER).contains(&pc_number) {
            return Err(StoreError::Database(format!(
                "PC number {pc_number} is outside 0..={MAX_PC_NUMBER}"
            )));
        }
        let mut tx = self.begin_write(actor, now).await?;
        sqlx::query!(
            "UPDATE sync_state SET pc_number = ?, recording = 1 WHERE id = 1",
            pc_number
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(
            crate::AccessEvent::SettingsChanged,
            None,
            &format!("sync: recording as PC {pc_number}"),
        );
        tx.commit().await
    }

    /// The outbox's unsent writes, oldest first, at most `limit`.
    pub async fn unsent(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = sqlx::query!(
            "SELECT op_id, made_at, changes, log FROM outbox WHERE sent_seq IS NULL ORDER BY id LIMIT ?",
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        rows.into_iter()
            .map(|r| {
                Ok(OutboxEntry {
                    op_id: r.op_id,
                    made_at: r.made_at,
                    changes: serde_json::from_str(&r.changes).map_err(json_error)?,
                    log: serde_json::from_str(&r.log).map_err(json_error)?,
                })
            })
            .collect()
    }

    /// Marks outbox writes as received by the server, each `(op_id, seq)`
    /// with the server's number for it (one transaction).
    pub async fn mark_sent(&self, sent: &[(String, i64)]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
        for (op_id, seq) in sent {
            sqlx::query!(
                "UPDATE outbox SET sent_seq = ? WHERE op_id = ? AND sent_seq IS NULL",
                seq,
                op_id
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        tx.commit().await.map_err(|e| self.fail(e))
    }

    /// Applies changes from the server's log to this PC's cache, in order,
    /// in one transaction (all or none), each once: a change already applied
    /// (or written here) only advances the last number seen. Returns what
    /// the parts of each change did (empty for one seen before).
    pub async fn apply_remote(
        &self,
        changes: &[RemoteChange],
        now: DateTime<Utc>,
    ) -> Result<Vec<Vec<Outcome>>, StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| self.fail(e))?;
        let mut all = Vec::with_capacity(changes.len());
        for change in changes {
            all.push(self.apply_one(&mut tx, change, now).await?);
        }
        if let Some(last) = changes.iter().map(|c| c.seq).max() {
            sqlx::query!(
                "UPDATE sync_state SET last_seq = max(last_seq, ?) WHERE id = 1",
                last
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        }
        tx.commit().await.map_err(|e| self.fail(e))?;
        Ok(all)
    }

    async fn apply_one(
        &self,
        tx: &mut SqliteConnection,
        change: &RemoteChange,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outcome>, StoreError> {
        let seen = sqlx::query_scalar!(
            r#"SELECT (SELECT count(*) FROM sync_applied WHERE op_id = ?1)
                    + (SELECT count(*) FROM outbox WHERE op_id = ?1) AS "n!: i64""#,
            change.op_id
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| self.fail(e))?;
        let mut outcomes = Vec::new();
        if seen == 0 {
            for part in &change.changes {
                outcomes.push(apply(tx, part).await.map_err(|e| self.fail(e))?);
            }
            let text = outcomes
                .iter()
                .map(|o| o.as_text())
                .collect::<Vec<_>>()
                .join(",");
            let at = timestamp(now);
            sqlx::query!(
                "INSERT INTO sync_applied (op_id, seq, applied_at, outcome) VALUES (?, ?, ?, ?)",
                change.op_id,
                change.seq,
                at,
                text
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
        } else {
            // Our own write coming back (or a change seen before): the
            // server has it, so the outbox no longer needs to keep it.
            let at = timestamp(now);
            sqlx::query!(
                "INSERT INTO sync_applied (op_id, seq, applied_at, outcome) VALUES (?, ?, ?, 'own')
                 ON CONFLICT (op_id) DO NOTHING",
                change.op_id,
                change.seq,
                at
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| self.fail(e))?;
            sqlx::query!("DELETE FROM outbox WHERE op_id = ?", change.op_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.fail(e))?;
        }
        Ok(outcomes)
    }
}

impl Store {
    /// Writes a committed write's changes and log rows to the outbox (inside its transaction).
    pub(crate) async fn record_in_outbox(
        &self,
        conn: &mut SqliteConnection,
        changes: &[Change],
        log: &LogRows,
    ) -> Result<(), StoreError> {
        let op_id = crate::new_id();
        let changes = serde_json::to_string(changes).map_err(json_error)?;
        let log_text = serde_json::to_string(log).map_err(json_error)?;
        sqlx::query!(
            "INSERT INTO outbox (op_id, made_at, changes, log) VALUES (?, ?, ?, ?)",
            op_id,
            log.at,
            changes,
            log_text
        )
        .execute(conn)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }
}
