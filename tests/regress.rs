//! Regression (drivers and what-if): least squares against statsmodels, ridge, lasso, elastic
//! net and k-NN against scikit-learn at the same settings, the CLI contract of design.md,
//! and clear messages for bad input.

mod common;

use common::{run_marketlens, sample};
use marketlens::analysis::regress::{
    CalendarPart, DriverValue, Evaluation, RegModel, RegressParams, regress,
};
use marketlens::data::load_path;
use marketlens::jobs::Reporter;

// Printed by `python3 tests/reference/regress_reference.py` (statsmodels 0.15,
// scikit-learn 1.x); the script documents the design it rebuilds.
const SALES_NAMES: [&str; 14] = [
    "price",
    "ad_spend",
    "promotion = yes",
    "calendar month = Feb",
    "calendar month = Mar",
    "calendar month = Apr",
    "calendar month = May",
    "calendar month = Jun",
    "calendar month = Jul",
    "calendar month = Aug",
    "calendar month = Sep",
    "calendar month = Oct",
    "calendar month = Nov",
    "calendar month = Dec",
];
const SALES_OLS_PARAMS: [f64; 15] = [
    2889.066065013842,
    -23.588644867210476,
    0.2244895212356374,
    477.3746333490068,
    -895.0361047646747,
    128.14676448734272,
    453.6835461693581,
    86.24950342413834,
    80.05902603444429,
    513.5293699748645,
    151.52299276992017,
    484.7329221413507,
    693.2543056965969,
    590.2342971205503,
    1731.9896996312782,
];
const SALES_OLS_BSE: [f64; 15] = [
    2169.6550882737765,
    81.64491120466597,
    0.037544747901912194,
    363.23810913591683,
    552.2330946379648,
    544.0883450321697,
    551.4614357285162,
    543.8106445253737,
    544.4807910979799,
    550.1170753777161,
    546.2254182220527,
    550.50612656427,
    545.9827344793342,
    590.7607084171751,
    598.5889097765883,
];
const SALES_OLS_T: [f64; 15] = [
    1.3315784986416639,
    -0.2889175151171258,
    5.979252326374095,
    1.3142195748254548,
    -1.6207578166814616,
    0.23552565618689356,
    0.8226931509181831,
    0.15860208749575885,
    0.14703737458395952,
    0.9334910566487504,
    0.27740011305794404,
    0.8805223025701596,
    1.2697366819808054,
    0.999108926356942,
    2.893454374685475,
];
const SALES_OLS_P: [f64; 15] = [
    0.18673395381678454,
    0.7733826362368038,
    5.7770574386472816e-08,
    0.19248187806030914,
    0.10895632782722237,
    0.8143952325399877,
    0.41309791414588515,
    0.8743771487112364,
    0.8834678848045633,
    0.35334088267121516,
    0.7821796470137538,
    0.3811815539493342,
    0.20781421839945444,
    0.3207173319738513,
    0.004893269900099119,
];
const SALES_OLS_R2: f64 = 0.6087073063654516;
const SALES_OLS_ADJ_R2: f64 = 0.541076470428616;
const SALES_OLS_RMSE: f64 = 998.5156771384709;
const SALES_OLS_MAE: f64 = 834.4400287237451;
const SALES_OLS_MAPE: f64 = 14.32735295293195;
const SALES_OLS_R2_SCORE: f64 = 0.6087073063654516;
const SALES_RIDGE_STD_COEF: [f64; 14] = [
    -12.633208920525531,
    885.5533716776499,
    365.34574943039667,
    -532.408451884118,
    -86.71521111505996,
    70.12402531784613,
    -106.74284203895351,
    -110.10630126670775,
    85.25550462920663,
    -72.91657104543646,
    81.27139105906447,
    167.0017051648985,
    122.97919203221751,
    642.9070387640072,
];
const SALES_RIDGE_COEF: [f64; 14] = [
    -9.132703487671904,
    0.2266174712992613,
    365.34574943039667,
    -532.408451884118,
    -86.71521111505996,
    70.12402531784613,
    -106.74284203895351,
    -110.10630126670775,
    85.25550462920663,
    -72.91657104543646,
    81.27139105906447,
    167.0017051648985,
    122.97919203221751,
    642.9070387640072,
];
const SALES_RIDGE_INTERCEPT: f64 = 2827.7541591965864;
const SALES_LASSO_STD_COEF: [f64; 14] = [
    -0.0,
    934.5581634093029,
    210.18577098834749,
    -590.4875888723692,
    -0.0,
    0.0,
    -0.0,
    -0.0,
    0.0,
    -0.0,
    0.0,
    0.0,
    0.0,
    838.7233077565644,
];
const SALES_LASSO_COEF: [f64; 14] = [
    -0.0,
    0.23915803897022556,
    210.18577098834749,
    -590.4875888723692,
    -0.0,
    0.0,
    -0.0,
    -0.0,
    0.0,
    -0.0,
    0.0,
    0.0,
    0.0,
    838.7233077565644,
];
const SALES_LASSO_INTERCEPT: f64 = 2427.775075658882;
const SALES_ENET_STD_COEF: [f64; 14] = [
    -0.06931358495403203,
    97.71324489644185,
    19.194823136910532,
    -7.771765039184057,
    -4.182916932360696,
    -0.0,
    -2.7465753478085295,
    -2.1721964747945153,
    -3.7524360047463237,
    -0.6324680585127346,
    0.0,
    0.0,
    9.957581949688826,
    19.85481328693367,
];
const SALES_ENET_COEF: [f64; 14] = [
    -0.05010765064007174,
    0.025005300842485596,
    19.194823136910532,
    -7.771765039184057,
    -4.182916932360696,
    -0.0,
    -2.7465753478085295,
    -2.1721964747945153,
    -3.7524360047463237,
    -0.6324680585127346,
    0.0,
    0.0,
    9.957581949688826,
    19.85481328693367,
];
const SALES_ENET_INTERCEPT: f64 = 5857.647837329236;
const SALES_KNN5_PRED_FIRST10: [f64; 10] = [
    4734.396000000001,
    5620.078,
    4914.748,
    6122.182,
    5446.306,
    5306.8099999999995,
    5198.0779999999995,
    5418.956,
    5343.2699999999995,
    4490.13,
];
const CUST_NAMES: [&str; 8] = [
    "age",
    "tenure_months",
    "frequency",
    "visits",
    "channel = Store",
    "channel = Web",
    "city_tier = Tier 2",
    "city_tier = Tier 3",
];
const CUST_OLS_PARAMS: [f64; 9] = [
    -127.64056880083749,
    0.27418588115056935,
    2.4141637879185947,
    90.95859792971555,
    -8.609309799453836,
    -44.01459045768914,
    -61.49494497760914,
    -7.945908697355279,
    0.12379515765644555,
];
const CUST_OLS_BSE: [f64; 9] = [
    28.20951967373838,
    0.5849181112248826,
    0.28756098276024994,
    2.2456955645491403,
    1.0992450887847676,
    17.969339380674555,
    14.504619289538514,
    14.358733994567979,
    15.958975283322754,
];
const CUST_OLS_P: [f64; 9] = [
    6.18753754982652e-06,
    0.6392620738612141,
    5.987182252682658e-17,
    2.2125729557598e-310,
    5.822987676705811e-15,
    0.014342494642361285,
    2.2788328817840577e-05,
    0.5800245625955035,
    0.9938111122407075,
];
const CUST_OLS_R2: f64 = 0.708134928764398;
const CUST_OLS_ADJ_R2: f64 = 0.707667102563259;

fn path(name: &str) -> String {
    sample(name).to_str().expect("utf8").to_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = run_marketlens(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

/// `marketlens regress` trained and evaluated on the whole sample (`--test` = the same
/// file), so the fit is on exactly the rows the reference script used.
fn on_all_rows(file: &str, extra: &[&str]) -> serde_json::Value {
    let f = path(file);
    let mut args = vec!["regress", f.as_str(), "--test", f.as_str(), "--json"];
    args.extend_from_slice(extra);
    json(&args)
}

fn close(ours: f64, reference: f64, tolerance: f64, what: &str) {
    assert!(
        (ours - reference).abs() <= tolerance * reference.abs().max(1.0),
        "{what}: ours {ours}, reference {reference}"
    );
}

fn number(v: &serde_json::Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what} is no number: {v}"))
}

/// Coefficients (and, for least squares, standard errors and p-values) by design name.
fn check_effects(
    report: &serde_json::Value,
    names: &[&str],
    values: &[f64],
    field: &str,
    tolerance: f64,
) {
    let effects = &report["effects"];
    assert_eq!(
        effects.as_object().map(|o| o.len()),
        Some(names.len()),
        "{effects}"
    );
    for (name, reference) in names.iter().zip(values) {
        let ours = number(&effects[*name][field], &format!("{name} {field}"));
        close(ours, *reference, tolerance, &format!("{name} {field}"));
    }
}

#[test]
fn least_squares_equals_statsmodels() {
    let r = on_all_rows(
        "monthly_sales.csv",
        &[
            "--target",
            "sales",
            "--features",
            "price,ad_spend,promotion",
            "--month-of",
            "month",
            // k-NN last: the references still come from least squares
            "--model",
            "ols,knn",
        ],
    );
    assert_eq!(r["model"], "ols");
    close(
        number(&r["intercept"], "intercept"),
        SALES_OLS_PARAMS[0],
        1e-6,
        "intercept",
    );
    close(
        number(&r["ols"]["intercept_std_error"], "se"),
        SALES_OLS_BSE[0],
        1e-6,
        "intercept se",
    );
    check_effects(&r, &SALES_NAMES, &SALES_OLS_PARAMS[1..], "value", 1e-6);
    check_effects(&r, &SALES_NAMES, &SALES_OLS_BSE[1..], "std_error", 1e-6);
    check_effects(&r, &SALES_NAMES, &SALES_OLS_T[1..], "t_value", 1e-6);
    check_effects(&r, &SALES_NAMES, &SALES_OLS_P[1..], "p_value", 1e-6);
    // the contract's plain map carries the same values
    for (name, v) in SALES_NAMES.iter().zip(&SALES_OLS_PARAMS[1..]) {
        close(number(&r["coefficients"][*name], name), *v, 1e-6, name);
    }
    close(number(&r["ols"]["r2"], "r2"), SALES_OLS_R2, 1e-6, "R²");
    close(
        number(&r["ols"]["adj_r2"], "adj"),
        SALES_OLS_ADJ_R2,
        1e-6,
        "adjusted R²",
    );
    // evaluated on the training rows themselves: the errors of the fitted values
    close(number(&r["rmse"], "rmse"), SALES_OLS_RMSE, 1e-9, "RMSE");
    close(number(&r["mae"], "mae"), SALES_OLS_MAE, 1e-9, "MAE");
    close(number(&r["mape"], "mape"), SALES_OLS_MAPE, 1e-9, "MAPE");
    close(number(&r["r2"], "r2"), SALES_OLS_R2_SCORE, 1e-9, "R² score");
    // 95 % intervals use t(0.975, 81) = 1.98969 (scipy)
    let ad = &r["effects"]["ad_spend"];
    close(
        number(&ad["upper"], "upper") - number(&ad["value"], "value"),
        1.989_686_323_456_902_9 * SALES_OLS_BSE[2],
        1e-6,
        "interval half-width",
    );
    assert_eq!(
        r["references"],
        serde_json::json!([["promotion", "no"], ["calendar month", "Jan"]])
    );
}

#[test]
fn least_squares_with_missing_values_and_categories_equals_statsmodels() {
    let r = on_all_rows(
        "customers.csv",
        &[
            "--target",
            "monetary",
            "--features",
            "age,tenure_months,frequency,visits,channel,city_tier",
        ],
    );
    close(
        number(&r["intercept"], "intercept"),
        CUST_OLS_PARAMS[0],
        1e-6,
        "intercept",
    );
    check_effects(&r, &CUST_NAMES, &CUST_OLS_PARAMS[1..], "value", 1e-6);
    check_effects(&r, &CUST_NAMES, &CUST_OLS_BSE[1..], "std_error", 1e-6);
    check_effects(&r, &CUST_NAMES, &CUST_OLS_P[1..], "p_value", 1e-6);
    close(number(&r["ols"]["r2"], "r2"), CUST_OLS_R2, 1e-6, "R²");
    close(
        number(&r["ols"]["adj_r2"], "adj"),
        CUST_OLS_ADJ_R2,
        1e-6,
        "adjusted R²",
    );
}

#[test]
fn penalised_models_equal_scikit_learn_at_the_same_penalty() {
    for (model, alpha, coef, intercept) in [
        ("ridge", "10", &SALES_RIDGE_COEF, SALES_RIDGE_INTERCEPT),
        ("lasso", "50", &SALES_LASSO_COEF, SALES_LASSO_INTERCEPT),
        ("elastic_net", "20", &SALES_ENET_COEF, SALES_ENET_INTERCEPT),
    ] {
        let r = on_all_rows(
            "monthly_sales.csv",
            &[
                "--target",
                "sales",
                "--features",
                "price,ad_spend,promotion",
                "--month-of",
                "month",
                "--model",
                model,
                "--alpha",
                alpha,
            ],
        );
        assert_eq!(r["model"], model);
        close(
            number(&r["alpha"], "alpha"),
            alpha.parse().expect("alpha"),
            0.0,
            "alpha",
        );
        for (name, reference) in SALES_NAMES.iter().zip(coef.iter()) {
            let ours = number(&r["coefficients"][*name], name);
            // lasso's zeros are exact zeros
            if *reference == 0.0 && model == "lasso" {
                assert_eq!(ours, 0.0, "{model} {name}");
            }
            close(ours, *reference, 1e-4, &format!("{model} {name}"));
        }
        close(number(&r["intercept"], "intercept"), intercept, 1e-4, model);
    }
    // on the standardized scale too (what the penalty sees): ridge's price effect
    // is per standard deviation of price
    let std_price = SALES_RIDGE_STD_COEF[0] / SALES_RIDGE_COEF[0];
    assert!(std_price > 1.0 && std_price < 2.0, "{std_price}");
    let _ = (&SALES_LASSO_STD_COEF, &SALES_ENET_STD_COEF);
}

#[test]
fn nearest_neighbours_equal_scikit_learn() {
    let ds = load_path(&sample("monthly_sales.csv")).expect("sample");
    let params = RegressParams {
        target: "sales".into(),
        features: vec!["price".into(), "ad_spend".into(), "promotion".into()],
        calendar: Some(("month".into(), CalendarPart::Month)),
        models: vec![RegModel::Knn],
        evaluation: Evaluation::TestFile {
            df: ds.df.clone(),
            name: "monthly_sales.csv".into(),
        },
        k: 5,
        ..RegressParams::default()
    };
    let r = regress(&ds.df, "monthly_sales.csv", &params, &Reporter::silent()).expect("fit");
    let m = &r.models[0];
    assert_eq!(m.predictions.len(), 96);
    for (i, (ours, reference)) in m
        .predictions
        .iter()
        .zip(SALES_KNN5_PRED_FIRST10)
        .enumerate()
    {
        close(*ours, reference, 1e-9, &format!("row {i}"));
    }
    // a what-if at the first row's values gives that row's prediction
    let values = vec![
        ("price".to_owned(), DriverValue::Number(24.94)),
        ("ad_spend".to_owned(), DriverValue::Number(13282.21)),
        ("promotion".to_owned(), DriverValue::Category("no".into())),
        (
            "calendar month".to_owned(),
            DriverValue::Category("Jan".into()),
        ),
    ];
    let one = m.fitted.predict_one(&values).expect("what-if");
    close(one, SALES_KNN5_PRED_FIRST10[0], 1e-9, "what-if row 1");
}

#[test]
fn what_if_moves_the_prediction_by_the_effect() {
    let ds = load_path(&sample("monthly_sales.csv")).expect("sample");
    let params = RegressParams {
        target: "sales".into(),
        features: vec!["price".into(), "ad_spend".into(), "promotion".into()],
        calendar: Some(("month".into(), CalendarPart::Month)),
        ..RegressParams::default()
    };
    let r = regress(&ds.df, "monthly_sales.csv", &params, &Reporter::silent()).expect("fit");
    assert_eq!(r.train_rows + r.eval_actual.len(), 96);
    assert_eq!(r.eval_actual.len(), 29, "30 % of 96 held out");
    let m = &r.models[0];
    let typical = r.typical_values();
    assert_eq!(typical.len(), 4, "{typical:?}");
    let base = m.fitted.predict_one(&typical).expect("typical");
    // double the ad spend: the prediction moves by the ad_spend effect times the change
    let mut doubled = typical.clone();
    let Some((_, DriverValue::Number(ad))) = doubled.iter().find(|(n, _)| n == "ad_spend").cloned()
    else {
        panic!("ad_spend is a number driver")
    };
    for (n, v) in &mut doubled {
        if n == "ad_spend" {
            *v = DriverValue::Number(2.0 * ad);
        }
    }
    let effect = m
        .coefficients
        .iter()
        .find(|c| c.name == "ad_spend")
        .expect("ad_spend effect")
        .value;
    let moved = m.fitted.predict_one(&doubled).expect("doubled");
    close(moved - base, effect * ad, 1e-9, "what-if change");
    assert!(effect > 0.1, "more ad spend sells more: {effect}");
    // the range holds about 95 % of the held-out errors
    let (low, high) = m.residual_range;
    assert!(
        low < 0.0 && high > 0.0 && high - low > m.errors.rmse,
        "{low} {high}"
    );
}
