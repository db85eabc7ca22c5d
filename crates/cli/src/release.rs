//! `okusuri release manifest`: the updater manifest (`latest.json`) of a
//! Windows MSI release, its notes taken from `CHANGELOG.md`. Used by
//! `scripts/build-msi.sh`; needs no data folder.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use okusuri_update::{Manifest, release_notes};

/// `okusuri release` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Write latest.json for an MSI and its signature (`tauri signer sign` output).
    Manifest {
        /// The version released (x.y.z; must equal the version signed into the .sig).
        #[arg(long)]
        version: String,
        /// Where the MSI will be downloaded from.
        #[arg(long)]
        url: String,
        /// The MSI's .sig file.
        #[arg(long)]
        signature: PathBuf,
        /// The changelog whose `## [VERSION]` section becomes the notes.
        #[arg(long, default_value = "CHANGELOG.md")]
        changelog: PathBuf,
        /// Take the `[Unreleased]` section when VERSION has none (test builds only).
        #[arg(long)]
        allow_unreleased: bool,
        /// Output file (stdout when absent).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Runs a `release` subcommand.
pub fn run(cmd: ReleaseCommand) -> Result<ExitCode, String> {
    let ReleaseCommand::Manifest {
        version,
        url,
        signature,
        changelog,
        allow_unreleased,
        output,
    } = cmd;
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path)
            .map_err(|e| format!("{}: ファイルを読めません（{e}）", path.display()))
    };
    let notes =
        release_notes(&read(&changelog)?, &version, allow_unreleased).map_err(|e| e.to_string())?;
    let manifest = Manifest::windows_msi(
        &version,
        &notes,
        chrono::Utc::now(),
        &url,
        &read(&signature)?,
    );
    let json = manifest.to_json() + "\n";
    match output {
        Some(path) => std::fs::write(&path, json)
            .map_err(|e| format!("{}: 書き込めません（{e}）", path.display()))?,
        None => print!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}
