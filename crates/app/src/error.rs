//! The one error every use case returns: a stable `code` the UI and scripts
//! can branch on, the Japanese `message` to show, and an optional `detail`
//! for the administrator. Every crate's error maps into it with `From`, so a
//! database failure is never reported as anything else (such as a missing
//! permission).

use serde::Serialize;

/// What kind of failure, as a stable dotted name (`auth.required`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
pub enum ErrorCode {
    /// Nobody is signed in.
    #[serde(rename = "auth.required")]
    AuthRequired,
    /// The signed-in staff member's role may not do this.
    #[serde(rename = "auth.forbidden")]
    AuthForbidden,
    /// Wrong facility ID, staff ID or password.
    #[serde(rename = "auth.failed")]
    AuthFailed,
    /// Locked after too many failures (a signing card's PIN).
    #[serde(rename = "auth.locked")]
    AuthLocked,
    /// The password was right; the second factor's code is needed.
    #[serde(rename = "auth.second_factor")]
    AuthSecondFactor,
    /// The password was reset by an administrator: change it first.
    #[serde(rename = "auth.password_change")]
    AuthPasswordChange,
    /// The window is locked (idle): the password unlocks it.
    #[serde(rename = "session.locked")]
    SessionLocked,
    /// The database is locked by another program for longer than we wait.
    #[serde(rename = "db.busy")]
    DbBusy,
    /// The database file is damaged, or written by a newer version.
    #[serde(rename = "db.damaged")]
    DbDamaged,
    /// The database or its folder cannot be reached (missing, permissions).
    #[serde(rename = "db.unavailable")]
    DbUnavailable,
    /// Any other database failure.
    #[serde(rename = "db.failed")]
    DbFailed,
    /// An input broke a rule; the message says which.
    #[serde(rename = "input.invalid")]
    InputInvalid,
    /// The import gate refused the data; the message lists where and why
    /// (nothing of it was stored).
    #[serde(rename = "import.refused")]
    ImportRefused,
    /// What was asked for does not exist (or no longer).
    #[serde(rename = "not_found")]
    NotFound,
    /// The request conflicts with what is stored (a card in use, already set up, …).
    #[serde(rename = "conflict")]
    Conflict,
    /// A file could not be written, read or opened.
    #[serde(rename = "io.failed")]
    IoFailed,
    /// First-run setup has not been done.
    #[serde(rename = "setup.required")]
    SetupRequired,
    /// The OQS terminal's folders cannot be reached; nothing was sent.
    #[serde(rename = "eps.unreachable")]
    EpsUnreachable,
    /// A request was sent but its outcome is unknown (no answer in time, or
    /// an answer we cannot read): 結果不明, never resent automatically.
    #[serde(rename = "eps.unknown")]
    EpsOutcomeUnknown,
    /// The operation cannot be sent (its name is vendor-only and not filled
    /// in, or 電子処方箋 settings are missing).
    #[serde(rename = "eps.not_configured")]
    EpsNotConfigured,
    /// The update server cannot be reached, or answered with an error.
    #[serde(rename = "update.unreachable")]
    UpdateUnreachable,
    /// An update was refused: its signature, its signed version or its
    /// manifest does not hold; nothing was installed.
    #[serde(rename = "update.refused")]
    UpdateRefused,
    /// Signing failed or a signature did not verify (card, certificate, token).
    #[serde(rename = "sign.failed")]
    SignFailed,
    /// The doctor must authenticate (again) before signing.
    #[serde(rename = "sign.auth_required")]
    SignAuthRequired,
}

impl ErrorCode {
    /// The stable dotted name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::AuthRequired => "auth.required",
            ErrorCode::AuthForbidden => "auth.forbidden",
            ErrorCode::AuthFailed => "auth.failed",
            ErrorCode::AuthLocked => "auth.locked",
            ErrorCode::AuthSecondFactor => "auth.second_factor",
            ErrorCode::AuthPasswordChange => "auth.password_change",
            ErrorCode::SessionLocked => "session.locked",
            ErrorCode::DbBusy => "db.busy",
            ErrorCode::DbDamaged => "db.damaged",
            ErrorCode::DbUnavailable => "db.unavailable",
            ErrorCode::DbFailed => "db.failed",
            ErrorCode::InputInvalid => "input.invalid",
            ErrorCode::ImportRefused => "import.refused",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::IoFailed => "io.failed",
            ErrorCode::SetupRequired => "setup.required",
            ErrorCode::EpsUnreachable => "eps.unreachable",
            ErrorCode::EpsOutcomeUnknown => "eps.unknown",
            ErrorCode::EpsNotConfigured => "eps.not_configured",
            ErrorCode::UpdateUnreachable => "update.unreachable",
            ErrorCode::UpdateRefused => "update.refused",
            ErrorCode::SignFailed => "sign.failed",
            ErrorCode::SignAuthRequired => "sign.auth_required",
        }
    }
}

/// A failed use case: `{code, message, detail?}` across IPC and in the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message}")]
pub struct AppError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// The Japanese text to show.
    pub message: String,
    /// Extra facts for the administrator, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

impl AppError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: message.into(),
            detail: None,
        }
    }

    /// An input that broke a rule.
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::InputInvalid, message)
    }

    /// Something asked for that does not exist.
    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::NotFound, message)
    }

    /// Nobody is signed in.
    pub fn auth_required() -> AppError {
        AppError::new(ErrorCode::AuthRequired, "ログインしてください。")
    }

    /// Adds a detail for the administrator.
    pub fn with_detail(mut self, detail: impl Into<String>) -> AppError {
        self.detail = Some(detail.into());
        self
    }

    /// Prefixes the message with what it concerns (a file name).
    pub fn about(mut self, what: &str) -> AppError {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl From<okusuri_sign::SignError> for AppError {
    fn from(e: okusuri_sign::SignError) -> AppError {
        use okusuri_sign::SignError as S;
        let code = match &e {
            S::WrongPin(_) => ErrorCode::AuthFailed,
            S::PinLocked => ErrorCode::AuthLocked,
            _ => ErrorCode::SignFailed,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<okusuri_store::StoreError> for AppError {
    fn from(e: okusuri_store::StoreError) -> AppError {
        use okusuri_store::StoreError as S;
        let code = match &e {
            S::Locked(_) | S::InUse(_) => ErrorCode::DbBusy,
            S::Corrupt(_) | S::NewerSchema(_) | S::BackupInvalid(_) => ErrorCode::DbDamaged,
            S::DataDirMissing(_)
            | S::DatabaseMissing(_)
            | S::Inaccessible { .. }
            | S::NoDataDir
            | S::BackupDirMissing(_)
            | S::NetworkShare { .. } => ErrorCode::DbUnavailable,
            S::UnknownStaff => ErrorCode::AuthRequired,
            S::AuditKeyMissing
            | S::DatabaseKeyMissing(_)
            | S::DatabaseKeyDamaged
            | S::BackupNeedsKey(_) => ErrorCode::DbUnavailable,
            S::DatabaseKeyWrong(_) => ErrorCode::DbDamaged,
            S::EncryptionFailed { .. } => ErrorCode::DbFailed,
            S::NotShared(_) => ErrorCode::Conflict,
            S::Database(_) => ErrorCode::DbFailed,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<okusuri_store::AccountError> for AppError {
    fn from(e: okusuri_store::AccountError) -> AppError {
        use okusuri_store::AccountError as A;
        if let A::Store(inner) = e {
            return inner.into();
        }
        let code = match &e {
            A::Store(_) => ErrorCode::DbFailed,
            A::Invalid(_) | A::WrongCurrentPassword => ErrorCode::InputInvalid,
            A::AlreadySetUp | A::LoginIdTaken(_) => ErrorCode::Conflict,
            A::NotSetUp => ErrorCode::SetupRequired,
            A::InvalidCredentials | A::WrongSecondFactor => ErrorCode::AuthFailed,
            A::SecondFactorRequired => ErrorCode::AuthSecondFactor,
            A::UnknownStaff => ErrorCode::AuthRequired,
        };
        AppError::new(code, e.to_string())
    }
}

/// Maps a crate error whose `Store` variant carries a [`okusuri_store::StoreError`]:
/// that one keeps its own code, every other variant gets `$code(variant)`.
macro_rules! with_store {
    ($($ty:ident)::+, |$v:ident| $code:expr) => {
        impl From<$($ty)::+> for AppError {
            fn from(e: $($ty)::+) -> AppError {
                if let $($ty)::+::Store(inner) = e {
                    return inner.into();
                }
                let $v = &e;
                AppError::new($code, e.to_string())
            }
        }
    };
}

with_store!(okusuri_store::NoteError, |v| match v {
    okusuri_store::NoteError::NotFound => ErrorCode::NotFound,
    _ => ErrorCode::InputInvalid,
});
with_store!(okusuri_store::CardError, |v| match v {
    okusuri_store::CardError::InUse(_) => ErrorCode::Conflict,
    okusuri_store::CardError::PatientNotFound => ErrorCode::NotFound,
    _ => ErrorCode::InputInvalid,
});
with_store!(okusuri_store::MergeError, |v| match v {
    okusuri_store::MergeError::PatientNotFound | okusuri_store::MergeError::MergeNotFound =>
        ErrorCode::NotFound,
    okusuri_store::MergeError::AlreadyMerged
    | okusuri_store::MergeError::AlreadyUndone
    | okusuri_store::MergeError::MergedSince => ErrorCode::Conflict,
    _ => ErrorCode::InputInvalid,
});
with_store!(okusuri_store::RemapError, |_v| ErrorCode::InputInvalid);
with_store!(okusuri_store::ImportError, |v| match v {
    okusuri_store::ImportError::PatientNotFound => ErrorCode::NotFound,
    _ => ErrorCode::InputInvalid,
});
with_store!(okusuri_store::SettingsError, |_v| ErrorCode::InputInvalid);
with_store!(okusuri_store::ExportError, |v| match v {
    okusuri_store::ExportError::PatientNotFound => ErrorCode::NotFound,
    _ => ErrorCode::InputInvalid,
});
with_store!(okusuri_feed::FeedError, |_v| ErrorCode::InputInvalid);

impl From<okusuri_print::PrintError> for AppError {
    fn from(e: okusuri_print::PrintError) -> AppError {
        use okusuri_print::PrintError as P;
        let code = match &e {
            P::Empty | P::Qr(_) => ErrorCode::InputInvalid,
            _ => ErrorCode::IoFailed,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<okusuri_domain::gate::Refused> for AppError {
    fn from(e: okusuri_domain::gate::Refused) -> AppError {
        AppError::new(ErrorCode::ImportRefused, e.to_string())
    }
}

impl From<okusuri_jahis::ReadError> for AppError {
    fn from(e: okusuri_jahis::ReadError) -> AppError {
        AppError::invalid(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn codes_serialise_as_their_stable_names() {
        let e = AppError::new(ErrorCode::AuthForbidden, "だめです").with_detail("role clerk");
        let json = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(json["code"], "auth.forbidden");
        assert_eq!(json["message"], "だめです");
        assert_eq!(json["detail"], "role clerk");
        let plain = serde_json::to_value(AppError::invalid("x")).unwrap_or_default();
        assert!(plain.get("detail").is_none());
        for code in [
            ErrorCode::DbBusy,
            ErrorCode::NotFound,
            ErrorCode::SetupRequired,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap_or_default(),
                code.as_str()
            );
        }
    }

    #[test]
    fn a_database_failure_inside_a_rule_error_keeps_its_own_code() {
        let locked = okusuri_store::StoreError::Locked(PathBuf::from("okusuri.db"));
        let via_account: AppError = okusuri_store::AccountError::Store(locked).into();
        assert_eq!(via_account.code, ErrorCode::DbBusy);
        let corrupt = okusuri_store::StoreError::Corrupt(PathBuf::from("okusuri.db"));
        let via_merge: AppError = okusuri_store::MergeError::Store(corrupt).into();
        assert_eq!(via_merge.code, ErrorCode::DbDamaged);
        assert!(via_merge.message.contains("壊れています"));
        let gone = okusuri_store::StoreError::Inaccessible {
            path: PathBuf::from("x"),
            reason: "denied".into(),
        };
        let via_settings: AppError = okusuri_store::SettingsError::Store(gone).into();
        assert_eq!(via_settings.code, ErrorCode::DbUnavailable);
    }

    #[test]
    fn rule_errors_get_their_family() {
        let e: AppError = okusuri_store::CardError::InUse("山田".into()).into();
        assert_eq!(e.code, ErrorCode::Conflict);
        let e: AppError = okusuri_store::AccountError::SecondFactorRequired.into();
        assert_eq!(e.code, ErrorCode::AuthSecondFactor);
        let e: AppError = okusuri_store::AccountError::InvalidCredentials.into();
        assert_eq!(e.code, ErrorCode::AuthFailed);
        let e: AppError = okusuri_store::NoteError::NotFound.into();
        assert_eq!(e.code, ErrorCode::NotFound);
        let e = AppError::invalid("bad").about("a.txt");
        assert_eq!(e.message, "a.txt: bad");
    }
}
