//! Loading and profiling: the bundled samples get the right kinds and roles, unusual files
//! open with a notice, bad files are refused with a message naming the file.

mod common;

use common::{refused_files, sample, write};
use marketlens::data::{ColumnKind, LoadError, Role, TextEncoding, load_path};

fn kinds(path: &std::path::Path) -> Vec<(String, ColumnKind)> {
    let ds = load_path(path).expect("loads");
    ds.columns
        .iter()
        .map(|c| (c.name.clone(), c.kind))
        .collect()
}

#[test]
fn customers_sample_kinds_and_roles() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    assert_eq!(ds.rows(), 5000);
    use ColumnKind::*;
    let expected = [
        ("customer_id", Id),
        ("age", Numeric),
        ("gender", Categorical),
        ("city_tier", Categorical),
        ("tenure_months", Numeric),
        ("recency_days", Numeric),
        ("frequency", Numeric),
        ("monetary", Numeric),
        ("visits", Numeric),
        ("discount_use", Numeric),
        ("channel", Categorical),
        ("churn", Boolean),
    ];
    let got: Vec<(&str, ColumnKind)> = ds
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    assert_eq!(got, expected);
    let role = |n: &str| ds.columns.iter().find(|c| c.name == n).map(|c| c.role);
    assert_eq!(role("churn"), Some(Role::Target));
    assert_eq!(role("customer_id"), Some(Role::Id));
    assert_eq!(role("monetary"), Some(Role::Feature));
    // the generator leaves about 2 % of ages empty
    let age = &ds.columns[1];
    assert!(
        age.missing > 0 && age.missing_share < 0.05,
        "{}",
        age.missing
    );
    assert!(ds.notices.is_empty(), "{:?}", ds.notices);
}

#[test]
fn customers_stats_match_an_independent_computation() {
    // Recompute monetary's statistics straight from the text, without polars.
    let text = std::fs::read_to_string(sample("customers.csv")).expect("read");
    let mut values: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .nth(7)
                .and_then(|v| v.parse().ok())
                .expect("number")
        })
        .collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    values.sort_by(f64::total_cmp);
    let median = (values[2499] + values[2500]) / 2.0;
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let s = ds.columns[7].stats.as_ref().expect("stats");
    assert!((s.mean - mean).abs() < 1e-9);
    assert_eq!(s.median, median);
    assert_eq!(s.min, values[0]);
    assert_eq!(s.max, values[4999]);
    let hist_total: u64 = ds.columns[7]
        .histogram
        .as_ref()
        .expect("hist")
        .counts
        .iter()
        .sum();
    assert_eq!(hist_total, 5000);
}

#[test]
fn other_samples_load_with_expected_roles() {
    let ds = load_path(&sample("monthly_sales.csv")).expect("loads");
    assert_eq!(ds.columns[0].kind, ColumnKind::Date);
    assert_eq!(ds.columns[0].role, Role::Date);
    assert_eq!(ds.columns[1].kind, ColumnKind::Numeric);
    let ds = load_path(&sample("campaign_response.csv")).expect("loads");
    let responded = ds
        .columns
        .iter()
        .find(|c| c.name == "responded")
        .expect("col");
    assert_eq!(
        (responded.kind, responded.role),
        (ColumnKind::Boolean, Role::Target)
    );
    let share = responded
        .top
        .iter()
        .find(|t| t.value == "yes")
        .expect("yes")
        .count as f64
        / ds.rows() as f64;
    assert!((0.06..0.10).contains(&share), "{share}");
}

#[test]
fn chinese_sample_keeps_names_and_values() {
    let k = kinds(&sample("stores_zh.csv"));
    let names: Vec<&str> = k.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "门店编号",
            "城市",
            "日期",
            "客流量",
            "销售额",
            "促销",
            "渠道"
        ]
    );
    assert_eq!(k[1].1, ColumnKind::Categorical);
    assert_eq!(k[2].1, ColumnKind::Date);
    assert_eq!(k[4].1, ColumnKind::Numeric);
    assert_eq!(k[5].1, ColumnKind::Boolean);
    let ds = load_path(&sample("stores_zh.csv")).expect("loads");
    assert!(ds.columns[1].top.iter().any(|t| t.value == "北京"));
}

#[test]
fn refused_files_name_the_file_and_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes, phrase) in refused_files() {
        let path = write(dir.path(), name, &bytes);
        let err = load_path(&path).err().expect("refused").to_string();
        assert!(err.contains(name), "{err}");
        assert!(err.contains(phrase), "{name}: {err}");
    }
}

#[test]
fn missing_file_and_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.csv");
    let err = load_path(&missing).err().expect("refused");
    assert!(matches!(err, LoadError::NotFound { .. }));
    assert!(err.to_string().contains("nope.csv") && err.to_string().contains("does not exist"));
    let err = load_path(dir.path()).err().expect("refused");
    assert!(matches!(err, LoadError::IsDirectory { .. }), "{err}");
    assert!(err.to_string().contains("folder"));
}

#[test]
fn delimiters_and_null_markers() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        (
            "semi.csv",
            "id;spend;city\n1;10.5;A\n2;NA;B\n3;-;A\n4;N/A;\n",
        ),
        (
            "tab.tsv",
            "id\tspend\tcity\n1\t10.5\tA\n2\tNA\tB\n3\t-\tA\n4\tN/A\t\n",
        ),
        (
            "pipe.csv",
            "id|spend|city\n1|10.5|A\n2|NA|B\n3|-|A\n4|N/A|\n",
        ),
    ] {
        let ds = load_path(&write(dir.path(), name, text.as_bytes())).expect("loads");
        assert_eq!(ds.columns.len(), 3, "{name}");
        assert_eq!(ds.columns[1].kind, ColumnKind::Numeric, "{name}");
        assert_eq!(ds.columns[1].missing, 3, "{name}");
        assert_eq!(ds.columns[2].missing, 1, "{name}");
    }
}

#[test]
fn thousands_separators_become_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "store,revenue\nA,\"1,234.50\"\nB,\"12,000\"\nC,950\n";
    let ds = load_path(&write(dir.path(), "rev.csv", text.as_bytes())).expect("loads");
    let c = &ds.columns[1];
    assert_eq!(c.kind, ColumnKind::Numeric);
    let s = c.stats.as_ref().expect("stats");
    assert_eq!((s.min, s.max), (950.0, 12000.0));
    assert!(ds.notices.iter().any(|n| n.contains("thousands")));
}

#[test]
fn gbk_and_latin1_files_open_with_a_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (gbk, _, _) = encoding_rs::GBK.encode("城市,销售额\n北京,1200\n上海,980\n广州,760\n");
    let ds = load_path(&write(dir.path(), "gbk.csv", &gbk)).expect("loads");
    assert_eq!(ds.encoding, TextEncoding::Gbk);
    assert_eq!(ds.columns[0].name, "城市");
    assert!(ds.notices.iter().any(|n| n.contains("GBK")));
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("name,city\nMüller,Köln\nJosé,Málaga\n");
    let ds = load_path(&write(dir.path(), "latin.csv", &latin)).expect("loads");
    assert_eq!(ds.encoding, TextEncoding::Windows1252);
    assert!(ds.columns[1].top.iter().any(|t| t.value == "Köln"));
}

#[test]
fn duplicate_and_blank_column_names_are_renamed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ds =
        load_path(&write(dir.path(), "dup.csv", b"a,a,,b\n1,2,3,4\n5,6,7,8\n")).expect("loads");
    let names: Vec<&str> = ds.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "a (2)", "column_3", "b"]);
    assert_eq!(ds.notices.len(), 2, "{:?}", ds.notices);
}

#[test]
fn ragged_rows_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n";
    let ds = load_path(&write(dir.path(), "ragged.csv", text.as_bytes())).expect("loads");
    assert_eq!(ds.rows(), 4);
    assert_eq!(ds.columns[2].missing, 1);
    assert!(
        ds.notices.iter().any(|n| n.contains("more fields")),
        "{:?}",
        ds.notices
    );
}

#[test]
fn a_ten_megabyte_field_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = b"id,note\n1,\"".to_vec();
    text.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    text.extend_from_slice(b"\"\n2,short\n");
    let ds = load_path(&write(dir.path(), "huge_field.csv", &text)).expect("loads");
    assert_eq!(ds.rows(), 2);
    let (cell, _) = marketlens::data::table::cell_text(&ds.df.columns()[1], 0);
    assert!(cell.chars().count() <= marketlens::data::table::MAX_CELL_CHARS + 1);
}

#[test]
fn headerless_numbers_get_position_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ds = load_path(&write(dir.path(), "nums.csv", b"1,2\n3,4\n5,6\n")).expect("loads");
    assert_eq!(ds.rows(), 3);
    assert_eq!(ds.columns[0].name, "column_1");
}

#[test]
fn dates_in_several_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("iso.csv", "d,v\n2024-01-31,1\n2024-02-29,2\n"),
        ("slash.csv", "d,v\n2024/01/31,1\n2024/02/29,2\n"),
        ("dmy.csv", "d,v\n31/01/2024,1\n29/02/2024,2\n"),
        ("month.csv", "d,v\n2024-01,1\n2024-02,2\n"),
    ] {
        let ds = load_path(&write(dir.path(), name, text.as_bytes())).expect("loads");
        assert_eq!(ds.columns[0].kind, ColumnKind::Date, "{name}");
    }
}

#[test]
fn a_non_utf8_byte_far_into_the_file_falls_back_to_decoding() {
    // The first 64 KB are plain ASCII (the fast path hands the file to polars as UTF-8);
    // a Latin-1 "é" near the end must still be read, as Windows-1252, with a notice.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = b"id,city\n".to_vec();
    for i in 0..20_000 {
        text.extend_from_slice(format!("{i},Paris\n").as_bytes());
    }
    text.extend_from_slice(b"20000,Besan\xe7on\n");
    let ds = load_path(&write(dir.path(), "late_latin1.csv", &text)).expect("loads");
    assert_eq!(ds.rows(), 20_001);
    assert_eq!(ds.encoding, TextEncoding::Windows1252);
    assert!(ds.columns[1].top.iter().any(|t| t.value == "Besançon"));
}

#[test]
fn a_large_utf8_file_with_bom_and_markers_loads_like_a_small_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = "\u{feff}客户,spend\n".as_bytes().to_vec();
    for i in 0..20_000 {
        let spend = if i % 1000 == 7 {
            "NA".to_owned()
        } else {
            format!("{}.5", i % 300)
        };
        text.extend_from_slice(format!("C{i:05},{spend}\n").as_bytes());
    }
    let ds = load_path(&write(dir.path(), "big_bom.csv", &text)).expect("loads");
    assert_eq!(ds.columns[0].name, "客户");
    assert_eq!(ds.columns[0].kind, ColumnKind::Id);
    assert_eq!(ds.columns[1].kind, ColumnKind::Numeric);
    assert_eq!(ds.columns[1].missing, 20);
}

#[test]
fn old_mac_line_ends_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ds = load_path(&write(dir.path(), "mac.csv", b"a,b\r1,2\r3,4\r")).expect("loads");
    assert_eq!(ds.rows(), 2);
    assert_eq!(ds.columns.len(), 2);
}

#[test]
fn a_bom_alone_is_an_empty_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = load_path(&write(dir.path(), "bom.csv", &[0xEF, 0xBB, 0xBF, b'\n']))
        .err()
        .expect("refused");
    assert!(matches!(err, LoadError::Empty { .. }), "{err}");
}

#[test]
fn an_all_missing_column_is_ignored_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ds = load_path(&write(dir.path(), "na.csv", b"a,b\n1,NA\n2,\n3,-\n")).expect("loads");
    let b = &ds.columns[1];
    assert_eq!(
        (b.kind, b.role, b.missing, b.unique),
        (ColumnKind::Text, Role::Ignore, 3, 0)
    );
}
