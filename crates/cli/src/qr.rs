//! `okusuri qr PATIENT`: the patient's notebook data as JAHIS QR codes in a
//! PDF (P8), as 印刷 makes it in the app; recorded in the access log.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use okusuri_app::qr::QrOutput;

use crate::signin::{finish, open_signed_in};

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
pub async fn run(
    args: QrArgs,
    dir: okusuri_store::DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let printed = app
        .print_patient_qr(
            &session,
            args.patient,
            &args.dispensings,
            QrOutput::File(args.out.clone()),
        )
        .await
        .map_err(|e| e.message);
    finish(&app, &session).await;
    let printed = printed?;
    for warning in &printed.warnings {
        eprintln!("注意: {warning}");
    }
    println!(
        "{}: QRコード {}枚（調剤 {}件）",
        printed.path, printed.symbols, printed.dispensings
    );
    Ok(ExitCode::SUCCESS)
}
