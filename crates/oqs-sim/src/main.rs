//! `okusuri-oqs-sim`: the OQS terminal simulator on the command line (test
//! support; never part of the product path).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use okusuri_eps::masters::Masters;
use okusuri_oqs_sim::{Config, Fault, History, Simulator};

/// Answers the requests Okusuri Desk writes into REQ, in RES, as the OQS
/// terminal would. Vendor-only operation names get placeholders
/// (`EPSsiSIM01` …): write the table the app must use with --write-operations.
#[derive(Parser)]
#[command(name = "okusuri-oqs-sim", version)]
struct Args {
    /// The terminal's request folder.
    #[arg(long)]
    req: Option<PathBuf>,
    /// The terminal's answer folder.
    #[arg(long)]
    res: Option<PathBuf>,
    /// The 医薬品マスター (y.csv) registration checks codes against.
    #[arg(long)]
    master: Option<PathBuf>,
    /// The 一般名処方マスタ (CSV).
    #[arg(long)]
    generic_master: Option<PathBuf>,
    /// A usage master (MHLW CSV or the JAMI CodeSystem JSON).
    #[arg(long)]
    usage: Option<PathBuf>,
    /// A CA certificate (PEM) a 電子処方箋's signature must chain to (repeat for more).
    #[arg(long)]
    trust: Vec<PathBuf>,
    /// A medication history (JSON) for the duplicate check.
    #[arg(long)]
    history: Option<PathBuf>,
    /// Milliseconds before each answer.
    #[arg(long, default_value_t = 500)]
    delay_ms: u64,
    /// A fault in every answer: none, no-answer, late, failed, malformed, zip, sjis, half.
    #[arg(long, default_value = "none")]
    fault: String,
    /// How late a late answer is, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    late_ms: u64,
    /// A folder of control files: a file named after a 処方箋ID holding 調剤中, 調剤済 or 回収済
    /// moves that prescription on (as a pharmacy would).
    #[arg(long)]
    control: Option<PathBuf>,
    /// Milliseconds between looks at REQ.
    #[arg(long, default_value_t = 100)]
    poll_ms: u64,
    /// Write the operation table the simulator uses to this file and exit.
    #[arg(long)]
    write_operations: Option<PathBuf>,
}

fn read(path: &Option<PathBuf>) -> Result<Option<Vec<u8>>, String> {
    path.as_ref()
        .map(|p| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())))
        .transpose()
}

async fn run(args: Args) -> Result<(), String> {
    let operations = okusuri_oqs_sim::operations().map_err(|e| e.to_string())?;
    if let Some(path) = &args.write_operations {
        std::fs::write(path, operations.to_toml())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let (Some(req), Some(res)) = (args.req.clone(), args.res.clone()) else {
        return Err("--req and --res are needed".into());
    };
    let masters = match read(&args.master)? {
        None => None,
        Some(y) => {
            let (generic, usage) = (read(&args.generic_master)?, read(&args.usage)?);
            Some(
                Masters::from_files(&y, generic.as_deref(), usage.as_deref())
                    .map_err(|e| e.to_string())?,
            )
        }
    };
    let history: History = match read(&args.history)? {
        Some(b) => serde_json::from_slice(&b).map_err(|e| format!("history: {e}"))?,
        None => History::default(),
    };
    let mut trusted = Vec::new();
    for path in &args.trust {
        let pem = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        trusted.push(
            okusuri_sign::Cert::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?,
        );
    }
    let sim = Simulator::new(Config {
        req,
        res,
        operations,
        masters,
        delay: Duration::from_millis(args.delay_ms),
        poll: Duration::from_millis(args.poll_ms.max(1)),
        history,
        trusted,
    });
    sim.set_fault(Fault::parse(
        &args.fault,
        Duration::from_millis(args.late_ms),
    )?);
    let (_stop_tx, stop) = tokio::sync::watch::channel(false);
    eprintln!("okusuri-oqs-sim: answering (simulator only — not the national service)");
    if let Some(dir) = args.control.clone() {
        let sim = sim.clone();
        tokio::spawn(async move {
            let mut seen = 0;
            loop {
                sim.apply_control(&dir);
                let log = sim.log();
                for line in &log[seen..] {
                    eprintln!("okusuri-oqs-sim: {line}");
                }
                seen = log.len();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }
    sim.run(stop).await;
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("okusuri-oqs-sim: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
