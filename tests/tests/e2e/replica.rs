//! The read/write split on the cluster's database tier (`make test` starts it: a streaming
//! replica of the test primary, PgBouncer in transaction pooling in front of each). A person
//! sees what they just wrote even while the replica is held back; anyone's reads are at most
//! `MAX_STALENESS` behind; a replica that cannot be reached costs speed, never data.

use crate::support::Stack;
use co2_db::db::MAX_STALENESS;
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;
use std::sync::atomic::Ordering;
use std::time::Duration;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must name the test database tier (make test-rust starts it)"))
}

/// The test database of `pool` through `host:port`.
fn url_via(pool: &PgPool, host_port: &str) -> String {
    let o = pool.connect_options();
    format!("postgres://{}@{host_port}/{}", o.get_username(), o.get_database().unwrap())
}

/// The functions' pools on the test database as in a cluster: writes through PgBouncer to the
/// primary, reads through PgBouncer to the replica.
fn tier_pools(pool: &PgPool) -> co2_db::Pools {
    co2_db::Pools::connect_lazy(
        &url_via(pool, &env("CO2_TEST_PGBOUNCER")),
        Some(&url_via(pool, &env("CO2_TEST_PGBOUNCER_READ"))),
        4,
    )
    .unwrap()
}

/// A direct connection to the replica, as its superuser (to hold its replay back), once the
/// replica has the test's database.
async fn replica_admin(pool: &PgPool) -> sqlx::PgConnection {
    use sqlx::Connection;
    let url = url_via(pool, &format!("127.0.0.1:{}", env("CO2_TEST_REPLICA_PORT")));
    for _ in 0..250 {
        if let Ok(conn) = sqlx::PgConnection::connect(&url).await {
            return conn;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the replica never had the test database");
}

/// The tests that hold the shared replica back take turns.
static HOLDING_THE_REPLICA: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Holds the replica's replay back until dropped — also when the test fails, so the replica
/// other tests share is never left paused.
struct Paused;

impl Paused {
    async fn hold(replica: &mut sqlx::PgConnection) -> Paused {
        sqlx::query("select pg_wal_replay_pause()").execute(replica).await.unwrap();
        Paused
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        let port = env("CO2_TEST_REPLICA_PORT");
        let _ = std::process::Command::new("psql")
            .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-qc", "select pg_wal_replay_resume()"])
            .output();
    }
}

/// Waits until the replica has replayed everything the primary has now.
async fn caught_up(pool: &PgPool, replica: &mut sqlx::PgConnection) {
    let target: String = sqlx::query_scalar("select pg_current_wal_lsn()::text").fetch_one(pool).await.unwrap();
    for _ in 0..200 {
        let done: bool = sqlx::query_scalar("select pg_last_wal_replay_lsn() >= $1::pg_lsn")
            .bind(&target)
            .fetch_one(&mut *replica)
            .await
            .unwrap();
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the replica did not catch up");
}

/// `listed` as served by the replica: the read pool samples the primary's and the replica's
/// positions (it otherwise does so in the background as reads come) until a read is routed to
/// the replica — once it has replayed what the primary had at the first sample.
async fn listed_on_replica(s: &Stack, token: &str) -> Vec<String> {
    let routes = s.ctx.pools.read.read_routes().expect("the read pool has a replica");
    for _ in 0..40 {
        s.ctx.pools.read.sample_replica().await;
        let before = routes.replica.load(Ordering::Relaxed);
        let got = listed(s, token).await;
        if routes.replica.load(Ordering::Relaxed) > before {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the replica never served a read: {routes:?}");
}

async fn listed(s: &Stack, token: &str) -> Vec<String> {
    let uri = co2_api_types::module_entries_path("9001", 2025, "equipment") + "?per_page=500";
    let res = call(&s.app, Method::GET, &uri, Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["data"]["equipment_id"].as_str().unwrap().to_owned())
        .collect()
}

/// Another principal of `unit`, who changes nothing in these tests.
async fn colleague_of(s: &Stack, unit: &str) -> String {
    let user = co2_db::org::upsert_user(&s.pool, "colleague", "A Colleague", None).await.unwrap();
    let unit = co2_db::org::unit_by_institutional_id(&s.pool, unit).await.unwrap().unwrap();
    co2_db::org::grant_role(&s.pool, user.app_user_id, "principal", Some(unit.unit_id)).await.unwrap();
    co2_testkit::session_for(&s.ctx, user.app_user_id).await
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_person_sees_their_own_writes_while_the_replica_is_held_back(pool: PgPool) {
    let pools = tier_pools(&pool);
    let _turn = HOLDING_THE_REPLICA.lock().await;
    let s = Stack::embedded_on(pool.clone(), pools).await;
    let principal = s.token("principal", Some("9001")).await;
    let colleague = colleague_of(&s, "9001").await;
    let mut replica = replica_admin(&pool).await;
    caught_up(&pool, &mut replica).await;
    let routes = s.ctx.pools.read.read_routes().expect("the read pool has a replica");
    // A caught-up replica serves the reads.
    assert!(listed_on_replica(&s, &principal).await.is_empty());

    let paused = Paused::hold(&mut replica).await;
    let entry =
        json!({"entry_type": "it", "data": {"equipment_id": "MINE-1", "name": "Laptop", "equipment_class": "Laptop"}});
    let created = call(
        &s.app,
        Method::POST,
        &co2_api_types::module_entries_path("9001", 2025, "equipment"),
        Some(&principal),
        Some(entry),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);

    // The writer's next page shows the write; the replica, held back, does not have it yet:
    // a colleague who changed nothing is served by it and does not see the entry (yet).
    let behind = routes.primary_behind.load(Ordering::Relaxed);
    assert_eq!(listed(&s, &principal).await, ["MINE-1"], "the writer sees their write");
    assert!(
        routes.primary_behind.load(Ordering::Relaxed) > behind,
        "served by the primary: {behind} before, routes {routes:?}"
    );
    assert!(listed_on_replica(&s, &colleague).await.is_empty(), "the replica is really behind");
    // Nobody reads further behind than the bound, with or without a position.
    tokio::time::sleep(MAX_STALENESS + Duration::from_millis(300)).await;
    assert_eq!(listed(&s, &colleague).await, ["MINE-1"], "staleness is bounded");

    drop(paused);
    caught_up(&pool, &mut replica).await;
    // Once caught up, the reads it can serve go back to it.
    assert_eq!(listed_on_replica(&s, &principal).await, ["MINE-1"], "the replica serves again once caught up");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_finished_job_is_read_with_its_rows_and_the_totals_agree(pool: PgPool) {
    // A staleness bound longer than the test: only the job's recorded end can send the reads of
    // its rows to the primary.
    let lazy = |url: String| sqlx::postgres::PgPoolOptions::new().max_connections(4).connect_lazy(&url).unwrap();
    let primary = lazy(url_via(&pool, &env("CO2_TEST_PGBOUNCER")));
    let pools = co2_db::Pools::new(
        co2_db::Db::new(primary.clone()),
        co2_db::Db::replica_bounded(
            lazy(url_via(&pool, &env("CO2_TEST_PGBOUNCER_READ"))),
            primary,
            Duration::from_secs(120),
        ),
    );
    let _turn = HOLDING_THE_REPLICA.lock().await;
    let s = Stack::embedded_on(pool.clone(), pools).await;
    let principal = s.token("principal", Some("9001")).await;
    let colleague = colleague_of(&s, "9001").await;
    let mut replica = replica_admin(&pool).await;
    caught_up(&pool, &mut replica).await;
    // The upload is asked for and its file stored; the replica has all of that, then is held
    // back while the pipeline publishes the rows.
    let job = s.upload(&principal, "9001", "e.csv", "append", crate::support::demo_equipment()).await;
    caught_up(&pool, &mut replica).await;
    // The read pool's samples now show the replica within the bound (it has what the primary
    // had at the first sample, which stays the one the bound is checked against).
    assert!(listed_on_replica(&s, &colleague).await.is_empty(), "no rows before the pipeline runs");
    let paused = Paused::hold(&mut replica).await;
    s.drain().await;
    assert!(listed_on_replica(&s, &colleague).await.is_empty(), "the replica has none of the job's rows");
    // The job's end is recorded for the person who started it: the totals they read next
    // include its rows, while the replica has none of them.
    let res = call(&s.app, Method::GET, &format!("/api/v1/jobs/{job}"), Some(&principal), None).await;
    assert_eq!(res.json()["state"], "succeeded");
    let results = call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025?basis=all", Some(&principal), None)
        .await
        .json();
    let uri = co2_api_types::module_entries_path("9001", 2025, "equipment") + "?per_page=500";
    let entries = call(&s.app, Method::GET, &uri, Some(&principal), None).await.json();
    let sum: f64 = entries["items"].as_array().unwrap().iter().filter_map(|e| e["kg_co2eq"].as_f64()).sum();
    let equipment = results["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap();
    let total = equipment["totals"]["total_kg"].as_f64().unwrap();
    assert!(sum > 0.0 && (total - sum).abs() < 1e-6 * sum, "results {total} vs entries {sum}");
    drop(paused);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_replica_that_cannot_be_reached_costs_speed_never_data(pool: PgPool) {
    // The read pool points at a port where nothing listens: a replica that is down.
    let pools = co2_db::Pools::connect_lazy(
        &url_via(&pool, &env("CO2_TEST_PGBOUNCER")),
        Some(&url_via(&pool, "127.0.0.1:9")),
        4,
    )
    .unwrap();
    let s = Stack::embedded_on(pool.clone(), pools).await;
    let principal = s.token("principal", Some("9001")).await;
    let entry =
        json!({"entry_type": "it", "data": {"equipment_id": "DOWN-1", "name": "Laptop", "equipment_class": "Laptop"}});
    let uri = co2_api_types::module_entries_path("9001", 2025, "equipment");
    assert_eq!(call(&s.app, Method::POST, &uri, Some(&principal), Some(entry)).await.status, StatusCode::CREATED);
    for _ in 0..3 {
        assert_eq!(listed(&s, &principal).await, ["DOWN-1"]);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let routes = s.ctx.pools.read.read_routes().unwrap();
    assert_eq!(routes.replica.load(Ordering::Relaxed), 0, "nothing was read on the missing replica");
    assert!(routes.primary_unreachable.load(Ordering::Relaxed) >= 1, "it was found unreachable");
}
