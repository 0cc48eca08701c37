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
use axum::routing::{get, post};
use co2_platform::Ctx;

/// Where the results of a unit-year are read.
pub use co2_api_types::results_path;

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/results/units/{unit}/years/{year}", get(results::results))
        .route("/api/v1/exports", post(exports::create))
        .route("/api/v1/exports/{job_id}", get(exports::get))
        .route("/api/v1/exports/{job_id}/file", get(exports::file))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(results::results, exports::create, exports::get, exports::file))]
    struct Doc;
    Doc::openapi()
}
