//! The お薬履歴 view and its one builder. Whatever the source — dispensings
//! stored in the database, or another pharmacy's notebook read from a QR code
//! — it is first put as [`DispensingFacts`] and then [`build`] turns it into
//! the [`HistoryDispensing`] the screen draws: the same 用法 line, 服薬期間中,
//! 残量(目安), doctor label and コピー text for both.

use chrono::NaiveDate;
use serde::Serialize;

use crate::medication::{self, Supply};

/// A dispensing as the history screen shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HistoryDispensing {
    /// Its ID (negative for a notebook that is not stored).
    pub id: i64,
    /// ISO date, `None` when unknown.
    pub date: Option<String>,
    /// `2023年4月25日`, or `日付不明`.
    pub date_label: String,
    /// Where it was dispensed.
    pub place: Option<String>,
    /// True when dispensed at this facility.
    pub this_facility: bool,
    /// The prescribing institution.
    pub prescriber: Option<String>,
    /// The pharmacist.
    pub pharmacist: Option<String>,
    /// Its RPs.
    pub rps: Vec<HistoryRp>,
    /// 401 服用注意, 411 提供情報, 421 残薬確認, 501 備考, 601 患者等記入.
    pub notes: Vec<Note>,
    /// What コピー puts on the clipboard for the whole prescription (P5).
    pub copy_text: String,
    /// What the import gate warned about in its data (shown as ⚠).
    pub warnings: Vec<String>,
}

/// An RP.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HistoryRp {
    /// RP番号.
    pub rp_no: Option<i64>,
    /// The prescribing doctor and department: `山田 一郎（内科）`.
    pub doctor: Option<String>,
    /// 用法名称.
    pub usage_name: Option<String>,
    /// 剤形.
    pub form: Option<i64>,
    /// Its drugs.
    pub drugs: Vec<HistoryDrug>,
    /// 311 用法の補足 and 391 処方服薬注意.
    pub notes: Vec<Note>,
}

/// A drug line.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HistoryDrug {
    /// Its ID (negative for a notebook that is not stored).
    pub id: i64,
    /// 薬品名称.
    pub name: String,
    /// 用法・用量 (see [`medication::usage_line`]).
    pub usage_line: String,
    /// 服薬期間中 and 残量(目安).
    #[serde(flatten)]
    pub supply: Supply,
    /// 281 補足 and 291 服薬注意.
    pub notes: Vec<Note>,
    /// What コピー puts on the clipboard for this drug alone (P5).
    pub copy_text: String,
}

/// A note with the record it came from and its Japanese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Note {
    /// The JAHIS record number.
    pub record: i64,
    /// 補足, 服薬注意, 用法の補足, 処方服薬注意, 服用注意, 提供情報, 残薬確認, 備考, 患者等記入.
    pub label: &'static str,
    /// The text.
    pub text: String,
}

/// A note of JAHIS record `record` with its label.
pub fn note(record: i64, text: String) -> Note {
    let label = match record {
        281 => "補足",
        291 => "服薬注意",
        311 => "用法の補足",
        391 => "処方服薬注意",
        401 => "服用注意",
        411 => "提供情報",
        421 => "残薬確認",
        501 => "備考",
        _ => "患者等記入",
    };
    Note {
        record,
        label,
        text,
    }
}

/// The facts of a dispensing, from wherever they come.
#[derive(Debug, Clone, Default)]
pub struct DispensingFacts {
    /// Its ID.
    pub id: i64,
    /// ISO date, `None` when unknown.
    pub date: Option<String>,
    /// Where it was dispensed.
    pub place: Option<String>,
    /// True when dispensed at this facility.
    pub this_facility: bool,
    /// The prescribing institution.
    pub prescriber: Option<String>,
    /// The pharmacist.
    pub pharmacist: Option<String>,
    /// Its RPs, in order.
    pub rps: Vec<RpFacts>,
    /// Its notes (401, 411, 421, 501, 601).
    pub notes: Vec<Note>,
    /// The import gate's warnings about it, one per line.
    pub warnings: Option<String>,
}

/// The facts of an RP.
#[derive(Debug, Clone, Default)]
pub struct RpFacts {
    /// The source's identity of the RP (groups a query's lines; not shown).
    pub key: i64,
    /// RP番号.
    pub rp_no: Option<i64>,
    /// The doctor's name (record 55).
    pub doctor_name: Option<String>,
    /// The doctor's department (record 55).
    pub doctor_department: Option<String>,
    /// 用法名称.
    pub usage_name: Option<String>,
    /// 調剤数量.
    pub quantity: Option<i64>,
    /// 調剤単位 (日分, 回分, 調剤).
    pub usage_unit: Option<String>,
    /// 剤形.
    pub form: Option<i64>,
    /// Its drugs, in order.
    pub drugs: Vec<DrugFacts>,
    /// Its notes (311, 391).
    pub notes: Vec<Note>,
}

/// The facts of a drug line.
#[derive(Debug, Clone, Default)]
pub struct DrugFacts {
    /// Its ID.
    pub id: i64,
    /// 薬品名称.
    pub name: String,
    /// 用量.
    pub dose: Option<String>,
    /// 単位名.
    pub unit: Option<String>,
    /// Its notes (281, 291).
    pub notes: Vec<Note>,
}

/// The one builder: the view of a dispensing, with 服薬期間中 / 残量 as of `as_of`.
pub fn build(facts: DispensingFacts, as_of: NaiveDate) -> HistoryDispensing {
    let dispensed_on = facts
        .date
        .as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let date = facts.date;
    let rps: Vec<HistoryRp> = facts
        .rps
        .into_iter()
        .map(|rp| {
            let usage_unit = rp.usage_unit.as_deref();
            let drugs = rp
                .drugs
                .into_iter()
                .map(|g| {
                    let usage_line = medication::usage_line(
                        rp.form,
                        g.dose.as_deref(),
                        g.unit.as_deref(),
                        rp.quantity,
                        usage_unit,
                    );
                    HistoryDrug {
                        id: g.id,
                        copy_text: medication::copy_text(
                            date.as_deref(),
                            [(g.name.as_str(), usage_line.as_str())],
                        ),
                        supply: medication::supply(
                            rp.form,
                            usage_unit,
                            rp.quantity,
                            dispensed_on,
                            g.dose.as_deref(),
                            g.unit.as_deref(),
                            as_of,
                        ),
                        name: g.name,
                        usage_line,
                        notes: g.notes,
                    }
                })
                .collect();
            HistoryRp {
                rp_no: rp.rp_no,
                doctor: rp.doctor_name.map(|n| match rp.doctor_department {
                    Some(dept) if !dept.is_empty() => format!("{n}（{dept}）"),
                    _ => n,
                }),
                usage_name: rp.usage_name,
                form: rp.form,
                drugs,
                notes: rp.notes,
            }
        })
        .collect();
    let lines = rps
        .iter()
        .flat_map(|rp| &rp.drugs)
        .map(|g| (g.name.as_str(), g.usage_line.as_str()));
    let copy_text = medication::copy_text(date.as_deref(), lines);
    HistoryDispensing {
        id: facts.id,
        date_label: date
            .as_deref()
            .and_then(medication::date_label)
            .unwrap_or_else(|| "日付不明".into()),
        date,
        place: facts.place,
        this_facility: facts.this_facility,
        prescriber: facts.prescriber,
        pharmacist: facts.pharmacist,
        rps,
        notes: facts.notes,
        copy_text,
        warnings: facts
            .warnings
            .map(|w| w.lines().map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> DispensingFacts {
        DispensingFacts {
            id: 7,
            date: Some("2026-03-12".into()),
            place: Some("さくら薬局".into()),
            rps: vec![RpFacts {
                key: 1,
                rp_no: Some(1),
                doctor_name: Some("山田 一郎".into()),
                doctor_department: Some("内科".into()),
                usage_name: Some("１日３回毎食後".into()),
                quantity: Some(7),
                usage_unit: Some("日分".into()),
                form: Some(1),
                drugs: vec![DrugFacts {
                    id: 70,
                    name: "アムロジピン錠５ｍｇ".into(),
                    dose: Some("3".into()),
                    unit: Some("錠".into()),
                    notes: vec![note(291, "食後に".into())],
                }],
                notes: vec![],
            }],
            ..DispensingFacts::default()
        }
    }

    #[test]
    fn builds_the_lines_marks_and_copy_text_from_the_facts() {
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 14).unwrap_or_default();
        let d = build(facts(), as_of);
        assert_eq!(d.date_label, "2026年3月12日");
        let rp = &d.rps[0];
        assert_eq!(rp.doctor.as_deref(), Some("山田 一郎（内科）"));
        let drug = &rp.drugs[0];
        assert_eq!(drug.usage_line, "1日3錠 7日分");
        assert!(drug.supply.taking);
        assert_eq!(drug.supply.remaining.as_deref(), Some("12錠"));
        assert_eq!(drug.notes[0].label, "服薬注意");
        assert!(
            d.copy_text.contains("アムロジピン錠５ｍｇ"),
            "{}",
            d.copy_text
        );
        assert_eq!(
            drug.copy_text,
            medication::copy_text(
                Some("2026-03-12"),
                [("アムロジピン錠５ｍｇ", "1日3錠 7日分")]
            )
        );
    }

    #[test]
    fn no_date_and_no_department_are_shown_plainly() {
        let mut f = facts();
        f.date = None;
        f.rps[0].doctor_department = None;
        let d = build(f, NaiveDate::default());
        assert_eq!(d.date_label, "日付不明");
        assert_eq!(d.rps[0].doctor.as_deref(), Some("山田 一郎"));
        assert!(!d.rps[0].drugs[0].supply.taking, "no date: no mark");
    }
}
