//! The demo's dispensings written as JAHIS お薬手帳 text (JAHISTC08), one
//! file per dispensing as a receipt computer writes them, so they enter the
//! store through the same gate as real files.

use chrono::{Datelike, Duration, NaiveDate};

use super::catalog::{
    AMOXICILLIN, CHILD_COUGH_POWDER, CHILD_FEVER_PRN, FAMILY, Facility, Form, HOME, HOSPITAL,
    KAKKONTO, LOXOPROFEN_TAPE, ORTHO, OTHER_PHARMACY, Person, Regimen, Story,
};

/// One dispensing of the demo.
#[derive(Debug, Clone)]
pub struct Visit {
    /// 調剤日.
    pub date: NaiveDate,
    /// Where it was dispensed.
    pub pharmacy: Facility,
    /// Who prescribed it.
    pub prescriber: Facility,
    /// 医師名 and 診療科.
    pub doctor: (&'static str, &'static str),
    /// The RPs.
    pub regimens: Vec<Regimen>,
    /// 処方服薬注意 (record 401), if any.
    pub note: Option<&'static str>,
}

/// The patient's birth date `today`.
pub fn birth_date(person: &Person, today: NaiveDate) -> NaiveDate {
    let year = today.year() - i32::try_from(person.age).unwrap_or(0);
    let same_day = today.with_year(year).unwrap_or(today);
    same_day - Duration::days(i64::from(person.birth_days))
}

/// Every dispensing of `person`, oldest first, as of `today`. `index` spreads
/// the regular patients' days over the 28-day cycle.
pub fn visits(person: &Person, index: usize, today: NaiveDate) -> Vec<Visit> {
    let at_counter_today = person.today.is_some();
    let days_ago = |d: i64| today - Duration::days(d);
    let offset = if at_counter_today {
        0
    } else {
        i64::try_from(index % 5).unwrap_or(0) * 4 + 3
    };
    let mut out = Vec::new();
    match person.story {
        Story::LongTerm(regimens) => {
            for cycle in (0..26).rev() {
                let date = days_ago(offset + cycle * 28);
                out.push(Visit {
                    date,
                    pharmacy: HOME,
                    prescriber: HOSPITAL,
                    doctor: ("工藤 誠一", "内科"),
                    regimens: regimens.to_vec(),
                    note: (cycle % 6 == 0).then_some("血圧手帳を次回お持ちください"),
                });
                // Every third cycle the knee is seen elsewhere, and dispensed at
                // another pharmacy (it reaches us through the notebook).
                if cycle % 3 == 1 {
                    out.push(Visit {
                        date: date + Duration::days(9),
                        pharmacy: OTHER_PHARMACY,
                        prescriber: ORTHO,
                        doctor: ("緑川 亮", "整形外科"),
                        regimens: vec![LOXOPROFEN_TAPE],
                        note: None,
                    });
                }
            }
        }
        Story::Occasional(regimens) => {
            let last = if at_counter_today { 0 } else { 30 + offset };
            for d in [700, 420, 150, last] {
                out.push(Visit {
                    date: days_ago(d),
                    pharmacy: HOME,
                    prescriber: if d == 420 { ORTHO } else { FAMILY },
                    doctor: if d == 420 {
                        ("緑川 亮", "整形外科")
                    } else {
                        ("青葉 さおり", "皮膚科")
                    },
                    regimens: regimens.to_vec(),
                    note: None,
                });
            }
        }
        Story::Child => {
            let last = if at_counter_today { 0 } else { 12 + offset };
            for d in [500, 300, 90, last] {
                out.push(Visit {
                    date: days_ago(d),
                    pharmacy: HOME,
                    prescriber: FAMILY,
                    doctor: ("青葉 さおり", "小児科"),
                    regimens: vec![CHILD_COUGH_POWDER, CHILD_FEVER_PRN],
                    note: Some("体重 16kg で計算しています"),
                });
            }
        }
        Story::NotebookOnly => {
            for d in [380, 60] {
                out.push(Visit {
                    date: days_ago(d),
                    pharmacy: OTHER_PHARMACY,
                    prescriber: FAMILY,
                    doctor: ("青葉 さおり", "皮膚科"),
                    regimens: vec![AMOXICILLIN, KAKKONTO],
                    note: None,
                });
            }
        }
        Story::Unlinked { .. } => {
            for d in [35, 0] {
                out.push(Visit {
                    date: days_ago(d),
                    pharmacy: HOME,
                    prescriber: HOSPITAL,
                    doctor: ("工藤 誠一", "内科"),
                    regimens: vec![super::catalog::AMLODIPINE, super::catalog::ROSUVASTATIN],
                    note: None,
                });
            }
        }
    }
    out
}

/// The patient record (1), with `name` as the writer of the file spells it.
fn patient_line(person: &Person, name: &str, today: NaiveDate) -> String {
    format!(
        "1,{name},{},{},,,,,,,{}",
        person.sex,
        birth_date(person, today).format("%Y%m%d"),
        person.kana
    )
}

/// One dispensing as a JAHIS file's text (CRLF, as receipt computers write).
pub fn dispensing_file(person: &Person, name: &str, visit: &Visit, today: NaiveDate) -> String {
    let mut lines = vec!["JAHISTC08,1".to_string(), patient_line(person, name, today)];
    push_dispensing(&mut lines, visit);
    lines.join("\r\n") + "\r\n"
}

fn push_dispensing(lines: &mut Vec<String>, visit: &Visit) {
    let f = |x: &Facility| format!("{},{},{},{}", x.name, x.prefecture, x.table, x.code);
    lines.push(format!("5,{},1", visit.date.format("%Y%m%d")));
    lines.push(format!("11,{},,,,1", f(&visit.pharmacy)));
    let pharmacist = if visit.pharmacy.code == HOME.code {
        "薬局 花子"
    } else {
        "桜井 学"
    };
    lines.push(format!("15,{pharmacist},,1"));
    lines.push(format!("51,{},1", f(&visit.prescriber)));
    lines.push(format!("55,{},{},1", visit.doctor.0, visit.doctor.1));
    for (i, regimen) in visit.regimens.iter().enumerate() {
        let rp = i + 1;
        for drug in regimen.drugs {
            lines.push(format!(
                "201,{rp},{},{},{},1,,1",
                drug.name, drug.amount, drug.unit
            ));
            if let Some(caution) = drug.caution {
                lines.push(format!("291,{rp},{caution},1"));
            }
        }
        let (quantity, unit) = match regimen.form {
            Form::Oral => (regimen.quantity, "日分"),
            Form::AsNeeded => (regimen.quantity, "回分"),
            Form::External => (1, "調剤"),
        };
        lines.push(format!(
            "301,{rp},{},{quantity},{unit},{},1,,1",
            regimen.usage,
            regimen.form.code()
        ));
    }
    if let Some(note) = visit.note {
        lines.push(format!("401,{note},1"));
    }
}

/// The patient's notebook from elsewhere: other pharmacies' dispensings and
/// 市販薬 (record 3), as 取込 takes it.
pub fn notebook_file(
    person: &Person,
    visits: &[&Visit],
    otc: &[(&str, NaiveDate)],
    today: NaiveDate,
) -> String {
    let mut lines = vec![
        "JAHISTC08,1".to_string(),
        patient_line(person, person.name, today),
    ];
    for (name, from) in otc {
        let to = *from + Duration::days(6);
        lines.push(format!(
            "3,{name},{},{},2",
            from.format("%Y%m%d"),
            to.format("%Y%m%d")
        ));
    }
    for visit in visits {
        push_dispensing(&mut lines, visit);
    }
    lines.join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::catalog::PEOPLE;
    use okusuri_domain::gate::Gate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default()
    }

    #[test]
    fn every_demo_file_passes_the_gate_without_a_warning() {
        let gate = Gate::new(today(), 2 * 1024 * 1024);
        let mut files = 0;
        for (i, person) in PEOPLE.iter().enumerate() {
            for visit in visits(person, i, today()) {
                let text = dispensing_file(person, person.name, &visit, today());
                let admitted = gate
                    .file(text.as_bytes())
                    .unwrap_or_else(|refused| panic!("{} refused: {refused}\n{text}", person.name));
                for d in 0..admitted.dispensings.len() {
                    assert!(
                        admitted.dispensing_warnings(d).is_none(),
                        "{}: {:?}\n{text}",
                        person.name,
                        admitted.dispensing_warnings(d)
                    );
                }
                files += 1;
            }
        }
        assert!(
            files > 300,
            "two years of a working pharmacy: {files} files"
        );
    }

    #[test]
    fn long_term_patients_have_two_years_and_are_still_taking() {
        let (i, person) = PEOPLE
            .iter()
            .enumerate()
            .find(|(_, p)| matches!(p.story, Story::LongTerm(_)) && p.today.is_none())
            .unwrap_or_else(|| panic!("a long-term patient"));
        let all = visits(person, i, today());
        let first = all.first().map(|v| v.date).unwrap_or_default();
        let last = all.iter().map(|v| v.date).max().unwrap_or_default();
        assert!(today() - first >= Duration::days(690), "{first}");
        assert!(today() - last < Duration::days(28), "{last}");
    }

    #[test]
    fn birth_dates_give_the_stated_age() {
        let person = PEOPLE[0];
        let born = birth_date(&person, today());
        let age = today().years_since(born).unwrap_or(0);
        assert_eq!(age, person.age);
    }
}
