//! Shared by the benches that time UI frames.

use std::time::Duration;

/// Print "NAME: N frames, median … ms, p99 … ms, max … ms" for frame times.
pub fn frame_summary(name: &str, mut frames: Vec<Duration>) {
    frames.sort();
    let n = frames.len().max(1);
    let pick = |q: f64| {
        frames
            .get(((n - 1) as f64 * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    let p99 = pick(0.99).as_secs_f64();
    println!(
        "{name}: {} frames, median {:.1} ms, p99 {:.1} ms, max {:.1} ms (at least {:.0} fps \
         possible at p99)",
        frames.len(),
        pick(0.5).as_secs_f64() * 1e3,
        p99 * 1e3,
        frames.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        1.0 / p99.max(1e-6)
    );
}
