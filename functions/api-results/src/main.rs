//! api-results binary: telemetry, config, then serve the router.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("api-results");
    let ctx = co2_platform::Ctx::from_env()?;
    let db = ctx.pools.write.clone();
    co2_platform::serve("api-results", api_results::router(ctx), Some(db)).await
}
