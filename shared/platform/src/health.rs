//! `/healthz` (liveness and the manifests' readiness: the process serves; no I/O), `/readyz`
//! (the database answers: 200, or 503 with `Retry-After` and the error envelope while it does
//! not — for monitors and dashboards) and `/metrics` (Prometheus text).
//!
//! The Knative readiness probe is `/healthz` on purpose: a pod that is not ready receives no
//! traffic, so during a database outage requests would wait at Knative's activator until their
//! timeout; ready pods answer them at once with 503 and `Retry-After` instead.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use co2_db::Db;

/// The probe and metrics routes; `db` is pinged by `/readyz` when the function has one.
pub fn routes(db: Option<Db>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(db)
}

async fn ready(State(db): State<Option<Db>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let ready = || (StatusCode::OK, axum::Json(serde_json::json!({"status": "ready"}))).into_response();
    let Some(db) = db else {
        return ready();
    };
    match co2_db::ping(&db).await {
        Ok(()) => ready(),
        Err(e) => {
            tracing::warn!(error.message = %e, "readiness.database_unreachable");
            crate::ApiError::Unavailable(anyhow::anyhow!("the database does not answer: {e}")).into_response()
        }
    }
}

async fn metrics() -> String {
    crate::telemetry::prometheus().map(|h| h.render()).unwrap_or_default()
}
