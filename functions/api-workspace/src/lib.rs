//! api-workspace: the caller's units and years, a unit's members, a unit-year report with its 8
//! modules and their status (validate, reopen).
//!
//! Owns `/api/v1/units` (module entries are api-entries', results api-results': their former
//! addresses here answer a permanent redirect, ADR 0010 and 0013). Every unit-keyed route
//! resolves the unit and checks the caller may view it (404 otherwise).

mod deprecated;
mod members;
mod report;

use axum::Router;
use axum::routing::{any, get, patch};
use co2_platform::Ctx;

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/units", get(report::list_units))
        .route("/api/v1/units/{unit}/years", get(report::list_years))
        .route("/api/v1/units/{unit}/members", get(members::list))
        .route("/api/v1/units/{unit}/years/{year}/report", get(report::report))
        .route("/api/v1/units/{unit}/years/{year}/results", get(deprecated::results))
        .route("/api/v1/units/{unit}/years/{year}/modules/{module}", patch(report::set_module_status))
        .route("/api/v1/units/{unit}/years/{year}/modules/{module}/entries", any(deprecated::module_entries))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(report::list_units, report::list_years, members::list, report::report, report::set_module_status,))]
    struct Doc;
    Doc::openapi()
}
