//! The access log: who did what, when, on which PC, and which patient they
//! opened. Rows are only ever appended, as a hash chain: each row's `hash`
//! covers the previous row's hash and the row's own fields, so an edited or
//! removed row breaks the chain from that row on ([`Store::verify_access_log`],
//! `okusuri audit verify`).
//!
//! The chain is keyed (issue 16 §7): once the app has a key for this
//! database in the OS key store it writes one `audit_chain_keyed` row, whose
//! detail records how many rows came before the chain existed and where the
//! plain SHA-256 chain ends; from that row on every hash is HMAC-SHA256 with
//! the key, so nobody without the key can rewrite rows and re-chain them,
//! and rows cannot be "unchained" later. After every keyed write the newest
//! row's ID and hash, signed with the key, go to `backups/audit-head.json`
//! outside the database: deleting the newest rows, or putting an old copy
//! of the database in place, no longer matches it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Actor, Store, StoreError, Via, timestamp};

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
    /// From this row on the chain is keyed (HMAC with the key in the OS key
    /// store); the detail records the rows before it, once.
    AuditChainKeyed,
    /// The plain database was converted into an encrypted one (SQLCipher).
    DatabaseEncrypted,
    /// An administrator exported the database's keys to a file (key recovery).
    KeysExported,
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
            AccessEvent::AuditChainKeyed => "audit_chain_keyed",
            AccessEvent::DatabaseEncrypted => "database_encrypted",
            AccessEvent::KeysExported => "keys_exported",
        }
    }

    /// Every event, in the order they are declared.
    pub const ALL: [AccessEvent; 45] = [
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
        AccessEvent::AuditChainKeyed,
        AccessEvent::DatabaseEncrypted,
        AccessEvent::KeysExported,
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
            AccessEvent::AuditChainKeyed => "監査ログの鍵付け",
            AccessEvent::DatabaseEncrypted => "データベースの暗号化",
            AccessEvent::KeysExported => "鍵の書き出し",
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

/// What the `audit_chain_keyed` row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ChainMarker {
    /// Rows at the start written before the log was chained at all.
    pub unchained: i64,
    /// The last row of the plain SHA-256 chain (the marker row follows it).
    pub sha256_through: i64,
}

/// The newest keyed row, as written outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
struct Head {
    id: i64,
    hash: String,
    mac: String,
}

/// The head file's name, in the backups folder beside the database.
pub const HEAD_FILE_NAME: &str = "audit-head.json";

impl Store {
    /// The PC as the access log names it (`(CLI)` added for the command line).
    pub(crate) fn log_pc_name(&self, via: Via) -> String {
        match via {
            Via::Cli => format!("{} (CLI)", self.pc_name),
            Via::Window | Via::System => self.pc_name.clone(),
        }
    }
}

impl Store {
    /// The marker row, if the chain is keyed: its ID and what it records.
    pub async fn chain_marker(&self) -> Result<Option<(i64, ChainMarker)>, StoreError> {
        let row = sqlx::query!(
            r#"SELECT id AS "id!: i64", detail FROM access_log WHERE event = 'audit_chain_keyed' ORDER BY id LIMIT 1"#
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(row.and_then(|r| {
            let marker = serde_json::from_str(r.detail.as_deref()?).ok()?;
            Some((r.id, marker))
        }))
    }

    /// Keys the chain from now on (see the module docs) when this store has
    /// a key and the chain is not keyed yet; true when it did.
    pub async fn key_audit_chain(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        if self.audit_key.is_none() || self.chain_marker().await?.is_some() {
            return Ok(false);
        }
        let bounds = sqlx::query!(
            r#"SELECT (SELECT min(id) FROM access_log WHERE hash != '') AS "first_chained?: i64",
                      (SELECT max(id) FROM access_log) AS "last?: i64""#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let last = bounds.last.unwrap_or(0);
        let marker = ChainMarker {
            unchained: bounds.first_chained.map_or(last, |first| first - 1),
            sha256_through: last,
        };
        let detail =
            serde_json::to_string(&marker).map_err(|e| StoreError::Database(e.to_string()))?;
        self.audit(actor, AccessEvent::AuditChainKeyed, None, &detail, now)
            .await?;
        Ok(true)
    }

    /// Where the signed head of the keyed chain is kept.
    pub fn head_file(&self) -> std::path::PathBuf {
        self.default_backup_dir().join(HEAD_FILE_NAME)
    }

    /// Writes the signed head (after a keyed write commits). Failing to
    /// write it is logged, not fatal: the change is stored; verify reports
    /// the head behind.
    pub(crate) fn write_head(&self, id: i64, hash: &str) {
        let Some(key) = self.audit_key.as_deref() else {
            return;
        };
        let head = Head {
            id,
            hash: hash.to_string(),
            mac: head_mac(key, id, hash),
        };
        let path = self.head_file();
        let written = (|| -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                crate::location::create_private_dir_all(dir)?;
            }
            let part = path.with_extension(format!("json.{}.part", std::process::id()));
            std::fs::write(
                &part,
                serde_json::to_vec(&head).map_err(std::io::Error::other)?,
            )?;
            crate::location::make_private(&part)?;
            std::fs::rename(&part, &path)
        })();
        if let Err(e) = written {
            tracing::warn!("audit head not written: {e}");
        }
        crate::event_log::record_head(head.id, &head.hash, &head.mac);
    }

    /// Checks the signed head against the database: `None` when it holds,
    /// else what is wrong, in Japanese.
    async fn check_head(
        &self,
        key: &[u8],
        last: Option<(i64, String)>,
    ) -> Result<Option<String>, StoreError> {
        let path = self.head_file();
        let head: Head = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(head) => head,
                Err(_) => {
                    return Ok(Some(format!(
                        "監査ログの控え（{}）を読めません。",
                        path.display()
                    )));
                }
            },
            Err(_) => {
                return Ok(Some(format!(
                    "監査ログの控え（{}）が見つかりません。削除されたか、データフォルダが移されています。",
                    path.display()
                )));
            }
        };
        if head.mac != head_mac(key, head.id, &head.hash) {
            return Ok(Some(
                "監査ログの控えの署名が合いません（控えが書き換えられています）。".into(),
            ));
        }
        let Some((last_id, _)) = last else {
            return Ok(Some(
                "監査ログが空です。控えにある記録がありません。".into(),
            ));
        };
        if head.id > last_id {
            return Ok(Some(format!(
                "控えにある最新の記録 {} がデータベースにありません（最新の記録が削除されたか、古いデータベースに置き換えられています）。",
                head.id
            )));
        }
        let stored = sqlx::query_scalar!("SELECT hash FROM access_log WHERE id = ?", head.id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        if stored.as_deref() != Some(head.hash.as_str()) {
            return Ok(Some(format!(
                "記録 {} が控えと違います（古いデータベースに置き換えられたか、書き換えられています）。",
                head.id
            )));
        }
        Ok(None)
    }

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
    ) -> Result<Option<(i64, String)>, StoreError> {
        if rows.is_empty() {
            return Ok(None);
        }
        let keyed_from = sqlx::query_scalar!(
            r#"SELECT min(id) AS "id?: i64" FROM access_log WHERE event = 'audit_chain_keyed'"#
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| self.fail(e))?;
        let mut keyed = keyed_from.is_some();
        let last = sqlx::query!(
            r#"SELECT id AS "id!: i64", hash FROM access_log ORDER BY id DESC LIMIT 1"#
        )
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| self.fail(e))?;
        let (mut id, mut prev) = last.map_or((1, String::new()), |r| (r.id + 1, r.hash));
        let at = timestamp(now);
        let pc_name = self.log_pc_name(via);
        #[derive(Serialize)]
        struct Row {
            #[serde(flatten)]
            entry: AccessLogEntry,
            hash: String,
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            keyed |= row.event == AccessEvent::AuditChainKeyed;
            let key = match (keyed, self.audit_key.as_deref()) {
                (false, _) => None,
                (true, Some(key)) => Some(key.as_slice()),
                (true, None) => return Err(StoreError::AuditKeyMissing),
            };
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
            let hash = row_hash(key, &prev, &entry);
            prev.clone_from(&hash);
            id += 1;
            out.push(Row { entry, hash });
        }
        let head = keyed.then(|| (id - 1, prev.clone()));
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
        Ok(head)
    }

    /// Checks the whole chain, oldest first, and (once keyed) the signed
    /// head outside the database.
    pub async fn verify_access_log(&self) -> Result<ChainReport, StoreError> {
        const BATCH: i64 = 10_000;
        let mut report = ChainReport::default();
        let marker = self.chain_marker().await?;
        let key = self.audit_key.clone();
        if let Some((id, m)) = marker {
            report.keyed_from = Some(id);
            report.recorded_unchained = Some(m.unchained);
            if key.is_none() {
                report.key_missing = true;
                return Ok(report);
            }
        }
        let broken = |mut report: ChainReport, id: i64| {
            report.first_broken = Some(id);
            Ok(report)
        };
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
                let expected_id = prev.as_ref().map_or(1, |(id, _)| id + 1);
                let legacy = match marker {
                    // Exactly the rows the marker recorded, and only at the start.
                    Some((_, m)) => r.id <= m.unchained,
                    None => r.hash.is_empty() && prev.as_ref().is_none_or(|(_, h)| h.is_empty()),
                };
                if legacy {
                    if !r.hash.is_empty() || (marker.is_some() && r.id != expected_id) {
                        return broken(report, r.id);
                    }
                    report.unchained += 1;
                    prev = Some((r.id, String::new()));
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
                let keyed_row = marker.is_some_and(|(id, _)| entry.id >= id);
                let row_key = if keyed_row {
                    key.as_deref().map(Vec::as_slice)
                } else {
                    None
                };
                // The first chained row follows an empty hash; every later one its predecessor.
                let prev_hash = prev.as_ref().map_or("", |(_, h)| h.as_str());
                let linked = prev.is_none() || entry.id == expected_id;
                if !linked || r.hash != row_hash(row_key, prev_hash, &entry) {
                    return broken(report, entry.id);
                }
                prev = Some((entry.id, r.hash));
            }
        }
        if let (Some((marker_id, m)), Some(key)) = (marker, key.as_deref()) {
            if report.unchained != u64::try_from(m.unchained).unwrap_or(u64::MAX)
                || marker_id != m.sha256_through + 1
            {
                report.first_broken = Some(marker_id);
                return Ok(report);
            }
            report.head_problem = self.check_head(key, prev).await?;
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
    /// Where the keyed chain starts (the `audit_chain_keyed` row), if keyed.
    pub keyed_from: Option<i64>,
    /// The unchained rows the marker recorded, if keyed.
    pub recorded_unchained: Option<i64>,
    /// The chain is keyed but this store has no key: nothing could be checked.
    pub key_missing: bool,
    /// What is wrong with the signed head outside the database, if anything.
    pub head_problem: Option<String>,
}

impl ChainReport {
    /// True when nothing is wrong.
    pub fn holds(&self) -> bool {
        self.first_broken.is_none() && !self.key_missing && self.head_problem.is_none()
    }
}

/// The MAC of the head file.
fn head_mac(key: &[u8], id: i64, hash: &str) -> String {
    hmac_hex(key, &format!("okusuri-audit-head\u{1f}{id}\u{1f}{hash}"))
}

fn hmac_hex(key: &[u8], text: &str) -> String {
    use hmac::Mac;
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(text.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of a row: HMAC-SHA256 with the key once the chain is keyed,
/// SHA-256 before (see the module docs).
fn row_hash(key: Option<&[u8]>, prev: &str, e: &AccessLogEntry) -> String {
    match key {
        Some(key) => hmac_hex(key, &row_text(prev, e)),
        None => chain_hash(prev, e),
    }
}

/// SHA-256 (hex) over the previous hash and every field of the row, separated
/// by U+001F so that no two rows serialise alike.
fn chain_hash(prev: &str, e: &AccessLogEntry) -> String {
    Sha256::digest(row_text(prev, e).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The previous hash and every field of the row, separated by U+001F.
fn row_text(prev: &str, e: &AccessLogEntry) -> String {
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    [
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
    .join("\u{1f}")
}
