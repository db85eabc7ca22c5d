//! `okusuri`: Okusuri Desk's crates from the command line, for site diagnosis,
//! scripting and tests. Errors are printed in Japanese and exit with status 1.

mod account;
mod audit;
mod cert;
mod db;
mod demo;
mod eps;
mod feed;
mod history;
mod jahis;
mod qr;
mod reader;
mod release;
mod sign;
mod signin;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use okusuri_store::DataDir;

// Reading large JAHIS files makes millions of small strings; mimalloc
// handles them several times faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Okusuri Desk command line.
#[derive(Debug, Parser)]
#[command(name = "okusuri", version, about = "Okusuri Desk のコマンドライン")]
struct Cli {
    /// Data folder holding okusuri.db (default: OKUSURI_DATA_DIR, else the platform data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The staff ID to sign in as, for commands that read or change patient
    /// data (password from OKUSURI_PASSWORD or a prompt).
    #[arg(long, global = true, value_name = "ID", env = "OKUSURI_STAFF")]
    staff: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 初期設定: the facility and its first administrator (password from a prompt or OKUSURI_PASSWORD).
    Setup(account::SetupArgs),
    /// Fill a new data folder with a demo of a working day (デモ薬局, 32 patients).
    Demo(demo::DemoArgs),
    /// Staff (administrators): add, list.
    #[command(subcommand)]
    Staff(account::StaffCommand),
    /// The database: migrations and information.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// JAHIS お薬手帳 data: parse, validate, write, split, merge, QR.
    #[command(subcommand)]
    Jahis(jahis::JahisCommand),
    /// Import JAHIS files into the store (each file in one transaction).
    Import(history::ImportArgs),
    /// List or search patients.
    Patients(history::PatientsArgs),
    /// A patient's medication history.
    History(history::HistoryArgs),
    /// Print what コピー puts on the clipboard for a dispensing (or one drug).
    Copy(history::CopyArgs),
    /// Print a patient's notebook data as JAHIS QR codes in a PDF (audited).
    Qr(qr::QrArgs),
    /// The access log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// The receipt-computer folder feed: import a folder once, or watch it.
    #[command(subcommand)]
    Feed(feed::FeedCommand),
    /// The card reader: list readers, wait for a card.
    #[command(subcommand)]
    Reader(reader::ReaderCommand),
    /// 電子処方箋: parse, build, validate prescriptions; check, issue, status, cancel through the OQS terminal.
    #[command(subcommand)]
    Eps(eps::EpsCommand),
    /// The drug, 一般名 and usage masters: import, search.
    #[command(subcommand)]
    Masters(eps::MastersCommand),
    /// Clinic usages mapped to standard usage codes.
    #[command(subcommand)]
    Usage(eps::UsageCommand),
    /// Sign an unsigned 電子処方箋 document with a PKCS#11 token (HPKI card); PIN from a prompt or OKUSURI_PIN.
    Sign(sign::SignArgs),
    /// Verify a signed 電子処方箋 document against trusted CA certificates (exit 0 only when valid).
    Verify(sign::VerifyArgs),
    /// The clinic's client certificate (.p12) in the OS key store: import, show.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Release tooling: the updater manifest of an MSI (no data folder needed).
    #[command(subcommand)]
    Release(release::ReleaseCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Jahis(cmd) => jahis::run(cmd),
        Command::Reader(cmd) => reader::run(cmd),
        Command::Sign(args) => sign::sign(args),
        Command::Verify(args) => sign::verify_file(args),
        Command::Release(cmd) => release::run(cmd),
        Command::Eps(cmd) if eps::is_offline(&cmd) => {
            eps::run_offline(&cmd).unwrap_or(Ok(ExitCode::FAILURE))
        }
        command => {
            let data_dir = match cli.data_dir {
                Some(path) => Ok(DataDir {
                    path,
                    create_if_missing: false,
                }),
                None => DataDir::resolve(),
            };
            let staff = cli.staff.as_deref();
            match (data_dir, runtime()) {
                (Ok(dir), Ok(rt)) => rt.block_on(async move {
                    match command {
                        Command::Setup(args) => account::setup(args, dir).await,
                        Command::Demo(args) => demo::run(args, dir).await,
                        Command::Staff(cmd) => account::staff(cmd, dir, staff).await,
                        Command::Db(cmd) => db::run(cmd, dir, staff).await,
                        Command::Import(args) => history::import(args, dir, staff).await,
                        Command::Patients(args) => history::patients(args, dir, staff).await,
                        Command::History(args) => history::history(args, dir, staff).await,
                        Command::Copy(args) => history::copy(args, dir, staff).await,
                        Command::Qr(args) => qr::run(args, dir, staff).await,
                        Command::Audit(cmd) => audit::run(cmd, dir, staff).await,
                        Command::Feed(cmd) => feed::run(cmd, dir, staff).await,
                        Command::Jahis(cmd) => jahis::run(cmd),
                        Command::Reader(cmd) => reader::run(cmd),
                        Command::Sign(args) => sign::sign(args),
                        Command::Verify(args) => sign::verify_file(args),
                        Command::Release(cmd) => release::run(cmd),
                        Command::Eps(cmd) => eps::run(cmd, dir, staff).await,
                        Command::Cert(cmd) => cert::run(cmd, dir, staff).await,
                        Command::Masters(cmd) => eps::masters(cmd, dir, staff).await,
                        Command::Usage(cmd) => eps::usage(cmd, dir, staff).await,
                    }
                }),
                (Err(e), _) => Err(e.to_string()),
                (_, Err(e)) => Err(e),
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("起動に失敗しました: {e}"))
}
