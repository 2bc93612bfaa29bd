//! The Drivers tab through the real window (egui_kittest): fit from the UI, read the
//! metrics, the effects in words, and move a what-if slider.

use egui_kittest::kittest::{NodeT, Queryable};
use marketlens::analysis::regress::{DriverValue, RegModel};
use marketlens::analysis::regress_explain::plain;

#[path = "common/harness.rs"]
mod harness;
use harness::{wait_until, with_sample};

#[test]
fn fitting_from_the_drivers_tab_and_moving_a_what_if_slider() {
    let mut harness = with_sample("Monthly sales");
    harness
        .get_all_by_label("Drivers")
        .min_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .expect("tab")
        .click();
    harness.run_steps(2);
    // sales is suggested as the number to explain, the month of the date as a driver
    {
        let st = &harness.state().state;
        let ds = st.dataset.as_ref().expect("data");
        let name = |i: Option<usize>| i.map(|i| ds.columns[i].name.clone());
        assert_eq!(name(st.reg.target).as_deref(), Some("sales"));
        assert_eq!(name(st.reg.date).as_deref(), Some("month"));
        assert!(st.reg.calendar.is_some());
    }
    harness.get_by_label("Fit").click();
    harness.step();
    assert!(harness.state().state.reg.job.is_some(), "fitting started");
    wait_until(&mut harness, "fitting", |app| app.state.reg.job.is_none());
    let banners = format!("{:?}", harness.state().state.banners);
    let result = harness.state().state.reg.result.clone().expect(&banners);
    let kinds: Vec<RegModel> = result.models.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [RegModel::Ols, RegModel::Lasso],
        "the default models"
    );

    // the comparison table shows each model's errors as the core computed them
    harness.get_by_label("What drives sales");
    for h in ["RMSE", "MAE", "MAPE", "R\u{b2}"] {
        harness.get_by_label(h);
    }
    for m in &result.models {
        assert!(
            harness.query_all_by_label(&plain(m.errors.rmse)).count() >= 1,
            "{} RMSE {} in the table",
            m.kind.label(),
            plain(m.errors.rmse)
        );
    }
    // the charts of the selected model
    harness.get_by_label("Predicted against actual");
    harness.get_by_label("Errors against the prediction");

    // effects in words: least squares on ad spend
    harness.state_mut().state.reg.selected = 0;
    harness.get_by_label("What each driver does").click();
    harness.run_steps(2);
    let ad = result.models[0]
        .coefficients
        .iter()
        .find(|c| c.name == "ad_spend")
        .expect("ad_spend effect");
    harness.get_by_label(&format!("\u{2022} {}", ad.sentence));

    // what if: the slider starts at the median; doubling it moves the prediction
    harness.get_by_label("What if").click();
    harness.run_steps(2);
    let slider = harness
        .get_all_by_label("ad_spend")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Slider)
        .expect("ad_spend slider");
    let start = slider
        .accesskit_node()
        .numeric_value()
        .expect("slider value");
    let model = &result.models[0];
    let typical = model
        .fitted
        .predict_one(&result.typical_values())
        .expect("typical prediction");
    harness.get_by_label(&plain(typical));
    slider.set_value_accesskit(2.0 * start);
    harness.run_steps(3);
    let values = harness.state().state.reg.what_if.clone();
    let now = values
        .iter()
        .find(|(n, _)| n == "ad_spend")
        .map(|(_, v)| v.clone());
    // the slider keeps to its step (10 here), so the value lands next to the one asked for
    let Some(DriverValue::Number(set)) = now else {
        panic!("ad_spend has a number: {now:?}")
    };
    assert!(
        (set - 2.0 * start).abs() <= 10.0,
        "{set} vs {}",
        2.0 * start
    );
    let moved = model.fitted.predict_one(&values).expect("what-if");
    assert!(
        (moved - typical - ad.value * (set - start)).abs() < 1e-6,
        "the prediction moved by the ad_spend effect"
    );
    harness.get_by_label(&plain(moved));
    let (low, high) = model.residual_range;
    harness.get_by_label(&format!(
        "95 % range: {} to {}",
        plain(moved + low),
        plain(moved + high)
    ));
    assert!(
        harness
            .query_all_by_label_contains("outside the values the model saw")
            .count()
            >= 1,
        "doubling the median ad spend goes beyond the data"
    );
}
