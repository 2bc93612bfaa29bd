//! The settings of each workbench as stored in a project: columns by name, and the project's
//! own small enums (so renaming an internal type never changes the file format).

use serde::{Deserialize, Serialize};

use crate::analysis::classify::Imbalance;
use crate::analysis::forecast::{ModelKind as ForecastKind, SeasonChoice};
use crate::analysis::holt_winters::{Seasonal, Trend};
use crate::analysis::lstm::{LstmSettings, Strategy};
use crate::analysis::models::{ModelKind, ModelSettings};
use crate::analysis::regress::{CalendarPart, RegModel};
use crate::analysis::segment::Algorithm;
use crate::analysis::series::{Aggregate, Fill, Period};
use crate::data::Role;
use crate::model_file::ModelFile;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRole {
    pub column: String,
    pub role: Role,
}

/// How segments are found (mirrors [`Algorithm`], spelled for the file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentAlgorithm {
    #[default]
    KMeans,
    Gmm,
    Ward,
}

impl From<Algorithm> for SegmentAlgorithm {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::KMeans => Self::KMeans,
            Algorithm::Gmm => Self::Gmm,
            Algorithm::Ward => Self::Ward,
        }
    }
}

impl From<SegmentAlgorithm> for Algorithm {
    fn from(a: SegmentAlgorithm) -> Self {
        match a {
            SegmentAlgorithm::KMeans => Self::KMeans,
            SegmentAlgorithm::Gmm => Self::Gmm,
            SegmentAlgorithm::Ward => Self::Ward,
        }
    }
}

/// The Segments workbench.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SegmentsSection {
    pub features: Vec<String>,
    pub k: usize,
    pub algorithm: SegmentAlgorithm,
    pub seed: u64,
    pub standardize: bool,
    pub log_skewed: bool,
    /// The segment names as the user left them.
    pub names: Vec<String>,
    /// Whether segments had been found (they are found again on opening).
    pub ran: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelFile>,
}

/// How models are judged (Predict and Drivers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluation {
    #[default]
    Split,
    KFold,
    TestFile,
}

/// What to do when one outcome is rare (mirrors [`Imbalance`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImbalanceSetting {
    #[default]
    None,
    ClassWeights,
    Oversample,
}

impl From<Imbalance> for ImbalanceSetting {
    fn from(i: Imbalance) -> Self {
        match i {
            Imbalance::None => Self::None,
            Imbalance::ClassWeights => Self::ClassWeights,
            Imbalance::Oversample => Self::Oversample,
        }
    }
}

impl From<ImbalanceSetting> for Imbalance {
    fn from(i: ImbalanceSetting) -> Self {
        match i {
            ImbalanceSetting::None => Self::None,
            ImbalanceSetting::ClassWeights => Self::ClassWeights,
            ImbalanceSetting::Oversample => Self::Oversample,
        }
    }
}

/// Model settings of the Predict tab (mirrors [`ModelSettings`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassifierSettings {
    pub c: f64,
    pub tree_depth: usize,
    pub forest_trees: usize,
    pub neighbours: usize,
}

impl From<&ModelSettings> for ClassifierSettings {
    fn from(s: &ModelSettings) -> Self {
        Self {
            c: s.c,
            tree_depth: s.tree_depth,
            forest_trees: s.forest_trees,
            neighbours: s.neighbours,
        }
    }
}

impl From<&ClassifierSettings> for ModelSettings {
    fn from(s: &ClassifierSettings) -> Self {
        Self {
            c: s.c,
            tree_depth: s.tree_depth,
            forest_trees: s.forest_trees,
            neighbours: s.neighbours,
        }
    }
}

/// The Predict (churn and response) workbench.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PredictSection {
    pub target: Option<String>,
    /// The value counted as positive (`None`: detected).
    pub positive: Option<String>,
    pub features: Vec<String>,
    /// The ticked models.
    pub models: Vec<ModelKind>,
    pub evaluation: Evaluation,
    pub test_share: f64,
    pub folds: usize,
    pub test_file: String,
    pub seed: u64,
    pub settings: ClassifierSettings,
    pub imbalance: ImbalanceSetting,
    pub threshold: f64,
    /// Campaign planner: cost of a contact, value of a saved customer.
    pub cost: f64,
    pub value: f64,
    pub risk_min: f64,
    /// Whether the models had been trained (they are trained again on opening).
    pub ran: bool,
    /// The trained models, in the order of the result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trained: Vec<ModelFile>,
}

/// How Holt-Winters treats the season (mirrors [`SeasonChoice`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeasonSetting {
    #[default]
    Auto,
    None,
    Additive,
    Multiplicative,
}

impl From<SeasonChoice> for SeasonSetting {
    fn from(s: SeasonChoice) -> Self {
        match s {
            SeasonChoice::Auto => Self::Auto,
            SeasonChoice::Fixed(Seasonal::None) => Self::None,
            SeasonChoice::Fixed(Seasonal::Additive) => Self::Additive,
            SeasonChoice::Fixed(Seasonal::Multiplicative) => Self::Multiplicative,
        }
    }
}

impl From<SeasonSetting> for SeasonChoice {
    fn from(s: SeasonSetting) -> Self {
        match s {
            SeasonSetting::Auto => Self::Auto,
            SeasonSetting::None => Self::Fixed(Seasonal::None),
            SeasonSetting::Additive => Self::Fixed(Seasonal::Additive),
            SeasonSetting::Multiplicative => Self::Fixed(Seasonal::Multiplicative),
        }
    }
}

/// The LSTM's settings (mirrors [`LstmSettings`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LstmSection {
    pub window: usize,
    pub hidden: usize,
    pub layers: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    pub seed: u64,
    /// "recursive" or "direct".
    pub strategy: String,
}

impl From<&LstmSettings> for LstmSection {
    fn from(s: &LstmSettings) -> Self {
        Self {
            window: s.window,
            hidden: s.hidden,
            layers: s.layers,
            epochs: s.epochs,
            learning_rate: s.learning_rate,
            seed: s.seed,
            strategy: s.strategy.label().to_owned(),
        }
    }
}

impl From<&LstmSection> for LstmSettings {
    fn from(s: &LstmSection) -> Self {
        Self {
            window: s.window,
            hidden: s.hidden,
            layers: s.layers,
            epochs: s.epochs,
            learning_rate: s.learning_rate,
            seed: s.seed,
            strategy: if s.strategy == Strategy::Direct.label() {
                Strategy::Direct
            } else {
                Strategy::Recursive
            },
        }
    }
}

/// The Forecast workbench.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ForecastSection {
    pub date: Option<String>,
    /// `None`: count rows per period.
    pub value: Option<String>,
    pub aggregate: Aggregate,
    /// `None`: detected.
    pub period: Option<Period>,
    pub fill: Fill,
    /// 0 = automatic (season, holdout and horizon).
    pub season: usize,
    pub holdout: usize,
    pub horizon: usize,
    /// The ticked methods by their command-line names ("holt_winters", "lstm", …).
    pub methods: Vec<String>,
    pub trend: Trend,
    pub seasonal: SeasonSetting,
    pub lstm: LstmSection,
    pub lstm_changes: bool,
    /// Whether a forecast had been made (it is made again on opening).
    pub ran: bool,
}

impl ForecastSection {
    /// The ticked methods this version knows.
    pub fn method_kinds(&self) -> Vec<ForecastKind> {
        self.methods
            .iter()
            .filter_map(|m| ForecastKind::parse(m))
            .collect()
    }
}

/// The Drivers workbench.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DriversSection {
    pub target: Option<String>,
    pub features: Vec<String>,
    /// A date column whose month or quarter becomes a driver.
    pub date: Option<String>,
    pub calendar: Option<CalendarPart>,
    pub models: Vec<RegModel>,
    pub evaluation: Evaluation,
    pub test_share: f64,
    pub folds: usize,
    pub test_file: String,
    pub seed: u64,
    pub choose_penalty: bool,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub k: usize,
    /// Whether the models had been fitted (they are fitted again on opening).
    pub ran: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trained: Vec<ModelFile>,
}
