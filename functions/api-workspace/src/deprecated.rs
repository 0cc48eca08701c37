//! Former addresses kept working. Each answers `308 Permanent Redirect` to its successor (method
//! and body are kept by clients that follow redirects, e.g. `curl -L`), with `Deprecation`
//! (RFC 9745) and a `successor-version` link, so scripts keep running while they move.
//!
//! `/api/v1/units/{unit}/years/{year}/modules/{module}/entries` moved under api-entries' own
//! prefix (ADR 0010: the edge routes on path prefixes only), and
//! `/api/v1/units/{unit}/years/{year}/results` under api-results' (ADR 0013).

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// When the former addresses were deprecated (2026-12-03, RFC 9745 `@`-seconds).
const DEPRECATED_SINCE: &str = "@1796256000";

/// `…/units/{unit}/years/{year}/modules/{module}/entries` → `/api/v1/entries/units/…`.
pub(crate) async fn module_entries(uri: Uri) -> Response {
    // The raw (still percent-encoded) segments are carried over as they came.
    match uri.path().strip_prefix("/api/v1/units/").and_then(|r| r.strip_suffix("/entries")) {
        Some(rest) => moved(format!("/api/v1/entries/units/{rest}"), uri.query()).await,
        None => co2_platform::error::route_not_found().await.into_response(),
    }
}

/// `…/units/{unit}/years/{year}/results` → `/api/v1/results/units/{unit}/years/{year}`.
pub(crate) async fn results(uri: Uri) -> Response {
    match uri.path().strip_prefix("/api/v1/units/").and_then(|r| r.strip_suffix("/results")) {
        Some(rest) => moved(format!("/api/v1/results/units/{rest}"), uri.query()).await,
        None => co2_platform::error::route_not_found().await.into_response(),
    }
}

/// The permanent redirect to `to` (with the query string), deprecation headers included.
async fn moved(mut to: String, query: Option<&str>) -> Response {
    if let Some(q) = query {
        to.push('?');
        to.push_str(q);
    }
    let Ok(location) = HeaderValue::from_str(&to) else {
        return co2_platform::error::route_not_found().await.into_response();
    };
    let link = HeaderValue::from_str(&format!("<{}>; rel=\"successor-version\"", to.split('?').next().unwrap_or(&to)))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    let mut res = StatusCode::PERMANENT_REDIRECT.into_response();
    let headers = res.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert("deprecation", HeaderValue::from_static(DEPRECATED_SINCE));
    headers.insert(header::LINK, link);
    res
}
