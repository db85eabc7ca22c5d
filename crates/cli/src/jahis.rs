//! `okusuri jahis …`: the JAHIS お薬手帳 format from the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use okusuri_jahis::split::{assemble, split};
use okusuri_jahis::{Document, Encoding, Mode, ReadError, Severity, qr, read, write};

/// JAHIS subcommands.
#[derive(Debug, Subcommand)]
pub enum JahisCommand {
    /// Read files; exit 0 when every file parsed (lenient) or validated (--strict).
    Parse {
        /// JAHIS files (CP932 or UTF-8).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Fail on any deviation from the spec.
        #[arg(long)]
        strict: bool,
        /// Print one JSON object per file (keys documented in okusuri-jahis).
        #[arg(long)]
        json: bool,
    },
    /// Validate files strictly and print a report (= parse --strict).
    Validate {
        /// JAHIS files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a JSON document (as `parse --json` prints) as JAHIS text to stdout.
    Write {
        /// The JSON file.
        json: PathBuf,
        /// UTF-8 instead of CP932.
        #[arg(long)]
        utf8: bool,
    },
    /// Split a file into parts of at most N bytes with 911 records.
    Split {
        /// The JAHIS file.
        file: PathBuf,
        /// The most bytes per part.
        #[arg(long, value_name = "N")]
        max_bytes: usize,
        /// The folder to write part-01.txt, part-02.txt, … into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Merge parts (911 parts in any order, or Structured Append chunks in order) to stdout.
    Merge {
        /// The parts.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
    },
    /// Make QR codes (byte mode, level M) of a file: qr-1-of-N.png (or .svg).
    Qr {
        /// The JAHIS file.
        file: PathBuf,
        /// The folder to write the images into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// SVG instead of PNG.
        #[arg(long)]
        svg: bool,
    },
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: ファイルを読めません（{e}）", path.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: 書き込めません（{e}）", path.display()))
}

fn stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| format!("出力できません: {e}"))
}

fn status(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads a file and lets a parsed document (valid or not) through.
fn load(path: &Path, mode: Mode) -> Result<(Document, bool), String> {
    let bytes = read_file(path)?;
    match read(&bytes, mode) {
        Ok(doc) => Ok((doc, true)),
        Err(ReadError::Invalid(doc)) => Ok((*doc, false)),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// What the import gate would do with the file today (default size limit):
/// the line `okusuri jahis validate` ends each file with.
fn import_verdict(path: &Path) -> String {
    let gate = okusuri_domain::gate::Gate::new(
        chrono::Local::now().date_naive(),
        okusuri_store::settings::DEFAULT_IMPORT_MAX_BYTES,
    );
    match okusuri_feed::read_at_most(path, &gate).map(|bytes| gate.file(&bytes)) {
        Err(message) => format!("取込: できません — {message}"),
        Ok(Err(refused)) => format!("取込: できません — {refused}"),
        Ok(Ok(admitted)) if admitted.issues.is_empty() => "取込: できます".into(),
        Ok(Ok(admitted)) => format!(
            "取込: できます（警告{}件は調剤に⚠として残ります）",
            admitted.issues.len()
        ),
    }
}

/// A fresh データ固有ID: the local time, 14 digits.
fn data_id() -> String {
    chrono::Local::now().format("%Y%m%d%H%M%S").to_string()
}

/// Runs a JAHIS subcommand.
pub fn run(command: JahisCommand) -> Result<ExitCode, String> {
    match command {
        JahisCommand::Parse {
            files,
            strict,
            json,
        } => {
            let mode = if strict { Mode::Strict } else { Mode::Lenient };
            let mut all_ok = true;
            for path in files {
                match load(&path, mode) {
                    Ok((doc, ok)) => {
                        all_ok &= ok;
                        if json {
                            let line = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
                            println!("{line}");
                        } else {
                            print!("{}", report(&path, &doc));
                        }
                    }
                    Err(message) => {
                        all_ok = false;
                        if json {
                            let error = serde_json::json!({ "file": path.display().to_string(), "error": message });
                            println!("{error}");
                        } else {
                            eprintln!("{message}");
                        }
                    }
                }
            }
            Ok(status(all_ok))
        }
        JahisCommand::Validate { files } => {
            let mut all_ok = true;
            for path in files {
                match load(&path, Mode::Strict) {
                    Ok((doc, ok)) => {
                        all_ok &= ok;
                        print!("{}", report(&path, &doc));
                    }
                    Err(message) => {
                        all_ok = false;
                        println!("{message}");
                    }
                }
                println!("  {}", import_verdict(&path));
            }
            Ok(status(all_ok))
        }
        JahisCommand::Write { json, utf8 } => {
            let text = read_file(&json)?;
            let doc: Document = serde_json::from_slice(&text)
                .map_err(|e| format!("{}: JSONとして読めません（{e}）", json.display()))?;
            let encoding = if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Cp932
            };
            stdout(&write(&doc, encoding).map_err(|e| e.to_string())?)?;
            Ok(ExitCode::SUCCESS)
        }
        JahisCommand::Split {
            file,
            max_bytes,
            out,
        } => {
            let (doc, _) = load(&file, Mode::Lenient)?;
            let parts =
                split(&doc, max_bytes, &data_id(), doc.encoding).map_err(|e| e.to_string())?;
            std::fs::create_dir_all(&out)
                .map_err(|e| format!("{}: フォルダを作れません（{e}）", out.display()))?;
            for (i, part) in parts.iter().enumerate() {
                let path = out.join(format!("part-{:02}.txt", i + 1));
                write_file(&path, part)?;
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        JahisCommand::Merge { parts } => {
            let bytes: Vec<Vec<u8>> = parts
                .iter()
                .map(|p| read_file(p))
                .collect::<Result<_, _>>()?;
            let slices: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
            stdout(&assemble(&slices).map_err(|e| e.to_string())?)?;
            Ok(ExitCode::SUCCESS)
        }
        JahisCommand::Qr { file, out, svg } => {
            let (doc, _) = load(&file, Mode::Lenient)?;
            let symbols = qr::symbols(&doc, &data_id()).map_err(|e| e.to_string())?;
            std::fs::create_dir_all(&out)
                .map_err(|e| format!("{}: フォルダを作れません（{e}）", out.display()))?;
            let n = symbols.len();
            for (i, data) in symbols.iter().enumerate() {
                let code = qr::encode(data).map_err(|e| e.to_string())?;
                let name = format!("qr-{}-of-{n}.{}", i + 1, if svg { "svg" } else { "png" });
                let path = out.join(name);
                if svg {
                    write_file(&path, qr::svg(&code).as_bytes())?;
                } else {
                    write_file(&path, &qr::png(&code, 4).map_err(|e| e.to_string())?)?;
                }
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A human-readable summary and the issues of one document.
fn report(path: &Path, doc: &Document) -> String {
    let encoding = match doc.encoding {
        Encoding::Cp932 => "CP932",
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 (BOM)",
    };
    let patient = doc
        .patient
        .as_ref()
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| "（なし）".into());
    let mut out = format!(
        "{}: {} 出力区分{} {encoding} 患者 {patient} 調剤 {}件\n",
        path.display(),
        doc.version,
        doc.output_category
            .map(|c| c.to_string())
            .unwrap_or_else(|| "?".into()),
        doc.dispensings.len()
    );
    if doc.issues.is_empty() {
        out.push_str("  問題はありません。\n");
    }
    for issue in &doc.issues {
        let level = match issue.severity {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
        };
        out.push_str(&format!(
            "  {}行目 {level} [{}] {}\n",
            issue.line, issue.code, issue.message
        ));
    }
    out
}
