//! api-backoffice: the back office's data management and cross-unit work — units, years (their
//! modules, entry types and goal), factor files and reference sets per year, the org chart, row
//! thresholds and cross-unit reporting, recalculations, and the jobs of every unit.
//!
//! Owns `/api/v1/backoffice` except roles, tokens and the audit log, which api-access serves
//! under longer prefixes (ADR 0013). Every route checks the back-office role on the server, and
//! a back-office operator's subtree where the data is per unit.

mod backoffice;
mod jobs;
mod org_chart;
mod recalculation;
mod thresholds;

use axum::Router;
use axum::routing::{get, patch, post, put};
use co2_platform::Ctx;

pub use backoffice::MAX_DATA_FILE_BYTES;

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/backoffice/units", post(backoffice::create_unit))
        .route("/api/v1/backoffice/years", get(backoffice::list_years).post(backoffice::create_year))
        .route("/api/v1/backoffice/years/{year}", patch(backoffice::update_year))
        .route("/api/v1/backoffice/years/{year}/modules/{module}", put(backoffice::set_module_enabled))
        .route("/api/v1/backoffice/years/{year}/entry-types/{entry_type}", put(backoffice::set_entry_type_enabled))
        .route(
            "/api/v1/backoffice/years/{year}/goal",
            put(backoffice::set_year_goal).delete(backoffice::clear_year_goal),
        )
        .route("/api/v1/backoffice/factors/{year}", get(backoffice::list_factor_files))
        .route("/api/v1/backoffice/factors/{year}/{file}", put(backoffice::upload_factors))
        .route("/api/v1/backoffice/reference/{kind}", put(backoffice::upload_reference))
        .route("/api/v1/backoffice/org-chart", put(org_chart::import_org_chart))
        .route("/api/v1/backoffice/thresholds/{year}", get(thresholds::list))
        .route(
            "/api/v1/backoffice/thresholds/{year}/{module}/{entry_type}",
            put(thresholds::set).delete(thresholds::reset),
        )
        .route("/api/v1/backoffice/reporting/{year}/units", get(thresholds::reporting_units))
        .route("/api/v1/backoffice/recalculations", post(recalculation::create))
        .route("/api/v1/backoffice/jobs/{job_id}/retry", post(recalculation::retry))
        .route("/api/v1/backoffice/jobs", get(jobs::list))
        .route("/api/v1/backoffice/jobs/{job_id}/abort", post(jobs::abort))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(
        backoffice::create_unit,
        backoffice::list_years,
        backoffice::create_year,
        backoffice::update_year,
        backoffice::set_year_goal,
        backoffice::set_module_enabled,
        backoffice::set_entry_type_enabled,
        backoffice::clear_year_goal,
        backoffice::list_factor_files,
        backoffice::upload_factors,
        backoffice::upload_reference,
        org_chart::import_org_chart,
        thresholds::list,
        thresholds::set,
        thresholds::reset,
        thresholds::reporting_units,
        recalculation::create,
        recalculation::retry,
        jobs::list,
        jobs::abort
    ))]
    struct Doc;
    Doc::openapi()
}
