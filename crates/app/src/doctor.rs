//! The doctor's authentication to sign prescriptions (C3) and signing.
//!
//! - **HPKI card (local)**: the PIN is checked by logging in to the card's
//!   PKCS#11 token; the logged-in token is kept in this session until the
//!   authentication expires or the doctor signs out. The PIN is handed to the
//!   token and dropped — never stored, logged or written anywhere.
//! - **Remote signature (HPKI セカンド電子証明書)**: the platform and its local
//!   adapter are vendor-only. The app opens the configured authentication URL
//!   for the doctor, records when the doctor said it was completed and shows
//!   the session's expiry as an **estimate**; signing through it is an adapter
//!   that answers 未設定 until a vendor configures it — never a fake success.
//!
//! Every authentication, failure, end and signature is in the access log.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use okusuri_sign::{Cert, Token, TokenConfig};
use okusuri_store::AccessEvent;
use serde::Serialize;

use crate::{App, AppError, ErrorCode, Permission, Session};

/// Settings keys of signing.
pub mod keys {
    /// `hpki` (a card through its PKCS#11 module) or `remote`.
    pub const METHOD: &str = "sign.method";
    /// The PKCS#11 module's path.
    pub const MODULE: &str = "sign.module";
    /// The token's label (empty: the first token).
    pub const TOKEN_LABEL: &str = "sign.token_label";
    /// The certificate's label.
    pub const CERT_LABEL: &str = "sign.cert_label";
    /// The private key's label.
    pub const KEY_LABEL: &str = "sign.key_label";
    /// The remote-signature platform's authentication URL (or program).
    pub const REMOTE_URL: &str = "sign.remote_url";
    /// Hours an authentication lasts.
    pub const HOURS: &str = "sign.auth_hours";
}

/// Hours an authentication lasts unless 設定 says otherwise (the remote
/// platforms publish about 18 hours; a card authentication is kept as long).
pub const DEFAULT_AUTH_HOURS: i64 = 18;

/// How the doctor signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SignMethod {
    /// An HPKI card through its vendor's PKCS#11 module.
    Hpki,
    /// The HPKI remote-signature platform (vendor-only adapter).
    Remote,
}

/// The doctor's current authentication, as the header and tray show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DoctorAuthInfo {
    /// How.
    pub method: SignMethod,
    /// The signing certificate's subject (card), or empty (remote).
    pub subject: String,
    /// When the doctor authenticated (UTC RFC 3339).
    pub authenticated_at: String,
    /// Until when (UTC RFC 3339).
    pub expires_at: String,
    /// True when `expires_at` is our estimate, not a time the platform reported.
    pub expiry_is_estimate: bool,
}

/// The authentication kept in the session.
pub struct DoctorAuth {
    info: DoctorAuthInfo,
    expires: DateTime<Utc>,
    token: Option<Arc<Mutex<Token>>>,
}

impl std::fmt::Debug for DoctorAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DoctorAuth")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Signing settings from 設定.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignSettings {
    /// The method, if chosen.
    pub method: Option<SignMethod>,
    /// The card's module and labels.
    pub token: TokenConfig,
    /// The remote platform's authentication URL.
    pub remote_url: String,
    /// Hours an authentication lasts.
    pub auth_hours: i64,
}

/// 署名の方法 as 設定 shows and saves it (the card's labels stay the HPKI ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SignSettingsView {
    /// The method, if chosen.
    pub method: Option<SignMethod>,
    /// The HPKI card's PKCS#11 module (a file path).
    pub module: String,
    /// The token's label (empty: the first card present).
    pub token_label: String,
    /// The remote platform's authentication URL.
    pub remote_url: String,
    /// Hours an authentication lasts (1–24).
    pub auth_hours: i64,
}

/// The clinic's client certificate as 設定 shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ClientCertView {
    /// Subject (RFC 4514).
    pub subject: String,
    /// Issuer (RFC 4514).
    pub issuer: String,
    /// Valid until (UTC RFC 3339).
    pub not_after: String,
    /// Days left (negative: expired).
    pub days_left: i64,
    /// A warning within 30 days of expiry (or after).
    pub warning: Option<String>,
}

impl From<okusuri_secrets::client_cert::ClientCert> for ClientCertView {
    fn from(c: okusuri_secrets::client_cert::ClientCert) -> Self {
        ClientCertView {
            subject: c.cert.subject,
            issuer: c.cert.issuer,
            not_after: c.cert.not_after,
            days_left: c.days_left,
            warning: c.warning,
        }
    }
}

fn sign_error(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::SignFailed, message)
}

impl App {
    /// The signing settings.
    pub async fn sign_settings(&self) -> Result<SignSettings, AppError> {
        let get = |k: &'static str| async move {
            self.store.setting(k).await.map(|v| v.unwrap_or_default())
        };
        let method = match get(keys::METHOD).await?.as_str() {
            "hpki" => Some(SignMethod::Hpki),
            "remote" => Some(SignMethod::Remote),
            _ => None,
        };
        let mut token = TokenConfig::hpki(&get(keys::MODULE).await?);
        let label = get(keys::TOKEN_LABEL).await?;
        token.token_label = (!label.is_empty()).then_some(label);
        for (key, slot) in [
            (keys::CERT_LABEL, &mut token.cert_label),
            (keys::KEY_LABEL, &mut token.key_label),
        ] {
            let v = get(key).await?;
            if !v.is_empty() {
                *slot = v;
            }
        }
        let auth_hours = get(keys::HOURS)
            .await?
            .parse()
            .ok()
            .filter(|h| (1..=24).contains(h))
            .unwrap_or(DEFAULT_AUTH_HOURS);
        Ok(SignSettings {
            method,
            token,
            remote_url: get(keys::REMOTE_URL).await?,
            auth_hours,
        })
    }

    /// Sets how doctors sign (administrators): an HPKI card's module and
    /// labels, or the remote platform's URL; and how long an authentication lasts.
    pub async fn set_sign_settings(
        &self,
        session: &Session,
        method: SignMethod,
        token: &TokenConfig,
        remote_url: &str,
        auth_hours: i64,
    ) -> Result<(), AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        if !(1..=24).contains(&auth_hours) {
            return Err(AppError::invalid(
                "認証の有効時間は1〜24時間で指定してください。",
            ));
        }
        let method_text = match method {
            SignMethod::Hpki => "hpki",
            SignMethod::Remote => "remote",
        };
        let hours = auth_hours.to_string();
        let pairs = [
            (keys::METHOD, method_text),
            (keys::MODULE, token.module.as_str()),
            (
                keys::TOKEN_LABEL,
                token.token_label.as_deref().unwrap_or_default(),
            ),
            (keys::CERT_LABEL, token.cert_label.as_str()),
            (keys::KEY_LABEL, token.key_label.as_str()),
            (keys::REMOTE_URL, remote_url),
            (keys::HOURS, hours.as_str()),
        ];
        Ok(self
            .store
            .set_settings(
                &session.actor(),
                &pairs,
                AccessEvent::SettingsChanged,
                "setting sign.*",
                self.clock.now(),
            )
            .await?)
    }

    /// 署名の方法 for 設定 (administrators).
    pub async fn sign_settings_view(
        &self,
        session: &Session,
    ) -> Result<SignSettingsView, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let s = self.sign_settings().await?;
        Ok(SignSettingsView {
            method: s.method,
            module: s.token.module,
            token_label: s.token.token_label.unwrap_or_default(),
            remote_url: s.remote_url,
            auth_hours: s.auth_hours,
        })
    }

    /// Saves 署名の方法 from 設定: the card's module must be a file that exists.
    pub async fn set_sign_settings_view(
        &self,
        session: &Session,
        view: &SignSettingsView,
    ) -> Result<(), AppError> {
        let Some(method) = view.method else {
            return Err(AppError::invalid("署名の方法を選んでください。"));
        };
        let module = view.module.trim();
        if method == SignMethod::Hpki && !std::path::Path::new(module).is_file() {
            return Err(AppError::invalid(format!(
                "HPKI カードのモジュール（{module}）が見つかりません。カードのドライバーに付属する PKCS#11 モジュールのファイルを指定してください。"
            )));
        }
        let mut token = TokenConfig::hpki(module);
        let label = view.token_label.trim();
        token.token_label = (!label.is_empty()).then(|| label.to_string());
        self.set_sign_settings(
            session,
            method,
            &token,
            view.remote_url.trim(),
            view.auth_hours,
        )
        .await
    }

    async fn audit_doctor(
        &self,
        session: &Session,
        event: AccessEvent,
        detail: &str,
    ) -> Result<(), AppError> {
        Ok(self
            .store
            .audit(&session.actor(), event, None, detail, self.clock.now())
            .await?)
    }

    /// Authenticates the doctor with the HPKI card's PIN: logs in to the
    /// token, checks the signing certificate (non-repudiation, validity) and
    /// keeps the logged-in token for this session. Doctors only.
    pub async fn authenticate_hpki(
        &self,
        session: &Session,
        pin: String,
    ) -> Result<DoctorAuthInfo, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let settings = self.sign_settings().await?;
        if settings.method != Some(SignMethod::Hpki) || settings.token.module.is_empty() {
            return Err(AppError::new(
                ErrorCode::EpsNotConfigured,
                "HPKI カードの設定（PKCS#11 モジュール）がまだありません。設定で選んでください。",
            ));
        }
        let now = self.clock.now();
        let config = settings.token.clone();
        let opened = tokio::task::spawn_blocking(
            move || -> Result<(Token, Cert), okusuri_sign::SignError> {
                let token = Token::open(&config)?;
                token.login(&pin)?;
                drop(pin);
                let cert = Cert::from_der(&token.certificate()?)?;
                cert.check_for_signing(now)?;
                Ok((token, cert))
            },
        )
        .await
        .map_err(|e| sign_error(format!("カードの操作が中断されました: {e}")))?;
        let (token, cert) = match opened {
            Ok(v) => v,
            Err(e) => {
                let kind = match &e {
                    okusuri_sign::SignError::WrongPin(_) => "wrong PIN",
                    okusuri_sign::SignError::PinLocked => "PIN locked",
                    okusuri_sign::SignError::Certificate(_) => "certificate refused",
                    _ => "token",
                };
                self.audit_doctor(
                    session,
                    AccessEvent::DoctorAuthFailed,
                    &format!("hpki: {kind}"),
                )
                .await?;
                return Err(e.into());
            }
        };
        let summary = cert.summary();
        let not_after = DateTime::parse_from_rfc3339(&summary.not_after)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let expires = (now + Duration::hours(settings.auth_hours)).min(not_after);
        let info = DoctorAuthInfo {
            method: SignMethod::Hpki,
            subject: summary.subject.clone(),
            authenticated_at: now.to_rfc3339(),
            expires_at: expires.to_rfc3339(),
            expiry_is_estimate: false,
        };
        *session.doctor() = Some(DoctorAuth {
            info: info.clone(),
            expires,
            token: Some(Arc::new(Mutex::new(token))),
        });
        self.audit_doctor(
            session,
            AccessEvent::DoctorAuthenticated,
            &format!("hpki {}", summary.subject),
        )
        .await?;
        Ok(info)
    }

    /// What the card says about its PIN before the doctor types it (low on
    /// tries, final try, locked), with the warning to show. Doctors only.
    pub async fn hpki_pin_state(
        &self,
        session: &Session,
    ) -> Result<okusuri_sign::PinState, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let settings = self.sign_settings().await?;
        let config = settings.token;
        tokio::task::spawn_blocking(move || Token::open(&config)?.pin_state())
            .await
            .map_err(|e| sign_error(format!("カードの操作が中断されました: {e}")))?
            .map_err(AppError::from)
    }

    /// The remote platform's authentication URL, to open for the doctor.
    pub async fn remote_auth_url(&self, session: &Session) -> Result<String, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let settings = self.sign_settings().await?;
        if settings.method != Some(SignMethod::Remote) || settings.remote_url.is_empty() {
            return Err(AppError::new(
                ErrorCode::EpsNotConfigured,
                "リモート署名の認証先（URL）がまだ設定されていません。",
            ));
        }
        Ok(settings.remote_url)
    }

    /// Records that the doctor said they completed the remote authentication;
    /// the expiry shown is an estimate (設定's hours from now).
    pub async fn remote_auth_completed(
        &self,
        session: &Session,
    ) -> Result<DoctorAuthInfo, AppError> {
        self.remote_auth_url(session).await?;
        let settings = self.sign_settings().await?;
        let now = self.clock.now();
        let expires = now + Duration::hours(settings.auth_hours);
        let info = DoctorAuthInfo {
            method: SignMethod::Remote,
            subject: String::new(),
            authenticated_at: now.to_rfc3339(),
            expires_at: expires.to_rfc3339(),
            expiry_is_estimate: true,
        };
        *session.doctor() = Some(DoctorAuth {
            info: info.clone(),
            expires,
            token: None,
        });
        self.audit_doctor(
            session,
            AccessEvent::DoctorAuthenticated,
            "remote (completion reported by the doctor)",
        )
        .await?;
        Ok(info)
    }

    /// The doctor's authentication while valid; an expired one is ended here.
    pub async fn doctor_auth(&self, session: &Session) -> Result<Option<DoctorAuthInfo>, AppError> {
        session.require(Permission::Prescribe)?;
        let expired = {
            let mut auth = session.doctor();
            match auth.as_ref() {
                Some(a) if a.expires <= self.clock.now() => {
                    *auth = None;
                    true
                }
                _ => false,
            }
        };
        if expired {
            self.audit_doctor(session, AccessEvent::DoctorAuthEnded, "expired")
                .await?;
        }
        Ok(session.doctor().as_ref().map(|a| a.info.clone()))
    }

    /// Ends the doctor's authentication (logs out of the card).
    pub async fn doctor_sign_out(&self, session: &Session) -> Result<(), AppError> {
        session.require(Permission::Prescribe)?;
        let had = session.doctor().take().is_some();
        if had {
            self.audit_doctor(session, AccessEvent::DoctorAuthEnded, "signed out")
                .await?;
        }
        Ok(())
    }

    /// Signs a prescription's CSV with the doctor's authenticated key and
    /// returns the signed `Document` XML. Refused without a valid
    /// authentication; the remote adapter answers 未設定.
    pub async fn sign_prescription(
        &self,
        session: &Session,
        csv: Vec<u8>,
    ) -> Result<String, AppError> {
        self.begin(session, Permission::Prescribe)?;
        let Some(info) = self.doctor_auth(session).await? else {
            return Err(AppError::new(
                ErrorCode::SignAuthRequired,
                "署名するには医師の認証（HPKI）が必要です。",
            ));
        };
        let token = session.doctor().as_ref().and_then(|a| a.token.clone());
        let Some(token) = token else {
            return Err(AppError::new(
                ErrorCode::EpsNotConfigured,
                "リモート署名は未設定です。ベンダーのリモート署名アダプターが設定されるまで、この方法では署名できません（紙の処方箋で発行できます）。",
            ));
        };
        let now = self.clock.now();
        let signed =
            tokio::task::spawn_blocking(move || -> Result<String, okusuri_sign::SignError> {
                let token = token
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let cert = Cert::from_der(&token.certificate()?)?;
                okusuri_sign::sign_csv(&csv, &cert, &*token, now)
            })
            .await
            .map_err(|e| sign_error(format!("カードの操作が中断されました: {e}")))?;
        match signed {
            Ok(xml) => {
                self.audit_doctor(
                    session,
                    AccessEvent::PrescriptionSigned,
                    &format!("hpki {}", info.subject),
                )
                .await?;
                Ok(xml)
            }
            Err(e) => {
                // A card pulled out or a dead session: authenticate again.
                *session.doctor() = None;
                self.audit_doctor(session, AccessEvent::DoctorAuthEnded, "signing failed")
                    .await?;
                Err(e.into())
            }
        }
    }
}

impl From<okusuri_secrets::SecretError> for AppError {
    fn from(e: okusuri_secrets::SecretError) -> AppError {
        use okusuri_secrets::SecretError as S;
        let code = match &e {
            S::Unavailable(_) | S::Damaged(_) => ErrorCode::IoFailed,
            S::Missing(_) => ErrorCode::NotFound,
            S::Certificate(_) => ErrorCode::InputInvalid,
        };
        AppError::new(code, e.to_string())
    }
}

impl App {
    /// Imports the clinic's client certificate (`.p12`, C1) with its
    /// password into the OS key store (administrators); the caller then
    /// offers to delete the file. Neither reaches the database or a log.
    pub async fn import_client_cert(
        &self,
        session: &Session,
        p12: Vec<u8>,
        password: String,
    ) -> Result<okusuri_secrets::client_cert::ClientCert, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let now = self.clock.now();
        let shown = tokio::task::spawn_blocking(move || {
            okusuri_secrets::client_cert::import(&p12, &password, now)
        })
        .await
        .map_err(|e| AppError::new(ErrorCode::IoFailed, e.to_string()))??;
        self.store
            .audit(
                &session.actor(),
                AccessEvent::SettingsChanged,
                None,
                &format!("client certificate imported: {}", shown.cert.subject),
                now,
            )
            .await?;
        Ok(shown)
    }

    /// The client certificate kept in the OS key store: subject, issuer,
    /// expiry and a warning within 30 days of it.
    pub async fn client_cert(
        &self,
        session: &Session,
    ) -> Result<okusuri_secrets::client_cert::ClientCert, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let now = self.clock.now();
        tokio::task::spawn_blocking(move || okusuri_secrets::client_cert::show(now))
            .await
            .map_err(|e| AppError::new(ErrorCode::IoFailed, e.to_string()))?
            .map_err(AppError::from)
    }
}
