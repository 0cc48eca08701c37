//! step-compute binary: telemetry, config, then run the step.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("step-compute");
    let ctx = co2_platform::Ctx::from_env()?;
    let db = ctx.pools.write.clone();
    co2_platform::run_step("step-compute", std::sync::Arc::new(step_compute::Compute { ctx }), Some(db)).await
}
