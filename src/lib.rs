//! MarketLens: turns a marketer's CSV into decisions.
//!
//! The crate has a **core** that knows nothing of egui ([`data`], [`samples`], [`jobs`]),
//! a [`cli`] that prints what the core computes, and a GUI ([`app`], [`ui`]) that only draws
//! state and sends commands to background jobs.

pub mod analysis;
pub mod app;
pub mod chart;
pub mod cli;
pub mod data;
pub mod jobs;
pub mod metrics;
pub mod model_file;
pub mod project;
pub mod report;
pub mod samples;
pub mod ui;

/// How many file parses are under way whose polars panics are caught and explained (see
/// `data::load`): those are not printed.
pub static QUIET_POLARS_PANICS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// Replace Rust's default panic message with one meant for users. The app catches panics in
/// background jobs and keeps running; this only changes what is printed on the terminal.
pub fn install_panic_message() {
    std::panic::set_hook(Box::new(|info| {
        // a panic inside polars while a file is parsed is caught and explained by the loader
        let in_polars = info.location().is_some_and(|l| l.file().contains("polars"))
            || std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("polars"));
        if in_polars && QUIET_POLARS_PANICS.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            return;
        }
        let msg = jobs::panic_message(info.payload());
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        eprintln!("MarketLens internal error in task \u{201c}{thread}\u{201d}: {msg}{at}");
    }));
}
