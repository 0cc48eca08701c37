//! One component per route (see `routes.rs`). Views fetch through `crate::api`, render with
//! `crate::components`, and leave rules to `crate::model`.

mod app_shell;
mod home;
mod it_manager;
mod login;
mod module;
mod not_found;
mod report;
mod results;
mod team_manager;

pub use app_shell::AppShell;
pub use home::Home;
pub use it_manager::{
    ItApiTokens, ItAudit, ItFactors, ItLayout, ItPipelines, ItRecalculation, ItReferenceData, ItReporting, ItRoles,
    ItYears,
};
pub use login::Login;
pub use module::EquipmentOrModule;
pub use not_found::NotFound;
pub use report::Report;
pub use results::Results;
pub use team_manager::{TeamExports, TeamHome, TeamLayout, TeamProgress, TeamValidation};
