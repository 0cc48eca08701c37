//! api-results: what a unit-year amounts to, and its exports. The results figures of a unit
//! the caller may view (`co2_results`, which step-export shares), and export requests: asked for
//! here, built by step-export from the SQS queue, followed and downloaded here.
//!
//! Owns `/api/v1/results` and `/api/v1/exports` (ADR 0013). Every unit-keyed route checks the
//! caller may view the unit (404 otherwise); a download checks the caller's rights now, not who
//! asked for the export.

mod exports;
mod results;

use axum::Router;
use co2_platform::Ctx;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the results of a unit-year are read.
pub use co2_api_types::results_path;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(results::results))
        .routes(routes!(results::quality))
        .routes(routes!(results::breakdown))
        .routes(routes!(results::trips))
        .routes(routes!(exports::create))
        .routes(routes!(exports::get))
        .routes(routes!(exports::file))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}
