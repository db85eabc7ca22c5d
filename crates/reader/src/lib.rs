//! The card reader (P2): a service on its own thread that watches a PC/SC
//! reader, reads the FeliCa IDm of each card touched (`FF CA 00 00 00`),
//! follows readers being plugged and unplugged (PnP notification), and
//! recovers by itself when `pcscd` / the Smart Card service restarts.
//! Everything it reports is an [`ReaderEvent`] with Japanese text; it never
//! panics on what the reader or card does.

pub mod felica;
pub mod service;

pub use felica::{CardError, GET_UID, idm_from_response};
pub use service::{ReaderConfig, ReaderEvent, ReaderService, list_readers, wait_for_card};

/// Why the readers could not be listed or a card read (Japanese `Display`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReaderError {
    /// `pcscd` / the Smart Card service is not running.
    #[error(
        "スマートカードサービス（pcscd / Smart Card）が動いていません。サービスを起動するか、PCを再起動してください。"
    )]
    NoService,
    /// No reader is connected.
    #[error("カードリーダーが接続されていません。USBケーブルを確認してください。")]
    NoReader,
    /// The chosen reader is not connected.
    #[error(
        "設定されたカードリーダー「{0}」が見つかりません。接続を確認するか、設定で選び直してください。"
    )]
    ReaderMissing(String),
    /// Several readers and none chosen.
    #[error("カードリーダーが複数接続されています（{0}）。設定で使うリーダーを選んでください。")]
    SeveralReaders(String),
    /// No card was touched in time.
    #[error("時間内にカードがタッチされませんでした。")]
    Timeout,
    /// The card is not a FeliCa card or did not answer.
    #[error(transparent)]
    Card(#[from] CardError),
    /// A message the service already phrased.
    #[error("{0}")]
    Message(String),
    /// Anything else PC/SC reported.
    #[error("カードリーダーでエラーが発生しました（{0}）。")]
    Other(String),
}

impl From<pcsc::Error> for ReaderError {
    fn from(e: pcsc::Error) -> ReaderError {
        match e {
            pcsc::Error::NoReadersAvailable => ReaderError::NoReader,
            // pcscd going away mid-wait shows as a broken connection.
            pcsc::Error::NoService | pcsc::Error::ServiceStopped | pcsc::Error::CommError => {
                ReaderError::NoService
            }
            pcsc::Error::Timeout => ReaderError::Timeout,
            other => ReaderError::Other(other.to_string()),
        }
    }
}
