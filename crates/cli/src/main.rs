//! `okusuri`: Okusuri Desk's crates from the command line, for site diagnosis,
//! scripting and tests. Errors are printed in Japanese and exit with status 1.

mod db;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use okusuri_store::DataDir;

/// Okusuri Desk command line.
#[derive(Debug, Parser)]
#[command(name = "okusuri", version, about = "Okusuri Desk のコマンドライン")]
struct Cli {
    /// Data folder holding okusuri.db (default: OKUSURI_DATA_DIR, else the platform data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The database: migrations and information.
    #[command(subcommand)]
    Db(db::DbCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("起動に失敗しました: {e}");
            return ExitCode::FAILURE;
        }
    };
    let data_dir = match cli.data_dir {
        Some(path) => Ok(DataDir {
            path,
            create_if_missing: false,
        }),
        None => DataDir::resolve(),
    };
    let result = match data_dir {
        Ok(dir) => runtime.block_on(match cli.command {
            Command::Db(cmd) => db::run(cmd, dir),
        }),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
