//! Errors of the store. `Display` is the Japanese message shown to staff; each
//! message names the file concerned and says what to do.

use std::path::PathBuf;

/// Why the database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The configured data folder does not exist (an unmounted drive, a typo).
    #[error(
        "データフォルダが見つかりません: {0}\nフォルダの場所（OKUSURI_DATA_DIR）を確認してください。新しいフォルダは作成していません。"
    )]
    DataDirMissing(PathBuf),

    /// The database file is gone but its journal files are still there:
    /// the file was moved or deleted, and a new one would hide the loss.
    #[error(
        "データベースファイルが見つかりません: {0}\n同じフォルダに作業ファイル（-wal / -shm）が残っています。ファイルが移動・削除された可能性があります。バックアップから復元するか、管理者に連絡してください。新しいデータベースは作成していません。"
    )]
    DatabaseMissing(PathBuf),

    /// The file is not an SQLite database, is empty, or is damaged.
    #[error(
        "データベースファイルが壊れています: {0}\nファイルはそのまま残してあります。バックアップから復元するか、管理者に連絡してください。"
    )]
    Corrupt(PathBuf),

    /// Another program holds a lock on the database longer than we wait.
    #[error(
        "データベースが他のプログラムで使用中です: {0}\nしばらく待ってから再度お試しください。解消しない場合は、このファイルを開いている他のプログラムを終了してください。"
    )]
    Locked(PathBuf),

    /// The database was written by a newer version of the app.
    #[error(
        "このデータベースは新しいバージョンのOkusuri Deskで更新されています: {0}\nアプリを最新版に更新してください。"
    )]
    NewerSchema(PathBuf),

    /// The file cannot be read or written (permissions, a read-only share).
    #[error(
        "データベースファイルを開けません: {path}\n（{reason}）\nファイルとフォルダへのアクセス権限を確認してください。"
    )]
    Inaccessible {
        /// The database file.
        path: PathBuf,
        /// The operating system's reason, for the administrator.
        reason: String,
    },

    /// The backup folder named does not exist.
    #[error("バックアップ先のフォルダが見つかりません: {0}\nフォルダの場所を確認してください。")]
    BackupDirMissing(PathBuf),

    /// A file given to restore is not a sound Okusuri Desk database.
    #[error(
        "このファイルからは復元できません: {0}\nOkusuri Deskのバックアップではないか、壊れています（整合性チェックに失敗）。現在のデータはそのままです。"
    )]
    BackupInvalid(PathBuf),

    /// No platform data folder could be determined.
    #[error("データフォルダの場所を決められません。OKUSURI_DATA_DIR を設定してください。")]
    NoDataDir,

    /// The acting staff member no longer exists or was deactivated.
    #[error("このスタッフは登録されていません。もう一度ログインしてください。")]
    UnknownStaff,

    /// The access log is keyed and this program has no key for it.
    #[error(
        "監査ログの鍵を OS の鍵保管庫から読めないため、記録できません。このPCの Windows 資格情報マネージャー（Linux では Secret Service）を確認してください。データベースを別のPCから移したときは、元のPCで okusuri audit key --export で書き出した鍵を、このPCで okusuri audit key --import で取り込んでください。"
    )]
    AuditKeyMissing,

    /// A restore was asked for while something has the data folder open.
    #[error(
        "おくすりデスク（または okusuri コマンド）がこのデータフォルダを開いているため、復元できません: {0}\nアプリをトレイの「終了」で終わらせてから、もう一度実行してください。現在のデータはそのままです。"
    )]
    InUse(PathBuf),

    /// The data folder is on a network share, where SQLite is not safe.
    #[error(
        "データフォルダがネットワーク上の共有フォルダ（{kind}）にあります: {path}\nデータベースはネットワーク越しに安全に使えないため、開いていません（複数のPCから書き込むと壊れるおそれがあります）。このPCのローカルディスク上のフォルダを指定してください。複数のPCで同じデータを使う方法は、共有サーバー（PostgreSQL）による「複数台で使う」です（準備中）。"
    )]
    NetworkShare {
        /// The folder.
        path: PathBuf,
        /// What kind of share it is, in Japanese.
        kind: String,
    },

    /// The database is encrypted and this PC's key store has no key for it.
    #[error(
        "データベースは暗号化されていますが、その鍵がこのPCの OS の鍵保管庫（Windows 資格情報マネージャー / Secret Service）にありません: {0}\nデータベースを別のPCから移したときは、元のPCの「設定 → バックアップ → 鍵を書き出す」（または okusuri db key --export）で書き出した鍵のファイルを、このPCで okusuri db key --import で取り込んでください。データはそのままです。"
    )]
    DatabaseKeyMissing(PathBuf),

    /// A backup that is not plain SQLite, and no key to try on it.
    #[error(
        "このファイルからは復元できません: {0}\n暗号化されたバックアップなら、その鍵がこのPCの鍵保管庫にありません（元のPCで書き出した鍵のファイルを okusuri db key --import で取り込んでください）。そうでなければ、Okusuri Desk のバックアップではないか、壊れています。現在のデータはそのままです。"
    )]
    BackupNeedsKey(PathBuf),

    /// The key does not open this encrypted file (another database's key, or the file is damaged).
    #[error(
        "暗号化されたデータベースをこのPCにある鍵で開けません: {0}\n別のデータベース（別のPC・薬局）のファイルか、ファイルが壊れています。このデータベースの鍵のファイルがあれば okusuri db key --import で取り込んでください。ファイルはそのままです。"
    )]
    DatabaseKeyWrong(PathBuf),

    /// The stored key is not a database key.
    #[error("鍵保管庫のデータベースの鍵が壊れています（32バイトではありません）。")]
    DatabaseKeyDamaged,

    /// Converting the plain database into an encrypted one failed; the plain one is kept.
    #[error(
        "データベースを暗号化できませんでした: {path}（{reason}）\n暗号化していない元のデータベースはそのまま使えます。次回の起動時にもう一度暗号化を試みます。"
    )]
    EncryptionFailed {
        /// The database file.
        path: PathBuf,
        /// What went wrong (for the log and support).
        reason: String,
    },

    /// A write this version cannot yet share with the pharmacy's other PCs,
    /// refused while the PC is connected to a server; nothing was stored.
    #[error(
        "この操作は、複数台で使う設定（サーバー接続）ではまだ使えません（{0}）。変更は保存されていません。"
    )]
    NotShared(String),

    /// Any other database failure.
    #[error("データベースの処理に失敗しました: {0}")]
    Database(String),
}

/// The SQLite primary result codes we map to specific messages.
pub(crate) mod sqlite_code {
    pub const BUSY: i64 = 5;
    pub const LOCKED: i64 = 6;
    pub const READONLY: i64 = 8;
    pub const CORRUPT: i64 = 11;
    pub const CANTOPEN: i64 = 14;
    pub const NOTADB: i64 = 26;
    pub const PERM: i64 = 3;
}

impl StoreError {
    /// Classifies an sqlx error that happened while using the file at `path`.
    pub(crate) fn from_sqlx(err: sqlx::Error, path: &std::path::Path) -> Self {
        let path = path.to_path_buf();
        match &err {
            sqlx::Error::Database(db) => {
                let primary = db
                    .code()
                    .and_then(|c| c.parse::<i64>().ok())
                    .map(|c| c & 0xff);
                match primary {
                    Some(sqlite_code::NOTADB | sqlite_code::CORRUPT) => StoreError::Corrupt(path),
                    Some(sqlite_code::BUSY | sqlite_code::LOCKED) => StoreError::Locked(path),
                    Some(sqlite_code::CANTOPEN | sqlite_code::READONLY | sqlite_code::PERM) => {
                        StoreError::Inaccessible {
                            path,
                            reason: db.message().to_string(),
                        }
                    }
                    _ => StoreError::Database(err.to_string()),
                }
            }
            sqlx::Error::Io(io) => StoreError::Inaccessible {
                path,
                reason: io.to_string(),
            },
            _ => StoreError::Database(err.to_string()),
        }
    }
}
