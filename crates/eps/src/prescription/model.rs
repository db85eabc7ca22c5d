//! The prescription as data, one field per CSV field (values kept as the text
//! written, so reading and writing never change them), and its conversion to
//! and from records.

use serde::{Deserialize, Serialize};

/// One line of the CSV: its record number and fields, with the line it came
/// from (1-based, counting the version line; 0 for records we made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record number.
    pub no: u16,
    /// The fields after the record number.
    pub fields: Vec<String>,
    /// The line it was read from (0 when built).
    pub line: usize,
}

impl Record {
    fn new(no: u16, fields: Vec<String>) -> Self {
        Self {
            no,
            fields,
            line: 0,
        }
    }

    /// Field `i` (0-based, after the record number), empty when absent.
    pub fn get(&self, i: usize) -> String {
        self.fields.get(i).cloned().unwrap_or_default()
    }
}

/// A whole prescription (院外処方箋 / 電子処方箋).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Prescription {
    /// 医療機関 (records 1–3).
    pub institution: Institution,
    /// 診療科 (record 4).
    pub department: Option<Department>,
    /// 医師 (record 5).
    pub doctor: Doctor,
    /// 患者 (records 11–14).
    pub patient: Patient,
    /// 保険 (records 21–25).
    pub insurance: Insurance,
    /// 公費 (records 27–30): at most one per slot.
    pub public_expenses: Vec<PublicExpense>,
    /// レセプト種別コード (record 31).
    pub receipt_kind: Option<String>,
    /// 処方箋交付年月日, `YYYYMMDD` (record 51).
    pub issue_date: String,
    /// 使用期限年月日 (record 52).
    pub expiry_date: Option<String>,
    /// 麻薬施用 (record 61).
    pub narcotic: Option<Narcotic>,
    /// 残薬確認対応フラグ (record 62).
    pub leftover_check: Option<String>,
    /// 分割指示 (record 63).
    pub split: Option<Split>,
    /// リフィル総使用回数 (record 64).
    pub refill_total: Option<String>,
    /// 備考 (record 81).
    pub remarks: Vec<Remark>,
    /// 引換番号 (record 82).
    pub access_code: Option<String>,
    /// The RPs, in order.
    pub rps: Vec<Rp>,
    /// 提供診療情報 (record 301, 電子処方箋 only).
    pub clinical_notes: Vec<ClinicalNote>,
    /// 検査値データ等 (record 302, 電子処方箋 only).
    pub lab_values: Vec<LabValue>,
}

/// 医療機関.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Institution {
    /// 医療機関コード種別 (1 医科, 3 歯科, 6 訪問).
    pub kind: String,
    /// 医療機関コード (7).
    pub code: String,
    /// 都道府県コード (2).
    pub prefecture: String,
    /// 名称.
    pub name: String,
    /// 郵便番号 and 所在地 (record 2).
    pub address: Option<Address>,
    /// 電話 (record 3).
    pub phone: Option<Phone>,
}

/// 医療機関所在地 (record 2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    /// 郵便番号 (`123-4567`).
    pub postal_code: String,
    /// 所在地.
    pub address: String,
}

/// 医療機関電話 (record 3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Phone {
    /// 電話番号.
    pub phone: String,
    /// FAX番号.
    pub fax: String,
    /// その他連絡先.
    pub other: String,
}

/// 診療科 (record 4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Department {
    /// 診療科コード種別 (1 コードなし, 2 診療科コード).
    pub kind: String,
    /// 診療科コード.
    pub code: String,
    /// 診療科名.
    pub name: String,
}

/// 医師 (record 5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Doctor {
    /// 医師コード.
    pub code: String,
    /// カナ氏名 (半角).
    pub kana: String,
    /// 漢字氏名.
    pub name: String,
}

/// 患者 (records 11–14).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Patient {
    /// 患者コード.
    pub code: String,
    /// 漢字氏名.
    pub name: String,
    /// カナ氏名 (半角).
    pub kana: String,
    /// 性別 (1 男, 2 女).
    pub sex: String,
    /// 生年月日 (`YYYYMMDD`).
    pub birth_date: String,
    /// 一部負担金区分 (record 14).
    pub burden_category: Option<String>,
}

/// 保険 (records 21–25).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Insurance {
    /// 保険種別 (record 21).
    pub kind: Option<String>,
    /// 保険者番号 (record 22; empty for 公費単独).
    pub insurer_number: String,
    /// 被保険者証記号.
    pub symbol: String,
    /// 被保険者証番号.
    pub number: String,
    /// 被保険者/被扶養者 (1 / 2).
    pub relation: String,
    /// 枝番 (2 digits).
    pub branch: String,
    /// 患者負担率 and 保険給付率 (record 24).
    pub rates: Option<Rates>,
    /// 職務上の事由 (record 25).
    pub occupational: Option<String>,
}

/// 負担・給付率 (record 24).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rates {
    /// 患者負担率 (%).
    pub patient: String,
    /// 保険給付率 (%).
    pub benefit: String,
}

/// 公費 (records 27–30).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicExpense {
    /// 1 第一, 2 第二, 3 第三, 4 特殊.
    pub slot: u8,
    /// 負担者番号.
    pub payer: String,
    /// 受給者番号.
    pub recipient: String,
}

/// 麻薬施用 (record 61).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Narcotic {
    /// 麻薬施用者免許番号.
    pub license: String,
    /// 患者住所.
    pub address: String,
    /// 患者電話番号.
    pub phone: String,
}

/// 分割指示 (record 63).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Split {
    /// 分割回数.
    pub count: String,
    /// 分割回 (this is the n-th).
    pub nth: String,
}

/// 備考 (record 81).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Remark {
    /// 備考連番.
    pub seq: String,
    /// 備考種別 (1 一包化, 2 粉砕, 3 分割; empty 不明).
    pub kind: String,
    /// 備考.
    pub text: String,
}

/// One RP (records 101–181 and its drugs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rp {
    /// RP番号.
    pub number: String,
    /// 剤形区分 (1 内服, 2 頓服, 3 外用, 4 内服滴剤, 5 注射, 6 医療材料, 9 不明).
    pub form: String,
    /// 剤形名称 (only with 9 不明).
    pub form_name: String,
    /// 調剤数量 (日数 or 回数).
    pub quantity: String,
    /// 分割指示調剤数量 (record 102).
    pub split_quantity: Option<SplitQuantity>,
    /// 用法 (record 111).
    pub usage: Usage,
    /// 用法補足 (record 181).
    pub usage_notes: Vec<UsageNote>,
    /// The drugs.
    pub drugs: Vec<Drug>,
}

/// 分割指示調剤数量 (record 102).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SplitQuantity {
    /// 分割回ごと調剤数量.
    pub per_split: String,
    /// 総調剤数量.
    pub total: String,
}

/// 用法 (record 111).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Usage {
    /// 用法コード種別 (1 コードなし, 2 JAMI, 3 電子処方箋用法マスタ).
    pub code_kind: String,
    /// 用法コード (16).
    pub code: String,
    /// 用法名称.
    pub name: String,
    /// 1日回数.
    pub times_per_day: String,
}

/// 用法補足 (record 181).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsageNote {
    /// RP補足連番.
    pub seq: String,
    /// 用法補足区分 (1–9).
    pub kind: String,
    /// 用法補足情報.
    pub text: String,
    /// 補足用法コード (8).
    pub code: String,
    /// 部位コード (3).
    pub site: String,
}

/// One drug (records 201–281).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Drug {
    /// RP内連番.
    pub seq: String,
    /// 情報区分 (1 医薬品, 2 医療材料, 3 非保険).
    pub info_kind: String,
    /// 薬品コード種別 (2 レセプト電算, 3 薬価基準, 4 YJ, 6 HOT, 7 一般名).
    pub code_kind: String,
    /// 薬品コード.
    pub code: String,
    /// 薬品名称, exactly as in the master.
    pub name: String,
    /// 用量 (no trailing zeros).
    pub amount: String,
    /// 力価フラグ (1 製剤, 2 力価).
    pub potency: String,
    /// 単位名.
    pub unit: String,
    /// 単位変換係数 (record 211).
    pub unit_factor: Option<String>,
    /// 不均等 (record 221): the ten fields after the RP and drug numbers.
    pub uneven: Option<Vec<String>>,
    /// 負担区分 (record 231): 第一, 第二, 第三, 特殊.
    pub burden: Option<Vec<String>>,
    /// 1回服用量 (record 241).
    pub per_dose: Option<PerDose>,
    /// 薬品補足 (record 281).
    pub notes: Vec<DrugNote>,
}

/// 1回服用量 (record 241).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PerDose {
    /// 1回服用量 (`1`, `2/3`).
    pub dose: String,
    /// 1日服用回数.
    pub times_per_day: String,
}

/// 薬品補足 (record 281).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DrugNote {
    /// 薬品補足連番.
    pub seq: String,
    /// 薬品補足区分 (1 一包化, 2 粉砕, 3 後発品変更不可, …).
    pub kind: String,
    /// 薬品補足情報.
    pub text: String,
    /// 補足用法コード.
    pub code: String,
}

/// 提供診療情報 (record 301).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClinicalNote {
    /// 連番.
    pub seq: String,
    /// 薬品名称.
    pub drug_name: String,
    /// コメント.
    pub comment: String,
}

/// 検査値データ等 (record 302).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LabValue {
    /// 連番.
    pub seq: String,
    /// 検査値データ等.
    pub text: String,
}

fn s(v: &[&String]) -> Vec<String> {
    v.iter().map(|x| (*x).clone()).collect()
}

impl Prescription {
    /// The records of this prescription in the standard's order: 1–82, then
    /// per RP 101–181 followed by each drug's 201–281, then 301/302.
    pub fn to_records(&self) -> Vec<Record> {
        let mut out = Vec::new();
        let mut push = |no: u16, fields: Vec<String>| out.push(Record::new(no, fields));
        let i = &self.institution;
        push(1, s(&[&i.kind, &i.code, &i.prefecture, &i.name]));
        if let Some(a) = &i.address {
            push(2, s(&[&a.postal_code, &a.address]));
        }
        if let Some(p) = &i.phone {
            push(3, s(&[&p.phone, &p.fax, &p.other]));
        }
        if let Some(d) = &self.department {
            push(4, s(&[&d.kind, &d.code, &d.name]));
        }
        let d = &self.doctor;
        push(5, s(&[&d.code, &d.kana, &d.name]));
        let p = &self.patient;
        push(11, s(&[&p.code, &p.name, &p.kana]));
        push(12, s(&[&p.sex]));
        push(13, s(&[&p.birth_date]));
        if let Some(b) = &p.burden_category {
            push(14, s(&[b]));
        }
        let ins = &self.insurance;
        if let Some(k) = &ins.kind {
            push(21, s(&[k]));
        }
        push(22, s(&[&ins.insurer_number]));
        push(
            23,
            s(&[&ins.symbol, &ins.number, &ins.relation, &ins.branch]),
        );
        if let Some(r) = &ins.rates {
            push(24, s(&[&r.patient, &r.benefit]));
        }
        if let Some(o) = &ins.occupational {
            push(25, s(&[o]));
        }
        let mut expenses: Vec<&PublicExpense> = self.public_expenses.iter().collect();
        expenses.sort_by_key(|e| e.slot);
        for e in expenses {
            push(26 + u16::from(e.slot), s(&[&e.payer, &e.recipient]));
        }
        if let Some(k) = &self.receipt_kind {
            push(31, s(&[k]));
        }
        push(51, s(&[&self.issue_date]));
        if let Some(e) = &self.expiry_date {
            push(52, s(&[e]));
        }
        if let Some(n) = &self.narcotic {
            push(61, s(&[&n.license, &n.address, &n.phone]));
        }
        if let Some(l) = &self.leftover_check {
            push(62, s(&[l]));
        }
        if let Some(sp) = &self.split {
            push(63, s(&[&sp.count, &sp.nth]));
        }
        if let Some(r) = &self.refill_total {
            push(64, s(&[r]));
        }
        for r in &self.remarks {
            push(81, s(&[&r.seq, &r.kind, &r.text]));
        }
        if let Some(a) = &self.access_code {
            push(82, vec!["1".into(), a.clone()]);
        }
        for rp in &self.rps {
            let n = &rp.number;
            push(101, s(&[n, &rp.form, &rp.form_name, &rp.quantity]));
            if let Some(q) = &rp.split_quantity {
                push(102, s(&[n, &q.per_split, &q.total]));
            }
            let u = &rp.usage;
            push(
                111,
                s(&[n, &u.code_kind, &u.code, &u.name, &u.times_per_day]),
            );
            for note in &rp.usage_notes {
                push(
                    181,
                    s(&[n, &note.seq, &note.kind, &note.text, &note.code, &note.site]),
                );
            }
            for drug in &rp.drugs {
                let q = &drug.seq;
                push(
                    201,
                    s(&[
                        n,
                        q,
                        &drug.info_kind,
                        &drug.code_kind,
                        &drug.code,
                        &drug.name,
                        &drug.amount,
                        &drug.potency,
                        &drug.unit,
                    ]),
                );
                if let Some(factor) = &drug.unit_factor {
                    push(211, s(&[n, q, factor]));
                }
                if let Some(uneven) = &drug.uneven {
                    push(
                        221,
                        [n.clone(), q.clone()]
                            .into_iter()
                            .chain(uneven.iter().cloned())
                            .collect(),
                    );
                }
                if let Some(burden) = &drug.burden {
                    push(
                        231,
                        [n.clone(), q.clone()]
                            .into_iter()
                            .chain(burden.iter().cloned())
                            .collect(),
                    );
                }
                if let Some(d) = &drug.per_dose {
                    push(241, s(&[n, q, &d.dose, &d.times_per_day]));
                }
                for note in &drug.notes {
                    push(
                        281,
                        s(&[n, q, &note.seq, &note.kind, &note.text, &note.code]),
                    );
                }
            }
        }
        for c in &self.clinical_notes {
            push(301, s(&[&c.seq, &c.drug_name, &c.comment]));
        }
        for l in &self.lab_values {
            push(302, s(&[&l.seq, &l.text]));
        }
        out
    }

    /// The prescription held by `records`, whatever their order. Records it
    /// does not know, and fields beyond a record's layout, are left out here
    /// and reported by [`super::validate`]; a record that repeats where it
    /// should not keeps its last value.
    pub fn from_records(records: &[Record]) -> Self {
        let mut p = Prescription::default();
        for r in records {
            let g = |i: usize| r.get(i);
            match r.no {
                1 => {
                    p.institution.kind = g(0);
                    p.institution.code = g(1);
                    p.institution.prefecture = g(2);
                    p.institution.name = g(3);
                }
                2 => {
                    p.institution.address = Some(Address {
                        postal_code: g(0),
                        address: g(1),
                    })
                }
                3 => {
                    p.institution.phone = Some(Phone {
                        phone: g(0),
                        fax: g(1),
                        other: g(2),
                    })
                }
                4 => {
                    p.department = Some(Department {
                        kind: g(0),
                        code: g(1),
                        name: g(2),
                    })
                }
                5 => {
                    p.doctor = Doctor {
                        code: g(0),
                        kana: g(1),
                        name: g(2),
                    }
                }
                11 => {
                    p.patient.code = g(0);
                    p.patient.name = g(1);
                    p.patient.kana = g(2);
                }
                12 => p.patient.sex = g(0),
                13 => p.patient.birth_date = g(0),
                14 => p.patient.burden_category = Some(g(0)),
                21 => p.insurance.kind = Some(g(0)),
                22 => p.insurance.insurer_number = g(0),
                23 => {
                    p.insurance.symbol = g(0);
                    p.insurance.number = g(1);
                    p.insurance.relation = g(2);
                    p.insurance.branch = g(3);
                }
                24 => {
                    p.insurance.rates = Some(Rates {
                        patient: g(0),
                        benefit: g(1),
                    })
                }
                25 => p.insurance.occupational = Some(g(0)),
                27..=30 => {
                    let slot = (r.no - 26) as u8;
                    p.public_expenses.retain(|e| e.slot != slot);
                    p.public_expenses.push(PublicExpense {
                        slot,
                        payer: g(0),
                        recipient: g(1),
                    });
                }
                31 => p.receipt_kind = Some(g(0)),
                51 => p.issue_date = g(0),
                52 => p.expiry_date = Some(g(0)),
                60 | 61 => {
                    p.narcotic = Some(Narcotic {
                        license: g(0),
                        address: g(1),
                        phone: g(2),
                    })
                }
                62 => p.leftover_check = Some(g(0)),
                63 => {
                    p.split = Some(Split {
                        count: g(0),
                        nth: g(1),
                    })
                }
                64 => p.refill_total = Some(g(0)),
                81 => p.remarks.push(Remark {
                    seq: g(0),
                    kind: g(1),
                    text: g(2),
                }),
                82 => p.access_code = Some(g(1)),
                101 => {
                    let rp = rp_mut(&mut p.rps, &g(0));
                    rp.form = g(1);
                    rp.form_name = g(2);
                    rp.quantity = g(3);
                }
                102 => {
                    rp_mut(&mut p.rps, &g(0)).split_quantity = Some(SplitQuantity {
                        per_split: g(1),
                        total: g(2),
                    })
                }
                111 => {
                    rp_mut(&mut p.rps, &g(0)).usage = Usage {
                        code_kind: g(1),
                        code: g(2),
                        name: g(3),
                        times_per_day: g(4),
                    };
                }
                181 => rp_mut(&mut p.rps, &g(0)).usage_notes.push(UsageNote {
                    seq: g(1),
                    kind: g(2),
                    text: g(3),
                    code: g(4),
                    site: g(5),
                }),
                201 => {
                    let d = drug_mut(&mut p.rps, &g(0), &g(1));
                    d.info_kind = g(2);
                    d.code_kind = g(3);
                    d.code = g(4);
                    d.name = g(5);
                    d.amount = g(6);
                    d.potency = g(7);
                    d.unit = g(8);
                }
                211 => drug_mut(&mut p.rps, &g(0), &g(1)).unit_factor = Some(g(2)),
                221 => drug_mut(&mut p.rps, &g(0), &g(1)).uneven = Some((2..12).map(g).collect()),
                231 => drug_mut(&mut p.rps, &g(0), &g(1)).burden = Some((2..6).map(g).collect()),
                241 => {
                    drug_mut(&mut p.rps, &g(0), &g(1)).per_dose = Some(PerDose {
                        dose: g(2),
                        times_per_day: g(3),
                    })
                }
                281 => drug_mut(&mut p.rps, &g(0), &g(1)).notes.push(DrugNote {
                    seq: g(2),
                    kind: g(3),
                    text: g(4),
                    code: g(5),
                }),
                301 => p.clinical_notes.push(ClinicalNote {
                    seq: g(0),
                    drug_name: g(1),
                    comment: g(2),
                }),
                302 => p.lab_values.push(LabValue {
                    seq: g(0),
                    text: g(1),
                }),
                _ => {}
            }
        }
        p
    }
}

fn rp_mut<'a>(rps: &'a mut Vec<Rp>, number: &str) -> &'a mut Rp {
    match rps.iter().position(|rp| rp.number == number) {
        Some(i) => &mut rps[i],
        None => {
            rps.push(Rp {
                number: number.to_string(),
                ..Rp::default()
            });
            let last = rps.len() - 1;
            &mut rps[last]
        }
    }
}

fn drug_mut<'a>(rps: &'a mut Vec<Rp>, rp: &str, seq: &str) -> &'a mut Drug {
    let drugs = &mut rp_mut(rps, rp).drugs;
    match drugs.iter().position(|d| d.seq == seq) {
        Some(i) => &mut drugs[i],
        None => {
            drugs.push(Drug {
                seq: seq.to_string(),
                ..Drug::default()
            });
            let last = drugs.len() - 1;
            &mut drugs[last]
        }
    }
}
