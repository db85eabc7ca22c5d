//! A problem found in a prescription: where (line, record, field) and what,
//! in Japanese for the doctor.

use std::fmt;

use serde::Serialize;

use super::layout;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Readable, but not as the standard writes it.
    Warning,
    /// The prescription must not be sent like this.
    Error,
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The line (1 = the version line; 0 = not tied to a line).
    pub line: usize,
    /// The record number, when tied to one.
    pub record: Option<u16>,
    /// The field's name, when tied to one.
    pub field: Option<&'static str>,
    /// What is wrong, in Japanese.
    pub message: String,
}

impl Problem {
    /// An error.
    pub fn error(
        line: usize,
        record: Option<u16>,
        field: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            line,
            record,
            field,
            message: message.into(),
        }
    }

    /// A warning.
    pub fn warning(
        line: usize,
        record: Option<u16>,
        field: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            line,
            record,
            field,
            message: message.into(),
        }
    }

    /// Whether this is an error (not just a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            write!(f, "注意: ")?;
        }
        if self.line > 0 {
            write!(f, "{}行目 ", self.line)?;
        }
        if let Some(no) = self.record {
            let name = layout::spec(no).map(|s| s.name).unwrap_or("レコード");
            write!(f, "{no} {name}")?;
            if let Some(field) = self.field {
                write!(f, "「{field}」")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}
