//! The tray's view (D2): one pure function from what the app knows — the
//! card reader, the receipt-computer folders, the OQS terminal, the doctor's
//! authentication — to the icon, the title (Linux label), the tooltip
//! (Windows) and the menu's status rows. The shell only applies it.

use chrono::{DateTime, Utc};
use okusuri_feed::FolderStatus;
use okusuri_store::FacilityKind;
use serde::Serialize;

use crate::clinic::EpsStatus;
use crate::doctor::DoctorAuthInfo;
use crate::reader::ReaderStatus;

/// What the tray is told.
#[derive(Debug, Clone, Default)]
pub struct TrayInput {
    /// 薬局 or 診療所 (`None`: not set up yet).
    pub kind: Option<FacilityKind>,
    /// The card reader (pharmacies).
    pub reader: Option<ReaderStatus>,
    /// The receipt computer's folders (pharmacies).
    pub folders: Vec<FolderStatus>,
    /// The OQS terminal (clinics): its state, or why it cannot be known (未設定).
    pub oqs: Option<Result<EpsStatus, String>>,
    /// The doctor's authentication (clinics); `None`: no doctor authenticated.
    pub doctor: Option<DoctorAuthInfo>,
    /// A newer version the updater found, if any.
    pub update: Option<String>,
}

/// The icon's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrayIcon {
    /// 正常.
    Normal,
    /// 要確認.
    Warn,
    /// エラー.
    Error,
}

/// One status row of the menu (disabled: it only says).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrayRow {
    /// Stable key (`reader`, `feed`, `oqs`, `doctor`, `update`).
    pub key: &'static str,
    /// The text shown (`カードリーダー: 接続中`).
    pub text: String,
}

/// What the tray shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrayView {
    /// The icon.
    pub icon: TrayIcon,
    /// The label beside the icon on Linux (`おくすりデスク 要確認`).
    pub title: String,
    /// The tooltip on Windows: the title and every row, one per line.
    pub tooltip: String,
    /// The status rows, in menu order.
    pub rows: Vec<TrayRow>,
}

const APP: &str = "おくすりデスク";

fn hhmm(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&crate::clock::JST)
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn reader_row(r: &ReaderStatus) -> (TrayIcon, String) {
    match (r.on, r.wanted) {
        (true, _) => (
            TrayIcon::Normal,
            format!(
                "カードリーダー: 接続中{}",
                r.reader
                    .as_deref()
                    .map(|n| format!("（{n}）"))
                    .unwrap_or_default()
            ),
        ),
        (false, true) => (
            TrayIcon::Warn,
            format!(
                "カードリーダー: 停止中{}",
                r.message
                    .as_deref()
                    .map(|m| format!("（{m}）"))
                    .unwrap_or_default()
            ),
        ),
        (false, false) => (TrayIcon::Normal, "カードリーダー: OFF".into()),
    }
}

fn feed_row(folders: &[FolderStatus]) -> (TrayIcon, String) {
    if folders.is_empty() {
        return (TrayIcon::Warn, "レセコン連携: 未設定".into());
    }
    let down: Vec<&FolderStatus> = folders.iter().filter(|f| !f.connected).collect();
    match down.first() {
        None => (TrayIcon::Normal, "レセコン連携: 稼働中".into()),
        Some(f) => (
            TrayIcon::Error,
            format!(
                "レセコン連携: フォルダーを読めません（{}）{}",
                f.folder,
                if down.len() > 1 {
                    format!(" ほか{}件", down.len() - 1)
                } else {
                    String::new()
                }
            ),
        ),
    }
}

fn oqs_row(oqs: &Result<EpsStatus, String>) -> (TrayIcon, String) {
    match oqs {
        Err(_) => (TrayIcon::Warn, "資格確認端末: 未設定".into()),
        Ok(s) if !s.problems.is_empty() => (TrayIcon::Error, "資格確認端末: 接続できません".into()),
        Ok(s) => {
            let mut text = "資格確認端末: 接続中".to_string();
            if s.waiting > 0 {
                text.push_str(&format!("・応答待ち {}件", s.waiting));
            }
            if s.unknown > 0 {
                text.push_str(&format!("・結果不明 {}件", s.unknown));
            }
            let icon = if s.unknown > 0 {
                TrayIcon::Warn
            } else {
                TrayIcon::Normal
            };
            (icon, text)
        }
    }
}

fn doctor_row(doctor: Option<&DoctorAuthInfo>, now: DateTime<Utc>) -> String {
    match doctor {
        Some(d) if DateTime::parse_from_rfc3339(&d.expires_at).is_ok_and(|t| t > now) => {
            format!(
                "医師認証: {}まで{}",
                hhmm(&d.expires_at),
                if d.expiry_is_estimate {
                    "（推定）"
                } else {
                    ""
                }
            )
        }
        _ => "医師認証: なし".into(),
    }
}

/// The tray's view of `input` at `now`: rows for the parts this facility
/// uses, the worst state as the icon and in the title.
pub fn tray_view(input: &TrayInput, now: DateTime<Utc>) -> TrayView {
    let mut rows = Vec::new();
    let mut icon = TrayIcon::Normal;
    let mut add = |key: &'static str, (state, text): (TrayIcon, String)| {
        icon = icon.max(state);
        rows.push(TrayRow { key, text });
    };
    match input.kind {
        Some(FacilityKind::Pharmacy) => {
            if let Some(r) = &input.reader {
                add("reader", reader_row(r));
            }
            add("feed", feed_row(&input.folders));
        }
        Some(FacilityKind::Clinic) => {
            add(
                "oqs",
                oqs_row(input.oqs.as_ref().unwrap_or(&Err("not configured".into()))),
            );
            add(
                "doctor",
                (TrayIcon::Normal, doctor_row(input.doctor.as_ref(), now)),
            );
        }
        None => add("setup", (TrayIcon::Warn, "初期設定がまだです".into())),
    }
    if let Some(v) = &input.update {
        add(
            "update",
            (TrayIcon::Normal, format!("更新あり: バージョン {v}")),
        );
    }
    let title = match icon {
        TrayIcon::Normal => APP.to_string(),
        TrayIcon::Warn => format!("{APP} 要確認"),
        TrayIcon::Error => format!("{APP} エラー"),
    };
    let tooltip = std::iter::once(title.clone())
        .chain(rows.iter().map(|r| r.text.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    TrayView {
        icon,
        title,
        tooltip,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-04T03:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn reader(on: bool, wanted: bool) -> ReaderStatus {
        ReaderStatus {
            on,
            wanted,
            reader: on.then(|| "Virtual PCD 00 00".to_string()),
            message: (!on && wanted).then(|| "リーダーが見つかりません".to_string()),
            readers: vec![],
        }
    }

    fn folder(connected: bool) -> FolderStatus {
        FolderStatus {
            folder: "/recept/out".into(),
            connected,
            since: None,
            reason: (!connected).then(|| "見つかりません".to_string()),
            last_import: None,
        }
    }

    fn eps(problems: Vec<String>, unknown: i64) -> EpsStatus {
        EpsStatus {
            req_writable: problems.is_empty(),
            res_readable: problems.is_empty(),
            problems,
            waiting: 0,
            unknown,
            last_answer_at: None,
        }
    }

    #[test]
    fn a_pharmacy_working_is_normal_with_its_two_rows() {
        let v = tray_view(
            &TrayInput {
                kind: Some(FacilityKind::Pharmacy),
                reader: Some(reader(true, true)),
                folders: vec![folder(true)],
                ..TrayInput::default()
            },
            now(),
        );
        assert_eq!(v.icon, TrayIcon::Normal);
        assert_eq!(v.title, "おくすりデスク");
        let rows: Vec<&str> = v.rows.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            rows,
            [
                "カードリーダー: 接続中（Virtual PCD 00 00）",
                "レセコン連携: 稼働中"
            ]
        );
        assert_eq!(
            v.tooltip,
            "おくすりデスク\nカードリーダー: 接続中（Virtual PCD 00 00）\nレセコン連携: 稼働中"
        );
    }

    #[test]
    fn the_worst_part_sets_the_icon_and_the_title() {
        let mut input = TrayInput {
            kind: Some(FacilityKind::Pharmacy),
            reader: Some(reader(false, true)),
            folders: vec![folder(true)],
            ..TrayInput::default()
        };
        let v = tray_view(&input, now());
        assert_eq!(
            (v.icon, v.title.as_str()),
            (TrayIcon::Warn, "おくすりデスク 要確認")
        );
        assert_eq!(
            v.rows[0].text,
            "カードリーダー: 停止中（リーダーが見つかりません）"
        );
        input.folders = vec![folder(true), folder(false)];
        let v = tray_view(&input, now());
        assert_eq!(
            (v.icon, v.title.as_str()),
            (TrayIcon::Error, "おくすりデスク エラー")
        );
        assert_eq!(
            v.rows[1].text,
            "レセコン連携: フォルダーを読めません（/recept/out）"
        );
        // Switched off by staff: not a problem.
        input.reader = Some(reader(false, false));
        input.folders = vec![folder(true)];
        assert_eq!(tray_view(&input, now()).icon, TrayIcon::Normal);
    }

    #[test]
    fn a_clinic_shows_the_terminal_and_the_doctor_not_the_counter() {
        let mut input = TrayInput {
            kind: Some(FacilityKind::Clinic),
            reader: Some(reader(false, true)),
            oqs: Some(Ok(eps(vec![], 0))),
            doctor: Some(DoctorAuthInfo {
                method: crate::doctor::SignMethod::Hpki,
                subject: "E2E DOCTOR".into(),
                authenticated_at: "2026-12-04T00:00:00Z".into(),
                expires_at: "2026-12-04T09:30:00Z".into(),
                expiry_is_estimate: false,
            }),
            ..TrayInput::default()
        };
        let v = tray_view(&input, now());
        let keys: Vec<&str> = v.rows.iter().map(|r| r.key).collect();
        assert_eq!(keys, ["oqs", "doctor"]);
        assert_eq!(v.rows[0].text, "資格確認端末: 接続中");
        assert_eq!(v.rows[1].text, "医師認証: 18:30まで");
        assert_eq!(v.icon, TrayIcon::Normal);
        input.oqs = Some(Ok(eps(vec![], 1)));
        let v = tray_view(&input, now());
        assert_eq!(v.icon, TrayIcon::Warn);
        assert_eq!(v.rows[0].text, "資格確認端末: 接続中・結果不明 1件");
        input.oqs = Some(Ok(eps(
            vec!["req フォルダー（x）に書き込めません".into()],
            0,
        )));
        assert_eq!(tray_view(&input, now()).icon, TrayIcon::Error);
        input.oqs = Some(Err("未設定".into()));
        input.doctor = None;
        let v = tray_view(&input, now());
        assert_eq!(v.rows[0].text, "資格確認端末: 未設定");
        assert_eq!(v.rows[1].text, "医師認証: なし");
    }

    #[test]
    fn an_expired_authentication_is_none_and_an_update_is_a_row() {
        let input = TrayInput {
            kind: Some(FacilityKind::Clinic),
            oqs: Some(Ok(eps(vec![], 0))),
            doctor: Some(DoctorAuthInfo {
                method: crate::doctor::SignMethod::Remote,
                subject: String::new(),
                authenticated_at: "2026-12-03T00:00:00Z".into(),
                expires_at: "2026-12-04T02:00:00Z".into(),
                expiry_is_estimate: true,
            }),
            update: Some("0.2.0".into()),
            ..TrayInput::default()
        };
        let v = tray_view(&input, now());
        assert_eq!(v.rows[1].text, "医師認証: なし");
        assert_eq!(v.rows[2].text, "更新あり: バージョン 0.2.0");
        assert_eq!(tray_view(&TrayInput::default(), now()).rows[0].key, "setup");
    }
}
