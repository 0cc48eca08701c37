//! step-export binary: telemetry, config, then run the step.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("step-export");
    let ctx = co2_platform::Ctx::from_env()?;
    let db = ctx.pools.write.clone();
    co2_platform::run_step("step-export", std::sync::Arc::new(step_export::Export { ctx }), Some(db)).await
}
