//! Layout profiles for NSIPS-style delimited files.
//!
//! NSIPS's record layout is confidential to NSIPS members, so Okusuri Desk
//! does not guess it: a site (or its receipt-computer vendor) supplies a
//! profile in TOML that says how to read its files — encoding, delimiter,
//! which field tells the record type, and which field holds each value we
//! need. Each `patient` record starts a dispensing; the `drug` records after
//! it belong to it; other record types are ignored. `profiles/example.toml`
//! describes a fictional layout and documents every key.
//!
//! A profile is checked when it is loaded; every mistake is reported with
//! the profile's line.

use std::collections::HashMap;
use std::path::Path;

use okusuri_jahis::model::{Dispensing, Drug, Patient, Rp, Usage};
use okusuri_jahis::{Document, Encoding};
use serde::Deserialize;
use toml::Spanned;

/// 作成者 1 (医療関係者): the receipt computer writes for the pharmacy.
const AUTHOR_PROVIDER: u8 = 1;

/// A 1-based field number, with where it was written in the profile.
type Field = Spanned<usize>;

/// A loaded and checked profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A name for people.
    pub name: String,
    /// `shift_jis` (CP932) or `utf-8`.
    pub encoding: Spanned<String>,
    /// The field separator: one character (`"\t"` for tab).
    pub delimiter: Spanned<String>,
    /// The field that tells the record type.
    pub record_type: Field,
    /// The record that starts a dispensing, with the patient.
    pub patient: PatientLayout,
    /// A drug line.
    pub drug: DrugLayout,
}

/// Where the patient and dispensing values are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientLayout {
    /// The record type's value.
    pub record: Spanned<String>,
    /// The receipt computer's patient ID (required).
    pub id: Field,
    /// 漢字氏名 (required).
    pub name: Field,
    /// カナ氏名.
    pub kana: Option<Field>,
    /// 性別.
    pub sex: Option<Field>,
    /// How the sex field's values map to `male` / `female`.
    #[serde(default)]
    pub sex_values: HashMap<String, Spanned<String>>,
    /// 生年月日 (`YYYYMMDD`, `YYYY-MM-DD` or an era date such as `S330303`).
    pub birth_date: Option<Field>,
    /// 調剤日 (required; same date forms).
    pub dispensing_date: Field,
}

/// Where the drug values are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugLayout {
    /// The record type's value.
    pub record: Spanned<String>,
    /// RP number (drugs with the same number share the usage).
    pub rp: Field,
    /// Drug code (YJ or receipt code).
    pub code: Option<Field>,
    /// Drug name (required).
    pub name: Field,
    /// Dose.
    pub dose: Option<Field>,
    /// Dose unit.
    pub unit: Option<Field>,
    /// 用法名称.
    pub usage: Option<Field>,
    /// 調剤数量 (days or times).
    pub quantity: Option<Field>,
    /// Its unit (日分, 回分, 調剤 …).
    pub quantity_unit: Option<Field>,
    /// 剤形 as the JAHIS code (1 内服, 3 頓服, 5 外用 …).
    pub form: Option<Field>,
}

/// Why a profile or a data file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The profile file cannot be read.
    #[error("レイアウトプロファイルを読めません: {path}（{reason}）")]
    Unreadable {
        /// The profile.
        path: String,
        /// Why.
        reason: String,
    },
    /// The profile has mistakes; each message names its line.
    #[error("レイアウトプロファイル {path} に誤りがあります。\n{}", .messages.join("\n"))]
    Invalid {
        /// The profile.
        path: String,
        /// One message per mistake.
        messages: Vec<String>,
    },
}

/// Why a data file does not fit the profile; names the file's line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}行目: {message}")]
pub struct DataError {
    /// The data file's line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The TOML reader's most common messages in Japanese (others as they are).
fn japanese(message: &str) -> String {
    let name = |m: &str| m.split('`').nth(1).unwrap_or("").to_string();
    if message.starts_with("missing field") {
        format!("必須のキー {} がありません（{message}）。", name(message))
    } else if message.starts_with("unknown field") {
        format!(
            "キー {} は使えません。綴りを確認してください（{message}）。",
            name(message)
        )
    } else {
        message.to_string()
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The receipt-computer patient ID and the document built for one dispensing.
#[derive(Debug, Clone)]
pub struct ProfileDocument {
    /// The patient's ID at the receipt computer.
    pub patient_id: String,
    /// The document (patient + one dispensing).
    pub doc: Document,
}

impl Profile {
    /// Loads and checks a profile file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Profile::parse(&text, &path.display().to_string())
    }

    /// Parses and checks profile text (`path` names it in messages).
    pub fn parse(text: &str, path: &str) -> Result<Profile, ProfileError> {
        let invalid = |messages: Vec<String>| ProfileError::Invalid {
            path: path.to_string(),
            messages,
        };
        let profile: Profile = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            invalid(vec![format!(
                "{line}行目: {}",
                japanese(e.message().trim())
            )])
        })?;
        let mut messages = Vec::new();
        let mut at = |span: std::ops::Range<usize>, message: String| {
            messages.push(format!("{}行目: {message}", line_of(text, span.start)));
        };
        if !matches!(
            profile.encoding.get_ref().to_ascii_lowercase().as_str(),
            "shift_jis" | "cp932" | "utf-8" | "utf8"
        ) {
            at(
                profile.encoding.span(),
                format!(
                    "encoding は \"shift_jis\" か \"utf-8\" にしてください（\"{}\"）。",
                    profile.encoding.get_ref()
                ),
            );
        }
        if profile.delimiter.get_ref().chars().count() != 1
            || !profile.delimiter.get_ref().is_ascii()
        {
            at(
                profile.delimiter.span(),
                "delimiter は半角1文字にしてください（タブは \"\\t\"）。".into(),
            );
        }
        if profile.patient.record.get_ref() == profile.drug.record.get_ref() {
            at(
                profile.drug.record.span(),
                "patient と drug の record に同じ値は使えません。".into(),
            );
        }
        for (name, field) in profile.fields() {
            if *field.get_ref() == 0 {
                at(
                    field.span(),
                    format!("{name} の項目番号は1から数えます（0は使えません）。"),
                );
            }
        }
        for value in profile.patient.sex_values.values() {
            if !matches!(value.get_ref().as_str(), "male" | "female" | "unknown") {
                at(
                    value.span(),
                    format!(
                        "patient.sex_values の値は male / female / unknown のいずれかです（\"{}\"）。",
                        value.get_ref()
                    ),
                );
            }
        }
        if messages.is_empty() {
            Ok(profile)
        } else {
            Err(invalid(messages))
        }
    }

    fn fields(&self) -> Vec<(&'static str, &Field)> {
        let p = &self.patient;
        let d = &self.drug;
        let mut all = vec![
            ("record_type", &self.record_type),
            ("patient.id", &p.id),
            ("patient.name", &p.name),
            ("patient.dispensing_date", &p.dispensing_date),
            ("drug.rp", &d.rp),
            ("drug.name", &d.name),
        ];
        let optional = [
            ("patient.kana", &p.kana),
            ("patient.sex", &p.sex),
            ("patient.birth_date", &p.birth_date),
            ("drug.code", &d.code),
            ("drug.dose", &d.dose),
            ("drug.unit", &d.unit),
            ("drug.usage", &d.usage),
            ("drug.quantity", &d.quantity),
            ("drug.quantity_unit", &d.quantity_unit),
            ("drug.form", &d.form),
        ];
        all.extend(
            optional
                .into_iter()
                .filter_map(|(n, f)| f.as_ref().map(|f| (n, f))),
        );
        all
    }

    fn decode<'a>(&self, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, DataError> {
        let utf8 = self
            .encoding
            .get_ref()
            .to_ascii_lowercase()
            .starts_with("utf");
        let encoding = if utf8 {
            encoding_rs::UTF_8
        } else {
            encoding_rs::SHIFT_JIS
        };
        let (text, _, had_errors) = encoding.decode(bytes);
        // Japanese UTF-8 often decodes as (wrong) Shift_JIS without an error.
        let looks_utf8 = !utf8
            && matches!(
                okusuri_jahis::text::decode(bytes).encoding,
                Encoding::Utf8 | Encoding::Utf8Bom
            );
        if had_errors || looks_utf8 {
            let name = if utf8 { "UTF-8" } else { "Shift_JIS" };
            return Err(DataError {
                line: 1,
                message: format!(
                    "文字コードが {name} ではありません（プロファイルの encoding を確認してください）。"
                ),
            });
        }
        Ok(text)
    }

    /// Reads a data file: one document per `patient` record.
    pub fn read(&self, bytes: &[u8]) -> Result<Vec<ProfileDocument>, DataError> {
        let text = self.decode(bytes)?;
        let delimiter = self.delimiter.get_ref().bytes().next().unwrap_or(b',');
        let mut out: Vec<ProfileDocument> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(line.as_bytes());
            let record = match reader.records().next() {
                Some(Ok(r)) => r,
                Some(Err(e)) => {
                    return Err(DataError {
                        line: line_no,
                        message: format!("区切りを読めません（{e}）。"),
                    });
                }
                None => continue,
            };
            let get = |f: &Field| {
                record
                    .get(f.get_ref() - 1)
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let kind = get(&self.record_type).unwrap_or("");
            if kind == self.patient.record.get_ref() {
                out.push(self.patient_record(line_no, &get)?);
            } else if kind == self.drug.record.get_ref() {
                let Some(current) = out.last_mut() else {
                    return Err(DataError {
                        line: line_no,
                        message: "患者レコードより前に薬品レコードがあります。".into(),
                    });
                };
                self.drug_record(line_no, &get, current)?;
            }
        }
        if out.is_empty() {
            return Err(DataError {
                line: 1,
                message: format!(
                    "患者レコード（種別 \"{}\"）がありません。プロファイルと形式が合っていません。",
                    self.patient.record.get_ref()
                ),
            });
        }
        Ok(out)
    }

    fn patient_record<'r>(
        &self,
        line: usize,
        get: &dyn Fn(&Field) -> Option<&'r str>,
    ) -> Result<ProfileDocument, DataError> {
        let p = &self.patient;
        let required = |f: &Field, what: &str| {
            get(f).ok_or_else(|| DataError {
                line,
                message: format!("{what}（{}項目目）が空です。", f.get_ref()),
            })
        };
        let optional = |f: &Option<Field>| f.as_ref().and_then(get);
        let date = |text: &str, what: &str| {
            okusuri_jahis::date::to_iso(&text.replace(['-', '/'], "")).ok_or_else(|| DataError {
                line,
                message: format!("{what}「{text}」を日付として読めません。"),
            })
        };
        let patient_id = required(&p.id, "患者ID")?.to_string();
        let name = required(&p.name, "氏名")?.to_string();
        let dispensed = date(required(&p.dispensing_date, "調剤日")?, "調剤日")?;
        let birth_date = optional(&p.birth_date)
            .map(|b| date(b, "生年月日"))
            .transpose()?;
        let sex =
            optional(&p.sex).map(
                |v| match p.sex_values.get(v).map(|s| s.get_ref().as_str()) {
                    Some("male") => 1,
                    Some("female") => 2,
                    _ => 0,
                },
            );
        let doc = Document {
            version: "NSIPS".into(),
            encoding: Encoding::Cp932,
            patient: Some(Patient {
                name: Some(name),
                kana: optional(&p.kana).map(str::to_string),
                sex,
                birth_date,
                ..Patient::default()
            }),
            dispensings: vec![Dispensing {
                date: Some(dispensed),
                author: Some(AUTHOR_PROVIDER),
                ..Dispensing::default()
            }],
            ..Document::default()
        };
        Ok(ProfileDocument { patient_id, doc })
    }

    fn drug_record<'r>(
        &self,
        line: usize,
        get: &dyn Fn(&Field) -> Option<&'r str>,
        current: &mut ProfileDocument,
    ) -> Result<(), DataError> {
        let d = &self.drug;
        let optional = |f: &Option<Field>| f.as_ref().and_then(get).map(str::to_string);
        let number = |f: &Option<Field>, what: &str| -> Result<Option<u32>, DataError> {
            match f.as_ref().and_then(get) {
                None => Ok(None),
                Some(v) => v.parse().map(Some).map_err(|_| DataError {
                    line,
                    message: format!("{what}「{v}」が数字ではありません。"),
                }),
            }
        };
        let rp_no = number(&Some(d.rp.clone()), "RP番号")?;
        let name = get(&d.name).ok_or_else(|| DataError {
            line,
            message: format!("薬品名（{}項目目）が空です。", d.name.get_ref()),
        })?;
        let quantity = number(&d.quantity, "調剤数量")?;
        let form = number(&d.form, "剤形")?.and_then(|f| u8::try_from(f).ok());
        let drug = Drug {
            name: Some(name.to_string()),
            dose: optional(&d.dose),
            unit: optional(&d.unit),
            // 薬品コード種別 2 レセプト電算, or 1 なし.
            code_kind: Some(if d.code.as_ref().and_then(get).is_some() {
                2
            } else {
                1
            }),
            code: optional(&d.code),
            author: Some(AUTHOR_PROVIDER),
            ..Drug::default()
        };
        let Some(dispensing) = current.doc.dispensings.last_mut() else {
            return Ok(());
        };
        match dispensing.rps.iter_mut().find(|rp| rp.rp == rp_no) {
            Some(rp) => rp.drugs.push(drug),
            None => dispensing.rps.push(Rp {
                rp: rp_no,
                usage: Some(Usage {
                    name: optional(&d.usage),
                    quantity,
                    unit: optional(&d.quantity_unit),
                    form,
                    code_kind: Some(1), // 用法コード種別 1 なし
                    author: Some(AUTHOR_PROVIDER),
                    ..Usage::default()
                }),
                drugs: vec![drug],
                ..Rp::default()
            }),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../profiles/example.toml");

    #[test]
    fn the_example_profile_loads() {
        let p = Profile::parse(EXAMPLE, "example.toml").unwrap();
        assert_eq!(p.patient.record.get_ref(), "H");
        assert_eq!(*p.drug.name.get_ref(), 4);
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let broken = EXAMPLE
            .replace(
                "name = 4                  # drug name",
                "name = 0                  # drug name",
            )
            .replace("encoding = \"shift_jis\"", "encoding = \"euc-jp\"")
            .replace("F = \"female\"", "F = \"woman\"");
        let err = Profile::parse(&broken, "site.toml")
            .unwrap_err()
            .to_string();
        let line = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
        assert!(
            err.starts_with("レイアウトプロファイル site.toml に誤りがあります。"),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "{}行目: encoding は \"shift_jis\" か \"utf-8\" にしてください（\"euc-jp\"）。",
                line("euc-jp")
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "{}行目: drug.name の項目番号は1から数えます",
                line("name = 0")
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("{}行目: patient.sex_values", line("woman"))),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_and_missing_keys_are_refused_with_the_line() {
        let typo = EXAMPLE.replace("birth_date = 6", "birthday = 6");
        let err = Profile::parse(&typo, "p.toml").unwrap_err().to_string();
        let line = typo
            .lines()
            .position(|l| l.starts_with("birthday"))
            .unwrap()
            + 1;
        assert!(
            err.contains(&format!("{line}行目: キー birthday は使えません。")),
            "{err}"
        );
        let missing = EXAMPLE.replace("id = 2 ", "# id = 2 ");
        let err = Profile::parse(&missing, "p.toml").unwrap_err().to_string();
        assert!(err.contains("必須のキー id がありません"), "{err}");
    }

    #[test]
    fn a_data_file_becomes_one_document_per_dispensing() {
        let p = Profile::parse(EXAMPLE, "example.toml").unwrap();
        let text = "H,000123,山田 太郎,ヤマダ タロウ,M,19800101,20261122\r\n\
                    D,1,620000001,アムロジピン錠５ｍｇ,1,錠,1日1回朝食後,14,日分,1\r\n\
                    D,1,620000002,ロサルタン錠２５ｍｇ,1,錠,1日1回朝食後,14,日分,1\r\n\
                    D,2,620000003,ロキソニン錠６０ｍｇ,1,錠,疼痛時,10,回分,3\r\n\
                    X,ignored\r\n\
                    H,000124,佐藤 花子,サトウ ハナコ,F,S450505,20261122\r\n\
                    D,1,620000004,ムコスタ錠１００ｍｇ,3,錠,毎食後,7,日分,1\r\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let docs = p.read(&sjis).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].patient_id, "000123");
        let patient = docs[0].doc.patient.as_ref().unwrap();
        assert_eq!(
            (patient.sex, patient.birth_date.as_deref()),
            (Some(1), Some("1980-01-01"))
        );
        let d = &docs[0].doc.dispensings[0];
        assert_eq!(d.date.as_deref(), Some("2026-11-22"));
        assert_eq!(d.rps.len(), 2);
        assert_eq!(d.rps[0].drugs.len(), 2);
        let usage = d.rps[1].usage.as_ref().unwrap();
        assert_eq!(
            (usage.quantity, usage.unit.as_deref(), usage.form),
            (Some(10), Some("回分"), Some(3))
        );
        assert_eq!(
            docs[1].doc.patient.as_ref().unwrap().birth_date.as_deref(),
            Some("1970-05-05")
        );
    }

    #[test]
    fn data_that_does_not_fit_names_the_line() {
        let p = Profile::parse(EXAMPLE, "example.toml").unwrap();
        let sjis = |t: &str| encoding_rs::SHIFT_JIS.encode(t).0.into_owned();
        let e = p
            .read(&sjis("D,1,6,薬,1,錠,毎食後,7,日分,1\r\n"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "1行目: 患者レコードより前に薬品レコードがあります。"
        );
        let e = p
            .read(&sjis(
                "H,1,山田,ヤマダ,M,19800101,20261122\r\nD,one,6,薬,1,錠,毎食後,7,日分,1\r\n",
            ))
            .unwrap_err();
        assert_eq!(e.to_string(), "2行目: RP番号「one」が数字ではありません。");
        let e = p
            .read(&sjis("H,1,山田,ヤマダ,M,19800101,2026-13-45\r\n"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "1行目: 調剤日「2026-13-45」を日付として読めません。"
        );
        let e = p
            .read("H,1,山田,ヤマダ,M,19800101,20261122\r\n".as_bytes())
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("文字コードが Shift_JIS ではありません"),
            "{e}"
        );
        let e = p.read(b"JAHISTC08,1\r\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("患者レコード（種別 \"H\"）がありません"),
            "{e}"
        );
    }
}
