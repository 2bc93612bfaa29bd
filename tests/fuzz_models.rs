//! Fuzz-style test of model loading: real model files of every kind (tests/trained) are
//! damaged a few thousand times by a seeded generator — bytes flipped, deleted, duplicated;
//! numbers replaced by 0, −1, 1e308, "NaN", huge integers; array elements dropped or
//! duplicated, arrays emptied, parts of the file swapped — and each result goes through
//! `ModelFile::load` and, when it loads, `score` on a small valid file, as `marketlens score`
//! does. Nothing may panic; every refusal must name the file.
//!
//! `MARKETLENS_FUZZ_CASES` sets the number of cases (default 3000, a few seconds in the
//! debug build; the longer run is this test with a bigger count) and `MARKETLENS_FUZZ_SEED`
//! the seed (default 14).

mod trained;

use std::panic::{AssertUnwindSafe, catch_unwind};

use marketlens::model_file::{ModelFile, ScoreValues};
use serde_json::{Value, json};

const DEFAULT_CASES: usize = 3000;
const DEFAULT_SEED: u64 = 14;

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of every node under `v` (the root is "").
fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_owned());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                pointers(item, &format!("{at}/{}", escape(key)), out);
            }
        }
        _ => {}
    }
}

/// What a number may become.
fn number_replacement(rng: &mut Rng, old: f64) -> (Value, String) {
    let choices: [(Value, &str); 16] = [
        (json!(0), "0"),
        (json!(-1), "-1"),
        (json!(1), "1"),
        (json!(1e308), "1e308"),
        (json!(-1e308), "-1e308"),
        (json!(1e-308), "1e-308"),
        (json!(1e200), "1e200"),
        (json!(u64::MAX), "u64::MAX"),
        (json!(i64::MIN), "i64::MIN"),
        (json!(9_007_199_254_740_993_u64), "2^53 + 1"),
        (json!("NaN"), "\"NaN\""),
        (json!("inf"), "\"inf\""),
        (Value::Null, "null"),
        (json!(old * 2.0 + 1.0), "2x + 1"),
        (json!(-old), "-x"),
        (json!(old + 1.0), "x + 1"),
    ];
    let (v, name) = &choices[rng.below(choices.len())];
    (v.clone(), (*name).to_owned())
}

/// Strings a model file uses for its kinds and tags, to swap one for another.
const TAGS: [&str; 16] = [
    "",
    "x",
    "regression",
    "classifier",
    "segments",
    "logistic",
    "tree",
    "forest",
    "naive_bayes",
    "svm",
    "knn",
    "linear",
    "ols",
    "Leaf",
    "Split",
    "Gaussian",
];

/// One structural mutation of `v` at a random node; returns what it did.
fn mutate_structure(rng: &mut Rng, v: &mut Value) -> String {
    let mut all = Vec::new();
    pointers(v, "", &mut all);
    // numbers are most of a model and pass parsing: favour them
    let numbers: Vec<&String> = all
        .iter()
        .filter(|p| v.pointer(p).is_some_and(Value::is_number))
        .collect();
    let at = if !numbers.is_empty() && rng.percent(60) {
        numbers[rng.below(numbers.len())].clone()
    } else {
        all[rng.below(all.len())].clone()
    };
    if rng.percent(8) {
        return swap(rng, v, &all, &at);
    }
    let Some(node) = v.pointer_mut(&at) else {
        return format!("{at}: not found");
    };
    match node {
        Value::Number(n) => {
            let (new, name) = number_replacement(rng, n.as_f64().unwrap_or(0.0));
            *node = new;
            format!("{at} = {name}")
        }
        Value::Array(items) => {
            let n = items.len();
            match rng.below(6) {
                0 if n > 0 => {
                    let i = rng.below(n);
                    items.remove(i);
                    format!("{at}: element {i} dropped")
                }
                1 if n > 0 => {
                    let i = rng.below(n);
                    let copy = items[i].clone();
                    items.insert(i, copy);
                    format!("{at}: element {i} duplicated")
                }
                2 => {
                    items.clear();
                    format!("{at} = []")
                }
                3 if n > 1 => {
                    let (i, j) = (rng.below(n), rng.below(n));
                    items.swap(i, j);
                    format!("{at}: elements {i} and {j} swapped")
                }
                4 => {
                    items.truncate(n / 2);
                    format!("{at}: cut to {} elements", n / 2)
                }
                _ => {
                    items.push(json!(0));
                    format!("{at}: 0 appended")
                }
            }
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            if !keys.is_empty() && rng.percent(70) {
                let key = &keys[rng.below(keys.len())];
                map.remove(key);
                format!("{at}: \"{key}\" removed")
            } else {
                *node = json!({});
                format!("{at} = {{}}")
            }
        }
        Value::String(_) => {
            let tag = TAGS[rng.below(TAGS.len())];
            *node = json!(tag);
            format!("{at} = \"{tag}\"")
        }
        Value::Bool(b) => {
            *b = !*b;
            format!("{at}: flipped")
        }
        Value::Null => {
            *node = json!(0);
            format!("{at} = 0")
        }
    }
}

/// Swap the node at `at` with another node that neither contains nor is inside it.
fn swap(rng: &mut Rng, v: &mut Value, all: &[String], at: &str) -> String {
    let other = &all[rng.below(all.len())];
    let related = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/")) || b.is_empty();
    if related(at, other) || related(other, at) {
        return format!("{at}: swap with {other} skipped");
    }
    let (Some(a), Some(b)) = (v.pointer(at).cloned(), v.pointer(other).cloned()) else {
        return format!("{at}: swap skipped");
    };
    if let Some(slot) = v.pointer_mut(at) {
        *slot = b;
    }
    if let Some(slot) = v.pointer_mut(other) {
        *slot = a;
    }
    format!("{at} swapped with {other}")
}

/// One byte-level mutation of `bytes`; returns what it did.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    if bytes.is_empty() {
        bytes.push(b'{');
        return "byte inserted into an empty file".to_owned();
    }
    let n = bytes.len();
    let at = rng.below(n);
    match rng.below(5) {
        0 => {
            let bit = rng.below(8);
            bytes[at] ^= 1 << bit;
            format!("byte {at}: bit {bit} flipped")
        }
        1 => {
            let len = 1 + rng.below(16).min(n - at - 1);
            bytes.drain(at..at + len);
            format!("bytes {at}..{} deleted", at + len)
        }
        2 => {
            let len = 1 + rng.below(16).min(n - at - 1);
            let copy: Vec<u8> = bytes[at..at + len].to_vec();
            bytes.splice(at..at, copy);
            format!("bytes {at}..{} duplicated", at + len)
        }
        3 => {
            // a digit changed keeps the JSON valid and the shape intact
            let digits: Vec<usize> = (0..n).filter(|&i| bytes[i].is_ascii_digit()).collect();
            if digits.is_empty() {
                return "no digit to change".to_owned();
            }
            let i = digits[rng.below(digits.len())];
            let d = b'0' + rng.below(10) as u8;
            bytes[i] = d;
            format!("byte {i} = digit {}", char::from(d))
        }
        _ => {
            let b = rng.next() as u8;
            bytes.insert(at, b);
            format!("byte {b} inserted at {at}")
        }
    }
}

/// What one case did.
enum Outcome {
    Refused,
    Scored,
    /// Not a panic, but wrong: a refusal that does not name the file, or scores for the
    /// wrong number of rows.
    Wrong(String),
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

#[test]
fn thousands_of_damaged_model_files_are_refused_or_scored_without_a_panic() {
    let cases: usize = std::env::var("MARKETLENS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("MARKETLENS_FUZZ_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let models = trained::all();
    let parsed: Vec<Value> = models
        .iter()
        .map(|m| serde_json::from_str(&m.json).expect("a valid model file"))
        .collect();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("case.mlmodel");
    let mut rng = Rng::new(seed);
    let (mut refused, mut scored) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    for case in 0..cases {
        let which = rng.below(models.len());
        let model = &models[which];
        let mut done = Vec::new();
        let bytes = if rng.percent(30) {
            let mut bytes = model.json.clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                done.push(mutate_bytes(&mut rng, &mut bytes));
            }
            bytes
        } else {
            let mut value = parsed[which].clone();
            for _ in 0..1 + rng.below(3) {
                done.push(mutate_structure(&mut rng, &mut value));
            }
            serde_json::to_vec(&value).expect("serialize")
        };
        std::fs::write(&path, &bytes).expect("write case");
        let outcome = catch_unwind(AssertUnwindSafe(|| match ModelFile::load(&path) {
            Err(e) if e.to_string().contains("case.mlmodel") => Outcome::Refused,
            Err(e) => Outcome::Wrong(format!("refusal without the file name: {e}")),
            Ok(file) => match file.model.score(&model.data, "new.csv") {
                Err(_) => Outcome::Refused,
                Ok(s) => {
                    let rows = match &s.values {
                        ScoreValues::Numbers(v) => v.len(),
                        ScoreValues::Labels(v) => v.len(),
                    };
                    if rows == model.data.height() {
                        Outcome::Scored
                    } else {
                        Outcome::Wrong(format!("{rows} scores for {} rows", model.data.height()))
                    }
                }
            },
        }));
        match outcome {
            Ok(Outcome::Refused) => refused += 1,
            Ok(Outcome::Scored) => scored += 1,
            Ok(Outcome::Wrong(what)) => {
                failures.push(format!(
                    "case {case} ({}; {}): {what}",
                    model.name,
                    done.join("; ")
                ));
            }
            Err(payload) => failures.push(format!(
                "case {case} ({}; {}): panicked: {}",
                model.name,
                done.join("; "),
                panic_text(payload.as_ref())
            )),
        }
    }
    eprintln!(
        "fuzz: {cases} cases (seed {seed}) over {} model files: {refused} refused, {scored} \
         scored, {} failed",
        models.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} damaged model files failed; the first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // the mutations must reach scoring too, not only the parser
    if cases >= 500 {
        assert!(
            scored * 20 >= cases,
            "only {scored} of {cases} damaged files loaded and scored"
        );
    }
}
