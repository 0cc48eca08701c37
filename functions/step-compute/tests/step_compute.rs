//! step-compute on its own, fed CloudEvents as Knative's SQS source sends them: a message about
//! no job, or meant for another step, is poison — acknowledged (2xx), never redelivered, nothing
//! written; a request that is no CloudEvent is refused.

use axum::body::Body;
use co2_testkit::{FunctionApp, cloudevent, send};
use http::Request;
use sqlx::PgPool;
use std::sync::Arc;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn poison_is_acknowledged_and_changes_nothing(pool: PgPool) {
    let app = FunctionApp::start("step-compute", pool.clone(), |ctx| {
        co2_platform::step::step_router("step-compute", Arc::new(step_compute::Compute { ctx }))
    })
    .await;
    let nobody = uuid::Uuid::new_v4();
    let jobs = || sqlx::query_scalar::<_, i64>("select count(*) from job").fetch_one(&pool);
    let before = jobs().await.unwrap();
    for body in [
        format!(r#"{{"kind":"compute","version":1,"job_id":"{nobody}","report_module_id":"{nobody}"}}"#),
        format!(r#"{{"kind":"recalculate","version":1,"job_id":"{nobody}","slice_no":0}}"#),
        format!(r#"{{"kind":"export","version":1,"job_id":"{nobody}"}}"#),
        r#"{"kind":"compute","version":99}"#.to_owned(),
    ] {
        let res = send(&app.app, cloudevent(&body)).await;
        assert_eq!(res.status, 200, "{body}: {:?}", res.json());
    }
    assert_eq!(jobs().await.unwrap(), before);
    let bare = send(&app.app, Request::post("/").body(Body::from("{}")).unwrap()).await;
    assert_eq!(bare.status, 400);
    assert_eq!(bare.json()["error"]["code"], "invalid_cloudevent");
}
