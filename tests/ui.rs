//! The real app driven through its accessibility tree (egui_kittest): open a bundled sample
//! by clicking it, wait for the background load, and read the column panel.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marketlens::app::MarketLensApp;

#[path = "common/harness.rs"]
mod harness;
use harness::{app, wait_for_load, wait_until, with_sample};

/// The app with the customers sample loaded (by clicking it) and the Segments tab open.
fn customers_in_segments_tab() -> Harness<'static, MarketLensApp> {
    let mut harness = with_sample("Customers and churn");
    // the "Segments" tab in the toolbar (the topmost of the nodes with that label)
    harness
        .get_all_by_label("Segments")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    harness.run_steps(2);
    harness
}

#[test]
fn clicking_the_customers_sample_shows_columns_and_kinds() {
    let mut harness = app();
    harness.run_steps(2);
    harness.get_by_label("Customers and churn").click();
    harness.step();
    assert!(
        harness.state().state.load_job.is_some() || harness.state().state.dataset.is_some(),
        "the click started a load"
    );
    wait_for_load(&mut harness);
    assert!(harness.state().state.dataset.is_some());
    // The header shows the file; the column panel shows every column with its kind.
    harness.get_by_label("customers.csv");
    for name in [
        "customer_id",
        "recency_days",
        "monetary",
        "channel",
        "churn",
    ] {
        assert!(
            harness.query_all_by_label(name).count() >= 1,
            "column {name} not shown"
        );
    }
    // kinds in the column panel: 7 numeric, 3 categorical, 1 id, 1 boolean
    // (+1 boolean: the details panel shows the selected column, churn, the suggested target)
    assert_eq!(harness.query_all_by_label("numeric").count(), 7);
    assert_eq!(harness.query_all_by_label("categorical").count(), 3);
    assert_eq!(harness.query_all_by_label("id").count(), 1);
    assert_eq!(harness.query_all_by_label("boolean").count(), 2);
}

#[test]
fn chinese_sample_shows_chinese_column_names() {
    let mut harness = app();
    harness.run_steps(2);
    harness
        .get_by_label("门店销售 (Chinese store sales)")
        .click();
    harness.step();
    wait_for_load(&mut harness);
    for name in ["门店编号", "城市", "销售额", "促销"] {
        assert!(harness.query_all_by_label(name).count() >= 1, "{name}");
    }
}

#[test]
fn a_bad_file_shows_a_dismissable_error_and_the_app_keeps_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.csv");
    std::fs::write(&path, b"").expect("write");
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|cc| MarketLensApp::new(cc, Some(path.clone())));
    wait_for_load(&mut harness);
    harness.get_by_label_contains("empty.csv\u{201d} is empty");
    harness.get_by_label("Dismiss").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("is empty").is_none());
    // still usable: a sample opens afterwards
    harness.get_by_label("Monthly sales").click();
    harness.step();
    wait_for_load(&mut harness);
    assert!(harness.state().state.dataset.is_some());
}

#[test]
fn clicking_a_column_name_sorts_the_table() {
    let mut harness = with_sample("Customers and churn");
    // "age" is both a name in the column panel (left) and a table header (right)
    harness
        .get_all_by_role_and_label(egui::accesskit::Role::Button, "age")
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .expect("header")
        .click();
    wait_until(&mut harness, "sorting", |app| app.state.order.is_some());
    let st = &harness.state().state;
    let ds = st.dataset.as_ref().expect("dataset");
    let order = st.order.as_ref().expect("order");
    let age = ds.df.column("age").expect("col").i64().expect("i64");
    let first = age.get(order[0] as usize).expect("value") as f64;
    assert_eq!(first, ds.columns[1].stats.as_ref().expect("stats").min);
    // customers with no age come last
    assert!(age.get(order[order.len() - 1] as usize).is_none());
    // the header now shows the sort direction
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "age \u{25b2}");
}

#[test]
fn recent_files_grey_out_missing_ones_and_can_be_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let present = dir.path().join("present.csv");
    std::fs::write(&present, b"a,b\n1,2\n").expect("write");
    let gone = dir.path().join("gone.csv");
    let mut harness = app();
    harness.state_mut().state.persisted.recent = vec![present.clone(), gone.clone()];
    harness.state_mut().refresh_recent();
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.state().state.recent_job.is_some() {
        assert!(
            Instant::now() < deadline,
            "checking recent files did not finish"
        );
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    harness.run_steps(2);
    assert!(
        !harness
            .get_by_label("present.csv")
            .accesskit_node()
            .is_disabled()
    );
    assert!(
        harness
            .get_by_label("gone.csv")
            .accesskit_node()
            .is_disabled()
    );
    harness
        .get_all_by_label("Remove")
        .nth(1)
        .expect("second")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.persisted.recent, vec![present]);
    assert!(harness.query_by_label("gone.csv").is_none());
}

#[test]
fn a_typed_path_opens_the_file() {
    // The path field is what users get when no file dialog is available.
    let mut harness = app();
    harness.run_steps(2);
    harness.get_by_label("Type a file path instead").click();
    harness.run_steps(2);
    let field = harness.get_by_label("File path:");
    field.click();
    field.type_text(common_sample("monthly_sales.csv").to_str().expect("utf8"));
    harness.run_steps(2);
    harness.key_press(egui::Key::Enter);
    harness.step();
    wait_for_load(&mut harness);
    let st = &harness.state().state;
    assert_eq!(
        st.dataset.as_ref().map(|d| d.file_name.as_str()),
        Some("monthly_sales.csv")
    );
    // it is now a recent file
    assert_eq!(st.persisted.recent.len(), 1);
}

fn common_sample(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(name)
}

#[test]
fn segments_are_found_from_the_ui_and_can_be_renamed() {
    let mut harness = customers_in_segments_tab();
    harness.get_by_label("Find segments").click();
    harness.step();
    wait_until(&mut harness, "segmentation", |app| {
        app.state.seg.job.is_none()
    });
    let st = &harness.state().state;
    let result = st.seg.result.as_ref().expect("a result");
    assert_eq!(result.sizes.len(), 4);
    assert_eq!(result.sizes.iter().sum::<usize>(), 5000);
    assert!(!st.seg.live.is_empty(), "the live chart got iterations");
    // the map shows every customer of the sample, coloured by segment, and the 4 centres
    let map = st.seg.map.as_ref().expect("a map");
    assert_eq!(map.points.len(), 5000);
    assert_eq!(st.seg.map_labels.len(), 5000);
    assert_eq!(st.seg.map_centroids.len(), 4);
    harness.get_by_label("Segment map");
    // box plots of the first numeric feature, per segment
    harness.get_by_label("Compare segments on");
    let boxes = &st.seg.result.as_ref().expect("result").boxes;
    assert_eq!(boxes.len(), 7);
    assert!(
        boxes
            .iter()
            .all(|(_, b)| b.len() == 4 && b.iter().all(Option::is_some))
    );
    // the profile table is shown, with one column per segment name
    harness.get_by_label("What makes each segment different");
    harness.get_by_label("Everyone");
    let first = st.seg.names[0].clone();
    assert!(harness.query_all_by_label(&first).count() >= 1);
    // rename segment 1
    let field = harness.get_by_label("Segment 1");
    field.click();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Segment 1").type_text("Loyal fans");
    harness.run_steps(3);
    assert_eq!(harness.state().state.seg.names[0], "Loyal fans");
    // the new name is used in the profile table and the map's legend
    assert!(harness.query_all_by_label("Loyal fans").count() >= 2);
}

#[test]
fn choosing_k_from_the_scan() {
    let mut harness = customers_in_segments_tab();
    harness
        .get_by_label("Find the best number of segments")
        .click();
    harness.step();
    wait_until(&mut harness, "the k scan", |app| {
        app.state.seg.scan_job.is_none()
    });
    assert_eq!(harness.state().state.seg.scan.len(), 9);
    let suggested = harness
        .get_by_label_contains("(suggested)")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    let k: usize = suggested
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .expect("k in the label");
    harness.get_by_label_contains("(suggested)").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.seg.k, k);
}

#[test]
fn segments_are_saved_to_new_files_from_the_ui() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("my_segments.csv");
    let mut harness = customers_in_segments_tab();
    harness.get_by_label("Find segments").click();
    harness.step();
    wait_until(&mut harness, "segmentation", |app| {
        app.state.seg.job.is_none()
    });
    let field = harness.get_by_label("Save to:");
    field.click();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Save to:")
        .type_text(target.to_str().expect("utf8"));
    harness.run_steps(2);
    harness.get_by_label("Save segments").click();
    harness.step();
    wait_until(&mut harness, "saving", |app| {
        app.state.seg.export_job.is_none()
    });
    harness.get_by_label("Save profile").click();
    harness.step();
    wait_until(&mut harness, "saving", |app| {
        app.state.seg.export_job.is_none()
    });
    let names = harness.state().state.seg.names.clone();
    let rows = marketlens::data::load_path(&target).expect("rows file loads");
    assert_eq!(rows.rows(), 5000);
    let segment = rows.columns.last().expect("segment column");
    assert_eq!(segment.name, "segment");
    assert!(segment.top.iter().all(|t| names.contains(&t.value)));
    let profile =
        marketlens::data::load_path(&dir.path().join("my_segments_profile.csv")).expect("profile");
    assert_eq!(profile.columns.len(), 3 + names.len());
    assert_eq!(profile.columns[0].name, "feature");
    // the banner says where the rows went
    assert!(
        harness
            .query_by_label_contains("Saved 5,000 rows")
            .is_some()
    );
}

#[test]
fn training_from_the_predict_tab_shows_the_roc_chart_and_auc() {
    let mut harness = with_sample("Customers and churn");
    harness
        .get_all_by_label("Predict")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    harness.run_steps(2);
    // churn is suggested as the outcome, with its balance shown
    assert!(harness.query_all_by_label_contains("churn = yes").count() >= 1);
    harness.get_by_label("Train").click();
    harness.step();
    let st = &harness.state().state;
    assert!(
        st.cls.job.is_some() || st.cls.result.is_some(),
        "training started"
    );
    wait_until(&mut harness, "training", |app| app.state.cls.job.is_none());
    let result = harness.state().state.cls.result.clone().expect("a result");
    assert_eq!(
        result.models.len(),
        2,
        "logistic regression and random forest"
    );
    harness.get_by_label("ROC curve");
    // the AUC of each model: in the chart legend and the metrics table
    for m in &result.models {
        let auc = format!("{:.3}", m.auc);
        assert!(m.auc > 0.75, "{:?} {auc}", m.kind);
        assert!(
            harness
                .query_all_by_label_contains(&format!("{} (AUC {auc})", m.kind.label()))
                .count()
                >= 1,
            "legend entry for {:?}",
            m.kind
        );
        assert!(
            harness.query_all_by_label(&auc).count() >= 1,
            "table cell {auc}"
        );
    }
    // the other pages open
    for page in ["Gains and campaign", "At-risk list", "What drives it"] {
        harness.get_by_label(page).click();
        harness.run_steps(2);
    }
    assert!(harness.query_all_by_label_contains("recency_days").count() >= 1);
}

#[test]
fn forecasting_from_the_forecast_tab_shows_the_chart_and_error_table() {
    let mut harness = with_sample("Monthly sales");
    harness
        .get_all_by_label("Forecast")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    // the date and the sales column are chosen; the series is built on a job
    wait_until(&mut harness, "series", |app| {
        app.state.fc.preview_job.is_none() && app.state.fc.preview.is_some()
    });
    assert!(
        harness
            .query_all_by_label_contains("96 months: 2017-01 to 2024-12")
            .count()
            >= 1
    );
    // a short LSTM keeps the test quick; the other methods are ticked by default
    harness.state_mut().state.fc.lstm.epochs = 30;
    harness
        .get_all_by_label("Forecast")
        .filter(|n| n.rect().min.y > 40.0)
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("Forecast button")
        .click();
    harness.step();
    assert!(harness.state().state.fc.job.is_some(), "forecast started");
    wait_until(&mut harness, "forecast", |app| app.state.fc.job.is_none());
    let result = harness.state().state.fc.result.clone().expect("a result");
    assert_eq!(
        result.models.len(),
        3,
        "seasonal naive, Holt-Winters and LSTM"
    );
    harness.get_by_label("sales per month: forecast vs actual");
    harness.get_by_label_contains("Errors on the last 12 months");
    for h in ["RMSE", "MAE", "MAPE", "sMAPE"] {
        harness.get_by_label(h);
    }
    for m in &result.models {
        let mape = format!("{:.1} %", m.errors.and_then(|e| e.mape).expect("mape"));
        assert!(
            harness.query_all_by_label(&mape).count() >= 1,
            "{} MAPE {mape} in the table",
            m.name
        );
    }
    assert!(harness.query_all_by_label_contains("came closest").count() >= 1);
    // the LSTM's losses are drawn when it is the chosen method
    let lstm = result
        .models
        .iter()
        .position(|m| m.kind == marketlens::analysis::forecast::ModelKind::Lstm)
        .expect("LSTM");
    harness.state_mut().state.fc.selected = lstm;
    harness.run_steps(2);
    harness.get_by_label("LSTM training: error by epoch (lower is better)");
    // the forecast is saved to a new file
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("sales_forecast.csv");
    harness.state_mut().state.fc.export_path = out.display().to_string();
    harness.run_steps(2);
    harness.get_by_label("Save forecast CSV").click();
    harness.step();
    wait_until(&mut harness, "export", |app| {
        app.state.fc.export_job.is_none()
    });
    let banners = format!("{:?}", harness.state().state.banners);
    let text = std::fs::read_to_string(&out).expect(&banners);
    assert!(text.starts_with("date,value,lower,upper,model\n2025-01-01,"));
    assert_eq!(
        text.lines().count(),
        1 + 3 * 12,
        "12 months for each of 3 methods"
    );
}

#[test]
fn stop_during_lstm_training_keeps_the_best_weights() {
    let mut harness = with_sample("Monthly sales");
    harness
        .get_all_by_label("Forecast")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    wait_until(&mut harness, "series", |app| app.state.fc.preview.is_some());
    {
        let fc = &mut harness.state_mut().state.fc;
        // the LSTM alone, with far more epochs than the test will wait for
        fc.models.iter_mut().for_each(|m| {
            m.1 = m.0 == marketlens::analysis::forecast::ModelKind::Lstm;
        });
        fc.lstm.hidden = 8;
        fc.lstm.epochs = 1_000_000;
    }
    harness.run_steps(2);
    harness
        .get_all_by_label("Forecast")
        .filter(|n| n.rect().min.y > 40.0)
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("Forecast button")
        .click();
    // the loss streams in and is drawn while the job runs
    wait_until(&mut harness, "a few epochs", |app| {
        app.state.fc.live.train_loss.len() >= 5
    });
    assert!(harness.state().state.fc.job.is_some());
    harness.get_by_label("LSTM training: error by epoch (lower is better)");
    harness.get_by_label_contains("Forecast vs actual (training");
    harness.get_by_label("Stop, keep the best").click();
    harness.step();
    wait_until(&mut harness, "stop", |app| app.state.fc.job.is_none());
    let result = harness
        .state()
        .state
        .fc
        .result
        .clone()
        .expect("a result after Stop");
    let lstm = &result.models[0];
    let trace = lstm.training.as_ref().expect("losses");
    assert!(trace.stopped && trace.epochs_run < 1_000_000);
    assert!(
        lstm.errors.is_some(),
        "the kept model is judged on the holdout"
    );
    assert!(
        harness
            .query_all_by_label_contains("Stopped after epoch")
            .count()
            >= 1
    );
}
