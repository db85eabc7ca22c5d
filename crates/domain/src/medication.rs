//! The pharmacist's rules for a drug line: its usage line (用法・用量), the
//! 服薬期間中 mark, the 残量(目安) estimate, and the text copied for the 薬歴
//! system (P5). Pure functions; the history query fills them in.
//!
//! # Usage line, by 剤形 (JAHIS 301 剤形 and 201 用量)
//! | 剤形 | meaning of 用量 / 調剤数量 | usage line |
//! |---|---|---|
//! | 1 内服, 6 浸煎, 7 湯 | daily dose / days (日分) | `1日1錠 30日分` |
//! | 3 屯服 | one dose / times (回分) | `1回1錠 10回分` |
//! | 2 内滴, 4 注射, 5 外用, 9 材料, 10 その他 | total amount / 1 調剤 | `10g` |
//!
//! A missing 用量 leaves out the amount (`30日分`); an unknown 剤形 gives the
//! amount and the quantity as written (`2錠 1調剤`).
//!
//! # 服薬期間中 and 残量(目安)
//! Only for 内服 (剤形 1) counted in 日分, with a dispensing date, a whole
//! number of days, a numeric 用量 and a tablet/capsule unit (錠, カプセル, C,
//! T, CP, 丸 after NFKC): everything else shows "—", never a guess.
//! Taken as directed from the dispensing day (day 1) for 調剤数量 days, the
//! last day is `dispensed + days − 1`. As of a day D (the app uses
//! yesterday): days left = last day − D, at most 調剤数量; the drug is
//! 服薬期間中 when days left > 0; 残量 = days left × daily 用量, in its unit,
//! shown only while days are left (a finished course shows nothing).

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

/// 剤形 1 内服.
pub const FORM_INTERNAL: i64 = 1;
/// 剤形 3 屯服.
pub const FORM_AS_NEEDED: i64 = 3;

/// The usage line of a drug (see the module docs).
pub fn usage_line(
    form: Option<i64>,
    dose: Option<&str>,
    unit: Option<&str>,
    quantity: Option<i64>,
    usage_unit: Option<&str>,
) -> String {
    let amount = dose
        .map(|d| format!("{d}{}", unit.unwrap_or_default()))
        .unwrap_or_default();
    let quantity_text = quantity
        .map(|q| format!("{q}{}", usage_unit.unwrap_or_default()))
        .unwrap_or_default();
    let join = |a: String, b: String| {
        [a, b]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match form {
        Some(1 | 6 | 7) => join(
            if amount.is_empty() {
                amount
            } else {
                format!("1日{amount}")
            },
            quantity_text,
        ),
        Some(FORM_AS_NEEDED) => join(
            if amount.is_empty() {
                amount
            } else {
                format!("1回{amount}")
            },
            quantity_text,
        ),
        Some(2 | 4 | 5 | 9 | 10) => amount,
        _ => join(amount, quantity_text),
    }
}

/// True for the units of tablets and capsules (compared after NFKC).
pub fn is_tablet_or_capsule(unit: &str) -> bool {
    let unit: String = unit.nfkc().collect();
    matches!(
        unit.trim(),
        "錠" | "カプセル" | "C" | "T" | "CP" | "Cap" | "cap" | "丸"
    )
}

/// What a drug line says about still taking it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Supply {
    /// 服薬期間中.
    pub taking: bool,
    /// 残量(目安), e.g. `6錠`; `None` shows "—".
    pub remaining: Option<String>,
}

/// The 服薬期間中 mark and 残量(目安) as of `as_of` (see the module docs).
pub fn supply(
    form: Option<i64>,
    usage_unit: Option<&str>,
    quantity: Option<i64>,
    dispensed_on: Option<NaiveDate>,
    dose: Option<&str>,
    unit: Option<&str>,
    as_of: NaiveDate,
) -> Supply {
    let none = Supply {
        taking: false,
        remaining: None,
    };
    let (Some(FORM_INTERNAL), Some("日分"), Some(days), Some(start), Some(dose), Some(unit)) = (
        form,
        usage_unit.map(str::trim),
        quantity,
        dispensed_on,
        dose,
        unit,
    ) else {
        return none;
    };
    if days <= 0 || !is_tablet_or_capsule(unit) {
        return none;
    }
    let Ok(daily) = dose.trim().parse::<f64>() else {
        return none;
    };
    // A receipt computer can send any number: an absurd one must not panic
    // the history (checked arithmetic; beyond the calendar nothing is shown).
    let Some(last) = chrono::Duration::try_days(days - 1).and_then(|d| start.checked_add_signed(d))
    else {
        return none;
    };
    let left = (last - as_of).num_days().clamp(0, days);
    let amount = daily * left as f64;
    let amount = if amount.fract() == 0.0 {
        format!("{amount:.0}")
    } else {
        format!("{amount:.1}")
    };
    // Nothing left is shown as nothing, not "0錠": the course is over.
    Supply {
        taking: left > 0,
        remaining: (left > 0).then(|| format!("{amount}{unit}")),
    }
}

/// `2023年4月25日` for `2023-04-25`.
pub fn date_label(iso: &str) -> Option<String> {
    let d = NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()?;
    Some(format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}

/// The text the コピー button puts on the clipboard (P5): the 処方日 line, then
/// for each drug its name and its usage line, one line each.
pub fn copy_text<'a>(
    dispensed_on: Option<&str>,
    drugs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let date = dispensed_on
        .and_then(date_label)
        .unwrap_or_else(|| "不明".into());
    let mut lines = vec![format!("処方日：{date}")];
    for (name, usage) in drugs {
        lines.push(name.to_string());
        lines.push(usage.to_string());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn usage_lines_by_form() {
        assert_eq!(
            usage_line(Some(1), Some("1"), Some("錠"), Some(30), Some("日分")),
            "1日1錠 30日分"
        );
        assert_eq!(
            usage_line(Some(3), Some("1"), Some("錠"), Some(10), Some("回分")),
            "1回1錠 10回分"
        );
        assert_eq!(
            usage_line(Some(5), Some("10"), Some("g"), Some(1), Some("調剤")),
            "10g"
        );
        assert_eq!(
            usage_line(Some(4), Some("2"), Some("筒"), Some(1), Some("調剤")),
            "2筒"
        );
        assert_eq!(
            usage_line(Some(1), None, None, Some(30), Some("日分")),
            "30日分"
        );
        assert_eq!(
            usage_line(None, Some("2"), Some("錠"), Some(1), Some("調剤")),
            "2錠 1調剤"
        );
    }

    #[test]
    fn copy_text_has_the_exact_shape() {
        let text = copy_text(Some("2023-04-25"), [("アレグラ錠 60mg", "1日1錠 30日分")]);
        assert_eq!(
            text,
            "処方日：2023年4月25日\nアレグラ錠 60mg\n1日1錠 30日分"
        );
    }

    #[test]
    fn supply_counts_days_left_after_the_as_of_day() {
        let s = |as_of: &str| {
            supply(
                Some(1),
                Some("日分"),
                Some(5),
                Some(d("2025-07-01")),
                Some("2"),
                Some("錠"),
                d(as_of),
            )
        };
        // Days 1–5 are 7/1–7/5.
        assert_eq!(
            s("2025-06-30"),
            Supply {
                taking: true,
                remaining: Some("10錠".into())
            }
        );
        assert_eq!(
            s("2025-07-01"),
            Supply {
                taking: true,
                remaining: Some("8錠".into())
            }
        );
        assert_eq!(
            s("2025-07-04"),
            Supply {
                taking: true,
                remaining: Some("2錠".into())
            }
        );
        assert_eq!(
            s("2025-07-05"),
            Supply {
                taking: false,
                remaining: None
            }
        );
        assert_eq!(
            s("2025-08-01"),
            Supply {
                taking: false,
                remaining: None
            }
        );
        // Half tablets and full-width units.
        let half = supply(
            Some(1),
            Some("日分"),
            Some(4),
            Some(d("2025-07-01")),
            Some("1.5"),
            Some("Ｃ"),
            d("2025-07-02"),
        );
        assert_eq!(
            half,
            Supply {
                taking: true,
                remaining: Some("3Ｃ".into())
            }
        );
        let last_half = supply(
            Some(1),
            Some("日分"),
            Some(4),
            Some(d("2025-07-01")),
            Some("1.5"),
            Some("Ｃ"),
            d("2025-07-03"),
        );
        assert_eq!(last_half.remaining.as_deref(), Some("1.5Ｃ"));
    }

    #[test]
    fn no_estimate_where_the_data_does_not_allow_one() {
        let dash = Supply {
            taking: false,
            remaining: None,
        };
        let day = Some(d("2025-07-01"));
        let as_of = d("2025-07-02");
        assert_eq!(
            supply(
                Some(1),
                Some("日分"),
                Some(5),
                day,
                Some("1.5"),
                Some("g"),
                as_of
            ),
            dash,
            "powder"
        );
        assert_eq!(
            supply(
                Some(3),
                Some("回分"),
                Some(10),
                day,
                Some("1"),
                Some("錠"),
                as_of
            ),
            dash,
            "屯服"
        );
        assert_eq!(
            supply(
                Some(5),
                Some("調剤"),
                Some(1),
                day,
                Some("10"),
                Some("g"),
                as_of
            ),
            dash,
            "外用"
        );
        assert_eq!(
            supply(
                Some(1),
                Some("日分"),
                Some(5),
                None,
                Some("1"),
                Some("錠"),
                as_of
            ),
            dash,
            "no date"
        );
        assert_eq!(
            supply(
                Some(1),
                Some("日分"),
                Some(5),
                day,
                Some("適量"),
                Some("錠"),
                as_of
            ),
            dash,
            "no number"
        );
        assert_eq!(
            supply(
                Some(1),
                Some("日分"),
                Some(0),
                day,
                Some("1"),
                Some("錠"),
                as_of
            ),
            dash,
            "no days"
        );
    }

    #[test]
    fn an_absurd_quantity_shows_nothing_instead_of_panicking() {
        let day = Some(d("2026-03-12"));
        let as_of = d("2026-11-30");
        for days in [i64::MAX, i64::MAX / 86_400, 3_000_000_000_000] {
            let s = supply(
                Some(1),
                Some("日分"),
                Some(days),
                day,
                Some("1"),
                Some("錠"),
                as_of,
            );
            assert_eq!(
                s,
                Supply {
                    taking: false,
                    remaining: None
                },
                "{days}"
            );
        }
        // Large but within the calendar still counts.
        let s = supply(
            Some(1),
            Some("日分"),
            Some(36_500),
            day,
            Some("1"),
            Some("錠"),
            as_of,
        );
        assert!(s.taking);
    }
}
