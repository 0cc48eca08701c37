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
    let plans = "/api/v1/units/9001/plans";
    let plan =
        call(&s.app, Method::POST, plans, Some(&principal), Some(json!({"name": "Lab", "reference_year": 2025})))
            .await
            .json();
    let plan_id = plan["plan_id"].as_str().unwrap().to_owned();
    let measure = json!({"lever": "Fewer flights", "target_year": 2030, "expected_kg": 100.0});
    let with_measure =
        call(&s.app, Method::POST, &format!("{plans}/{plan_id}/measures"), Some(&principal), Some(measure.clone()))
            .await
            .json();
    let measure_id = with_measure["measures"][0]["measure_id"].as_str().unwrap().to_owned();
    let factor_id: uuid::Uuid =
        sqlx::query_scalar("select factor_id from factor order by factor_id limit 1").fetch_one(&s.pool).await.unwrap();
    let mut cases = vec![
        case(Method::GET, "/api/v1/session", None, [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/units", None, [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/units/9001/years", None, [401, 200, 200, 404, 404, 200]),
        case(Method::GET, format!("{unit}/report"), None, [401, 200, 200, 404, 404, 200]),
        case(Method::GET, co2_api_types::results_path("9001", 2025), None, [401, 200, 200, 404, 404, 200]),
        case(
            Method::GET,
            format!("{}/quality", co2_api_types::results_path("9001", 2025)),
            None,
            [401, 200, 200, 404, 404, 200],
        ),
        case(
            Method::PATCH,
            format!("{unit}/modules/equipment"),
            Some(json!({"status": "in_progress"})),
            [401, 403, 200, 404, 404, 200],
        ),
        // Asking for a change: whoever sees the unit, when the module is validated (here it is
        // open: 409 for them, 404 for the others).
        case(
            Method::POST,
            format!("{unit}/modules/equipment/change-requests"),
            Some(json!({"message": "please reopen"})),
            [401, 409, 409, 404, 404, 409],
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
        case(Method::GET, format!("/api/v1/entries/{}/explanation", entry(0)), None, [401, 403, 200, 404, 404, 403]),
        // The trips' map: whoever sees the unit's results.
        case(
            Method::GET,
            "/api/v1/results/units/9001/years/2025/trips".to_owned(),
            None,
            [401, 200, 200, 404, 404, 200],
        ),
        // A module's charts: whoever sees the unit's results.
        case(
            Method::GET,
            "/api/v1/results/units/9001/years/2025/modules/equipment/breakdown".to_owned(),
            None,
            [401, 200, 200, 404, 404, 200],
        ),
        // The simulation's basis: a member's own rows, the principal's all; the admin sees the
        // unit but lists no module's rows, so gets the factors alone.
        case(
            Method::GET,
            "/api/v1/entries/units/9001/years/2025/simulation-basis".to_owned(),
            None,
            [401, 200, 200, 404, 404, 200],
        ),
        case(Method::GET, format!("/api/v1/reference/factors/{factor_id}"), None, [401, 200, 200, 200, 200, 200]),
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
        case(Method::GET, "/api/v1/backoffice/years/2025/central-loads", None, [401, 403, 403, 403, 403, 200]),
        // Nothing of 2024 to copy: the admin passes the rights check and learns so.
        case(
            Method::POST,
            "/api/v1/backoffice/years/2025/central-loads/copy",
            Some(json!({"module": "equipment", "entry_type": "it"})),
            [401, 403, 403, 403, 403, 404],
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
            Method::GET,
            "/api/v1/backoffice/reporting/2025?completion=in_progress",
            None,
            [401, 403, 403, 403, 200, 200],
        ),
        case(Method::GET, "/api/v1/backoffice/rollups?depth=2", None, [401, 403, 403, 403, 200, 200]),
        case(Method::GET, "/api/v1/backoffice/years/2025/late", None, [401, 403, 403, 403, 200, 200]),
        case(
            Method::PUT,
            "/api/v1/backoffice/years/2025/deadline",
            Some(json!({"deadline": "2025-12-31"})),
            [401, 403, 403, 403, 403, 200],
        ),
        case(Method::POST, "/api/v1/backoffice/years/2025/reminders", None, [401, 403, 403, 403, 403, 200]),
        case(Method::POST, "/api/v1/backoffice/years/2025/digest", None, [401, 403, 403, 403, 403, 200]),
        case(Method::GET, "/api/v1/session/notifications", None, [401, 200, 200, 200, 200, 200]),
        case(Method::POST, "/api/v1/session/notifications/read", Some(json!({})), [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/backoffice/facts?year=2025", None, [401, 403, 403, 403, 200, 200]),
        case(Method::GET, "/api/v1/backoffice/inventory?year=2025", None, [401, 403, 403, 403, 200, 200]),
        case(Method::GET, "/api/v1/backoffice/inventory/publications?year=2025", None, [401, 403, 403, 403, 200, 200]),
        case(
            Method::POST,
            "/api/v1/backoffice/inventory/publications",
            Some(json!({"year": 2025, "subtree": "9001"})),
            [401, 403, 403, 403, 403, 201],
        ),
        case(
            Method::GET,
            format!("/api/v1/backoffice/inventory/publications/{}", uuid::Uuid::nil()),
            None,
            [401, 403, 403, 403, 404, 404],
        ),
        case(
            Method::GET,
            format!("/api/v1/backoffice/inventory/publications/{}/restatement", uuid::Uuid::nil()),
            None,
            [401, 403, 403, 403, 404, 404],
        ),
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
        case(Method::GET, "/api/v1/reference/stations?q=lausanne", None, [401, 200, 200, 200, 200, 200]),
        case(
            Method::GET,
            "/api/v1/reference/distance?mode=plane&from=GVA&to=ZRH",
            None,
            [401, 200, 200, 200, 200, 200],
        ),
        case(Method::GET, "/api/v1/reference/rooms?q=CM", None, [401, 200, 200, 200, 200, 200]),
        case(Method::GET, "/api/v1/reference/rooms/NOPE/0", None, [401, 404, 404, 404, 404, 404]),
        case(Method::GET, "/api/v1/entries/templates/equipment/it.csv", None, [401, 200, 200, 200, 200, 200]),
        // The administrator's files: refused before their content is read for everyone else; the
        // admin's empty file is refused for what it is.
        case(Method::PUT, "/api/v1/backoffice/factors/2025/equipments_factors", None, [401, 403, 403, 403, 403, 400]),
        case(Method::PUT, "/api/v1/backoffice/reference/airports", None, [401, 403, 403, 403, 403, 422]),
        case(Method::PUT, "/api/v1/backoffice/org-chart", None, [401, 403, 403, 403, 403, 400]),
        // People's sessions: the IT manager's.
        case(Method::GET, "/api/v1/backoffice/users/test-standard-9001/sessions", None, [401, 403, 403, 403, 403, 200]),
        case(
            Method::DELETE,
            format!("/api/v1/backoffice/users/test-standard-9001/sessions/{}", uuid::Uuid::nil()),
            None,
            [401, 403, 403, 403, 403, 404],
        ),
        case(
            Method::POST,
            "/api/v1/backoffice/users/nobody-here/sessions/revoke",
            None,
            [401, 403, 403, 403, 403, 404],
        ),
        // Reduction plans: read by whoever sees the unit (and its back office), changed by its
        // principal, the back office of its subtree and the admin.
        case(Method::GET, plans.to_owned(), None, [401, 200, 200, 404, 200, 200]),
        case(
            Method::POST,
            plans.to_owned(),
            Some(json!({"name": "Matrix plan", "reference_year": 2025})),
            [401, 403, 201, 404, 409, 409],
        ),
        case(Method::GET, format!("{plans}/{plan_id}"), None, [401, 200, 200, 404, 200, 200]),
        case(Method::DELETE, format!("{plans}/{}", uuid::Uuid::nil()), None, [401, 403, 404, 404, 404, 404]),
        case(
            Method::POST,
            format!("{plans}/{plan_id}/measures"),
            Some(measure.clone()),
            [401, 403, 201, 404, 201, 201],
        ),
        case(
            Method::PUT,
            format!("{plans}/{plan_id}/measures/{measure_id}"),
            Some(measure),
            [401, 403, 200, 404, 200, 200],
        ),
        case(
            Method::DELETE,
            format!("{plans}/{plan_id}/measures/{}", uuid::Uuid::nil()),
            None,
            [401, 403, 404, 404, 404, 404],
        ),
        case(Method::GET, "/api/v1/backoffice/goals", None, [401, 403, 403, 403, 200, 200]),
        case(Method::PUT, "/api/v1/backoffice/goals", Some(json!([])), [401, 403, 403, 403, 403, 200]),
        // Sign-in: open to anyone (the development sign-in in this dev profile; no provider here).
        case(Method::GET, "/api/v1/auth/providers", None, [200; 6]),
        case(Method::GET, "/api/v1/auth/oidc/login", None, [404; 6]),
        case(Method::GET, "/api/v1/auth/oidc/callback?code=x&state=y", None, [404; 6]),
        case(Method::POST, "/api/v1/auth/dev-login", Some(json!({"persona": "standard", "unit": "9001"})), [200; 6]),
        // The former addresses: a redirect for anyone.
        case(Method::GET, "/api/v1/units/9001/years/2025/results", None, [308; 6]),
        case(Method::GET, "/api/v1/units/9001/years/2025/modules/equipment/entries", None, [308; 6]),
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

    // Signing out last: it ends each persona's session (a second time: 401, nothing to end).
    cases.push(case(Method::POST, "/api/v1/auth/logout", None, [204; 6]));
    cases.push(case(Method::GET, "/api/v1/session", None, [401; 6]));
    let exercised = cases.iter().map(|c| (c.method.clone(), c.uri.clone())).collect::<Vec<_>>();
    assert_every_route_is_listed(&exercised);

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
            if res.status.is_client_error() || res.status.is_server_error() {
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

/// Routes served outside the OpenAPI documents: the former addresses, which answer a permanent
/// redirect to anyone (no data, no rights involved).
const UNDOCUMENTED: [(&str, &str); 2] = [
    ("GET", "/api/v1/units/{unit}/years/{year}/results"),
    ("ANY", "/api/v1/units/{unit}/years/{year}/modules/{module}/entries"),
];

/// Whether `path` (no query) is an instance of the route `template`.
fn instance_of(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

/// Every route of every API function's OpenAPI document (which the functions build their
/// routers from), and every route a function adds outside it, is exercised by the matrix.
fn assert_every_route_is_listed(exercised: &[(Method, String)]) {
    let mut routes = Vec::new();
    for (_, doc) in crate::routes::functions() {
        for (template, item) in &doc.paths.paths {
            let ops = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ];
            routes.extend(ops.into_iter().filter(|(_, has)| *has).map(|(m, _)| (m, template.clone())));
        }
    }
    assert!(routes.len() > 60, "the documents list the routes ({})", routes.len());
    let mut missing: Vec<String> = routes
        .iter()
        .filter(|(method, template)| {
            !exercised.iter().any(|(m, uri)| m == method && instance_of(template, uri.split('?').next().unwrap_or(uri)))
        })
        .map(|(m, t)| format!("{m} {t}"))
        .collect();
    for (method, template) in UNDOCUMENTED {
        let listed = exercised.iter().any(|(m, uri)| {
            (method == "ANY" || m.as_str() == method) && instance_of(template, uri.split('?').next().unwrap_or(uri))
        });
        if !listed {
            missing.push(format!("{method} {template}"));
        }
    }
    assert!(missing.is_empty(), "routes the permission matrix does not list:\n{}", missing.join("\n"));
}

/// Every route a function's router adds by hand (`.route("…")`, outside its OpenAPI document) is
/// one of [`UNDOCUMENTED`]: a new one fails here until the matrix lists it.
#[test]
fn every_route_added_outside_the_documents_is_known() {
    let functions = co2_e2e::data_dir().join("../functions");
    let mut found = Vec::new();
    let mut stack = vec![functions];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("tests") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split(".route(\"").skip(1) {
                    found.push(piece.split('"').next().unwrap().to_owned());
                }
            }
        }
    }
    let known: Vec<&str> = UNDOCUMENTED.iter().map(|(_, t)| *t).collect();
    let unknown: Vec<&String> =
        found.iter().filter(|r| r.starts_with("/api/") && !known.contains(&r.as_str())).collect();
    assert!(found.len() >= 2, "the scan finds the hand-added routes: {found:?}");
    assert!(unknown.is_empty(), "routes outside the OpenAPI documents and the matrix: {unknown:?}");
}
