//! A demo of a working day (`okusuri demo`): デモ薬局 with 32 patients whose
//! dates are relative to today — two years of regular prescriptions, a child
//! on powders, 頓用 and 外用, 市販薬, other pharmacies' dispensings, からだの
//! 情報 and メモ, ten patients at the counter today, one card not yet linked to
//! its receipt-computer record, and one new file waiting in the feed folder.
//!
//! Nothing takes a short cut: the facility is set up, cards are issued,
//! dispensings arrive as JAHIS files through the folder feed and 取込 (so the
//! import gate checks them like real data), notes are written and cards
//! touched through the same use cases the window calls, each at the moment
//! it would have happened. Demo mode is the setting [`DEMO_KEY`], which only
//! this module writes, on a database it created.

pub mod catalog;
pub mod files;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use okusuri_feed::{FeedEvent, FolderConfig};
use okusuri_store::{
    BodyKind, ConsentMethod, FacilityCodes, FacilityKind, FacilitySetup, NewPatient, NewStaff,
    Role, Store, Via,
};

use crate::{App, AppError, Clock, FixedClock};
use catalog::{HOME, OTHER_PHARMACY, PEOPLE, Person, Story};
use files::{Visit, birth_date, dispensing_file, notebook_file, visits};

/// The setting that marks a database made by `okusuri demo`.
pub const DEMO_KEY: &str = "demo.made_by";
/// The demo's 施設ID.
pub const FACILITY_ID: &str = "DEMO001";
/// The demo pharmacist's スタッフID (the sign-in screen offers it).
pub const STAFF_ID: &str = "yakuzaishi";
/// The demo administrator's スタッフID.
pub const ADMIN_ID: &str = "kanri";
/// Every demo account's パスワード.
pub const PASSWORD: &str = "okusuri-demo-2026";
/// The receipt-computer folder inside the demo data folder.
pub const FEED_FOLDER: &str = "recept-out";
/// How the demo receipt computer names files: `患者番号_調剤日_連番.txt`.
pub const FILE_NAME_ID: &str = r"^(?P<id>\d+)_";

/// What `okusuri demo` made.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// Patients with a card.
    pub patients: usize,
    /// JAHIS files that went through the feed and 取込.
    pub files: usize,
    /// Patients in 本日.
    pub today: usize,
    /// The feed folder, with one file the app imports when it starts.
    pub feed_folder: PathBuf,
}

impl App {
    /// True when this database was made by `okusuri demo` (the window shows
    /// a デモデータ band and offers the demo accounts at sign-in).
    pub async fn is_demo(&self) -> Result<bool, AppError> {
        Ok(self.store.setting(DEMO_KEY).await?.is_some())
    }
}

/// Fills an empty store with the demo, as of `now` (local time in `clock`'s
/// zone); `data_dir` receives the feed folder.
pub async fn fill(
    store: &Store,
    data_dir: &Path,
    clock: FixedClock,
) -> Result<DemoReport, AppError> {
    fill_busy(store, data_dir, clock, 0).await
}

/// [`fill`], with `busy` more people (new cards) at the counter today: a
/// busy day's list (`okusuri demo --busy 200`).
pub async fn fill_busy(
    store: &Store,
    data_dir: &Path,
    clock: FixedClock,
    busy: usize,
) -> Result<DemoReport, AppError> {
    if store.facility().await?.is_some() {
        return Err(AppError::invalid(
            "このデータフォルダには施設があります。デモデータは新しいフォルダにだけ作れます。",
        ));
    }
    let today = clock.today();
    let at = |date: NaiveDate, minutes: u32| -> App {
        let time = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()
            + Duration::minutes(i64::from(minutes));
        let local = clock
            .offset
            .from_local_datetime(&date.and_time(time))
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(clock.now);
        // Never after now: the day is still going on.
        App::with_clock(
            store.clone(),
            Arc::new(FixedClock {
                now: local.min(clock.now),
                ..clock
            }),
        )
    };
    let start = today - Duration::days(740);
    let founding = at(start, 0);
    let admin = founding
        .set_up(
            &FacilitySetup {
                facility_code: FACILITY_ID.into(),
                facility_name: "デモ薬局".into(),
                admin_login_id: ADMIN_ID.into(),
                admin_name: "管理 太郎".into(),
                password: PASSWORD.into(),
                kind: FacilityKind::Pharmacy,
            },
            Via::Cli,
        )
        .await?;
    founding
        .store
        .set_setting(
            &admin.actor(),
            DEMO_KEY,
            "okusuri demo",
            founding.clock.now(),
        )
        .await?;
    founding
        .add_staff(
            &admin,
            &NewStaff {
                login_id: STAFF_ID.into(),
                display_name: "薬局 花子".into(),
                role: Role::Pharmacist,
                password: PASSWORD.into(),
            },
        )
        .await?;
    founding
        .add_staff(
            &admin,
            &NewStaff {
                login_id: "jimu".into(),
                display_name: "事務 一郎".into(),
                role: Role::Clerk,
                password: PASSWORD.into(),
            },
        )
        .await?;
    founding
        .set_facility_codes(
            &admin,
            &FacilityCodes {
                prefecture: HOME.prefecture.into(),
                table: HOME.table.into(),
                code: HOME.code.into(),
            },
        )
        .await?;
    let feed_folder = data_dir.join(FEED_FOLDER);
    std::fs::create_dir_all(&feed_folder)
        .map_err(|e| AppError::invalid(format!("レセコン出力フォルダを作れません（{e}）。")))?;
    let mut feed = FolderConfig::jahis(&feed_folder);
    feed.id_from_file_name = Some(FILE_NAME_ID.into());
    founding
        .set_feed_folders(&admin, std::slice::from_ref(&feed))
        .await?;
    let pharmacist = founding
        .sign_in(FACILITY_ID, STAFF_ID, PASSWORD, None, Via::Cli)
        .await?;

    let all: Vec<(usize, &Person, Vec<Visit>)> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p, visits(p, i, today)))
        .collect();

    // Cards, issued when each person first came.
    let mut cards = Vec::new();
    for (i, person, list) in &all {
        let first = match person.story {
            Story::Unlinked { .. } => today,
            _ => list.first().map(|v| v.date).unwrap_or(today),
        };
        let patient = NewPatient {
            name: person.name.into(),
            kana: person.kana.into(),
            sex: person.sex,
            birth_date: birth_date(person, today).format("%Y-%m-%d").to_string(),
            phone: None,
        };
        let consent = if i % 3 == 0 {
            ConsentMethod::Paper
        } else {
            ConsentMethod::Screen
        };
        let idm = card_idm(*i);
        let id = at(first, 1)
            .issue_card(&pharmacist, &patient, consent, &idm)
            .await?;
        cards.push((id, idm));
    }

    // The receipt computer's files: every dispensing of this pharmacy but
    // the one still to arrive.
    let waiting = all
        .iter()
        .find(|(_, p, _)| p.today.is_some() && matches!(p.story, Story::LongTerm(_)))
        .map(|(i, _, _)| *i);
    let mut files = 0;
    let mut new_file = None;
    for (i, person, list) in &all {
        let name = match person.story {
            Story::Unlinked { receipt_name } => receipt_name,
            _ => person.name,
        };
        for (n, visit) in list
            .iter()
            .enumerate()
            .filter(|(_, v)| v.pharmacy.code == HOME.code)
        {
            let file = format!("{}_{}_{n:02}.txt", 100_001 + i, visit.date.format("%Y%m%d"));
            let text = dispensing_file(person, name, visit, today);
            if Some(*i) == waiting && visit.date == today {
                new_file = Some((file, text));
                continue;
            }
            write(&feed_folder.join(&file), &text)?;
            files += 1;
        }
    }
    let events = okusuri_feed::run_once(feed.clone(), store.clone())
        .await
        .map_err(|e| AppError::invalid(e.to_string()))?;
    if let Some(FeedEvent::Failed { file, reason, .. }) = events
        .iter()
        .find(|e| matches!(e, FeedEvent::Failed { .. }))
    {
        return Err(AppError::invalid(format!(
            "デモの {file} を取り込めません: {reason}"
        )));
    }

    // What the patients' notebooks add: other pharmacies and 市販薬 (取込).
    let now = at(today, 0);
    for (_, person, list) in &all {
        let elsewhere: Vec<&Visit> = list
            .iter()
            .filter(|v| v.pharmacy.code == OTHER_PHARMACY.code)
            .collect();
        let otc: Vec<(&str, NaiveDate)> = match person.story {
            Story::NotebookOnly => vec![
                ("イブＡ錠", today - Duration::days(20)),
                ("アレグラＦＸ", today - Duration::days(100)),
            ],
            Story::LongTerm(_) if person.sex == 1 => {
                vec![("ガスター１０", today - Duration::days(45))]
            }
            _ => vec![],
        };
        if elsewhere.is_empty() && otc.is_empty() {
            continue;
        }
        let text = notebook_file(person, &elsewhere, &otc, today);
        now.import_file(&admin, "お薬手帳.txt", text.as_bytes())
            .await?;
        files += 1;
    }

    // からだの情報 and メモ, written by the pharmacist over the years.
    for (i, (id, _)) in cards.iter().enumerate() {
        for (kind, text) in notes_of(&PEOPLE[i]) {
            at(today - Duration::days(200), 30)
                .add_note(&pharmacist, *id, kind, text)
                .await?;
        }
    }

    // Card touches: the last week (one quiet day), then today.
    for days_ago in [6_i64, 5, 4, 3, 1] {
        for (i, (_, idm)) in cards.iter().enumerate().skip(10) {
            if (i + usize::try_from(days_ago).unwrap_or(0)) % 3 == 0 {
                let minutes = u32::try_from((i * 23) % 480).unwrap_or(0);
                at(today - Duration::days(days_ago), minutes)
                    .card_touched(idm)
                    .await?;
            }
        }
    }
    let mut touched = 0;
    let mut order: Vec<(u32, &str)> = PEOPLE
        .iter()
        .zip(&cards)
        .filter_map(|(p, (_, idm))| p.today.map(|m| (m, idm.as_str())))
        .collect();
    order.sort_by_key(|o| std::cmp::Reverse(o.0));
    let midnight = clock
        .offset
        .from_local_datetime(&today.and_time(NaiveTime::MIN))
        .single()
        .map_or(clock.now, |t| t.with_timezone(&Utc));
    for (minutes_ago, idm) in order {
        let mut when = clock.now - Duration::minutes(i64::from(minutes_ago));
        if when < midnight {
            // Just after midnight: keep the order, inside today.
            when = midnight + Duration::seconds(1_000 - i64::from(minutes_ago));
        }
        let moment = App::with_clock(store.clone(), Arc::new(FixedClock { now: when, ..clock }));
        moment.card_touched(idm).await?;
        touched += 1;
    }

    // A busy day: more people, each issued a card this morning and touched since.
    const FAMILY: [(&str, &str); 10] = [
        ("青木", "アオキ"),
        ("石田", "イシダ"),
        ("上野", "ウエノ"),
        ("遠藤", "エンドウ"),
        ("大野", "オオノ"),
        ("片山", "カタヤマ"),
        ("菊地", "キクチ"),
        ("工藤", "クドウ"),
        ("小松", "コマツ"),
        ("斎藤", "サイトウ"),
    ];
    const GIVEN: [(&str, &str, u8); 20] = [
        ("一郎", "イチロウ", 1),
        ("花子", "ハナコ", 2),
        ("健太", "ケンタ", 1),
        ("美穂", "ミホ", 2),
        ("翔", "ショウ", 1),
        ("陽子", "ヨウコ", 2),
        ("誠", "マコト", 1),
        ("彩", "アヤ", 2),
        ("大樹", "ダイキ", 1),
        ("真由美", "マユミ", 2),
        ("剛", "ツヨシ", 1),
        ("舞", "マイ", 2),
        ("浩", "ヒロシ", 1),
        ("恵子", "ケイコ", 2),
        ("亮", "リョウ", 1),
        ("千尋", "チヒロ", 2),
        ("拓也", "タクヤ", 1),
        ("沙織", "サオリ", 2),
        ("勇気", "ユウキ", 1),
        ("結衣", "ユイ", 2),
    ];
    for i in 0..busy {
        let (family, family_kana) = FAMILY[i % FAMILY.len()];
        let (given, given_kana, sex) = GIVEN[(i / FAMILY.len()) % GIVEN.len()];
        let born = today - Duration::days(i64::try_from(7_000 + i * 97).unwrap_or(7_000));
        let patient = NewPatient {
            name: format!("{family} {given}"),
            kana: format!("{family_kana} {given_kana}"),
            sex,
            birth_date: born.format("%Y-%m-%d").to_string(),
            phone: None,
        };
        let idm = card_idm(PEOPLE.len() + i);
        let seconds = i64::try_from(busy - i).unwrap_or(0) * 20;
        let issued = (clock.now - Duration::seconds(seconds + 5)).max(midnight);
        App::with_clock(
            store.clone(),
            Arc::new(FixedClock {
                now: issued,
                ..clock
            }),
        )
        .issue_card(&pharmacist, &patient, ConsentMethod::Screen, &idm)
        .await?;
        touched += 1;
    }

    if let Some((file, text)) = new_file {
        write(&feed_folder.join(file), &text)?;
        files += 1;
    }
    for session in [&admin, &pharmacist] {
        let _ = now.sign_out(session).await;
    }
    Ok(DemoReport {
        patients: cards.len(),
        files,
        today: touched,
        feed_folder,
    })
}

/// A card's IDm (16 hex digits), distinct per patient.
fn card_idm(index: usize) -> String {
    format!("01140000DE{:06X}", index + 1)
}

/// The body information and memos of a patient.
fn notes_of(person: &Person) -> Vec<(Option<BodyKind>, &'static str)> {
    let mut notes = Vec::new();
    match person.story {
        Story::LongTerm(_) => {
            notes.push((Some(BodyKind::PastIllness), "高血圧症（2015年〜）"));
            if person.age >= 80 {
                notes.push((None, "独居。娘さんが月に一度一緒に来局される。"));
            }
            if person.sex == 2 {
                notes.push((
                    Some(BodyKind::SideEffect),
                    "ロキソプロフェンで胃痛（2024年）",
                ));
            }
        }
        Story::Child => {
            notes.push((Some(BodyKind::Allergy), "卵アレルギー"));
            notes.push((None, "錠剤は飲めないため散剤で調剤。"));
        }
        Story::Occasional(_) if person.age < 40 => {
            notes.push((Some(BodyKind::Allergy), "ペニシリン系で発疹"));
        }
        Story::NotebookOnly => {
            notes.push((None, "他社の電子お薬手帳を利用中。"));
        }
        _ => {}
    }
    notes
}

/// Writes a file whole: to a temporary name, then renamed, as a receipt
/// computer should (the feed ignores temporary names).
fn write(path: &Path, text: &str) -> Result<(), AppError> {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| AppError::invalid(format!("{} を書けません（{e}）。", path.display())))
}

/// The demo's clock: now, in this PC's time zone (the one the app shows
/// times in), so the morning's visits read as the morning's.
pub fn clock_now() -> FixedClock {
    FixedClock {
        now: Utc::now(),
        offset: *chrono::Local::now().offset(),
    }
}
