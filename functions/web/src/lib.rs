//! web: serves the SPA build (one app, three areas: `/`, `/team-manager`, `/it-manager`).
//!
//! Static files only: fingerprinted assets (`name-<hash>.ext`, `snippets-<hash>/…`, as
//! `scripts/build-spa.sh` names them) are cached for a year; everything else, `index.html` first,
//! is revalidated on every load, precompressed `.gz` siblings are served when the browser accepts gzip, and every
//! client route falls back to `index.html`. Every page carries the app's Content-Security-Policy
//! ([`content_security_policy`]). No database, no session: the API functions check rights.

use axum::Router;
use axum::http::{HeaderValue, header};
use std::path::{Path, PathBuf};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The SPA router over the build in `root`, its pages under `csp` ([`content_security_policy`]).
pub fn router(root: &Path, csp: &str) -> Router {
    let index = root.join("index.html");
    let assets = ServeDir::new(root).precompressed_gzip().fallback(ServeFile::new(&index).precompressed_gzip());
    let csp = HeaderValue::from_str(csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    Router::new()
        .fallback_service(assets)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
        .layer(axum::middleware::from_fn(cache_policy))
}

/// The app's Content-Security-Policy. Scripts come from our origin only — no inline script, no
/// `eval` (`'wasm-unsafe-eval'` lets the browser compile our WebAssembly, nothing else); styles
/// from our stylesheet only (the app sets styles through the CSSOM, which the policy allows);
/// pictures may be `data:`/`blob:` (a chart drawn to PNG); the API is same-origin, and
/// `connect_extra` names the other origins the app talks to: the object store a browser uploads
/// to with a presigned link. Nothing may frame the app.
pub fn content_security_policy(connect_extra: &[String]) -> String {
    let connect = std::iter::once("'self'").chain(connect_extra.iter().map(String::as_str)).collect::<Vec<_>>();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src {}; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        connect.join(" ")
    )
}

/// A configured origin that may not go into the policy.
#[derive(Debug, thiserror::Error)]
#[error("CSP_CONNECT_SRC: '{0}' is not an origin (scheme://host[:port])")]
pub struct NotAnOrigin(String);

/// The origins of `CSP_CONNECT_SRC` (space-separated `scheme://host[:port]`): each is checked,
/// so a value cannot widen the policy beyond origins (no `*`, no keyword, no `;`).
pub fn connect_origins(value: &str) -> Result<Vec<String>, NotAnOrigin> {
    value
        .split_whitespace()
        .map(|given| {
            let origin = given.strip_suffix('/').unwrap_or(given);
            let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            let valid = rest.is_some_and(|host| {
                !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            });
            if valid { Ok(origin.to_owned()) } else { Err(NotAnOrigin(given.to_owned())) }
        })
        .collect()
}

/// The policy from `CSP_CONNECT_SRC` (unset: same-origin only).
pub fn csp_from_env() -> Result<String, NotAnOrigin> {
    Ok(content_security_policy(&connect_origins(&co2_http::config::var("CSP_CONNECT_SRC").unwrap_or_default())?))
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

    /// A build in a directory of the test's own (`name`): tests run in parallel.
    fn build(name: &str) -> (std::path::PathBuf, axum::Router) {
        let dir = std::env::temp_dir().join(format!("co2-web-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>CO₂ Calculator</title>").unwrap();
        std::fs::write(dir.join("app-0123456789abcdef.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("style.css"), "body{}").unwrap();
        let router = super::router(&dir, &super::content_security_policy(&[]));
        (dir, router)
    }

    async fn get(router: &axum::Router, path: &str) -> axum::response::Response {
        router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap()
    }

    #[tokio::test]
    async fn client_routes_fall_back_to_the_app_and_assets_are_cached_for_good() {
        let (dir, router) = build("fallback");
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

    #[tokio::test]
    async fn pages_allow_no_inline_script_no_eval_and_no_framing() {
        let (dir, router) = build("csp");
        let res = get(&router, "/units/9001/years/2025").await;
        let csp = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap();
        assert_eq!(script, "script-src 'self' 'wasm-unsafe-eval'");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn only_origins_join_the_connect_sources() {
        assert_eq!(
            super::connect_origins(" https://bucket.s3.eu-central-1.amazonaws.com http://127.0.0.1:5077/ ").unwrap(),
            ["https://bucket.s3.eu-central-1.amazonaws.com", "http://127.0.0.1:5077"]
        );
        for bad in ["*", "'unsafe-inline'", "https://x; script-src *", "data:", "https://", "ftp://host"] {
            assert!(super::connect_origins(bad).is_err(), "{bad}");
        }
        let csp = super::content_security_policy(&["http://127.0.0.1:5077".into()]);
        assert!(csp.contains("connect-src 'self' http://127.0.0.1:5077;"), "{csp}");
    }
}
