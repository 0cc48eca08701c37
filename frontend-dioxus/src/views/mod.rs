//! One component per route (see `routes.rs`). Views fetch through `crate::api`, render with
//! `crate::components`, and leave rules to `crate::model`.

mod app_shell;
mod help;
mod home;
mod it_access;
mod it_campaign;
mod it_data;
mod it_inventory;
mod it_loading;
mod it_manager;
mod it_reporting;
mod it_rollups;
mod it_years;
mod login;
mod module;
mod not_found;
mod plans;
mod report;
mod results;
mod results_quality;
mod simulation;
mod team_manager;

pub use app_shell::AppShell;
pub use help::{Help, Methodology, ModuleMethodology};
pub use home::Home;
pub use it_access::{ItApiTokens, ItAudit, ItRoles};
pub use it_campaign::ItCampaign;
pub use it_data::ItReferenceData;
pub use it_inventory::ItInventory;
pub use it_loading::ItLoading;
pub use it_manager::{ItFactors, ItLayout, ItPipelines, ItRecalculation};
pub use it_reporting::ItReporting;
pub use it_rollups::ItRollups;
pub use it_years::ItYears;
pub use login::{Login, LoginFailed};
pub use module::EquipmentOrModule;
pub use not_found::NotFound;
pub use plans::Plans;
pub use report::Report;
pub use results::Results;
pub use simulation::Simulation;
pub use team_manager::{TeamExports, TeamHome, TeamLayout, TeamProgress, TeamValidation};
