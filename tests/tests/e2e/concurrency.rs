//! A busy office: many people editing one module at once. The module lock serialises the
//! writers; every request completes, because none waits for a second connection while it holds
//! one, and the module's total is the sum of its entries afterwards.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::Duration;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn concurrent_edits_creates_and_deletes_on_one_module_all_succeed(_: PgPoolOptions, options: PgConnectOptions) {
    // The embedded default's pool: 4 connections, 5 s to get one.
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .unwrap();
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "e.csv", "append", demo_equipment()).await;
    s.drain().await;
    let before = s.entries(&principal, "9001").await;
    let items = before["items"].as_array().unwrap().clone();
    assert!(items.len() >= 16, "the demo file has enough rows");

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (app, token) = (s.app.clone(), principal.clone());
        let edited = &items[i];
        let mut data = edited["data"].clone();
        data["name"] = json!(format!("edited {i}"));
        let body = json!({"entry_type": edited["entry_type"], "data": data});
        let uri = format!("/api/v1/entries/{}", edited["entry_id"].as_str().unwrap());
        tasks.spawn(async move { ("edit", call(&app, Method::PATCH, &uri, Some(&token), Some(body)).await.status) });

        let (app, token) = (s.app.clone(), principal.clone());
        let body = json!({"entry_type": "it",
            "data": {"equipment_id": format!("NEW-{i}"), "name": "Laptop", "equipment_class": "Laptop"}});
        tasks.spawn(async move {
            let uri = "/api/v1/entries/units/9001/years/2025/modules/equipment";
            ("create", call(&app, Method::POST, uri, Some(&token), Some(body)).await.status)
        });

        let (app, token) = (s.app.clone(), principal.clone());
        let uri = format!("/api/v1/entries/{}", items[8 + i]["entry_id"].as_str().unwrap());
        tasks.spawn(async move { ("delete", call(&app, Method::DELETE, &uri, Some(&token), None).await.status) });
    }
    let mut refused = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (what, status) = done.unwrap();
        if !status.is_success() {
            refused.push(format!("{what}: {status}"));
        }
    }
    assert!(refused.is_empty(), "every concurrent write completes: {refused:?}");

    let after = s.entries(&principal, "9001").await;
    let after_items = after["items"].as_array().unwrap();
    assert_eq!(after_items.len(), items.len(), "8 created and 8 deleted");
    assert_eq!(
        after_items.iter().filter(|e| e["data"]["name"].as_str().is_some_and(|n| n.starts_with("edited "))).count(),
        8
    );
    let sum: f64 = after_items.iter().filter_map(|e| e["kg_co2eq"].as_f64()).sum();
    let total = after["module_kg_co2eq"].as_f64().unwrap_or_default();
    assert!((sum - total).abs() < 1e-6 * sum.max(1.0), "module total {total} is the sum of its entries {sum}");
}
