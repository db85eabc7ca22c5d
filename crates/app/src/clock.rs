//! Now, today and yesterday in the facility's local time; a fixed clock for
//! tests. Rules such as 服薬期間中 / 残量 are computed "as of yesterday".

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Utc};

/// The time source of the use cases.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// The facility's offset from UTC at `now`.
    fn offset(&self) -> FixedOffset;

    /// The facility's local date and time now.
    fn local_now(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&self.offset())
    }

    /// Today in the facility.
    fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }

    /// Yesterday in the facility (what 服薬期間中 and 残量 are computed for).
    fn yesterday(&self) -> NaiveDate {
        self.today().pred_opt().unwrap_or(NaiveDate::MIN)
    }
}

/// This PC's clock and time zone.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn offset(&self) -> FixedOffset {
        *Local::now().offset()
    }
}

/// Japan Standard Time, UTC+09:00.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+09:00 is a valid offset"),
};

/// A clock that always says the same time (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock {
    /// The instant it says.
    pub now: DateTime<Utc>,
    /// The facility's offset (JST is +09:00).
    pub offset: FixedOffset,
}

impl FixedClock {
    /// A clock fixed at `now`, in Japan Standard Time.
    pub fn jst(now: DateTime<Utc>) -> FixedClock {
        FixedClock { now, offset: JST }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn offset(&self) -> FixedOffset {
        self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_and_yesterday_are_the_facilitys_not_utcs() {
        // 2026-12-03 20:30 UTC is 2026-12-04 05:30 in Japan.
        let clock = FixedClock::jst(Utc.with_ymd_and_hms(2026, 12, 3, 20, 30, 0).unwrap());
        assert_eq!(clock.today().to_string(), "2026-12-04");
        assert_eq!(clock.yesterday().to_string(), "2026-12-03");
        assert_eq!(clock.local_now().format("%H:%M").to_string(), "05:30");
    }
}
