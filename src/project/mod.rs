//! MarketLens projects (`.mlens`): a versioned JSON file with the data file (its path and a
//! SHA-256 of its contents), the column roles, every workbench's settings and its trained
//! models, and the segment names. Columns are stored by name, never by position, so a
//! project still opens when the file gained, lost or reordered columns.
//!
//! Opening never writes: neither the project nor its data file. Saving writes atomically and
//! never over the data file.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod sections;
#[cfg(test)]
mod tests;

pub use sections::*;

use crate::data::load::file_label;
use crate::data::save::{SaveError, write_atomic};

/// What the first field of every project file says.
pub const FORMAT: &str = "marketlens-project";
/// The newest project format this build reads and writes.
pub const VERSION: u32 = 1;
/// The file extension of projects (without the dot).
pub const EXTENSION: &str = "mlens";

/// A saved project.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Project {
    pub format: String,
    pub version: u32,
    /// "MarketLens 0.1.0".
    pub created_by: String,
    pub data: DataRef,
    /// The role of each column, by column name.
    pub roles: Vec<ColumnRole>,
    /// The workbench that was shown: "data", "segments", "predict", "forecast", "drivers".
    pub view: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<SegmentsSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predict: Option<PredictSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drivers: Option<DriversSection>,
}

/// The data file of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRef {
    /// Absolute path of the data file (empty for a bundled sample).
    pub path: PathBuf,
    /// The bundled sample's file name, when the data is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Data rows when the project was saved.
    pub rows: usize,
}

/// Whether the data file is still the one the project was saved with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataCheck {
    Same,
    /// The file is there but its contents differ.
    Changed {
        bytes_then: u64,
        bytes_now: u64,
    },
    /// No file at the path (or no such bundled sample).
    Missing,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("Could not read the project file \u{201c}{file}\u{201d}: {reason}")]
    Read { file: String, reason: String },
    #[error(
        "\u{201c}{file}\u{201d} is not a MarketLens project file, or it is damaged ({reason}). \
         Nothing was changed."
    )]
    NotAProject { file: String, reason: String },
    #[error(
        "\u{201c}{file}\u{201d} was saved by a newer MarketLens (project format {found}; this \
         version opens up to {VERSION}). Update MarketLens to open it."
    )]
    Newer { file: String, found: u32 },
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// SHA-256 (lowercase hex) and length of a file, read in blocks.
pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

/// SHA-256 (lowercase hex) of some bytes.
pub fn hash_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

impl DataRef {
    /// Describe a data file on disk (reads it whole to hash it). The path is made absolute.
    pub fn for_file(path: &Path, rows: usize) -> std::io::Result<DataRef> {
        let (sha256, bytes) = hash_file(path)?;
        let path = std::path::absolute(path)?;
        Ok(DataRef {
            path,
            sample: None,
            sha256,
            bytes,
            rows,
        })
    }

    /// Describe a bundled sample.
    pub fn for_sample(file_name: &str, contents: &[u8], rows: usize) -> DataRef {
        DataRef {
            path: PathBuf::new(),
            sample: Some(file_name.to_owned()),
            sha256: hash_bytes(contents),
            bytes: contents.len() as u64,
            rows,
        }
    }

    /// The name shown to the user.
    pub fn label(&self) -> String {
        match &self.sample {
            Some(name) => name.clone(),
            None => file_label(&self.path),
        }
    }

    /// Compare `path` (the recorded file, or one the user located) with the recorded hash.
    pub fn check_file(&self, path: &Path) -> DataCheck {
        if !path.is_file() {
            return DataCheck::Missing;
        }
        match hash_file(path) {
            Ok((sha, _)) if sha == self.sha256 => DataCheck::Same,
            Ok((_, bytes_now)) => DataCheck::Changed {
                bytes_then: self.bytes,
                bytes_now,
            },
            Err(_) => DataCheck::Missing,
        }
    }
}

impl Project {
    /// An empty project of `data`; the workbench sections are filled by the caller.
    pub fn new(data: DataRef) -> Project {
        Project {
            format: FORMAT.to_owned(),
            version: VERSION,
            created_by: format!("MarketLens {}", env!("CARGO_PKG_VERSION")),
            data,
            roles: Vec::new(),
            view: "data".to_owned(),
            segments: None,
            predict: None,
            forecast: None,
            drivers: None,
        }
    }

    /// Write the project as pretty JSON, atomically; never over `data_file`.
    pub fn save(&self, path: &Path, data_file: Option<&Path>) -> Result<(), ProjectError> {
        write_atomic(path, data_file, |w| {
            serde_json::to_writer_pretty(w, self).map_err(|e| e.to_string())
        })?;
        Ok(())
    }

    /// Read a project, with a clear message for other files, damage and newer versions.
    /// Only reads.
    pub fn load(path: &Path) -> Result<Project, ProjectError> {
        let file = file_label(path);
        // a device or a pipe given by mistake must not hang or fill the memory
        let bytes = crate::data::read::read_small_file(path, crate::data::read::SMALL_FILE_CAP)
            .map_err(|e| ProjectError::Read {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        let not_project = |reason: String| ProjectError::NotAProject {
            file: file.clone(),
            reason,
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| not_project(format!("it cannot be read as a project: {e}")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(not_project(format!(
                "it does not start with \"format\": \"{FORMAT}\""
            )));
        }
        let found = value
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| not_project("it has no format version".to_owned()))?;
        let found = u32::try_from(found).unwrap_or(u32::MAX);
        if found > VERSION {
            return Err(ProjectError::Newer { file, found });
        }
        serde_json::from_value(value).map_err(|e| not_project(e.to_string()))
    }

    /// Whether the data file is still the one the project was saved with (reads it whole).
    pub fn check_data(&self) -> DataCheck {
        match &self.data.sample {
            Some(name) => match crate::samples::find(name) {
                Some(s) if hash_bytes(s.bytes) == self.data.sha256 => DataCheck::Same,
                Some(s) => DataCheck::Changed {
                    bytes_then: self.data.bytes,
                    bytes_now: s.bytes.len() as u64,
                },
                None => DataCheck::Missing,
            },
            None => self.data.check_file(&self.data.path),
        }
    }
}
