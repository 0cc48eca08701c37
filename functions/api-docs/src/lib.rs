//! api-docs: the merged OpenAPI 3.1 document of every HTTP function and Swagger UI, with its
//! assets built in (no CDN), at `/docs`.
//!
//! The document is a file of this crate (`openapi.json`), written from the functions' own
//! `openapi()` by `openapi-document` (`make openapi`, checked by a test of `tools/openapi`), so
//! this function links none of the others and no database or cloud client.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use utoipa_swagger_ui::{Config, SwaggerUi};

/// The merged document, as shipped.
pub const DOCUMENT: &str = include_str!("../openapi.json");

/// The documentation page's Content-Security-Policy: Swagger UI's own scripts and styles from
/// this origin (it sets some styles inline, hence `'unsafe-inline'` for styles only, on a page
/// that holds no one's data); requests to the API are same-origin; nothing may frame it.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// `/docs` (Swagger UI) and `/docs/openapi.json`.
pub fn router() -> Router {
    Router::new()
        .merge(SwaggerUi::new("/docs").config(Config::from("/docs/openapi.json")))
        .route("/docs/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], DOCUMENT) }))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(DOCS_CSP),
        ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_document_is_an_openapi_3_1_document_with_paths() {
        let json: serde_json::Value = serde_json::from_str(super::DOCUMENT).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(json["paths"].as_object().unwrap().len() > 40);
    }
}
