//! Analyses. Each has a Params struct, a fit function that takes a progress reporter with a
//! cancel flag, and a Result struct holding everything the views and the CLI need. No egui.

pub mod clustering;
pub mod profile;
pub mod segment;
pub mod segment_map;
