//! Serving an HTTP function: on Knative, plain HTTP on `$PORT` with a graceful drain on SIGTERM;
//! on Lambda (`AWS_LAMBDA_RUNTIME_API` set), the same router through `lambda_http`.

use crate::config::var_parsed;
use crate::error::{log_errors, route_not_found};
use crate::health::Readiness;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::time::{Duration, Instant};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Longest a request may take before a 408, below Knative's `timeoutSeconds`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(25);

/// Adds what every function has: probes, metrics, request tracing, error logging, timeout, the
/// security headers.
/// Unknown routes keep the router's own fallback (see [`serve`] and [`serve_with_fallback`]).
pub fn with_platform(function: &'static str, app: Router, readiness: Option<Readiness>) -> Router {
    let headers = crate::headers::SecurityHeaders::from_env();
    app.layer(tower_http::catch_panic::CatchPanicLayer::custom(crate::error::panic_response))
        .layer(middleware::from_fn(log_errors))
        .layer(middleware::from_fn(move |req: Request, next: Next| record_metrics(function, req, next)))
        .layer(TraceLayer::new_for_http().make_span_with(move |req: &Request| {
            let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
            let request_id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            tracing::info_span!("request", function, method = %req.method(), uri = %req.uri().path(),
                    route, request_id)
        }))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(middleware::from_fn(crate::error::envelope_errors))
        .merge(crate::health::routes(readiness))
        .layer(middleware::from_fn(move |req: Request, next: Next| headers.apply(req, next)))
}

async fn record_metrics(function: &'static str, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "function" => function, "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "function" => function, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

/// Runs an HTTP function until SIGTERM (Knative) or forever (Lambda); unknown routes answer our
/// 404 envelope.
pub async fn serve(function: &'static str, app: Router, readiness: Option<Readiness>) -> anyhow::Result<()> {
    serve_with_fallback(function, app.fallback(route_not_found), readiness).await
}

/// As [`serve`], for a router that brings its own fallback (the SPA's `index.html`).
pub async fn serve_with_fallback(
    function: &'static str,
    app: Router,
    readiness: Option<Readiness>,
) -> anyhow::Result<()> {
    let app = with_platform(function, app, readiness);
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda_http::run(app).await.map_err(|e| anyhow::anyhow!("lambda runtime: {e}"));
    }
    listen(function, app).await
}

/// Binds `HOST:PORT` (default `0.0.0.0:8080`) and serves until SIGTERM or Ctrl-C, draining
/// in-flight requests.
pub async fn listen(function: &'static str, app: Router) -> anyhow::Result<()> {
    let port: u16 = var_parsed("PORT")?.unwrap_or(8080);
    let host = crate::config::var("HOST").unwrap_or_else(|| "0.0.0.0".into());
    let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await?;
    tracing::info!(function, addr = %listener.local_addr()?, "server.listening");
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!(function, "server.drained");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
