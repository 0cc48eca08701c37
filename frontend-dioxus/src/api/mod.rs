//! All HTTP of the SPA. Every call returns `Result<T, ApiError>` with the wire types of
//! `co2-api-types`; components never build URLs or touch `fetch` themselves.
//!
//! Credentials: the session cookie (`co2_session`, HttpOnly) goes with every same-origin call, and the
//! token returned by the login is kept in memory (never in storage, so a script cannot lift it
//! from there) and sent as `Authorization: Bearer`, which is what the functions check first.

mod access;
mod backoffice;
mod client;
mod entries;
mod exports;
mod plans;
mod reference;
mod session;
mod uploads;
mod workspace;

pub use access::{
    AuditFilter, audit_page, create_token, end_all_sessions, end_session, grant_role, list_roles, list_tokens,
    person_sessions, revoke_role, revoke_token, unit_members, verify_audit,
};
pub use backoffice::{
    RollupQuery, abort_job, backoffice_years, campaign_late, central_loads, clear_year_goal, copy_central_load,
    create_year, factor_files, institution_goals, inventory, inventory_publications, inventory_url, list_jobs,
    publish_inventory, recalculate, reporting, reporting_url, reset_threshold, restatement, retry_job, rollups,
    rollups_url, send_digest, send_reminders, set_deadline, set_entry_type_central, set_entry_type_enabled,
    set_institution_goals, set_module_enabled, set_threshold, set_year_goal, set_year_open, thresholds, upload_factors,
    upload_reference,
};
pub use client::ApiError;
pub use entries::{
    EntryQuery, create_entry, delete_entry, entry_explanation, list_entries, simulation_basis, update_entry,
};
pub use exports::{create_export, get_export};
pub use plans::{add_measure, create_plan, delete_measure, delete_plan, plan, plans};
pub use reference::{factor_choices, plane_distance, rooms, search_airports, search_stations, train_distance};
pub use session::{
    auth_providers, current_session, dev_login, logout, logout_everywhere, mark_notifications_read, notifications,
};
pub use uploads::{create_upload, get_job, put_file};
pub use workspace::{
    Basis, list_units, list_years, module_breakdown, quality, report, request_change, results, results_excluding,
    results_on, set_module_status, trips,
};
