//! The journeys through the cluster's topology (`cluster.rs`): every function its own process
//! with its manifest's environment, behind an nginx edge generated from the HTTPRoute, the steps
//! fed by the SQS sources, storage on S3 with its notifications, the database through PgBouncer
//! and the replica.

use crate::support::{assert_matches_oracle, demo_equipment};
use co2_e2e::cluster::{Edge, Topology, edge_route};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The Gateway API's precedence, as nginx runs it: a backend per Service answers its name, and
/// every documented path, every SPA area and the edge cases of prefix matching reach the
/// Service that `edge::HttpRoute::route` names — the routing the route ownership check proves.
#[tokio::test]
async fn the_nginx_edge_sends_every_path_where_the_gateway_would() {
    let route = edge_route();
    let mut names: Vec<String> = route
        .rules
        .iter()
        .filter_map(|r| match &r.target {
            edge::Target::Service(s) => Some(s.clone()),
            edge::Target::Redirect { .. } => None,
        })
        .collect();
    names.sort();
    names.dedup();
    let mut ports = std::collections::BTreeMap::new();
    for name in &names {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        ports.insert(name.clone(), listener.local_addr().unwrap().port());
        let answer = name.clone();
        let app = axum::Router::new().fallback(move |uri: http::Uri, headers: http::HeaderMap| {
            let answer = answer.clone();
            async move { format!("{answer} {uri} {}", headers["host"].to_str().unwrap()) }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }
    let upstream = |name: &str| ports.get(name).map(|p| format!("127.0.0.1:{p}"));
    let edge = Edge::start(&route, &upstream);
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let mut paths: Vec<String> = crate::routes::functions()
        .into_iter()
        .flat_map(|(_, doc)| doc.paths.paths.keys().map(|t| crate::routes::concrete(t)).collect::<Vec<_>>())
        .collect();
    paths.extend(
        [
            "/",
            "/team-manager",
            "/team-manager/9001",
            "/it-manager/factors",
            "/docs",
            "/docs/openapi.json",
            "/api",
            "/api/v1/nothing",
            "/api/v1/unitsx",
            "/api/v1/entriesx/1",
            "/api/v1/units/9001/years/2025/modules/equipment/entries",
            "/metrics",
            "/api/v1/entries/units/9001/years/2025/modules/equipment?q=a%2Fb&page=2",
        ]
        .map(str::to_owned),
    );
    let mut wrong = Vec::new();
    for path in &paths {
        let res = http.get(format!("{}{path}", edge.url())).send().await.unwrap();
        let status = res.status();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        let body = res.text().await.unwrap();
        let got = match (status.as_u16(), location) {
            (200, _) => body.split(' ').next().unwrap().to_owned(),
            (s @ 300..=399, Some(l)) => format!("redirect {s} {l}"),
            (s, _) => format!("status {s}"),
        };
        let want = match route.route(path) {
            Some(edge::Target::Service(s)) => s.clone(),
            Some(edge::Target::Redirect { path, status }) => format!("redirect {status} {path}"),
            None => "status 404".to_owned(),
        };
        if got != want {
            wrong.push(format!("{path}: nginx → {got}, the Gateway → {want}"));
        }
        // The function receives the path as it was asked for, and the Host of the rewrite.
        if status == 200 {
            let mut parts = body.split(' ');
            assert_eq!(parts.nth(1), Some(path.as_str()), "the URI reaches the function unchanged");
            assert!(parts.next().unwrap().ends_with(".svc.cluster.local"), "the rewritten Host: {body}");
        }
    }
    assert!(paths.len() > 50, "{} paths", paths.len());
    assert!(wrong.is_empty(), "the edge routes differently from the Gateway:\n{}", wrong.join("\n"));
}

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn entries(t: &Topology, token: &str) -> Value {
    let path = co2_api_types::module_entries_path("9001", 2025, "equipment") + "?per_page=500";
    let (status, body) = json_of(t.request(Method::GET, &path, Some(token)).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn equipment_total(t: &Topology, token: &str) -> f64 {
    let (status, results) = json_of(
        t.request(Method::GET, "/api/v1/results/units/9001/years/2025?basis=all", Some(token)).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{results}");
    let module = results["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap().clone();
    module["totals"]["total_kg"].as_f64().unwrap()
}

fn sum_of(entries: &Value) -> f64 {
    entries["items"].as_array().unwrap().iter().filter_map(|e| e["kg_co2eq"].as_f64()).sum()
}

/// Upload → S3 → notification → SQS → step-ingest → step-compute → step-aggregate → totals;
/// then the same file dropped in the S3 drop folder, a recalculation and an export — each
/// request through the edge to the function its route names, each step fed by its SQS source.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_journeys_run_across_the_functions_behind_the_edge(pool: PgPool) {
    let t = Topology::start(pool).await;
    // Browsers upload straight to the bucket: its CORS rule lets the app's origin, and no other.
    let cors = t.cloud.s3.get_bucket_cors().bucket(&t.cloud.bucket).send().await.unwrap();
    let rule = &cors.cors_rules()[0];
    assert_eq!(rule.allowed_origins(), [t.edge.url()]);
    assert!(rule.allowed_methods().contains(&"PUT".to_owned()), "{rule:?}");
    assert!(rule.allowed_headers().contains(&"if-none-match".to_owned()), "{rule:?}");
    let principal = t.token("principal", Some("9001")).await;

    // An upload, its file PUT to S3 through the presigned link.
    let (status, up) = json_of(
        t.request(Method::POST, "/api/v1/uploads", Some(&principal))
            .json(&json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv", "mode": "replace"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{up}\n{}", t.logs());
    assert!(up["put_url"].as_str().unwrap().starts_with(&std::env::var("MOTO_ENDPOINT").unwrap()), "{up}");
    assert_eq!(crate::s3_sqs::put_presigned(&up, demo_equipment()).await, 200);
    let job = t.job_end(&principal, &format!("/api/v1/jobs/{}", up["job_id"].as_str().unwrap())).await;
    assert_eq!(job["state"], "succeeded", "{job}\n{}", t.logs());
    assert_eq!(job["rows_ok"], 41);
    let listed = entries(&t, &principal).await;
    assert_matches_oracle(&listed);
    let total = equipment_total(&t, &principal).await;
    assert!(co2_e2e::close(total, sum_of(&listed), 1e-9), "results {total} vs entries {}", sum_of(&listed));

    // The same file dropped into the S3 drop folder: a job of its own, the same rows.
    t.cloud_put("dropbox/9001/2025/equipment.csv", demo_equipment()).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let states: Vec<String> =
            sqlx::query_scalar("select state from job where kind in ('upload', 'dropbox') order by created_at")
                .fetch_all(&t.pool)
                .await
                .unwrap();
        if states.len() == 2 && states.iter().all(|s| s == "succeeded") {
            break;
        }
        assert!(Instant::now() < deadline, "the drop was not processed: {states:?}\n{}", t.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after_drop = entries(&t, &principal).await;
    assert_eq!(after_drop["items"].as_array().unwrap().len(), 41, "the drop replaced the file's rows");
    assert!(co2_e2e::close(sum_of(&after_drop), total, 1e-9));

    // A recalculation asked for by the admin, run by step-compute's recalculate messages.
    let admin = t.token("admin", None).await;
    let (status, recalc) = json_of(
        t.request(Method::POST, "/api/v1/backoffice/recalculations", Some(&admin))
            .json(&json!({"year": 2025}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(status.is_success(), "{status} {recalc}\n{}", t.logs());
    let job = t.job_end(&admin, &format!("/api/v1/jobs/{}", recalc["job_id"].as_str().unwrap())).await;
    assert_eq!(job["state"], "succeeded", "{job}\n{}", t.logs());
    assert!(co2_e2e::close(equipment_total(&t, &principal).await, total, 1e-9), "the same factors, the same total");

    // An export: step-export builds the PDF into S3; the link is a presigned S3 URL.
    let (status, asked) = json_of(
        t.request(Method::POST, "/api/v1/exports", Some(&principal))
            .json(&json!({"kind": "unit_year", "format": "pdf", "year": 2025, "unit": "9001", "basis": "all"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{asked}");
    let export = t.job_end(&principal, &format!("/api/v1/exports/{}", asked["job_id"].as_str().unwrap())).await;
    assert_eq!(export["state"], "succeeded", "{export}\n{}", t.logs());
    let pdf = reqwest::get(export["download_url"].as_str().unwrap()).await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
}

/// The cluster profile of the manifests: development sign-in is refused at the edge's
/// api-session; a session from another key is refused by every function it reaches.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_cluster_profile_refuses_dev_login_and_foreign_sessions(pool: PgPool) {
    let t = Topology::start(pool).await;
    let (status, body) = json_of(
        t.request(Method::POST, "/api/v1/auth/dev-login", None)
            .json(&json!({"persona": "principal"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "dev_login_disabled");
    let (status, body) = json_of(t.request(Method::GET, "/api/v1/session", None).send().await.unwrap()).await;
    assert_eq!(status, 401, "{body}");
    // The public documents, from api-docs (which links no other function).
    let (status, doc) = json_of(t.request(Method::GET, "/docs/openapi.json", None).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/api/v1/uploads"].is_object(), "{doc}");
    assert_eq!(t.request(Method::GET, "/docs/", None).send().await.unwrap().status(), 200);
    let init = t.request(Method::GET, "/docs/swagger-initializer.js", None).send().await.unwrap();
    assert_eq!(init.status(), 200);
    assert!(init.text().await.unwrap().contains("/docs/openapi.json"), "Swagger UI reads the shipped document");
    // Reads of every API function with a token no function's key verifies.
    // The signature's first character changed (its last one may carry padding bits only).
    let forged = {
        let token = t.token("principal", Some("9001")).await;
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let other = if signature.starts_with('A') { 'B' } else { 'A' };
        format!("{signed}.{other}{}", &signature[1..])
    };
    for path in [
        "/api/v1/session",
        "/api/v1/results/units/9001/years/2025",
        co2_api_types::module_entries_path("9001", 2025, "equipment").as_str(),
        "/api/v1/reference/airports?q=gva",
        "/api/v1/backoffice/roles",
        "/api/v1/jobs/0190a0b4-5c1d-7e00-8000-000000000001",
        "/api/v1/exports/0190a0b4-5c1d-7e00-8000-000000000001",
    ] {
        let (status, body) = json_of(t.request(Method::GET, path, Some(&forged)).send().await.unwrap()).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert!(body["error"]["code"].is_string(), "{path}: the envelope: {body}");
    }
}

/// A path of each API function: with a live session none answers 401.
const ONE_PATH_PER_FUNCTION: [&str; 8] = [
    "/api/v1/session",
    "/api/v1/units",
    "/api/v1/results/units/9001/years/2025",
    "/api/v1/entries/units/9001/years/2025/modules/equipment",
    "/api/v1/reference/airports?q=gva",
    "/api/v1/backoffice/years",
    "/api/v1/backoffice/roles",
    "/api/v1/jobs/0190a0b4-5c1d-7e00-8000-000000000001",
];

async fn statuses(t: &Topology, token: &str) -> Vec<(&'static str, u16)> {
    let mut out = Vec::new();
    for path in ONE_PATH_PER_FUNCTION {
        out.push((path, t.request(Method::GET, path, Some(token)).send().await.unwrap().status().as_u16()));
    }
    out
}

/// Sessions end everywhere at once: a sign-out at api-session, and an administrator's
/// revocation at api-access, are refused by every other function's process from the next
/// request on; the person's other sessions are untouched until "sign out everywhere".
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_ended_session_is_refused_by_every_function(pool: PgPool) {
    let t = Topology::start(pool).await;
    let (first, second, third) = (
        t.token("principal", Some("9001")).await,
        t.token("principal", Some("9001")).await,
        t.token("principal", Some("9001")).await,
    );
    for token in [&first, &second, &third] {
        assert!(statuses(&t, token).await.iter().all(|(_, s)| *s != 401), "{:?}", statuses(&t, token).await);
    }
    let out = t.request(Method::POST, "/api/v1/auth/logout", Some(&first)).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert!(statuses(&t, &first).await.iter().all(|(_, s)| *s == 401), "{:?}", statuses(&t, &first).await);
    assert!(statuses(&t, &second).await.iter().all(|(_, s)| *s != 401), "another session lives on");

    // The IT manager sees the person's sessions and ends one.
    let admin = t.token("admin", None).await;
    let (status, sessions) = json_of(
        t.request(Method::GET, "/api/v1/backoffice/users/cluster-principal-9001/sessions", Some(&admin))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{sessions}");
    let listed = sessions.as_array().unwrap();
    assert_eq!(listed.len(), 3, "{sessions}");
    assert_eq!(listed.iter().filter(|s| s["state"] == "ended").count(), 1, "{sessions}");
    let second_sid = t.auth.verify(&second).unwrap().sid;
    let revoke = format!("/api/v1/backoffice/users/cluster-principal-9001/sessions/{second_sid}");
    assert_eq!(t.request(Method::DELETE, &revoke, Some(&admin)).send().await.unwrap().status(), 204);
    assert_eq!(t.request(Method::DELETE, &revoke, Some(&admin)).send().await.unwrap().status(), 409);
    assert!(statuses(&t, &second).await.iter().all(|(_, s)| *s == 401), "{:?}", statuses(&t, &second).await);
    // A principal may not end anyone's sessions.
    let by_principal = t
        .request(Method::POST, "/api/v1/backoffice/users/cluster-admin-global/sessions/revoke", Some(&third))
        .send()
        .await
        .unwrap();
    assert_eq!(by_principal.status(), 403);

    // Sign out everywhere ends the rest.
    let fourth = t.token("principal", Some("9001")).await;
    let out = t.request(Method::POST, "/api/v1/auth/logout?everywhere=true", Some(&fourth)).send().await.unwrap();
    assert_eq!(out.status(), 204);
    for token in [&third, &fourth] {
        assert!(statuses(&t, token).await.iter().all(|(_, s)| *s == 401), "{:?}", statuses(&t, token).await);
    }
    assert!(statuses(&t, &admin).await.iter().all(|(_, s)| *s != 401), "someone else's session is untouched");
}

/// What the browser is told, through the edge, in the cluster profile: the app's pages allow no
/// inline script and no framing; API answers are not stored; HTTPS only from now on (HSTS).
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_cluster_answers_with_the_security_headers(pool: PgPool) {
    let t = Topology::start(pool).await;
    // web's answer for a client route (the app's page once `make spa` has built it; the policy
    // is on every answer of web either way).
    let page = t.request(Method::GET, "/units/9001/years/2025", None).send().await.unwrap();
    let header = |res: &reqwest::Response, name: &str| {
        res.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    };
    let csp = header(&page, "content-security-policy");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains(&format!("connect-src 'self' {}", std::env::var("MOTO_ENDPOINT").unwrap())), "{csp}");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert!(header(&page, "strict-transport-security").starts_with("max-age=31536000"));
    let api =
        t.request(Method::GET, "/api/v1/session", Some(&t.token("standard", Some("9001")).await)).send().await.unwrap();
    assert_eq!(api.status(), 200);
    assert_eq!(header(&api, "cache-control"), "no-store");
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
    assert!(header(&api, "content-security-policy").starts_with("default-src 'none'"));
    assert!(header(&api, "strict-transport-security").starts_with("max-age="));
    let docs = t.request(Method::GET, "/docs/", None).send().await.unwrap();
    assert!(header(&docs, "content-security-policy").contains("frame-ancestors 'none'"));
    // The session cookie a sign-in sets is Secure in this profile (see the logout's cookie).
    let out = t.request(Method::POST, "/api/v1/auth/logout", None).send().await.unwrap();
    assert!(header(&out, "set-cookie").contains("; Secure"), "{}", header(&out, "set-cookie"));
}

/// The sweeper as the PingSource triggers it: the job of a message in a dead-letter queue is
/// failed with the reason, and the queue emptied.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_ping_source_runs_the_sweeper_over_the_dead_letter_queues(pool: PgPool) {
    let t = Topology::start(pool).await;
    let unit = co2_db::org::unit_by_institutional_id(&t.pool, "9001").await.unwrap().unwrap();
    let job_id = co2_db::job::create(
        &t.pool,
        co2_db::job::NewJob { kind: "export", unit_id: Some(unit.unit_id), year: 2025, module: None, created_by: None },
    )
    .await
    .unwrap();
    co2_db::job::start(&t.pool, job_id).await.unwrap();
    let message = co2_platform::events::StepMessage::Export(co2_platform::events::ExportMessage {
        version: 1,
        job_id,
        consistent_with: None,
    });
    t.cloud_send("co2-export-dlq", &serde_json::to_string(&message).unwrap()).await;
    assert_eq!(t.ping("co2-jobs-sweep").await, 200, "{}", t.logs());
    let job = co2_db::job::get(&t.pool, job_id).await.unwrap().unwrap();
    assert_eq!(job.state, co2_db::job::JobState::Failed);
    assert!(job.failure.unwrap_or_default().contains("dead-lettered"));
    assert_eq!(t.cloud.queue_len("co2-export-dlq").await, 0);
}
