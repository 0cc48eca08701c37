//! `make run`: the whole product in one process on 127.0.0.1 (see the crate doc).
//!
//! Configuration is the functions' env (DATABASE_URL, LOCAL_BLOB_DIR, SESSION_* …); the Makefile
//! provides development values. Migrations and seeding are `tools/migrate`'s job and run before.

use std::sync::Arc;
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    co2_platform::telemetry::init("devstack");
    let (ctx, local) = co2_platform::Ctx::from_env_with_local()?;
    anyhow::ensure!(
        ctx.settings.profile == co2_platform::config::Profile::Dev,
        "the embedded server runs only with CO2_PROFILE=dev"
    );
    let web_root = web::root_from_env();
    let oidc = co2_platform::config::OidcSettings::from_env(&ctx.settings.public_base_url)?;
    let app = devstack::app(&ctx, local.clone(), &web_root, oidc);
    let mut tasks = Vec::new();
    // As Knative would run several step instances, deliver as many messages at once as there are
    // cores (recalculation slices, files of several modules).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let remote = devstack::step_urls(&std::env::var("STEP_URLS").unwrap_or_default())?;
    for mut pump in devstack::pumps(&ctx, Duration::from_secs(2)) {
        pump.concurrency = cores;
        if let Some((_, url)) = remote.iter().find(|(queue, _)| *queue == pump.queue_name) {
            pump.target = devstack::forward_to(url.clone());
        }
        tasks.push(tokio::spawn(pump.run()));
    }
    // The jobs sweeper and the campaign's round, as the cluster's schedule runs them.
    let sweeper = ctx.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(30)).await;
            if let Err(e) = step_aggregate::sweep::sweep(&sweeper, sweeper.settings.job_stale_after).await {
                tracing::warn!(error.message = %e, "sweep.failed");
            }
            if let Err(e) = step_aggregate::campaign::round(&sweeper).await {
                tracing::warn!(error.message = %e, "campaign.failed");
            }
        }
    }));
    if let Some(local) = local {
        tasks.push(tokio::spawn(devstack::watch_dropbox(Arc::clone(&local), Duration::from_millis(700))));
    }
    println!("CO₂ Calculator is running at {}  (Ctrl-C to stop)", ctx.settings.public_base_url);
    let served = co2_platform::serve::listen("devstack", app).await;
    for t in tasks {
        t.abort();
    }
    served
}
