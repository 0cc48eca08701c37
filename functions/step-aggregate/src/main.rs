//! step-aggregate binary: telemetry, config, then run the step.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("step-aggregate");
    let ctx = co2_platform::Ctx::from_env()?;
    let db = ctx.pools.write.clone();
    co2_platform::run_step("step-aggregate", std::sync::Arc::new(step_aggregate::Aggregate { ctx }), Some(db)).await
}
