//! Analyses. Each has a Params struct, a fit function that takes a progress reporter with a
//! cancel flag, and a Result struct holding everything the views and the CLI need. No egui.

pub mod classifiers;
pub mod classify;
pub mod classify_fit;
pub mod clustering;
pub mod drivers;
pub mod logistic;
pub mod models;
pub mod profile;
pub mod segment;
pub mod segment_map;
pub mod target;
mod tree_grow;
pub mod trees;
