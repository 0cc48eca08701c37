//! `/healthz` (liveness, no I/O), `/readyz` (database ping) and `/metrics` (Prometheus text).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use sqlx::PgPool;

/// The probe and metrics routes; `db` is pinged by `/readyz` when the function has one.
pub fn routes(db: Option<PgPool>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(db)
}

async fn ready(State(db): State<Option<PgPool>>) -> (StatusCode, &'static str) {
    let Some(db) = db else {
        return (StatusCode::OK, "ready");
    };
    match sqlx::query_scalar::<_, i32>("select 1").fetch_one(&db).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error.message = %e, "readiness.database_unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics() -> String {
    crate::telemetry::prometheus().map(|h| h.render()).unwrap_or_default()
}
