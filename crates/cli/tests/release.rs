//! `okusuri release manifest`: latest.json with both Windows keys, the notes
//! from the changelog section, and a clear refusal without that section.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;

#[test]
fn the_manifest_carries_the_signature_and_the_changelog_section() {
    let tmp = tempfile::tempdir().unwrap();
    let changelog = tmp.path().join("CHANGELOG.md");
    std::fs::write(
        &changelog,
        "# Changelog\n\n## [Unreleased]\n\n- 次の版\n\n## [0.2.0] - 2026-12-04\n\n### 修正\n- 印刷\n",
    )
    .unwrap();
    let sig = tmp.path().join("okusuri-desk_0.2.0_x64_ja-JP.msi.sig");
    std::fs::write(&sig, "dW50cnVzdGVk\n").unwrap();
    let out = tmp.path().join("latest.json");
    let run = |version: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_okusuri"))
            .args(["release", "manifest", "--version", version])
            .args([
                "--url",
                "https://updates.example.jp/okusuri-desk_0.2.0_x64_ja-JP.msi",
            ])
            .arg("--signature")
            .arg(&sig)
            .arg("--changelog")
            .arg(&changelog)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let done = run("0.2.0", &[]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["version"], "0.2.0");
    assert_eq!(json["notes"], "### 修正\n- 印刷");
    for key in ["windows-x86_64-msi", "windows-x86_64"] {
        assert_eq!(json["platforms"][key]["signature"], "dW50cnVzdGVk");
    }
    let refused = run("0.3.0", &[]);
    assert!(!refused.status.success());
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr).trim(),
        "CHANGELOG.md に 0.3.0 の節がありません。"
    );
    let test_build = run("0.3.0", &["--allow-unreleased"]);
    assert!(test_build.status.success());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["notes"], "- 次の版");
}
