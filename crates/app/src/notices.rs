//! お知らせ (P10): the app's own notices to staff — files the receipt-computer
//! feed could not import, a backup that is missing or old, demo data. Each
//! has a stable ID, so the window can count the ones not yet read.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::limits::FEED_ERRORS_SHOWN;
use crate::{App, AppError, Permission, Session};

/// A backup older than this is reported (the app makes one a day).
pub const BACKUP_STALE_HOURS: i64 = 26;

/// How much a notice matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// For information.
    Info,
    /// Look at it soon.
    Warning,
    /// Something is not working.
    Error,
}

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Notice {
    /// Stable while the notice says the same thing (read/unread is kept by it).
    pub id: String,
    /// How much it matters.
    pub kind: NoticeKind,
    /// The heading.
    pub title: String,
    /// What to do.
    pub text: String,
    /// When it happened (local `YYYY-MM-DD HH:MM`), if it has a moment.
    pub at: Option<String>,
}

/// What the notices know of the backups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backups {
    /// The last backup in the default folder.
    pub last: Option<DateTime<Utc>>,
    /// The second folder, when one is set, and when a backup last reached it.
    pub second: Option<(String, Option<DateTime<Utc>>)>,
}

impl Backups {
    /// Only the default folder, last written at `last`.
    pub fn last(last: Option<DateTime<Utc>>) -> Backups {
        Backups { last, second: None }
    }
}

/// The notices of the facts given (pure: the rules of [`App::notices`]).
pub fn notices_of(
    feed_errors: &[(String, DateTime<Utc>)],
    backups: &Backups,
    demo: bool,
    now: DateTime<Utc>,
    local: impl Fn(DateTime<Utc>) -> String,
) -> Vec<Notice> {
    let mut out = Vec::new();
    if let Some(newest) = feed_errors.iter().map(|(_, at)| *at).max() {
        out.push(Notice {
            id: format!("feed-errors-{}-{}", feed_errors.len(), newest.timestamp()),
            kind: NoticeKind::Error,
            title: format!("レセコンから取り込めなかったファイルが{}件あります", feed_errors.len()),
            text: "設定 → レセコン連携 の「取込エラー」で理由を確認し、直したら「再試行」してください。".into(),
            at: Some(local(newest)),
        });
    }
    match backups.last {
        None => out.push(Notice {
            id: "backup-none".into(),
            kind: NoticeKind::Warning,
            title: "バックアップがまだありません".into(),
            text: "アプリを起動したままにすると1日1回作られます。手動では okusuri db backup で作れます。".into(),
            at: None,
        }),
        Some(at) if now - at > Duration::hours(BACKUP_STALE_HOURS) => out.push(Notice {
            id: format!("backup-stale-{}", at.timestamp()),
            kind: NoticeKind::Warning,
            title: "最後のバックアップから1日以上たっています".into(),
            text: "データフォルダの空き容量と backups フォルダを確認してください。".into(),
            at: Some(local(at)),
        }),
        Some(_) => {}
    }
    if let Some((folder, last)) = &backups.second {
        let stale = last.is_none_or(|at| now - at > Duration::hours(BACKUP_STALE_HOURS));
        // Only once the default folder has a backup that should have been copied.
        if stale && backups.last.is_some() {
            out.push(Notice {
                id: format!("backup-second-{}", last.map_or(0, |t| t.timestamp())),
                kind: NoticeKind::Warning,
                title: "2つ目のバックアップ先に1日以上コピーされていません".into(),
                text: format!(
                    "{folder} を確認してください（USB ドライブが差してあるか、空き容量があるか）。設定 → バックアップ で変えられます。"
                ),
                at: last.map(&local),
            });
        }
    }
    if demo {
        out.push(Notice {
            id: "demo".into(),
            kind: NoticeKind::Info,
            title: "デモデータです".into(),
            text: "患者様はすべて架空です。実際の薬局では新しいデータフォルダで初期設定をしてください。".into(),
            at: None,
        });
    }
    out
}

impl App {
    /// お知らせ for the signed-in staff member.
    pub async fn notices(&self, session: &Session) -> Result<Vec<Notice>, AppError> {
        self.begin(session, Permission::ViewPatients)?;
        let errors: Vec<(String, DateTime<Utc>)> = self
            .store
            .feed_errors(FEED_ERRORS_SHOWN)
            .await?
            .into_iter()
            .filter_map(|e| {
                let at = DateTime::parse_from_rfc3339(&e.at)
                    .ok()?
                    .with_timezone(&Utc);
                Some((e.name, at))
            })
            .collect();
        let second = match self.store.second_backup_dir().await? {
            Some(dir) => Some((
                dir.display().to_string(),
                self.store.last_second_backup().await?,
            )),
            None => None,
        };
        let backups = Backups {
            last: self.store.last_backup().await?,
            second,
        };
        Ok(notices_of(
            &errors,
            &backups,
            self.is_demo().await?,
            self.clock.now(),
            |t| self.local_minute(t),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn local(t: DateTime<Utc>) -> String {
        t.format("%H:%M").to_string()
    }

    #[test]
    fn feed_errors_make_one_notice_whose_id_changes_with_them() {
        let one = notices_of(
            &[("a.txt".into(), at(1))],
            &Backups::last(Some(at(2))),
            false,
            at(3),
            local,
        );
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].kind, NoticeKind::Error);
        assert_eq!(
            one[0].title,
            "レセコンから取り込めなかったファイルが1件あります"
        );
        let two = notices_of(
            &[("a.txt".into(), at(1)), ("b.txt".into(), at(2))],
            &Backups::last(Some(at(2))),
            false,
            at(3),
            local,
        );
        assert_ne!(one[0].id, two[0].id, "a new failure is unread again");
        assert_eq!(two[0].at.as_deref(), Some("02:00"));
    }

    #[test]
    fn a_missing_or_old_backup_is_a_warning_a_fresh_one_is_not() {
        assert_eq!(
            notices_of(&[], &Backups::default(), false, at(3), local)[0].id,
            "backup-none"
        );
        let day_later = at(3) + Duration::hours(27);
        let stale = notices_of(&[], &Backups::last(Some(at(3))), false, day_later, local);
        assert_eq!(stale[0].kind, NoticeKind::Warning);
        assert!(notices_of(&[], &Backups::last(Some(at(3))), false, at(20), local).is_empty());
    }

    #[test]
    fn a_second_backup_folder_that_gets_no_copy_is_reported() {
        let usb = |last| Backups {
            last: Some(at(3)),
            second: Some(("E:\\okusuri".into(), last)),
        };
        let never = notices_of(&[], &usb(None), false, at(4), local);
        assert_eq!(never.len(), 1);
        assert!(never[0].text.contains("E:\\okusuri"), "{:?}", never[0]);
        assert!(notices_of(&[], &usb(Some(at(3))), false, at(20), local).is_empty());
        let day_later = at(3) + Duration::hours(27);
        let old = notices_of(&[], &usb(Some(at(3))), false, day_later, local);
        assert!(old.iter().any(|n| n.id.starts_with("backup-second-")));
    }

    #[test]
    fn demo_data_says_so() {
        let n = notices_of(&[], &Backups::last(Some(at(3))), true, at(4), local);
        assert_eq!(n[0].id, "demo");
    }
}
