//! The permission matrix: every route × persona (anonymous, member and principal of unit 9001,
//! principal of another unit, back-office operator of the school, admin) → expected status.
//! Unit-keyed routes answer 404 to callers without a role in the unit, 403 to a lesser role.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const PERSONAS: [&str; 6] = ["anonymous", "member", "principal", "stranger", "backoffice", "admin"];

struct Case {
    method: Method,
    uri: String,
    body: Option<Value>,
    /// Expected status per persona, in `PERSONAS` order.
    expect: [u16; 6],
}

fn case(method: Method, uri: impl Into<String>, body: Option<Value>, expect: [u16; 6]) -> Case {
    Case { method, uri: uri.into(), body, expect }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn every_route_checks_the_callers_rights(pool: PgPool) {
    run_matrix(pool).await;
}

/// No request holds a connection while it waits for another: on a pool of one, such a request
/// would wait for itself until the pool times out (503).
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn every_route_answers_on_a_pool_of_one_connection(_: PgPoolOptions, options: PgConnectOptions) {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(3))
        .connect_with(options)
        .await
        .unwrap();
    run_matrix(pool).await;
}

async fn run_matrix(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let job_id = s.upload(&principal, "9001", "e.csv", "append", demo_equipment()).await;
    s.drain().await;
    let entries = s.entries(&principal, "9001").await;
    let entry = |i: usize| entries["items"][i]["entry_id"].as_str().unwrap().to_owned();
    let tokens: Vec<Option<String>> = vec![
        None,
        Some(s.token("standard", Some("9001")).await),
        Some(principal.clone()),
        Some(s.token("principal", Some("9002")).await),
        Some(s.token("backoffice", Some("ENAC")).await),
        Some(s.token("admin", None).await),
    ];
    let unit = "/api/v1/units/9001/years/2025";
    let unit_export = json!({"kind": "unit_year", "format": "xlsx", "year": 2025, "unit": "9001"});
    let export = call(&s.app, Method::POST, "/api/v1/exports", Some(&principal), Some(unit_export.clone())).await;
    assert_eq!(export.status, 202, "{}", String::from_utf8_lossy(&export.body));
    let export_id = export.json()["job_id"].as_str().unwrap().to_owned();
    let equipment =
        json!({"entry_type": "it", "data": {"equipment_id": "P-1", "name": "Laptop", "equipment_class": "Laptop"}});
    let upload = json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv"});
    let mut cases = vec![
        case(Method::GET, "/api/v1/session", None, [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/units", None, [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/units/9001/years", None, [401, 200, 200, 404, 404, 200]),
        case(Method::GET, format!("{unit}/report"), None, [401, 200, 200, 404, 404, 200]),
        case(Method::GET, co2_api_types::results_path("9001", 2025), None, [401, 200, 200, 404, 404, 200]),
        case(
            Method::PATCH,
            format!("{unit}/modules/equipment"),
            Some(json!({"status": "in_progress"})),
            [401, 403, 200, 404, 404, 200],
        ),
        case(
            Method::GET,
            "/api/v1/entries/units/9001/years/2025/modules/equipment".to_owned(),
            None,
            [401, 403, 200, 404, 404, 403],
        ),
        case(
            Method::POST,
            "/api/v1/entries/units/9001/years/2025/modules/equipment".to_owned(),
            Some(equipment.clone()),
            [401, 403, 201, 404, 404, 403],
        ),
        case(Method::PATCH, format!("/api/v1/entries/{}", entry(0)), Some(equipment), [401, 403, 200, 404, 404, 403]),
        case(Method::POST, "/api/v1/uploads", Some(upload), [401, 403, 201, 404, 404, 403]),
        case(Method::GET, format!("/api/v1/jobs/{job_id}"), None, [401, 404, 200, 404, 404, 200]),
        case(Method::GET, "/api/v1/backoffice/years", None, [401, 403, 403, 403, 200, 200]),
        case(Method::GET, "/api/v1/backoffice/factors/2025", None, [401, 403, 403, 403, 403, 200]),
        case(Method::POST, "/api/v1/backoffice/years", Some(json!({"year": 2026})), [401, 403, 403, 403, 403, 201]),
        case(
            Method::PATCH,
            "/api/v1/backoffice/years/2026",
            Some(json!({"is_open": true})),
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            Method::PUT,
            "/api/v1/backoffice/years/2025/goal",
            Some(json!({"reduction_percent": 10, "reference_year": 2024})),
            [401, 403, 403, 403, 403, 200],
        ),
        case(Method::DELETE, "/api/v1/backoffice/years/2025/goal", None, [401, 403, 403, 403, 403, 200]),
        case(
            Method::PUT,
            "/api/v1/backoffice/years/2024/modules/process_emissions",
            Some(json!({"enabled": true})),
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            Method::PUT,
            "/api/v1/backoffice/years/2024/entry-types/train",
            Some(json!({"enabled": true})),
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            Method::GET,
            "/api/v1/reference/factor-choices?year=2025&module=purchase",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        case(Method::GET, "/api/v1/backoffice/thresholds/2025", None, [401, 403, 403, 403, 403, 200]),
        case(
            Method::PUT,
            "/api/v1/backoffice/thresholds/2025/equipment/scientific",
            Some(json!({"policy": "fixed", "kg": 100})),
            [401, 403, 403, 403, 403, 200],
        ),
        case(
            Method::DELETE,
            "/api/v1/backoffice/thresholds/2025/equipment/scientific",
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        case(Method::GET, "/api/v1/backoffice/reporting/2025/units", None, [401, 403, 403, 403, 200, 200]),
        case(
            Method::POST,
            "/api/v1/backoffice/recalculations",
            Some(json!({"year": 2025, "module": "process_emissions"})),
            [401, 403, 403, 403, 403, 202],
        ),
        case(Method::POST, format!("/api/v1/backoffice/jobs/{job_id}/retry"), None, [401, 403, 403, 403, 403, 409]),
        case(Method::POST, format!("/api/v1/backoffice/jobs/{job_id}/abort"), None, [401, 403, 403, 403, 403, 409]),
        case(Method::GET, "/api/v1/backoffice/jobs?state=succeeded", None, [401, 403, 403, 403, 403, 200]),
        case(Method::POST, "/api/v1/exports", Some(unit_export), [401, 403, 202, 404, 202, 202]),
        case(
            Method::POST,
            "/api/v1/exports",
            Some(json!({"kind": "module_units", "year": 2025, "module": "equipment"})),
            [401, 403, 403, 403, 202, 202],
        ),
        case(Method::GET, format!("/api/v1/exports/{export_id}"), None, [401, 404, 200, 404, 404, 200]),
        // Not built yet (nothing drains here): 409 for those who may see it.
        case(Method::GET, format!("/api/v1/exports/{export_id}/file"), None, [401, 404, 409, 404, 404, 409]),
        case(Method::GET, "/api/v1/units/9001/members", None, [401, 403, 200, 404, 404, 200]),
        case(Method::GET, "/api/v1/backoffice/roles", None, [401, 403, 403, 403, 200, 200]),
        case(
            Method::POST,
            "/api/v1/backoffice/roles",
            Some(json!({"user": "someone", "role": "standard", "unit": "9001"})),
            [401, 403, 403, 403, 403, 201],
        ),
        case(
            Method::DELETE,
            format!("/api/v1/backoffice/roles/{}", uuid::Uuid::nil()),
            None,
            [401, 403, 403, 403, 403, 404],
        ),
        case(Method::GET, "/api/v1/backoffice/tokens", None, [401, 403, 403, 403, 403, 200]),
        case(
            Method::POST,
            "/api/v1/backoffice/tokens",
            Some(json!({"name": "t", "scope": "read", "expires_in_days": 1})),
            [401, 403, 403, 403, 403, 201],
        ),
        case(
            Method::DELETE,
            format!("/api/v1/backoffice/tokens/{}", uuid::Uuid::nil()),
            None,
            [401, 403, 403, 403, 403, 404],
        ),
        case(Method::GET, "/api/v1/backoffice/audit", None, [401, 403, 403, 403, 403, 200]),
        case(Method::GET, "/api/v1/backoffice/audit/1", None, [401, 403, 403, 403, 403, 200]),
        case(Method::GET, "/api/v1/backoffice/audit/export", None, [401, 403, 403, 403, 403, 200]),
        case(Method::GET, "/api/v1/backoffice/audit/verify", None, [401, 403, 403, 403, 403, 200]),
        case(Method::GET, "/api/v1/reference/airports?q=gva", None, [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/reference/exchange-rates?year=2025", None, [401, 200, 200, 200, 200, 200]),
    ];
    // Creating units needs a fresh id per persona; deleting needs an entry per persona.
    for (i, expect) in [401, 403, 403, 403, 403, 201].into_iter().enumerate() {
        let mut e = [0; 6];
        e[i] = expect;
        cases.push(case(
            Method::POST,
            "/api/v1/backoffice/units",
            Some(json!({"institutional_id": format!("U{i}"), "name": "Unit", "parent": "ENAC"})),
            e,
        ));
        let mut d = [0; 6];
        d[i] = [401, 403, 204, 404, 404, 403][i];
        cases.push(case(Method::DELETE, format!("/api/v1/entries/{}", entry(i + 1)), None, d));
    }

    let mut failures = Vec::new();
    for c in &cases {
        for (p, token) in tokens.iter().enumerate() {
            if c.expect[p] == 0 {
                continue;
            }
            let res = call(&s.app, c.method.clone(), &c.uri, token.as_deref(), c.body.clone()).await;
            if res.status.as_u16() != c.expect[p] {
                failures.push(format!(
                    "{} {} as {}: {} (expected {})",
                    c.method, c.uri, PERSONAS[p], res.status, c.expect[p]
                ));
            }
            if !res.status.is_success() {
                assert!(
                    res.json()["error"]["code"].is_string(),
                    "{} {} as {}: not the error envelope",
                    c.method,
                    c.uri,
                    PERSONAS[p]
                );
            }
        }
    }
    assert!(failures.is_empty(), "permission matrix mismatches:\n{}", failures.join("\n"));
    if let Some(routes) = s.ctx.pools.read.read_routes() {
        // The database-tier run: the replica carried reads, the changes went to the primary.
        let replica = routes.replica.load(std::sync::atomic::Ordering::Relaxed);
        assert!(replica > 0, "the replica served no read");
    }
}
