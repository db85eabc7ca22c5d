//! Release notes from `CHANGELOG.md` (Keep a Changelog): a release's notes are
//! its `## [version]` section, shown in the update dialog as written.

use crate::UpdateError;

/// One section of the changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The heading's version (`Unreleased` for the section of work to come).
    pub version: String,
    /// The section's text without its heading, trimmed.
    pub notes: String,
}

/// Every `## [...]` section, newest (first) first.
pub fn sections(changelog: &str) -> Vec<Release> {
    let mut out: Vec<Release> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let mut current: Option<String> = None;
    let finish = |current: Option<String>, body: &mut Vec<&str>, out: &mut Vec<Release>| {
        if let Some(version) = current {
            out.push(Release {
                version,
                notes: body.join("\n").trim().to_owned(),
            });
        }
        body.clear();
    };
    for line in changelog.lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            finish(current.take(), &mut body, &mut out);
            current = rest
                .trim()
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .map(|(v, _)| v.trim().to_owned());
        } else if current.is_some() {
            body.push(line);
        }
    }
    finish(current, &mut body, &mut out);
    out
}

/// The notes of `version` (a leading `v` is ignored). With `allow_unreleased`
/// the `[Unreleased]` section stands in when the version has none (test
/// builds); a real release must have its own section.
pub fn release_notes(
    changelog: &str,
    version: &str,
    allow_unreleased: bool,
) -> Result<String, UpdateError> {
    let wanted = version.trim_start_matches('v');
    let all = sections(changelog);
    let found = all
        .iter()
        .find(|r| r.version.trim_start_matches('v') == wanted)
        .or_else(|| {
            allow_unreleased
                .then(|| {
                    all.iter()
                        .find(|r| r.version.eq_ignore_ascii_case("unreleased"))
                })
                .flatten()
        });
    found
        .map(|r| r.notes.clone())
        .ok_or_else(|| UpdateError::NoReleaseNotes(wanted.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- 新しい画面\n\n## [0.2.0] - 2026-12-01\n\n### Fixed\n- 印刷の不具合\n\n## [0.1.0] — not released\n\nFirst.\n";

    #[test]
    fn each_section_is_read_with_its_body() {
        let all = sections(TEXT);
        let names: Vec<&str> = all.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(names, ["Unreleased", "0.2.0", "0.1.0"]);
        assert_eq!(all[1].notes, "### Fixed\n- 印刷の不具合");
        assert_eq!(all[2].notes, "First.");
    }

    #[test]
    fn a_release_needs_its_own_section_unless_unreleased_is_allowed() {
        assert_eq!(
            release_notes(TEXT, "v0.2.0", false).unwrap(),
            "### Fixed\n- 印刷の不具合"
        );
        let e = release_notes(TEXT, "0.3.0", false).unwrap_err();
        assert_eq!(e.to_string(), "CHANGELOG.md に 0.3.0 の節がありません。");
        assert!(
            release_notes(TEXT, "0.3.0", true)
                .unwrap()
                .contains("新しい画面")
        );
    }

    #[test]
    fn the_project_changelog_has_an_unreleased_section() {
        let text = include_str!("../../../CHANGELOG.md");
        assert!(sections(text).iter().any(|r| r.version == "Unreleased"));
    }
}
