//! The embedded server on a real socket, with the dispatcher running in the background, driven by
//! an HTTP client with a cookie jar: the wiring `make run` uses.

use crate::support::{assert_matches_oracle, demo_equipment};
use co2_platform::config::Profile;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::time::Duration;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_embedded_server_runs_the_upload_journey_over_http(pool: PgPool) {
    co2_testkit::seed(&pool).await;
    co2_platform::telemetry::prometheus();
    let dir = co2_testkit::TempDir::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (ctx, _) = co2_testkit::ctx(pool.clone(), &dir.0, Profile::Dev);
    // Links must point at this listener.
    let local = std::sync::Arc::new(co2_platform::blob::LocalBlob::new(dir.0.clone(), b"k", &base));
    let settings = co2_platform::config::Settings { public_base_url: base.clone(), ..(*ctx.settings).clone() };
    let ctx = co2_platform::Ctx { blob: local.clone(), settings: std::sync::Arc::new(settings), ..ctx };
    let app = devstack::app(&ctx, Some(local), &dir.0, None);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let pumps: Vec<_> =
        devstack::pumps(&ctx, Duration::from_millis(200)).into_iter().map(|p| tokio::spawn(p.run())).collect();

    // As a browser on the app's own pages: the session cookie, and the page's origin on changes.
    let mut page_origin = reqwest::header::HeaderMap::new();
    page_origin.insert("origin", base.parse().unwrap());
    let client = reqwest::Client::builder().cookie_store(true).default_headers(page_origin).build().unwrap();
    let login = client
        .post(format!("{base}/api/v1/auth/dev-login"))
        .json(&json!({"persona": "principal", "unit": "9001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let up: Value = client
        .post(format!("{base}/api/v1/uploads"))
        .json(&json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "equipments.csv", "mode": "replace"}))
        .send().await.unwrap().json().await.unwrap();
    let put = client.put(up["put_url"].as_str().unwrap()).body(demo_equipment()).send().await.unwrap();
    assert_eq!(put.status(), 200);

    let job_url = format!("{base}/api/v1/jobs/{}", up["job_id"].as_str().unwrap());
    let mut job = Value::Null;
    for _ in 0..200 {
        job = client.get(&job_url).send().await.unwrap().json().await.unwrap();
        if job["state"] == "succeeded" || job["state"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(job["state"], "succeeded", "{job}");
    let entries: Value = client
        .get(format!("{base}/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=500"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_matches_oracle(&entries);
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("http_requests_total{"), "request metrics are exported: {metrics}");
    let docs = client.get(format!("{base}/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"), "Swagger UI is served from the binary");
    let spec: Value = client.get(format!("{base}/docs/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/api/v1/uploads"].is_object());
    let missing = client.get(format!("{base}/api/v1/nothing-here")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await.unwrap()["error"]["code"], "route_not_found");
    for p in pumps {
        p.abort();
    }
    server.abort();
}
