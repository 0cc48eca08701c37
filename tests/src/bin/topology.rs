//! The cluster's shape on this machine, for a browser or a person: every function of
//! `knative/base` as its own process with the environment its manifest builds, behind the nginx
//! edge generated from the HTTPRoute; the steps fed from moto's SQS as the IntegrationSources
//! feed them; the database through PgBouncer with reads on the replica; sign-in through the
//! OpenID provider the `OIDC_*` variables name (the development sign-in is refused: cluster
//! profile). Prints the edge's URL, then serves until SIGTERM or Ctrl-C.
//!
//!   topology --edge-port PORT [--database NAME]
//!
//! Needs what `make test-browser` starts: PostgreSQL (`DATABASE_URL`, the primary), the
//! database tier (`CO2_TEST_PGBOUNCER`, `CO2_TEST_PGBOUNCER_READ`), moto (`MOTO_ENDPOINT`), the
//! binaries (`CO2_BIN_DIR`), the SPA build. The database NAME (default `co2calc_topology`) is
//! created anew with the migrations and the demo lab.

use co2_e2e::cluster::{Topology, TopologyOptions};
use sqlx::postgres::PgConnectOptions;
use std::collections::BTreeMap;
use std::str::FromStr;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// The provider's settings for api-session, from this process's `OIDC_*` variables.
fn oidc() -> anyhow::Result<Option<(BTreeMap<String, String>, String)>> {
    let Ok(issuer) = std::env::var("OIDC_ISSUER") else { return Ok(None) };
    let mut settings = BTreeMap::from([("OIDC_ISSUER".to_owned(), issuer)]);
    for key in ["OIDC_CLIENT_ID", "OIDC_SCOPES", "OIDC_USER_CLAIM", "OIDC_ROLES_CLAIM", "OIDC_PROVIDER_NAME"] {
        if let Ok(v) = std::env::var(key) {
            settings.insert(key.to_owned(), v);
        }
    }
    let secret = std::env::var("OIDC_CLIENT_SECRET").map_err(|_| anyhow::anyhow!("OIDC_CLIENT_SECRET is required"))?;
    Ok(Some((settings, secret)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let edge_port: u16 = arg("--edge-port").ok_or_else(|| anyhow::anyhow!("--edge-port PORT"))?.parse()?;
    let database = arg("--database").unwrap_or_else(|| "co2calc_topology".to_owned());
    anyhow::ensure!(database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "a plain database name");
    let admin_url = std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL (the primary)"))?;

    let admin = sqlx::PgPool::connect(&admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists {database} with (force)")))
        .execute(&admin)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {database}"))).execute(&admin).await?;
    admin.close().await;
    let pool = sqlx::PgPool::connect_with(PgConnectOptions::from_str(&admin_url)?.database(&database)).await?;
    co2_db::MIGRATOR.run(&pool).await?;

    let topology = Topology::start_with(pool, TopologyOptions { edge_port: Some(edge_port), oidc: oidc()? }).await;
    println!("topology: the edge at {}", topology.edge.url());
    co2_platform::serve::shutdown_signal().await;
    eprintln!("topology: stopping\n{}", topology.logs());
    Ok(())
}
