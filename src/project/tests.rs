//! Round trips, versions, damage and hashing of project files.

use super::*;
use crate::analysis::forecast::{ModelKind as ForecastKind, SeasonChoice};
use crate::analysis::holt_winters::{Seasonal, Trend};
use crate::analysis::lstm::LstmSettings;
use crate::analysis::models::{ModelKind, ModelSettings};
use crate::analysis::regress::{CalendarPart, RegModel};
use crate::analysis::segment::Algorithm;
use crate::analysis::series::{Aggregate, Fill, Period};
use crate::data::Role;

fn project_of(path: &Path) -> Project {
    let mut p = Project::new(DataRef::for_file(path, 2).expect("hash"));
    p.roles = vec![
        ColumnRole {
            column: "spend".to_owned(),
            role: Role::Feature,
        },
        ColumnRole {
            column: "churn".to_owned(),
            role: Role::Target,
        },
    ];
    p.view = "segments".to_owned();
    p.segments = Some(SegmentsSection {
        features: vec!["spend".to_owned()],
        k: 3,
        algorithm: SegmentAlgorithm::Gmm,
        seed: 7,
        standardize: true,
        log_skewed: false,
        names: vec!["Big spenders".to_owned(), "Others".to_owned()],
        ran: true,
        model: None,
    });
    p.predict = Some(PredictSection {
        target: Some("churn".to_owned()),
        positive: Some("yes".to_owned()),
        features: vec!["spend".to_owned()],
        models: vec![ModelKind::Logistic, ModelKind::Forest],
        evaluation: Evaluation::KFold,
        test_share: 0.25,
        folds: 4,
        test_file: String::new(),
        seed: 9,
        settings: ClassifierSettings::from(&ModelSettings::default()),
        imbalance: ImbalanceSetting::ClassWeights,
        threshold: 0.4,
        cost: 20.0,
        value: 100.0,
        risk_min: 0.5,
        ran: true,
        trained: Vec::new(),
    });
    p.forecast = Some(ForecastSection {
        date: Some("month".to_owned()),
        value: None,
        aggregate: Aggregate::Sum,
        period: Some(Period::Month),
        fill: Fill::Interpolate,
        season: 12,
        holdout: 0,
        horizon: 6,
        methods: vec!["holt_winters".to_owned(), "lstm".to_owned()],
        trend: Trend::Damped,
        seasonal: SeasonSetting::Multiplicative,
        lstm: LstmSection::from(&LstmSettings::default()),
        lstm_changes: true,
        ran: false,
    });
    p.drivers = Some(DriversSection {
        target: Some("spend".to_owned()),
        features: vec!["churn".to_owned()],
        date: None,
        calendar: Some(CalendarPart::Quarter),
        models: vec![RegModel::Ols],
        evaluation: Evaluation::Split,
        test_share: 0.3,
        folds: 5,
        test_file: String::new(),
        seed: 42,
        choose_penalty: false,
        alpha: 0.5,
        l1_ratio: 0.5,
        k: 5,
        ran: false,
        trained: Vec::new(),
    });
    p
}

fn data_file(dir: &Path) -> PathBuf {
    let data = dir.join("customers.csv");
    std::fs::write(&data, b"spend,churn\n10,yes\n20,no\n").expect("write");
    data
}

#[test]
fn round_trip_keeps_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = data_file(dir.path());
    let project = project_of(&data);
    let path = dir.path().join("work.mlens");
    project.save(&path, Some(&data)).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("\"format\": \"marketlens-project\""),
        "{text}"
    );
    let back = Project::load(&path).expect("loaded");
    assert_eq!(
        serde_json::to_value(&back).expect("json"),
        serde_json::to_value(&project).expect("json")
    );
    assert_eq!(back.check_data(), DataCheck::Same);
    assert!(back.data.path.is_absolute());
    let fc = back.forecast.expect("forecast");
    assert_eq!(
        fc.method_kinds(),
        [ForecastKind::HoltWinters, ForecastKind::Lstm]
    );
    assert_eq!(
        SeasonChoice::from(fc.seasonal),
        SeasonChoice::Fixed(Seasonal::Multiplicative)
    );
    assert_eq!(LstmSettings::from(&fc.lstm), LstmSettings::default());
    assert_eq!(
        Algorithm::from(back.segments.expect("segments").algorithm),
        Algorithm::Gmm
    );
}

#[test]
fn never_saves_over_the_data_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = data_file(dir.path());
    let before = std::fs::read(&data).expect("read");
    let err = project_of(&data)
        .save(&data, Some(&data))
        .expect_err("refused");
    assert!(err.to_string().contains("customers.csv"), "{err}");
    assert_eq!(std::fs::read(&data).expect("read"), before);
}

#[test]
fn newer_version_says_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = data_file(dir.path());
    let mut value = serde_json::to_value(project_of(&data)).expect("json");
    value["version"] = serde_json::json!(VERSION + 1);
    value["something_new"] = serde_json::json!({"a": 1});
    let path = dir.path().join("future.mlens");
    std::fs::write(&path, serde_json::to_vec(&value).expect("bytes")).expect("write");
    let err = Project::load(&path).expect_err("refused").to_string();
    assert!(err.contains("future.mlens"), "{err}");
    assert!(err.contains("newer MarketLens"), "{err}");
    assert!(err.contains("Update MarketLens to open it"), "{err}");
}

#[test]
fn garbage_says_not_a_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in [
        ("garbage.mlens", b"\x00\x01 not json at all".to_vec()),
        (
            "truncated.mlens",
            b"{\"format\": \"marketlens-project\", \"ver".to_vec(),
        ),
        (
            "other.mlens",
            b"{\"format\": \"marketlens-model\", \"version\": 1}".to_vec(),
        ),
        (
            "broken.mlens",
            b"{\"format\": \"marketlens-project\", \"version\": 1, \"data\": 3}".to_vec(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write");
        let err = Project::load(&path).expect_err("refused").to_string();
        assert!(err.contains(name), "{err}");
        assert!(err.contains("not a MarketLens project file"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), bytes, "not written");
    }
    let err = Project::load(&dir.path().join("absent.mlens"))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("Could not read the project file"), "{err}");
}

#[test]
fn hash_notices_a_one_byte_change_and_a_move() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = data_file(dir.path());
    let project = project_of(&data);
    assert_eq!(project.check_data(), DataCheck::Same);
    let mut bytes = std::fs::read(&data).expect("read");
    let last = bytes.len() - 2;
    bytes[last] = b'x';
    std::fs::write(&data, &bytes).expect("write");
    assert!(matches!(
        project.check_data(),
        DataCheck::Changed { bytes_then, bytes_now } if bytes_then == bytes_now
    ));
    std::fs::rename(&data, dir.path().join("moved.csv")).expect("move");
    assert_eq!(project.check_data(), DataCheck::Missing);
    // a known hash
    assert_eq!(
        hash_bytes(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn bundled_samples_are_checked_by_their_contents() {
    let s = &crate::samples::SAMPLES[0];
    let p = Project::new(DataRef::for_sample(s.file_name, s.bytes, 10));
    assert_eq!(p.check_data(), DataCheck::Same);
    assert_eq!(p.data.label(), s.file_name);
    let gone = Project::new(DataRef::for_sample("nope.csv", b"a", 1));
    assert_eq!(gone.check_data(), DataCheck::Missing);
}
