//! Hostile inputs and outputs through the real binary: pipes, FIFOs, standard input and
//! devices as input; devices, links, `-` and clashing paths as output; a reader that goes
//! away; Ctrl-C; and the odd files of everyday life (wide integers, decimal commas, comment
//! lines, UTF-16 without a byte-order mark). Never a panic, never a file replaced that the
//! user did not name, a message that says what to do.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{run_marketlens as marketlens, sample, write};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// Run with `stdin` fed from `input` (on a thread, so a reader that stops early is fine).
fn with_stdin(args: &[&str], input: Vec<u8>) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = feeder.join();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
}

fn rows_of(json: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(json).expect("json");
    v["rows"].as_u64().expect("rows")
}

#[test]
fn standard_input_and_dev_stdin_are_read_once_and_whole() {
    let bytes = std::fs::read(sample("customers.csv")).expect("sample");
    for name in ["-", "/dev/stdin"] {
        let (code, out, err) = with_stdin(&["inspect", name, "--json"], bytes.clone());
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(rows_of(&out), 5000, "{name}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        // the header was read as the header
        assert_eq!(v["columns"][0]["name"], "customer_id", "{name}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_read_once_small_or_large() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (n, bytes) in [
        ("small", b"a,b\n1,2\n3,4\n".to_vec()),
        (
            "large",
            std::fs::read(sample("customers.csv")).expect("sample"),
        ),
    ] {
        let fifo = dir.path().join(format!("{n}.csv"));
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&fifo)
                    .expect("open fifo");
                let _ = f.write_all(&bytes);
            })
        };
        let started = Instant::now();
        let (code, out, err) = marketlens(&["inspect", s(&fifo), "--json"]);
        writer.join().expect("writer");
        assert_eq!(code, 0, "{err}");
        assert_eq!(rows_of(&out), if n == "small" { 2 } else { 5000 });
        assert!(started.elapsed() < Duration::from_secs(60));
    }
}

#[test]
fn devices_are_refused_at_once_even_behind_a_csv_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = vec!["/dev/zero".to_owned(), "/dev/urandom".to_owned()];
    #[cfg(unix)]
    {
        let link = dir.path().join("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        inputs.push(s(&link).to_owned());
    }
    for input in &inputs {
        let started = Instant::now();
        let (code, _, err) = marketlens(&["inspect", input, "--json"]);
        assert_ne!(code, 0, "{input}");
        no_panic(&err);
        assert!(err.contains("is a device or another special file"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10), "{input}");
    }
    // an endless binary stream through a pipe is refused from its first bytes
    let mut child = Command::new(BIN)
        .args(["inspect", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let zeros = vec![0u8; 1 << 16];
        // stops when marketlens closes the pipe
        while stdin.write_all(&zeros).is_ok() {}
    });
    let out = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(err.contains("binary data"), "{err}");
}

#[test]
fn a_reader_that_goes_away_ends_every_command_quietly() {
    let customers = sample("customers.csv");
    let sales = sample("monthly_sales.csv");
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("m.mlmodel");
    let (code, _, err) = marketlens(&[
        "segment",
        s(&customers),
        "--features",
        "recency_days,frequency",
        "--k",
        "3",
        "--inits",
        "1",
        "--save-model",
        s(&model),
    ]);
    assert_eq!(code, 0, "{err}");
    let commands: Vec<Vec<&str>> = vec![
        vec!["inspect", s(&customers), "--json"],
        vec!["inspect", s(&customers)],
        vec![
            "segment",
            s(&customers),
            "--features",
            "recency_days,frequency",
            "--k",
            "3",
            "--inits",
            "1",
            "--json",
        ],
        vec![
            "classify",
            s(&customers),
            "--target",
            "churn",
            "--features",
            "recency_days,frequency",
            "--json",
        ],
        vec![
            "regress",
            s(&sales),
            "--target",
            "sales",
            "--features",
            "price,ad_spend",
            "--json",
        ],
        vec![
            "forecast",
            s(&sales),
            "--date",
            "month",
            "--value",
            "sales",
            "--model",
            "seasonal_naive",
            "--json",
        ],
        vec!["score", s(&model), s(&customers), "--out", "-"],
    ];
    for args in commands {
        let mut child = Command::new(BIN)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // like `| head -c 0`: the reader is gone before anything is printed
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        no_panic(&err);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn outputs_go_only_to_ordinary_files_and_never_share_a_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "in.csv", b"a,b\n1,2\n3,4\n5,6\n7,8\n9,1\n");
    let seg = |extra: &[&str]| {
        let mut args = vec!["segment", s(&input), "--features", "a,b", "--k", "2"];
        args.extend_from_slice(extra);
        marketlens(&args)
    };
    // a device stays a device
    let (code, _, err) = seg(&["--out", "/dev/null"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("--out /dev/null") && err.contains("a device"),
        "{err}"
    );
    assert!(std::fs::metadata("/dev/null").is_ok_and(|m| !m.is_file()));
    // a link is not replaced
    #[cfg(unix)]
    {
        let target = write(dir.path(), "kept.csv", b"keep me");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let (code, _, err) = seg(&["--out", s(&link)]);
        assert_ne!(code, 0);
        assert!(err.contains("a link to another file"), "{err}");
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(std::fs::read(&target).expect("read"), b"keep me");
    }
    // two outputs, one path: refused before any work, nothing written
    let both = dir.path().join("x.csv");
    let (code, _, err) = seg(&["--out", s(&both), "--save-model", s(&both)]);
    assert_ne!(code, 0);
    assert!(
        err.contains("--out and --save-model name the same file"),
        "{err}"
    );
    assert!(!both.exists());
    // "-" is standard output for rows, with the summary on standard error
    let (code, out, err) = seg(&["--out", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("a,b,segment\n"), "{out}");
    assert_eq!(out.lines().count(), 6, "{out}");
    assert!(err.contains("2 segments of 5 rows"), "{err}");
    assert!(!dir.path().join("-").exists());
    // but not with --json, and never for a model
    let (code, _, err) = seg(&["--out", "-", "--json"]);
    assert_ne!(code, 0);
    assert!(err.contains("--json cannot use it too"), "{err}");
    let (code, _, err) = seg(&["--save-model", "-"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("a model file cannot go to the screen"),
        "{err}"
    );
    // the input is never an output
    let (code, _, err) = seg(&["--out", s(&input)]);
    assert_ne!(code, 0);
    assert!(err.contains("is an input file"), "{err}");
    assert_eq!(
        std::fs::read(&input).expect("read"),
        b"a,b\n1,2\n3,4\n5,6\n7,8\n9,1\n"
    );
    // a folder that does not exist is named, without the OS's code
    let (code, _, err) = seg(&["--out", s(&dir.path().join("nowhere").join("o.csv"))]);
    assert_ne!(code, 0);
    assert!(err.contains("nowhere\u{201d} does not exist"), "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_program_with_the_signal_s_code() {
    // `inspect -` waits for input that never comes; Ctrl-C must end it (and, had it been
    // writing, remove its temporary file: see data::save's interrupted-write test)
    let mut child = Command::new(BIN)
        .args(["inspect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // keep standard input open (its end would end the command with "empty") until it is over
    let stdin = child.stdin.take();
    // wait until the handler's thread, named "interrupt", is running
    let tasks = format!("/proc/{}/task", child.id());
    let started = Instant::now();
    let handler_up = || {
        std::fs::read_dir(&tasks).is_ok_and(|d| {
            d.flatten().any(|t| {
                std::fs::read_to_string(t.path().join("comm"))
                    .is_ok_and(|c| c.trim() == "interrupt")
            })
        })
    };
    while !handler_up() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no interrupt handler"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let started = Instant::now();
    let status = child.wait().expect("wait");
    drop(stdin);
    assert_eq!(status.code(), Some(130));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn everyday_oddities_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inspect = |name: &str, bytes: &[u8]| {
        let p = write(dir.path(), name, bytes);
        let (code, out, err) = marketlens(&["inspect", s(&p), "--json"]);
        assert_eq!(code, 0, "{name}: {err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let column = |v: &serde_json::Value, name: &str| {
        v["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no column {name} in {v}"))
    };
    // an integer wider than 64 bits, late in the file: read as a decimal number
    let mut wide = b"id,price\n".to_vec();
    for i in 0..12_000 {
        wide.extend_from_slice(format!("{i},{}\n", i % 97).as_bytes());
    }
    wide.extend_from_slice(b"12000,99999999999999999999999\n");
    let v = inspect("wide.csv", &wide);
    assert_eq!(v["rows"], 12_001);
    let price = column(&v, "price");
    assert_eq!(price["kind"], "numeric", "{price}");
    assert!((price["stats"]["max"].as_f64().expect("max") - 1e23).abs() < 1e9);
    // European decimals with a semicolon separator
    let v = inspect(
        "eu.csv",
        "Produkt;Preis;Umsatz\nA;9,5;1.234,5\nB;12;2.000,25\nC;0,75;10\n".as_bytes(),
    );
    let preis = column(&v, "Preis");
    assert_eq!(preis["kind"], "numeric", "{preis}");
    assert!(
        (preis["stats"]["mean"].as_f64().expect("mean") - (9.5 + 12.0 + 0.75) / 3.0).abs() < 1e-9
    );
    assert_eq!(column(&v, "Umsatz")["stats"]["max"], 2000.25);
    // comment lines above the header
    let v = inspect(
        "commented.csv",
        b"# exported 2026-01-01\n# by shop\nx,y\n1,2\n3,4\n",
    );
    assert_eq!(v["rows"], 2);
    assert_eq!(v["columns"][0]["name"], "x");
    assert!(v["notices"].to_string().contains("skipped as comments"));
    // UTF-16 (little and big endian) without a byte-order mark, Chinese included
    let text = "城市,销售额\n上海,12\n北京,30\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (name, bytes) in [("le.csv", le), ("be.csv", be)] {
        let v = inspect(name, &bytes);
        assert_eq!(v["rows"], 2, "{name}");
        assert_eq!(v["columns"][0]["name"], "城市", "{name}");
        assert_eq!(v["encoding"], "UTF-16", "{name}");
    }
}

#[test]
fn damaged_files_are_explained_in_plain_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    // a quote opened on line 3 and never closed
    let mut bytes = b"name,amount\nA,1\n\"B,2\nC,3\n".to_vec();
    for i in 0..50 {
        bytes.extend_from_slice(format!("D{i},{i}\n").as_bytes());
    }
    let p = write(dir.path(), "quote.csv", &bytes);
    let (code, out, err) = marketlens(&["inspect", s(&p), "--json"]);
    no_panic(&err);
    if code == 0 {
        // polars may read the rest as one long text: then at least no row is lost silently
        assert!(rows_of(&out) >= 1);
    } else {
        assert!(err.contains("quote.csv"), "{err}");
        assert!(!err.contains("chunk") && !err.contains("dtype"), "{err}");
    }
}

#[test]
fn a_file_that_trips_the_csv_reader_is_explained_not_a_crash() {
    // found by `bash benches/fuzz.sh` (case 14,193 of 100,000): a quote inside a quoted column
    // name and a last row cut off inside quotes made polars' reader panic
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = b"\"name\",\"note\",\"wo\"value\"\n\"A\",\"line one\nline$two\",1\n\"B\",\"";
    let p = write(dir.path(), "cut.csv", bytes);
    let (code, _, err) = marketlens(&["inspect", s(&p), "--json"]);
    no_panic(&err);
    assert!(!err.contains("internal error"), "{err}");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cut.csv"), "{err}");
    assert!(
        err.contains("quote characters (\") do not pair up"),
        "{err}"
    );
}
