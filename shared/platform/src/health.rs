//! `/healthz` (liveness, no I/O), `/readyz` (database ping) and `/metrics` (Prometheus text).

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

async fn ready(State(db): State<Option<Db>>) -> (StatusCode, &'static str) {
    let Some(db) = db else {
        return (StatusCode::OK, "ready");
    };
    match co2_db::ping(&db).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error.message = %e, "readiness.database_unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics() -> String {
    crate::telemetry::prometheus().map(|h| h.render()).unwrap_or_default()
}
