//! Problems found in a document: where, how bad, a stable code, and the
//! Japanese message shown to staff.

use serde::{Deserialize, Serialize};

/// How bad an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Data was lost or cannot be trusted (unreadable bytes, orphan records).
    Error,
    /// The spec is not followed but the data is usable (lenient mode only;
    /// strict mode reports every issue as an error).
    Warning,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// 1-based line number (0 for the whole document).
    pub line: usize,
    /// The record number, when the issue is about a record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The field's 1-based position after the record number, when about a field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<usize>,
    /// The index in [`crate::Document::dispensings`] of the dispensing the
    /// issue is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispensing: Option<usize>,
    /// How bad.
    pub severity: Severity,
    /// A stable code, e.g. `drug.code_missing` (listed in the crate docs).
    pub code: String,
    /// What is wrong, in Japanese.
    pub message: String,
}
