//! api-workspace: the caller's units and years, a unit's members, a unit-year report with its 8
//! modules and their status (validate, reopen), and a unit's reduction plans.
//!
//! Owns `/api/v1/units` (module entries are api-entries', results api-results': their former
//! addresses here answer a permanent redirect, ADR 0010 and 0013). Every unit-keyed route
//! resolves the unit and checks the caller may view it (404 otherwise).

mod deprecated;
mod members;
mod plans;
mod report;

use axum::Router;
use axum::routing::{any, get};
use co2_platform::Ctx;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(report::list_units))
        .routes(routes!(report::list_years))
        .routes(routes!(members::list))
        .routes(routes!(report::report))
        .routes(routes!(report::set_module_status))
        .routes(routes!(report::request_change))
        .routes(routes!(plans::list, plans::create))
        .routes(routes!(plans::get, plans::delete))
        .routes(routes!(plans::add_measure))
        .routes(routes!(plans::update_measure, plans::delete_measure))
        // Former addresses, redirected to their successors (undocumented: ADR 0010, 0013).
        .route("/api/v1/units/{unit}/years/{year}/results", get(deprecated::results))
        .route("/api/v1/units/{unit}/years/{year}/modules/{module}/entries", any(deprecated::module_entries))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}
