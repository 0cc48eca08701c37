//! step-ingest on its own, fed CloudEvents as Knative's SQS source sends them: a drop the
//! installation cannot take is answered next to the file; poison is acknowledged; a request that
//! is no CloudEvent is refused.

use axum::body::Body;
use co2_testkit::{FunctionApp, cloudevent, send};
use http::Request;
use sqlx::PgPool;
use std::sync::Arc;

fn created(key: &str) -> String {
    serde_json::json!({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-12-06T10:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "co2-files"}, "object": {"key": key, "size": 12, "eTag": "0123456789abcdef"}}
    }]})
    .to_string()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_drop_nobody_can_take_is_answered_next_to_it(pool: PgPool) {
    let app = FunctionApp::start("step-ingest", pool, |ctx| {
        co2_platform::step::step_router("step-ingest", Arc::new(step_ingest::Ingest { ctx }))
    })
    .await;
    let key = "dropbox/4242/2025/equipment.csv";
    app.ctx.blob.put(key, b"name,class\n".to_vec().into(), "text/csv").await.unwrap();
    let res = send(&app.app, cloudevent(&created(key))).await;
    assert_eq!(res.status, 200, "{:?}", res.json());
    let answer = app.ctx.blob.get(&format!("{key}.result.json")).await.expect("a result file next to the drop");
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["state"], "refused");
    assert!(answer["failure"].as_str().unwrap().contains("4242"), "{answer}");

    // Poison: recorded and acknowledged, never redelivered.
    assert_eq!(send(&app.app, cloudevent("not a notification")).await.status, 200);
    // No CloudEvent at all: refused with the envelope.
    let bare = send(&app.app, Request::post("/").body(Body::from("{}")).unwrap()).await;
    assert_eq!(bare.status, 400);
    assert_eq!(bare.json()["error"]["code"], "invalid_cloudevent");
}
