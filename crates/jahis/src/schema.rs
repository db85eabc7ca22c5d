//! The record layouts of Ver.2.6: for each record number, its fields in
//! order with type, Shift_JIS byte length, requirement and code table.

/// A field's type letter in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `9`: digits.
    Digits,
    /// `X`: ASCII letters, digits, `.` and `-`.
    Alnum,
    /// `N`: any text.
    Text,
    /// `X8` holding a date (`YYYYMMDD` or `GYYMMDD`).
    Date,
}

/// When a field must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Req {
    /// Required in both directions (B).
    Both,
    /// Required when 出力区分 is 1 (P).
    Provider,
    /// Optional or conditional (C): checked by record-specific rules.
    Optional,
}

/// One field of a record layout.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The spec's name for it.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Its maximum length in Shift_JIS bytes (0: not limited).
    pub max: usize,
    /// When it is required.
    pub req: Req,
    /// The allowed codes, if it is coded.
    pub codes: &'static [&'static str],
}

const fn f(name: &'static str, kind: Kind, max: usize, req: Req) -> Field {
    Field {
        name,
        kind,
        max,
        req,
        codes: &[],
    }
}

const fn coded(name: &'static str, max: usize, req: Req, codes: &'static [&'static str]) -> Field {
    Field {
        name,
        kind: Kind::Digits,
        max,
        req,
        codes,
    }
}

use Kind::{Alnum, Date, Digits, Text};
use Req::{Both, Optional, Provider};

/// 作成者: 1 医療関係者, 2 患者等, 8 その他, 9 不明.
pub const AUTHORS: &[&str] = &["1", "2", "8", "9"];
/// 剤形.
pub const FORMS: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "9", "10"];
const AUTHOR: Field = coded("作成者", 1, Both, AUTHORS);

const PATIENT: &[Field] = &[
    f("氏名", Text, 40, Both),
    coded("性別", 1, Both, &["1", "2"]),
    f("生年月日", Date, 8, Both),
    f("郵便番号", Alnum, 8, Optional),
    f("住所", Text, 800, Optional),
    f("電話番号", Alnum, 13, Optional),
    f("緊急連絡先", Text, 800, Optional),
    f("血液型", Text, 20, Optional),
    f("体重", Alnum, 7, Optional),
    f("氏名カナ", Text, 40, Optional),
];
const NOTE: &[Field] = &[
    coded("患者特記種別", 1, Both, &["1", "2", "3", "9"]),
    f("患者特記内容", Text, 120, Both),
    AUTHOR,
];
const OTC: &[Field] = &[
    f("薬品名称", Text, 120, Both),
    f("服用開始日", Date, 8, Optional),
    f("服用終了日", Date, 8, Optional),
    AUTHOR,
    f("通番", Digits, 3, Optional),
    f("JANコード", Digits, 13, Optional),
];
const OTC_COMPONENT: &[Field] = &[
    f("通番", Digits, 3, Both),
    f("成分名", Text, 256, Both),
    coded("成分コード種別", 1, Both, &["1", "2"]),
    f("成分コード", Alnum, 20, Optional),
    AUTHOR,
];
const MEMO: &[Field] = &[
    f("内容", Text, 400, Both),
    f("入力日", Date, 8, Optional),
    AUTHOR,
];
const DATE: &[Field] = &[f("調剤等年月日", Date, 8, Both), AUTHOR];
const DISPENSED_AT: &[Field] = &[
    f("医療機関等名称", Text, 120, Both),
    f("都道府県コード", Alnum, 2, Provider),
    coded("点数表コード", 1, Provider, &["1", "3", "4"]),
    f("医療機関等コード", Alnum, 7, Provider),
    f("郵便番号", Alnum, 8, Optional),
    f("住所", Text, 800, Optional),
    f("電話番号", Alnum, 13, Optional),
    AUTHOR,
];
const PHARMACIST: &[Field] = &[
    f("氏名", Text, 40, Both),
    f("連絡先", Text, 800, Optional),
    AUTHOR,
];
const PRESCRIBED_AT: &[Field] = &[
    f("医療機関名称", Text, 120, Both),
    f("都道府県コード", Alnum, 2, Provider),
    coded("点数表コード", 1, Provider, &["1", "3"]),
    f("医療機関コード", Alnum, 7, Provider),
    AUTHOR,
];
const DOCTOR: &[Field] = &[
    f("医師氏名", Text, 40, Both),
    f("診療科名", Text, 80, Optional),
    AUTHOR,
];
const DRUG: &[Field] = &[
    f("RP番号", Digits, 3, Both),
    f("薬品名称", Text, 120, Both),
    f("用量", Alnum, 12, Provider),
    f("単位名", Text, 12, Provider),
    coded("薬品コード種別", 1, Provider, &["1", "2", "3", "4", "6"]),
    f("薬品コード", Alnum, 13, Optional),
    AUTHOR,
    f("一般名", Text, 120, Optional),
    coded("一般名コード種別", 1, Optional, &["1", "2"]),
    f("一般名コード", Alnum, 12, Optional),
];
const DRUG_NOTE: &[Field] = &[
    f("RP番号", Digits, 3, Both),
    f("薬品補足情報", Text, 100, Both),
    AUTHOR,
];
const DRUG_CAUTION: &[Field] = &[
    f("RP番号", Digits, 3, Both),
    f("薬品服用注意事項", Text, 400, Both),
    AUTHOR,
];
const USAGE: &[Field] = &[
    f("RP番号", Digits, 3, Both),
    f("用法名称", Text, 100, Optional),
    f("調剤数量", Digits, 3, Provider),
    f("調剤単位", Text, 100, Provider),
    Field {
        name: "剤形コード",
        kind: Alnum,
        max: 2,
        req: Provider,
        codes: FORMS,
    },
    coded("用法コード種別", 1, Provider, &["1", "2"]),
    f("用法コード", Alnum, 16, Optional),
    AUTHOR,
];
const USAGE_NOTE: &[Field] = &[
    f("RP番号", Digits, 3, Both),
    f("用法補足情報", Text, 100, Both),
    AUTHOR,
];
const RP_CAUTION: &[Field] = &[
    f("RP番号", Digits, 3, Both),
    f("処方服用注意事項", Text, 400, Both),
    AUTHOR,
];
const TEXT_400: &[Field] = &[f("内容", Text, 400, Both), AUTHOR];
const PROVIDED: &[Field] = &[
    f("内容", Text, 400, Both),
    coded("提供情報種別", 2, Both, &["30", "31", "99"]),
    AUTHOR,
];
const PATIENT_ENTRY: &[Field] = &[
    f("内容", Text, 400, Both),
    f("入力年月日", Date, 8, Optional),
];
const FAMILY_PHARMACIST: &[Field] = &[
    f("氏名", Text, 40, Both),
    f("勤務先薬局名称", Text, 120, Both),
    f("連絡先", Text, 800, Both),
    f("担当開始日", Date, 8, Optional),
    f("担当終了日", Date, 8, Optional),
    AUTHOR,
];
const SPLIT: &[Field] = &[
    f("データ固有ID", Digits, 14, Both),
    f("分割数", Digits, 3, Both),
    f("データ連番", Digits, 3, Both),
];

/// The numeric record number of the text before the first comma, or 0 when
/// it is not a number (an unknown record).
pub fn record_id(record: &str) -> u16 {
    if record.is_empty() || record.len() > 4 || !record.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    record.parse().unwrap_or(0)
}

/// The layout of a known record, or `None` for an unknown record number.
pub fn layout(id: u16) -> Option<&'static [Field]> {
    Some(match id {
        1 => PATIENT,
        2 => NOTE,
        3 => OTC,
        31 => OTC_COMPONENT,
        4 => MEMO,
        5 => DATE,
        11 => DISPENSED_AT,
        15 => PHARMACIST,
        51 => PRESCRIBED_AT,
        55 => DOCTOR,
        201 => DRUG,
        281 => DRUG_NOTE,
        291 => DRUG_CAUTION,
        301 => USAGE,
        311 => USAGE_NOTE,
        391 => RP_CAUTION,
        401 | 421 | 501 => TEXT_400,
        411 => PROVIDED,
        601 => PATIENT_ENTRY,
        701 => FAMILY_PHARMACIST,
        911 => SPLIT,
        _ => return None,
    })
}

/// The Japanese name of a record, for messages.
pub fn record_name(id: u16) -> &'static str {
    match id {
        1 => "患者情報",
        2 => "患者特記",
        3 => "一般用医薬品服用",
        31 => "一般用医薬品成分",
        4 => "手帳メモ",
        5 => "調剤等年月日",
        11 => "調剤－医療機関等",
        15 => "調剤－医師・薬剤師",
        51 => "処方－医療機関",
        55 => "処方－医師",
        201 => "薬品",
        281 => "薬品補足",
        291 => "薬品服用注意",
        301 => "用法",
        311 => "用法補足",
        391 => "処方服用注意",
        401 => "服用注意",
        411 => "医療機関等提供情報",
        421 => "残薬確認",
        501 => "備考",
        601 => "患者等記入",
        701 => "かかりつけ薬剤師",
        911 => "分割制御",
        _ => "不明なレコード",
    }
}
