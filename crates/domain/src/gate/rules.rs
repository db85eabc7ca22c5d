//! The table of what each problem does, and the Markdown made from it.

use okusuri_jahis::{Issue, Severity};

/// What a problem does to the document that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The document is not stored at all.
    Refuse,
    /// The document is stored; the message is kept with its dispensing.
    Warn,
}

/// One line of the table: a problem code, optionally only in some records.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The issue code (see the `okusuri-jahis` crate docs and [`codes`]).
    pub code: &'static str,
    /// The records it applies to; empty for every record.
    pub records: &'static [&'static str],
    /// What it does.
    pub verdict: Verdict,
    /// Why, in Japanese (for the pharmacy's documentation).
    pub why: &'static str,
}

/// The gate's own problem codes (beyond the reader's).
pub mod codes {
    /// The file is larger than the configured limit.
    pub const TOO_LARGE: &str = "file.too_large";
    /// The file is empty.
    pub const EMPTY: &str = "file.empty";
    /// The first line is not a JAHIS version line.
    pub const NOT_JAHIS: &str = "file.not_jahis";
    /// The last line has no line end (a file still being written).
    pub const INCOMPLETE: &str = "file.incomplete_last_line";
    /// Scanned QR parts do not make one notebook.
    pub const QR_PARTS: &str = "qr.parts";
    /// A date before 1900.
    pub const DATE_BEFORE_1900: &str = "date.before_1900";
    /// A birth date after today.
    pub const BIRTH_IN_FUTURE: &str = "patient.birth_in_future";
    /// A dispensing dated after tomorrow.
    pub const DISPENSED_IN_FUTURE: &str = "dispensing.date_in_future";
    /// A 用量 that is not a positive number.
    pub const DOSE_INVALID: &str = "drug.dose_invalid";
    /// A 調剤数量 of zero.
    pub const QUANTITY_ZERO: &str = "usage.quantity_zero";
}

const IDENTITY_RECORDS: &[&str] = &["1", "5", "201", "301"];
const ALL: &[&str] = &[];

const fn refuse(code: &'static str, records: &'static [&'static str], why: &'static str) -> Rule {
    Rule {
        code,
        records,
        verdict: Verdict::Refuse,
        why,
    }
}

const fn warn(code: &'static str, records: &'static [&'static str], why: &'static str) -> Rule {
    Rule {
        code,
        records,
        verdict: Verdict::Warn,
        why,
    }
}

/// The table (first match wins).
pub const RULES: &[Rule] = &[
    refuse(
        codes::TOO_LARGE,
        ALL,
        "設定の上限を超えるファイルは読みません。",
    ),
    refuse(codes::EMPTY, ALL, "中身がありません。"),
    refuse(codes::NOT_JAHIS, ALL, "JAHIS形式ではありません。"),
    refuse(
        codes::INCOMPLETE,
        ALL,
        "書き込み途中のファイルです。書き終わると自動で再読込します。",
    ),
    refuse(codes::QR_PARTS, ALL, "分割QRの欠け・重複・混在。"),
    refuse(
        "text.control_character",
        ALL,
        "NULなどの制御コードは壊れたデータです。",
    ),
    refuse(
        "text.undecodable",
        ALL,
        "文字化けした内容は患者・薬を取り違えるおそれがあります。",
    ),
    refuse(
        "field.required_missing",
        IDENTITY_RECORDS,
        "患者・調剤日・薬品・用法を特定する必須項目です。",
    ),
    warn(
        "field.required_missing",
        ALL,
        "実際の出力（仕様書の例を含む）で空のことがある項目です。",
    ),
    refuse(
        "field.date",
        ALL,
        "日付でない日付は履歴の並びと服薬期間を誤らせます。",
    ),
    refuse(
        codes::DATE_BEFORE_1900,
        ALL,
        "1900年より前の日付はありえません。",
    ),
    refuse(
        codes::BIRTH_IN_FUTURE,
        ALL,
        "未来の生年月日はありえません。",
    ),
    refuse(
        codes::DISPENSED_IN_FUTURE,
        ALL,
        "明日より後の調剤日はありえません。",
    ),
    refuse(
        "field.too_long",
        &["1", "3", "31", "201"],
        "患者・薬品を特定する項目が長すぎるのは壊れたデータです。",
    ),
    refuse(
        "field.too_long",
        &["301"],
        "調剤数量・用法が長すぎるのは壊れたデータです。",
    ),
    warn(
        "field.too_long",
        ALL,
        "注意・備考などの長い文章はそのまま保持します。",
    ),
    refuse(
        "field.type",
        &["1", "5", "201", "301"],
        "患者・薬品・用法の項目の型が違います。",
    ),
    warn(
        "field.type",
        ALL,
        "その他の項目の型の違いは保持して表示します。",
    ),
    refuse(
        "field.code_unknown",
        &["1"],
        "性別が不明なコードでは患者を特定できません。",
    ),
    warn(
        "field.code_unknown",
        ALL,
        "未定義のコードは保持して表示します。",
    ),
    refuse(
        "field.not_a_number",
        ALL,
        "数値項目を読めないと値が失われます。",
    ),
    refuse(
        codes::DOSE_INVALID,
        ALL,
        "用量が正の数でないと残量の計算を誤ります。",
    ),
    refuse(
        codes::QUANTITY_ZERO,
        ALL,
        "調剤数量0では服薬期間を計算できません。",
    ),
    refuse(
        "patient.missing",
        ALL,
        "患者情報がないと誰の履歴かわかりません。",
    ),
    refuse(
        "patient.duplicate",
        ALL,
        "1つのファイルに2人の患者は取り違えのおそれがあります。",
    ),
    refuse(
        "dispensing.without_date",
        ALL,
        "調剤日の前の薬品は親のないレコードです。",
    ),
    refuse(
        "otc.component_without_parent",
        ALL,
        "親のないレコードです。",
    ),
    refuse("drug.detail_without_drug", ALL, "親のないレコードです。"),
    refuse("usage.without_drug", ALL, "親のないレコードです。"),
    refuse("usage.detail_without_usage", ALL, "親のないレコードです。"),
    refuse(
        "dispensing.duplicate_record",
        ALL,
        "1回の調剤に同じ情報が2つあり、どちらが正しいかわかりません。",
    ),
    warn(
        "header.output_category",
        ALL,
        "出力区分の誤りは内容に影響しません。",
    ),
    warn(
        "record.extra_fields",
        ALL,
        "新しい版の追加項目です（仕様書の例8にもあります）。",
    ),
    warn(
        "record.out_of_order",
        ALL,
        "順序が違っても親子関係は読み取れます。",
    ),
    warn(
        "drug.code_missing",
        ALL,
        "薬品名で表示します（コードによる照合はできません）。",
    ),
    warn(
        "drug.code_format",
        ALL,
        "コードの桁数の違いは保持して表示します。",
    ),
    warn("drug.generic_code_missing", ALL, "一般名で表示します。"),
    warn("usage.code_missing", ALL, "用法名称で表示します。"),
    warn(
        "rp.usage_missing",
        ALL,
        "用法のないRPは残量を計算しません。",
    ),
    warn(
        "dispensing.institution_missing",
        ALL,
        "調剤した施設の表示がありません。",
    ),
    warn("otc.component_code_missing", ALL, "成分名で表示します。"),
];

/// What an issue does (the table, then the reader's severity).
pub fn verdict(issue: &Issue) -> Verdict {
    // By record number, not text: `001` is record 1 (found by the fuzzer).
    let record = issue
        .record
        .as_deref()
        .map(okusuri_jahis::schema::record_id);
    let applies = |rule: &Rule| {
        rule.records.is_empty()
            || rule
                .records
                .iter()
                .any(|r| Some(okusuri_jahis::schema::record_id(r)) == record)
    };
    RULES
        .iter()
        .find(|r| r.code == issue.code && applies(r))
        .map_or(
            match issue.severity {
                Severity::Error => Verdict::Refuse,
                Severity::Warning => Verdict::Warn,
            },
            |r| r.verdict,
        )
}

/// The table as Markdown (`docs/import-rules.md` is this, checked by a test).
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# What the import gate refuses and what it warns\n\n\
         Generated from `crates/domain/src/gate.rs` (`RULES`); a test keeps the two equal\n\
         (`UPDATE_DOCS=1 cargo test -p okusuri-domain rules_doc` rewrites this file).\n\n\
         Every way JAHIS data enters Okusuri Desk — the receipt computer's folder, 取込, `okusuri import`,\n\
         他社手帳 (QR or text), the demo — passes this one check before anything is stored.\n\
         **Refuse**: nothing of the file is stored; it is listed in 取込エラー with line, record, field and\n\
         message. Correct the export (or ask the vendor), then press 再試行 or write the file again — a\n\
         changed file is read again by itself. **Warn**: the file is stored; the message is kept with the\n\
         dispensing it concerns and shown as ⚠ on it in お薬履歴.\n\n\
         The first row that matches a problem's code (and record) applies; a code not listed refuses when\n\
         the reader calls it an error and warns otherwise.\n\n\
         | Code | Records | Verdict | Why |\n|---|---|---|---|\n",
    );
    for r in RULES {
        let records = if r.records.is_empty() {
            "all".to_owned()
        } else {
            r.records.join(", ")
        };
        let verdict = match r.verdict {
            Verdict::Refuse => "**refuse**",
            Verdict::Warn => "warn",
        };
        out.push_str(&format!(
            "| `{}` | {records} | {verdict} | {} |\n",
            r.code, r.why
        ));
    }
    out
}
