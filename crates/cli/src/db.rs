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
            // A keyed backup logs its restore with its own key (found by its ID).
            let audit_key = match okusuri_store::backup::database_id_of(&file).await {
                Some(id) => okusuri_secrets::audit_key(&id, false).ok().flatten(),
                None => None,
            };
            let options = OpenOptions {
                audit_key,
                ..OpenOptions::default()
            };
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
        "データベース: {}\nスキーマ: {} (このバージョンの最新: {})\n施設: {}\nスタッフ: {}\n患者: {}\n来局: {}\nアクセスログ: {}\n",
        info.path,
        info.schema_version,
        info.known_version,
        facility,
        info.counts.staff,
        info.counts.patients,
        info.counts.visits,
        info.counts.access_log
    )
}
