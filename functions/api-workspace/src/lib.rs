//! api-workspace: the caller's units and years, a unit-year report with its 8 modules, the
//! results figures, and the back-office data management (units, years, org chart, factors,
//! reference data, row thresholds) with cross-unit reporting, and export requests.
//!
//! Owns `/api/v1/units` (except module entries, which api-entries serves), `/api/v1/exports`
//! and `/api/v1/backoffice`. Every unit-keyed route resolves the unit and checks the caller may view
//! it (404 otherwise); back-office routes check the back-office role on the server.

mod backoffice;
mod deprecated;
mod exports;
mod jobs;
mod members;
mod org_chart;
mod recalculation;
mod report;
mod results;
mod thresholds;

use axum::Router;
use axum::routing::{any, get, patch, post, put};
use co2_platform::Ctx;

pub use backoffice::MAX_DATA_FILE_BYTES;

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/units", get(report::list_units))
        .route("/api/v1/units/{unit}/years", get(report::list_years))
        .route("/api/v1/units/{unit}/members", get(members::list))
        .route("/api/v1/units/{unit}/years/{year}/report", get(report::report))
        .route("/api/v1/units/{unit}/years/{year}/results", get(results::results))
        .route("/api/v1/units/{unit}/years/{year}/modules/{module}", patch(report::set_module_status))
        .route("/api/v1/units/{unit}/years/{year}/modules/{module}/entries", any(deprecated::module_entries))
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
        .route("/api/v1/exports", post(exports::create))
        .route("/api/v1/exports/{job_id}", get(exports::get))
        .route("/api/v1/exports/{job_id}/file", get(exports::file))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(
        report::list_units,
        report::list_years,
        members::list,
        report::report,
        results::results,
        report::set_module_status,
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
        jobs::abort,
        exports::create,
        exports::get,
        exports::file
    ))]
    struct Doc;
    Doc::openapi()
}
