//! `marketlens-samples`: seeded generator for the synthetic marketing CSV files
//! bundled with MarketLens.
//!
//! The generator is deliberately std-only (it does not depend on the
//! `marketlens` library nor on any external crate) and fully deterministic:
//! the same seed always yields byte-identical files.
//!
//! # The stories behind the files
//!
//! * `customers.csv` (5,000 rows) - a retailer's customer base, one row per
//!   customer: `customer_id, age, gender, city_tier, tenure_months,
//!   recency_days, frequency, monetary, visits, discount_use, channel, churn`.
//!   Every customer is drawn from one of five latent segments (loyal
//!   high-value, new customers, bargain hunters, lapsed / low-value and
//!   occasional store shoppers), so clustering finds real groups. `monetary`
//!   (spend in the last 12 months) is orders x a log-normal basket, hence
//!   right-skewed and growing with `frequency`. About 2 % of ages are missing.
//!   `churn` follows a noisy logistic model: long recency and heavy discount
//!   use push churn up, frequent orders, long tenure and many visits pull it
//!   down, store-only customers churn a bit more. Roughly 22-23 % churn, and a
//!   plain logistic regression reaches a good but imperfect AUC (~0.83).
//! * `monthly_sales.csv` (96 rows, 2017-01 .. 2024-12) - unit sales of one
//!   product line with `price`, `ad_spend` and a `promotion` flag. Sales grow
//!   with a trend, peak in November / December and dip in February, rise
//!   during promotions (run mostly in Q4), fall when the slowly drifting
//!   price goes up (elasticity about -1.3), respond to advertising with
//!   diminishing returns, and carry about 4-5 % noise.
//! * `campaign_response.csv` (10,000 rows) - the contact list of a direct
//!   marketing campaign and who responded (about 8 %). Response is driven by
//!   e-mail engagement, loyalty membership, recency of the last purchase and
//!   previous purchases, plus noise; income and region are mostly distractors.
//! * `stores_zh.csv` (600 rows) - daily sales of ten Chinese stores in six
//!   cities during January 2024, split into offline (`线下`) and online
//!   (`线上`) channels, with Chinese column names. Bigger cities bring more
//!   traffic, weekends and promotions lift traffic and sales.
//!
//! # Regenerating
//!
//! ```text
//! cargo run --release --bin marketlens-samples                  # -> assets/samples/
//! cargo run --release --bin marketlens-samples -- --out-dir DIR --seed 7
//! cargo run --release --bin marketlens-samples -- customers --rows 1000000 --out big.csv
//! ```
//!
//! Files are written to `FILE.tmp` first and then renamed into place.

use std::env;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_SEED: u64 = 42;
const DEFAULT_OUT_DIR: &str = "assets/samples";
const DEFAULT_CUSTOMERS: usize = 5_000;
const DEFAULT_CONTACTS: usize = 10_000;
const MAX_ROWS: usize = 100_000_000;

const STREAM_CUSTOMERS: u64 = 1;
const STREAM_MONTHLY: u64 = 2;
const STREAM_CAMPAIGN: u64 = 3;
const STREAM_STORES: u64 = 4;

const USAGE: &str = "\
Generate the synthetic sample CSV files bundled with MarketLens.

Usage:
  marketlens-samples [--out-dir DIR] [--seed N]
      Write customers.csv, monthly_sales.csv, campaign_response.csv and
      stores_zh.csv into DIR (default: assets/samples).
  marketlens-samples customers --rows N --out FILE [--seed N]
      Write only the customers table, with N rows, to FILE.

Options:
  --seed N   random seed (default 42); the same seed gives identical files
  -h, --help show this help";

// ---------------------------------------------------------------------------
// Random numbers: xoshiro256** seeded through SplitMix64.
// ---------------------------------------------------------------------------

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Rng {
    s: [u64; 4],
    spare_normal: Option<f64>,
}

impl Rng {
    /// Independent stream `stream` of the generator seeded with `seed`.
    fn new(seed: u64, stream: u64) -> Self {
        let mut sm = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng {
            s,
            spare_normal: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `[lo, hi]` (inclusive).
    fn int_range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1) as f64;
        (lo + (self.uniform() * span) as i64).min(hi)
    }

    /// Normal via Box-Muller (the second value is cached).
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let z = match self.spare_normal.take() {
            Some(z) => z,
            None => {
                let u1 = 1.0 - self.uniform(); // (0, 1]
                let u2 = self.uniform();
                let r = (-2.0 * u1.ln()).sqrt();
                let theta = std::f64::consts::TAU * u2;
                self.spare_normal = Some(r * theta.sin());
                r * theta.cos()
            }
        };
        mean + sd * z
    }

    /// Log-normal: `exp(N(mu, sigma))`.
    fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        self.normal(mu, sigma).exp()
    }

    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }

    /// Poisson: Knuth's product method for small lambda, a rounded normal
    /// approximation above 40.
    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 40.0 {
            return self.normal(lambda, lambda.sqrt()).round().max(0.0) as u32;
        }
        let limit = (-lambda).exp();
        let mut k = 0u32;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    fn binomial(&mut self, n: u32, p: f64) -> u32 {
        (0..n).filter(|_| self.bernoulli(p)).count() as u32
    }

    /// Index drawn with probability proportional to `weights`.
    fn choose_weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

// ---------------------------------------------------------------------------
// Dates (proleptic Gregorian, days since 1970-01-01).
// ---------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// 0 = Monday .. 6 = Sunday.
fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

// ---------------------------------------------------------------------------
// (a) customers.csv
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Segment {
    Loyal,
    New,
    Bargain,
    Lapsed,
    StoreShopper,
}

const SEGMENTS: [Segment; 5] = [
    Segment::Loyal,
    Segment::New,
    Segment::Bargain,
    Segment::Lapsed,
    Segment::StoreShopper,
];
const SEGMENT_WEIGHTS: [f64; 5] = [0.20, 0.18, 0.22, 0.22, 0.18];

const CHANNELS: [&str; 3] = ["App", "Web", "Store"];
const CITY_TIERS: [&str; 3] = ["Tier 1", "Tier 2", "Tier 3"];

/// Churn model coefficients (logit scale).
const CHURN_INTERCEPT: f64 = -1.8;
const CHURN_RECENCY: f64 = 0.011;
const CHURN_FREQUENCY: f64 = -0.08;
const CHURN_TENURE: f64 = -0.008;
const CHURN_DISCOUNT: f64 = 1.2;
const CHURN_VISITS: f64 = -0.025;
const CHURN_CHANNEL: [f64; 3] = [-0.2, 0.0, 0.25];
const CHURN_NOISE_SD: f64 = 0.8;

struct Customer {
    age: Option<i64>,
    female: bool,
    city_tier: usize,
    tenure_months: i64,
    recency_days: i64,
    frequency: u32,
    monetary: f64,
    visits: u32,
    discount_use: f64,
    channel: usize,
    churn: bool,
}

/// Segment-level parameters of the customer generator.
struct Profile {
    age_mean: f64,
    age_sd: f64,
    tenure: (i64, i64),
    city_weights: [f64; 3],
    channel_weights: [f64; 3],
    /// Frequency = `freq_min + Poisson(freq_lambda)`.
    freq_min: u32,
    freq_lambda: f64,
    /// Recency = `recency_min + Exp(recency_mean)` (capped at 365).
    recency_min: f64,
    recency_mean: f64,
    /// Average order value: log-normal with this median.
    aov_median: f64,
    /// Visits ~ Poisson(visits_base + visits_per_order * frequency).
    visits_base: f64,
    visits_per_order: f64,
    /// Per-customer discount propensity = sigmoid(N(mu, 0.6)).
    discount_logit: f64,
}

fn profile(segment: Segment) -> Profile {
    match segment {
        Segment::Loyal => Profile {
            age_mean: 44.0,
            age_sd: 10.0,
            tenure: (48, 120),
            city_weights: [0.45, 0.35, 0.20],
            channel_weights: [0.60, 0.30, 0.10],
            freq_min: 8,
            freq_lambda: 14.0,
            recency_min: 0.0,
            recency_mean: 8.0,
            aov_median: 80.0,
            visits_base: 12.0,
            visits_per_order: 1.2,
            discount_logit: -2.0,
        },
        Segment::New => Profile {
            age_mean: 30.0,
            age_sd: 6.0,
            tenure: (1, 6),
            city_weights: [0.40, 0.38, 0.22],
            channel_weights: [0.48, 0.42, 0.10],
            freq_min: 1,
            freq_lambda: 1.5,
            recency_min: 0.0,
            recency_mean: 25.0,
            aov_median: 50.0,
            visits_base: 12.0,
            visits_per_order: 1.2,
            discount_logit: -1.2,
        },
        Segment::Bargain => Profile {
            age_mean: 36.0,
            age_sd: 11.0,
            tenure: (12, 48),
            city_weights: [0.30, 0.42, 0.28],
            channel_weights: [0.35, 0.55, 0.10],
            freq_min: 3,
            freq_lambda: 7.0,
            recency_min: 0.0,
            recency_mean: 30.0,
            aov_median: 32.0,
            visits_base: 14.0,
            visits_per_order: 1.2,
            discount_logit: 1.6,
        },
        Segment::Lapsed => Profile {
            age_mean: 40.0,
            age_sd: 12.0,
            tenure: (12, 60),
            city_weights: [0.30, 0.40, 0.30],
            channel_weights: [0.25, 0.40, 0.35],
            freq_min: 1,
            freq_lambda: 0.8,
            recency_min: 150.0,
            recency_mean: 90.0,
            aov_median: 45.0,
            visits_base: 1.0,
            visits_per_order: 1.2,
            discount_logit: -1.6,
        },
        Segment::StoreShopper => Profile {
            age_mean: 62.0,
            age_sd: 8.0,
            tenure: (60, 120),
            city_weights: [0.22, 0.40, 0.38],
            channel_weights: [0.05, 0.15, 0.80],
            freq_min: 2,
            freq_lambda: 3.0,
            recency_min: 40.0,
            recency_mean: 40.0,
            aov_median: 90.0,
            visits_base: 0.5,
            visits_per_order: 0.3,
            discount_logit: -1.7,
        },
    }
}

fn generate_customer(rng: &mut Rng) -> Customer {
    let segment = SEGMENTS[rng.choose_weighted(&SEGMENT_WEIGHTS)];
    let p = profile(segment);

    let age_value = rng.normal(p.age_mean, p.age_sd).round().clamp(18.0, 80.0) as i64;
    let age = if rng.bernoulli(0.02) {
        None
    } else {
        Some(age_value)
    };
    let female = rng.bernoulli(0.51);
    let city_tier = rng.choose_weighted(&p.city_weights);
    let channel = rng.choose_weighted(&p.channel_weights);
    let tenure_months = rng.int_range(p.tenure.0, p.tenure.1);

    let frequency = p.freq_min + rng.poisson(p.freq_lambda);
    // The last order cannot be older than the customer relationship.
    let recency_cap = (tenure_months * 30).min(365) as f64;
    let recency_days = (p.recency_min + rng.exponential(p.recency_mean))
        .min(recency_cap)
        .floor() as i64;

    let propensity = sigmoid(rng.normal(p.discount_logit, 0.5));
    let discounted = rng.binomial(frequency, propensity);
    let discount_use = round2(f64::from(discounted) / f64::from(frequency));

    // Discounted baskets are somewhat smaller.
    let aov = rng.lognormal(p.aov_median.ln(), 0.4) * (1.0 - 0.15 * discount_use);
    let monetary = round2(f64::from(frequency) * aov);

    let visits = rng.poisson(p.visits_base + p.visits_per_order * f64::from(frequency));

    let logit = CHURN_INTERCEPT
        + CHURN_RECENCY * recency_days as f64
        + CHURN_FREQUENCY * f64::from(frequency)
        + CHURN_TENURE * tenure_months as f64
        + CHURN_DISCOUNT * discount_use
        + CHURN_VISITS * f64::from(visits)
        + CHURN_CHANNEL[channel]
        + rng.normal(0.0, CHURN_NOISE_SD);
    let churn = rng.bernoulli(sigmoid(logit));

    Customer {
        age,
        female,
        city_tier,
        tenure_months,
        recency_days,
        frequency,
        monetary,
        visits,
        discount_use,
        channel,
        churn,
    }
}

fn write_customers(w: &mut impl Write, rows: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed, STREAM_CUSTOMERS);
    let width = rows.to_string().len().max(5);
    writeln!(
        w,
        "customer_id,age,gender,city_tier,tenure_months,recency_days,frequency,\
         monetary,visits,discount_use,channel,churn"
    )?;
    for i in 1..=rows {
        let c = generate_customer(&mut rng);
        write!(w, "C{i:0width$},")?;
        if let Some(age) = c.age {
            write!(w, "{age}")?;
        }
        writeln!(
            w,
            ",{},{},{},{},{},{:.2},{},{:.2},{},{}",
            if c.female { "Female" } else { "Male" },
            CITY_TIERS[c.city_tier],
            c.tenure_months,
            c.recency_days,
            c.frequency,
            c.monetary,
            c.visits,
            c.discount_use,
            CHANNELS[c.channel],
            yes_no(c.churn),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// (b) monthly_sales.csv
// ---------------------------------------------------------------------------

/// Yearly seasonality of unit sales, January .. December.
const SEASONALITY: [f64; 12] = [
    0.97, 0.84, 0.96, 0.99, 1.00, 0.99, 0.97, 0.99, 1.00, 1.04, 1.18, 1.30,
];

fn write_monthly_sales(w: &mut impl Write, seed: u64) -> io::Result<usize> {
    let mut rng = Rng::new(seed, STREAM_MONTHLY);
    const BASE_PRICE: f64 = 24.90;
    const ELASTICITY: f64 = -1.3;
    const AD_SCALE: f64 = 10_000.0;
    const AD_EFFECT: f64 = 0.15;

    writeln!(w, "month,sales,price,ad_spend,promotion")?;
    let mut price = BASE_PRICE;
    let mut rows = 0;
    for year in 2017..=2024 {
        for month in 1..=12usize {
            let t = rows as f64;
            // Price: mild inflation plus occasional small list-price changes.
            price *= 1.0015;
            if rng.bernoulli(0.2) {
                price *= 1.0 + rng.normal(0.0, 0.035);
            }
            price = round2(price.clamp(15.0, 40.0));

            let q4 = month >= 11;
            let promotion = rng.bernoulli(if q4 { 0.5 } else { 0.07 });

            // Ad budget: growing, heavier in Q4 and around promotions.
            let budget = 12_000.0
                * 1.004f64.powf(t)
                * if q4 { 1.3 } else { 1.0 }
                * if promotion { 1.15 } else { 1.0 };
            let ad_spend = round2(budget * rng.lognormal(0.0, 0.2));

            let trend = 4_000.0 * 1.007f64.powf(t);
            let price_effect = (price / BASE_PRICE).powf(ELASTICITY);
            let ad_effect = (1.0 + AD_EFFECT * (1.0 + ad_spend / AD_SCALE).ln())
                / (1.0 + AD_EFFECT * 2f64.ln());
            let promo_effect = if promotion { 1.2 } else { 1.0 };
            let noise = rng.lognormal(0.0, 0.045);
            let sales = round2(
                trend * SEASONALITY[month - 1] * price_effect * ad_effect * promo_effect * noise,
            );

            writeln!(
                w,
                "{year:04}-{month:02}-01,{sales:.2},{price:.2},{ad_spend:.2},{}",
                yes_no(promotion)
            )?;
            rows += 1;
        }
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------
// (c) campaign_response.csv
// ---------------------------------------------------------------------------

const REGIONS: [&str; 4] = ["North", "South", "East", "West"];
const REGION_WEIGHTS: [f64; 4] = [0.27, 0.25, 0.28, 0.20];
const CONTACT_CHANNELS: [&str; 3] = ["Email", "SMS", "Phone"];
const CONTACT_CHANNEL_WEIGHTS: [f64; 3] = [0.55, 0.30, 0.15];
const TARGET_RESPONSE_RATE: f64 = 0.08;

struct Contact {
    age: i64,
    income: f64,
    region: usize,
    previous_purchases: u32,
    days_since_last_purchase: i64,
    email_opens_90d: u32,
    loyalty_member: bool,
    preferred_channel: usize,
    /// Response logit without the intercept (noise included).
    score: f64,
}

fn generate_contact(rng: &mut Rng) -> Contact {
    let engagement = rng.normal(0.0, 1.0);
    let age = rng.normal(45.0, 14.0).round().clamp(18.0, 80.0) as i64;
    let age_gap = age as f64 - 45.0;
    let income = round2(
        rng.lognormal(
            48_000f64.ln() + 0.012 * age_gap - 0.0004 * age_gap * age_gap,
            0.5,
        )
        .max(8_000.0),
    );
    let region = rng.choose_weighted(&REGION_WEIGHTS);
    let loyalty_member = rng.bernoulli(sigmoid(-1.0 + 0.8 * engagement));
    let previous_purchases = rng.poisson(
        (0.6 + 0.4 * engagement + if loyalty_member { 0.5 } else { 0.0 })
            .exp()
            .min(30.0),
    );
    let days_since_last_purchase = if previous_purchases == 0 {
        rng.int_range(200, 730)
    } else {
        (1.0 + rng.exponential(90.0 * (-0.3 * engagement).exp()))
            .min(730.0)
            .floor() as i64
    };
    let email_opens_90d = rng.poisson((1.0 + 0.6 * engagement).exp().min(35.0));
    let preferred_channel = rng.choose_weighted(&CONTACT_CHANNEL_WEIGHTS);

    let score = 0.18 * f64::from(email_opens_90d) + if loyalty_member { 0.7 } else { 0.0 }
        - 0.004 * days_since_last_purchase as f64
        + 0.10 * f64::from(previous_purchases.min(10))
        + [0.3, 0.0, -0.2][preferred_channel]
        + rng.normal(0.0, 0.7);

    Contact {
        age,
        income,
        region,
        previous_purchases,
        days_since_last_purchase,
        email_opens_90d,
        loyalty_member,
        preferred_channel,
        score,
    }
}

/// Intercept that makes the mean response probability equal `target`.
fn calibrate_intercept(scores: &[f64], target: f64) -> f64 {
    let mean_p = |b: f64| scores.iter().map(|s| sigmoid(b + s)).sum::<f64>() / scores.len() as f64;
    let (mut lo, mut hi) = (-20.0, 20.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if mean_p(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn write_campaign(w: &mut impl Write, rows: usize, seed: u64) -> io::Result<usize> {
    let mut rng = Rng::new(seed, STREAM_CAMPAIGN);
    let contacts: Vec<Contact> = (0..rows).map(|_| generate_contact(&mut rng)).collect();
    let scores: Vec<f64> = contacts.iter().map(|c| c.score).collect();
    let intercept = calibrate_intercept(&scores, TARGET_RESPONSE_RATE);

    writeln!(
        w,
        "contact_id,age,income,region,previous_purchases,days_since_last_purchase,\
         email_opens_90d,loyalty_member,preferred_channel,responded"
    )?;
    for (i, c) in contacts.iter().enumerate() {
        let responded = rng.bernoulli(sigmoid(intercept + c.score));
        writeln!(
            w,
            "P{:06},{},{:.2},{},{},{},{},{},{},{}",
            i + 1,
            c.age,
            c.income,
            REGIONS[c.region],
            c.previous_purchases,
            c.days_since_last_purchase,
            c.email_opens_90d,
            yes_no(c.loyalty_member),
            CONTACT_CHANNELS[c.preferred_channel],
            yes_no(responded),
        )?;
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------
// (d) stores_zh.csv
// ---------------------------------------------------------------------------

/// (city, size factor): bigger cities bring more traffic.
const CITIES: [(&str, f64); 6] = [
    ("北京", 1.35),
    ("上海", 1.45),
    ("广州", 1.10),
    ("深圳", 1.15),
    ("成都", 0.90),
    ("杭州", 0.95),
];
/// City index of stores S001..S010.
const STORE_CITIES: [usize; 10] = [0, 0, 1, 1, 2, 2, 3, 3, 4, 5];
const STORE_DAYS: i64 = 30;

fn write_stores(w: &mut impl Write, seed: u64) -> io::Result<usize> {
    let mut rng = Rng::new(seed, STREAM_STORES);
    let store_size: Vec<f64> = STORE_CITIES
        .iter()
        .map(|_| rng.lognormal(0.0, 0.08))
        .collect();
    let first_day = days_from_civil(2024, 1, 1);

    writeln!(w, "门店编号,城市,日期,客流量,销售额,促销,渠道")?;
    let mut rows = 0;
    for day in first_day..first_day + STORE_DAYS {
        let (y, m, d) = civil_from_days(day);
        // Weekends and New Year's Day are busier.
        let weekend = weekday(day) >= 5 || (m == 1 && d == 1);
        for (store, (&city, size)) in STORE_CITIES.iter().zip(&store_size).enumerate() {
            let (city_name, city_factor) = CITIES[city];
            let promotion = rng.bernoulli(if weekend { 0.35 } else { 0.15 });
            let scale = city_factor * size;

            // Offline: footfall, conversion, basket.
            let traffic = 900.0
                * scale
                * if weekend { 1.35 } else { 1.0 }
                * if promotion { 1.2 } else { 1.0 }
                * rng.lognormal(0.0, 0.08);
            let traffic = traffic.round().max(1.0);
            let conversion = (0.22 * if promotion { 1.15 } else { 1.0 } + rng.normal(0.0, 0.015))
                .clamp(0.05, 0.6);
            let basket = rng.lognormal((85.0 * city_factor.sqrt()).ln(), 0.06)
                * if promotion { 0.95 } else { 1.0 };
            let sales = round2(traffic * conversion * basket);
            write_store_row(
                w,
                store,
                city_name,
                (y, m, d),
                traffic,
                sales,
                promotion,
                "线下",
            )?;

            // Online: visitors, lower conversion, larger basket.
            let visitors = 2_500.0
                * scale
                * if weekend { 1.12 } else { 1.0 }
                * if promotion { 1.3 } else { 1.0 }
                * rng.lognormal(0.0, 0.12);
            let visitors = visitors.round().max(1.0);
            let conversion = (0.035 * if promotion { 1.2 } else { 1.0 } + rng.normal(0.0, 0.004))
                .clamp(0.005, 0.2);
            let basket = rng.lognormal(120f64.ln(), 0.08) * if promotion { 0.92 } else { 1.0 };
            let sales = round2(visitors * conversion * basket);
            write_store_row(
                w,
                store,
                city_name,
                (y, m, d),
                visitors,
                sales,
                promotion,
                "线上",
            )?;
            rows += 2;
        }
    }
    Ok(rows)
}

#[allow(clippy::too_many_arguments)]
fn write_store_row(
    w: &mut impl Write,
    store: usize,
    city: &str,
    (y, m, d): (i64, i64, i64),
    traffic: f64,
    sales: f64,
    promotion: bool,
    channel: &str,
) -> io::Result<()> {
    writeln!(
        w,
        "S{:03},{city},{y:04}-{m:02}-{d:02},{},{sales:.2},{},{channel}",
        store + 1,
        traffic as u64,
        if promotion { "是" } else { "否" },
    )
}

// ---------------------------------------------------------------------------
// Output plumbing
// ---------------------------------------------------------------------------

/// Writes `path` atomically (via `path.tmp` + rename); returns the rows
/// reported by `body` and the final size in bytes.
fn write_atomic<F>(path: &Path, body: F) -> io::Result<(usize, u64)>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<usize>,
{
    let mut tmp: OsString = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);

    let result = (|| {
        let file = File::create(&tmp)?;
        let mut writer = BufWriter::with_capacity(1 << 16, file);
        let rows = body(&mut writer)?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        Ok((rows, fs::metadata(path)?.len()))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn emit<F>(path: &Path, body: F) -> Result<u64, String>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<usize>,
{
    match write_atomic(path, body) {
        Ok((rows, bytes)) => {
            println!("wrote {} ({rows} rows, {bytes} bytes)", path.display());
            Ok(bytes)
        }
        Err(e) => Err(format!("cannot write {}: {e}", path.display())),
    }
}

fn ensure_dir(dir: &Path) -> Result<(), String> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create directory {}: {e}", dir.display()))
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

enum Command {
    Help,
    All {
        out_dir: PathBuf,
        seed: u64,
    },
    Customers {
        rows: usize,
        out: PathBuf,
        seed: u64,
    },
}

fn flag_value<'a>(
    flag: &str,
    it: &mut impl Iterator<Item = &'a String>,
) -> Result<&'a str, String> {
    it.next()
        .map(String::as_str)
        .ok_or_else(|| format!("missing value for {flag}"))
}

fn parse_seed(value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("invalid --seed value '{value}' (expected a non-negative integer)"))
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let customers_mode = args.first().is_some_and(|a| a == "customers");
    let rest = if customers_mode { &args[1..] } else { args };

    let mut seed = DEFAULT_SEED;
    let mut out_dir: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut rows: Option<usize> = None;

    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--seed" => seed = parse_seed(flag_value(arg, &mut it)?)?,
            "--out-dir" if !customers_mode => {
                out_dir = Some(PathBuf::from(flag_value(arg, &mut it)?));
            }
            "--out" if customers_mode => out = Some(PathBuf::from(flag_value(arg, &mut it)?)),
            "--rows" if customers_mode => {
                let value = flag_value(arg, &mut it)?;
                let n: usize = value
                    .parse()
                    .map_err(|_| format!("invalid --rows value '{value}'"))?;
                if n == 0 || n > MAX_ROWS {
                    return Err(format!("--rows must be between 1 and {MAX_ROWS}"));
                }
                rows = Some(n);
            }
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }

    if customers_mode {
        Ok(Command::Customers {
            rows: rows.ok_or("customers: --rows N is required")?,
            out: out.ok_or("customers: --out FILE is required")?,
            seed,
        })
    } else {
        Ok(Command::All {
            out_dir: out_dir.unwrap_or_else(|| PathBuf::from(DEFAULT_OUT_DIR)),
            seed,
        })
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Customers { rows, out, seed } => {
            if let Some(parent) = out.parent() {
                ensure_dir(parent)?;
            }
            emit(&out, |w| write_customers(w, rows, seed).map(|()| rows))?;
            Ok(())
        }
        Command::All { out_dir, seed } => {
            ensure_dir(&out_dir)?;
            let mut total = 0;
            total += emit(&out_dir.join("customers.csv"), |w| {
                write_customers(w, DEFAULT_CUSTOMERS, seed).map(|()| DEFAULT_CUSTOMERS)
            })?;
            total += emit(&out_dir.join("monthly_sales.csv"), |w| {
                write_monthly_sales(w, seed)
            })?;
            total += emit(&out_dir.join("campaign_response.csv"), |w| {
                write_campaign(w, DEFAULT_CONTACTS, seed)
            })?;
            total += emit(&out_dir.join("stores_zh.csv"), |w| write_stores(w, seed))?;
            println!("total {total} bytes in {}", out_dir.display());
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match parse_args(&args).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("marketlens-samples: error: {message}");
            if message.starts_with("unexpected")
                || message.starts_with("missing")
                || message.starts_with("invalid")
            {
                eprintln!("run with --help for usage");
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let d = days_from_civil(2024, 1, 1);
        assert_eq!(civil_from_days(d), (2024, 1, 1));
        assert_eq!(weekday(d), 0); // Monday
        assert_eq!(
            civil_from_days(days_from_civil(2024, 2, 29) + 1),
            (2024, 3, 1)
        );
    }

    #[test]
    fn same_seed_same_output() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_customers(&mut a, 200, 7).expect("write");
        write_customers(&mut b, 200, 7).expect("write");
        assert_eq!(a, b);
    }
}
