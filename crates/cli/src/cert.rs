//! `okusuri cert import|show`: the clinic's client certificate in the OS key store.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use okusuri_store::DataDir;

use crate::signin::open_signed_in;

/// `okusuri cert` subcommands.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Import the clinic's client certificate (.p12) into the OS key store (administrators);
    /// its password from a prompt or OKUSURI_P12_PASSWORD.
    Import {
        /// The .p12 file.
        file: PathBuf,
        /// Delete the file once it is imported.
        #[arg(long)]
        delete_file: bool,
    },
    /// Show the stored client certificate: subject, issuer, expiry.
    Show,
}

/// Runs a `cert` subcommand.
pub async fn run(cmd: CertCommand, dir: DataDir, staff: Option<&str>) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let shown = match cmd {
        CertCommand::Import { file, delete_file } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| format!("{}: ファイルを読めません（{e}）", file.display()))?;
            let password = match std::env::var("OKUSURI_P12_PASSWORD") {
                Ok(p) => p,
                Err(_) => rpassword::prompt_password("クライアント証明書のパスワード: ")
                    .map_err(|e| format!("パスワードを読み取れません（{e}）。"))?,
            };
            let shown = app
                .import_client_cert(&session, bytes, password)
                .await
                .map_err(|e| e.message)?;
            println!("クライアント証明書を OS の鍵保管庫に取り込みました。");
            if delete_file {
                std::fs::remove_file(&file)
                    .map_err(|e| format!("{}: 削除できません（{e}）", file.display()))?;
                println!("元のファイル {} を削除しました。", file.display());
            } else {
                println!(
                    "元のファイル {} はもう要りません。安全のため削除してください（--delete-file）。",
                    file.display()
                );
            }
            shown
        }
        CertCommand::Show => app.client_cert(&session).await.map_err(|e| e.message)?,
    };
    println!(
        "主体者: {}\n発行者: {}\n有効期限: {}（あと {} 日）",
        shown.cert.subject, shown.cert.issuer, shown.cert.not_after, shown.days_left
    );
    if let Some(w) = &shown.warning {
        eprintln!("注意: {w}");
    }
    Ok(ExitCode::SUCCESS)
}
