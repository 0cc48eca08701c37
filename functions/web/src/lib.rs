//! web: serves the SPA build (one app, three areas: `/`, `/team-manager`, `/it-manager`).
//!
//! Static files only: fingerprinted assets (`name-<hash>.ext`, `snippets-<hash>/…`, as
//! `scripts/build-spa.sh` names them) are cached for a year; everything else, `index.html` first,
//! is revalidated on every load, precompressed `.gz` siblings are served when the browser accepts gzip, and every
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
        .layer(axum::middleware::from_fn(cache_policy))
}

/// Whether a path names a fingerprinted asset: a file `stem-<16 hex>.ext` or anything under a
/// `snippets-<16 hex>/` directory. Only those may be cached for good: their name changes with
/// their content.
pub fn is_fingerprinted(path: &str) -> bool {
    let hashed = |s: &str| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or("");
    if first.strip_prefix("snippets-").is_some_and(hashed) && segments.next().is_some() {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or("");
    name.split_once('.').and_then(|(stem, _)| stem.rsplit_once('-')).is_some_and(|(_, h)| hashed(h))
}

async fn cache_policy(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let immutable = is_fingerprinted(req.uri().path());
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let value = if immutable && !is_html && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Where the build lives: `WEB_ROOT`, else `frontend-dioxus/dist`.
pub fn root_from_env() -> PathBuf {
    co2_http::config::var("WEB_ROOT").unwrap_or_else(|| "frontend-dioxus/dist".into()).into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_names_that_carry_their_content_hash_are_fingerprinted() {
        for yes in [
            "/co2_web-0123456789abcdef.js",
            "/co2_web_bg-0123456789abcdef.wasm",
            "/style-89abcdef01234567.css",
            "/snippets-0123456789abcdef/dioxus-x/inline0.js",
        ] {
            assert!(super::is_fingerprinted(yes), "{yes}");
        }
        for no in ["/style.css", "/index.html", "/", "/team-manager", "/co2_web-0123.js", "/snippets-0123456789abcdef"]
        {
            assert!(!super::is_fingerprinted(no), "{no}");
        }
    }

    use axum::body::Body;
    use http::{Request, StatusCode, header};
    use tower::ServiceExt;

    fn build() -> (std::path::PathBuf, axum::Router) {
        let dir = std::env::temp_dir().join(format!("co2-web-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>CO₂ Calculator</title>").unwrap();
        std::fs::write(dir.join("app-0123456789abcdef.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("style.css"), "body{}").unwrap();
        let router = super::router(&dir);
        (dir, router)
    }

    async fn get(router: &axum::Router, path: &str) -> axum::response::Response {
        router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap()
    }

    #[tokio::test]
    async fn client_routes_fall_back_to_the_app_and_assets_are_cached_for_good() {
        let (dir, router) = build();
        for path in ["/", "/team-manager", "/it-manager/factors", "/units/9001/years/2025"] {
            let res = get(&router, path).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        }
        let wasm = get(&router, "/app-0123456789abcdef.wasm").await;
        assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
        assert!(wasm.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
        // A file whose name does not change with its content is revalidated.
        let css = get(&router, "/style.css").await;
        assert_eq!(css.status(), StatusCode::OK);
        assert_eq!(css.headers()[header::CACHE_CONTROL], "no-cache");
        let _ = std::fs::remove_dir_all(dir);
    }
}
