//! Long jobs in the real window (egui_kittest): the k scan shows its progress per k and stops
//! on Cancel or Esc; what drives the score is measured after the results are shown, on a job
//! of its own with progress and Stop, and can be measured again.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marketlens::analysis::models::ModelKind;
use marketlens::app::MarketLensApp;

#[path = "common/harness.rs"]
mod harness;
use harness::{wait_until, with_sample};

/// The customers sample with the toolbar tab `tab` open.
fn customers_in(tab: &str) -> Harness<'static, MarketLensApp> {
    let mut harness = with_sample("Customers and churn");
    harness
        .get_all_by_label(tab)
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    harness.run_steps(2);
    harness
}

/// Nothing runs: no load, segmentation, scan, training or measuring.
fn idle(app: &MarketLensApp) -> bool {
    let st = &app.state;
    st.load_job.is_none()
        && st.seg.job.is_none()
        && st.seg.scan_job.is_none()
        && st.cls.job.is_none()
        && st.cls.drivers_job.is_none()
}

/// Start the k scan and wait until the window shows which k it is trying.
fn start_scan(harness: &mut Harness<'static, MarketLensApp>) -> String {
    harness
        .get_by_label("Find the best number of segments")
        .click();
    harness.step();
    assert!(
        harness.state().state.seg.scan_job.is_some(),
        "the scan started"
    );
    wait_until(harness, "the first k", |app| {
        app.state
            .seg
            .scan_job
            .as_ref()
            .is_some_and(|j| j.latest().is_some())
    });
    let shown = harness
        .state()
        .state
        .seg
        .scan_job
        .as_ref()
        .and_then(|j| j.latest())
        .map(marketlens::jobs::JobProgress::describe)
        .unwrap_or_default();
    // "Trying k = 3 of 2…10", shown with its bar and a Cancel button beside it
    let k: usize = shown
        .trim_start_matches("Trying k = ")
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .expect("k in the progress text");
    assert!((2..=10).contains(&k), "{shown}");
    assert_eq!(shown, format!("Trying k = {k} of 2\u{2026}10"));
    harness.get_by_label_contains(&shown);
    harness.get_by_label("Cancel");
    shown
}

/// After a stop: the scan is gone with nothing kept, however long one waits, and the window
/// offers the scan again.
fn assert_scan_stopped(harness: &mut Harness<'static, MarketLensApp>) {
    assert!(harness.state().state.seg.scan_job.is_none());
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    let st = &harness.state().state;
    assert!(st.seg.scan.is_empty(), "no scan result after a stop");
    assert!(idle(harness.state()));
    assert!(harness.query_by_label_contains("Trying k = ").is_none());
    harness.get_by_label("Find the best number of segments");
    harness.get_by_label_contains("Stopped trying numbers of segments.");
}

#[test]
fn the_k_scan_shows_each_k_and_stops_on_cancel() {
    let mut harness = customers_in("Segments");
    start_scan(&mut harness);
    let fraction = harness
        .state()
        .state
        .seg
        .scan_job
        .as_ref()
        .and_then(|j| j.latest())
        .and_then(marketlens::jobs::JobProgress::fraction);
    assert!(
        fraction.is_some_and(|f| (0.0..1.0).contains(&f)),
        "{fraction:?}"
    );
    harness.get_by_label("Cancel").click();
    harness.step();
    assert_scan_stopped(&mut harness);
}

#[test]
fn esc_stops_the_k_scan() {
    let mut harness = customers_in("Segments");
    start_scan(&mut harness);
    harness.key_press(egui::Key::Escape);
    harness.step();
    assert_scan_stopped(&mut harness);
}

/// Train logistic regression and nearest neighbours (the slowest to rescore) and return
/// the app at the first frame where the results are shown.
fn trained_with_knn() -> Harness<'static, MarketLensApp> {
    let mut harness = customers_in("Predict");
    for (kind, on) in harness.state_mut().state.cls.models.iter_mut() {
        *on = matches!(kind, ModelKind::Logistic | ModelKind::Knn);
    }
    harness.run_steps(2);
    harness.get_by_label("Train").click();
    harness.step();
    assert!(harness.state().state.cls.job.is_some(), "training started");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while harness.state().state.cls.job.is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "training did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    harness
}

#[test]
fn drivers_are_measured_after_the_results_are_shown_and_can_be_stopped() {
    let mut harness = trained_with_knn();
    {
        let cls = &harness.state().state.cls;
        let result = cls.result.as_ref().expect("the results are shown");
        assert_eq!(result.models.len(), 2);
        // the results arrive without drivers; a job of their own measures them next (the
        // logistic model's take a few milliseconds and may be in already; nearest
        // neighbours, the slowest to rescore, are not)
        assert!(result.models[1].drivers.is_empty());
        assert!(result.models.iter().all(|m| m.importance.is_some()));
        assert!(cls.drivers_job.is_some(), "the drivers job started");
    }
    harness.run_steps(2);
    // its progress and its Stop button are in the window, beside the shown results
    harness.get_by_label_contains("Measuring what drives the score");
    harness.get_by_label("ROC curve");
    // the nearest-neighbours model's page, while it is (or waits to be) measured
    let knn = 1;
    harness.state_mut().state.cls.selected = knn;
    harness.get_by_label("What drives it").click();
    harness.run_steps(2);
    if harness
        .state()
        .state
        .cls
        .result
        .as_ref()
        .expect("result")
        .models[knn]
        .drivers
        .is_empty()
    {
        harness.get_by_label_contains("Being measured in the background");
    }
    harness.get_by_label("Stop measuring").click();
    harness.step();
    let cls = &harness.state().state.cls;
    assert!(cls.drivers_job.is_none(), "stopped");
    let run = cls.result.as_ref().expect("result").run;
    assert_eq!(cls.drivers_stopped, Some(run));
    harness.run_steps(3);
    assert!(idle(harness.state()));
    harness.get_by_label_contains("Stopped measuring what drives the score");
    // the results stay; the page offers to measure again, which fills in the bars
    assert!(harness.state().state.cls.result.is_some());
    let measured = !harness
        .state()
        .state
        .cls
        .result
        .as_ref()
        .expect("result")
        .models[knn]
        .drivers
        .is_empty();
    if !measured {
        harness
            .get_by_label("Measure what drives the score")
            .click();
        harness.step();
        assert!(harness.state().state.cls.drivers_job.is_some());
        wait_until(&mut harness, "measuring", |app| {
            app.state.cls.drivers_job.is_none()
        });
    }
    let result = harness.state().state.cls.result.clone().expect("result");
    let drivers = &result.models[knn].drivers;
    assert_eq!(drivers.len(), 10, "{drivers:?}");
    assert!(
        drivers.windows(2).all(|w| w[0].auc_drop >= w[1].auc_drop),
        "{drivers:?}"
    );
    // the page says on how many customers and how often each column was shuffled
    harness.get_by_label_contains("Measured on all 1,500 customers the model was checked on");
}

#[test]
fn esc_stops_measuring_the_drivers_and_keeps_the_results() {
    let mut harness = trained_with_knn();
    assert!(harness.state().state.cls.drivers_job.is_some());
    harness.key_press(egui::Key::Escape);
    harness.step();
    let cls = &harness.state().state.cls;
    assert!(cls.drivers_job.is_none());
    assert!(cls.result.is_some(), "the results stay");
    assert!(idle(harness.state()));
}

#[test]
fn a_new_training_run_replaces_the_measuring_of_the_old_one() {
    let mut harness = trained_with_knn();
    let first_run = harness
        .state()
        .state
        .cls
        .result
        .as_ref()
        .expect("result")
        .run;
    harness.get_by_label("Train").click();
    harness.step();
    let cls = &harness.state().state.cls;
    // the old run's measuring is cancelled with it
    assert!(cls.drivers_job.is_none() && cls.job.is_some());
    wait_until(&mut harness, "training and measuring", |app| {
        app.state.cls.job.is_none() && app.state.cls.drivers_job.is_none()
    });
    let result = harness.state().state.cls.result.clone().expect("result");
    assert_ne!(result.run, first_run);
    assert!(result.models.iter().all(|m| m.drivers.len() == 10));
}
