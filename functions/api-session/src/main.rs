//! api-session binary: telemetry, config, then serve the router.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("api-session");
    let ctx = co2_platform::Ctx::from_env()?;
    let oidc = co2_platform::config::OidcSettings::from_env(&ctx.settings.public_base_url)?;
    let db = ctx.pools.write.clone();
    co2_platform::serve("api-session", api_session::router(ctx, oidc), Some(db)).await
}
