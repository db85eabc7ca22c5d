//! The key file (issue 16 §1, §7): a database's keys — the one its file is
//! encrypted with and the access log's — written to a file an administrator
//! keeps like a password (a USB stick in the safe), and stored back into a
//! PC's key store. Losing the PC's key store must not lose the pharmacy's
//! data: with the key file, the database and its backups open on a new PC.
//!
//! The file is text: a header line, then `database-id`, `database-key`,
//! `audit-key` lines (keys in base64). A file of the first format
//! (`okusuri-desk audit key v1`: header, ID, access-log key) is read too.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use okusuri_store::encryption::{FileState, file_state, folder_id, write_folder_id};
use okusuri_store::{AccessEvent, Actor, DataDir, Store};

use crate::{App, AppError, ErrorCode, Permission, Session};

/// The first line of a key file.
const HEADER: &str = "okusuri-desk keys v2";
/// The first line of the older access-log-only key file.
const HEADER_V1: &str = "okusuri-desk audit key v1";

/// A database's keys.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFile {
    /// The database's ID (`db.id`): the keys' name in the key store.
    pub database_id: String,
    /// The key the database file is encrypted with, if it is.
    pub database_key: Option<Vec<u8>>,
    /// The key of the access log's chain, if it is keyed.
    pub audit_key: Option<Vec<u8>>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile")
            .field("database_id", &self.database_id)
            .finish_non_exhaustive()
    }
}

fn not_a_key_file() -> AppError {
    AppError::invalid("おくすりデスクの鍵のファイルではないか、壊れています。")
}

impl KeyFile {
    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\ndatabase-id {}\n", self.database_id);
        if let Some(key) = &self.database_key {
            text += &format!("database-key {}\n", STANDARD.encode(key));
        }
        if let Some(key) = &self.audit_key {
            text += &format!("audit-key {}\n", STANDARD.encode(key));
        }
        text
    }

    /// Reads a key file's text (either format).
    pub fn parse(text: &str) -> Result<KeyFile, AppError> {
        let mut lines = text.lines().map(str::trim);
        let decode = |b64: &str| STANDARD.decode(b64).map_err(|_| not_a_key_file());
        match lines.next() {
            Some(HEADER_V1) => {
                let (Some(id), Some(key)) = (lines.next(), lines.next()) else {
                    return Err(not_a_key_file());
                };
                Ok(KeyFile {
                    database_id: id.to_string(),
                    database_key: None,
                    audit_key: Some(decode(key)?),
                })
            }
            Some(HEADER) => {
                let mut file = KeyFile {
                    database_id: String::new(),
                    database_key: None,
                    audit_key: None,
                };
                for line in lines.filter(|l| !l.is_empty()) {
                    match line.split_once(' ') {
                        Some(("database-id", id)) => file.database_id = id.trim().to_string(),
                        Some(("database-key", key)) => file.database_key = Some(decode(key)?),
                        Some(("audit-key", key)) => file.audit_key = Some(decode(key)?),
                        _ => return Err(not_a_key_file()),
                    }
                }
                let id_ok = !file.database_id.is_empty()
                    && file.database_id.bytes().all(|b| b.is_ascii_alphanumeric());
                match id_ok {
                    true => Ok(file),
                    false => Err(not_a_key_file()),
                }
            }
            _ => Err(not_a_key_file()),
        }
    }
}

/// Writes `text` to a new file readable only by this user (never replacing one).
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(file)?;
    std::io::Write::write_all(&mut out, text.as_bytes())?;
    out.sync_all()
}

/// Writes the open database's keys to `file` and logs the export.
pub async fn export(
    store: &Store,
    actor: &Actor,
    file: &Path,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let id = store.database_id(now).await?;
    let lookup = id.clone();
    let audit_key = tokio::task::spawn_blocking(move || okusuri_secrets::audit_key(&lookup, false))
        .await
        .map_err(|e| AppError::new(ErrorCode::DbFailed, e.to_string()))?
        .map_err(|e| AppError::new(ErrorCode::DbUnavailable, e.to_string()))?;
    let keys = KeyFile {
        database_id: id,
        database_key: store.database_key().map(|k| k.bytes().to_vec()),
        audit_key,
    };
    if keys.database_key.is_none() && keys.audit_key.is_none() {
        return Err(AppError::invalid(
            "このデータベースには書き出す鍵がありません（暗号化されておらず、監査ログにも鍵がありません）。",
        ));
    }
    write_private(file, &keys.to_text())
        .map_err(|e| AppError::invalid(format!("鍵を書き出せません: {}（{e}）", file.display())))?;
    let which = match (&keys.database_key, &keys.audit_key) {
        (Some(_), Some(_)) => "database key and access-log key",
        (Some(_), None) => "database key",
        _ => "access-log key",
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let detail = format!("{which} exported to {}", name.unwrap_or_default());
    store
        .audit(actor, AccessEvent::KeysExported, None, &detail, now)
        .await?;
    Ok(())
}

/// The ID of the database in `dir`, if one is there and it can be told.
async fn folder_database_id(dir: &DataDir) -> Result<Option<String>, AppError> {
    let file = dir.database_file();
    Ok(match file_state(&file)? {
        FileState::Plain => okusuri_store::backup::database_id_of(&file).await,
        FileState::Encrypted | FileState::Missing => folder_id(dir),
    })
}

/// Stores the keys in `file` in this PC's key store for the database of
/// `dir` (or for the database a restore will bring into an empty folder),
/// then checks that they open it. Returns what was stored, in Japanese.
pub async fn import(dir: &DataDir, file: &Path) -> Result<String, AppError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        AppError::invalid(format!(
            "鍵のファイルを読めません: {}（{e}）",
            file.display()
        ))
    })?;
    let keys = KeyFile::parse(&text)?;
    if let Some(mine) = folder_database_id(dir).await?
        && mine != keys.database_id
    {
        return Err(AppError::invalid(
            "この鍵は、このデータフォルダのデータベースのものではありません。",
        ));
    }
    let id = keys.database_id.clone();
    let (database_key, audit_key) = (keys.database_key.clone(), keys.audit_key.clone());
    tokio::task::spawn_blocking(move || {
        if let Some(key) = &database_key {
            okusuri_secrets::put_database_key(&id, key)?;
        }
        if let Some(key) = &audit_key {
            okusuri_secrets::put_audit_key(&id, key)?;
        }
        Ok::<_, okusuri_secrets::SecretError>(())
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::DbFailed, e.to_string()))?
    .map_err(|e| AppError::new(ErrorCode::DbUnavailable, e.to_string()))?;
    if keys.database_key.is_some() && dir.path.is_dir() {
        write_folder_id(dir, &keys.database_id)?;
    }
    if file_state(&dir.database_file())? != FileState::Missing {
        let store = crate::open::open_store(
            dir,
            okusuri_store::OpenOptions::default(),
            crate::open::KeyUse::IfKeyed,
        )
        .await?;
        let report = store.verify_access_log().await;
        store.close().await;
        if report?.first_broken.is_some() {
            return Err(AppError::invalid(
                "鍵を取り込みましたが、監査ログがこの鍵で検証できません（別の鍵の可能性があります）。",
            ));
        }
    }
    Ok(match (&keys.database_key, &keys.audit_key) {
        (Some(_), Some(_)) => "データベースの鍵と監査ログの鍵",
        (Some(_), None) => "データベースの鍵",
        _ => "監査ログの鍵",
    }
    .to_string())
}

impl App {
    /// 設定 → バックアップ → 鍵を書き出す (administrators; audited): the
    /// database's keys into `folder` (a USB stick), as a new dated file.
    pub async fn export_keys(&self, session: &Session, folder: &str) -> Result<String, AppError> {
        self.begin(session, Permission::ChangeSettings)?;
        let dir = PathBuf::from(folder.trim());
        if !dir.is_absolute() || !dir.is_dir() {
            return Err(AppError::invalid(format!(
                "フォルダが見つかりません: {}（USB ドライブなら差してから、絶対パスで指定してください）",
                dir.display()
            )));
        }
        let now = self.clock.now();
        let stamp = now.with_timezone(&chrono::Local).format("%Y%m%d-%H%M%S");
        let file = dir.join(format!("okusuri-keys-{stamp}.txt"));
        export(&self.store, &session.actor(), &file, now).await?;
        Ok(file.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_reads_back_and_the_first_format_still_reads() {
        let keys = KeyFile {
            database_id: "0a1b".into(),
            database_key: Some(vec![1; 32]),
            audit_key: Some(vec![2; 32]),
        };
        assert_eq!(KeyFile::parse(&keys.to_text()).unwrap(), keys);
        let v1 = KeyFile::parse(
            "okusuri-desk audit key v1\n0a1b\nAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n",
        )
        .unwrap();
        assert_eq!(v1.audit_key, Some(vec![2; 32]));
        assert_eq!(v1.database_key, None);
        assert!(KeyFile::parse("okusuri-desk keys v2\ndatabase-id ../x\n").is_err());
        assert!(KeyFile::parse("hello").is_err());
        assert!(!format!("{keys:?}").contains("AQEB"));
    }
}
