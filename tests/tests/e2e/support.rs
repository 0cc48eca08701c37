//! The stack under test: every function mounted as in the embedded default, the step pumps, a
//! seeded database, and helpers for the demo upload.

use axum::Router;
use co2_platform::Ctx;
use co2_platform::blob::LocalBlob;
use co2_platform::config::Profile;
use co2_platform::dispatch::{Pump, drain};
use co2_testkit::{TempDir, call};
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

pub struct Stack {
    pub ctx: Ctx,
    pub local: Arc<LocalBlob>,
    pub app: Router,
    pub pumps: Vec<Pump>,
    pub pool: PgPool,
    pub _dir: TempDir,
}

impl Stack {
    /// The embedded path: local disk with notifications and the PostgreSQL queue.
    pub async fn embedded(pool: PgPool) -> Stack {
        let pools = co2_testkit::function_pools(&pool);
        Stack::embedded_on(pool, pools).await
    }

    /// The same with the functions on `pools` (`pool` stays the tests' own direct connection).
    pub async fn embedded_on(pool: PgPool, pools: co2_db::Pools) -> Stack {
        co2_testkit::seed(&pool).await;
        let dir = TempDir::new();
        let (ctx, local) = co2_testkit::ctx_on(pools, &dir.0, Profile::Dev);
        let app = devstack::app(&ctx, Some(local.clone()), &dir.0.join("no-spa"), None);
        let pumps = devstack::pumps(&ctx, Duration::ZERO);
        let stack = Stack { ctx, local, app, pumps, pool, _dir: dir };
        stack.replica_caught_up().await;
        stack
    }

    pub async fn drain(&self) -> usize {
        let n = drain(&self.pumps, 200).await.expect("pipeline drains");
        self.replica_caught_up().await;
        n
    }

    pub async fn token(&self, role: &str, unit: Option<&str>) -> String {
        let token = co2_testkit::mint_token(&self.ctx, role, unit).await;
        self.replica_caught_up().await;
        token
    }

    /// In the database-tier run (`CO2_TEST_TOPOLOGY=pgbouncer`), waits until the replica has
    /// replayed what the test wrote around the API (its seed, its personas, the pipeline's
    /// rows), as a person arriving a moment later would find it. Elsewhere, nothing to wait for.
    pub async fn replica_caught_up(&self) {
        if std::env::var("CO2_TEST_TOPOLOGY").as_deref() != Ok("pgbouncer") {
            return;
        }
        let Some(port) = std::env::var("CO2_TEST_REPLICA_PORT").ok() else { return };
        let at: String =
            sqlx::query_scalar("select pg_current_wal_insert_lsn()::text").fetch_one(&self.pool).await.unwrap();
        let o = self.pool.connect_options();
        let url = format!("postgres://{}@127.0.0.1:{port}/{}", o.get_username(), o.get_database().unwrap());
        for _ in 0..500 {
            use sqlx::Connection;
            if let Ok(mut replica) = sqlx::PgConnection::connect(&url).await {
                let done: bool = sqlx::query_scalar("select pg_last_wal_replay_lsn() >= $1::pg_lsn")
                    .bind(&at)
                    .fetch_one(&mut replica)
                    .await
                    .unwrap_or(false);
                if done {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the replica did not catch up");
    }

    /// Registers an upload and PUTs the bytes through the returned link; returns the job id.
    pub async fn upload(&self, token: &str, unit: &str, filename: &str, mode: &str, bytes: Vec<u8>) -> String {
        let res = call(
            &self.app,
            Method::POST,
            "/api/v1/uploads",
            Some(token),
            Some(json!({
                "unit": unit, "year": 2025, "module": "equipment", "filename": filename, "mode": mode
            })),
        )
        .await;
        assert_eq!(res.status, 201, "upload creation: {}", String::from_utf8_lossy(&res.body));
        let body = res.json();
        let put = co2_testkit::put_link(&self.app, body["put_url"].as_str().unwrap(), bytes).await;
        assert_eq!(put.status, 200, "PUT: {}", String::from_utf8_lossy(&put.body));
        body["job_id"].as_str().unwrap().to_owned()
    }

    pub async fn job(&self, token: &str, job_id: &str) -> Value {
        let res = call(&self.app, Method::GET, &format!("/api/v1/jobs/{job_id}"), Some(token), None).await;
        assert_eq!(res.status, 200);
        res.json()
    }

    pub async fn entries(&self, token: &str, unit: &str) -> Value {
        let res = call(
            &self.app,
            Method::GET,
            &format!("/api/v1/entries/units/{unit}/years/2025/modules/equipment?per_page=500"),
            Some(token),
            None,
        )
        .await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    /// (entries, emission rows, Σ kg, Σ kWh) of unit 9001's equipment, straight from the tables.
    pub async fn snapshot(&self) -> (i64, i64, f64, f64) {
        sqlx::query_as(
            "select (select count(*) from data_entry), (select count(*) from emission),
                    (select coalesce(sum(kg_co2eq), 0) from emission), (select coalesce(sum(quantity), 0) from emission)",
        )
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }
}

/// Rows staged by a job whose rows are not published (ADR 0008: a published job's rows keep
/// their mark until settled, but they are no longer staged).
pub const UNPUBLISHED_ROWS: &str = "select count(*) from data_entry
     where pending_job_id is not null and pending_job_id not in (select job_id from published_job)";

pub fn demo_equipment() -> Vec<u8> {
    std::fs::read(co2_e2e::data_dir().join("demo/equipments.csv")).unwrap()
}

/// Compares a module listing with the oracle rows of `equipments.csv`, matching rows through the
/// equipment id of each file line.
pub fn assert_matches_oracle(entries: &Value) {
    let expected = co2_e2e::expected_rows("equipments.csv");
    let file = String::from_utf8(demo_equipment()).unwrap();
    let mut rdr = csv::Reader::from_reader(file.as_bytes());
    let mut id_of_line = std::collections::BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        id_of_line.insert(rec.position().unwrap().line(), rec[1].to_owned());
    }
    let items = entries["items"].as_array().unwrap();
    assert_eq!(items.len(), id_of_line.len(), "one entry per data row");
    let mut compared = 0;
    for (line, id) in &id_of_line {
        let item =
            items.iter().find(|i| i["data"]["equipment_id"] == id.as_str()).unwrap_or_else(|| panic!("entry {id}"));
        let got = item["emissions"].as_array().unwrap();
        let want = expected.get(line).cloned().unwrap_or_default();
        assert_eq!(got.len(), want.len(), "row count of line {line} ({id})");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["emission_type"], w.emission_type.as_str(), "leaf of line {line}");
            assert_eq!(g["scope"], w.scope, "scope of line {line}");
            let kg = g["kg_co2eq"].as_f64().unwrap();
            assert!(co2_e2e::close(kg, w.kg_co2eq, 1e-6), "kg of line {line}: {kg} vs {}", w.kg_co2eq);
            let q = g["quantity"].as_f64().unwrap();
            assert!(co2_e2e::close(q, w.quantity, 1e-6), "kWh of line {line}: {q} vs {}", w.quantity);
            compared += 1;
        }
    }
    assert_eq!(compared, expected.values().map(Vec::len).sum::<usize>(), "every oracle row compared");
}

/// Emission rows whose entry no longer exists (must always be 0: deleting entries removes their
/// rows, whatever deletes them).
pub async fn orphan_emissions(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) from emission e where not exists (select 1 from data_entry d where d.data_entry_id = e.data_entry_id)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// PUTs a CSV body to a back-office file route (factors, reference data, the org chart).
pub async fn put_csv(s: &Stack, token: &str, uri: &str, body: String) -> (http::StatusCode, Value) {
    let req = http::Request::put(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = co2_testkit::send(&s.app, req).await;
    (res.status, res.json())
}
