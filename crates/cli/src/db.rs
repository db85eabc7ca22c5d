//! `okusuri db …`: create or migrate the database and describe it.

use std::process::ExitCode;

use clap::Subcommand;
use okusuri_store::{DataDir, OpenOptions};
use serde::Serialize;

/// Database subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Set this facility's 都道府県, 点数表 and 医療機関等コード (what counts as "this facility").
    FacilityCodes {
        /// 都道府県 (01–47).
        prefecture: String,
        /// 点数表 (4 for a pharmacy, 1 医科).
        table: String,
        /// 7-digit 医療機関等コード.
        code: String,
    },
    /// Write a dated, consistent backup (the app may stay open).
    Backup {
        /// The folder (default: `backups` beside the database).
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
        /// How many backups to keep there.
        #[arg(long, default_value_t = okusuri_store::backup::DEFAULT_KEEP)]
        keep: usize,
    },
    /// Restore a backup (close the app first); the current database is kept aside.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Encrypt the database and key its access log with new keys in the OS
    /// key store (the app does this at start; for a PC that runs only the
    /// command line); or move the keys with the database: write them to a
    /// file for a USB stick in the safe, or store them from such a file in
    /// this PC's key store (before opening or restoring the database here).
    Key {
        /// Write the keys to this new file (keep it like a password).
        #[arg(long, conflicts_with = "import")]
        export: Option<std::path::PathBuf>,
        /// Store the keys from this file (written by --export or 設定) here.
        #[arg(long)]
        import: Option<std::path::PathBuf>,
    },
    /// Print the path, schema version and row counts (never creates a database).
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Info {
    path: String,
    encrypted: bool,
    schema_version: i64,
    known_version: i64,
    facility: Option<okusuri_store::Facility>,
    counts: okusuri_store::stats::Counts,
}

/// Runs a database subcommand, printing its result; `Err` is the message.
pub async fn run(
    command: DbCommand,
    dir: DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    match command {
        DbCommand::Key {
            export: Some(file), ..
        } => return crate::audit::export_key(&dir, &file).await,
        DbCommand::Key {
            import: Some(file), ..
        } => return crate::audit::import_key(&dir, &file).await,
        _ => {}
    }
    let output = describe(command, dir, staff).await?;
    print!("{output}");
    Ok(ExitCode::SUCCESS)
}

async fn describe(command: DbCommand, dir: DataDir, staff: Option<&str>) -> Result<String, String> {
    match command {
        DbCommand::Migrate => {
            let store = crate::signin::open_store(&dir).await?;
            let (applied, _) = store.schema_version().await.map_err(|e| e.to_string())?;
            store.close().await;
            Ok(format!(
                "{}: スキーマ {applied} まで適用済みです。\n",
                store.path().display()
            ))
        }
        DbCommand::Backup { dir: folder, keep } => {
            let store = crate::signin::open_store(&dir).await?;
            let folder = folder.unwrap_or_else(|| store.default_backup_dir());
            let file = store
                .backup_to(&folder, keep, chrono::Utc::now())
                .await
                .map_err(|e| e.to_string())?;
            store.close().await;
            Ok(format!("バックアップを作成しました: {}\n", file.display()))
        }
        DbCommand::Restore { file } => {
            let actor = okusuri_store::Actor {
                staff_id: None,
                login_id: "(okusuri db restore)".into(),
                via: okusuri_store::Via::Cli,
            };
            // The folder's keys (an encrypted backup opens with the folder's
            // database key); a plain keyed backup logs its restore with its
            // own access-log key (found by its ID).
            let (mut options, _) = okusuri_app::open::keys_for(
                &dir,
                OpenOptions::default(),
                okusuri_app::open::KeyUse::IfKeyed,
            )
            .await
            .map_err(|e| e.message)?;
            if let Some(id) = okusuri_store::backup::database_id_of(&file).await {
                options.audit_key = okusuri_secrets::audit_key(&id, false).ok().flatten();
            }
            let aside =
                okusuri_store::backup::restore(&dir, &file, &actor, options, chrono::Utc::now())
                    .await
                    .map_err(|e| e.to_string())?;
            Ok(format!(
                "{} から復元しました。復元前のデータベースは {} に残してあります。\n",
                file.display(),
                aside.display()
            ))
        }
        DbCommand::FacilityCodes {
            prefecture,
            table,
            code,
        } => {
            let codes = okusuri_store::FacilityCodes {
                prefecture,
                table,
                code,
            };
            let (app, session) = crate::signin::open_signed_in(&dir, staff).await?;
            let set = app.set_facility_codes(&session, &codes).await;
            crate::signin::finish(&app, &session).await;
            set.map_err(|e| e.message)?;
            Ok(format!(
                "施設コードを設定しました: {}-{}-{}\n",
                codes.prefecture, codes.table, codes.code
            ))
        }
        DbCommand::Key { .. } => {
            let store = okusuri_app::open::open_store(
                &dir,
                OpenOptions::default(),
                okusuri_app::open::KeyUse::Create,
            )
            .await
            .map_err(|e| e.message)?;
            let encrypted = store.is_encrypted();
            store.close().await;
            match encrypted {
                true => Ok(
                    "データベースは暗号化されています（鍵は OS の鍵保管庫にあります）。\n".into(),
                ),
                false => Err(
                    "OS の鍵保管庫を使えないため、データベースを暗号化できませんでした。".into(),
                ),
            }
        }
        DbCommand::Info { json } => {
            let file = dir.database_file();
            if !file.exists() {
                return Err(format!(
                    "データベースはまだありません: {}\nアプリを起動するか `okusuri db migrate` で作成してください。",
                    file.display()
                ));
            }
            let store = crate::signin::open_store(&dir).await?;
            let (schema_version, known_version) =
                store.schema_version().await.map_err(|e| e.to_string())?;
            let info = Info {
                path: file.display().to_string(),
                encrypted: store.is_encrypted(),
                schema_version,
                known_version,
                facility: store.facility().await.map_err(|e| e.to_string())?,
                counts: store.counts().await.map_err(|e| e.to_string())?,
            };
            store.close().await;
            if json {
                serde_json::to_string_pretty(&info)
                    .map(|s| s + "\n")
                    .map_err(|e| e.to_string())
            } else {
                Ok(text(&info))
            }
        }
    }
}

fn text(info: &Info) -> String {
    let facility = info
        .facility
        .as_ref()
        .map(|f| format!("{} ({})", f.name, f.code))
        .unwrap_or_else(|| "未設定".into());
    format!(
        "データベース: {}{}\nスキーマ: {} (このバージョンの最新: {})\n施設: {}\nスタッフ: {}\n患者: {}\n来局: {}\nアクセスログ: {}\n",
        info.path,
        if info.encrypted {
            "（暗号化）"
        } else {
            ""
        },
        info.schema_version,
        info.known_version,
        facility,
        info.counts.staff,
        info.counts.patients,
        info.counts.visits,
        info.counts.access_log
    )
}
