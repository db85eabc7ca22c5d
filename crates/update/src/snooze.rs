//! 後で: the dialog does not come back for the same version for a while; a
//! newer version, or 設定 → 更新 → 今すぐ確認, offers at once.

use chrono::{DateTime, Duration, Utc};

/// How long 後で puts a version aside.
pub const SNOOZE_HOURS: i64 = 24;

/// One version put aside by 後で.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snooze {
    /// The version the user postponed.
    pub version: String,
    /// Until when the scheduled check does not offer it again.
    pub until: DateTime<Utc>,
}

impl Snooze {
    /// 後で pressed on `version` at `now`.
    pub fn new(version: &str, now: DateTime<Utc>) -> Snooze {
        Snooze {
            version: version.to_owned(),
            until: now + Duration::hours(SNOOZE_HOURS),
        }
    }
}

/// Whether a scheduled check shows the dialog for `version`.
pub fn offer_due(version: &str, snooze: Option<&Snooze>, now: DateTime<Utc>) -> bool {
    match snooze {
        Some(s) => s.version != version || now >= s.until,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snoozed_version_waits_a_day_and_a_newer_one_does_not() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = Snooze::new("0.2.0", now);
        assert!(!offer_due("0.2.0", Some(&s), now + Duration::hours(23)));
        assert!(offer_due("0.2.0", Some(&s), now + Duration::hours(24)));
        assert!(offer_due("0.2.1", Some(&s), now));
        assert!(offer_due("0.2.0", None, now));
    }
}
