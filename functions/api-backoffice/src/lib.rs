//! api-backoffice: the back office's data management and cross-unit work — units, years (their
//! modules, entry types, goal and campaign), the central loads of a year, factor files and reference sets per year, the org chart, row
//! thresholds and cross-unit reporting and roll-ups over years, the facts feed for BI tools, the GHG Protocol inventory,
//! recalculations, and the jobs of every unit.
//!
//! Owns `/api/v1/backoffice` except roles, tokens and the audit log, which api-access serves
//! under longer prefixes (ADR 0013). Every route checks the back-office role on the server, and
//! a back-office operator's subtree where the data is per unit.

mod backoffice;
mod campaign;
mod central_loads;
mod facts;
mod goals;
mod inventory;
mod jobs;
mod org_chart;
mod recalculation;
mod reporting;
mod rollups;
mod thresholds;

use axum::Router;
use co2_platform::Ctx;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use backoffice::MAX_DATA_FILE_BYTES;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(backoffice::create_unit))
        .routes(routes!(backoffice::list_years, backoffice::create_year))
        .routes(routes!(backoffice::update_year))
        .routes(routes!(backoffice::set_module_enabled))
        .routes(routes!(backoffice::set_entry_type_enabled))
        .routes(routes!(campaign::set_deadline))
        .routes(routes!(campaign::late))
        .routes(routes!(campaign::remind))
        .routes(routes!(campaign::digest))
        .routes(routes!(central_loads::list))
        .routes(routes!(central_loads::copy))
        .routes(routes!(backoffice::set_year_goal, backoffice::clear_year_goal))
        .routes(routes!(goals::list, goals::set))
        .routes(routes!(backoffice::list_factor_files))
        .routes(routes!(backoffice::upload_factors))
        .routes(routes!(backoffice::upload_reference))
        .routes(routes!(org_chart::import_org_chart))
        .routes(routes!(thresholds::list))
        .routes(routes!(thresholds::set, thresholds::reset))
        .routes(routes!(thresholds::reporting_units))
        .routes(routes!(reporting::reporting))
        .routes(routes!(rollups::rollups))
        .routes(routes!(facts::facts))
        .routes(routes!(inventory::inventory))
        .routes(routes!(inventory::publications, inventory::publish))
        .routes(routes!(inventory::publication))
        .routes(routes!(inventory::restatement))
        .routes(routes!(recalculation::create))
        .routes(routes!(recalculation::retry))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::abort))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}
