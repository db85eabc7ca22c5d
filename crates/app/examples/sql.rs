//! Reads a data folder's database like `sqlite3 FILE SQL`, for the
//! end-to-end tests that check what the app stored: the app encrypts the
//! file, so this opens it read-only with its key from the OS key store (the
//! command line's key lookup). A test tool — not shipped, not a feature:
//! `cargo run -p okusuri-app --example sql -- DATA_DIR "SELECT …"` prints
//! one line per row, columns joined by `|`.

use okusuri_app::open::{KeyUse, keys_for};
use okusuri_store::{DataDir, OpenOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Column, ConnectOptions, Row, ValueRef};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(folder), Some(sql)) = (args.next(), args.next()) else {
        return Err("usage: sql DATA_DIR SQL".into());
    };
    let dir = DataDir {
        path: folder.into(),
        create_if_missing: false,
    };
    let (options, _) = keys_for(&dir, OpenOptions::default(), KeyUse::IfKeyed)
        .await
        .map_err(|e| e.message)?;
    let mut connect = SqliteConnectOptions::new()
        .filename(dir.database_file())
        .read_only(true);
    if let Some(key) = &options.database_key {
        connect = okusuri_store::encryption::with_key(connect, key);
    }
    let mut conn = connect.connect().await.map_err(|e| e.to_string())?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    for row in rows {
        let mut cells = Vec::with_capacity(row.columns().len());
        for column in row.columns() {
            let i = column.ordinal();
            let null = row.try_get_raw(i).map(|v| v.is_null()).unwrap_or(true);
            let cell = if null {
                String::new()
            } else if let Ok(n) = row.try_get::<i64, _>(i) {
                n.to_string()
            } else if let Ok(x) = row.try_get::<f64, _>(i) {
                x.to_string()
            } else if let Ok(text) = row.try_get::<String, _>(i) {
                text
            } else {
                String::from("(blob)")
            };
            cells.push(cell);
        }
        println!("{}", cells.join("|"));
    }
    Ok(())
}
