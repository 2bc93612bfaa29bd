//! Background jobs: every long task (loading, sorting, training) runs here.
//!
//! A job is a closure run on a named thread. It receives a [`Reporter`] through which it sends
//! typed progress events and checks whether it was cancelled. The caller keeps a [`JobHandle`],
//! polls it from the UI thread (never blocking), and gets exactly one [`Outcome`]: the result,
//! an error, a cancellation, or a caught panic. A `notify` callback (the GUI passes
//! `ctx.request_repaint()`) runs after every event so the window redraws promptly.
//!
//! This module knows nothing of egui.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Shared flag a job checks to learn that the user pressed Cancel.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The error a job returns when it noticed the cancel flag and stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// How a job failed, as far as the job runner is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    Cancelled,
    Failed(String),
}

impl From<Cancelled> for JobError {
    fn from(_: Cancelled) -> Self {
        JobError::Cancelled
    }
}

/// Progress events that the UI can show generically (a bar, a label and an ETA).
pub trait JobProgress {
    /// Fraction done in 0..=1, if known.
    fn fraction(&self) -> Option<f32>;
    /// One short line for the user, e.g. "Reading file: 12.3 of 50.0 MB".
    fn describe(&self) -> String;
}

/// The work side of a job: sends progress, answers "was I cancelled?".
pub struct Reporter<P> {
    sink: Box<dyn Fn(P) + Send + Sync>,
    cancel: CancelToken,
    /// Shared by the threads of one job (a forest's workers report through it too).
    last_sent: Mutex<Option<Instant>>,
}

impl<P> Reporter<P> {
    /// A reporter that drops all progress and is never cancelled (CLI, tests).
    pub fn silent() -> Self {
        Self::new(|_| {}, CancelToken::new())
    }

    /// A reporter that hands progress to `sink` and watches `cancel`.
    pub fn new(sink: impl Fn(P) + Send + Sync + 'static, cancel: CancelToken) -> Self {
        Self {
            sink: Box::new(sink),
            cancel,
            last_sent: Mutex::new(None),
        }
    }

    /// Send a progress event now.
    pub fn report(&self, progress: P) {
        if let Ok(mut last) = self.last_sent.lock() {
            *last = Some(Instant::now());
        }
        (self.sink)(progress);
    }

    /// Send a progress event unless one was sent in the last 50 ms (at most ~20 per second).
    /// The closure is only evaluated when the event is actually sent.
    pub fn report_throttled(&self, progress: impl FnOnce() -> P) {
        let due = self.last_sent.lock().map_or(true, |t| {
            t.is_none_or(|t| t.elapsed() >= Duration::from_millis(50))
        });
        if due {
            self.report(progress());
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The cancel flag, for a nested reporter of another progress type.
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// `Err(Cancelled)` once the user has cancelled; use with `?` inside loops.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// For an analysis's error enum with a `Cancelled` variant: `?` on [`Reporter::check`]
/// (a [`Cancelled`] becomes the enum's `Cancelled`) and the conversion into a [`JobError`]
/// (`Cancelled` stays a cancel, anything else fails the job with its message).
#[macro_export]
macro_rules! cancellable_error {
    ($error:ident) => {
        impl From<$crate::jobs::Cancelled> for $error {
            fn from(_: $crate::jobs::Cancelled) -> Self {
                $error::Cancelled
            }
        }

        impl From<$error> for $crate::jobs::JobError {
            fn from(e: $error) -> Self {
                match e {
                    $error::Cancelled => $crate::jobs::JobError::Cancelled,
                    other => $crate::jobs::JobError::Failed(other.to_string()),
                }
            }
        }
    };
}

/// How a job ended.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    Failed(String),
    Cancelled,
    /// The job panicked; the message is what it panicked with. The app keeps running.
    Panicked(String),
}

enum Event<P, T> {
    Progress(P),
    Finished(Outcome<T>),
}

/// The UI side of a running job.
pub struct JobHandle<P, T> {
    name: String,
    rx: Receiver<Event<P, T>>,
    cancel: CancelToken,
    started: Instant,
    latest: Option<P>,
    finished: bool,
}

/// Start `work` on a new thread called `name`.
///
/// `notify` runs after every progress event and once at the end (pass `|| ctx.request_repaint()`).
pub fn spawn<P, T, E, F>(
    name: &str,
    notify: impl Fn() + Send + Sync + 'static,
    work: F,
) -> JobHandle<P, T>
where
    P: Send + 'static,
    T: Send + 'static,
    E: Into<JobError>,
    F: FnOnce(&Reporter<P>) -> Result<T, E> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Event<P, T>>();
    let cancel = CancelToken::new();
    let notify = Arc::new(notify);
    let handle = JobHandle {
        name: name.to_owned(),
        rx,
        cancel: cancel.clone(),
        started: Instant::now(),
        latest: None,
        finished: false,
    };
    let thread_tx = tx.clone();
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || run_job(thread_tx, notify, cancel, work));
    if let Err(err) = spawned {
        let _ = tx.send(Event::Finished(Outcome::Failed(format!(
            "could not start a background thread: {err}"
        ))));
    }
    handle
}

fn run_job<P, T, E, F>(
    tx: Sender<Event<P, T>>,
    notify: Arc<impl Fn() + Send + Sync + 'static>,
    cancel: CancelToken,
    work: F,
) where
    P: Send + 'static,
    T: Send + 'static,
    E: Into<JobError>,
    F: FnOnce(&Reporter<P>) -> Result<T, E>,
{
    let progress_tx = tx.clone();
    let progress_notify = Arc::clone(&notify);
    let reporter = Reporter::new(
        move |p| {
            // A closed channel only means nobody is listening any more.
            let _ = progress_tx.send(Event::Progress(p));
            progress_notify();
        },
        cancel.clone(),
    );
    let result = catch_unwind(AssertUnwindSafe(|| work(&reporter)));
    let outcome = match result {
        Ok(Ok(value)) if cancel.is_cancelled() => {
            drop(value);
            Outcome::Cancelled
        }
        Ok(Ok(value)) => Outcome::Done(value),
        Ok(Err(err)) => match err.into() {
            JobError::Cancelled => Outcome::Cancelled,
            JobError::Failed(msg) => Outcome::Failed(msg),
        },
        Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
    };
    let _ = tx.send(Event::Finished(outcome));
    notify();
}

/// The text a panic carried, for showing to the user.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown internal error".to_owned()
    }
}

impl<P, T> JobHandle<P, T> {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Ask the job to stop. It stops at its next check; its result is discarded.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_cancel_requested(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The most recent progress event received so far.
    pub fn latest(&self) -> Option<&P> {
        self.latest.as_ref()
    }

    /// Drain pending events without blocking. Returns the outcome once the job has ended.
    pub fn poll(&mut self) -> Option<Outcome<T>> {
        self.drain(|_| {})
    }

    /// Like [`Self::poll`], but hands every progress event to `on_progress` (for views that
    /// chart each step, not just the latest).
    pub fn drain(&mut self, mut on_progress: impl FnMut(&P)) -> Option<Outcome<T>> {
        if self.finished {
            return None;
        }
        loop {
            match self.rx.try_recv() {
                Ok(Event::Progress(p)) => {
                    on_progress(&p);
                    self.latest = Some(p);
                }
                Ok(Event::Finished(outcome)) => {
                    self.finished = true;
                    return Some(outcome);
                }
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    self.finished = true;
                    return Some(Outcome::Panicked(
                        "the background task ended without a result".to_owned(),
                    ));
                }
            }
        }
    }

    /// Block until the job ends (CLI and tests only; never on the UI thread).
    pub fn wait(mut self) -> Outcome<T> {
        loop {
            match self.rx.recv() {
                Ok(Event::Progress(p)) => self.latest = Some(p),
                Ok(Event::Finished(outcome)) => return outcome,
                Err(_) => {
                    return Outcome::Panicked(
                        "the background task ended without a result".to_owned(),
                    );
                }
            }
        }
    }
}

impl<P: JobProgress, T> JobHandle<P, T> {
    /// Estimated time left, from the elapsed time and the latest fraction done.
    pub fn eta(&self) -> Option<Duration> {
        let fraction = f64::from(self.latest.as_ref()?.fraction()?);
        let elapsed = self.elapsed().as_secs_f64();
        if !(0.02..1.0).contains(&fraction) || elapsed < 0.5 {
            return None;
        }
        Some(Duration::from_secs_f64(
            elapsed * (1.0 - fraction) / fraction,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_with_progress() {
        let job = spawn::<u32, u32, JobError, _>(
            "test-done",
            || {},
            |r| {
                for i in 0..5 {
                    r.report(i);
                }
                Ok(42)
            },
        );
        match job.wait() {
            Outcome::Done(v) => assert_eq!(v, 42),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn panic_is_caught_with_message() {
        let job = spawn::<(), (), JobError, _>("test-panic", || {}, |_| panic!("boom {}", 7));
        match job.wait() {
            Outcome::Panicked(msg) => assert_eq!(msg, "boom 7"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn cancel_stops_a_loop_quickly() {
        let job = spawn::<u64, (), JobError, _>(
            "test-cancel",
            || {},
            |r| {
                let mut i = 0u64;
                loop {
                    r.check()?;
                    i += 1;
                    r.report_throttled(|| i);
                    std::thread::sleep(Duration::from_millis(1));
                }
            },
        );
        std::thread::sleep(Duration::from_millis(20));
        let t = Instant::now();
        job.cancel();
        assert!(matches!(job.wait(), Outcome::Cancelled));
        assert!(t.elapsed() < Duration::from_millis(200));
    }

    #[test]
    fn thread_has_the_given_name() {
        let job = spawn::<(), String, JobError, _>(
            "named-job",
            || {},
            |_| Ok(std::thread::current().name().unwrap_or("").to_owned()),
        );
        match job.wait() {
            Outcome::Done(name) => assert_eq!(name, "named-job"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn notify_runs_after_events() {
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = Arc::clone(&count);
        let job = spawn::<(), (), JobError, _>(
            "test-notify",
            move || {
                c.fetch_add(1, Ordering::SeqCst);
            },
            |r| {
                r.report(());
                r.report(());
                Ok(())
            },
        );
        assert!(matches!(job.wait(), Outcome::Done(())));
        // two progress events and the final one (the last notify runs just after the send)
        let deadline = Instant::now() + Duration::from_secs(2);
        while count.load(Ordering::SeqCst) < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(count.load(Ordering::SeqCst), 3);
    }
}
