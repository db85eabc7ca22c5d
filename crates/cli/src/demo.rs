//! `okusuri demo`: fills a new data folder with a demo of a working day
//! (see `okusuri_app::demo`). Refuses a folder that holds anything else.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use okusuri_app::demo;
use okusuri_store::{DB_FILE_NAME, DataDir, OpenOptions, Store};

/// `okusuri demo [--fresh]`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Make the demo again in a folder that already holds one (its changes are lost).
    #[arg(long)]
    fresh: bool,
    /// A busy day: this many more people at the counter today (e.g. 200).
    #[arg(long, default_value_t = 0)]
    busy: usize,
}

/// Why the folder cannot take the demo, if it cannot.
async fn check_folder(dir: &Path, fresh: bool) -> Result<(), String> {
    let entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(list) => list.filter_map(Result::ok).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{} を読めません（{e}）。", dir.display())),
    };
    if entries.is_empty() {
        return Ok(());
    }
    let db = dir.join(DB_FILE_NAME);
    if !db.is_file() {
        return Err(format!(
            "{} には他のファイルがあります。デモデータは空のフォルダに作ります。",
            dir.display()
        ));
    }
    let data = DataDir {
        path: dir.to_path_buf(),
        create_if_missing: false,
    };
    let store = crate::signin::open_store(&data).await?;
    let is_demo = store
        .setting(demo::DEMO_KEY)
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    match (is_demo, fresh) {
        (None, _) => Err(format!(
            "{} には実際のデータがあります。デモデータでは上書きしません。",
            dir.display()
        )),
        (Some(_), false) => Err(format!(
            "{} はすでにデモデータです。作り直すときは --fresh を付けてください。",
            dir.display()
        )),
        (Some(_), true) => {
            // Only what a demo folder holds: the database, its backups, the feed
            // folder, printed QR PDFs. Anything else is left where it is.
            let ours = |name: &str| {
                name.starts_with(DB_FILE_NAME)
                    || name == okusuri_store::encryption::ID_FILE_NAME
                    || [demo::FEED_FOLDER, "backups", "print"].contains(&name)
            };
            for entry in entries
                .into_iter()
                .filter(|e| e.file_name().to_str().is_some_and(ours))
            {
                let path = entry.path();
                let gone = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                gone.map_err(|e| format!("{} を消せません（{e}）。", path.display()))?;
            }
            Ok(())
        }
    }
}

/// Runs `okusuri demo`.
pub async fn run(args: DemoArgs, dir: DataDir) -> Result<ExitCode, String> {
    check_folder(&dir.path, args.fresh).await?;
    std::fs::create_dir_all(&dir.path)
        .map_err(|e| format!("{} を作れません（{e}）。", dir.path.display()))?;
    let store = Store::open_in(&dir, OpenOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let result = demo::fill_busy(&store, &dir.path, demo::clock_now(), args.busy).await;
    store.close().await;
    let report = result.map_err(|e| e.message)?;
    println!(
        "デモデータを作りました: 患者 {} 人（本日 {} 人）、調剤ファイル {} 件",
        report.patients, report.today, report.files
    );
    println!(
        "レセコン出力フォルダ {}: 新しい 1 件はアプリの起動時に取り込まれます。",
        report.feed_folder.display()
    );
    println!(
        "ログイン: 施設ID {} / スタッフID {}（管理者 {}）/ パスワード {}",
        demo::FACILITY_ID,
        demo::STAFF_ID,
        demo::ADMIN_ID,
        demo::PASSWORD
    );
    Ok(ExitCode::SUCCESS)
}
