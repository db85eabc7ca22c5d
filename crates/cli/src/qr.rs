//! `okusuri qr PATIENT`: the patient's notebook data as JAHIS QR codes in a
//! PDF (P8), as 印刷 makes it in the app; recorded in the access log.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Local, Utc};
use clap::Args;
use okusuri_print::notebook_pdf;
use okusuri_store::{HistoryFilter, OpenOptions, Store};

/// `okusuri qr PATIENT --out FILE [--dispensing ID]…`.
#[derive(Debug, Args)]
pub struct QrArgs {
    /// The patient's ID.
    pub patient: i64,
    /// A dispensing to include (repeat for several; default: the latest).
    #[arg(long = "dispensing", value_name = "ID")]
    pub dispensings: Vec<i64>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
}

/// Writes the PDF; prints how many QR codes it holds and any warnings.
pub async fn run(args: QrArgs, dir: okusuri_store::DataDir) -> Result<ExitCode, String> {
    let store = Store::open_in(&dir, OpenOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let today = Local::now().date_naive();
    let mut ids = args.dispensings;
    if ids.is_empty() {
        let latest = store
            .history(args.patient, HistoryFilter::All, None, 1, today)
            .await
            .map_err(|e| e.to_string())?;
        ids.extend(latest.dispensings.first().map(|d| d.id));
    }
    let export = store
        .notebook_export(args.patient, &ids)
        .await
        .map_err(|e| e.to_string())?;
    let facility = store
        .facility()
        .await
        .map_err(|e| e.to_string())?
        .map(|f| f.name)
        .unwrap_or_default();
    let pdf = notebook_pdf(
        &export.document,
        &export.patient_name,
        &facility,
        Local::now().naive_local(),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(&args.out, &pdf.bytes)
        .map_err(|e| format!("{}: 書き込めません（{e}）", args.out.display()))?;
    let detail = format!("{} dispensings, {} QR", ids.len(), pdf.symbols);
    store
        .log_notebook_exported(None, args.patient, &detail, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    for warning in &export.warnings {
        eprintln!("注意: {warning}");
    }
    println!(
        "{}: QRコード {}枚（調剤 {}件）",
        args.out.display(),
        pdf.symbols,
        ids.len()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
