//! step-aggregate on its own, fed CloudEvents: the sweeper's schedule fails a job that stopped
//! progressing (no job stays running forever), and a message about no job is acknowledged.

use co2_db::job::{JobState, NewJob};
use co2_testkit::{FunctionApp, cloudevent, send};
use sqlx::PgPool;
use std::sync::Arc;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_sweep_fails_a_stalled_job_and_poison_is_acknowledged(pool: PgPool) {
    let app = FunctionApp::start("step-aggregate", pool.clone(), |ctx| {
        co2_platform::step::step_router("step-aggregate", Arc::new(step_aggregate::Aggregate { ctx }))
    })
    .await;
    let job = NewJob { kind: "recalculation", unit_id: None, year: 2025, module: Some("equipment"), created_by: None };
    let stalled = co2_db::job::create(&pool, job).await.unwrap();
    let fresh = co2_db::job::create(&pool, job).await.unwrap();
    sqlx::query("update job set state = 'running' where job_id = any($1)")
        .bind(vec![stalled, fresh])
        .execute(&pool)
        .await
        .unwrap();
    // Nothing has touched the stalled one for two hours (past the trigger that dates each change).
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("set local session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query("update job set updated_at = now() - interval '2 hours' where job_id = $1")
        .bind(stalled)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let res = send(&app.app, cloudevent(r#"{"kind":"sweep","version":1}"#)).await;
    assert_eq!(res.status, 200, "{:?}", res.json());
    let swept = co2_db::job::get(&pool, stalled).await.unwrap().unwrap();
    assert_eq!(swept.state, JobState::Failed);
    assert!(swept.failure.is_some_and(|f| !f.is_empty()), "the job says why");
    let progressing = co2_db::job::get(&pool, fresh).await.unwrap().unwrap();
    assert_eq!(progressing.state, JobState::Running, "a job that progresses is left alone");

    let nobody = uuid::Uuid::new_v4();
    let unknown = format!(r#"{{"kind":"aggregate","version":1,"job_id":"{nobody}","report_module_id":"{nobody}"}}"#);
    assert_eq!(send(&app.app, cloudevent(&unknown)).await.status, 200);
}
