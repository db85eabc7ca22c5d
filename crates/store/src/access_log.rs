//! The access log: who did what, when, on which PC, and which patient they
//! opened. Rows are only ever appended, as a hash chain: each row's `hash` is
//! SHA-256 over the previous row's hash and the row's own fields, so an
//! edited or removed row breaks the chain from that row on
//! ([`Store::verify_access_log`], `okusuri audit verify`). Removing the
//! newest rows cannot be seen from the chain alone.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Store, StoreError, Via, timestamp};

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
    /// Two patient records were merged into one.
    PatientsMerged,
    /// A merge was undone.
    PatientMergeUndone,
    /// An administrator changed receipt-computer patient IDs (P11).
    ExternalIdRemapped,
    /// An administrator changed a setting.
    SettingsChanged,
    /// A card was issued or re-issued to a patient.
    CardIssued,
    /// A patient's notebook data was printed as QR codes (P8).
    NotebookExported,
    /// A staff member read part of a patient's record (history, notes, …);
    /// the detail says which part. Pages of one part are logged once per opening.
    PatientViewed,
    /// Another pharmacy's notebook data was read for display (P9).
    NotebookPreviewed,
    /// The database was restored from a backup.
    DatabaseRestored,
    /// A backup of the database was written.
    BackupWritten,
    /// The receipt-computer feed recorded files in its ledger.
    FeedFilesRecorded,
    /// Staff asked for a failed feed file to be tried again.
    FeedFileRetried,
    /// A patient's visit was recorded (card touched at the counter).
    VisitRecorded,
    /// A master (drugs, 一般名, usages) was replaced by an import.
    MasterImported,
    /// A clinic usage was mapped to a standard usage code.
    UsageMapped,
    /// A request to the OQS terminal was recorded, sent or answered.
    OqsRequest,
    /// A doctor authenticated to sign prescriptions (HPKI card or remote).
    DoctorAuthenticated,
    /// A doctor's authentication failed (wrong PIN, locked, no card; never the PIN itself).
    DoctorAuthFailed,
    /// A doctor's authentication ended (sign-out or expiry).
    DoctorAuthEnded,
    /// A prescription was signed.
    PrescriptionSigned,
    /// A 処方箋 or 処方箋控え was printed.
    PrescriptionPrinted,
    /// An administrator deactivated a staff member (they can no longer sign in).
    StaffDeactivated,
    /// An administrator reactivated a staff member.
    StaffReactivated,
    /// An administrator reset a staff member's password (to be changed at sign-in).
    PasswordReset,
    /// An administrator changed a staff member's role.
    RoleChanged,
    /// A staff member turned on two-factor sign-in.
    TwoFactorEnabled,
    /// Two-factor sign-in was turned off (by the staff member or an administrator).
    TwoFactorDisabled,
    /// The window locked (idle, or by hand); the detail says which.
    SessionLocked,
    /// The same staff member unlocked the window with their password.
    SessionUnlocked,
    /// An administrator exported the access log (the detail says which rows).
    AuditExported,
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
            AccessEvent::PatientsMerged => "patients_merged",
            AccessEvent::PatientMergeUndone => "patient_merge_undone",
            AccessEvent::ExternalIdRemapped => "external_id_remapped",
            AccessEvent::SettingsChanged => "settings_changed",
            AccessEvent::CardIssued => "card_issued",
            AccessEvent::NotebookExported => "notebook_exported",
            AccessEvent::PatientViewed => "patient_viewed",
            AccessEvent::NotebookPreviewed => "notebook_previewed",
            AccessEvent::DatabaseRestored => "database_restored",
            AccessEvent::BackupWritten => "backup_written",
            AccessEvent::FeedFilesRecorded => "feed_files_recorded",
            AccessEvent::FeedFileRetried => "feed_file_retried",
            AccessEvent::VisitRecorded => "visit_recorded",
            AccessEvent::MasterImported => "master_imported",
            AccessEvent::UsageMapped => "usage_mapped",
            AccessEvent::OqsRequest => "oqs_request",
            AccessEvent::DoctorAuthenticated => "doctor_authenticated",
            AccessEvent::DoctorAuthFailed => "doctor_auth_failed",
            AccessEvent::DoctorAuthEnded => "doctor_auth_ended",
            AccessEvent::PrescriptionSigned => "prescription_signed",
            AccessEvent::PrescriptionPrinted => "prescription_printed",
            AccessEvent::StaffDeactivated => "staff_deactivated",
            AccessEvent::StaffReactivated => "staff_reactivated",
            AccessEvent::PasswordReset => "password_reset",
            AccessEvent::RoleChanged => "role_changed",
            AccessEvent::TwoFactorEnabled => "two_factor_enabled",
            AccessEvent::TwoFactorDisabled => "two_factor_disabled",
            AccessEvent::SessionLocked => "session_locked",
            AccessEvent::SessionUnlocked => "session_unlocked",
            AccessEvent::AuditExported => "audit_exported",
        }
    }

    /// Every event, in the order they are declared.
    pub const ALL: [AccessEvent; 42] = [
        AccessEvent::FacilityCreated,
        AccessEvent::SignIn,
        AccessEvent::SignInFailed,
        AccessEvent::LockedOut,
        AccessEvent::SignInWhileLocked,
        AccessEvent::SignOut,
        AccessEvent::PasswordChanged,
        AccessEvent::StaffAdded,
        AccessEvent::PatientOpened,
        AccessEvent::PatientNoteAdded,
        AccessEvent::PatientNoteWithdrawn,
        AccessEvent::JahisImported,
        AccessEvent::PatientsMerged,
        AccessEvent::PatientMergeUndone,
        AccessEvent::ExternalIdRemapped,
        AccessEvent::SettingsChanged,
        AccessEvent::CardIssued,
        AccessEvent::NotebookExported,
        AccessEvent::PatientViewed,
        AccessEvent::NotebookPreviewed,
        AccessEvent::DatabaseRestored,
        AccessEvent::BackupWritten,
        AccessEvent::FeedFilesRecorded,
        AccessEvent::FeedFileRetried,
        AccessEvent::VisitRecorded,
        AccessEvent::MasterImported,
        AccessEvent::UsageMapped,
        AccessEvent::OqsRequest,
        AccessEvent::DoctorAuthenticated,
        AccessEvent::DoctorAuthFailed,
        AccessEvent::DoctorAuthEnded,
        AccessEvent::PrescriptionSigned,
        AccessEvent::PrescriptionPrinted,
        AccessEvent::StaffDeactivated,
        AccessEvent::StaffReactivated,
        AccessEvent::PasswordReset,
        AccessEvent::RoleChanged,
        AccessEvent::TwoFactorEnabled,
        AccessEvent::TwoFactorDisabled,
        AccessEvent::SessionLocked,
        AccessEvent::SessionUnlocked,
        AccessEvent::AuditExported,
    ];

    /// The Japanese name 監査ログ shows.
    pub fn label(self) -> &'static str {
        match self {
            AccessEvent::FacilityCreated => "初期設定",
            AccessEvent::SignIn => "ログイン",
            AccessEvent::SignInFailed => "ログイン失敗",
            AccessEvent::LockedOut => "ロックアウト",
            AccessEvent::SignInWhileLocked => "ロック中のログイン",
            AccessEvent::SignOut => "ログアウト",
            AccessEvent::PasswordChanged => "パスワード変更",
            AccessEvent::StaffAdded => "スタッフ追加",
            AccessEvent::PatientOpened => "患者を開いた",
            AccessEvent::PatientNoteAdded => "からだの情報・メモの追加",
            AccessEvent::PatientNoteWithdrawn => "からだの情報・メモの取消",
            AccessEvent::JahisImported => "取込",
            AccessEvent::PatientsMerged => "患者の統合",
            AccessEvent::PatientMergeUndone => "統合の取り消し",
            AccessEvent::ExternalIdRemapped => "IDの付け替え",
            AccessEvent::SettingsChanged => "設定の変更",
            AccessEvent::CardIssued => "カード発行",
            AccessEvent::NotebookExported => "QR印刷",
            AccessEvent::PatientViewed => "患者情報の閲覧",
            AccessEvent::NotebookPreviewed => "他社手帳の閲覧",
            AccessEvent::DatabaseRestored => "復元",
            AccessEvent::BackupWritten => "バックアップ",
            AccessEvent::FeedFilesRecorded => "レセコン連携の記録",
            AccessEvent::FeedFileRetried => "取込の再試行",
            AccessEvent::VisitRecorded => "受付（カード）",
            AccessEvent::MasterImported => "マスタ取込",
            AccessEvent::UsageMapped => "用法の紐付け",
            AccessEvent::OqsRequest => "資格確認端末への要求",
            AccessEvent::DoctorAuthenticated => "医師の認証",
            AccessEvent::DoctorAuthFailed => "医師の認証失敗",
            AccessEvent::DoctorAuthEnded => "医師の認証終了",
            AccessEvent::PrescriptionSigned => "処方箋の署名",
            AccessEvent::PrescriptionPrinted => "処方箋の印刷",
            AccessEvent::StaffDeactivated => "スタッフの無効化",
            AccessEvent::StaffReactivated => "スタッフの再有効化",
            AccessEvent::PasswordReset => "パスワードのリセット",
            AccessEvent::RoleChanged => "権限の変更",
            AccessEvent::TwoFactorEnabled => "2段階認証の設定",
            AccessEvent::TwoFactorDisabled => "2段階認証の解除",
            AccessEvent::SessionLocked => "画面ロック",
            AccessEvent::SessionUnlocked => "ロック解除",
            AccessEvent::AuditExported => "監査ログの書き出し",
        }
    }

    /// The event whose stable text is `text`.
    pub fn parse(text: &str) -> Option<AccessEvent> {
        AccessEvent::ALL.into_iter().find(|e| e.as_str() == text)
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

/// A row waiting in a write transaction (see [`crate::write`]).
#[derive(Debug, Clone)]
pub(crate) struct PendingRow {
    pub(crate) event: AccessEvent,
    pub(crate) staff_id: Option<i64>,
    pub(crate) patient_id: Option<i64>,
    pub(crate) detail: Option<String>,
}

impl Store {
    /// Appends `rows`, chained in order after the newest row, inside the
    /// caller's transaction, which must have been begun with `BEGIN
    /// IMMEDIATE` (see [`crate::write`]): one read of the chain's end and one
    /// bulk insert, however many rows (a batch import logs one per document).
    pub(crate) async fn append_chained(
        &self,
        conn: &mut sqlx::SqliteConnection,
        login_id: &str,
        rows: &[PendingRow],
        via: Via,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let last = sqlx::query!(
            r#"SELECT id AS "id!: i64", hash FROM access_log ORDER BY id DESC LIMIT 1"#
        )
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| self.fail(e))?;
        let (mut id, mut prev) = last.map_or((1, String::new()), |r| (r.id + 1, r.hash));
        let at = timestamp(now);
        let pc_name = match via {
            Via::Cli => format!("{} (CLI)", self.pc_name),
            Via::Window | Via::System => self.pc_name.clone(),
        };
        #[derive(Serialize)]
        struct Row {
            #[serde(flatten)]
            entry: AccessLogEntry,
            hash: String,
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let entry = AccessLogEntry {
                id,
                at: at.clone(),
                event: row.event.as_str().to_string(),
                staff_id: row.staff_id,
                login_id: login_id.to_string(),
                pc_name: pc_name.clone(),
                patient_id: row.patient_id,
                detail: row.detail.clone(),
            };
            let hash = chain_hash(&prev, &entry);
            prev.clone_from(&hash);
            id += 1;
            out.push(Row { entry, hash });
        }
        let json = serde_json::to_string(&out).map_err(|e| StoreError::Database(e.to_string()))?;
        sqlx::query!(
            "INSERT INTO access_log (id, at, event, staff_id, login_id, pc_name, patient_id, detail, hash)
             SELECT value ->> 'id', value ->> 'at', value ->> 'event', value ->> 'staff_id',
                    value ->> 'login_id', value ->> 'pc_name', value ->> 'patient_id',
                    value ->> 'detail', value ->> 'hash'
             FROM json_each(?) WHERE true",
            json
        )
        .execute(&mut *conn)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Checks the whole chain, oldest first.
    pub async fn verify_access_log(&self) -> Result<ChainReport, StoreError> {
        const BATCH: i64 = 10_000;
        let mut report = ChainReport::default();
        let mut prev: Option<(i64, String)> = None;
        let mut after = 0i64;
        loop {
            let rows = sqlx::query!(
                r#"SELECT id AS "id!: i64", at, event, staff_id, login_id, pc_name, patient_id, detail, hash
                   FROM access_log WHERE id > ? ORDER BY id LIMIT ?"#,
                after,
                BATCH
            )
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            for r in rows {
                report.rows += 1;
                if r.hash.is_empty() && prev.is_none() {
                    report.unchained += 1; // written before the log was chained
                    continue;
                }
                let entry = AccessLogEntry {
                    id: r.id,
                    at: r.at,
                    event: r.event,
                    staff_id: r.staff_id,
                    login_id: r.login_id,
                    pc_name: r.pc_name,
                    patient_id: r.patient_id,
                    detail: r.detail,
                };
                // The first chained row follows an empty hash; every later one its predecessor.
                let (linked, prev_hash) = match &prev {
                    Some((prev_id, hash)) => (entry.id == prev_id + 1, hash.as_str()),
                    None => (true, ""),
                };
                if !linked || r.hash != chain_hash(prev_hash, &entry) {
                    report.first_broken = Some(entry.id);
                    return Ok(report);
                }
                prev = Some((entry.id, r.hash));
            }
        }
        Ok(report)
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

/// What [`Store::verify_access_log`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Rows read.
    pub rows: u64,
    /// Rows at the start written before the log was chained.
    pub unchained: u64,
    /// The first row whose link is broken (edited, or a row before it removed).
    pub first_broken: Option<i64>,
}

/// SHA-256 (hex) over the previous hash and every field of the row, separated
/// by U+001F so that no two rows serialise alike.
fn chain_hash(prev: &str, e: &AccessLogEntry) -> String {
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let text = [
        prev,
        &e.id.to_string(),
        &e.at,
        &e.event,
        &opt(e.staff_id),
        &e.login_id,
        &e.pc_name,
        &opt(e.patient_id),
        e.detail.as_deref().unwrap_or("\u{0}"),
    ]
    .join("\u{1f}");
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
