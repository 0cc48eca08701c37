//! Monitoring that aggregates: a real Prometheus (Debian's, started here on loopback) scrapes
//! function binaries running as their own processes, labelled as the PodMonitor labels their
//! pods, and every query of the shipped Grafana dashboard returns data — the latency panels
//! through `histogram_quantile` over the functions' request-duration histograms.

use co2_e2e::cluster::{Running, free_port, wait_listening};
use serde_json::Value;
use sqlx::PgPool;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts a function binary on its own port with the environment its Knative Service gives it.
fn function(name: &str, database_url: &str, storage: &std::path::Path) -> (Running, u16) {
    let port = free_port();
    let child = Command::new(co2_e2e::binary(name))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs([
            ("PORT", port.to_string()),
            ("HOST", "127.0.0.1".to_owned()),
            ("CO2_PROFILE", "dev".to_owned()),
            ("RUST_LOG", "warn".to_owned()),
            ("DATABASE_URL", database_url.to_owned()),
            ("SESSION_PUBLIC_KEY", co2_testkit::TEST_PUBLIC_KEY.to_owned()),
            ("SESSION_ISSUER", "co2-test".to_owned()),
            ("SESSION_AUDIENCE", "co2-calculator".to_owned()),
            ("QUEUE_BACKEND", "postgres".to_owned()),
            ("BLOB_BACKEND", "local".to_owned()),
            ("LOCAL_BLOB_DIR", storage.display().to_string()),
            ("LOCAL_BLOB_SECRET", "monitoring-test".to_owned()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let running = Running(child);
    wait_listening(name, port, None);
    (running, port)
}

/// The dashboard's queries, with its variables given this test's values.
fn dashboard_queries() -> Vec<(String, String)> {
    let path = co2_e2e::knative_dir().join("base/monitoring/co2-functions.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr =
                target["expr"].as_str().unwrap().replace("$namespace", "test").replace("$__rate_interval", "30s");
            out.push((panel["title"].as_str().unwrap().to_owned(), expr));
        }
    }
    out
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn prometheus_scrapes_the_functions_and_every_dashboard_query_has_data(pool: PgPool) {
    co2_testkit::seed(&pool).await;
    let o = pool.connect_options();
    let url =
        format!("postgres://{}@{}:{}/{}", o.get_username(), o.get_host(), o.get_port(), o.get_database().unwrap());
    let storage = co2_testkit::TempDir::new();
    // Three functions, and a fourth whose database cannot be reached (its 503s are the 5xx panel's).
    let (_reference, reference) = function("api-reference", &url, &storage.0);
    let (_docs, docs) = function("api-docs", &url, &storage.0);
    let (_aggregate, aggregate) = function("step-aggregate", &url, &storage.0);
    let (_cut_off, cut_off) = function("api-reference", "postgres://postgres@127.0.0.1:9/none", &storage.0);

    let dir = co2_testkit::TempDir::new();
    let prom_port = free_port();
    let target = |port: u16, function: &str| {
        format!("  - targets: ['127.0.0.1:{port}']\n    labels: {{namespace: test, function: {function}}}\n")
    };
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n- job_name: co2-functions\n  metrics_path: /metrics\n  static_configs:\n{}{}{}{}",
        target(reference, "api-reference"),
        target(docs, "api-docs"),
        target(aggregate, "step-aggregate"),
        target(cut_off, "api-reference"),
    );
    std::fs::write(dir.0.join("prometheus.yml"), config).unwrap();
    let _prometheus = Running(
        Command::new("prometheus")
            .arg(format!("--config.file={}", dir.0.join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", dir.0.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus (Debian's package; make test-rust installs it)"),
    );

    // Traffic: reads answered, documents served, a step message handled, and 503s.
    let token = co2_testkit::mint_token(
        &co2_testkit::ctx(pool.clone(), &storage.0, co2_platform::config::Profile::Dev).0,
        "standard",
        Some("9001"),
    )
    .await;
    let http = reqwest::Client::new();
    let base = |port: u16| format!("http://127.0.0.1:{port}");
    let sweep = r#"{"kind":"sweep","version":1}"#;
    let traffic_until = Instant::now() + Duration::from_secs(6);
    while Instant::now() < traffic_until {
        let ok = http
            .get(format!("{}/api/v1/reference/airports?q=gva", base(reference)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        assert_eq!(http.get(format!("{}/docs/openapi.json", base(docs))).send().await.unwrap().status(), 200);
        let step = http
            .post(format!("{}/", base(aggregate)))
            .header("ce-id", uuid::Uuid::new_v4().to_string())
            .header("ce-type", "dev.knative.eventing.sources.ping")
            .header("ce-source", "test")
            .header("ce-specversion", "1.0")
            .body(sweep)
            .send()
            .await
            .unwrap();
        assert_eq!(step.status(), 200);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let failed = http
        .get(format!("{}/api/v1/reference/airports?q=gva", base(cut_off)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 503);
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut empty = Vec::new();
    let queries = dashboard_queries();
    assert!(queries.iter().any(|(_, q)| q.contains("histogram_quantile")), "the latency panels use histograms");
    for (title, query) in &queries {
        let mut result = Value::Null;
        for _ in 0..50 {
            let res = http
                .get(format!("http://127.0.0.1:{prom_port}/api/v1/query"))
                .query(&[("query", query.as_str())])
                .send()
                .await;
            if let Ok(res) = res
                && let Ok(body) = res.json::<Value>().await
            {
                assert_eq!(body["status"], "success", "{title}: {query}: {body}");
                result = body["data"]["result"].clone();
                let has_data = result
                    .as_array()
                    .is_some_and(|r| r.iter().any(|s| s["value"][1].as_str().is_some_and(|v| v != "NaN")));
                if has_data {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        if !result.as_array().is_some_and(|r| r.iter().any(|s| s["value"][1].as_str().is_some_and(|v| v != "NaN"))) {
            empty.push(format!("{title}: {query} → {result}"));
        }
    }
    assert!(empty.is_empty(), "dashboard queries without data:\n{}", empty.join("\n"));
}
