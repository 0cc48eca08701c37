//! api-backoffice binary: telemetry, config, then serve the router.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("api-backoffice");
    let ctx = co2_platform::Ctx::from_env()?;
    let db = ctx.pools.write.clone();
    co2_platform::serve("api-backoffice", api_backoffice::router(ctx), Some(db)).await
}
