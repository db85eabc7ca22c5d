//! 設定 → 更新: whether this PC looks for updates itself, where, and how often.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::UpdateError;

/// The settings key of "look for updates" (`1`/`0`).
pub const ENABLED_KEY: &str = "update.enabled";
/// The settings key of the manifest address.
pub const ENDPOINT_KEY: &str = "update.endpoint";
/// The settings key of the hours between two checks.
pub const INTERVAL_KEY: &str = "update.interval_hours";
/// Hours between two checks unless 設定 says otherwise.
pub const DEFAULT_INTERVAL_HOURS: u32 = 6;
/// The longest interval 設定 takes (a week).
pub const MAX_INTERVAL_HOURS: u32 = 168;

/// How this PC looks for updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UpdateSettings {
    /// Off for sites whose IT installs updates centrally (the MSI by GPO).
    pub enabled: bool,
    /// The manifest address (`https://…/latest.json`; `{{current_version}}`,
    /// `{{target}}`, `{{arch}}` and `{{bundle_type}}` are filled in). Empty: none set.
    pub endpoint: String,
    /// Hours between two checks (the first is at start).
    pub interval_hours: u32,
}

impl Default for UpdateSettings {
    fn default() -> Self {
        UpdateSettings {
            enabled: true,
            endpoint: String::new(),
            interval_hours: DEFAULT_INTERVAL_HOURS,
        }
    }
}

impl UpdateSettings {
    /// Settings from stored values (`None`: never set); a value that does not
    /// parse falls back to the default, as a hand-edited database might hold.
    pub fn from_stored(
        enabled: Option<&str>,
        endpoint: Option<&str>,
        interval: Option<&str>,
    ) -> UpdateSettings {
        let default = UpdateSettings::default();
        UpdateSettings {
            enabled: enabled.map_or(default.enabled, |v| v != "0"),
            endpoint: endpoint.unwrap_or_default().trim().to_owned(),
            interval_hours: interval
                .and_then(|v| v.parse().ok())
                .filter(|h| (1..=MAX_INTERVAL_HOURS).contains(h))
                .unwrap_or(default.interval_hours),
        }
    }

    /// The values to store, by key.
    pub fn to_stored(&self) -> [(&'static str, String); 3] {
        [
            (ENABLED_KEY, if self.enabled { "1" } else { "0" }.to_owned()),
            (ENDPOINT_KEY, self.endpoint.trim().to_owned()),
            (INTERVAL_KEY, self.interval_hours.to_string()),
        ]
    }

    /// Checks what an administrator typed. `allow_http` is for debug builds
    /// and tests against a local server; a release refuses plain HTTP, since
    /// the manifest says which file to run.
    pub fn validate(&self, allow_http: bool) -> Result<(), UpdateError> {
        if !(1..=MAX_INTERVAL_HOURS).contains(&self.interval_hours) {
            return Err(UpdateError::InvalidSetting(format!(
                "確認の間隔は1〜{MAX_INTERVAL_HOURS}時間で指定してください。"
            )));
        }
        if self.endpoint.trim().is_empty() {
            return Ok(());
        }
        self.endpoint_url(allow_http).map(|_| ())
    }

    /// The manifest address, if one is set and usable.
    pub fn endpoint_url(&self, allow_http: bool) -> Result<Url, UpdateError> {
        let text = self.endpoint.trim();
        if text.is_empty() {
            return Err(UpdateError::InvalidSetting(
                "更新の確認先が設定されていません（設定 → 更新）。".into(),
            ));
        }
        let url = Url::parse(text).map_err(|_| {
            UpdateError::InvalidSetting(format!(
                "更新の確認先「{text}」は URL の形ではありません。"
            ))
        })?;
        match url.scheme() {
            "https" => Ok(url),
            "http" if allow_http => Ok(url),
            _ => Err(UpdateError::InvalidSetting(format!(
                "更新の確認先は https:// で始まる必要があります（「{text}」）。"
            ))),
        }
    }

    /// Whether the scheduled check runs at all.
    pub fn checks(&self) -> bool {
        self.enabled && !self.endpoint.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip_and_bad_ones_fall_back() {
        let s = UpdateSettings {
            enabled: false,
            endpoint: "https://example.jp/okusuri/latest.json".into(),
            interval_hours: 12,
        };
        let stored = s.to_stored();
        let get = |k: &str| {
            stored
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
        };
        let back =
            UpdateSettings::from_stored(get(ENABLED_KEY), get(ENDPOINT_KEY), get(INTERVAL_KEY));
        assert_eq!(back, s);
        let odd = UpdateSettings::from_stored(None, None, Some("0"));
        assert_eq!(odd, UpdateSettings::default());
        assert_eq!(
            UpdateSettings::from_stored(None, None, Some("x")).interval_hours,
            6
        );
    }

    #[test]
    fn http_is_refused_unless_allowed_and_nonsense_is_named() {
        let mut s = UpdateSettings {
            endpoint: "http://127.0.0.1:8080/latest.json".into(),
            ..UpdateSettings::default()
        };
        let e = s.validate(false).unwrap_err();
        assert!(e.to_string().contains("https://"), "{e}");
        assert!(s.validate(true).is_ok());
        s.endpoint = "latest.json".into();
        assert!(
            s.validate(true)
                .unwrap_err()
                .to_string()
                .contains("URL の形ではありません")
        );
        s.endpoint = " ".into();
        assert!(s.validate(false).is_ok(), "empty is allowed: no checks");
        assert!(!s.checks());
        s.interval_hours = 0;
        assert!(
            s.validate(false)
                .unwrap_err()
                .to_string()
                .contains("1〜168")
        );
    }
}
