use super::*;
use Period::{Day, Month, Quarter, Week, Year};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("valid date")
}

/// Deterministic pseudo-noise in [-1, 1).
fn noise(i: usize) -> f64 {
    let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

#[test]
fn names_and_parsing() {
    let names = ["Daily", " weeks ", "MONTH", "quarterly", "Annual", "yearly"];
    let all = [Day, Week, Month, Quarter, Year, Year];
    assert_eq!(names.map(Period::parse), all.map(Some));
    assert_eq!(Period::parse("fortnight"), None);
    assert_eq!([Month.label(), Month.plural()], ["month", "months"]);
    assert_eq!(Aggregate::parse(" Mean"), Some(Aggregate::Mean));
    assert_eq!(Aggregate::parse("avg"), None);
    assert_eq!(Fill::parse("ZERO"), Some(Fill::Zero));
    assert_eq!(Period::ALL.map(Period::default_season), [7, 52, 12, 4, 1]);
}

#[test]
fn start_step_and_format() {
    // a date, its period, the start of that period, the start of the next, the label
    let cases = [
        "2024-01-31|day|2024-01-31|2024-02-01|2024-01-31",
        "2025-01-01|week|2024-12-30|2025-01-06|2024-12-30",
        "2024-02-04|week|2024-01-29|2024-02-05|2024-01-29",
        "2024-01-31|month|2024-01-01|2024-02-01|2024-01",
        "2024-02-29|month|2024-02-01|2024-03-01|2024-02",
        "2024-05-15|quarter|2024-04-01|2024-07-01|2024 Q2",
        "2023-12-31|quarter|2023-10-01|2024-01-01|2023 Q4",
        "2024-12-31|year|2024-01-01|2025-01-01|2024",
    ];
    for case in cases {
        let f: Vec<&str> = case.split('|').collect();
        let (day, p) = (d(f[0]), Period::parse(f[1]).expect("period"));
        assert_eq!(p.start_of(day), d(f[2]), "{case}");
        assert_eq!(p.step(day, 1), d(f[3]), "{case}");
        assert_eq!(p.step(d(f[3]), -1), d(f[2]), "{case}");
        assert_eq!(p.format(day), f[4]);
    }
    let steps = [
        (Day, "2024-02-28", 1, "2024-02-29"),
        (Day, "2023-02-28", 1, "2023-03-01"),
        (Day, "2024-03-01", -1, "2024-02-29"),
        (Day, "2024-01-01", 366, "2025-01-01"),
        (Week, "2025-01-05", 0, "2024-12-30"),
        (Week, "2024-12-30", -52, "2024-01-01"),
        (Month, "2024-03-31", -14, "2023-01-01"),
        (Quarter, "2024-01-01", -5, "2022-10-01"),
        (Year, "2024-01-01", -24, "2000-01-01"),
        // Out of range: the start comes back unchanged.
        (Day, "2024-01-01", i64::MAX, "2024-01-01"),
        (Month, "2024-01-01", i64::MIN, "2024-01-01"),
        (Year, "2024-01-01", 1_000_000, "2024-01-01"),
    ];
    for (p, from, n, to) in steps {
        assert_eq!(p.step(d(from), n), d(to), "{p} {from} {n}");
    }
    // The extremes of chrono's dates do not panic.
    for (p, day) in Period::ALL
        .map(|p| (p, NaiveDate::MIN))
        .into_iter()
        .chain(Period::ALL.map(|p| (p, NaiveDate::MAX)))
    {
        assert!(p.start_of(day) <= day && !p.format(day).is_empty());
        assert!(p.step(day, -1) <= day && p.step(day, 1) >= p.start_of(day));
    }
}

/// Rows as "date=value" ("" for a missing date or value), separated by spaces.
fn rows(text: &str) -> (Vec<Option<NaiveDate>>, Vec<Option<f64>>) {
    let pairs = text.split_whitespace().filter_map(|r| r.split_once('='));
    let row = |(date, value): (&str, &str)| (date.parse().ok(), value.parse().ok());
    pairs.map(row).unzip()
}

fn run(text: &str, p: Period, a: Aggregate, f: Fill) -> Result<Series, SeriesError> {
    let (dates, values) = rows(text);
    aggregate(&dates, &values, p, a, f)
}

#[test]
fn detects_period_from_spacing() {
    let spaced = |p: Period, n: i64, per: i64| -> Vec<NaiveDate> {
        (0..n)
            .rev()
            .map(|i| p.step(d("2023-06-01"), i / per))
            .collect()
    };
    let month_ends: Vec<_> = spaced(Month, 12, 1)
        .iter()
        .filter_map(|d| d.pred_opt())
        .collect();
    assert!(month_ends.contains(&d("2024-02-29")) && month_ends.contains(&d("2023-09-30")));
    assert_eq!(detect_period(&month_ends), Month);
    assert_eq!(detect_period(&spaced(Day, 300, 5)), Day); // 5 rows a day
    assert_eq!(detect_period(&spaced(Week, 20, 1)), Week);
    assert_eq!(detect_period(&spaced(Quarter, 8, 1)), Quarter);
    assert_eq!(detect_period(&spaced(Year, 3, 1)), Year);
    assert_eq!(detect_period(&[d("2024-01-01"), d("2024-01-01")]), Day);
    assert_eq!(detect_period(&[]), Day);
}

/// Monthly rows, unsorted, with duplicates and March missing; for Sum and Mean, the rows without
/// a date, without a value or with NaN are skipped.
const ROWS: &str = "2024-04-10=40 2024-01-05=10 2024-01-20=20 2024-02-03=30 2024-04-01=50 =99 \
    2024-02-15= 2024-01-30=NaN";

/// len, gaps, rows_used, rows_skipped, multi_row_periods
fn counts(s: &Series) -> [usize; 5] {
    [
        s.len(),
        s.gaps(),
        s.rows_used,
        s.rows_skipped,
        s.multi_row_periods,
    ]
}

#[test]
fn aggregates_and_fills() {
    let monthly = |a, f| run(ROWS, Month, a, f).expect("series");
    let sum = monthly(Aggregate::Sum, Fill::Zero);
    assert_eq!(sum.values, [30.0, 30.0, 0.0, 90.0]);
    assert_eq!(sum.filled, [false, false, true, false]);
    assert_eq!(counts(&sum), [4, 1, 5, 3, 2]);
    assert_eq!(sum.start, d("2024-01-01"));
    assert_eq!(sum.dates()[3], d("2024-04-01"));
    assert_eq!(sum.date(5), d("2024-06-01"));
    let interpolated = monthly(Aggregate::Sum, Fill::Interpolate);
    assert_eq!(interpolated.values, [30.0, 30.0, 60.0, 90.0]);
    assert_eq!(interpolated.filled, sum.filled);
    let mean = monthly(Aggregate::Mean, Fill::Interpolate);
    assert_eq!(mean.values, [15.0, 30.0, 37.5, 45.0]);
    // Count counts every row with a date, whatever its value, and needs no values at all.
    let count = monthly(Aggregate::Count, Fill::Zero);
    assert_eq!(count.values, [3.0, 2.0, 0.0, 2.0]);
    assert_eq!(counts(&count), [4, 1, 7, 1, 3]);
    let no_values = aggregate(
        &rows(ROWS).0,
        &[],
        Month,
        Aggregate::Count,
        Fill::Interpolate,
    );
    assert_eq!(no_values.expect("series").values, [3.0, 2.0, 2.0, 2.0]);

    let line = run(
        "2024-07-01=8 2020-03-01=0",
        Year,
        Aggregate::Sum,
        Fill::Interpolate,
    );
    assert_eq!(line.expect("series").values, [0.0, 2.0, 4.0, 6.0, 8.0]);
    let new_year = "2025-01-08= 2024-12-31= 2025-01-01=";
    let weeks = run(new_year, Week, Aggregate::Count, Fill::Zero).expect("series");
    assert_eq!(weeks.start, d("2024-12-30"));
    assert_eq!(weeks.values, [2.0, 1.0]);
}

#[test]
fn reports_errors() {
    let err = |text, p| run(text, p, Aggregate::Sum, Fill::Zero).map(|s| s.len());
    let no_values = "2024-01-05= 2024-02-03= =3";
    assert_eq!(err(no_values, Month), Err(SeriesError::NoRows));
    assert_eq!(err("", Day), Err(SeriesError::NoRows));
    let march = "2024-03-01=1 2024-03-31=2";
    let one = SeriesError::OnePeriod { period: Month };
    assert_eq!(err(march, Month), Err(one.clone()));
    let msg = "every row falls in the same month: pick a shorter period (week or day)";
    assert_eq!(one.to_string(), msg);
    assert_eq!(err(march, Day), Ok(31));
    let far = "1700-01-01=1 2024-01-01=2";
    let periods = (d("2024-01-01") - d("1700-01-01")).num_days() as usize + 1;
    let many = SeriesError::TooManyPeriods {
        periods,
        period: Day,
    };
    assert_eq!(err(far, Day), Err(many.clone()));
    assert!(
        many.to_string()
            .ends_with("pick a longer period (week or month)")
    );
    assert_eq!(err(far, Week), Ok(16_907)); // from Monday 1699-12-28 (checked in Python)
}

#[test]
fn aggregates_a_million_rows() {
    let n = 1_000_000;
    let days: Vec<_> = (0..1000)
        .map(|i| Some(Day.step(d("2022-01-01"), i)))
        .collect();
    let dates: Vec<_> = (0..n).map(|i| days[i * 7919 % 1000]).collect();
    let values: Vec<_> = (0..n).map(|i| Some((i % 10) as f64)).collect();
    let s = aggregate(&dates, &values, Day, Aggregate::Sum, Fill::Zero).expect("series");
    assert_eq!(counts(&s), [1000, 0, n, 0, 1000]);
    assert_eq!(s.values.iter().sum::<f64>(), 4.5 * n as f64);
}

fn season(len: usize, f: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..len).map(f).collect()
}

#[test]
fn detects_seasons() {
    let yearly = |i: usize| {
        let wave = (std::f64::consts::TAU * i as f64 / 12.0).sin();
        100.0 + 2.0 * i as f64 + 20.0 * wave + 5.0 * noise(i)
    };
    assert_eq!(detect_season(&season(60, yearly), Month), 12);
    // 18 months cannot show 12 twice, and 6, 4 and 3 do not repeat: no season.
    assert_eq!(detect_season(&season(18, yearly), Month), 1);
    // A pattern that repeats every 3 months repeats every 12 too: the calendar season wins.
    let quarterly = |i: usize| 50.0 + [0.0, 10.0, 40.0][i % 3] + 3.0 * noise(i);
    assert_eq!(detect_season(&season(60, quarterly), Month), 12);
    // 60 weeks cannot show 52 twice; a 4-week (monthly) cycle is found instead.
    let four = |i: usize| 50.0 + [0.0, 25.0, 10.0, 40.0][i % 4] + 2.0 * noise(i);
    assert_eq!(detect_season(&season(60, four), Week), 4);
    let weekdays = [10.0, 12.0, 11.0, 13.0, 15.0, 4.0, 3.0];
    let daily = |i: usize| 100.0 + 0.1 * i as f64 + weekdays[i % 7] + 2.0 * noise(i);
    assert_eq!(detect_season(&season(70, daily), Day), 7);
    // Noise: no candidate above 0.2, so the default (seen twice in 60 months).
    let white = season(60, |i| 10.0 * noise(i + 7));
    let diffs: Vec<f64> = white.windows(2).map(|w| w[1] - w[0]).collect();
    let acf = [12, 6, 4, 3].map(|lag| autocorrelation(&diffs, lag));
    assert!(acf.iter().all(|&r| r <= 0.2), "{acf:?}");
    assert_eq!(detect_season(&white, Month), 12);
    assert_eq!(detect_season(&season(60, |_| 5.0), Month), 12);
    let q = |i: usize| [5.0, 9.0, 7.0, 1.0][i % 4] + noise(i);
    assert_eq!(detect_season(&season(12, q), Quarter), 4);
    assert_eq!(detect_season(&season(30, q), Year), 1);
    assert_eq!(detect_season(&[], Week), 1);
}
