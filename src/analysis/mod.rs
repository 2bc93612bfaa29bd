//! Analyses. Each has a Params struct, a fit function that takes a progress reporter with a
//! cancel flag, and a Result struct holding everything the views and the CLI need. No egui.

pub mod baselines;
pub mod classifiers;
pub mod classify;
pub mod classify_fit;
pub mod clustering;
pub mod drivers;
pub mod forecast;
pub mod forecast_export;
pub mod forecast_input;
mod forecast_methods;
pub mod holt_winters;
pub mod logistic;
pub mod lstm;
pub mod models;
pub mod ols;
pub mod profile;
pub mod regress;
pub mod regress_explain;
pub mod regress_fit;
pub mod regress_steps;
pub mod segment;
pub mod segment_map;
pub mod series;
pub mod target;
mod tree_grow;
pub mod trees;
