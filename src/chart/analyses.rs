//! The charts and tables of each analysis, built from its result: what presentation mode
//! steps through, the export window lists and the report embeds.

pub mod classify;
pub mod forecast;
pub mod regress;
pub mod segment;
