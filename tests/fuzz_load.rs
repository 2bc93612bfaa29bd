//! Fuzzing the loader: a few thousand seeded mutations of small valid CSV files (bytes
//! flipped, dropped, doubled; quotes, separators, line ends, NULs, huge numbers and odd
//! encodings spliced in) go through the same parse as a file opened in the window or the
//! CLI. Each must load or give a message naming the file — never panic.
//!
//! `MARKETLENS_FUZZ_CASES=100000 cargo test --release --test fuzz_load` (or
//! `bash benches/fuzz.sh`) runs a longer campaign.

use marketlens::data::load::parse_bytes;
use marketlens::jobs::Reporter;

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: [&str; 6] = [
    "customer_id,age,channel,spend,churn\nC1,34,App,120.5,no\nC2,,Web,80,yes\nC3,51,Store,1234.75,no\nC4,29,App,,yes\n",
    "month;sales;price\n2024-01;1.234,5;9,5\n2024-02;1.300,0;9,75\n2024-03;1.410,25;10\n",
    "城市,销售额,日期\n上海,12,2024年1月5日\n北京,30,2024年1月6日\n广州,\"1,234\",2024年1月7日\n",
    "\"name\",\"note\",\"value\"\n\"A\",\"line one\nline two\",1\n\"B\",\"say \"\"hi\"\"\",2\n\"C\",\"\",3\n",
    "a\tb\tc\n1\t2\t3\n4\t5\t6\n7\t8\t9\n",
    "date,amount,flag\n01/02/2024,$1,200.00,TRUE\n02/02/2024,$15.50,FALSE\n03/02/2024,NA,TRUE\n",
];

const SPLICES: [&[u8]; 16] = [
    b"\"",
    b",",
    b";",
    b"\n",
    b"\r",
    b"\r\n",
    b"\0",
    b"\xFF\xFE",
    b"\xEF\xBB\xBF",
    b"99999999999999999999999999",
    b"1e308",
    b"-inf",
    b"NaN",
    b"\xE4\xB8",
    b"#",
    b"9,5",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(7) {
            0 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(b.len());
                b.drain(at.min(end)..end);
            }
            2 => {
                let s = SPLICES[rng.below(SPLICES.len())];
                b.splice(at..at, s.iter().copied());
            }
            3 if !b.is_empty() => {
                // duplicate a run (a repeated or ragged row)
                let start = rng.below(b.len());
                let end = (start + 1 + rng.below(40)).min(b.len());
                let run = b[start..end].to_vec();
                b.splice(at..at, run);
            }
            4 => b.truncate(at),
            5 => {
                let i = at.min(b.len());
                b.insert(i, rng.next() as u8);
            }
            _ => {
                // swap two bytes
                if b.len() > 1 {
                    let j = rng.below(b.len());
                    let i = at.min(b.len() - 1);
                    b.swap(i, j);
                }
            }
        }
    }
    b
}

#[test]
fn seeded_mutations_of_csv_files_never_panic() {
    let cases: usize = std::env::var("MARKETLENS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let mut panics = Vec::new();
    let (mut loaded, mut refused) = (0usize, 0usize);
    // the panic hook would print every caught panic; keep the output readable
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..cases {
        let seed = SEEDS[case % SEEDS.len()].as_bytes();
        let bytes = mutate(&mut rng, seed);
        let copy = bytes.clone();
        let outcome = std::panic::catch_unwind(move || {
            parse_bytes("fuzz.csv", copy, &Reporter::silent()).map(|ds| ds.rows())
        });
        match outcome {
            Ok(Ok(_)) => loaded += 1,
            Ok(Err(e)) => {
                let m = e.to_string();
                assert!(m.contains("fuzz.csv"), "case {case}: {m}");
                refused += 1;
            }
            Err(_) => panics.push((case, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    std::panic::set_hook(hook);
    assert!(
        panics.is_empty(),
        "{} of {cases} cases panicked; first ones: {:?}",
        panics.len(),
        &panics[..panics.len().min(3)]
    );
    // the mutations are not all trivial: some files load, some are refused
    assert!(
        loaded > cases / 10 && refused > 0,
        "{loaded} loaded, {refused} refused"
    );
}
