//! `ApiError`: the one HTTP error type. Its `IntoResponse` is the only place status codes are
//! chosen; every body is the envelope of `co2-api-types`. 5xx bodies are opaque: the cause is
//! stashed in the response extensions and logged once by [`log_errors`].

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use co2_api_types::{ErrorBody, ErrorEnvelope};
use co2_db::DbError;
use serde_json::{Value, json};
use std::sync::Arc;

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

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::not_found("not_found", "not found"),
            e if e.is_transient() => ApiError::Unavailable(e.into()),
            e => ApiError::Internal(e.into()),
        }
    }
}

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

/// JSON body extractor whose rejection is our envelope.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::UnsupportedMediaType("send the body as application/json".into()))
            }
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::PayloadTooLarge { limit: 1 << 20 }),
            Err(e) => Err(ApiError::bad_request("invalid_json", e.body_text())),
        }
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
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::bad_request("invalid_query", e.body_text())),
        }
    }
}

/// Fallback for unknown routes: a 404 in our envelope.
pub async fn route_not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such route")
}
