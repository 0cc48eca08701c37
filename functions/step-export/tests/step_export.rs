//! step-export on its own, fed CloudEvents: a message about no export, or meant for another step,
//! is poison — acknowledged, never redelivered, no file written.

use co2_testkit::{FunctionApp, cloudevent, send};
use sqlx::PgPool;
use std::sync::Arc;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn poison_is_acknowledged_and_writes_no_file(pool: PgPool) {
    let app = FunctionApp::start("step-export", pool, |ctx| {
        co2_platform::step::step_router("step-export", Arc::new(step_export::Export { ctx }))
    })
    .await;
    let nobody = uuid::Uuid::new_v4();
    for body in [
        format!(r#"{{"kind":"export","version":1,"job_id":"{nobody}"}}"#),
        r#"{"kind":"sweep","version":1}"#.to_owned(),
    ] {
        let res = send(&app.app, cloudevent(&body)).await;
        assert_eq!(res.status, 200, "{body}: {:?}", res.json());
    }
    assert!(app.ctx.blob.list("exports/").await.unwrap().is_empty());
}
