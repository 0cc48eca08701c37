//! api-docs binary: serve the OpenAPI document and Swagger UI.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("api-docs");
    co2_platform::serve("api-docs", api_docs::router(), None).await
}
