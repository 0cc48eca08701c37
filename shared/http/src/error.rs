//! `ApiError`: the one HTTP error type. Its `IntoResponse` is the only place status codes are
//! chosen; every body is the envelope of `co2-api-types`. 5xx bodies are opaque: the cause is
//! stashed in the response extensions and logged once by [`log_errors`].

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use co2_api_types::{ErrorBody, ErrorEnvelope};
#[cfg(feature = "data")]
use co2_db::DbError;
use serde_json::{Value, json};
use std::sync::Arc;

/// What a 503 tells the client to wait before trying again (`Retry-After`).
pub const RETRY_AFTER_SECS: u64 = 5;

/// Result alias of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    /// A cookie-authenticated state change that did not come from our own pages (CSRF).
    #[error("cross-site request refused")]
    CrossSite,
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("payload too large")]
    PayloadTooLarge { limit: u64 },
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    /// Field-level validation: `details` = `{"fields": {field: [{code, message}]}}`.
    #[error("validation failed")]
    Validation(Value),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// 404 with a code.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::NotFound { code, message: message.into() }
    }
    /// 400 with a code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest { code, message: message.into() }
    }
    /// 409 with a code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Conflict { code, message: message.into() }
    }
    /// 500 from anything.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }
    /// 422 from field errors of the domain.
    #[cfg(feature = "data")]
    pub fn from_fields(errors: &co2_domain::FieldErrors) -> Self {
        let mut fields = serde_json::Map::new();
        for e in &errors.0 {
            let list = fields.entry(e.field.clone()).or_insert_with(|| Value::Array(vec![]));
            if let Value::Array(items) = list {
                items.push(json!({"code": e.code, "message": e.message}));
            }
        }
        ApiError::Validation(json!({ "fields": fields }))
    }
}

#[cfg(feature = "data")]
impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::not_found("not_found", "not found"),
            // Text PostgreSQL cannot store (a NUL from a path segment or a file's cell): the
            // input's fault, whichever route it came through.
            e if e.is_unstorable_text() => nul_refused("text"),
            e if e.is_transient() => ApiError::Unavailable(e.into()),
            e => ApiError::Internal(e.into()),
        }
    }
}

#[cfg(feature = "data")]
impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        DbError::from(e).into()
    }
}

/// The error behind a 5xx, kept for the logging layer.
#[derive(Clone)]
pub struct LoggedCause(pub Arc<anyhow::Error>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = match &self {
            ApiError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, *code, message.clone(), Value::Null),
            ApiError::Unauthorized => {
                (StatusCode::UNAUTHORIZED, "unauthenticated", "sign in to continue".to_owned(), Value::Null)
            }
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone(), Value::Null),
            ApiError::CrossSite => (
                StatusCode::FORBIDDEN,
                "cross_site_request",
                "this change did not come from the application's own pages".to_owned(),
                Value::Null,
            ),
            ApiError::NotFound { code, message } => (StatusCode::NOT_FOUND, *code, message.clone(), Value::Null),
            ApiError::Conflict { code, message } => (StatusCode::CONFLICT, *code, message.clone(), Value::Null),
            ApiError::PayloadTooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body exceeds the limit of {limit} bytes"),
                json!({ "limit_bytes": limit }),
            ),
            ApiError::UnsupportedMediaType(m) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", m.clone(), Value::Null)
            }
            ApiError::Validation(details) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "some fields are invalid".to_owned(),
                details.clone(),
            ),
            ApiError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the service is temporarily unavailable, retry shortly".to_owned(),
                Value::Null,
            ),
            ApiError::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "an internal error occurred".to_owned(), Value::Null)
            }
        };
        let body = ErrorEnvelope { error: ErrorBody { code: code.to_owned(), message, details } };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(RETRY_AFTER_SECS));
        }
        if let ApiError::Internal(e) | ApiError::Unavailable(e) = self {
            response.extensions_mut().insert(LoggedCause(Arc::new(e)));
        }
        response
    }
}

/// Middleware: logs the cause of a 5xx exactly once, with its chain, inside the request span.
pub async fn log_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if let Some(LoggedCause(e)) = response.extensions().get::<LoggedCause>() {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "request.failed");
    }
    response
}

/// Largest JSON request body: forms and settings are a few KB; files have their own routes.
pub const MAX_JSON_BODY_BYTES: usize = 256 * 1024;

/// Reads a request body of at most `limit` bytes (413 with that limit beyond it).
pub async fn read_body(body: axum::body::Body, limit: usize) -> ApiResult<axum::body::Bytes> {
    axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::PayloadTooLarge { limit: limit as u64 })
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

/// The path (`data.name`, `items[2]`) of the first string of `v` holding a NUL character.
fn nul_in(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::String(s) => s.contains('\0').then(|| at.to_owned()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| nul_in(x, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                return Some(at.to_owned());
            }
            nul_in(x, &if at.is_empty() { k.clone() } else { format!("{at}.{k}") })
        }),
        _ => None,
    }
}

/// A 422 for text holding a NUL character: PostgreSQL cannot store one, and no field needs it.
pub fn nul_refused(field: &str) -> ApiError {
    let field = if field.is_empty() { "body" } else { field };
    ApiError::Validation(json!({"fields": {field: [{"code": "invalid_character",
        "message": "text must not contain NUL characters"}]}}))
}

/// JSON body extractor whose rejection is our envelope: `application/json` (415 otherwise), at
/// most [`MAX_JSON_BODY_BYTES`] (413), well-formed for `T` (400), no NUL in any text (422).
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType("send the body as application/json".into()));
        }
        let bytes = read_body(req.into_body(), MAX_JSON_BODY_BYTES).await?;
        let value = match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => v,
            Err(e) => return Err(ApiError::bad_request("invalid_json", e.body_text())),
        };
        // JSON spells a NUL `\u0000`: only a body holding that escape needs the closer look.
        if bytes.windows(6).any(|w| w == b"\\u0000")
            && let Ok(tree) = serde_json::from_slice::<Value>(&bytes)
            && let Some(field) = nul_in(&tree, "")
        {
            return Err(nul_refused(&field));
        }
        Ok(ApiJson(value))
    }
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query-string extractor whose rejection is our envelope (400 `invalid_query`).
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // A NUL (`%00`) in a parameter cannot be searched for nor stored.
        if let Some(query) = parts.uri.query()
            && let Some(pair) = query.split('&').find(|p| p.split_once('=').is_some_and(|(_, v)| v.contains("%00")))
        {
            return Err(nul_refused(pair.split('=').next().unwrap_or("query")));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::bad_request("invalid_query", e.body_text())),
        }
    }
}

/// Middleware (outermost): an error answer that is not in our envelope — a rejection of axum's
/// own extractors (a path segment that is not a UUID, a method the route does not have), the
/// timeout's 408, a panic caught below — is rewritten into it, keeping its status and headers.
/// A 4xx keeps its plain-text reason as the message; a 5xx says nothing of its cause.
pub async fn envelope_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let reason = status.canonical_reason().unwrap_or("error").to_owned();
    let message = if status.is_client_error() {
        let text = axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).trim().to_owned());
        text.ok().filter(|t| !t.is_empty()).map(|t| t.chars().take(300).collect()).unwrap_or(reason)
    } else {
        "an internal error occurred".to_owned()
    };
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "route_not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_failed",
        s if s.is_server_error() => "internal",
        _ => "error",
    };
    let body = ErrorEnvelope { error: ErrorBody { code: code.to_owned(), message, details: Value::Null } };
    let fresh = axum::Json(body).into_response();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (name, value) in fresh.headers() {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, fresh.into_body())
}

/// A panic in a handler, as a 500 in our envelope (the panic itself is logged).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    tracing::error!(error.message = what, "request.panicked");
    ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
}

/// Fallback for unknown routes: a 404 in our envelope.
pub async fn route_not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such route")
}
