//! The labels the screens show for patients and days: 性別, 生年月日 (年齢),
//! and the patient list's day headings.

use chrono::{Datelike, NaiveDate, Weekday};

/// The Japanese label of an ISO 5218 sex code.
pub fn sex_label(code: i64) -> &'static str {
    match code {
        1 => "男性",
        2 => "女性",
        _ => "不明",
    }
}

/// Full years from `birth` to `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// `1990年01月01日 (31歳)` as of `today`; `不明` without a valid date.
pub fn birth_label(birth: Option<&str>, today: NaiveDate) -> String {
    match birth.and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()) {
        Some(date) => format!(
            "{}年{:02}月{:02}日 ({}歳)",
            date.year(),
            date.month(),
            date.day(),
            age_on(date, today)
        ),
        None => "不明".to_string(),
    }
}

/// `本日` for today, else `7月3日 (木)`.
pub fn day_label(date: NaiveDate, today: NaiveDate) -> String {
    if date == today {
        return "本日".to_string();
    }
    let weekday = match date.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    };
    format!("{}月{}日 ({weekday})", date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d("1990-01-01"), d("2021-07-05")), 31);
        assert_eq!(age_on(d("1990-07-05"), d("2021-07-04")), 30);
        assert_eq!(age_on(d("1990-07-05"), d("2021-07-05")), 31);
        // Born on 29 February: a year older on 1 March of a common year.
        assert_eq!(age_on(d("2000-02-29"), d("2021-02-28")), 20);
        assert_eq!(age_on(d("2000-02-29"), d("2021-03-01")), 21);
    }

    #[test]
    fn labels_match_the_seed_list() {
        let today = d("2021-07-05");
        assert_eq!(
            birth_label(Some("1990-01-01"), today),
            "1990年01月01日 (31歳)"
        );
        assert_eq!(birth_label(None, today), "不明");
        assert_eq!(birth_label(Some("1990-13-01"), today), "不明");
        assert_eq!(day_label(today, today), "本日");
        assert_eq!(day_label(d("2025-07-03"), today), "7月3日 (木)");
        assert_eq!(day_label(d("2025-07-02"), today), "7月2日 (水)");
        assert_eq!(sex_label(1), "男性");
        assert_eq!(sex_label(2), "女性");
        assert_eq!(sex_label(0), "不明");
        assert_eq!(sex_label(9), "不明");
    }
}

/// カナ氏名 as shown: half-width katakana from a receipt computer's file
/// (`ｽｽﾞｷ ﾀﾛｳ`) as full-width (`スズキ タロウ`), hiragana as katakana, runs of
/// spaces (full- or half-width) as one space.
pub fn kana_label(kana: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let katakana: String = kana
        .nfkc()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
            c => c,
        })
        .collect();
    katakana.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod kana_tests {
    use super::kana_label;

    #[test]
    fn half_width_and_hiragana_kana_are_shown_full_width_katakana() {
        assert_eq!(kana_label("ｽｽﾞｷ ﾀﾛｳ"), "スズキ タロウ");
        assert_eq!(kana_label("ﾊﾟｰｸ　 ｼﾞｮｳ"), "パーク ジョウ");
        assert_eq!(kana_label("すずき たろう"), "スズキ タロウ");
        assert_eq!(kana_label("ヤマダ タロウ"), "ヤマダ タロウ");
        assert_eq!(kana_label(""), "");
    }
}
