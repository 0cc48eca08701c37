//! `/healthz` (liveness and the manifests' readiness: the process serves; no I/O), `/readyz`
//! (what the function depends on answers — its database, for a function with one: 200, or 503 with `Retry-After` and the error envelope while it does
//! not — for monitors and dashboards) and `/metrics` (Prometheus text).
//!
//! The Knative readiness probe is `/healthz` on purpose: a pod that is not ready receives no
//! traffic, so during a database outage requests would wait at Knative's activator until their
//! timeout; ready pods answer them at once with 503 and `Retry-After` instead.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use futures::future::BoxFuture;
use std::sync::Arc;

/// What `/readyz` asks: `Err` with the reason while a dependency does not answer.
pub type Readiness = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// The health routes; `readiness` `None` for a function with nothing to depend on (always ready).
pub fn routes(readiness: Option<Readiness>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(readiness)
}

async fn ready(State(readiness): State<Option<Readiness>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let ready = || (StatusCode::OK, axum::Json(serde_json::json!({"status": "ready"}))).into_response();
    let Some(check) = readiness else {
        return ready();
    };
    match check().await {
        Ok(()) => ready(),
        Err(reason) => {
            tracing::warn!(error.message = %reason, "readiness.dependency_unreachable");
            crate::ApiError::Unavailable(anyhow::anyhow!("{reason}")).into_response()
        }
    }
}

async fn metrics() -> String {
    crate::telemetry::prometheus().map(|h| h.render()).unwrap_or_default()
}
