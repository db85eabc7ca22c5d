//! 電子処方箋 (EPS) and OQS terminal messages, pure (bytes in, bytes out).
//!
//! - [`operations`]: the operation table (`operations.toml`): file-name parts
//!   and whether each name is verified from public sources. Unverified names
//!   are left empty and cannot be sent until a site fills them in.
//! - [`message`]: the `XmlMsg` envelope — requests written once as UTF-8,
//!   answers read by element name (order is not fixed), result codes kept
//!   verbatim.
//! - [`calls`]: the 電子処方箋 operations as typed requests and answers.
//! - [`masters`]: the drug, 一般名 and usage masters read from the files a
//!   clinic supplies, and the checks a prescription must pass against them.
//! - [`prescription`]: the prescription model, its two CSV forms (`SJ1`,
//!   `JAHIS10`), the `Document` XML with both Base64 layers, and strict
//!   validation.
//! - [`qualification`]: 資格確認 results the terminal writes after reception.

pub mod calls;
pub mod masters;
pub mod message;
pub mod operations;
pub mod prescription;
pub mod qualification;

pub use message::{CheckResult, Element, Request, Response, Segment, Status, write_message};
pub use operations::{Operation, Operations};

/// Why a message or the operation table could not be used. `Display` is the
/// Japanese message shown to staff.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EpsError {
    /// The answer is not well-formed XML of the expected shape.
    #[error("資格確認端末の応答を読めません: {0}")]
    Malformed(String),
    /// The answer ends before its last element closes: written only in part
    /// (perhaps still being written).
    #[error(
        "資格確認端末の応答を読めません: 途中で終わっています（書き込み途中の可能性があります）"
    )]
    Incomplete,
    /// The answer is neither UTF-8 nor Shift_JIS.
    #[error("資格確認端末の応答の文字コードを読めません（UTF-8 でも Shift_JIS でもありません）。")]
    Encoding,
    /// The operation table could not be read.
    #[error("操作表を読めません: {0}")]
    Table(String),
    /// The operation's file name is not known (vendor-only).
    #[error(
        "「{0}」のファイル名が確認できていないため送信できません。ベンダーの仕様書に基づいて操作表（operations.toml）に記入してください。"
    )]
    UnknownName(String),
}
