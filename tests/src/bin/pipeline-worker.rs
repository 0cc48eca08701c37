//! The three pipeline steps in one process, for the crash tests: `pipeline-worker <database url>
//! <storage dir>` runs the step pumps of the embedded default against that database and local
//! storage until it is killed. Messages stay hidden 1 s after a receive, so a killed worker's
//! messages come back quickly to the next one, and are dead-lettered only after 50 receives, so
//! twenty kills can land in the same step.

use co2_platform::config::Profile;
use sqlx::postgres::PgPoolOptions;
use std::path::PathBuf;
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(dir)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: pipeline-worker <database url> <storage dir>");
    };
    let pool = PgPoolOptions::new().max_connections(4).connect(&url).await?;
    let (mut ctx, _) = co2_testkit::ctx(pool.clone(), &PathBuf::from(dir), Profile::Dev);
    ctx.queue = std::sync::Arc::new(co2_platform::queue::PgQueue::with_max_receives(co2_db::Db::new(pool), 50));
    let mut tasks = Vec::new();
    for mut pump in devstack::pumps(&ctx, Duration::ZERO) {
        pump.visibility = Duration::from_secs(1);
        tasks.push(tokio::spawn(pump.run()));
    }
    for t in tasks {
        t.await?;
    }
    Ok(())
}
