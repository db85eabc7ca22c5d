//! `okusuri audit verify`: checks the access log's hash chain.

use std::process::ExitCode;

use clap::Subcommand;
use okusuri_store::{DataDir, OpenOptions, Store};

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no access-log row was edited or removed (exit 1 if one was).
    Verify,
}

/// Runs an audit subcommand.
pub async fn run(command: AuditCommand, dir: DataDir) -> Result<ExitCode, String> {
    match command {
        AuditCommand::Verify => {
            let store = Store::open_in(&dir, OpenOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            let report = store.verify_access_log().await.map_err(|e| e.to_string())?;
            store.close().await;
            if report.unchained > 0 {
                println!(
                    "連鎖化以前の記録 {} 件は検証の対象外です。",
                    report.unchained
                );
            }
            match report.first_broken {
                None => {
                    println!(
                        "アクセスログ {} 件を確認しました。変更・削除は見つかりません。",
                        report.rows
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(id) => {
                    println!(
                        "アクセスログの記録 {id} が変更されたか、その前の記録が削除されています。"
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
