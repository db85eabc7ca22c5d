//! What the demo pharmacy's day is made of: facilities, drugs, regimens and
//! people. Names are invented; drug names are real products written the way
//! receipt computers write them, with codes left out (薬品コード種別 1,
//! "no code"), so nothing here pretends to be a checked master entry.

/// A facility that appears in dispensings (record 11 or 51).
#[derive(Debug, Clone, Copy)]
pub struct Facility {
    /// Its name.
    pub name: &'static str,
    /// 都道府県 code.
    pub prefecture: &'static str,
    /// 点数表: 1 医科, 4 調剤.
    pub table: &'static str,
    /// 医療機関等コード (7 digits).
    pub code: &'static str,
}

/// The demo pharmacy itself (its codes are set in 設定 so its dispensings are
/// "this facility's").
pub const HOME: Facility = Facility {
    name: "デモ薬局 本店",
    prefecture: "13",
    table: "4",
    code: "9999991",
};

/// Another pharmacy, whose dispensings reach us through the patient's notebook.
pub const OTHER_PHARMACY: Facility = Facility {
    name: "さくら調剤薬局",
    prefecture: "13",
    table: "4",
    code: "8888881",
};

/// A hospital (内科), the long-term patients' prescriber.
pub const HOSPITAL: Facility = Facility {
    name: "デモ総合病院",
    prefecture: "13",
    table: "1",
    code: "7777771",
};

/// A clinic (整形外科).
pub const ORTHO: Facility = Facility {
    name: "みどり整形外科クリニック",
    prefecture: "13",
    table: "1",
    code: "6666661",
};

/// A clinic (小児科・皮膚科).
pub const FAMILY: Facility = Facility {
    name: "あおば小児科皮膚科",
    prefecture: "13",
    table: "1",
    code: "5555551",
};

/// 剤形コード of record 301.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// 内服: amount per day, 調剤数量 in 日分.
    Oral,
    /// 頓服: amount per dose, 調剤数量 in 回分.
    AsNeeded,
    /// 外用: total amount, 調剤数量 1 調剤.
    External,
}

impl Form {
    /// The code written in record 301.
    pub fn code(self) -> &'static str {
        match self {
            Form::Oral => "1",
            Form::AsNeeded => "3",
            Form::External => "5",
        }
    }
}

/// One drug line of an RP.
#[derive(Debug, Clone, Copy)]
pub struct Drug {
    /// 薬品名.
    pub name: &'static str,
    /// 用量 (per day for 内服, per dose for 頓服, in all for 外用).
    pub amount: &'static str,
    /// 単位.
    pub unit: &'static str,
    /// 服薬注意 (record 291), if any.
    pub caution: Option<&'static str>,
}

/// An RP: drugs taken the same way.
#[derive(Debug, Clone, Copy)]
pub struct Regimen {
    /// The drugs.
    pub drugs: &'static [Drug],
    /// 用法名称.
    pub usage: &'static str,
    /// 剤形.
    pub form: Form,
    /// 日分 for 内服, 回分 for 頓服 (外用: ignored, 1 調剤).
    pub quantity: u32,
}

const fn drug(name: &'static str, amount: &'static str, unit: &'static str) -> Drug {
    Drug {
        name,
        amount,
        unit,
        caution: None,
    }
}

/// 高血圧: one tablet in the morning.
pub const AMLODIPINE: Regimen = Regimen {
    drugs: &[drug("アムロジピン錠５ｍｇ「サワイ」", "1", "錠")],
    usage: "１日１回朝食後",
    form: Form::Oral,
    quantity: 28,
};

/// 脂質異常症.
pub const ROSUVASTATIN: Regimen = Regimen {
    drugs: &[drug("ロスバスタチン錠２．５ｍｇ「ＤＳＥＰ」", "1", "錠")],
    usage: "１日１回夕食後",
    form: Form::Oral,
    quantity: 28,
};

/// 糖尿病 and the stomach, twice a day.
pub const METFORMIN: Regimen = Regimen {
    drugs: &[
        drug("メトホルミン塩酸塩錠２５０ｍｇＭＴ「トーワ」", "4", "錠"),
        drug("ファモチジン錠１０ｍｇ「サワイ」", "2", "錠"),
    ],
    usage: "１日２回朝夕食後",
    form: Form::Oral,
    quantity: 28,
};

/// 抗凝固: with the 納豆 warning.
pub const WARFARIN: Regimen = Regimen {
    drugs: &[Drug {
        name: "ワーファリン錠１ｍｇ",
        amount: "2",
        unit: "錠",
        caution: Some("納豆・青汁・クロレラは避けてください"),
    }],
    usage: "１日１回朝食後",
    form: Form::Oral,
    quantity: 28,
};

/// 便秘 and the stomach lining, three times a day.
pub const MAGNESIUM: Regimen = Regimen {
    drugs: &[
        drug("酸化マグネシウム錠３３０ｍｇ「ケンエー」", "3", "錠"),
        drug("レバミピド錠１００ｍｇ「サワイ」", "3", "錠"),
    ],
    usage: "１日３回毎食後",
    form: Form::Oral,
    quantity: 28,
};

/// 不眠.
pub const ZOLPIDEM: Regimen = Regimen {
    drugs: &[drug("ゾルピデム酒石酸塩錠５ｍｇ「サワイ」", "1", "錠")],
    usage: "１日１回就寝前",
    form: Form::Oral,
    quantity: 14,
};

/// 痛み止め as needed (頓用).
pub const LOXOPROFEN_PRN: Regimen = Regimen {
    drugs: &[drug("ロキソプロフェンＮａ錠６０ｍｇ「サワイ」", "1", "錠")],
    usage: "疼痛時",
    form: Form::AsNeeded,
    quantity: 10,
};

/// 湿布 (外用).
pub const LOXOPROFEN_TAPE: Regimen = Regimen {
    drugs: &[drug(
        "ロキソプロフェンＮａテープ１００ｍｇ「ユートク」",
        "28",
        "枚",
    )],
    usage: "１日１回 患部に貼付",
    form: Form::External,
    quantity: 1,
};

/// 保湿剤 (外用).
pub const HEPARINOID: Regimen = Regimen {
    drugs: &[drug(
        "ヘパリン類似物質油性クリーム０．３％「ニットー」",
        "50",
        "ｇ",
    )],
    usage: "１日２回 患部に塗布",
    form: Form::External,
    quantity: 1,
};

/// 点眼 (外用).
pub const OLOPATADINE_EYE: Regimen = Regimen {
    drugs: &[drug("オロパタジン点眼液０．１％「サワイ」", "5", "ｍＬ")],
    usage: "１日４回 両眼に点眼",
    form: Form::External,
    quantity: 1,
};

/// 花粉症.
pub const FEXOFENADINE: Regimen = Regimen {
    drugs: &[drug(
        "フェキソフェナジン塩酸塩錠６０ｍｇ「サワイ」",
        "2",
        "錠",
    )],
    usage: "１日２回朝夕食後",
    form: Form::Oral,
    quantity: 14,
};

/// 抗菌薬 for a few days.
pub const AMOXICILLIN: Regimen = Regimen {
    drugs: &[drug(
        "アモキシシリンカプセル２５０ｍｇ「日医工」",
        "3",
        "カプセル",
    )],
    usage: "１日３回毎食後",
    form: Form::Oral,
    quantity: 5,
};

/// 小児の咳: powders (散剤), mixed.
pub const CHILD_COUGH_POWDER: Regimen = Regimen {
    drugs: &[
        drug("カルボシステインＤＳ５０％「タカタ」", "0.9", "ｇ"),
        drug("アスベリン散１０％", "0.3", "ｇ"),
    ],
    usage: "１日３回毎食後",
    form: Form::Oral,
    quantity: 5,
};

/// 解熱 for a child, as needed.
pub const CHILD_FEVER_PRN: Regimen = Regimen {
    drugs: &[drug("アセトアミノフェン細粒２０％「トーワ」", "0.5", "ｇ")],
    usage: "発熱時（３８．５℃以上）",
    form: Form::AsNeeded,
    quantity: 5,
};

/// 漢方 before meals.
pub const KAKKONTO: Regimen = Regimen {
    drugs: &[drug("ツムラ葛根湯エキス顆粒（医療用）", "7.5", "ｇ")],
    usage: "１日３回毎食前",
    form: Form::Oral,
    quantity: 5,
};

/// A patient of the demo.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    /// 漢字氏名 as written on the card.
    pub name: &'static str,
    /// カナ氏名.
    pub kana: &'static str,
    /// 1 male, 2 female.
    pub sex: u8,
    /// Age today in years (birth date = today minus this, minus `birth_days`).
    pub age: u32,
    /// Days more before the birthday, so birthdays are spread over the year.
    pub birth_days: u32,
    /// Their story.
    pub story: Story,
    /// Touched today at this many minutes before now (None: not today).
    pub today: Option<u32>,
}

/// How a patient uses the pharmacy.
#[derive(Debug, Clone, Copy)]
pub enum Story {
    /// Two years of regular prescriptions every 28 days, still taking.
    LongTerm(&'static [Regimen]),
    /// A few visits for short courses.
    Occasional(&'static [Regimen]),
    /// A child: powders and 頓用.
    Child,
    /// Only OTC (市販薬) and other pharmacies' dispensings, from their notebook.
    NotebookOnly,
    /// A new card patient not yet linked to the receipt computer's record
    /// (the receipt computer writes the name with another character).
    Unlinked {
        /// The name as the receipt computer writes it.
        receipt_name: &'static str,
    },
}

/// The regular ones of a long-term patient.
const BP: &[Regimen] = &[AMLODIPINE, ROSUVASTATIN];
const DM: &[Regimen] = &[METFORMIN, AMLODIPINE, MAGNESIUM];
const HEART: &[Regimen] = &[WARFARIN, AMLODIPINE, ZOLPIDEM];
const PAIN: &[Regimen] = &[MAGNESIUM, LOXOPROFEN_PRN, LOXOPROFEN_TAPE];
const SKIN: &[Regimen] = &[HEPARINOID, FEXOFENADINE];
const ALLERGY: &[Regimen] = &[FEXOFENADINE, OLOPATADINE_EYE];
const COLD: &[Regimen] = &[AMOXICILLIN, KAKKONTO, LOXOPROFEN_PRN];

const fn person(
    name: &'static str,
    kana: &'static str,
    sex: u8,
    age: u32,
    birth_days: u32,
    story: Story,
    today: Option<u32>,
) -> Person {
    Person {
        name,
        kana,
        sex,
        age,
        birth_days,
        story,
        today,
    }
}

/// The demo's patients: 32 people, 10 of them at the counter today.
pub const PEOPLE: &[Person] = &[
    person(
        "春茂 拓哉",
        "ハルモ タクヤ",
        1,
        72,
        40,
        Story::LongTerm(BP),
        Some(8),
    ),
    person(
        "春茂 花子",
        "ハルモ ハナコ",
        2,
        70,
        200,
        Story::LongTerm(DM),
        Some(9),
    ),
    person(
        "佐藤 一郎",
        "サトウ イチロウ",
        1,
        81,
        10,
        Story::LongTerm(HEART),
        Some(25),
    ),
    person(
        "鈴木 和子",
        "スズキ カズコ",
        2,
        77,
        90,
        Story::LongTerm(PAIN),
        Some(41),
    ),
    person(
        "高田 健",
        "タカダ ケン",
        1,
        64,
        300,
        Story::LongTerm(DM),
        Some(58),
    ),
    person(
        "田中 美咲",
        "タナカ ミサキ",
        2,
        34,
        120,
        Story::Occasional(COLD),
        Some(66),
    ),
    person(
        "伊藤 陽翔",
        "イトウ ハルト",
        1,
        4,
        30,
        Story::Child,
        Some(80),
    ),
    person(
        "渡辺 直美",
        "ワタナベ ナオミ",
        2,
        45,
        250,
        Story::Occasional(ALLERGY),
        Some(97),
    ),
    person(
        "山本 修",
        "ヤマモト オサム",
        1,
        58,
        5,
        Story::NotebookOnly,
        Some(115),
    ),
    person(
        "髙橋 幸子",
        "タカハシ サチコ",
        2,
        68,
        150,
        Story::Unlinked {
            receipt_name: "高橋 幸子",
        },
        Some(130),
    ),
    person(
        "中村 勝",
        "ナカムラ マサル",
        1,
        79,
        60,
        Story::LongTerm(BP),
        None,
    ),
    person(
        "小林 洋子",
        "コバヤシ ヨウコ",
        2,
        74,
        180,
        Story::LongTerm(HEART),
        None,
    ),
    person(
        "加藤 誠",
        "カトウ マコト",
        1,
        66,
        210,
        Story::LongTerm(PAIN),
        None,
    ),
    person(
        "吉田 恵",
        "ヨシダ メグミ",
        2,
        52,
        20,
        Story::Occasional(SKIN),
        None,
    ),
    person(
        "山田 太郎",
        "ヤマダ タロウ",
        1,
        47,
        330,
        Story::Occasional(COLD),
        None,
    ),
    person("佐々木 悠", "ササキ ユウ", 1, 7, 100, Story::Child, None),
    person(
        "山口 由美",
        "ヤマグチ ユミ",
        2,
        39,
        70,
        Story::Occasional(ALLERGY),
        None,
    ),
    person(
        "松本 清",
        "マツモト キヨシ",
        1,
        85,
        260,
        Story::LongTerm(DM),
        None,
    ),
    person(
        "井上 静香",
        "イノウエ シズカ",
        2,
        61,
        140,
        Story::LongTerm(BP),
        None,
    ),
    person(
        "木村 大輔",
        "キムラ ダイスケ",
        1,
        29,
        45,
        Story::Occasional(COLD),
        None,
    ),
    person("林 さくら", "ハヤシ サクラ", 2, 2, 160, Story::Child, None),
    person(
        "清水 隆",
        "シミズ タカシ",
        1,
        73,
        15,
        Story::LongTerm(HEART),
        None,
    ),
    person(
        "山崎 千尋",
        "ヤマザキ チヒロ",
        2,
        41,
        280,
        Story::Occasional(SKIN),
        None,
    ),
    person(
        "森 正樹",
        "モリ マサキ",
        1,
        56,
        190,
        Story::NotebookOnly,
        None,
    ),
    person(
        "池田 良子",
        "イケダ ヨシコ",
        2,
        88,
        75,
        Story::LongTerm(PAIN),
        None,
    ),
    person(
        "橋本 翔太",
        "ハシモト ショウタ",
        1,
        19,
        230,
        Story::Occasional(ALLERGY),
        None,
    ),
    person(
        "阿部 京子",
        "アベ キョウコ",
        2,
        67,
        35,
        Story::LongTerm(BP),
        None,
    ),
    person(
        "石川 聡",
        "イシカワ サトシ",
        1,
        50,
        310,
        Story::Occasional(COLD),
        None,
    ),
    person(
        "前田 愛",
        "マエダ アイ",
        2,
        26,
        125,
        Story::Occasional(SKIN),
        None,
    ),
    person(
        "藤田 昭",
        "フジタ アキラ",
        1,
        90,
        95,
        Story::LongTerm(DM),
        None,
    ),
    person("小川 葵", "オガワ アオイ", 2, 5, 215, Story::Child, None),
    person(
        "後藤 浩二",
        "ゴトウ コウジ",
        1,
        62,
        270,
        Story::LongTerm(HEART),
        None,
    ),
];
