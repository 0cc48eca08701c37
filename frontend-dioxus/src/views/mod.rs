//! One component per route (see `routes.rs`). Views fetch through `crate::api`, render with
//! `crate::components`, and leave rules to `crate::model`.
//!
//! The app ships as two bundles of this crate (`scripts/build-spa.sh`): the first load, for the
//! unit workspace, the team manager and help; and the full app (feature `full`), which `boot.js`
//! loads for the IT manager's area and for the simulation and plans pages. In the first load,
//! those pages are [`elsewhere`] placeholders that load the full app at their address.

mod app_shell;
// Checked in both builds; used in the first load only.
#[cfg_attr(feature = "full", allow(dead_code))]
mod elsewhere;
mod help;
mod home;
#[cfg(feature = "full")]
mod it_access;
#[cfg(feature = "full")]
mod it_campaign;
#[cfg(feature = "full")]
mod it_data;
#[cfg(feature = "full")]
mod it_inventory;
#[cfg(feature = "full")]
mod it_loading;
#[cfg(feature = "full")]
mod it_manager;
#[cfg(feature = "full")]
mod it_reporting;
#[cfg(feature = "full")]
mod it_rollups;
#[cfg(feature = "full")]
mod it_years;
mod login;
mod module;
mod module_charts;
mod not_found;
#[cfg(feature = "full")]
mod plans;
mod report;
mod results;
mod results_quality;
#[cfg(feature = "full")]
mod simulation;
mod team_manager;

pub use app_shell::AppShell;
#[cfg(not(feature = "full"))]
pub use elsewhere::{
    ItApiTokens, ItAudit, ItCampaign, ItFactors, ItInventory, ItLayout, ItLoading, ItPipelines, ItRecalculation,
    ItReferenceData, ItReporting, ItRoles, ItRollups, ItYears, Plans, Simulation,
};
pub use help::{Help, Methodology, ModuleMethodology};
pub use home::Home;
#[cfg(feature = "full")]
pub use it_access::{ItApiTokens, ItAudit, ItRoles};
#[cfg(feature = "full")]
pub use it_campaign::ItCampaign;
#[cfg(feature = "full")]
pub use it_data::ItReferenceData;
#[cfg(feature = "full")]
pub use it_inventory::ItInventory;
#[cfg(feature = "full")]
pub use it_loading::ItLoading;
#[cfg(feature = "full")]
pub use it_manager::{ItFactors, ItLayout, ItPipelines, ItRecalculation};
#[cfg(feature = "full")]
pub use it_reporting::ItReporting;
#[cfg(feature = "full")]
pub use it_rollups::ItRollups;
#[cfg(feature = "full")]
pub use it_years::ItYears;
pub use login::{Login, LoginFailed};
pub use module::EquipmentOrModule;
pub use not_found::NotFound;
#[cfg(feature = "full")]
pub use plans::Plans;
pub use report::Report;
pub use results::Results;
#[cfg(feature = "full")]
pub use simulation::Simulation;
pub use team_manager::{TeamExports, TeamHome, TeamLayout, TeamProgress, TeamValidation};
