//! The command line: `inspect` prints the documented JSON; bad files give a clear message on
//! stderr, a non-zero exit code, and never a panic.

mod common;

use common::{refused_files, run_marketlens as marketlens, sample, write};

#[test]
fn inspect_json_has_the_documented_shape_and_kinds() {
    let path = sample("customers.csv");
    let (code, stdout, stderr) = marketlens(&["inspect", path.to_str().expect("utf8"), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["rows"], 5000);
    let cols = v["columns"].as_array().expect("columns");
    let kind = |name: &str| {
        cols.iter()
            .find(|c| c["name"] == name)
            .map(|c| c["kind"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(kind("customer_id").as_deref(), Some("id"));
    assert_eq!(kind("monetary").as_deref(), Some("numeric"));
    assert_eq!(kind("channel").as_deref(), Some("categorical"));
    assert_eq!(kind("churn").as_deref(), Some("boolean"));
    for c in cols {
        assert!(c["missing"].is_u64() && c["unique"].is_u64(), "{c}");
    }
    let age = cols.iter().find(|c| c["name"] == "age").expect("age");
    assert!(age["missing"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn inspect_text_is_a_readable_table() {
    let path = sample("stores_zh.csv");
    let (code, stdout, _) = marketlens(&["inspect", path.to_str().expect("utf8")]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("stores_zh.csv: 600 rows"), "{stdout}");
    assert!(stdout.contains("销售额") && stdout.contains("numeric"));
}

#[test]
fn bad_files_fail_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cases: Vec<(String, String)> = refused_files()
        .into_iter()
        .map(|(name, bytes, phrase)| {
            let p = write(dir.path(), name, &bytes);
            (
                p.to_string_lossy().into_owned(),
                format!("{name}\u{201d} {phrase}"),
            )
        })
        .collect();
    // the phrase check above is loose: just the file name plus the reason somewhere
    cases.push((
        dir.path()
            .join("missing.csv")
            .to_string_lossy()
            .into_owned(),
        "does not exist".to_owned(),
    ));
    cases.push((
        dir.path().to_string_lossy().into_owned(),
        "is a folder".to_owned(),
    ));
    for (path, _) in &cases {
        for json in [false, true] {
            let mut args = vec!["inspect", path.as_str()];
            if json {
                args.push("--json");
            }
            let (code, stdout, stderr) = marketlens(&args);
            assert_ne!(code, 0, "{path}");
            assert!(stdout.is_empty(), "{path}: {stdout}");
            assert!(stderr.starts_with("error: "), "{path}: {stderr}");
            assert!(!stderr.contains("panicked"), "{path}: {stderr}");
        }
    }
    for (path, phrase) in &cases {
        let (_, _, stderr) = marketlens(&["inspect", path]);
        let phrase = phrase.split('\u{201d}').next_back().unwrap_or("").trim();
        assert!(stderr.contains(phrase), "{path}: {stderr}");
    }
}

#[test]
fn odd_but_valid_files_succeed_without_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (gbk, _, _) = encoding_rs::GBK.encode("城市,销售额\n北京,1200\n上海,980\n");
    let mut big = b"id,note\n1,\"".to_vec();
    big.extend(std::iter::repeat_n(b'y', 10 * 1024 * 1024));
    big.extend_from_slice(b"\"\n");
    let files = [
        write(dir.path(), "gbk.csv", &gbk),
        write(dir.path(), "dup.csv", b"a,a\n1,2\n"),
        write(dir.path(), "ragged.csv", b"a,b\n1,2,3\n4\n"),
        write(dir.path(), "big_field.csv", &big),
    ];
    for f in &files {
        let (code, stdout, stderr) = marketlens(&["inspect", f.to_str().expect("utf8"), "--json"]);
        assert_eq!(code, 0, "{}: {stderr}", f.display());
        assert!(!stderr.contains("panicked"));
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        assert!(v["rows"].as_u64().unwrap_or(0) >= 1);
    }
}

#[test]
fn unknown_command_is_a_usage_error() {
    let (code, _, stderr) = marketlens(&["inspekt", "x.csv", "--json"]);
    assert_ne!(code, 0);
    assert!(!stderr.contains("panicked"));
}
