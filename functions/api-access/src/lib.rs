//! api-access: who may do what, and what they did — role assignments, personal API tokens and
//! the audit log (`/api/v1/backoffice/roles`, `/tokens`, `/audit`).
//!
//! Every route checks the caller on the server: changing roles and tokens and reading the audit
//! log need the global admin grant; back-office operators may list the assignments of their
//! subtree (DOMAIN §7 "BO users, informational").

mod audit;
mod roles;
mod tokens;

use axum::Router;
use axum::routing::{delete, get};
use co2_platform::Ctx;

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/backoffice/roles", get(roles::list).post(roles::grant))
        .route("/api/v1/backoffice/roles/{assignment_id}", delete(roles::revoke))
        .route("/api/v1/backoffice/tokens", get(tokens::list).post(tokens::create))
        .route("/api/v1/backoffice/tokens/{token_id}", delete(tokens::revoke))
        .route("/api/v1/backoffice/audit", get(audit::list))
        .route("/api/v1/backoffice/audit/export", get(audit::export))
        .route("/api/v1/backoffice/audit/verify", get(audit::verify))
        .route("/api/v1/backoffice/audit/{entry_id}", get(audit::get))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(
        roles::list,
        roles::grant,
        roles::revoke,
        tokens::list,
        tokens::create,
        tokens::revoke,
        audit::list,
        audit::export,
        audit::verify,
        audit::get
    ))]
    struct Doc;
    Doc::openapi()
}
