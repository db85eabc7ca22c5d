//! A patient's medication history (P4): pages of dispensings, newest first,
//! with their RPs, drugs, notes and the 服薬期間中 / 残量 rules applied; OTC
//! use; and the facility's own codes that tell "this facility" from others.

use chrono::NaiveDate;
use serde::Serialize;

use okusuri_domain::history::{DispensingFacts, DrugFacts, RpFacts, build, note};
pub use okusuri_domain::history::{HistoryDispensing, HistoryDrug, HistoryRp, Note};
use okusuri_domain::medication;

use crate::{Store, StoreError};

/// Settings keys of the facility's own 医療機関等 codes.
const PREFECTURE_KEY: &str = "facility.prefecture";
const TABLE_KEY: &str = "facility.table";
const CODE_KEY: &str = "facility.code";

/// Which dispensings to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum HistoryFilter {
    /// すべての調剤薬 (OTC excluded).
    All,
    /// 他施設での調剤薬: dispensed somewhere other than this facility.
    Other,
    /// Dispensed at this facility (今回のお薬 is its newest).
    This,
}

/// This facility's 都道府県 + 点数表 + 医療機関等コード.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct FacilityCodes {
    /// 都道府県 (01–47).
    pub prefecture: String,
    /// 点数表 (4 for a pharmacy).
    pub table: String,
    /// 7-digit 医療機関等コード.
    pub code: String,
}

impl FacilityCodes {
    /// Checks the codes: 都道府県 01–47, 点数表 1 (医科), 3 (歯科) or 4 (調剤),
    /// and a 7-digit 医療機関等コード.
    pub fn check(&self) -> Result<(), SettingsError> {
        let prefecture_ok = self.prefecture.len() == 2
            && self
                .prefecture
                .parse::<u8>()
                .is_ok_and(|p| (1..=47).contains(&p));
        let table_ok = matches!(self.table.as_str(), "1" | "3" | "4");
        let code_ok = self.code.len() == 7 && self.code.bytes().all(|b| b.is_ascii_digit());
        if prefecture_ok && table_ok && code_ok {
            Ok(())
        } else {
            Err(SettingsError::InvalidCodes)
        }
    }
}

/// Why a setting was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Only administrators change settings.
    /// The facility codes are malformed.
    #[error(
        "都道府県は01～47、点数表は1（医科）・3（歯科）・4（調剤）、医療機関等コードは7桁の数字で指定してください。"
    )]
    InvalidCodes,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where the next page starts: after this dispensing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Cursor {
    /// Its date (`''` when unknown).
    pub date: String,
    /// Its ID.
    pub id: i64,
}

/// One page of history.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HistoryPage {
    /// Dispensings, newest first.
    pub dispensings: Vec<HistoryDispensing>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// An OTC use (市販薬).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OtcEntry {
    /// Its ID.
    pub id: i64,
    /// 薬品名称.
    pub name: Option<String>,
    /// 服用開始日.
    pub start_on: Option<String>,
    /// 服用終了日.
    pub end_on: Option<String>,
    /// 成分名, joined with "、".
    pub components: Option<String>,
}

struct DispensingRow {
    id: i64,
    dispensed_on: String,
    place_name: Option<String>,
    place_prefecture: Option<String>,
    place_table: Option<String>,
    place_code: Option<String>,
    pharmacist_name: Option<String>,
    prescriber_name: Option<String>,
    warnings: Option<String>,
}

struct LineRow {
    dispensing_id: i64,
    rp_id: i64,
    rp_no: Option<i64>,
    doctor_name: Option<String>,
    doctor_department: Option<String>,
    usage_name: Option<String>,
    quantity: Option<i64>,
    usage_unit: Option<String>,
    form: Option<i64>,
    drug_id: Option<i64>,
    name: Option<String>,
    dose: Option<String>,
    unit: Option<String>,
}

/// A stored note: of an RP or drug (`owner` = RP, `drug_id` set for a
/// drug's), or of a dispensing (`owner` = dispensing).
pub(crate) struct NoteRow {
    pub(crate) owner: i64,
    pub(crate) drug_id: Option<i64>,
    pub(crate) record: i64,
    pub(crate) text: String,
}

impl Store {
    /// The RP and drug notes (281/291/311/391) of the dispensings whose IDs
    /// are the JSON array `ids`, in stored order.
    pub(crate) async fn rp_notes(&self, ids: &str) -> Result<Vec<NoteRow>, StoreError> {
        sqlx::query_as!(
            NoteRow,
            r#"SELECT n.rp_id AS "owner!: i64", n.drug_id, n.record, n.text
               FROM rp_note n JOIN rp r ON r.id = n.rp_id
               WHERE r.dispensing_id IN (SELECT value FROM json_each(?))
               ORDER BY n.id"#,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }

    /// The dispensing notes (401/411/421/501/601) of the dispensings whose
    /// IDs are the JSON array `ids`, in stored order.
    pub(crate) async fn dispensing_notes(&self, ids: &str) -> Result<Vec<NoteRow>, StoreError> {
        sqlx::query_as!(
            NoteRow,
            r#"SELECT dispensing_id AS "owner!: i64", NULL AS "drug_id?: i64", record, text
               FROM dispensing_note WHERE dispensing_id IN (SELECT value FROM json_each(?))
               ORDER BY id"#,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))
    }
    /// This facility's codes, if set.
    pub async fn facility_codes(&self) -> Result<Option<FacilityCodes>, StoreError> {
        // One query: this runs on every history page.
        let row = sqlx::query!(
            r#"SELECT (SELECT value FROM settings WHERE key = ?1) AS "prefecture?: String",
                      (SELECT value FROM settings WHERE key = ?2) AS "table?: String",
                      (SELECT value FROM settings WHERE key = ?3) AS "code?: String""#,
            PREFECTURE_KEY,
            TABLE_KEY,
            CODE_KEY
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        Ok(match (row.prefecture, row.table, row.code) {
            (Some(prefecture), Some(table), Some(code)) => Some(FacilityCodes {
                prefecture,
                table,
                code,
            }),
            _ => None,
        })
    }

    /// Sets this facility's codes after checking them (audited).
    pub async fn set_facility_codes(
        &self,
        actor: &crate::Actor,
        codes: &FacilityCodes,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), SettingsError> {
        codes.check()?;
        let detail = format!(
            "facility codes {}-{}-{}",
            codes.prefecture, codes.table, codes.code
        );
        let pairs = [
            (PREFECTURE_KEY, codes.prefecture.as_str()),
            (TABLE_KEY, codes.table.as_str()),
            (CODE_KEY, codes.code.as_str()),
        ];
        self.set_settings(
            actor,
            &pairs,
            crate::AccessEvent::SettingsChanged,
            &detail,
            now,
        )
        .await?;
        Ok(())
    }

    /// One page of a patient's dispensings, newest first, starting after
    /// `after`; the 服薬期間中 / 残量 rules are applied as of `as_of`.
    pub async fn history(
        &self,
        patient_id: i64,
        filter: HistoryFilter,
        after: Option<&Cursor>,
        limit: i64,
        as_of: NaiveDate,
    ) -> Result<HistoryPage, StoreError> {
        let codes = self.facility_codes().await?.unwrap_or_default();
        // 0: all, 1: other facilities only, 2: this facility only.
        let mode: i64 = match filter {
            HistoryFilter::All => 0,
            HistoryFilter::Other => 1,
            HistoryFilter::This => 2,
        };
        // Past the end of any date: the first page starts at the top.
        let (after_date, after_id) = after.map_or(("9999-99-99".to_string(), i64::MAX), |c| {
            (c.date.clone(), c.id)
        });
        let fetch = limit + 1;
        let mut rows = sqlx::query_as!(
            DispensingRow,
            r#"SELECT id AS "id!: i64", dispensed_on, place_name, place_prefecture, place_table, place_code,
                      pharmacist_name, prescriber_name, warnings
               FROM dispensing
               WHERE patient_id = ?1 AND (dispensed_on, id) < (?2, ?3)
                 AND (?4 = 0 OR (?4 = 2) = (COALESCE(place_prefecture, '') = ?5 AND COALESCE(place_table, '') = ?6
                                            AND COALESCE(place_code, '') = ?7 AND ?7 <> ''))
               ORDER BY dispensed_on DESC, id DESC
               LIMIT ?8"#,
            patient_id,
            after_date,
            after_id,
            mode,
            codes.prefecture,
            codes.table,
            codes.code,
            fetch
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| Cursor {
                date: r.dispensed_on.clone(),
                id: r.id,
            })
        } else {
            None
        };
        let ids = serde_json::to_string(&rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .unwrap_or_default();
        let lines = sqlx::query_as!(
            LineRow,
            r#"SELECT r.dispensing_id AS "dispensing_id!: i64", r.id AS "rp_id!: i64", r.rp_no, r.doctor_name,
                      r.doctor_department, r.usage_name, r.quantity, r.usage_unit, r.form,
                      d.id AS "drug_id?: i64", d.name AS "name?", d.dose AS "dose?", d.unit AS "unit?"
               FROM rp r LEFT JOIN drug d ON d.rp_id = r.id
               WHERE r.dispensing_id IN (SELECT value FROM json_each(?))
               ORDER BY r.dispensing_id, r.seq, d.seq"#,
            ids
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let rp_notes = self.rp_notes(&ids).await?;
        let dispensing_notes = self.dispensing_notes(&ids).await?;

        let mut facts: Vec<DispensingFacts> = rows
            .into_iter()
            .map(|r| {
                let this_facility = !codes.code.is_empty()
                    && r.place_prefecture.as_deref() == Some(codes.prefecture.as_str())
                    && r.place_table.as_deref() == Some(codes.table.as_str())
                    && r.place_code.as_deref() == Some(codes.code.as_str());
                DispensingFacts {
                    id: r.id,
                    date: (!r.dispensed_on.is_empty()).then_some(r.dispensed_on),
                    place: r.place_name,
                    this_facility,
                    prescriber: r.prescriber_name,
                    pharmacist: r.pharmacist_name,
                    rps: Vec::new(),
                    notes: dispensing_notes
                        .iter()
                        .filter(|n| n.owner == r.id)
                        .map(|n| note(n.record, n.text.clone()))
                        .collect(),
                    warnings: r.warnings,
                }
            })
            .collect();
        for line in lines {
            let Some(d) = facts.iter_mut().find(|d| d.id == line.dispensing_id) else {
                continue;
            };
            if d.rps.last().map(|rp| rp.key) != Some(line.rp_id) {
                d.rps.push(RpFacts {
                    key: line.rp_id,
                    rp_no: line.rp_no,
                    doctor_name: line.doctor_name,
                    doctor_department: line.doctor_department,
                    usage_name: line.usage_name,
                    quantity: line.quantity,
                    usage_unit: line.usage_unit,
                    form: line.form,
                    drugs: Vec::new(),
                    notes: rp_notes
                        .iter()
                        .filter(|n| n.owner == line.rp_id && n.drug_id.is_none())
                        .map(|n| note(n.record, n.text.clone()))
                        .collect(),
                });
            }
            let (Some(rp), Some(drug_id)) = (d.rps.last_mut(), line.drug_id) else {
                continue;
            };
            rp.drugs.push(DrugFacts {
                id: drug_id,
                name: line.name.unwrap_or_default(),
                dose: line.dose,
                unit: line.unit,
                notes: rp_notes
                    .iter()
                    .filter(|n| n.drug_id == Some(drug_id))
                    .map(|n| note(n.record, n.text.clone()))
                    .collect(),
            });
        }
        let out = facts.into_iter().map(|f| build(f, as_of)).collect();
        Ok(HistoryPage {
            dispensings: out,
            next,
        })
    }
}

struct CopyRow {
    name: Option<String>,
    dose: Option<String>,
    unit: Option<String>,
    form: Option<i64>,
    quantity: Option<i64>,
    usage_unit: Option<String>,
}

impl Store {
    /// What コピー puts on the clipboard for one dispensing of a patient, or
    /// for one drug of it (`drug`: 1-based, in display order); `None` when
    /// the dispensing or drug is not the patient's.
    pub async fn copy_text(
        &self,
        patient_id: i64,
        dispensing_id: i64,
        drug: Option<usize>,
    ) -> Result<Option<String>, StoreError> {
        let date = sqlx::query_scalar!(
            "SELECT dispensed_on FROM dispensing WHERE id = ? AND patient_id = ?",
            dispensing_id,
            patient_id
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let Some(date) = date else { return Ok(None) };
        let rows = sqlx::query_as!(
            CopyRow,
            "SELECT d.name, d.dose, d.unit, r.form, r.quantity, r.usage_unit
             FROM drug d JOIN rp r ON r.id = d.rp_id
             WHERE r.dispensing_id = ? ORDER BY r.seq, d.seq",
            dispensing_id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.fail(e))?;
        let lines: Vec<(String, String)> = rows
            .iter()
            .map(|r| {
                let usage = medication::usage_line(
                    r.form,
                    r.dose.as_deref(),
                    r.unit.as_deref(),
                    r.quantity,
                    r.usage_unit.as_deref(),
                );
                (r.name.clone().unwrap_or_default(), usage)
            })
            .collect();
        let chosen: Vec<&(String, String)> = match drug {
            Some(n) => match n.checked_sub(1).and_then(|i| lines.get(i)) {
                Some(line) => vec![line],
                None => return Ok(None),
            },
            None => lines.iter().collect(),
        };
        let date = (!date.is_empty()).then_some(date);
        Ok(Some(medication::copy_text(
            date.as_deref(),
            chosen.iter().map(|(n, u)| (n.as_str(), u.as_str())),
        )))
    }
}
