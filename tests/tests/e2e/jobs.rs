//! Jobs never stay running forever: the admin aborts one (its staged rows go), the sweeper fails
//! the job of a dead-lettered message with the reason, and a job that stopped progressing; it
//! also settles published rows (ADR 0008).

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use sqlx::PgPool;
use std::time::Duration;

async fn staged(s: &Stack) -> i64 {
    sqlx::query_scalar(crate::support::UNPUBLISHED_ROWS).fetch_one(&s.pool).await.unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_admin_aborts_a_running_upload_and_nothing_it_staged_appears(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let admin = s.token("admin", None).await;
    let job_id = s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    // Only step-ingest runs: the rows are staged, the job is running.
    s.pumps[0].once(Duration::from_millis(50)).await.unwrap();
    assert_eq!(s.job(&principal, &job_id).await["state"], "running");
    assert_eq!(staged(&s).await, 41);

    let uri = format!("/api/v1/backoffice/jobs/{job_id}/abort");
    assert_eq!(call(&s.app, Method::POST, &uri, Some(&principal), None).await.status, 403);
    let res = call(&s.app, Method::POST, &uri, Some(&admin), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["staged_rows_removed"], 41);
    s.drain().await;
    let job = s.job(&principal, &job_id).await;
    assert_eq!(job["state"], "failed");
    assert!(job["failure"].as_str().unwrap().starts_with("aborted by"), "{job}");
    assert_eq!((staged(&s).await, s.entries(&principal, "9001").await["total"].as_i64()), (0, Some(0)));
    assert_eq!(call(&s.app, Method::POST, &uri, Some(&admin), None).await.status, 409, "already ended");
    assert_eq!(crate::support::orphan_emissions(&s.pool).await, 0);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'job.aborted'")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_dead_lettered_message_fails_its_job_with_the_reason(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let job_id = s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    // The ingest message kept failing and was dead-lettered.
    sqlx::query(
        "update queue_message set dead_lettered_at = now(), receive_count = 5,
                last_error = 'step answered 503 Service Unavailable' where queue = 'co2-ingest'",
    )
    .execute(&s.pool)
    .await
    .unwrap();
    let report = step_aggregate::sweep::sweep(&s.ctx, Duration::from_secs(900)).await.unwrap();
    assert_eq!(report.dead_lettered.len(), 1);
    let job = s.job(&principal, &job_id).await;
    assert_eq!(job["state"], "failed");
    let failure = job["failure"].as_str().unwrap();
    assert!(failure.contains("dead-lettered") && failure.contains("503"), "{failure}");
    let again = step_aggregate::sweep::sweep(&s.ctx, Duration::from_secs(900)).await.unwrap();
    assert_eq!(again, step_aggregate::sweep::SweepReport::default(), "each dead letter is handled once");

    // The pipelines console lists it among the failed uploads, with its unit and the reason.
    let admin = s.token("admin", None).await;
    let failed =
        call(&s.app, Method::GET, "/api/v1/backoffice/jobs?state=failed&kind=upload", Some(&admin), None).await;
    assert_eq!(failed.status, 200);
    let listed = failed.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["job_id"].as_str(), listed[0]["unit"].as_str()), (Some(job_id.as_str()), Some("9001")));
    assert!(listed[0]["failure"].as_str().unwrap().contains("dead-lettered"));
    let none = call(&s.app, Method::GET, "/api/v1/backoffice/jobs?state=succeeded", Some(&admin), None).await;
    assert_eq!(none.json().as_array().map(Vec::len), Some(0));
    let bad = call(&s.app, Method::GET, "/api/v1/backoffice/jobs?state=stuck", Some(&admin), None).await;
    assert_eq!((bad.status.as_u16(), bad.json()["error"]["code"].as_str()), (400, Some("invalid_state")));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_job_that_stopped_progressing_is_failed_by_the_sweeper(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let job_id = s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.pumps[0].once(Duration::from_millis(50)).await.unwrap();
    // The compute message is lost and nothing has touched the job for an hour.
    sqlx::query("delete from queue_message where queue = 'co2-compute'").execute(&s.pool).await.unwrap();
    let fresh = step_aggregate::sweep::sweep(&s.ctx, Duration::from_secs(900)).await.unwrap();
    assert!(fresh.stale.is_empty(), "a job that moved recently is left alone");
    let mut tx = s.pool.begin().await.unwrap();
    sqlx::query("set local session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query("update job set updated_at = now() - interval '1 hour' where job_id = $1::uuid")
        .bind(&job_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let report = step_aggregate::sweep::sweep(&s.ctx, Duration::from_secs(900)).await.unwrap();
    assert_eq!(report.stale.len(), 1);
    let job = s.job(&principal, &job_id).await;
    assert_eq!(job["state"], "failed");
    assert!(job["failure"].as_str().unwrap().contains("no progress for 15 minutes"), "{job}");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_sweeper_settles_published_rows_without_changing_what_readers_see(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let job_id: uuid::Uuid = s.upload(&token, "9001", "e.csv", "replace", demo_equipment()).await.parse().unwrap();
    s.drain().await;
    let before = s.entries(&token, "9001").await;
    let marked = |pool: PgPool| async move {
        sqlx::query_as::<_, (i64, i64)>(
            "select (select count(*) from data_entry where pending_job_id is not null),
                    (select count(*) from published_job)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    // Published by marking the job: its rows still carry it, and nothing is unpublished.
    assert_eq!(marked(s.pool.clone()).await, (41, 1));
    assert_eq!(staged(&s).await, 0);
    // Not yet: the sweeper settles a minute after the publication.
    let early = step_aggregate::sweep::sweep(&s.ctx, Duration::from_secs(900)).await.unwrap();
    assert!(early.settled.is_empty());
    let mut settings = (*s.ctx.settings).clone();
    settings.settle_after = Duration::ZERO;
    let ctx = co2_platform::Ctx { settings: std::sync::Arc::new(settings), ..s.ctx.clone() };
    let report = step_aggregate::sweep::sweep(&ctx, Duration::from_secs(900)).await.unwrap();
    assert_eq!(report.settled, [job_id]);
    assert_eq!(marked(s.pool.clone()).await, (0, 0));
    let after = s.entries(&token, "9001").await;
    assert_eq!(after, before, "the same entries, kg and updated_at");
    let again = step_aggregate::sweep::sweep(&ctx, Duration::from_secs(900)).await.unwrap();
    assert!(again.settled.is_empty(), "settled once");
}
