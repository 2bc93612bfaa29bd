//! Projects (`.mlens`) through the real app (egui_kittest): save, open in a fresh window and
//! get the same results; damaged and newer project files give a clear message and no file is
//! written; a changed or moved data file is reported and can be located.

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marketlens::analysis::models::ModelKind;
use marketlens::app::project::ProjectCommand;
use marketlens::app::{Command, MarketLensApp, View};
use marketlens::data::{Role, Source};

#[path = "common/harness.rs"]
mod harness;
use harness::{app, wait_for_load, wait_until};

/// A copy of a bundled sample in a temporary folder (users' files are never written, and
/// the samples in assets/ must not be either).
fn copy_sample(dir: &Path, name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(name);
    let to = dir.join(name);
    std::fs::copy(&from, &to).expect("copy the sample");
    to
}

fn with_file(path: &Path) -> Harness<'static, MarketLensApp> {
    let mut harness = app();
    harness.run_steps(2);
    harness
        .state_mut()
        .apply(Command::Load(Source::File(path.to_path_buf())));
    harness.step();
    wait_for_load(&mut harness);
    assert!(harness.state().state.dataset.is_some(), "the file loaded");
    harness
}

fn project(harness: &mut Harness<'static, MarketLensApp>, command: ProjectCommand) {
    harness.state_mut().apply(Command::Project(command));
    harness.step();
}

fn save_to(harness: &mut Harness<'static, MarketLensApp>, path: &Path) {
    project(harness, ProjectCommand::SaveTo(path.to_path_buf()));
    wait_until(harness, "saving the project", |app| {
        app.state.project.save_job.is_none()
    });
    let banners = format!("{:?}", harness.state().state.banners);
    assert!(path.is_file(), "the project was written: {banners}");
    assert!(banners.contains("Saved the project"), "{banners}");
}

/// Open a project in a fresh window and wait until its data loaded and every analysis that
/// had a result has run again.
fn open_in_fresh_app(path: &Path) -> Harness<'static, MarketLensApp> {
    let mut harness = app();
    harness.run_steps(2);
    project(&mut harness, ProjectCommand::OpenFrom(path.to_path_buf()));
    wait_until_restored(&mut harness);
    harness
}

fn wait_until_restored(harness: &mut Harness<'static, MarketLensApp>) {
    wait_until(harness, "opening the project", |app| {
        let st = &app.state;
        st.project.open_job.is_none()
            && st.project.pending.is_none()
            && st.load_job.is_none()
            && st.dataset.is_some()
            && st.seg.job.is_none()
            && st.cls.job.is_none()
            && st.reg.job.is_none()
            && st.fc.job.is_none()
            && st.fc.preview_job.is_none()
            && st.project.restore.names.is_none()
            && !st.project.restore.forecast
    });
}

fn banners(harness: &Harness<'static, MarketLensApp>) -> String {
    harness
        .state()
        .state
        .banners
        .iter()
        .map(|b| b.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn project_save_then_reopen_gives_the_same_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = copy_sample(dir.path(), "customers.csv");
    let mut harness = with_file(&data);

    // settings away from the defaults, so that restoring them is seen
    {
        let st = &mut harness.state_mut().state;
        st.seg.k = 3;
        st.seg.seed = 7;
        st.seg.log_skewed = true;
        for m in &mut st.cls.models {
            m.1 = matches!(m.0, ModelKind::Logistic | ModelKind::Tree);
        }
        st.cls.seed = 11;
        st.cls.test_share = 0.25;
        st.cls.settings.tree_depth = 4;
        st.reg.seed = 5;
    }
    let ds = harness.state().state.dataset.clone().expect("data");
    let col = |name: &str| ds.columns.iter().position(|c| c.name == name).expect(name);
    harness
        .state_mut()
        .apply(Command::SetRole(col("city_tier"), Role::Ignore));
    harness.state_mut().apply(Command::FindSegments);
    harness.state_mut().apply(Command::Train);
    harness.state_mut().apply(Command::FitRegression);
    harness.state_mut().apply(Command::ShowView(View::Segments));
    harness.step();
    wait_until(&mut harness, "the analyses", |app| {
        let st = &app.state;
        st.seg.job.is_none() && st.cls.job.is_none() && st.reg.job.is_none()
    });
    assert!(
        harness.state().state.seg.result.is_some(),
        "{}",
        banners(&harness)
    );
    assert!(
        harness.state().state.cls.result.is_some(),
        "{}",
        banners(&harness)
    );
    assert!(
        harness.state().state.reg.result.is_some(),
        "{}",
        banners(&harness)
    );

    // rename segment 1 in the Segments tab
    let field = harness.get_by_label("Segment 1");
    field.click();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Segment 1").type_text("Loyal fans");
    harness.run_steps(3);
    assert_eq!(harness.state().state.seg.names[0], "Loyal fans");

    let saved = dir.path().join("customers work.mlens");
    save_to(&mut harness, &saved);
    let before = harness.state().state.clone_summary();

    // the file: versioned JSON, columns by name, the trained models
    let text = std::fs::read_to_string(&saved).expect("read the project");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["format"], "marketlens-project");
    assert_eq!(json["version"], 1);
    assert_eq!(json["data"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(json["segments"]["names"][0], "Loyal fans");
    assert_eq!(json["segments"]["model"]["model"]["kind"], "segments");
    assert_eq!(
        json["predict"]["trained"].as_array().map(Vec::len),
        Some(2),
        "one model file per trained model"
    );
    assert_eq!(json["predict"]["trained"][0]["model"]["kind"], "classifier");
    assert_eq!(json["drivers"]["trained"][0]["model"]["kind"], "regression");
    assert_eq!(json["predict"]["target"], "churn");

    let data_bytes = std::fs::read(&data).expect("data");
    let project_bytes = std::fs::read(&saved).expect("project");
    let mut reopened = open_in_fresh_app(&saved);
    let after = reopened.state().state.clone_summary();
    assert_eq!(after, before, "{}", banners(&reopened));
    assert!(
        banners(&reopened).contains("Opened the project"),
        "{}",
        banners(&reopened)
    );
    assert!(!reopened.state().state.banners.iter().any(|b| b.is_error));
    // the renamed segment is drawn under its name
    reopened.run_steps(2);
    assert!(reopened.query_all_by_label("Loyal fans").count() >= 1);
    // opening wrote nothing
    assert_eq!(std::fs::read(&data).expect("data"), data_bytes);
    assert_eq!(std::fs::read(&saved).expect("project"), project_bytes);

    // Save (no dialog) writes to the opened project file again: the same project
    project(&mut reopened, ProjectCommand::Save);
    wait_until(&mut reopened, "saving again", |app| {
        app.state.project.save_job.is_none()
    });
    let again: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved).expect("project")).expect("JSON");
    for key in ["data", "roles", "view", "segments", "predict", "drivers"] {
        assert_eq!(again[key], json[key], "{key}");
    }
}

/// Predict's target, features, models, seed, and the other settings in words.
type ClassifySettings = (
    Option<usize>,
    Vec<bool>,
    Vec<(ModelKind, bool)>,
    u64,
    String,
);

/// What must be the same after saving and opening again.
#[derive(Debug, PartialEq)]
struct Summary {
    file: String,
    roles: Vec<Role>,
    view: View,
    seg_settings: (usize, u64, bool, bool, Vec<bool>),
    sizes: Vec<usize>,
    labels: Vec<usize>,
    names: Vec<String>,
    cls_settings: ClassifySettings,
    /// (model, AUC bits, every row's score bits)
    models: Vec<(ModelKind, u64, Vec<u64>)>,
    reg_settings: (Option<usize>, Vec<bool>, u64),
    /// (model, RMSE bits, prediction bits)
    regressions: Vec<(String, u64, Vec<u64>)>,
}

trait Summarize {
    fn clone_summary(&self) -> Summary;
}

impl Summarize for marketlens::app::AppState {
    fn clone_summary(&self) -> Summary {
        let seg = self.seg.result.as_ref().expect("segments");
        let cls = self.cls.result.as_ref().expect("models");
        let reg = self.reg.result.as_ref().expect("regression");
        Summary {
            file: self.dataset.as_ref().expect("data").file_name.clone(),
            roles: self.roles.clone(),
            view: self.view,
            seg_settings: (
                self.seg.k,
                self.seg.seed,
                self.seg.standardize,
                self.seg.log_skewed,
                self.seg.features.clone(),
            ),
            sizes: seg.sizes.clone(),
            labels: seg.fit.labels.clone(),
            names: self.seg.names.clone(),
            cls_settings: (
                self.cls.target,
                self.cls.features.clone(),
                self.cls.models.clone(),
                self.cls.seed,
                format!(
                    "{} {:?} {:?}",
                    self.cls.test_share, self.cls.settings, self.cls.imbalance
                ),
            ),
            models: cls
                .models
                .iter()
                .map(|m| {
                    (
                        m.kind,
                        m.auc.to_bits(),
                        m.all_scores.iter().map(|s| s.to_bits()).collect(),
                    )
                })
                .collect(),
            reg_settings: (self.reg.target, self.reg.features.clone(), self.reg.seed),
            regressions: reg
                .models
                .iter()
                .map(|m| {
                    (
                        format!("{:?}", m.kind),
                        m.errors.rmse.to_bits(),
                        m.predictions.iter().map(|p| p.to_bits()).collect(),
                    )
                })
                .collect(),
        }
    }
}

#[test]
fn damaged_and_newer_project_files_give_a_clear_message_and_stay_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = copy_sample(dir.path(), "customers.csv");
    let mut harness = with_file(&data);

    // a real project, then a copy claiming a newer format version
    let good = dir.path().join("good.mlens");
    save_to(&mut harness, &good);
    let mut newer: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&good).expect("project")).expect("JSON");
    newer["version"] = serde_json::json!(2);
    let newer_path = dir.path().join("from the future.mlens");
    std::fs::write(
        &newer_path,
        serde_json::to_vec_pretty(&newer).expect("JSON"),
    )
    .expect("write");
    // damaged: cut in the middle, and not JSON at all
    let good_bytes = std::fs::read(&good).expect("project");
    let cut = dir.path().join("cut.mlens");
    std::fs::write(&cut, &good_bytes[..good_bytes.len() / 2]).expect("write");
    let garbage = dir.path().join("garbage.mlens");
    std::fs::write(&garbage, b"PK\x03\x04 this is a zip, not a project").expect("write");

    let files = [
        data.clone(),
        good.clone(),
        newer_path.clone(),
        cut.clone(),
        garbage.clone(),
    ];
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();

    for (path, expected) in [
        (
            &newer_path,
            [
                "\u{201c}from the future.mlens\u{201d} was saved by a newer MarketLens",
                "Update MarketLens to open it.",
            ],
        ),
        (
            &cut,
            [
                "\u{201c}cut.mlens\u{201d} is not a MarketLens project file, or it is damaged",
                "Nothing was changed.",
            ],
        ),
        (
            &garbage,
            [
                "\u{201c}garbage.mlens\u{201d} is not a MarketLens project file, or it is damaged",
                "Nothing was changed.",
            ],
        ),
    ] {
        project(&mut harness, ProjectCommand::OpenFrom(path.clone()));
        wait_until(&mut harness, "opening", |app| {
            app.state.project.open_job.is_none()
        });
        let st = &harness.state().state;
        let error = st
            .banners
            .iter()
            .find(|b| b.is_error && b.text.contains(expected[0]))
            .unwrap_or_else(|| panic!("no clear message for {}: {:?}", path.display(), st.banners));
        assert!(error.text.contains(expected[1]), "{}", error.text);
        // shown in the window, too
        assert!(harness.query_all_by_label_contains(expected[0]).count() >= 1);
        // the open file stays open and nothing is loaded
        let st = &harness.state().state;
        assert!(st.load_job.is_none());
        assert_eq!(
            st.dataset.as_ref().map(|d| d.file_name.as_str()),
            Some("customers.csv")
        );
    }
    // a project whose file is not there
    project(
        &mut harness,
        ProjectCommand::OpenFrom(dir.path().join("absent.mlens")),
    );
    wait_until(&mut harness, "opening", |app| {
        app.state.project.open_job.is_none()
    });
    assert!(
        banners(&harness).contains("Could not read the project file \u{201c}absent.mlens\u{201d}")
    );

    let after: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    for ((f, b), a) in files.iter().zip(&before).zip(&after) {
        assert!(a == b, "{} was written", f.display());
    }
    // nothing else appeared in the folder either
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        files.len()
    );
}

#[test]
fn a_changed_or_moved_data_file_is_reported_and_can_be_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = copy_sample(dir.path(), "customers.csv");
    let mut harness = with_file(&data);
    harness.state_mut().state.seg.k = 3;
    harness.state_mut().apply(Command::FindSegments);
    harness.step();
    wait_until(&mut harness, "segmentation", |app| {
        app.state.seg.job.is_none()
    });
    harness.state_mut().state.seg.names[2] = "Bargain hunters".to_owned();
    let saved = dir.path().join("work.mlens");
    save_to(&mut harness, &saved);

    // one byte changed: a customer's age 42 → 43
    let text = std::fs::read_to_string(&data).expect("data");
    let changed = text.replacen("C00001,42,", "C00001,43,", 1);
    assert_ne!(changed, text);
    std::fs::write(&data, &changed).expect("write");
    let reopened = open_in_fresh_app(&saved);
    let msg = banners(&reopened);
    assert!(
        msg.contains(
            "\u{201c}customers.csv\u{201d} has changed since the project \u{201c}work.mlens\u{201d} \
             was saved (different contents); results may differ."
        ),
        "{msg}"
    );
    // it still opens, with the settings and the segments found again
    let st = &reopened.state().state;
    assert_eq!(st.seg.k, 3);
    assert_eq!(st.seg.result.as_ref().map(|r| r.sizes.len()), Some(3));
    assert_eq!(st.seg.names[2], "Bargain hunters");
    assert_eq!(std::fs::read_to_string(&data).expect("data"), changed);

    // moved: the project says where it was; locating it continues
    let moved = dir.path().join("moved customers.csv");
    std::fs::rename(&data, &moved).expect("move");
    std::fs::write(&moved, &text).expect("the original contents again");
    let mut harness = app();
    harness.run_steps(2);
    project(&mut harness, ProjectCommand::OpenFrom(saved.clone()));
    wait_until(&mut harness, "opening", |app| {
        app.state.project.open_job.is_none()
    });
    let msg = banners(&harness);
    assert!(
        msg.contains(
            "The data file \u{201c}customers.csv\u{201d} of project \u{201c}work.mlens\u{201d} \
             is not where the project says"
        ),
        "{msg}"
    );
    assert!(msg.contains("Locate it"), "{msg}");
    assert!(harness.state().state.project.relocate.is_some());
    assert!(harness.state().state.load_job.is_none());
    project(&mut harness, ProjectCommand::RelocateTo(moved.clone()));
    wait_until_restored(&mut harness);
    let st = &harness.state().state;
    assert!(st.project.relocate.is_none());
    assert_eq!(
        st.dataset.as_ref().map(|d| d.file_name.as_str()),
        Some("moved customers.csv")
    );
    assert_eq!(st.seg.result.as_ref().map(|r| r.sizes.len()), Some(3));
    assert_eq!(st.seg.names[2], "Bargain hunters");
    // the same contents as when saved: no warning about changes
    assert!(
        !banners(&harness).contains("has changed"),
        "{}",
        banners(&harness)
    );
}
