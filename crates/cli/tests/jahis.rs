//! `okusuri jahis …` on real files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jahis/tests/fixtures")
        .join(name)
}

fn okusuri(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_okusuri"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn parse_json_prints_one_object_per_file_with_the_documented_keys() {
    let a = fixture("v26-example-01.txt");
    let b = fixture("v26-example-11.txt");
    let (code, out, _) = okusuri(&[
        "jahis",
        "parse",
        "--json",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "lenient parse succeeds even with warnings");
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let doc = &lines[0];
    assert_eq!(doc["version"], "JAHISTC08");
    assert_eq!(doc["output_category"], 1);
    assert_eq!(doc["encoding"], "utf-8");
    assert_eq!(doc["patient"]["birth_date"], "1958-03-03");
    assert_eq!(doc["patient"]["sex"], 1);
    let d = &doc["dispensings"][0];
    assert_eq!(d["date"], "2020-04-10");
    assert_eq!(d["dispensed_at"]["prefecture"], "13");
    assert_eq!(d["dispensed_at"]["table"], "4");
    assert_eq!(d["dispensed_at"]["code"], "1234567");
    assert_eq!(d["pharmacist"], serde_json::Value::Null);
    let drug = &d["rps"][0]["drugs"][0];
    assert_eq!(
        (drug["dose"].as_str(), drug["unit"].as_str()),
        (Some("4"), Some("Ｃ"))
    );
    assert_eq!(
        (drug["code_kind"].as_u64(), drug["code"].as_str()),
        (Some(2), Some("620004992"))
    );
    let usage = &d["rps"][1]["usage"];
    assert_eq!(usage["name"], "【分３ 毎食後服用】");
    assert_eq!(
        (usage["quantity"].as_u64(), usage["form"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(usage["code"], serde_json::Value::Null);
    for key in [
        "notes",
        "otc",
        "dispensings",
        "pharmacists",
        "unknown",
        "issues",
    ] {
        assert!(doc[key].is_array(), "{key}");
    }
    for key in [
        "cautions",
        "provided_info",
        "leftover",
        "remarks",
        "patient_entries",
    ] {
        assert!(d[key].is_array(), "{key}");
    }
    let issue = &lines[1]["issues"][0];
    assert_eq!(issue["severity"], "warning");
    assert_eq!(issue["code"], "field.required_missing");
    assert!(issue["line"].is_u64() && issue["message"].is_string());
}

#[test]
fn strict_parse_and_validate_exit_1_on_any_issue() {
    let bad = fixture("tc-invalid-missing-drug-code.txt");
    let good = fixture("tc-minimal-valid.txt");
    let (code, _, _) = okusuri(&["jahis", "parse", "--strict", good.to_str().unwrap()]);
    assert_eq!(code, 0);
    let (code, _, _) = okusuri(&["jahis", "parse", "--strict", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    let (code, out, _) = okusuri(&["jahis", "validate", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    let report = String::from_utf8(out).unwrap();
    assert!(
        report.contains(
            "4行目 エラー [drug.code_missing] 薬品コード種別が2ですが、薬品コードが空です"
        ),
        "{report}"
    );
    // A spec deviation the import gate keeps as a warning.
    assert!(
        report.contains("取込: できます（警告2件は調剤に⚠として残ります）"),
        "{report}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let cut = tmp.path().join("cut.txt");
    std::fs::write(&cut, "JAHISTC08,1\r\n1,山田 太郎,,\r\n").unwrap();
    let (code, out, _) = okusuri(&["jahis", "validate", cut.to_str().unwrap()]);
    assert_eq!(code, 1);
    let report = String::from_utf8(out).unwrap();
    assert!(
        report.contains("取込: できません — 取り込みませんでした: 2行目 レコード1 項目2: 患者情報（1）の「性別」が空です。"),
        "{report}"
    );
}

#[test]
fn a_file_that_is_not_jahis_exits_1_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.txt");
    std::fs::write(&path, b"\x00\x01binary").unwrap();
    let (code, _, err) = okusuri(&["jahis", "parse", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("JAHIS形式のデータではありません"), "{err}");
    let (code, _, err) = okusuri(&["jahis", "parse", "/nonexistent/file.txt"]);
    assert_eq!(code, 1);
    assert!(err.contains("ファイルを読めません"), "{err}");
}

#[test]
fn json_writes_back_split_merges_and_qr_files_are_made() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("v26-example-11.txt");
    let (_, json, _) = okusuri(&["jahis", "parse", "--json", src.to_str().unwrap()]);
    let json_path = tmp.path().join("doc.json");
    std::fs::write(&json_path, &json).unwrap();
    let (code, cp932, err) = okusuri(&["jahis", "write", json_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        cp932.starts_with(b"JAHISTC08,2\r\n1,\x97\xe9\x96\xd8 \x91\xbe\x98\x59,"),
        "CP932 鈴木 太郎"
    );
    let written = tmp.path().join("written.txt");
    std::fs::write(&written, &cp932).unwrap();

    let parts_dir = tmp.path().join("parts");
    let (code, out, err) = okusuri(&[
        "jahis",
        "split",
        written.to_str().unwrap(),
        "--max-bytes",
        "500",
        "--out",
        parts_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut parts: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(parts.len() >= 3);
    parts.reverse();
    let mut args = vec!["jahis", "merge"];
    args.extend(parts.iter().map(String::as_str));
    let (code, merged, err) = okusuri(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(merged, cp932, "merging the parts gives the file back");

    let qr_dir = tmp.path().join("qr");
    let (code, out, err) = okusuri(&[
        "jahis",
        "qr",
        written.to_str().unwrap(),
        "--out",
        qr_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("qr-1-of-1.png"));
    assert!(std::fs::read(files[0]).unwrap().starts_with(b"\x89PNG"));
}
