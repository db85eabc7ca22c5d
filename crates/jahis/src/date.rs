//! JAHIS dates: `YYYYMMDD` or era form `GYYMMDD` (M 明治, T 大正, S 昭和,
//! H 平成, R 令和).

use chrono::NaiveDate;

/// The first Gregorian year of each era (元年).
fn era_base(era: char) -> Option<i32> {
    match era {
        'M' => Some(1868),
        'T' => Some(1912),
        'S' => Some(1926),
        'H' => Some(1989),
        'R' => Some(2019),
        _ => None,
    }
}

/// Parses a JAHIS date; `None` when it is neither form or not a real day.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let num = |s: &str| s.parse::<u32>().ok();
    match b.len() {
        8 if digits(b) => {
            let y = num(&text[0..4])?;
            NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, num(&text[4..6])?, num(&text[6..8])?)
        }
        7 if digits(&b[1..]) => {
            let base = era_base(char::from(b[0]))?;
            let yy = i32::try_from(num(&text[1..3])?).ok()?;
            if yy == 0 {
                return None;
            }
            NaiveDate::from_ymd_opt(base + yy - 1, num(&text[3..5])?, num(&text[5..7])?)
        }
        _ => None,
    }
}

/// The ISO form of a JAHIS date, if it is one.
pub fn to_iso(text: &str) -> Option<String> {
    parse(text).map(|d| d.format("%Y-%m-%d").to_string())
}

/// The JAHIS `YYYYMMDD` form of an ISO date, if it is one.
pub fn from_iso(iso: &str) -> Option<String> {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y%m%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms() {
        assert_eq!(to_iso("19580303").as_deref(), Some("1958-03-03"));
        assert_eq!(to_iso("S330303").as_deref(), Some("1958-03-03"));
        assert_eq!(to_iso("R020410").as_deref(), Some("2020-04-10"));
        assert_eq!(to_iso("R010501").as_deref(), Some("2019-05-01"));
        assert_eq!(to_iso("H310430").as_deref(), Some("2019-04-30"));
        assert_eq!(to_iso("T150101").as_deref(), Some("1926-01-01"));
        assert_eq!(to_iso("M450729").as_deref(), Some("1912-07-29"));
        assert_eq!(to_iso("20260229"), None, "not a leap year");
        assert_eq!(to_iso("X020410"), None);
        assert_eq!(to_iso("R000410"), None);
        assert_eq!(to_iso("2026031"), None);
        assert_eq!(to_iso(""), None);
        assert_eq!(from_iso("2020-04-10").as_deref(), Some("20200410"));
    }
}
