//! `okusuri reader`: site diagnosis of the card reader.

use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use okusuri_reader::{ReaderConfig, list_readers, wait_for_card};

/// `okusuri reader …`.
#[derive(Debug, Subcommand)]
pub enum ReaderCommand {
    /// The readers connected now.
    List,
    /// Print the IDm of the next card touched.
    Wait {
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// The reader to use (needed when several are connected).
        #[arg(long)]
        reader: Option<String>,
    },
}

/// Runs `okusuri reader …` (no database needed).
pub fn run(cmd: ReaderCommand) -> Result<ExitCode, String> {
    match cmd {
        ReaderCommand::List => {
            let readers = list_readers().map_err(|e| e.to_string())?;
            if readers.is_empty() {
                return Err(okusuri_reader::ReaderError::NoReader.to_string());
            }
            for r in readers {
                println!("{r}");
            }
            Ok(ExitCode::SUCCESS)
        }
        ReaderCommand::Wait { timeout, reader } => {
            let idm = wait_for_card(ReaderConfig { reader }, Duration::from_secs(timeout))
                .map_err(|e| e.to_string())?;
            println!("{idm}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
