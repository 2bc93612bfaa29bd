//! Is the window responsive while a big file loads, and does the table scroll smoothly?
//!
//! Drives the real app headless (egui_kittest) on a CSV given as the first argument or
//! `MARKETLENS_BENCH_FILE` (make one with `marketlens-samples customers --rows 1000000 --out F`),
//! and reports how long each UI frame took on the UI thread:
//!   - while the file loads on the background job (the UI must keep drawing), and
//!   - while scrolling the loaded table of a million rows.
//!
//! Run: `cargo bench --bench responsiveness -- /tmp/marketlens-bench/customers_1000000.csv`

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use marketlens::app::MarketLensApp;

mod common;
use common::frame_summary as summary;

fn main() {
    let file = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .or_else(|| std::env::var("MARKETLENS_BENCH_FILE").ok());
    let Some(file) = file else {
        eprintln!("usage: cargo bench --bench responsiveness -- FILE.csv");
        return;
    };
    let path = std::path::PathBuf::from(file);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_eframe(|cc| MarketLensApp::new(cc, Some(path.clone())));
    let started = Instant::now();
    let mut loading = Vec::new();
    while harness.state().state.load_job.is_some() {
        let t = Instant::now();
        harness.step();
        loading.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16));
    }
    let load_time = started.elapsed();
    let Some(rows) = harness.state().state.dataset.as_ref().map(|d| d.rows()) else {
        eprintln!("the file did not load: {:?}", harness.state().state.banners);
        return;
    };
    println!(
        "loaded {rows} rows in {:.2} s (UI kept stepping throughout)",
        load_time.as_secs_f64()
    );
    summary("UI frames while loading", loading);
    // Scroll the table: move the pointer over it and send wheel events.
    let mut scrolling = Vec::new();
    harness.hover_at(egui::pos2(720.0, 500.0));
    for _ in 0..200 {
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Page,
            delta: egui::vec2(0.0, -1.0),
            phase: egui::TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        });
        let t = Instant::now();
        harness.step();
        scrolling.push(t.elapsed());
    }
    summary("UI frames while scrolling the table", scrolling);
}
