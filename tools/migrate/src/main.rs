//! The migration Job's binary: applies the schema migrations, then optionally installs.
//!
//! `migrate` — migrations only; `--install` — plus, on a database that was never installed, the
//! shipped defaults from `DATA_DIR` (default `data`): years, factors, reference data (an
//! installed database keeps what it has, ADR 0011); `--seed-demo` — `--install` plus the demo
//! hierarchy and lab 9001.

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
        anyhow::ensure!(matches!(a.as_str(), "--install" | "--seed-demo"), "unknown argument {a}");
    }
    let url = std::env::var("DATABASE_URL").context("environment variable DATABASE_URL is required")?;
    let pool = PgPoolOptions::new().max_connections(2).connect(&url).await.context("connecting to the database")?;
    co2_db::MIGRATOR.run(&pool).await.context("applying migrations")?;
    tracing::info!("migrations.applied");
    let data_dir = std::path::PathBuf::from(std::env::var("DATA_DIR").unwrap_or_else(|_| "data".into()));
    if args.iter().any(|a| a == "--install" || a == "--seed-demo") {
        match co2_db::seed::install_defaults(&pool, &data_dir).await? {
            co2_db::seed::Install::Installed => tracing::info!("install.defaults_loaded"),
            co2_db::seed::Install::AlreadyInstalled => {
                tracing::info!("install.skipped: the database is installed; its data is left as it is");
            }
        }
    }
    if args.iter().any(|a| a == "--seed-demo") {
        co2_db::seed::seed_demo(&pool).await?;
        tracing::info!("seed.demo_loaded");
    }
    Ok(())
}
