//! Segmentation: K-Means inertia against scikit-learn on the bundled customers sample, clear
//! messages for bad input, the `segment` command.

mod common;

use std::process::Command;

use common::{sample, write};
use marketlens::analysis::segment::{SegmentError, SegmentParams, segment};
use marketlens::data::load_path;
use marketlens::data::prep::PrepError;
use marketlens::jobs::Reporter;

const FEATURES: [&str; 7] = [
    "age",
    "tenure_months",
    "recency_days",
    "frequency",
    "monetary",
    "visits",
    "discount_use",
];

/// tests/reference/segment_reference.py: scikit-learn KMeans (k-means++, n_init=10, best of
/// random_state 0..5) on the median-imputed, standardized features.
const SKLEARN_INERTIA: [(usize, f64); 3] = [
    (3, 14859.44583892007),
    (4, 11016.99872327516),
    (5, 8344.748938635452),
];
const SKLEARN_SILHOUETTE_K5: f64 = 0.4493098917027943;

fn params(k: usize) -> SegmentParams {
    SegmentParams {
        features: FEATURES.iter().map(|s| s.to_string()).collect(),
        k,
        ..SegmentParams::default()
    }
}

#[test]
fn inertia_within_one_percent_of_scikit_learn() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    for (k, reference) in SKLEARN_INERTIA {
        let r = segment(&ds.df, &params(k), None, &Reporter::silent()).expect("segments");
        let ratio = r.fit.inertia / reference;
        assert!(
            (0.99..=1.01).contains(&ratio),
            "k={k}: {} vs {reference}",
            r.fit.inertia
        );
        assert_eq!(r.sizes.iter().sum::<usize>(), 5000);
        if k == 5 {
            // all 5,000 rows: exact silhouette, compared with scikit-learn's on its own labels
            let s = r.silhouette.expect("silhouette");
            assert!((s - SKLEARN_SILHOUETTE_K5).abs() < 0.01, "{s}");
        }
    }
}

#[test]
fn same_seed_same_segments() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let a = segment(&ds.df, &params(4), None, &Reporter::silent()).expect("segments");
    let b = segment(&ds.df, &params(4), None, &Reporter::silent()).expect("segments");
    assert_eq!(a.fit.labels, b.fit.labels);
    assert_eq!(a.fit.inertia, b.fit.inertia);
}

#[test]
fn centroids_come_back_in_original_units() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let r = segment(&ds.df, &params(4), None, &Reporter::silent()).expect("segments");
    // the centre of a segment is the mean of its rows (after median imputation of age)
    let monetary = ds
        .df
        .column("monetary")
        .expect("col")
        .f64()
        .expect("f64")
        .clone();
    for (c, centre) in r.centroids.iter().enumerate() {
        let rows: Vec<f64> = r
            .fit
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == c)
            .filter_map(|(i, _)| monetary.get(i))
            .collect();
        let mean = rows.iter().sum::<f64>() / rows.len() as f64;
        let (name, value) = &centre[4];
        assert_eq!(name, "monetary");
        assert!(
            (value - mean).abs() < 1e-6 * mean.abs().max(1.0),
            "{value} vs {mean}"
        );
    }
}

#[test]
fn bad_input_gives_clear_messages() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let silent = Reporter::silent();
    let mut p = params(3);
    p.features = vec!["customer_id".into()];
    assert!(matches!(
        segment(&ds.df, &p, None, &silent),
        Err(SegmentError::Prep(PrepError::TooManyCategories(_, 5000)))
    ));
    p.features = vec!["no_such".into()];
    let err = segment(&ds.df, &p, None, &silent).expect_err("error");
    assert!(err.to_string().contains("no_such"));
    let dir = tempfile::tempdir().expect("tempdir");
    let tiny =
        load_path(&write(dir.path(), "tiny.csv", b"a,b,c\n1,1,\n2,1,\n1,1,\n")).expect("loads");
    let mut p = params(3);
    p.features = vec!["a".into(), "b".into()];
    // 3 rows but only 2 distinct
    assert_eq!(
        segment(&tiny.df, &p, None, &silent).err(),
        Some(SegmentError::FewerDistinctThanK { distinct: 2, k: 3 })
    );
    p.k = 5;
    assert_eq!(
        segment(&tiny.df, &p, None, &silent).err(),
        Some(SegmentError::FewerRowsThanK { rows: 3, k: 5 })
    );
    p.features = vec!["c".into()];
    p.k = 2;
    assert!(matches!(
        segment(&tiny.df, &p, None, &silent),
        Err(SegmentError::Prep(PrepError::AllMissing(_)))
    ));
    // a constant column is fine next to a varying one
    p.features = vec!["a".into(), "b".into()];
    assert!(segment(&tiny.df, &p, None, &silent).is_ok());
}

#[test]
fn cancel_stops_segmentation() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let token = marketlens::jobs::CancelToken::new();
    token.cancel();
    let r = segment(&ds.df, &params(4), None, &Reporter::new(|_| {}, token));
    assert_eq!(r.err(), Some(SegmentError::Cancelled));
}

#[test]
fn segment_command_json() {
    let path = sample("customers.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_marketlens"))
        .args(["segment", path.to_str().expect("utf8"), "--features"])
        .arg(FEATURES.join(","))
        .args(["--k", "5", "--k-range", "2..6", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["k"], 5);
    let inertia = v["inertia"].as_f64().expect("inertia");
    assert!(
        (inertia / SKLEARN_INERTIA[2].1 - 1.0).abs() < 0.01,
        "{inertia}"
    );
    assert_eq!(v["sizes"].as_array().expect("sizes").len(), 5);
    assert!(v["centroids"][0]["monetary"].is_f64());
    let scan = v["k_scan"].as_array().expect("scan");
    assert_eq!(scan.len(), 5);
    assert_eq!(scan[0]["k"], 2);
    // bad input: a clear message and a non-zero exit, no panic
    let out = Command::new(env!("CARGO_BIN_EXE_marketlens"))
        .args([
            "segment",
            path.to_str().expect("utf8"),
            "--features",
            "customer_id",
            "--k",
            "3",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("customers.csv") && stderr.contains("customer_id"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn segment_out_writes_rows_with_segment_names_and_never_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("customers.csv");
    std::fs::copy(sample("customers.csv"), &input).expect("copy");
    let before = std::fs::read(&input).expect("read");
    let out = dir.path().join("assigned.csv");
    let run = |target: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_marketlens"))
            .args(["segment", input.to_str().expect("utf8"), "--features"])
            .arg(FEATURES.join(","))
            .args([
                "--k",
                "4",
                "--json",
                "--out",
                target.to_str().expect("utf8"),
            ])
            .output()
            .expect("runs")
    };
    let ok = run(&out);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json");
    let names: Vec<String> = v["names"]
        .as_array()
        .expect("names")
        .iter()
        .map(|n| n.as_str().unwrap_or("").to_owned())
        .collect();
    let written = load_path(&out).expect("output loads");
    assert_eq!(written.rows(), 5000);
    let seg = written.columns.last().expect("segment column");
    assert_eq!(seg.name, "segment");
    assert!(
        seg.top.iter().all(|t| names.contains(&t.value)),
        "{:?}",
        seg.top
    );
    // writing over the input is refused, and the input is untouched
    let refused = run(&input);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("never written over"));
    assert_eq!(std::fs::read(&input).expect("read"), before);
}

#[test]
fn scanning_k_suggests_five_segments_for_the_customers_sample() {
    // The generator draws five latent segments; scikit-learn's silhouette is highest at
    // k = 5 too (0.449 vs 0.433 at k = 4; tests/reference/segment_reference.py).
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let scan =
        marketlens::analysis::segment::scan_k(&ds.df, &params(5), (2, 8), &Reporter::silent())
            .expect("scan");
    assert_eq!(
        scan.iter().map(|s| s.k).collect::<Vec<_>>(),
        (2..=8).collect::<Vec<_>>()
    );
    // more segments always fit tighter
    assert!(scan.windows(2).all(|w| w[1].inertia < w[0].inertia));
    let (k, reason) = marketlens::analysis::segment::suggest_k(&scan).expect("suggestion");
    assert_eq!(k, 5, "{reason}");
    assert!(reason.starts_with("5 segments"));
}

#[test]
fn the_map_projects_customers_and_centres_onto_two_principal_directions() {
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let r = segment(&ds.df, &params(5), None, &Reporter::silent()).expect("segments");
    let map = r.map.as_ref().expect("map");
    assert_eq!(map.points.len(), 5000);
    // the directions are unit vectors at right angles
    let (a, b) = (map.components.row(0), map.components.row(1));
    assert!((a.dot(&a) - 1.0).abs() < 1e-6 && (b.dot(&b) - 1.0).abs() < 1e-6);
    assert!(a.dot(&b).abs() < 1e-6);
    // the centres land at the mean position of their customers
    for c in 0..5 {
        let mine: Vec<[f64; 2]> = map
            .points
            .iter()
            .zip(&r.fit.labels)
            .filter(|(_, l)| **l == c)
            .map(|(p, _)| *p)
            .collect();
        let mean_x = mine.iter().map(|p| p[0]).sum::<f64>() / mine.len() as f64;
        let centre = map.project(r.fit.centroids.row(c));
        assert!((centre[0] - mean_x).abs() < 1e-6, "{centre:?} vs {mean_x}");
    }
    assert!(!map.axis_names[0].is_empty());
}

#[test]
fn gaussian_mixture_segments_are_seeded_and_complete() {
    use marketlens::analysis::segment::Algorithm;
    let ds = load_path(&sample("customers.csv")).expect("loads");
    let mut p = params(5);
    p.algorithm = Algorithm::Gmm;
    p.n_init = 2;
    let a = segment(&ds.df, &p, None, &Reporter::silent()).expect("fits");
    let b = segment(&ds.df, &p, None, &Reporter::silent()).expect("fits");
    assert_eq!(a.fit.labels, b.fit.labels);
    assert_eq!(a.sizes.iter().sum::<usize>(), 5000);
    assert!(a.sizes.iter().all(|&s| s > 0), "{:?}", a.sizes);
    // the spread is measured like K-Means' and cannot beat K-Means' optimum by much
    assert!(
        a.fit.inertia >= SKLEARN_INERTIA[2].1 * 0.99,
        "{}",
        a.fit.inertia
    );
}

#[test]
fn hierarchical_segments_on_a_sample_cover_every_row() {
    let path = sample("customers.csv");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_marketlens"))
            .args(["segment", path.to_str().expect("utf8"), "--features"])
            .arg(FEATURES.join(","))
            .args(["--k", "5", "--algorithm", "hierarchical", "--json"])
            .output()
            .expect("runs")
    };
    let a = run();
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).expect("json");
    let sizes: Vec<u64> = v["sizes"]
        .as_array()
        .expect("sizes")
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .collect();
    assert_eq!(sizes.len(), 5);
    assert_eq!(sizes.iter().sum::<u64>(), 5000);
    assert!(sizes.iter().all(|&s| s > 0));
    // Ward cannot beat K-Means' optimum on its own objective, and is seeded
    assert!(v["inertia"].as_f64().unwrap_or(0.0) >= SKLEARN_INERTIA[2].1 * 0.99);
    assert_eq!(run().stdout, a.stdout);
}
