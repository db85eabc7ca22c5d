//! `okusuri feed`: the receipt-computer folder feed without the app, for
//! site diagnosis and tests. Prints one line per event.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::signin::{finish, open_signed_in};
use clap::{Args, Subcommand, ValueEnum};
use okusuri_feed::{AfterImport, FeedEvent, FolderConfig, Format, WatchMode};
use tokio::sync::{mpsc, watch};

/// `okusuri feed …`.
#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Import what is in a folder (with --once: then exit; otherwise keep watching).
    Run {
        /// Import what is there, wait for files still being written, and exit.
        #[arg(long)]
        once: bool,
        #[command(flatten)]
        folder: FolderArgs,
    },
    /// Watch a folder and import each file as it arrives, until Ctrl-C.
    Watch {
        #[command(flatten)]
        folder: FolderArgs,
    },
    /// List files that failed (取込エラー).
    Errors,
}

/// What the files are.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// JAHIS お薬手帳 files.
    Jahis,
    /// NSIPS-style files through a layout profile (--profile).
    Nsips,
}

/// A folder and how to read it.
#[derive(Debug, Args)]
pub struct FolderArgs {
    /// The folder.
    pub dir: PathBuf,
    /// What the files are.
    #[arg(long, value_enum, default_value = "jahis")]
    pub format: FormatArg,
    /// The layout profile (TOML) for --format nsips.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// The source name of the patient IDs (the receipt computer).
    #[arg(long, default_value = "recept")]
    pub source: String,
    /// For JAHIS: a regular expression over the file name with (?P<id>…), the patient ID.
    #[arg(long)]
    pub id_from_file_name: Option<String>,
    /// Rescan only (network shares): no OS events.
    #[arg(long)]
    pub polling: bool,
    /// Seconds between rescans.
    #[arg(long, default_value_t = 60)]
    pub rescan_secs: u64,
    /// A file is complete when unchanged this long (ms) if no close is reported.
    #[arg(long, default_value_t = 2000)]
    pub settle_ms: u64,
    /// Move imported files to processed/YYYY-MM-DD/ (default: leave them).
    #[arg(long)]
    pub move_processed: bool,
    /// On first use, skip files older than this many days.
    #[arg(long, default_value_t = 7)]
    pub backlog_days: u32,
}

impl FolderArgs {
    fn config(self) -> Result<FolderConfig, String> {
        let format = match (self.format, self.profile) {
            (FormatArg::Jahis, _) => Format::Jahis,
            (FormatArg::Nsips, Some(profile)) => Format::Nsips { profile },
            (FormatArg::Nsips, None) => {
                return Err(
                    "--format nsips には --profile でレイアウトプロファイルを指定してください。"
                        .into(),
                );
            }
        };
        Ok(FolderConfig {
            path: self.dir,
            format,
            after: if self.move_processed {
                AfterImport::MoveToProcessed
            } else {
                AfterImport::Leave
            },
            mode: if self.polling {
                WatchMode::Polling
            } else {
                WatchMode::Events
            },
            rescan_secs: self.rescan_secs,
            settle_ms: self.settle_ms,
            source: self.source,
            id_from_file_name: self.id_from_file_name,
            backlog_days: self.backlog_days,
        })
    }
}

/// One event as a line.
fn line(event: &FeedEvent) -> String {
    match event {
        FeedEvent::Imported {
            file,
            patient_id,
            dispensings_added,
            ..
        } => format!("取込 {file}: 患者 {patient_id} 調剤 {dispensings_added}件追加"),
        FeedEvent::Failed { file, reason, .. } => format!("取込エラー {file}: {reason}"),
        FeedEvent::Status(s) if s.connected => format!("接続 {}", s.folder),
        FeedEvent::Status(s) => format!(
            "レセコン接続エラー {}: {}（{}から）",
            s.folder,
            s.reason.as_deref().unwrap_or(""),
            s.since.as_deref().unwrap_or("")
        ),
    }
}

/// Runs `okusuri feed …`.
pub async fn run(
    cmd: FeedCommand,
    dir: okusuri_store::DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let store = app.store().clone();
    if !matches!(cmd, FeedCommand::Errors)
        && let Err(e) = app.feed_by_hand(&session)
    {
        finish(&app, &session).await;
        return Err(e.message);
    }
    let result = match cmd {
        FeedCommand::Errors => {
            let errors = app.feed_errors(&session).await.map_err(|e| e.message)?;
            if errors.is_empty() {
                println!("取込エラーはありません。");
            }
            for e in errors {
                println!("{} {}/{}: {}", e.at, e.folder, e.name, e.error);
            }
            Ok(ExitCode::SUCCESS)
        }
        FeedCommand::Run { once: true, folder } => {
            let events = okusuri_feed::run_once(folder.config()?, store.clone())
                .await
                .map_err(|e| e.to_string())?;
            let mut ok = true;
            for e in &events {
                ok &= !matches!(e, FeedEvent::Failed { .. })
                    && !matches!(e, FeedEvent::Status(s) if !s.connected);
                println!("{}", line(e));
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        FeedCommand::Run {
            once: false,
            folder,
        }
        | FeedCommand::Watch { folder } => {
            let (tx, mut rx) = mpsc::unbounded_channel();
            let (stop, stop_rx) = watch::channel(false);
            let mut task = tokio::spawn(okusuri_feed::run(
                folder.config()?,
                store.clone(),
                tx,
                stop_rx,
            ));
            let printer = tokio::spawn(async move {
                while let Some(e) = rx.recv().await {
                    println!("{}", line(&e));
                }
            });
            let finished = tokio::select! {
                done = &mut task => done,
                _ = tokio::signal::ctrl_c() => {
                    let _ = stop.send(true);
                    task.await
                }
            };
            let _ = printer.await;
            finished
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
                .map(|()| ExitCode::SUCCESS)
        }
    };
    finish(&app, &session).await;
    result
}
