//! The migration Job's binary: applies the schema migrations, then optionally seeds.
//!
//! `migrate` — migrations only; `--seed-reference` — plus years and default factors from
//! `DATA_DIR` (default `data`); `--seed-demo` — plus the demo hierarchy and lab 9001.

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .compact()
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    for a in &args {
        anyhow::ensure!(matches!(a.as_str(), "--seed-reference" | "--seed-demo"), "unknown argument {a}");
    }
    let url = std::env::var("DATABASE_URL").context("environment variable DATABASE_URL is required")?;
    let pool = PgPoolOptions::new().max_connections(2).connect(&url).await.context("connecting to the database")?;
    co2_db::MIGRATOR.run(&pool).await.context("applying migrations")?;
    tracing::info!("migrations.applied");
    let data_dir = std::path::PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "data".into()));
    if args.iter().any(|a| a == "--seed-reference" || a == "--seed-demo") {
        co2_db::seed::seed_reference(&pool, &data_dir).await?;
    }
    if args.iter().any(|a| a == "--seed-demo") {
        co2_db::seed::seed_demo(&pool).await?;
        tracing::info!("seed.demo_loaded");
    }
    Ok(())
}
