//! `okusuri import | patients | history | copy`: the medication history
//! without a window.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use okusuri_app::limits::IMPORT_BATCH;
use okusuri_store::HistoryFilter;

use crate::signin::{finish, open_signed_in};

/// `okusuri import FILE…`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JAHIS files to import.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// `okusuri patients`.
#[derive(Debug, Args)]
pub struct PatientsArgs {
    /// Kana, kanji or birth date (1958-03-03, 19580303, S330303).
    #[arg(long)]
    pub search: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Which dispensings `okusuri history` shows.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Filter {
    /// すべての調剤薬 (OTC excluded).
    All,
    /// 他施設での調剤薬.
    Other,
    /// 市販薬.
    Otc,
}

/// `okusuri history PATIENT`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The patient's ID.
    pub patient: i64,
    /// Which dispensings.
    #[arg(long, value_enum, default_value = "all")]
    pub filter: Filter,
    /// The day 服薬期間中 and 残量 are computed for (default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `okusuri copy PATIENT DISPENSING [--drug N]`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The patient's ID.
    pub patient: i64,
    /// The dispensing's ID.
    pub dispensing: i64,
    /// Only the N-th drug (1-based, in display order).
    #[arg(long)]
    pub drug: Option<usize>,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|e| e.to_string())
}

/// Imports files in batches (each file all or nothing); prints what each added.
pub async fn import(
    args: ImportArgs,
    dir: okusuri_store::DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let mut all_ok = true;
    for chunk in args.files.chunks(IMPORT_BATCH) {
        let results = app
            .import_paths(&session, chunk)
            .await
            .map_err(|e| e.message)?;
        for (path, result) in chunk.iter().zip(results) {
            match result {
                Ok(s) => println!(
                    "{}: 患者 {}{} 調剤 {}件追加（{}件は登録済み） 薬品 {}行 市販薬 {}件 からだの情報・メモ {}件",
                    path.display(),
                    s.patient_id,
                    if s.patient_created {
                        "（新規）"
                    } else {
                        ""
                    },
                    s.dispensings_added,
                    s.dispensings_skipped,
                    s.drugs_added,
                    s.otc_added,
                    s.notes_added
                ),
                Err(e) => {
                    all_ok = false;
                    eprintln!("{}: {}", path.display(), e.message);
                }
            }
        }
    }
    finish(&app, &session).await;
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Lists or searches patients.
pub async fn patients(
    args: PatientsArgs,
    dir: okusuri_store::DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let found = app
        .list_patients(&session, args.search.as_deref().unwrap_or(""))
        .await
        .map_err(|e| e.message)?;
    if args.json {
        println!("{}", json(&found)?);
    } else {
        for p in &found {
            println!("{}\t{}\t{}\t{}\t{}", p.id, p.kana, p.name, p.sex, p.birth);
        }
    }
    finish(&app, &session).await;
    Ok(ExitCode::SUCCESS)
}

/// Prints a patient's history, all pages.
pub async fn history(
    args: HistoryArgs,
    dir: okusuri_store::DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    app.patient(&session, args.patient)
        .await
        .map_err(|e| e.message)?;
    if let Filter::Otc = args.filter {
        let otc = app
            .otc(&session, args.patient)
            .await
            .map_err(|e| e.message)?;
        if args.json {
            println!("{}", json(&otc)?);
        } else {
            for o in &otc {
                let period = format!(
                    "{}〜{}",
                    o.start_on.as_deref().unwrap_or(""),
                    o.end_on.as_deref().unwrap_or("")
                );
                println!(
                    "{}\t{}\t{}",
                    period,
                    o.name.as_deref().unwrap_or(""),
                    o.components.as_deref().unwrap_or("")
                );
            }
        }
        finish(&app, &session).await;
        return Ok(ExitCode::SUCCESS);
    }
    let filter = match args.filter {
        Filter::Other => HistoryFilter::Other,
        _ => HistoryFilter::All,
    };
    let as_of = args.as_of.unwrap_or_else(|| app.clock().today());
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = app
            .history_as_of(&session, args.patient, filter, cursor.as_ref(), 100, as_of)
            .await
            .map_err(|e| e.message)?;
        all.extend(page.dispensings);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if args.json {
        println!("{}", json(&all)?);
    } else {
        for d in &all {
            println!(
                "[{}] {} {}（処方: {}）",
                d.id,
                d.date_label,
                d.place.as_deref().unwrap_or("—"),
                d.prescriber.as_deref().unwrap_or("—")
            );
            for rp in &d.rps {
                for drug in &rp.drugs {
                    let mark = if drug.supply.taking {
                        "服薬期間中"
                    } else {
                        ""
                    };
                    println!(
                        "    {}\t{}\t残量 {}\t{mark}",
                        drug.name,
                        drug.usage_line,
                        drug.supply.remaining.as_deref().unwrap_or("—")
                    );
                }
            }
        }
    }
    finish(&app, &session).await;
    Ok(ExitCode::SUCCESS)
}

/// Prints exactly what the コピー button puts on the clipboard.
pub async fn copy(
    args: CopyArgs,
    dir: okusuri_store::DataDir,
    staff: Option<&str>,
) -> Result<ExitCode, String> {
    let (app, session) = open_signed_in(&dir, staff).await?;
    let text = app
        .copy_text(&session, args.patient, args.dispensing, args.drug)
        .await
        .map_err(|e| e.message)?;
    println!("{text}");
    finish(&app, &session).await;
    Ok(ExitCode::SUCCESS)
}
