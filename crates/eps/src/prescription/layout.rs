//! The record layouts of the prescription CSV — one table, used by the
//! reader, the writer and the validator.
//!
//! Source: JAHIS 院外処方箋２次元シンボル記録条件規約 Ver.1.10 (records 1–281, as
//! summarised by the open `jahis-rx-parser` notes), with the 電子処方箋 CSV's
//! additions 301/302 (layout from public EMR code, **unverified**: the
//! 記録条件仕様 is vendor-only).

/// What characters a field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Digits only (JAHIS type `9`).
    Digits,
    /// ASCII letters, digits, `.`, `-` and the like (JAHIS type `X`).
    Ascii,
    /// Any text (JAHIS type `N`).
    Text,
    /// A quantity: up to 6 integer and 5 decimal digits, no leading or
    /// trailing zeros (`0.25`, `1.5`, `100`).
    Amount,
}

/// One field of a record.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The field's Japanese name, as in the standard (used in messages).
    pub name: &'static str,
    /// Its character kind.
    pub kind: FieldKind,
    /// Most characters.
    pub max: usize,
    /// Whether it must not be empty.
    pub required: bool,
    /// The allowed codes (empty: any value of the kind).
    pub codes: &'static [&'static str],
}

/// Where a record sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Records 1–82 (and 301/302 at the end of an EPS file): once per prescription.
    Header,
    /// Records 101–181: once per RP.
    Rp,
    /// Records 201–281: once per drug.
    Drug,
    /// Records 301–302 (電子処方箋 only): after the RPs.
    Trailer,
}

/// One record number's layout.
#[derive(Debug, Clone, Copy)]
pub struct RecordSpec {
    /// The record number (first field of the line).
    pub no: u16,
    /// Its Japanese name.
    pub name: &'static str,
    /// Its group.
    pub group: Group,
    /// Whether every prescription (or every RP, or every drug) must carry it.
    pub required: bool,
    /// Whether it may appear more than once in its group.
    pub repeats: bool,
    /// Its fields after the record number.
    pub fields: &'static [FieldSpec],
}

const fn f(name: &'static str, kind: FieldKind, max: usize, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        max,
        required,
        codes: &[],
    }
}

const fn code(name: &'static str, required: bool, codes: &'static [&'static str]) -> FieldSpec {
    FieldSpec {
        name,
        kind: FieldKind::Digits,
        max: 2,
        required,
        codes,
    }
}

use FieldKind::{Amount, Ascii, Digits, Text};
use Group::{Drug, Header, Rp, Trailer};

const fn rec(
    no: u16,
    name: &'static str,
    group: Group,
    required: bool,
    repeats: bool,
    fields: &'static [FieldSpec],
) -> RecordSpec {
    RecordSpec {
        no,
        name,
        group,
        required,
        repeats,
        fields,
    }
}

const RP_NO: FieldSpec = f("RP番号", Digits, 3, true);
const DRUG_SEQ: FieldSpec = f("RP内連番", Digits, 2, true);
const DOSE: FieldSpec = f("服用量", Amount, 12, false);
const DOSE_CODE: FieldSpec = f("服用量コード", Ascii, 8, false);
const BURDEN: &[&str] = &["0", "1"];

/// Every record, in the order they are written within their group.
pub const RECORDS: &[RecordSpec] = &[
    rec(
        1,
        "医療機関レコード",
        Header,
        true,
        false,
        &[
            code("医療機関コード種別", false, &["1", "3", "6"]),
            f("医療機関コード", Ascii, 7, true),
            f("都道府県コード", Digits, 2, true),
            f("医療機関名称", Text, 60, false),
        ],
    ),
    rec(
        2,
        "医療機関所在地レコード",
        Header,
        false,
        false,
        &[f("郵便番号", Ascii, 8, false), f("所在地", Text, 50, false)],
    ),
    rec(
        3,
        "医療機関電話レコード",
        Header,
        false,
        false,
        &[
            f("電話番号", Ascii, 13, true),
            f("FAX番号", Ascii, 13, false),
            f("その他連絡先", Text, 50, false),
        ],
    ),
    rec(
        4,
        "診療科レコード",
        Header,
        false,
        false,
        &[
            code(
                "診療科コード種別",
                true,
                &["1", "2", "3", "4", "5", "6", "7", "8"],
            ),
            f("診療科コード", Ascii, 6, false),
            f("診療科名", Text, 40, false),
        ],
    ),
    rec(
        5,
        "医師レコード",
        Header,
        true,
        false,
        &[
            f("医師コード", Ascii, 15, false),
            f("医師カナ氏名", Text, 40, false),
            f("医師漢字氏名", Text, 20, true),
        ],
    ),
    rec(
        11,
        "患者氏名レコード",
        Header,
        true,
        false,
        &[
            f("患者コード", Ascii, 15, false),
            f("患者漢字氏名", Text, 20, false),
            f("患者カナ氏名", Text, 40, false),
        ],
    ),
    rec(
        12,
        "患者性別レコード",
        Header,
        true,
        false,
        &[code("患者性別", true, &["1", "2"])],
    ),
    rec(
        13,
        "患者生年月日レコード",
        Header,
        true,
        false,
        &[f("患者生年月日", Digits, 8, true)],
    ),
    rec(
        14,
        "患者一部負担区分レコード",
        Header,
        false,
        false,
        &[code("一部負担金区分", true, &["1", "2", "3", "4", "5"])],
    ),
    rec(
        21,
        "保険種別レコード",
        Header,
        false,
        false,
        &[code("保険種別", true, &["1", "2", "3", "4", "5", "6", "7"])],
    ),
    rec(
        22,
        "保険者番号レコード",
        Header,
        true,
        false,
        &[f("保険者番号", Ascii, 14, false)],
    ),
    rec(
        23,
        "記号番号レコード",
        Header,
        true,
        false,
        &[
            f("被保険者証記号", Text, 20, false),
            f("被保険者証番号", Text, 20, false),
            code("被保険者/被扶養者", true, &["1", "2"]),
            f("被保険者証枝番", Ascii, 2, false),
        ],
    ),
    rec(
        24,
        "負担・給付率レコード",
        Header,
        false,
        false,
        &[
            f("患者負担率", Digits, 3, true),
            f("保険給付率", Digits, 3, true),
        ],
    ),
    rec(
        25,
        "職務上の事由レコード",
        Header,
        false,
        false,
        &[code("職務上の事由", true, &["1", "2", "3"])],
    ),
    rec(
        27,
        "第一公費レコード",
        Header,
        false,
        false,
        &[
            f("第一公費負担者番号", Digits, 8, true),
            f("第一公費受給者番号", Digits, 7, false),
        ],
    ),
    rec(
        28,
        "第二公費レコード",
        Header,
        false,
        false,
        &[
            f("第二公費負担者番号", Digits, 8, true),
            f("第二公費受給者番号", Digits, 7, false),
        ],
    ),
    rec(
        29,
        "第三公費レコード",
        Header,
        false,
        false,
        &[
            f("第三公費負担者番号", Digits, 8, true),
            f("第三公費受給者番号", Digits, 7, false),
        ],
    ),
    rec(
        30,
        "特殊公費レコード",
        Header,
        false,
        false,
        &[
            f("特殊公費負担者番号", Text, 20, true),
            f("特殊公費受給者番号", Text, 20, false),
        ],
    ),
    rec(
        31,
        "レセプト種別レコード",
        Header,
        false,
        false,
        &[f("レセプト種別コード", Digits, 4, true)],
    ),
    rec(
        51,
        "処方箋交付年月日レコード",
        Header,
        true,
        false,
        &[f("処方箋交付年月日", Digits, 8, true)],
    ),
    rec(
        52,
        "使用期限年月日レコード",
        Header,
        false,
        false,
        &[f("使用期限年月日", Digits, 8, true)],
    ),
    rec(
        61,
        "麻薬施用レコード",
        Header,
        false,
        false,
        &[
            f("麻薬施用者免許番号", Ascii, 15, false),
            f("麻薬施用患者住所", Text, 50, true),
            f("麻薬施用患者電話番号", Ascii, 13, true),
        ],
    ),
    rec(
        62,
        "残薬確認欄レコード",
        Header,
        false,
        false,
        &[code("残薬確認対応フラグ", true, &["1", "2"])],
    ),
    rec(
        63,
        "分割指示レコード",
        Header,
        false,
        false,
        &[f("分割回数", Digits, 2, true), f("分割回", Digits, 2, true)],
    ),
    rec(
        64,
        "リフィル処方箋情報レコード",
        Header,
        false,
        false,
        &[f("総使用回数", Digits, 1, true)],
    ),
    rec(
        81,
        "備考レコード",
        Header,
        false,
        true,
        &[
            f("備考連番", Digits, 3, true),
            f("備考種別", Digits, 2, false),
            f("備考", Text, 50, true),
        ],
    ),
    rec(
        82,
        "処方箋番号レコード",
        Header,
        false,
        false,
        &[
            code("処方箋番号種別", true, &["1"]),
            f("処方箋番号", Digits, 16, true),
        ],
    ),
    rec(
        101,
        "剤形レコード",
        Rp,
        true,
        false,
        &[
            RP_NO,
            code("剤形区分", true, &["1", "2", "3", "4", "5", "6", "9"]),
            f("剤形名称", Text, 2, false),
            f("調剤数量", Digits, 3, true),
        ],
    ),
    rec(
        102,
        "分割指示調剤数量レコード",
        Rp,
        false,
        false,
        &[
            RP_NO,
            f("分割回ごと調剤数量", Digits, 3, true),
            f("総調剤数量", Digits, 3, true),
        ],
    ),
    rec(
        111,
        "用法レコード",
        Rp,
        true,
        false,
        &[
            RP_NO,
            code(
                "用法コード種別",
                true,
                &["1", "2", "3", "4", "5", "6", "7", "8"],
            ),
            f("用法コード", Ascii, 16, false),
            f("用法名称", Text, 50, true),
            f("1日回数", Digits, 2, false),
        ],
    ),
    rec(
        181,
        "用法補足レコード",
        Rp,
        false,
        true,
        &[
            RP_NO,
            f("RP補足連番", Digits, 3, true),
            f("用法補足区分", Digits, 2, false),
            f("用法補足情報", Text, 50, true),
            f("補足用法コード", Ascii, 8, false),
            f("部位コード", Ascii, 3, false),
        ],
    ),
    rec(
        201,
        "薬品レコード",
        Drug,
        true,
        false,
        &[
            RP_NO,
            DRUG_SEQ,
            code("情報区分", false, &["1", "2", "3"]),
            code("薬品コード種別", true, &["1", "2", "3", "4", "6", "7"]),
            f("薬品コード", Ascii, 13, false),
            f("薬品名称", Text, 40, false),
            f("用量", Amount, 12, true),
            code("力価フラグ", true, &["1", "2"]),
            f("単位名", Text, 6, true),
        ],
    ),
    rec(
        211,
        "単位変換レコード",
        Drug,
        false,
        false,
        &[RP_NO, DRUG_SEQ, f("単位変換係数", Amount, 12, true)],
    ),
    rec(
        221,
        "不均等レコード",
        Drug,
        false,
        false,
        &[
            RP_NO,
            DRUG_SEQ,
            f("1回目服用量", Amount, 12, true),
            f("2回目服用量", Amount, 12, true),
            DOSE,
            DOSE,
            DOSE,
            DOSE_CODE,
            DOSE_CODE,
            DOSE_CODE,
            DOSE_CODE,
            DOSE_CODE,
        ],
    ),
    rec(
        231,
        "負担区分レコード",
        Drug,
        false,
        false,
        &[
            RP_NO,
            DRUG_SEQ,
            code("第一公費負担区分", false, BURDEN),
            code("第二公費負担区分", false, BURDEN),
            code("第三公費負担区分", false, BURDEN),
            code("特殊公費負担区分", false, BURDEN),
        ],
    ),
    rec(
        241,
        "1回服用量レコード",
        Drug,
        false,
        false,
        &[
            RP_NO,
            DRUG_SEQ,
            f("1回服用量", Ascii, 12, true),
            f("1日服用回数", Digits, 2, false),
        ],
    ),
    rec(
        281,
        "薬品補足レコード",
        Drug,
        false,
        true,
        &[
            RP_NO,
            DRUG_SEQ,
            f("薬品補足連番", Digits, 3, true),
            f("薬品補足区分", Digits, 2, false),
            f("薬品補足情報", Text, 50, true),
            f("補足用法コード", Ascii, 8, false),
        ],
    ),
    rec(
        301,
        "提供診療情報レコード",
        Trailer,
        false,
        true,
        &[
            f("提供診療情報連番", Digits, 3, true),
            f("薬品名称", Text, 40, false),
            f("コメント", Text, 200, true),
        ],
    ),
    rec(
        302,
        "検査値データ等レコード",
        Trailer,
        false,
        true,
        &[
            f("検査値データ等連番", Digits, 3, true),
            f("検査値データ等", Text, 200, true),
        ],
    ),
];

/// The layout of record `no`, if it is one we know.
pub fn spec(no: u16) -> Option<&'static RecordSpec> {
    RECORDS.iter().find(|r| r.no == no)
}

/// The record that some EMRs write for 麻薬施用 instead of 61 (read, with a warning).
pub const NARCOTIC_ALIAS: u16 = 60;

/// Whether `text` is a quantity in the standard's form: up to 6 integer and
/// 5 decimal digits, no leading zeros (a lone `0` is kept), no trailing
/// decimal zeros, no point without decimals.
pub fn is_amount(text: &str) -> bool {
    let (int, frac) = match text.split_once('.') {
        Some((i, d)) => (i, Some(d)),
        None => (text, None),
    };
    let int_ok = !int.is_empty()
        && int.len() <= 6
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'));
    let frac_ok = match frac {
        None => true,
        Some(d) => {
            !d.is_empty()
                && d.len() <= 5
                && d.bytes().all(|b| b.is_ascii_digit())
                && !d.ends_with('0')
        }
    };
    int_ok && frac_ok
}

/// A quantity written the standard's way: `1.50` → `1.5`, `007` → `7`,
/// `2.0` → `2`, `.5` → `0.5`. `None` when it is not a non-negative decimal
/// number that fits 6 integer and 5 decimal digits.
pub fn normalize_amount(text: &str) -> Option<String> {
    let text = text.trim();
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    if int.len() > 6 || frac.len() > 5 {
        return None;
    }
    Some(if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_number_is_listed_once_and_in_order() {
        let numbers: Vec<u16> = RECORDS.iter().map(|r| r.no).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers, sorted);
    }

    #[test]
    fn amounts_follow_the_standard() {
        for ok in ["0", "0.25", "1.5", "100", "123456.78901"] {
            assert!(is_amount(ok), "{ok}");
        }
        for bad in [
            "", "01", "1.50", "1.", ".5", "1234567", "1.123456", "1,5", "-1",
        ] {
            assert!(!is_amount(bad), "{bad}");
        }
        assert_eq!(normalize_amount("1.50").as_deref(), Some("1.5"));
        assert_eq!(normalize_amount("007").as_deref(), Some("7"));
        assert_eq!(normalize_amount("2.0").as_deref(), Some("2"));
        assert_eq!(normalize_amount(".5").as_deref(), Some("0.5"));
        assert_eq!(normalize_amount("0.000").as_deref(), Some("0"));
        assert_eq!(normalize_amount("1e3"), None);
        assert_eq!(normalize_amount("1234567"), None);
    }
}
