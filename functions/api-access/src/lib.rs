//! api-access: who may do what, and what they did — role assignments, personal API tokens,
//! people's sessions and the audit log (`/api/v1/backoffice/roles`, `/tokens`,
//! `/users/{user}/sessions`, `/audit`).
//!
//! Every route checks the caller on the server: changing roles, tokens and sessions and reading the audit
//! log need the global admin grant; back-office operators may list the assignments of their
//! subtree (DOMAIN §7 "BO users, informational").

mod audit;
mod roles;
mod sessions;
mod tokens;

use axum::Router;
use co2_platform::Ctx;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(roles::list, roles::grant))
        .routes(routes!(roles::revoke))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(sessions::list))
        .routes(routes!(sessions::revoke_all))
        .routes(routes!(sessions::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(audit::export))
        .routes(routes!(audit::verify))
        .routes(routes!(audit::get))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}
