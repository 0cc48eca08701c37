//! web binary: serve the SPA build.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_http::telemetry::init("web");
    let root = web::root_from_env();
    let csp = web::csp_from_env()?;
    co2_http::serve::serve_with_fallback("web", web::router(&root, &csp), None).await
}
