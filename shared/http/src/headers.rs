//! The security headers every response carries (OWASP ASVS V14.4, V8.2): what a browser may do
//! with what we send.
//!
//! A response that sets a header itself keeps it (the SPA and the API docs bring their own
//! Content-Security-Policy); everything else — JSON, files, errors — gets the strictest policy,
//! since none of it is a page: nothing loads, nothing frames it. API answers are never stored by
//! a browser or a shared cache: they carry one person's data. HSTS is for the cluster profile,
//! which is served over HTTPS; the embedded default runs on plain `http://127.0.0.1`.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of a response that is not a page.
pub const NOT_A_PAGE_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// One year, with subdomains: the cluster is only ever reached over HTTPS.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Features no page of ours uses.
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// What the profile asks of the headers (read once at start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityHeaders {
    /// Send `Strict-Transport-Security`.
    pub hsts: bool,
}

impl SecurityHeaders {
    /// HSTS unless `CO2_PROFILE=dev` (the embedded default and tests run on plain HTTP).
    pub fn from_env() -> Self {
        SecurityHeaders { hsts: crate::config::var("CO2_PROFILE").as_deref() != Some("dev") }
    }

    /// Middleware: adds the headers the handler did not set.
    pub async fn apply(self, req: Request, next: Next) -> Response {
        let api = req.uri().path().starts_with("/api/");
        let mut res = next.run(req).await;
        self.complete(res.headers_mut(), api);
        res
    }

    /// Fills in the headers missing from `headers`; `api` marks an answer of the API.
    pub fn complete(self, headers: &mut HeaderMap, api: bool) {
        let mut default = |name: HeaderName, value: &'static str| {
            headers.entry(name).or_insert(HeaderValue::from_static(value));
        };
        default(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        default(header::X_FRAME_OPTIONS, "DENY");
        default(header::REFERRER_POLICY, "same-origin");
        default(header::CONTENT_SECURITY_POLICY, NOT_A_PAGE_CSP);
        default(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
        default(HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY);
        if api {
            default(header::CACHE_CONTROL, "no-store");
        }
        if self.hsts {
            default(header::STRICT_TRANSPORT_SECURITY, HSTS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_keeps_its_own_policy_and_gets_the_rest() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        SecurityHeaders { hsts: true }.complete(&mut headers, true);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "default-src 'self'");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
    }

    #[test]
    fn api_answers_are_not_stored_and_hsts_follows_the_profile() {
        let mut api = HeaderMap::new();
        SecurityHeaders { hsts: false }.complete(&mut api, true);
        assert_eq!(api[header::CACHE_CONTROL], "no-store");
        assert_eq!(api[header::CONTENT_SECURITY_POLICY], NOT_A_PAGE_CSP);
        assert!(!api.contains_key(header::STRICT_TRANSPORT_SECURITY));
        let mut page = HeaderMap::new();
        SecurityHeaders { hsts: false }.complete(&mut page, false);
        assert!(!page.contains_key(header::CACHE_CONTROL), "pages choose their own caching");
    }
}
