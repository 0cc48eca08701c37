//! api-docs binary: serve the OpenAPI document and Swagger UI.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_http::telemetry::init("api-docs");
    co2_http::serve::serve("api-docs", api_docs::router(), None).await
}
