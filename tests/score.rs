//! `marketlens score`: a saved regression model applied to a file reproduces the
//! predictions of the fit exactly; files whose columns don't fit are refused by name, and
//! the input is never written.

mod common;

use common::{run_marketlens, sample, write};

fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = run_marketlens(args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn scoring_with_a_saved_model_reproduces_the_fit_and_refuses_files_that_do_not_fit() {
    let dir = tempfile::tempdir().expect("dir");
    let bytes = std::fs::read(sample("monthly_sales.csv")).expect("sample");
    let data = write(dir.path(), "sales.csv", &bytes);
    let data_s = data.to_str().expect("utf8");
    let model = dir.path().join("sales.mlmodel");
    let predicted = dir.path().join("predicted.csv");
    ok(&[
        "regress",
        data_s,
        "--target",
        "sales",
        "--features",
        "price,ad_spend,promotion",
        "--month-of",
        "month",
        "--test",
        data_s,
        "--predictions",
        predicted.to_str().expect("utf8"),
        "--save-model",
        model.to_str().expect("utf8"),
    ]);
    let scored = dir.path().join("scored.csv");
    let report: serde_json::Value = serde_json::from_str(&ok(&[
        "score",
        model.to_str().expect("utf8"),
        data_s,
        "--out",
        scored.to_str().expect("utf8"),
        "--json",
    ]))
    .expect("JSON");
    assert_eq!(report["rows"], 96);
    assert_eq!(report["model"], "ols");
    // the same rows, the same columns plus `prediction`, the same numbers as the fit wrote
    assert_eq!(
        std::fs::read_to_string(&scored).expect("scored"),
        std::fs::read_to_string(&predicted).expect("predicted")
    );
    assert_eq!(
        std::fs::read(&data).expect("data"),
        bytes,
        "input untouched"
    );

    // a file without a driver, and one where a number column holds text
    let text = String::from_utf8(bytes.clone()).expect("utf8");
    let no_ad: String = text
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{},{},{}\n", cells[0], cells[1], cells[2], cells[4])
        })
        .collect();
    let no_ad = write(dir.path(), "no_ad.csv", no_ad.as_bytes());
    let (code, _, stderr) = run_marketlens(&[
        "score",
        model.to_str().expect("utf8"),
        no_ad.to_str().expect("utf8"),
        "--out",
        dir.path().join("x.csv").to_str().expect("utf8"),
    ]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("no_ad.csv") && stderr.contains("no column \u{201c}ad_spend\u{201d}"),
        "{stderr}"
    );
    let texty = text.replacen("24.94", "cheap", 1);
    let texty = write(dir.path(), "texty.csv", texty.as_bytes());
    let (code, _, stderr) = run_marketlens(&[
        "score",
        model.to_str().expect("utf8"),
        texty.to_str().expect("utf8"),
        "--out",
        dir.path().join("y.csv").to_str().expect("utf8"),
    ]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("\u{201c}price\u{201d} should hold numbers"),
        "{stderr}"
    );
    assert!(!dir.path().join("x.csv").exists() && !dir.path().join("y.csv").exists());
    // never over the input
    let (code, _, stderr) = run_marketlens(&[
        "score",
        model.to_str().expect("utf8"),
        data_s,
        "--out",
        data_s,
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("input file"), "{stderr}");
    assert_eq!(std::fs::read(&data).expect("data"), bytes);
}
