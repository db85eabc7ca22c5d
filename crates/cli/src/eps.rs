//! `okusuri eps …`, `okusuri masters …`, `okusuri usage …`: the clinic half
//! from the command line. `parse`, `build` and `validate` work on files
//! alone; the rest use the data folder and sign in (sending needs a doctor).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use okusuri_app::App;
use okusuri_app::clinic::EpsReply;
use okusuri_app::prescribe::IssueMethod;
use okusuri_eps::calls::Call;
use okusuri_eps::masters::Masters;
use okusuri_eps::prescription::{self, Form, Prescription, Problem};
use okusuri_store::{DataDir, MasterKind, RequestState};

use crate::signin::open_signed_in;

/// The forms `eps build` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BuildFormat {
    /// The 電子処方箋 CSV (UTF-8, LF).
    Sj1,
    /// The 院外処方箋 2D-symbol CSV (Shift_JIS, CRLF).
    Jahis10,
    /// The unsigned `Document` XML around the SJ1 CSV.
    Document,
}

/// `okusuri eps` subcommands.
#[derive(Debug, Subcommand)]
pub enum EpsCommand {
    /// Read a prescription (SJ1 CSV, JAHIS10 CSV or the Document XML, detected) and print it.
    Parse {
        /// The file.
        file: PathBuf,
        /// Print the prescription as JSON (the input of `eps build`).
        #[arg(long)]
        json: bool,
    },
    /// Write a prescription (JSON, as `parse --json` prints) to stdout.
    Build {
        /// The JSON file.
        file: PathBuf,
        /// The form to write.
        #[arg(long, value_enum, default_value = "sj1")]
        format: BuildFormat,
    },
    /// Check a prescription strictly (and against masters); exit 0 only when valid.
    Validate {
        /// The file.
        file: PathBuf,
        /// The 医薬品マスター (y.csv) to check drug codes against.
        #[arg(long)]
        master: Option<PathBuf>,
        /// The 一般名処方マスタ (CSV).
        #[arg(long)]
        generic_master: Option<PathBuf>,
        /// A usage master (MHLW CSV or the JAMI CodeSystem JSON).
        #[arg(long)]
        usage: Option<PathBuf>,
        /// The date the codes must be valid on (YYYYMMDD; default: the 交付日).
        #[arg(long)]
        date: Option<String>,
    },
    /// Set the clinic link: 医療機関コード and the OQS terminal's folders (administrators).
    Config {
        /// 医療機関コード (10 digits).
        #[arg(long)]
        institution: String,
        /// The terminal's req folder.
        #[arg(long)]
        req: PathBuf,
        /// The terminal's res folder.
        #[arg(long)]
        res: PathBuf,
        /// A corrected operation table (TOML) to use instead of the built-in one.
        #[arg(long)]
        operations: Option<PathBuf>,
        /// Seconds to wait for an answer.
        #[arg(long)]
        timeout: Option<u64>,
    },
    /// 重複投薬等チェック of a prescription file (doctors).
    Check {
        /// The prescription (any form `parse` reads).
        file: PathBuf,
        /// Check against this clinic's own prescriptions too.
        #[arg(long)]
        include_own: bool,
        /// The patient consented orally (recorded).
        #[arg(long)]
        oral_consent: bool,
    },
    /// Register (issue) a prescription file (doctors): paper (unsigned, 引換番号 printed) or
    /// --electronic (signed with the HPKI card set in `eps signing`; PIN from a prompt or OKUSURI_PIN).
    Issue {
        /// The prescription (any form `parse` reads).
        file: PathBuf,
        /// Issue a 電子処方箋 (signed) instead of a paper one.
        #[arg(long)]
        electronic: bool,
    },
    /// How doctors sign (administrators): an HPKI card's PKCS#11 module and labels, or the remote platform.
    Signing {
        /// hpki or remote.
        #[arg(long, value_enum)]
        method: MethodArg,
        /// The PKCS#11 module (hpki).
        #[arg(long, default_value = "")]
        module: String,
        /// The token's label (default: the first token present).
        #[arg(long)]
        token_label: Option<String>,
        /// The certificate's CKA_LABEL.
        #[arg(long, default_value = "HPKI END ENTITY CERTIFICATE")]
        cert_label: String,
        /// The private key's CKA_LABEL.
        #[arg(long, default_value = "Private key of HPKI")]
        key_label: String,
        /// The remote platform's authentication URL (remote).
        #[arg(long, default_value = "")]
        remote_url: String,
        /// Hours an authentication lasts (1–24).
        #[arg(long, default_value_t = 18)]
        hours: i64,
    },
    /// The state of an issued prescription (doctors).
    Status {
        /// 処方箋ID.
        prescription_id: String,
    },
    /// Cancel an issued prescription while no pharmacy has received it (doctors).
    Cancel {
        /// 処方箋ID.
        prescription_id: String,
    },
    /// Print a registration: the 処方箋控え (電子; the service's PDF when it
    /// answers with one) or the 処方箋 with its JAHIS 2D symbol (紙).
    Print {
        /// 処方箋ID.
        prescription_id: String,
        /// Write the PDF here (default: the print folder, then the PDF viewer).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 発行済み一覧: registrations with their state, newest first (JSON).
    Issued {
        /// Part of a name or カナ, or a whole 引換番号 / 処方箋ID.
        #[arg(long, default_value = "")]
        query: String,
    },
    /// The requests sent to the terminal, newest first.
    Journal {
        /// Only 結果不明 requests.
        #[arg(long)]
        unknown: bool,
    },
    /// Pick up answers that came after their request was given up (resends nothing).
    Reconcile,
    /// The link at a glance: folders, requests waiting, 結果不明, the last answer.
    Link,
}

/// How doctors sign, on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// An HPKI card through its PKCS#11 module.
    Hpki,
    /// The HPKI remote-signature platform (vendor adapter; 未設定 until configured).
    Remote,
}

/// `okusuri masters` subcommands.
#[derive(Debug, Subcommand)]
pub enum MastersCommand {
    /// Replace a master with a file (administrators): drug (y.csv), generic (一般名処方マスタ), usage.
    Import {
        /// Which master.
        #[arg(value_enum)]
        kind: MasterArg,
        /// The file.
        file: PathBuf,
    },
    /// Search the drug master by name, カナ or code.
    Search {
        /// What to look for.
        query: String,
    },
    /// When each master was imported, with counts.
    List,
}

/// A master's name on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MasterArg {
    /// 医薬品マスター (y.csv).
    Drug,
    /// 一般名処方マスタ.
    Generic,
    /// 用法マスタ.
    Usage,
}

/// `okusuri usage` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Map a clinic usage to a standard code (doctors; the code must be in the usage master).
    Map {
        /// The clinic's wording.
        clinic_usage: String,
        /// The standard code (16 characters).
        code: String,
    },
    /// The standard usages ranked for a clinic's wording.
    Candidates {
        /// The clinic's wording.
        clinic_usage: String,
    },
    /// Every mapping.
    List,
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: ファイルを読めません（{e}）", path.display()))
}

fn print_problems(problems: &[Problem]) {
    for p in problems {
        eprintln!("{p}");
    }
}

fn stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| format!("出力できません: {e}"))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|e| e.to_string())
}

fn parse_file(path: &Path) -> Result<prescription::Parsed, String> {
    prescription::parse(&read_file(path)?).map_err(|p| format!("{}: {p}", path.display()))
}

/// Whether the subcommand works on files alone (no data folder).
pub fn is_offline(cmd: &EpsCommand) -> bool {
    matches!(
        cmd,
        EpsCommand::Parse { .. } | EpsCommand::Build { .. } | EpsCommand::Validate { .. }
    )
}

/// Runs the file-only subcommands (no data folder).
pub fn run_offline(cmd: &EpsCommand) -> Option<Result<ExitCode, String>> {
    Some(match cmd {
        EpsCommand::Parse {
            file,
            json: as_json,
        } => parse_file(file).and_then(|parsed| {
            print_problems(&parsed.problems);
            if *as_json {
                stdout(format!("{}\n", json(&parsed.prescription)?).as_bytes())?;
            } else {
                let p = &parsed.prescription;
                println!(
                    "{:?} 交付日 {} 患者 {} 医師 {} RP {} 件",
                    parsed.form,
                    p.issue_date,
                    p.patient.name,
                    p.doctor.name,
                    p.rps.len()
                );
                for rp in &p.rps {
                    println!("RP {} {}（{}）", rp.number, rp.usage.name, rp.usage.code);
                    for d in &rp.drugs {
                        println!("  {} {} {}{}", d.code, d.name, d.amount, d.unit);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }),
        EpsCommand::Build { file, format } => read_file(file).and_then(|bytes| {
            let p: Prescription = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: JSON を読めません: {e}", file.display()))?;
            let (out, problems) = match format {
                BuildFormat::Sj1 => prescription::build(&p, Form::Sj1, false),
                BuildFormat::Jahis10 => prescription::build(&p, Form::Jahis10, false),
                BuildFormat::Document => prescription::build(&p, Form::Sj1, true),
            };
            print_problems(&problems);
            stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }),
        EpsCommand::Validate {
            file,
            master,
            generic_master,
            usage,
            date,
        } => (|| {
            let parsed = parse_file(file)?;
            let mut problems = parsed.problems.clone();
            if let Some(master) = master {
                let read_opt = |p: &Option<PathBuf>| p.as_deref().map(read_file).transpose();
                let (generic, usage) = (read_opt(generic_master)?, read_opt(usage)?);
                let m =
                    Masters::from_files(&read_file(master)?, generic.as_deref(), usage.as_deref())
                        .map_err(|e| e.to_string())?;
                let day = date
                    .clone()
                    .unwrap_or_else(|| parsed.prescription.issue_date.clone());
                problems.extend(m.check(&parsed.prescription, &day));
            }
            print_problems(&problems);
            let errors = problems.iter().filter(|p| p.is_error()).count();
            if errors == 0 {
                println!("{}: 問題ありません（{:?}）", file.display(), parsed.form);
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{}: {errors} 件の問題があります", file.display());
                Ok(ExitCode::FAILURE)
            }
        })(),
        _ => return None,
    })
}

async fn send(app: &App, session: &okusuri_app::Session, call: Call) -> Result<EpsReply, String> {
    app.eps_send(session, &call)
        .await
        .map_err(|e| format!("[{}] {}", e.code.as_str(), e.message))
}

fn print_reply(reply: &EpsReply) -> Result<ExitCode, String> {
    println!("{}", json(reply)?);
    for p in &reply.problems {
        eprintln!("{p}");
    }
    Ok(if reply.succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn prepared(
    app: &App,
    session: &okusuri_app::Session,
    file: &Path,
) -> Result<String, String> {
    let parsed = parse_file(file)?;
    let (p, problems) = app
        .eps_prepare(session, parsed.prescription)
        .await
        .map_err(|e| e.message)?;
    print_problems(&problems);
    if problems.iter().any(Problem::is_error) {
        return Err("送信前の確認で問題が見つかりました。何も送っていません。".into());
    }
    let (xml, _) = prescription::build(&p, Form::Sj1, true);
    Ok(prescription::prescription_info(&String::from_utf8_lossy(
        &xml,
    )))
}

/// Runs the subcommands that use the data folder.
pub async fn run(cmd: EpsCommand, dir: DataDir, staff: Option<&str>) -> Result<ExitCode, String> {
    if let Some(result) = run_offline(&cmd) {
        return result;
    }
    let (app, session) = open_signed_in(&dir, staff).await?;
    match cmd {
        EpsCommand::Config {
            institution,
            req,
            res,
            operations,
            timeout,
        } => {
            let ops = operations.map(|p| p.display().to_string());
            app.set_eps_config(
                &session,
                &institution,
                &req.display().to_string(),
                &res.display().to_string(),
                ops.as_deref(),
                timeout,
            )
            .await
            .map_err(|e| e.message)?;
            let state = app.eps_folders(&session).await.map_err(|e| e.message)?;
            for p in &state.problems {
                eprintln!("{p}");
            }
            if state.problems.is_empty() {
                println!("初期化を完了しました（req・res フォルダーを確認しました）。");
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::FAILURE)
            }
        }
        EpsCommand::Check {
            file,
            include_own,
            oral_consent,
        } => {
            let info = prepared(&app, &session, &file).await?;
            print_reply(
                &send(
                    &app,
                    &session,
                    Call::Check {
                        prescription_info: info,
                        include_own,
                        oral_consent,
                    },
                )
                .await?,
            )
        }
        EpsCommand::Issue { file, electronic } => {
            let parsed = parse_file(&file)?;
            let (p, problems) = app
                .eps_prepare(&session, parsed.prescription)
                .await
                .map_err(|e| e.message)?;
            print_problems(&problems);
            if problems.iter().any(Problem::is_error) {
                return Err("送信前の確認で問題が見つかりました。何も送っていません。".into());
            }
            let method = if electronic {
                let pin = match std::env::var("OKUSURI_PIN") {
                    Ok(p) => p,
                    Err(_) => rpassword::prompt_password("HPKI カードの PIN: ")
                        .map_err(|e| format!("PIN を読み取れません（{e}）。"))?,
                };
                let auth = app
                    .authenticate_hpki(&session, pin)
                    .await
                    .map_err(|e| format!("[{}] {}", e.code.as_str(), e.message))?;
                eprintln!("医師の認証: {}（{} まで）", auth.subject, auth.expires_at);
                IssueMethod::Electronic
            } else {
                IssueMethod::Paper
            };
            let result = app
                .issue_prepared(&session, &p, method, "")
                .await
                .map_err(|e| format!("[{}] {}", e.code.as_str(), e.message))?;
            if result.registered {
                eprintln!(
                    "引換番号 {}（処方箋ID {}）",
                    result.access_code, result.prescription_id
                );
            }
            println!("{}", json(&result)?);
            for p in &result.service_messages {
                eprintln!("{p}");
            }
            Ok(if result.registered {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        EpsCommand::Signing {
            method,
            module,
            token_label,
            cert_label,
            key_label,
            remote_url,
            hours,
        } => {
            let method = match method {
                MethodArg::Hpki => okusuri_app::doctor::SignMethod::Hpki,
                MethodArg::Remote => okusuri_app::doctor::SignMethod::Remote,
            };
            let token = okusuri_sign::TokenConfig {
                module,
                token_label,
                cert_label,
                key_label,
            };
            app.set_sign_settings(&session, method, &token, &remote_url, hours)
                .await
                .map_err(|e| e.message)?;
            println!("署名の設定を保存しました。");
            Ok(ExitCode::SUCCESS)
        }
        EpsCommand::Status { prescription_id } => {
            print_reply(&send(&app, &session, Call::Status { prescription_id }).await?)
        }
        EpsCommand::Cancel { prescription_id } => {
            print_reply(&send(&app, &session, Call::Cancel { prescription_id }).await?)
        }
        EpsCommand::Print {
            prescription_id,
            output,
        } => {
            let out = match output {
                Some(path) => okusuri_app::qr::QrOutput::File(path),
                None => okusuri_app::qr::QrOutput::PrintFolder,
            };
            let printed = app
                .print_prescription(&session, &prescription_id, out)
                .await
                .map_err(|e| format!("[{}] {}", e.code.as_str(), e.message))?;
            if let Some(note) = &printed.service_note {
                eprintln!("{note}");
            }
            println!("{}", json(&printed)?);
            Ok(ExitCode::SUCCESS)
        }
        EpsCommand::Issued { query } => {
            let rows = app
                .issued_prescriptions(&session, "", &query)
                .await
                .map_err(|e| e.message)?;
            println!("{}", json(&rows)?);
            Ok(ExitCode::SUCCESS)
        }
        EpsCommand::Journal { unknown } => {
            let state = unknown.then_some(RequestState::Unknown);
            let entries = app
                .eps_journal(&session, state, 100)
                .await
                .map_err(|e| e.message)?;
            for e in entries {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    e.created_at,
                    e.operation,
                    e.state.label(),
                    e.prescription_id.unwrap_or_default(),
                    e.outcome.unwrap_or_default().replace('\n', " / ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        EpsCommand::Reconcile => {
            let found = app.eps_reconcile(&session).await.map_err(|e| e.message)?;
            println!("遅れて届いた応答 {} 件を記録しました。", found.len());
            for r in &found {
                println!("{}", json(r)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        EpsCommand::Link => {
            let status = app.eps_status(&session).await.map_err(|e| e.message)?;
            println!("{}", json(&status)?);
            Ok(if status.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        EpsCommand::Parse { .. } | EpsCommand::Build { .. } | EpsCommand::Validate { .. } => {
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `okusuri masters …`.
pub async fn masters(
    cmd: MastersCommand,
    dir: DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    match cmd {
        MastersCommand::Import { kind, file } => {
            let kind = match kind {
                MasterArg::Drug => MasterKind::Drug,
                MasterArg::Generic => MasterKind::GenericName,
                MasterArg::Usage => MasterKind::Usage,
            };
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let n = app
                .import_master(&session, kind, &read_file(&file)?, &name)
                .await
                .map_err(|e| e.message)?;
            println!("{}を {n} 件取り込みました（{name}）。", kind.label());
        }
        MastersCommand::Search { query } => {
            for d in app
                .search_drug_master(&session, &query)
                .await
                .map_err(|e| e.message)?
            {
                let state = if d.abolished == "99999999" {
                    String::new()
                } else {
                    format!("（廃止 {}）", d.abolished)
                };
                println!(
                    "{}\t{}\t{}\t{}{state}",
                    d.code, d.yakka_code, d.name, d.unit
                );
            }
        }
        MastersCommand::List => {
            for m in app.master_imports(&session).await.map_err(|e| e.message)? {
                println!(
                    "{}\t{} 件\t{}\t{}",
                    m.master, m.rows, m.source_name, m.imported_at
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `okusuri usage …`.
pub async fn usage(
    cmd: UsageCommand,
    dir: DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    match cmd {
        UsageCommand::Map { clinic_usage, code } => {
            app.map_usage(&session, &clinic_usage, &code)
                .await
                .map_err(|e| e.message)?;
            println!("「{clinic_usage}」を {code} に紐付けました。");
        }
        UsageCommand::Candidates { clinic_usage } => {
            for u in app
                .usage_candidates(&session, &clinic_usage)
                .await
                .map_err(|e| e.message)?
            {
                println!("{}\t{}", u.code, u.name);
            }
        }
        UsageCommand::List => {
            for m in app.usage_mappings(&session).await.map_err(|e| e.message)? {
                let name = if m.name.is_empty() {
                    "（用法マスタにありません）".to_string()
                } else {
                    m.name
                };
                println!("{}\t{}\t{name}", m.clinic_usage, m.code);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
