//! Signing in on the command line: commands that read or change patient
//! data run as a staff member (`--staff ID`; the password from
//! `OKUSURI_PASSWORD` or a prompt; a second factor's code from
//! `OKUSURI_TOTP` or a prompt), with the same lock-out rules as the
//! window, and are written to the access log with the PC name and "CLI".

use okusuri_app::{App, AppError, ErrorCode, Session};
use okusuri_store::{DataDir, OpenOptions, Store, Via};

/// The environment variable a script may put the password in.
pub const PASSWORD_ENV: &str = "OKUSURI_PASSWORD";

/// Opens the application on the data folder's database.
pub async fn open_app(dir: &DataDir) -> Result<App, String> {
    open_store(dir).await.map(App::new)
}

/// Opens the data folder's store, with the access log's key when the chain
/// is keyed (from the OS key store).
pub async fn open_store(dir: &DataDir) -> Result<Store, String> {
    okusuri_app::open::open_store(
        dir,
        OpenOptions::default(),
        okusuri_app::open::KeyUse::IfKeyed,
    )
    .await
    .map_err(|e| e.message)
}

/// The password from `OKUSURI_PASSWORD`, else typed at a prompt (not echoed).
pub fn password(prompt: &str) -> Result<String, String> {
    match std::env::var(PASSWORD_ENV) {
        Ok(password) => Ok(password),
        Err(_) => rpassword::prompt_password(prompt).map_err(|e| {
            format!("パスワードを読み取れません（{e}）。{PASSWORD_ENV} で渡すこともできます。")
        }),
    }
}

/// Signs `staff` in on this database's facility.
pub async fn sign_in(app: &App, staff: Option<&str>) -> Result<Session, String> {
    let Some(login_id) = staff else {
        let e = AppError::new(
            ErrorCode::AuthRequired,
            "患者データを扱うコマンドには --staff スタッフID が必要です（パスワードは入力するか OKUSURI_PASSWORD で渡します）。",
        );
        return Err(e.message);
    };
    let password = password(&format!("{login_id} のパスワード: "))?;
    match app.sign_in_here(login_id, &password, None, Via::Cli).await {
        Err(e) if e.code == ErrorCode::AuthSecondFactor => {
            let code = second_factor(&format!("{login_id} の2段階認証コード: "))?;
            app.sign_in_here(login_id, &password, Some(&code), Via::Cli)
                .await
                .map_err(|e| e.message)
        }
        other => other.map_err(|e| e.message),
    }
}

/// The environment variable a script may put the second factor's code in.
pub const CODE_ENV: &str = "OKUSURI_TOTP";

/// The second factor's code from `OKUSURI_TOTP`, else typed at a prompt.
fn second_factor(prompt: &str) -> Result<String, String> {
    match std::env::var(CODE_ENV) {
        Ok(code) => Ok(code),
        Err(_) => rpassword::prompt_password(prompt).map_err(|e| {
            format!("コードを読み取れません（{e}）。{CODE_ENV} で渡すこともできます。")
        }),
    }
}

/// Opens the application and signs `staff` in.
pub async fn open_signed_in(dir: &DataDir, staff: Option<&str>) -> Result<(App, Session), String> {
    let app = open_app(dir).await?;
    let session = sign_in(&app, staff).await?;
    Ok((app, session))
}

/// Ends the session (logged) and closes the database.
pub async fn finish(app: &App, session: &Session) {
    if let Err(e) = app.sign_out(session).await {
        eprintln!("{}", e.message);
    }
    app.store().close().await;
}
