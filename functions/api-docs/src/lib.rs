//! api-docs: the merged OpenAPI 3.1 document of every HTTP function and Swagger UI, with its
//! assets built in (no CDN), at `/docs`.
//!
//! This is the one crate that links other functions' libraries, and only to read their
//! `openapi()`: it never calls their handlers, so no runtime coupling arises.

use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// The merged document.
pub fn document() -> OpenApi {
    let mut doc = utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("CO₂ Calculator API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Carbon footprint of university units (GHG Protocol, scopes 1–3). Every call accepts \
                     `Authorization: Bearer <token>` or the `co2_session` cookie. Errors use the envelope \
                     `{\"error\":{\"code\",\"message\",\"details\"}}`.",
                ))
                .build(),
        )
        .build();
    for part in [
        api_session::openapi(),
        api_workspace::openapi(),
        api_access::openapi(),
        api_entries::openapi(),
        api_uploads::openapi(),
        api_reference::openapi(),
    ] {
        doc.merge(part);
    }
    doc
}

/// `/docs` (Swagger UI) and `/docs/openapi.json`.
pub fn router() -> Router {
    Router::new().merge(SwaggerUi::new("/docs").url("/docs/openapi.json", document()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_lists_the_scriptable_surface() {
        let json = serde_json::to_value(super::document()).unwrap();
        let paths = json["paths"].as_object().unwrap();
        for p in [
            "/api/v1/auth/dev-login",
            "/api/v1/session",
            "/api/v1/uploads",
            "/api/v1/jobs/{job_id}",
            "/api/v1/entries/units/{unit}/years/{year}/modules/{module}",
            "/api/v1/units/{unit}/years/{year}/results",
        ] {
            assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
        }
        assert!(json["components"]["schemas"]["JobView"].is_object());
    }
}
