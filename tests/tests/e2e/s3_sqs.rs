//! The cloud path against a real S3+SQS-compatible server (moto, started by `make test` on
//! loopback; `MOTO_ENDPOINT` says where): presigned PUT to S3 → bucket notification → SQS →
//! step → rows, through the aws-sdk code paths the functions use in production.
//!
//! The SDK reads `AWS_ENDPOINT_URL`, `AWS_REGION` and credentials from the environment that
//! `make test` sets. Every test uses its own bucket and queues, so tests run in parallel.

use crate::support::{assert_matches_oracle, demo_equipment};
use co2_e2e::cloud::{Cloud, endpoint};
use co2_platform::blob::S3Blob;
use co2_platform::config::Profile;
use co2_platform::dispatch::{Pump, drain};
use co2_platform::queue::SqsQueue;
use co2_testkit::call;
use http::Method;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

struct CloudStack {
    cloud: Cloud,
    ctx: co2_platform::Ctx,
    app: axum::Router,
    pumps: Vec<Pump>,
    pool: PgPool,
}

async fn cloud_stack(pool: PgPool) -> CloudStack {
    co2_testkit::seed(&pool).await;
    let cloud = Cloud::new().await;
    let settings = co2_testkit::settings(Profile::Dev, &cloud.suffix);
    let ctx = co2_platform::Ctx {
        pools: co2_db::Pools::single(pool.clone()),
        blob: Arc::new(S3Blob::new(cloud.bucket.clone(), true)),
        queue: Arc::new(SqsQueue::new()),
        auth: Arc::new(co2_testkit::auth_keys(&settings)),
        settings: Arc::new(settings),
    };
    let app = devstack::app(&ctx, None, std::path::Path::new("/nonexistent"), None);
    let pumps = devstack::pumps(&ctx, Duration::ZERO);
    CloudStack { cloud, ctx, app, pumps, pool }
}

/// PUTs `bytes` to an upload's presigned URL with the headers it requires.
pub(crate) async fn put_presigned(upload: &serde_json::Value, bytes: Vec<u8>) -> reqwest::StatusCode {
    let mut put = reqwest::Client::new().put(upload["put_url"].as_str().unwrap()).body(bytes);
    for (k, v) in upload["put_headers"].as_object().unwrap() {
        put = put.header(k, v.as_str().unwrap());
    }
    put.send().await.unwrap().status()
}

/// Asks for unit 9001's 2025 PDF report; returns its job.
async fn ask_pdf_export(s: &CloudStack, token: &str) -> uuid::Uuid {
    let body = json!({"kind": "unit_year", "format": "pdf", "year": 2025, "unit": "9001"});
    let res = call(&s.app, Method::POST, "/api/v1/exports", Some(token), Some(body)).await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    res.json()["job_id"].as_str().unwrap().parse().unwrap()
}

async fn rows(pool: &PgPool) -> (i64, i64, f64) {
    sqlx::query_as("select (select count(*) from data_entry), (select count(*) from emission), (select coalesce(sum(kg_co2eq), 0) from emission)")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_upload_to_s3_flows_through_the_notification_and_the_queues_to_rows(pool: PgPool) {
    let s = cloud_stack(pool).await;
    let token = co2_testkit::mint_token(&s.ctx, "principal", Some("9001")).await;
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&token),
        Some(json!({
            "unit": "9001", "year": 2025, "module": "equipment", "filename": "équipements 2025.csv", "mode": "replace"
        })),
    )
    .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let up = res.json();
    let put_url = up["put_url"].as_str().unwrap();
    assert!(put_url.starts_with(&endpoint()), "a presigned S3 URL: {put_url}");
    assert_eq!(put_presigned(&up, demo_equipment()).await, 200);
    assert!(s.cloud.queue_len("co2-ingest").await >= 1, "S3 notified the ingest queue");

    drain(&s.pumps, 200).await.unwrap();
    let job =
        call(&s.app, Method::GET, &format!("/api/v1/jobs/{}", up["job_id"].as_str().unwrap()), Some(&token), None)
            .await
            .json();
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["rows_ok"], 41);
    // The link creates its object once: a replay cannot replace the file that was processed.
    assert_eq!(put_presigned(&up, b"replaced".to_vec()).await, reqwest::StatusCode::PRECONDITION_FAILED);
    let key = sqlx::query_scalar::<_, String>("select object_key from upload where upload_id = $1")
        .bind(uuid::Uuid::parse_str(up["upload_id"].as_str().unwrap()).unwrap())
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(s.ctx.blob.get(&key).await.unwrap().to_vec(), demo_equipment(), "the original stays");
    let entries = call(
        &s.app,
        Method::GET,
        "/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=500",
        Some(&token),
        None,
    )
    .await
    .json();
    assert_matches_oracle(&entries);

    // An export through SQS co2-export into S3 exports/, downloaded from its presigned S3 link;
    // its own ObjectCreated event reaches step-ingest, which leaves it alone.
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/exports",
        Some(&token),
        Some(json!({"kind": "unit_year", "format": "pdf", "year": 2025, "unit": "9001", "basis": "all"})),
    )
    .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(s.cloud.queue_len("co2-export").await, 1, "the request is queued in SQS");
    drain(&s.pumps, 200).await.unwrap();
    let id = res.json()["job_id"].as_str().unwrap().to_owned();
    let export = call(&s.app, Method::GET, &format!("/api/v1/exports/{id}"), Some(&token), None).await.json();
    assert_eq!(export["state"], "succeeded", "{export}");
    let link = export["download_url"].as_str().unwrap();
    assert!(link.starts_with(&endpoint()), "a presigned S3 link: {link}");
    let pdf = reqwest::get(link).await.unwrap();
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(export["bytes"].as_i64(), Some(bytes.len() as i64));
    assert_eq!(rows(&s.pool).await.0, 41, "the export's object loaded nothing");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn dropping_the_same_object_twice_in_the_s3_drop_folder_leaves_the_same_rows(pool: PgPool) {
    let s = cloud_stack(pool).await;
    let key = "dropbox/9001/2025/equipment.csv";
    s.ctx.blob.put(key, demo_equipment().into(), "text/csv").await.unwrap();
    drain(&s.pumps, 200).await.unwrap();
    let first = rows(&s.pool).await;
    assert_eq!(first.0, 41);
    assert_eq!(first.1, 40);
    s.cloud.s3.put_object().bucket(&s.cloud.bucket).key(key).body(demo_equipment().into()).send().await.unwrap();
    drain(&s.pumps, 200).await.unwrap();
    assert_eq!(rows(&s.pool).await, first);
    let states: Vec<String> = sqlx::query_scalar("select state from job").fetch_all(&s.pool).await.unwrap();
    assert_eq!(states, ["succeeded"]);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn poison_is_acknowledged_and_every_step_queues_dead_letters_reach_the_sweeper(pool: PgPool) {
    let s = cloud_stack(pool).await;
    let ingest = format!("co2-ingest{}", s.cloud.suffix);
    s.ctx.queue.send(&ingest, "not an S3 event").await.unwrap();
    drain(&s.pumps, 50).await.unwrap();
    assert_eq!(s.cloud.queue_len("co2-ingest").await, 0);
    assert_eq!(s.cloud.queue_len("co2-ingest-dlq").await, 0, "poison is acknowledged, not dead-lettered");

    // Steps that keep failing: after the redrive policy's receives, each message moves to its
    // own queue's dead-letter queue.
    let failing =
        axum::Router::new().route("/", axum::routing::post(|| async { http::StatusCode::SERVICE_UNAVAILABLE }));
    let pump_of = |queue: &str| Pump {
        queue: s.ctx.queue.clone(),
        queue_name: format!("{queue}{}", s.cloud.suffix),
        target: failing.clone(),
        visibility: Duration::from_secs(30),
        retry_after: Duration::ZERO,
        concurrency: 1,
    };
    let compute = pump_of("co2-compute");
    s.ctx.queue.send(&compute.queue_name, "{}").await.unwrap();
    let token = co2_testkit::mint_token(&s.ctx, "principal", Some("9001")).await;
    let job_id = ask_pdf_export(&s, &token).await;
    let export = pump_of("co2-export");
    let resources = cloud_resources::Resources::load(&cloud_resources::Resources::repository_file()).unwrap();
    for _ in 0..=resources.queue_defaults.max_receives + 1 {
        compute.once(Duration::from_millis(0)).await.unwrap();
        export.once(Duration::from_millis(0)).await.unwrap();
    }
    assert_eq!(s.cloud.queue_len("co2-compute-dlq").await, 1, "the redrive policy moved it to its DLQ");
    assert_eq!(s.cloud.queue_len("co2-export-dlq").await, 1);

    // The sweeper reads every dead-letter queue: the job of a dead-lettered message fails with
    // the reason, and the queues are emptied.
    let report = step_aggregate::sweep::sweep(&s.ctx, Duration::from_secs(900)).await.unwrap();
    assert_eq!(report.dead_lettered, [job_id]);
    let job = co2_db::job::get(&s.pool, job_id).await.unwrap().unwrap();
    assert_eq!(job.state, co2_db::job::JobState::Failed);
    assert!(job.failure.unwrap_or_default().contains("dead-lettered"));
    for dlq in resources.dead_letter_queues() {
        assert_eq!(s.cloud.queue_len(dlq).await, 0, "the sweeper removed what it handled in {dlq}");
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_dead_letter_queue_that_cannot_be_read_does_not_stop_the_sweep(pool: PgPool) {
    let s = cloud_stack(pool).await;
    // A job that stopped progressing long ago, and a sweeper told of a queue that does not exist.
    let token = co2_testkit::mint_token(&s.ctx, "principal", Some("9001")).await;
    let job_id = ask_pdf_export(&s, &token).await;
    sqlx::query("update job set state = 'running' where job_id = $1").bind(job_id).execute(&s.pool).await.unwrap();
    let mut settings = (*s.ctx.settings).clone();
    settings.dead_letter_queues.insert(0, format!("co2-missing{}", s.cloud.suffix));
    let ctx = co2_platform::Ctx { settings: Arc::new(settings), ..s.ctx.clone() };
    // Stale after no time at all: the running job has not moved since it started.
    let swept = step_aggregate::sweep::sweep(&ctx, Duration::ZERO).await;
    assert!(swept.is_err(), "the unreadable queue is reported");
    let job = co2_db::job::get(&s.pool, job_id).await.unwrap().unwrap();
    assert_eq!(job.state, co2_db::job::JobState::Failed, "the stale job was failed all the same");
}
