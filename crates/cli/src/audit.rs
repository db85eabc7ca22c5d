//! `okusuri audit verify|list|export`: checks the access log's hash chain;
//! lists and exports it for administrators (the export is itself logged).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use okusuri_app::audit::AuditQuery;
use okusuri_store::DataDir;

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no access-log row was edited, removed or replaced by an old
    /// copy (exit 1 if one was).
    Verify,
    /// Key the access log's chain with a new key in the OS key store (the app
    /// does this by itself at start; for a PC that only runs the command line);
    /// or move the key to another PC with the database.
    Key {
        /// Write the key to this file (keep it like a password: a USB stick in a safe).
        #[arg(long, conflicts_with = "import")]
        export: Option<std::path::PathBuf>,
        /// Store the key from this file (written by --export) in this PC's key store.
        #[arg(long)]
        import: Option<std::path::PathBuf>,
    },
    /// List access-log rows, newest first (administrators; --staff).
    List {
        /// Which rows.
        #[command(flatten)]
        filter: FilterArgs,
        /// At most this many rows.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Export access-log rows as CSV into the data folder's `exports`
    /// (administrators; --staff; the export is logged).
    Export {
        /// Which rows.
        #[command(flatten)]
        filter: FilterArgs,
    },
}

/// Which rows of the access log.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// The staff ID as entered.
    #[arg(long = "login")]
    login_id: Option<String>,
    /// The patient's record number.
    #[arg(long)]
    patient: Option<i64>,
    /// The event (sign_in, patient_opened, …).
    #[arg(long)]
    event: Option<String>,
    /// From this local date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// To this local date (YYYY-MM-DD), inclusive.
    #[arg(long)]
    to: Option<String>,
}

impl FilterArgs {
    fn query(self) -> AuditQuery {
        AuditQuery {
            login_id: self.login_id,
            patient_id: self.patient,
            event: self.event,
            from_date: self.from,
            to_date: self.to,
        }
    }
}

/// Runs an audit subcommand.
pub async fn run(
    command: AuditCommand,
    dir: DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    match command {
        AuditCommand::Key {
            export: Some(file), ..
        } => export_key(&dir, &file).await,
        AuditCommand::Key {
            import: Some(file), ..
        } => import_key(&dir, &file).await,
        AuditCommand::Key { .. } => {
            let store = okusuri_app::open::open_store(
                &dir,
                okusuri_store::OpenOptions::default(),
                okusuri_app::open::KeyUse::AuditKey,
            )
            .await
            .map_err(|e| e.message)?;
            let marker = store.chain_marker().await.map_err(|e| e.to_string())?;
            store.close().await;
            match marker {
                Some((id, _)) => {
                    println!(
                        "監査ログは記録 {id} から鍵付きです（鍵は OS の鍵保管庫にあります）。"
                    );
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    Err("OS の鍵保管庫を使えないため、監査ログに鍵を付けられませんでした。".into())
                }
            }
        }
        AuditCommand::List {
            filter,
            limit,
            json,
        } => {
            let (app, session) = crate::signin::open_signed_in(&dir, staff).await?;
            let query = filter.query();
            let mut rows = Vec::new();
            let mut before = None;
            let listed = loop {
                match app.audit_log(&session, &query, before).await {
                    Err(e) => break Err(e.message),
                    Ok(page) if page.is_empty() => break Ok(()),
                    Ok(page) => {
                        before = page.last().map(|r| r.id);
                        rows.extend(page);
                        if rows.len() >= limit {
                            rows.truncate(limit);
                            break Ok(());
                        }
                    }
                }
            };
            crate::signin::finish(&app, &session).await;
            listed?;
            for r in rows {
                if json {
                    println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
                } else {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        r.id,
                        r.at,
                        r.event,
                        r.login_id,
                        r.pc_name,
                        r.patient_id.map(|p| p.to_string()).unwrap_or_default(),
                        r.detail.unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Export { filter } => {
            let (app, session) = crate::signin::open_signed_in(&dir, staff).await?;
            let exported = app.export_audit_log(&session, &filter.query()).await;
            crate::signin::finish(&app, &session).await;
            let (path, count) = exported.map_err(|e| e.message)?;
            println!("監査ログ {count} 件を書き出しました: {path}");
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify => {
            let store = crate::signin::open_store(&dir).await?;
            let report = store.verify_access_log().await.map_err(|e| e.to_string())?;
            store.close().await;
            if report.key_missing {
                println!(
                    "監査ログは鍵付きですが、この鍵保管庫に鍵がないため検証できません（このデータベースを作ったPCで実行してください）。"
                );
                return Ok(ExitCode::FAILURE);
            }
            if report.unchained > 0 {
                println!(
                    "連鎖化以前の記録 {} 件は検証の対象外です。",
                    report.unchained
                );
            }
            if let Some(id) = report.keyed_from {
                println!("記録 {id} から鍵付きの連鎖です。");
            }
            if let Some(id) = report.first_broken {
                println!(
                    "アクセスログの記録 {id} が変更されたか、その前の記録が削除されています。"
                );
                return Ok(ExitCode::FAILURE);
            }
            if let Some(problem) = report.head_problem {
                println!("{problem}");
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "アクセスログ {} 件を確認しました。変更・削除は見つかりません。",
                report.rows
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes the database's keys to `file` (owner-only, audited): see `okusuri_app::keys`.
pub async fn export_key(dir: &DataDir, file: &std::path::Path) -> Result<ExitCode, String> {
    let store = crate::signin::open_store(dir).await?;
    let actor = okusuri_store::Actor::system("okusuri key --export");
    let written = okusuri_app::keys::export(&store, &actor, file, chrono::Utc::now()).await;
    store.close().await;
    written.map_err(|e| e.message)?;
    println!(
        "鍵を書き出しました: {}（パスワードと同じように保管してください）",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Stores the keys in `file` in this PC's key store, for this database only.
pub async fn import_key(dir: &DataDir, file: &std::path::Path) -> Result<ExitCode, String> {
    let which = okusuri_app::keys::import(dir, file)
        .await
        .map_err(|e| e.message)?;
    println!("{which}をこのPCの鍵保管庫に取り込みました。");
    Ok(ExitCode::SUCCESS)
}
