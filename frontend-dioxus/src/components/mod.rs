//! Reusable pieces, driven by props. No HTTP here except where a component owns a whole
//! interaction (the upload panel), and then only through `crate::api`.

mod app_header;
mod area_nav;
pub mod charts;
mod download;
mod entries_table;
mod entry_form;
mod export_button;
mod feedback;
mod job_problems;
mod job_progress;
mod module_card;
mod module_entry_form;
mod notifications;
mod status_badge;
mod trips_map;
mod upload_panel;
mod validated_progress;
mod why_panel;
mod year_trend;

pub use app_header::{AppHeader, LanguageSwitch};
pub use area_nav::{AreaNav, AreaNavItem};
pub use download::{download_text, save_url};
pub use entries_table::{Column, EntriesTable};
pub use entry_form::EntryForm;
pub use export_button::{ExportButton, ExportFormat, ExportLink};
pub use feedback::{ErrorPanel, Loading, LoadingPage, NotAllowed, boundary_fallback};
pub use job_problems::JobProblems;
pub use job_progress::JobProgress;
pub use module_card::ModuleCard;
pub use module_entry_form::ModuleEntryForm;
pub use notifications::Notifications;
pub use status_badge::StatusBadge;
pub use trips_map::TripsMap;
pub use upload_panel::{UploadPanel, selected_file};
pub use validated_progress::ValidatedProgress;
pub use year_trend::YearTrend;
