//! The real app under egui_kittest: build it, step frames until a job is done, open a
//! bundled sample by clicking it. Included by the UI test files with `#[path]`.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marketlens::app::MarketLensApp;

pub fn app() -> Harness<'static, MarketLensApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|cc| MarketLensApp::new(cc, None))
}

/// Step frames until `done` holds for the app (or fail after two minutes).
pub fn wait_until(
    harness: &mut Harness<'static, MarketLensApp>,
    what: &str,
    done: impl Fn(&MarketLensApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "{what} did not finish");
        std::thread::sleep(Duration::from_millis(10));
        harness.step();
    }
    harness.run_steps(3);
}

/// Step frames until the background load has finished.
pub fn wait_for_load(harness: &mut Harness<'static, MarketLensApp>) {
    wait_until(harness, "loading", |app| app.state.load_job.is_none());
}

/// The app with a bundled sample opened by clicking its button on the start screen.
pub fn with_sample(title: &str) -> Harness<'static, MarketLensApp> {
    let mut harness = app();
    harness.run_steps(2);
    harness.get_by_label(title).click();
    harness.step();
    wait_for_load(&mut harness);
    harness
}
