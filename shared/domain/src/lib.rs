//! The calculation domain of the CO₂ Calculator: modules and data-entry types, input parsing and
//! validation, factor resolution and the emission formulas of DOMAIN §1–§5.
//!
//! Pure and synchronous: no I/O, no async, no database or HTTP crates. It compiles for
//! `wasm32-unknown-unknown` so the SPA can run the same arithmetic for previews.

// Every match over an entry type or a module names each one: adding a type or a module shows,
// as compiler errors, every place that must say what it does with it.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod buildings;
pub mod catalogue;
pub mod emission;
pub mod equipment;
pub mod explain;
pub mod external;
pub mod facilities;
pub mod fields;
pub mod geo;
pub mod ghg;
pub mod headcount;
pub mod module;
pub mod overrides;
pub mod plans;
pub mod process;
pub mod purchases;
pub mod quality;
pub mod simulation;
pub mod spreadsheet;
#[cfg(test)]
mod test_support;
pub mod thresholds;
pub mod totals;
pub mod travel;

pub use emission::{Category, EmissionRow, EmissionType, Scope};
pub use fields::{FieldError, FieldErrors};
pub use module::{EntryType, Module};
pub use totals::ModuleStatus;
