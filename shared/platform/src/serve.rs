//! Serving a function with data: `co2_http`'s serving with, in addition, the read-your-writes
//! bookkeeping of the person's requests (`consistency`) and a readiness that pings the database.

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use co2_db::Db;

pub use co2_http::serve::{REQUEST_TIMEOUT, listen, shutdown_signal};

/// `/readyz` of a function with a database: the primary answers.
fn readiness(db: Option<Db>) -> Option<co2_http::Readiness> {
    let db = db?;
    Some(std::sync::Arc::new(move || {
        let db = db.clone();
        Box::pin(async move { co2_db::ping(&db).await.map_err(|e| format!("the database does not answer: {e}")) })
    }))
}

/// `co2_http::serve::with_platform` plus the consistency bookkeeping on `db` (the primary).
pub fn with_platform(function: &'static str, app: Router, db: Option<Db>) -> Router {
    let primary = db.clone();
    let app = app.layer(middleware::from_fn(move |req: Request, next: Next| {
        crate::consistency::middleware(primary.clone(), req, next)
    }));
    co2_http::serve::with_platform(function, app, readiness(db))
}

/// Serves `app` (unknown routes answer the 404 envelope).
pub async fn serve(function: &'static str, app: Router, db: Option<Db>) -> anyhow::Result<()> {
    serve_with_fallback(function, app.fallback(co2_http::error::route_not_found), db).await
}

/// Serves `app` with its own fallback.
pub async fn serve_with_fallback(function: &'static str, app: Router, db: Option<Db>) -> anyhow::Result<()> {
    let app = with_platform(function, app, db);
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda_http::run(app).await.map_err(|e| anyhow::anyhow!("lambda runtime: {e}"));
    }
    listen(function, app).await
}
