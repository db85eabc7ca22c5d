//! The updater manifest a release publishes (`latest.json`), in the static
//! form `tauri-plugin-updater` reads: one entry for the MSI
//! (`windows-x86_64-msi`, looked up first when the exe knows it came from an
//! MSI) and the same entry under `windows-x86_64`.

use serde::Serialize;
use std::collections::BTreeMap;

/// The platform keys a Windows MSI release is published under.
pub const WINDOWS_KEYS: [&str; 2] = ["windows-x86_64-msi", "windows-x86_64"];

/// One downloadable file and its minisign signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Platform {
    /// Where the file is downloaded from.
    pub url: String,
    /// The `.sig` file's content (`tauri signer sign` output: base64 of the minisign signature).
    pub signature: String,
}

/// `latest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// The version offered (must equal the version inside the signature).
    pub version: String,
    /// Release notes shown in the dialog.
    pub notes: String,
    /// Publication time, RFC 3339.
    pub pub_date: String,
    /// The downloads by platform key.
    pub platforms: BTreeMap<String, Platform>,
}

impl Manifest {
    /// The manifest of one Windows MSI release.
    pub fn windows_msi(
        version: &str,
        notes: &str,
        pub_date: chrono::DateTime<chrono::Utc>,
        url: &str,
        signature: &str,
    ) -> Manifest {
        let platform = Platform {
            url: url.to_owned(),
            signature: signature.trim().to_owned(),
        };
        Manifest {
            version: version.trim_start_matches('v').to_owned(),
            notes: notes.to_owned(),
            pub_date: pub_date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            platforms: WINDOWS_KEYS
                .iter()
                .map(|k| ((*k).to_owned(), platform.clone()))
                .collect(),
        }
    }

    /// Pretty JSON, as published.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_windows_keys_carry_the_same_file() {
        let date = chrono::DateTime::parse_from_rfc3339("2026-12-04T10:00:00+09:00")
            .unwrap()
            .to_utc();
        let m = Manifest::windows_msi("v0.2.0", "- 修正", date, "https://x/o-0.2.0.msi", "c2ln\n");
        let json: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
        assert_eq!(json["version"], "0.2.0");
        assert_eq!(json["pub_date"], "2026-12-04T01:00:00Z");
        for key in WINDOWS_KEYS {
            assert_eq!(json["platforms"][key]["url"], "https://x/o-0.2.0.msi");
            assert_eq!(json["platforms"][key]["signature"], "c2ln");
        }
    }
}
