//! The signing key on a PKCS#11 token (an HPKI card through its vendor's
//! module, or SoftHSM2 in tests), through `cryptoki`: the token and its PIN
//! state (flags: low on tries, final try, locked), log-in with the PIN, the
//! certificate and key found by label, and `CKM_RSA_PKCS` over a DER
//! DigestInfo. The PIN is never stored: it is handed to the token and dropped.

use std::path::Path;

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::SignError;
use crate::xades::RawSigner;

/// Where the key is: the module, the token and the object labels (from 設定).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenConfig {
    /// The PKCS#11 module (e.g. `C:\Windows\System32\HpkiSigP11_MPKCS11H.dll`, or SoftHSM2's).
    pub module: String,
    /// The token's label; `None`: the first token present.
    pub token_label: Option<String>,
    /// The certificate's `CKA_LABEL` (HPKI: `HPKI END ENTITY CERTIFICATE`).
    pub cert_label: String,
    /// The private key's `CKA_LABEL` (HPKI: `Private key of HPKI`).
    pub key_label: String,
}

impl TokenConfig {
    /// The labels an HPKI card's signature module uses (public vendor samples), with `module`.
    pub fn hpki(module: &str) -> TokenConfig {
        TokenConfig {
            module: module.into(),
            token_label: None,
            cert_label: "HPKI END ENTITY CERTIFICATE".into(),
            key_label: "Private key of HPKI".into(),
        }
    }
}

/// What the token says about its PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PinState {
    /// A wrong PIN was entered since the last good one (`CKF_USER_PIN_COUNT_LOW`).
    pub count_low: bool,
    /// One more wrong PIN locks it (`CKF_USER_PIN_FINAL_TRY`).
    pub final_try: bool,
    /// Locked (`CKF_USER_PIN_LOCKED`).
    pub locked: bool,
}

impl PinState {
    /// The warning to show before PIN entry, if any.
    pub fn warning(&self) -> Option<&'static str> {
        if self.locked {
            Some(
                "PIN がロックされています。カードの発行元でロックを解除してください（HPKI カードは 15 回続けて間違えるとロックされます）。",
            )
        } else if self.final_try {
            Some("次に PIN を間違えるとロックされます。")
        } else if self.count_low {
            Some("PIN の入力を間違えた記録があります。残り回数が少なくなっている可能性があります。")
        } else {
            None
        }
    }
}

fn token_error(e: CkError, pin_state: Option<PinState>) -> SignError {
    match e {
        CkError::Pkcs11(RvError::PinIncorrect, _) => {
            let extra = pin_state
                .and_then(|s| s.warning())
                .map(|w| format!(" {w}"))
                .unwrap_or_default();
            SignError::WrongPin(format!("PIN が違います。{extra}").trim_end().to_string())
        }
        CkError::Pkcs11(RvError::PinLocked, _) => SignError::PinLocked,
        CkError::Pkcs11(RvError::PinLenRange, _) | CkError::Pkcs11(RvError::PinInvalid, _) => {
            SignError::WrongPin("PIN の桁数または文字が正しくありません。".into())
        }
        CkError::Pkcs11(RvError::TokenNotPresent, _)
        | CkError::Pkcs11(RvError::DeviceRemoved, _) => SignError::Token(
            "カードがリーダーにありません（抜かれました）。カードを置いてからやり直してください。"
                .into(),
        ),
        other => SignError::Token(format!("PKCS#11 の操作に失敗しました: {other}")),
    }
}

/// An open token (module loaded, a session on the chosen token).
pub struct Token {
    pkcs11: Pkcs11,
    slot: Slot,
    session: Session,
    config: TokenConfig,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Loads the module and opens a session on the configured token.
    pub fn open(config: &TokenConfig) -> Result<Token, SignError> {
        if !Path::new(&config.module).exists() {
            return Err(SignError::Token(format!(
                "PKCS#11 モジュール {} がありません。カードのドライバー（ベンダーのソフト）が入っているか確認してください。",
                config.module
            )));
        }
        let pkcs11 = Pkcs11::new(&config.module).map_err(|e| {
            SignError::Token(format!(
                "PKCS#11 モジュール {} を読み込めません: {e}",
                config.module
            ))
        })?;
        match pkcs11.initialize(CInitializeArgs::OsThreads) {
            Ok(()) | Err(CkError::AlreadyInitialized) => {}
            Err(e) => return Err(token_error(e, None)),
        }
        let slots = pkcs11
            .get_slots_with_token()
            .map_err(|e| token_error(e, None))?;
        let slot = slots
            .into_iter()
            .find(|s| match &config.token_label {
                None => true,
                Some(want) => pkcs11.get_token_info(*s).is_ok_and(|i| i.label().trim() == want.trim()),
            })
            .ok_or_else(|| {
                SignError::Token(match &config.token_label {
                    Some(l) => format!("トークン「{l}」が見つかりません。カードがリーダーに置かれているか確認してください。"),
                    None => "カード（トークン）が見つかりません。カードがリーダーに置かれているか確認してください。".into(),
                })
            })?;
        let session = pkcs11
            .open_ro_session(slot)
            .map_err(|e| token_error(e, None))?;
        Ok(Token {
            pkcs11,
            slot,
            session,
            config: config.clone(),
        })
    }

    /// The PIN state the token reports.
    pub fn pin_state(&self) -> Result<PinState, SignError> {
        let info = self
            .pkcs11
            .get_token_info(self.slot)
            .map_err(|e| token_error(e, None))?;
        Ok(PinState {
            count_low: info.user_pin_count_low(),
            final_try: info.user_pin_final_try(),
            locked: info.user_pin_locked(),
        })
    }

    /// Logs in with `pin` (the token checks it; a wrong PIN counts towards
    /// its lock-out). Refuses at once when the token says it is locked.
    pub fn login(&self, pin: &str) -> Result<(), SignError> {
        let state = self.pin_state()?;
        if state.locked {
            return Err(SignError::PinLocked);
        }
        match self
            .session
            .login(UserType::User, Some(&AuthPin::new(pin.to_string())))
        {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(e) => Err(token_error(e, self.pin_state().ok())),
        }
    }

    fn object(&self, class: ObjectClass, label: &str) -> Result<ObjectHandle, SignError> {
        let found = self
            .session
            .find_objects(&[
                Attribute::Class(class),
                Attribute::Label(label.as_bytes().to_vec()),
            ])
            .map_err(|e| token_error(e, None))?;
        found.into_iter().next().ok_or_else(|| {
            SignError::Token(format!(
                "カードに「{label}」がありません（{}）。設定のラベルを確認してください。",
                if class == ObjectClass::CERTIFICATE {
                    "証明書"
                } else {
                    "秘密鍵"
                }
            ))
        })
    }

    /// The DER of the certificate labelled as configured.
    pub fn certificate(&self) -> Result<Vec<u8>, SignError> {
        let handle = self.object(ObjectClass::CERTIFICATE, &self.config.cert_label)?;
        let attrs = self
            .session
            .get_attributes(handle, &[AttributeType::Value])
            .map_err(|e| token_error(e, None))?;
        attrs
            .into_iter()
            .find_map(|a| match a {
                Attribute::Value(v) => Some(v),
                _ => None,
            })
            .ok_or_else(|| SignError::Token("証明書の内容を読めません。".into()))
    }
}

impl RawSigner for Token {
    fn sign_digest_info(&self, digest_info: &[u8]) -> Result<Vec<u8>, SignError> {
        let key = self.object(ObjectClass::PRIVATE_KEY, &self.config.key_label)?;
        self.session
            .sign(&Mechanism::RsaPkcs, key, digest_info)
            .map_err(|e| token_error(e, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pin_state_has_its_warning() {
        let s = |count_low, final_try, locked| PinState {
            count_low,
            final_try,
            locked,
        };
        assert_eq!(s(false, false, false).warning(), None);
        assert!(
            s(true, false, false)
                .warning()
                .unwrap_or_default()
                .contains("残り回数")
        );
        assert!(
            s(true, true, false)
                .warning()
                .unwrap_or_default()
                .contains("次に PIN を間違えるとロック")
        );
        assert!(
            s(true, true, true)
                .warning()
                .unwrap_or_default()
                .contains("ロックされています")
        );
        let e = token_error(
            CkError::Pkcs11(RvError::PinLocked, cryptoki::context::Function::Login),
            None,
        );
        assert!(e.to_string().contains("ロック"), "{e}");
        let e = token_error(
            CkError::Pkcs11(RvError::PinIncorrect, cryptoki::context::Function::Login),
            Some(s(true, true, false)),
        );
        assert!(
            e.to_string().contains("PIN が違います。 次に")
                || e.to_string().contains("PIN が違います。次に"),
            "{e}"
        );
    }
}
