//! A copy of the access log's signed head in the Windows event log (issue 16
//! §7), beside `backups/audit-head.json`: clearing the Application log needs
//! an administrator and is itself logged by Windows (event 1102), so deleting
//! the newest access-log rows *and* the head file still leaves a trace.
//!
//! The event source is `OkusuriDesk` (the MSI registers it with .NET's
//! generic message file, so Event Viewer shows the text as it is). Elsewhere
//! this does nothing. Failing to write is logged, never fatal.

/// The event source name.
pub const SOURCE: &str = "OkusuriDesk";

/// The event text for a head: the row's ID, its hash and the head's MAC
/// (no patient data: a number and two hex strings).
pub fn head_text(id: i64, hash: &str, mac: &str) -> String {
    format!("okusuri audit head id={id} hash={hash} mac={mac}")
}

/// Writes the head to the Windows Application log.
#[cfg(windows)]
pub(crate) fn record_head(id: i64, hash: &str, mac: &str) {
    use winsafe::{HEVENTLOG, co};
    let text = head_text(id, hash, mac);
    let written = HEVENTLOG::RegisterEventSource(None, SOURCE)
        .and_then(|log| log.ReportEvent(co::EVENTLOG::INFORMATION_TYPE, 0, 1, None, &[text], &[]));
    if let Err(e) = written {
        tracing::warn!("audit head not written to the Windows event log: {e}");
    }
}

/// No event log on this platform.
#[cfg(not(windows))]
pub(crate) fn record_head(_id: i64, _hash: &str, _mac: &str) {}

#[cfg(test)]
mod tests {
    #[test]
    fn the_event_text_carries_the_head_and_nothing_else() {
        assert_eq!(
            super::head_text(42, "ab12", "cd34"),
            "okusuri audit head id=42 hash=ab12 mac=cd34"
        );
    }
}
