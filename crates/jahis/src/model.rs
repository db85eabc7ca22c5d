//! The typed JAHIS document. Field names are the JSON keys of
//! `okusuri jahis parse --json` (documented in the crate root); keep them.
//!
//! Empty fields are `None`. Dates keep the original text (`*_text`, e.g.
//! `R020410`) beside the ISO date (`2020-04-10`, `None` if unreadable);
//! the writer prefers the original text.

use serde::{Deserialize, Serialize};

use crate::issue::Issue;
use crate::text::Encoding;

/// One JAHIS document (one file, or the merge of its split parts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Document {
    /// The version tag, e.g. `JAHISTC08`.
    pub version: String,
    /// 出力区分: 1 provider → patient, 2 patient → provider.
    pub output_category: Option<u8>,
    /// How the bytes were encoded.
    #[serde(default)]
    pub encoding: Encoding,
    /// Record 1.
    pub patient: Option<Patient>,
    /// Records 2: allergies, side effects, past illnesses, other.
    #[serde(default)]
    pub notes: Vec<PatientNote>,
    /// Records 3 with their 31 components.
    #[serde(default)]
    pub otc: Vec<Otc>,
    /// Records 4.
    #[serde(default)]
    pub memos: Vec<Memo>,
    /// Dispensing groups (each from a record 5), in file order.
    #[serde(default)]
    pub dispensings: Vec<Dispensing>,
    /// Records 701: かかりつけ薬剤師.
    #[serde(default)]
    pub pharmacists: Vec<FamilyPharmacist>,
    /// Record 911, when this is one part of split data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitControl>,
    /// Records this reader does not know, in order, outside dispensing groups.
    #[serde(default)]
    pub unknown: Vec<UnknownRecord>,
    /// What the reader found wrong (lenient mode) — empty when clean.
    #[serde(default)]
    pub issues: Vec<Issue>,
}

/// Record 1: 患者情報.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Patient {
    /// 氏名.
    pub name: Option<String>,
    /// 氏名カナ.
    pub kana: Option<String>,
    /// 性別: 1 男, 2 女.
    pub sex: Option<u8>,
    /// 生年月日, ISO.
    pub birth_date: Option<String>,
    /// 生年月日 as written.
    pub birth_date_text: Option<String>,
    /// 郵便番号.
    pub postal_code: Option<String>,
    /// 住所.
    pub address: Option<String>,
    /// 電話番号.
    pub phone: Option<String>,
    /// 緊急連絡先.
    pub emergency_contact: Option<String>,
    /// 血液型.
    pub blood_type: Option<String>,
    /// 体重.
    pub weight: Option<String>,
    /// Fields after the known ones (a later version's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 2: 患者特記.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PatientNote {
    /// 1 アレルギー歴, 2 副作用歴, 3 既往歴, 9 その他.
    pub kind: Option<u8>,
    /// 内容.
    pub text: Option<String>,
    /// 作成者: 1 医療関係者, 2 患者等, 8 その他, 9 不明.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 3: 要指導・一般用医薬品服用, with its 31 components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Otc {
    /// 薬品名称.
    pub name: Option<String>,
    /// 服用開始日, ISO.
    pub start_date: Option<String>,
    /// 服用開始日 as written.
    pub start_date_text: Option<String>,
    /// 服用終了日, ISO.
    pub end_date: Option<String>,
    /// 服用終了日 as written.
    pub end_date_text: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// 通番 (Ver.2.5+), referred to by records 31.
    pub seq: Option<u32>,
    /// JAN code (Ver.2.5+).
    pub jan: Option<String>,
    /// Records 31.
    #[serde(default)]
    pub components: Vec<OtcComponent>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 31: OTC 成分.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OtcComponent {
    /// 通番 of the record 3 it belongs to.
    pub seq: Option<u32>,
    /// 成分名.
    pub name: Option<String>,
    /// 成分コード種別: 1 なし, 2 成分名コード.
    pub code_kind: Option<u8>,
    /// 成分コード.
    pub code: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 4: 手帳メモ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Memo {
    /// 内容.
    pub text: Option<String>,
    /// 入力日, ISO.
    pub date: Option<String>,
    /// 入力日 as written.
    pub date_text: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// A dispensing group: record 5 and everything up to the next 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Dispensing {
    /// 調剤等年月日, ISO.
    pub date: Option<String>,
    /// 調剤等年月日 as written.
    pub date_text: Option<String>,
    /// 作成者 of record 5.
    pub author: Option<u8>,
    /// Record 11: where it was dispensed.
    pub dispensed_at: Option<Institution>,
    /// Record 15: the pharmacist (or dispensing doctor).
    pub pharmacist: Option<Person>,
    /// Record 51: the prescribing institution, when another one.
    pub prescribed_at: Option<Institution>,
    /// The RPs (records 201/281/291/301/311/391), with their 55 doctor.
    #[serde(default)]
    pub rps: Vec<Rp>,
    /// Records 401: 服用注意.
    #[serde(default)]
    pub cautions: Vec<Text>,
    /// Records 411: 医療機関等提供情報.
    #[serde(default)]
    pub provided_info: Vec<ProvidedInfo>,
    /// Records 421: 残薬確認.
    #[serde(default)]
    pub leftover: Vec<Text>,
    /// Records 501: 備考.
    #[serde(default)]
    pub remarks: Vec<Text>,
    /// Records 601: 患者等記入.
    #[serde(default)]
    pub patient_entries: Vec<PatientEntry>,
    /// Unknown records inside this group, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<UnknownRecord>,
    /// Fields after the known ones on record 5.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Records 11 and 51: a medical institution or pharmacy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Institution {
    /// 名称.
    pub name: Option<String>,
    /// 都道府県 (01–47).
    pub prefecture: Option<String>,
    /// 点数表: 1 医科, 3 歯科, 4 調剤.
    pub table: Option<String>,
    /// 医療機関等コード (7 digits).
    pub code: Option<String>,
    /// 郵便番号 (11 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// 住所 (11 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// 電話番号 (11 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 15: 調剤－医師・薬剤師.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Person {
    /// 氏名.
    pub name: Option<String>,
    /// 連絡先.
    pub contact: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 55: 処方－医師.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Doctor {
    /// 氏名.
    pub name: Option<String>,
    /// 診療科.
    pub department: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// One RP: its drugs, its usage, and the doctor of the 55 before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Rp {
    /// RP番号.
    pub rp: Option<u32>,
    /// The record 55 that applies, if any.
    pub doctor: Option<Doctor>,
    /// Records 201 with their 281/291.
    #[serde(default)]
    pub drugs: Vec<Drug>,
    /// Record 301 with its 311.
    pub usage: Option<Usage>,
    /// Records 391: 処方服用注意.
    #[serde(default)]
    pub cautions: Vec<Text>,
}

/// Record 201: 薬品.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Drug {
    /// 薬品名称.
    pub name: Option<String>,
    /// 用量 (daily dose for 内服, one dose for 屯服, total otherwise).
    pub dose: Option<String>,
    /// 単位.
    pub unit: Option<String>,
    /// 薬品コード種別: 1 なし, 2 レセ電, 3 薬価基準, 4 YJ, 6 HOT.
    pub code_kind: Option<u8>,
    /// 薬品コード.
    pub code: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// 一般名 (Ver.2.5+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic_name: Option<String>,
    /// 一般名コード種別 (Ver.2.5+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic_code_kind: Option<u8>,
    /// 一般名コード (Ver.2.5+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic_code: Option<String>,
    /// Records 281: 薬品補足.
    #[serde(default)]
    pub notes: Vec<Text>,
    /// Records 291: 薬品服用注意.
    #[serde(default)]
    pub cautions: Vec<Text>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 301: 用法.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Usage {
    /// 用法名称.
    pub name: Option<String>,
    /// 調剤数量 (days for 内服, times for 屯服, 1 otherwise).
    pub quantity: Option<u32>,
    /// 調剤単位 (日分, 回分, 調剤).
    pub unit: Option<String>,
    /// 剤形: 1 内服, 2 内滴, 3 屯服, 4 注射, 5 外用, 6 浸煎, 7 湯, 9 材料, 10 その他.
    pub form: Option<u8>,
    /// 用法コード種別: 1 なし, 2 JAMI.
    pub code_kind: Option<u8>,
    /// 用法コード.
    pub code: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Records 311: 用法補足.
    #[serde(default)]
    pub notes: Vec<Text>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// A text record with its author (281, 291, 311, 391, 401, 421, 501).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Text {
    /// 内容.
    pub text: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 411: 医療機関等提供情報.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ProvidedInfo {
    /// 内容.
    pub text: Option<String>,
    /// 提供情報種別: 30, 31, 99.
    pub kind: Option<u8>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 601: 患者等記入 (no author field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PatientEntry {
    /// 内容.
    pub text: Option<String>,
    /// 入力日, ISO.
    pub date: Option<String>,
    /// 入力日 as written.
    pub date_text: Option<String>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 701: かかりつけ薬剤師.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FamilyPharmacist {
    /// 氏名.
    pub name: Option<String>,
    /// 薬局名.
    pub pharmacy: Option<String>,
    /// 連絡先.
    pub contact: Option<String>,
    /// 開始日, ISO.
    pub start_date: Option<String>,
    /// 開始日 as written.
    pub start_date_text: Option<String>,
    /// 終了日, ISO.
    pub end_date: Option<String>,
    /// 終了日 as written.
    pub end_date_text: Option<String>,
    /// 作成者.
    pub author: Option<u8>,
    /// Fields after the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// Record 911: 分割制御.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SplitControl {
    /// データ固有ID (14 digits), the same in every part.
    pub data_id: String,
    /// 分割数.
    pub count: u32,
    /// データ連番 (1-based).
    pub seq: u32,
}

/// A record this reader does not know, kept as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UnknownRecord {
    /// Its record number as written.
    pub record: String,
    /// Its fields after the record number.
    pub fields: Vec<String>,
}

impl Document {
    /// The document without its issues, for comparing content.
    pub fn without_issues(&self) -> Document {
        Document {
            issues: Vec::new(),
            ..self.clone()
        }
    }
}
