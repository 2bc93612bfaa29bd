//! Shared test helpers: bad and unusual CSV files written into a temporary folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(name)
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

/// (file name, contents) of files that must be refused with a clear message.
pub fn refused_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    binary[10] = 0;
    vec![
        ("empty.csv", Vec::new(), "is empty"),
        ("blank_lines.csv", b"\n\n  \n".to_vec(), "is empty"),
        ("header_only.csv", b"a,b,c\n".to_vec(), "no data rows"),
        ("binary.csv", binary, "binary data"),
        (
            "workbook.csv",
            b"PK\x03\x04\x14\x00\x06\x00rest of a zip".to_vec(),
            "Excel workbook",
        ),
    ]
}

/// Run the `marketlens` binary: (exit code, stdout, stderr).
pub fn run_marketlens(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marketlens"))
        .args(args)
        .output()
        .expect("run marketlens");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `sales` column of the bundled monthly sample, in file order.
pub fn monthly_sales() -> Vec<f64> {
    let text = std::fs::read_to_string(sample("monthly_sales.csv")).expect("sample");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).expect("sales").parse().expect("number"))
        .collect()
}
