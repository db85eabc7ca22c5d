//! Two-factor sign-in (issue 16 §5; the FY2027 requirement of the MHLW
//! guideline): a TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30 s, one step
//! either side) from any authenticator app, or one of ten one-time recovery
//! codes. A code's time step is accepted once only. Enrolment shows the
//! secret once (as a QR code of its `otpauth://` address); the staff member
//! proves it works by typing a code before it is stored.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

use crate::access_log::AccessEvent;
use crate::{AccountError, Actor, Store, StoreError};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "OkusuriDesk";
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A secret offered for enrolment (not stored until confirmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Enrolment {
    /// The secret in base32, for typing into an app by hand.
    pub secret: String,
    /// The `otpauth://totp/…` address the QR code carries.
    pub url: String,
}

/// How a second factor was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// A TOTP code of this time step.
    Step(i64),
    /// A recovery code; the JSON of the ones left.
    Recovery(String),
}

fn totp(secret_base32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    let mut builder = Builder::new().with_secret(secret.as_bytes().to_vec());
    if !account.is_empty() {
        builder = builder
            .with_account_name(account.replace(':', "_"))
            .with_issuer(Some(ISSUER));
    }
    builder.build().ok()
}

/// A new random secret (160 bits, as RFC 4226 recommends) for `account`
/// (`staff@facility`).
pub fn new_enrolment(account: &str) -> Result<Enrolment, StoreError> {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    let secret = Secret::from(bytes.to_vec()).to_base32();
    let url = totp(&secret, account)
        .and_then(|t| t.to_url().ok())
        .ok_or_else(|| StoreError::Database("TOTP secret not usable".into()))?;
    Ok(Enrolment { secret, url })
}

/// The TOTP code of `secret_base32` at `at` (tests, and the simulator a
/// test uses in place of a phone).
pub fn code_at(secret_base32: &str, at: DateTime<Utc>) -> Option<String> {
    let t = totp(secret_base32, "")?;
    Some(t.generate(u64::try_from(at.timestamp()).ok()?).to_string())
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Normalises a typed recovery code: upper case, no spaces or dashes.
fn recovery_key(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks a typed code: a TOTP code of a step later than `last_step`, or an
/// unused recovery code. `None` when neither.
pub(crate) fn check_code(
    secret_base32: &str,
    last_step: Option<i64>,
    recovery_json: Option<&str>,
    code: &str,
    now: DateTime<Utc>,
) -> Option<Accepted> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        let t = totp(secret_base32, "")?;
        let step = t.check(&digits, u64::try_from(now.timestamp()).ok()?)?;
        let step = i64::try_from(step).ok()?;
        return (last_step.is_none_or(|last| step > last)).then_some(Accepted::Step(step));
    }
    let key = recovery_key(code);
    if key.len() < 10 {
        return None;
    }
    let mut left: Vec<String> = serde_json::from_str(recovery_json?).ok()?;
    let hash = sha256_hex(&key);
    let at = left.iter().position(|h| *h == hash)?;
    left.remove(at);
    serde_json::to_string(&left).ok().map(Accepted::Recovery)
}

/// Ten new recovery codes (`XXXXX-XXXXX`, base32) and the JSON of their hashes.
fn new_recovery_codes() -> (Vec<String>, String) {
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 7];
            OsRng.fill_bytes(&mut bytes);
            let text = Secret::from(bytes.to_vec()).to_base32();
            let text: String = text
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(10)
                .collect();
            format!("{}-{}", &text[..5], &text[5..])
        })
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| sha256_hex(&recovery_key(c))).collect();
    let json = serde_json::to_string(&hashes).unwrap_or_else(|_| "[]".into());
    (codes, json)
}

impl Store {
    /// Turns on two-factor sign-in for the acting staff member once `code`
    /// proves their app has the secret; returns the recovery codes (shown
    /// once, never stored in the clear).
    pub async fn enable_two_factor(
        &self,
        actor: &Actor,
        secret_base32: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, AccountError> {
        let id = actor.staff_id.ok_or(AccountError::UnknownStaff)?;
        let Some(Accepted::Step(step)) = check_code(secret_base32, None, None, code, now) else {
            return Err(AccountError::WrongSecondFactor);
        };
        let (codes, json) = new_recovery_codes();
        let mut tx = self.begin_write(actor, now).await?;
        sqlx::query!(
            "UPDATE staff SET totp_secret = ?, totp_last_step = ?, recovery_codes = ? WHERE id = ?",
            secret_base32,
            step,
            json,
            id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        tx.log(AccessEvent::TwoFactorEnabled, None, "");
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns off two-factor sign-in for `staff_id` (the staff member's own
    /// choice, or an administrator's when a phone is lost). Their password
    /// must then meet the password-only rule at its next change.
    pub async fn disable_two_factor(
        &self,
        actor: &Actor,
        staff_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        let mut tx = self.begin_write(actor, now).await?;
        let done = sqlx::query!(
            "UPDATE staff SET totp_secret = NULL, totp_last_step = NULL, recovery_codes = NULL
             WHERE id = ? AND totp_secret IS NOT NULL",
            staff_id
        )
        .execute(&mut **tx)
        .await
        .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(());
        }
        tx.log_for_staff(AccessEvent::TwoFactorDisabled, staff_id, "");
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1: secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let at = Utc.timestamp_opt(59, 0).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "287082");
        let at = Utc.timestamp_opt(1_111_111_109, 0).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "081804");
    }

    #[test]
    fn a_code_is_taken_once_and_one_step_either_side() {
        let e = new_enrolment("yakuzaishi@PH0001").unwrap();
        assert!(
            e.url
                .starts_with("otpauth://totp/OkusuriDesk:yakuzaishi%40PH0001?secret="),
            "{}",
            e.url
        );
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 10).unwrap();
        let code = code_at(&e.secret, now).unwrap();
        let Some(Accepted::Step(step)) = check_code(&e.secret, None, None, &code, now) else {
            panic!("refused")
        };
        assert!(
            check_code(&e.secret, Some(step), None, &code, now).is_none(),
            "replayed"
        );
        let late = now + chrono::Duration::seconds(30);
        assert!(
            check_code(&e.secret, None, None, &code, late).is_some(),
            "one step late"
        );
        let too_late = now + chrono::Duration::seconds(95);
        assert!(check_code(&e.secret, None, None, &code, too_late).is_none());
        assert!(check_code(&e.secret, None, None, "000000x", now).is_none());
    }

    #[test]
    fn a_recovery_code_works_once() {
        let (codes, json) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        );
        let now = Utc::now();
        let typed = codes[3].to_lowercase().replace('-', " ");
        let Some(Accepted::Recovery(left)) =
            check_code("JBSWY3DPEHPK3PXP", None, Some(&json), &typed, now)
        else {
            panic!("refused")
        };
        assert_eq!(serde_json::from_str::<Vec<String>>(&left).unwrap().len(), 9);
        assert!(check_code("JBSWY3DPEHPK3PXP", None, Some(&left), &codes[3], now).is_none());
        assert!(!json.contains(&codes[0]), "stored as hashes");
    }
}
