//! web: serves the SPA build (one app, three areas: `/`, `/team-manager`, `/it-manager`).
//!
//! Static files only: fingerprinted assets are cached for a year, `index.html` is revalidated on
//! every load, precompressed `.gz` siblings are served when the browser accepts gzip, and every
//! client route falls back to `index.html`. No database, no session: the API functions check rights.

use axum::Router;
use axum::http::{HeaderValue, header};
use std::path::{Path, PathBuf};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The SPA router over the build in `root`.
pub fn router(root: &Path) -> Router {
    let index = root.join("index.html");
    let assets = ServeDir::new(root).precompressed_gzip().fallback(ServeFile::new(&index).precompressed_gzip());
    Router::new()
        .fallback_service(assets)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(axum::middleware::map_response(cache_policy))
}

async fn cache_policy(mut res: axum::response::Response) -> axum::response::Response {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let value = if is_html { "no-cache" } else { "public, max-age=31536000, immutable" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Where the build lives: `WEB_ROOT`, else `frontend-dioxus/dist`.
pub fn root_from_env() -> PathBuf {
    co2_platform::config::var("WEB_ROOT").unwrap_or_else(|| "frontend-dioxus/dist".into()).into()
}
