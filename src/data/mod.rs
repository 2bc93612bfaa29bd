//! Data: loading CSV files, profiling columns, suggesting roles. No egui here.

pub mod clean;
pub mod counting;
pub mod decode;
pub mod load;
pub mod messages;
pub mod prep;
pub mod profile;
pub mod read;
pub mod roles;
pub mod save;
pub mod sniff;
pub mod table;

use std::path::PathBuf;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

pub use decode::TextEncoding;
pub use load::{Source, load, load_path};
pub use profile::ColumnProfile;

/// A loaded table with everything we learned about it.
#[derive(Clone)]
pub struct Dataset {
    /// The file on disk, or `None` for a bundled sample.
    pub path: Option<PathBuf>,
    /// The name shown to the user ("customers.csv").
    pub file_name: String,
    pub df: DataFrame,
    /// One profile per column, in file order.
    pub columns: Vec<ColumnProfile>,
    /// Things the user should know about how the file was read (encoding, renamed columns…).
    pub notices: Vec<String>,
    pub encoding: TextEncoding,
    /// "comma", "semicolon", "tab" or "pipe".
    pub delimiter: &'static str,
    pub file_bytes: u64,
    pub load_seconds: f64,
    pub timings: LoadTimings,
}

/// Where the load time went, in seconds (for the benchmark and `inspect --json`).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LoadTimings {
    /// Reading the file from disk.
    pub read: f64,
    /// Decoding the text, sniffing, and parsing with polars.
    pub parse: f64,
    /// Column names checked and renamed.
    pub tidy: f64,
    /// Column types tidied (null markers, numbers with separators, dates) and profiled,
    /// in parallel.
    pub profile: f64,
}

impl Dataset {
    pub fn rows(&self) -> usize {
        self.df.height()
    }
}

/// What a column holds, as a marketer would put it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Numeric,
    Categorical,
    Boolean,
    Date,
    /// Unique per row: a customer number, an order id.
    Id,
    /// Free text with too many different values to use as categories.
    Text,
}

impl ColumnKind {
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Categorical => "categorical",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Date => "date",
            ColumnKind::Id => "id",
            ColumnKind::Text => "text",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "Numbers you can add up or average (spend, age, visits).",
            ColumnKind::Categorical => "A small set of labels (city, channel, plan).",
            ColumnKind::Boolean => "Two values only (yes/no, true/false, 1/0).",
            ColumnKind::Date => "Calendar dates or times.",
            ColumnKind::Id => "A different value on every row (customer number): identifies rows.",
            ColumnKind::Text => "Free text with many different values.",
        }
    }
}

/// What a column is used for in an analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An input that describes the customer or the period.
    Feature,
    /// The outcome to predict.
    Target,
    Date,
    Id,
    Ignore,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Feature,
        Role::Target,
        Role::Date,
        Role::Id,
        Role::Ignore,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::Feature => "feature",
            Role::Target => "target",
            Role::Date => "date",
            Role::Id => "id",
            Role::Ignore => "ignore",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            Role::Feature => "An input the analysis learns from.",
            Role::Target => "The outcome to predict (churned, responded, sales).",
            Role::Date => "The time axis for forecasting.",
            Role::Id => "Names each row in result lists; not used for learning.",
            Role::Ignore => "Left out of every analysis.",
        }
    }
}

/// Which step of loading a job is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadPhase {
    Reading,
    Parsing,
    Profiling,
}

/// Progress of a load: bytes while reading, columns while profiling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProgress {
    pub phase: LoadPhase,
    pub done: u64,
    pub total: u64,
}

impl crate::jobs::JobProgress for LoadProgress {
    fn fraction(&self) -> Option<f32> {
        // Reading is most of the wait on slow disks; parsing and profiling follow quickly.
        let (start, span) = match self.phase {
            LoadPhase::Reading => (0.0, 0.5),
            // polars reports no progress while parsing: no fraction, no made-up ETA
            LoadPhase::Parsing => return None,
            LoadPhase::Profiling => (0.8, 0.2),
        };
        (self.total > 0).then(|| start + span * (self.done as f32 / self.total as f32).min(1.0))
    }

    fn describe(&self) -> String {
        let mb = |b: u64| b as f64 / 1_048_576.0;
        match self.phase {
            LoadPhase::Reading => format!(
                "Reading the file: {:.1} of {:.1} MB",
                mb(self.done),
                mb(self.total)
            ),
            LoadPhase::Parsing if self.total > 0 => format!(
                "Parsing {:.1} MB: splitting rows and guessing column types\u{2026}",
                mb(self.total)
            ),
            LoadPhase::Parsing => "Parsing rows and guessing column types\u{2026}".to_owned(),
            LoadPhase::Profiling => {
                format!("Profiling columns: {} of {}", self.done, self.total)
            }
        }
    }
}

/// Why a file could not be opened. Every message names the file and says what to do.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum LoadError {
    #[error("Could not open \u{201c}{file}\u{201d}: the file does not exist ({path}).")]
    NotFound { file: String, path: String },
    #[error(
        "Could not open \u{201c}{file}\u{201d}: it is a folder, not a file. Pick a .csv file inside it."
    )]
    IsDirectory { file: String },
    #[error("Could not read \u{201c}{file}\u{201d}: {reason}.")]
    Unreadable { file: String, reason: String },
    #[error("\u{201c}{file}\u{201d} is empty: there is nothing to load.")]
    Empty { file: String },
    #[error("\u{201c}{file}\u{201d} has column names but no data rows.")]
    HeaderOnly { file: String },
    #[error("\u{201c}{file}\u{201d} cannot be read as CSV: {what}.")]
    NotText { file: String, what: String },
    #[error("\u{201c}{file}\u{201d} could not be read as CSV: {reason}")]
    Parse { file: String, reason: String },
    #[error(
        "Could not open \u{201c}{file}\u{201d}: it is a device or another special file, not \
         a file with data. Give the path of a .csv file (or - to read from a pipe)."
    )]
    NotAFile { file: String },
    #[error(
        "\u{201c}{file}\u{201d} changed while it was read (it had {before} bytes when reading \
         started, then {after}). If another program is still writing it, wait until it has \
         finished, then open it again."
    )]
    Changed {
        file: String,
        before: u64,
        after: u64,
    },
    #[error(
        "More than {} MB arrived from {file}; MarketLens reads at most that much from a pipe. \
         Save the data to a file first and open the file.", cap / 1_048_576
    )]
    TooLong { file: String, cap: u64 },
    #[error(
        "\u{201c}{file}\u{201d} is larger than {} MB, far larger than any MarketLens model or \
         project file: it is not one. Choose the .mlmodel or .mlens file MarketLens saved.",
        cap / 1_048_576
    )]
    TooLarge { file: String, cap: u64 },
    #[error("Loading was cancelled.")]
    Cancelled,
}

impl From<LoadError> for crate::jobs::JobError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Cancelled => crate::jobs::JobError::Cancelled,
            other => crate::jobs::JobError::Failed(other.to_string()),
        }
    }
}
