//! `okusuri sign` and `okusuri verify`: the 電子処方箋 signature from the
//! command line, with no data folder (the PIN from a prompt or `OKUSURI_PIN`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use okusuri_sign::{Cert, Token, TokenConfig, sign_csv, verify};

/// `okusuri sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The unsigned Document XML (or its Base64).
    pub file: PathBuf,
    /// The PKCS#11 module (the HPKI card's signature module, or SoftHSM2's).
    #[arg(long)]
    pub module: String,
    /// The token's label (default: the first token present).
    #[arg(long)]
    pub label: Option<String>,
    /// The certificate's CKA_LABEL.
    #[arg(long, default_value = "HPKI END ENTITY CERTIFICATE")]
    pub cert_label: String,
    /// The private key's CKA_LABEL.
    #[arg(long, default_value = "Private key of HPKI")]
    pub key_label: String,
    /// Write the signed document here instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// `okusuri verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed Document XML.
    pub file: PathBuf,
    /// The trusted CA certificate(s), PEM.
    #[arg(long, required = true)]
    pub ca: Vec<PathBuf>,
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: ファイルを読めません（{e}）", path.display()))
}

/// Signs the document's CSV with the token's key.
pub fn sign(args: SignArgs) -> Result<ExitCode, String> {
    let doc =
        okusuri_eps::prescription::parse_document(&read(&args.file)?).map_err(|e| e.to_string())?;
    if doc.signature.is_some() {
        return Err("この文書にはすでに署名があります。".into());
    }
    let config = TokenConfig {
        module: args.module,
        token_label: args.label,
        cert_label: args.cert_label,
        key_label: args.key_label,
    };
    let token = Token::open(&config).map_err(|e| e.to_string())?;
    let state = token.pin_state().map_err(|e| e.to_string())?;
    if let Some(w) = state.warning() {
        eprintln!("{w}");
    }
    let pin = match std::env::var("OKUSURI_PIN") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password("PIN: ")
            .map_err(|e| format!("PIN を読み取れません（{e}）。"))?,
    };
    token.login(&pin).map_err(|e| e.to_string())?;
    drop(pin);
    let cert = Cert::from_der(&token.certificate().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let signed =
        sign_csv(&doc.csv, &cert, &token, chrono::Utc::now()).map_err(|e| e.to_string())?;
    match args.output {
        Some(path) => std::fs::write(&path, signed)
            .map_err(|e| format!("{}: 書き込めません（{e}）", path.display()))?,
        None => print!("{signed}"),
    }
    eprintln!("署名しました（{}）。", cert.summary().subject);
    Ok(ExitCode::SUCCESS)
}

/// Verifies a signed document; exit 0 only for a valid signature chaining to a given CA.
pub fn verify_file(args: VerifyArgs) -> Result<ExitCode, String> {
    let mut trusted = Vec::new();
    for path in &args.ca {
        let pem = String::from_utf8(read(path)?)
            .map_err(|_| format!("{}: PEM ではありません", path.display()))?;
        trusted.push(Cert::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    match verify(&read(&args.file)?, &trusted, chrono::Utc::now()) {
        Ok(v) => {
            println!(
                "署名は正しいです。署名者: {}（署名時刻 {}）",
                v.signer.subject, v.signing_time
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
