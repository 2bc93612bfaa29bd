//! Presenting and sharing through the real window (egui_kittest): presentation mode on F5
//! and off on Esc, a chart saved as a PNG of the requested size, the HTML report with every
//! chart, and a saved model scoring a file with exactly the probabilities the app showed.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marketlens::app::MarketLensApp;

#[path = "common/harness.rs"]
mod harness;
use harness::{wait_until, with_sample};

fn tab(harness: &mut Harness<'static, MarketLensApp>, name: &str) {
    harness
        .get_all_by_label(name)
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    harness.run_steps(2);
}

/// The customers sample with both models of the Predict tab trained.
fn trained() -> Harness<'static, MarketLensApp> {
    let mut harness = with_sample("Customers and churn");
    tab(&mut harness, "Predict");
    harness.get_by_label("Train").click();
    harness.step();
    wait_until(&mut harness, "training", |app| app.state.cls.job.is_none());
    assert!(harness.state().state.cls.result.is_some());
    harness
}

fn wait_for_share(harness: &mut Harness<'static, MarketLensApp>) {
    wait_until(harness, "saving", |app| app.state.share.job.is_none());
}

/// Width and height from a PNG's IHDR chunk (after checking the signature).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn files_with(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

#[test]
fn f5_presents_the_charts_full_screen_and_esc_leaves() {
    let mut harness = trained();
    let charts = harness
        .state()
        .state
        .share
        .built
        .as_ref()
        .map_or(0, |b| b.charts.len());
    assert!(charts >= 3, "ROC, precision-recall, gains… ({charts})");
    let first = harness
        .state()
        .state
        .share
        .built
        .as_ref()
        .expect("charts")
        .charts[0]
        .title
        .clone();
    harness.key_press(egui::Key::F5);
    harness.run_steps(2);
    assert_eq!(harness.state().state.share.presenting, Some(0));
    // chrome hidden, the first chart's title on screen, light theme
    assert!(harness.query_by_label("Open CSV\u{2026}").is_none());
    assert!(harness.query_by_label("Train").is_none());
    harness.get_by_label(&first);
    assert!(!harness.state().state.persisted.dark_mode);
    harness.key_press(egui::Key::ArrowRight);
    harness.run_steps(2);
    assert_eq!(harness.state().state.share.presenting, Some(1));
    harness.key_press(egui::Key::ArrowLeft);
    harness.key_press(egui::Key::ArrowLeft);
    harness.run_steps(2);
    assert_eq!(
        harness.state().state.share.presenting,
        Some(charts - 1),
        "stepping back from the first wraps to the last"
    );
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert_eq!(harness.state().state.share.presenting, None);
    harness.get_by_label("Open CSV\u{2026}");
    // the toolbar button does the same
    harness.get_by_label("Present").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.share.presenting, Some(0));
    harness.get_by_label("Leave presentation").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.share.presenting, None);
}

#[test]
fn charts_save_as_png_of_the_chosen_size_and_the_report_holds_every_chart() {
    let mut harness = trained();
    let dir = tempfile::tempdir().expect("dir");
    harness.state_mut().state.share.folder = dir.path().display().to_string();
    harness.get_by_label("Share\u{2026}").click();
    // let the new panel settle its width before clicking in it
    harness.run_steps(6);
    // the default size is 1080p
    harness
        .get_all_by_label("Save PNG")
        .next()
        .expect("button")
        .click();
    harness.step();
    wait_for_share(&mut harness);
    let pngs = files_with(dir.path(), "png");
    let banners = format!("{:?}", harness.state().state.banners);
    assert_eq!(pngs.len(), 1, "{pngs:?} {banners}");
    let bytes = std::fs::read(&pngs[0]).expect("png");
    assert_eq!(png_size(&bytes), (1920, 1080));
    // 720p, then the same chart again: a new file, the first one is kept
    harness.get_by_label("720p").click();
    harness.run_steps(1);
    harness
        .get_all_by_label("Save PNG")
        .next()
        .expect("button")
        .click();
    harness.step();
    wait_for_share(&mut harness);
    let pngs = files_with(dir.path(), "png");
    assert_eq!(pngs.len(), 2, "{pngs:?}");
    let sizes: Vec<(u32, u32)> = pngs
        .iter()
        .map(|p| png_size(&std::fs::read(p).expect("png")))
        .collect();
    assert!(sizes.contains(&(1920, 1080)) && sizes.contains(&(1280, 720)));
    harness
        .get_all_by_label("Save SVG")
        .next()
        .expect("button")
        .click();
    harness.step();
    wait_for_share(&mut harness);
    let svg = std::fs::read_to_string(&files_with(dir.path(), "svg")[0]).expect("svg");
    assert!(svg.contains("<svg") && svg.contains("width=\"1280\""));

    harness.get_by_label("Save report (HTML)").click();
    harness.step();
    wait_for_share(&mut harness);
    let reports = files_with(dir.path(), "html");
    assert_eq!(reports.len(), 1);
    let html = std::fs::read_to_string(&reports[0]).expect("report");
    let built = harness.state().state.share.built.clone().expect("charts");
    assert_eq!(
        html.matches("<figure id=\"chart-").count(),
        built.charts.len(),
        "one figure per chart"
    );
    for chart in &built.charts {
        assert!(
            html.contains(&format!("id=\"chart-{}\"", chart.id)),
            "{}",
            chart.id
        );
    }
    for table in &built.tables {
        assert!(
            html.contains(&format!("id=\"table-{}\"", table.id)),
            "{}",
            table.id
        );
    }
    assert!(html.contains("customers.csv"));
    assert!(!html.contains("<script"));
}

#[test]
fn a_saved_model_scores_a_file_with_exactly_the_probabilities_the_app_showed() {
    let mut harness = trained();
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("customers_copy.csv");
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/customers.csv"),
    )
    .expect("sample");
    std::fs::write(&data, &bytes).expect("copy");
    harness.state_mut().state.share.folder = dir.path().display().to_string();
    harness.get_by_label("Share\u{2026}").click();
    // let the new panel settle its width before clicking in it
    harness.run_steps(6);
    harness.get_by_label("Save model").click();
    harness.step();
    wait_for_share(&mut harness);
    let banners = format!("{:?}", harness.state().state.banners);
    assert_eq!(files_with(dir.path(), "mlmodel").len(), 1, "{banners}");
    // the model field now names the saved model; type the file to score
    harness.get_by_label("File to score:").click();
    harness
        .get_by_label("File to score:")
        .type_text(&data.display().to_string());
    harness.run_steps(1);
    harness.get_by_label("Score file").click();
    harness.step();
    wait_for_share(&mut harness);
    let st = &harness.state().state;
    let banners = format!("{:?}", st.banners);
    let scored = files_with(dir.path(), "csv")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("_scored"))
        .expect(&banners);
    let result = st.cls.result.clone().expect("result");
    let shown = &result.models[st.cls.selected].all_scores;
    let text = std::fs::read_to_string(&scored).expect("scored");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "score")
        .expect("score column");
    let scores: Vec<f64> = lines
        .map(|l| {
            l.split(',')
                .nth(col)
                .expect("cell")
                .parse()
                .expect("number")
        })
        .collect();
    assert_eq!(scores.len(), shown.len());
    let differ = scores
        .iter()
        .zip(shown)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    assert_eq!(differ, 0, "probabilities differ from the app's");
    assert_eq!(
        std::fs::read(&data).expect("data"),
        bytes,
        "input untouched"
    );
}
