//! The embedded path: local-disk storage whose writes notify, the PostgreSQL queue, in-process
//! dispatch to the steps — the same code paths as `make run`.

use crate::support::{Stack, assert_matches_oracle, demo_equipment};
use co2_platform::dispatch::Pump;
use co2_platform::events::{AggregateMessage, ComputeMessage, STEP_MESSAGE_VERSION, StepMessage};
use co2_testkit::call;
use http::Method;
use serde_json::json;
use sqlx::PgPool;
use std::time::Duration;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn uploading_the_demo_equipment_file_gives_exactly_the_expected_rows(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;

    let job_id = s.upload(&token, "9001", "equipments.csv", "replace", demo_equipment()).await;
    let queued = s.job(&token, &job_id).await;
    assert_eq!(queued["state"], "queued");
    s.drain().await;

    let job = s.job(&token, &job_id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["rows_ok"], 41);
    assert_eq!(job["rows_failed"], 0);
    assert_eq!(job["progress"], 1.0);
    let entries = s.entries(&token, "9001").await;
    assert_matches_oracle(&entries);
    let flux =
        entries["items"].as_array().unwrap().iter().find(|i| i["data"]["equipment_class"] == "Flux capacitor").unwrap();
    assert!(flux["kg_co2eq"].is_null());
    assert!(flux["incomplete_reason"].as_str().unwrap().contains("Flux capacitor"));

    let results = call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&token), None).await.json();
    let equipment = results["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap();
    // expected_summary_2025.csv: equipment scope 2 = headline = 5890.87 kg (rounded to 2 dp).
    assert!((equipment["totals"]["scope2_kg"].as_f64().unwrap() - 5890.87).abs() < 0.005, "{equipment}");
    assert_eq!(equipment["totals"]["scope1_kg"], 0.0);
    assert_eq!(equipment["status"], "in_progress");
    assert_eq!(results["completion_progress"], "0/8");
    assert_eq!(results["core"]["total_kg"], 0.0, "nothing is validated yet");
}

/// Two workers of `step`, each its own instance, handed the same CloudEvent at the same time.
async fn deliver_twice_at_once(s: &Stack, step: &'static str, body: &str) -> (u16, u16) {
    let worker = |n: usize| -> axum::Router {
        let handler: std::sync::Arc<dyn co2_platform::StepHandler> = match step {
            "step-ingest" => std::sync::Arc::new(step_ingest::Ingest { ctx: s.ctx.clone() }),
            "step-aggregate" => std::sync::Arc::new(step_aggregate::Aggregate { ctx: s.ctx.clone() }),
            other => panic!("no worker for {other} ({n})"),
        };
        co2_platform::step::step_router(step, handler)
    };
    let event = |id: &str| {
        http::Request::post("/")
            .header("ce-id", id)
            .header("ce-type", "dev.knative.connector.event.aws-sqs")
            .header("ce-source", "test")
            .header("ce-specversion", "1.0")
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap()
    };
    let (one, two) = (worker(1), worker(2));
    let (a, b) = tokio::join!(co2_testkit::send(&one, event("m-1")), co2_testkit::send(&two, event("m-1")));
    (a.status.as_u16(), b.status.as_u16())
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_same_message_on_two_workers_at_once_leaves_the_state_of_one(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let job_id = s.upload(&token, "9001", "equipments.csv", "append", demo_equipment()).await;
    // The storage's notification, taken off the queue and handed to two ingest workers at once.
    let ingest = s.ctx.queue.receive("co2-ingest", 10, Duration::from_secs(60), Duration::ZERO).await.unwrap();
    assert_eq!(ingest.len(), 1);
    let statuses = deliver_twice_at_once(&s, "step-ingest", &ingest[0].body).await;
    s.ctx.queue.ack("co2-ingest", &ingest[0]).await.unwrap();
    assert!(statuses.0 < 500 || statuses.1 < 500, "one of them did the work: {statuses:?}");
    // Then the hand-over to publication, to two aggregate workers at once.
    let aggregate = s.ctx.queue.receive("co2-aggregate", 10, Duration::from_secs(60), Duration::ZERO).await.unwrap();
    assert!(!aggregate.is_empty(), "ingest handed the job on");
    deliver_twice_at_once(&s, "step-aggregate", &aggregate[0].body).await;
    for d in &aggregate {
        s.ctx.queue.ack("co2-aggregate", d).await.unwrap();
    }
    s.drain().await;

    let (entries, emissions, _, _) = s.snapshot().await;
    assert_eq!((entries, emissions), (41, 40), "the rows of one delivery");
    assert_matches_oracle(&s.entries(&token, "9001").await);
    assert_eq!(s.job(&token, &job_id).await["state"], "succeeded");
    let published: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'upload.published'")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(published, 1, "published once");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn every_message_delivered_three_times_leaves_the_same_rows(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let job_id = s.upload(&token, "9001", "equipments.csv", "append", demo_equipment()).await;
    s.drain().await;
    let before = s.snapshot().await;
    assert_eq!(before.0, 41);

    // Redeliver the storage notification and both step messages, three times each.
    let upload: (String, uuid::Uuid) =
        sqlx::query_as("select object_key, job_id from upload").fetch_one(&s.pool).await.unwrap();
    let bytes = demo_equipment();
    let event = co2_platform::events::s3_object_created(
        "local",
        &upload.0,
        bytes.len() as u64,
        &co2_platform::blob::etag_of(&bytes),
    );
    let rm: uuid::Uuid =
        sqlx::query_scalar("select report_module_id from data_entry limit 1").fetch_one(&s.pool).await.unwrap();
    let job = uuid::Uuid::parse_str(&job_id).unwrap();
    let compute =
        StepMessage::Compute(ComputeMessage { version: STEP_MESSAGE_VERSION, job_id: job, report_module_id: rm })
            .to_body();
    let aggregate = StepMessage::Aggregate(AggregateMessage {
        version: STEP_MESSAGE_VERSION,
        job_id: Some(job),
        report_module_id: rm,
    })
    .to_body();
    for _ in 0..3 {
        s.ctx.queue.send("co2-ingest", &event).await.unwrap();
        s.ctx.queue.send("co2-compute", &compute).await.unwrap();
        s.ctx.queue.send("co2-aggregate", &aggregate).await.unwrap();
    }
    s.drain().await;
    assert_eq!(s.snapshot().await, before);
    assert_eq!(s.job(&token, &job_id).await["state"], "succeeded");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_dropped_file_is_processed_like_an_upload_and_dropping_it_twice_changes_nothing(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let key = "dropbox/9001/2025/equipment.csv";
    use co2_platform::blob::BlobStore;
    s.local.put(key, demo_equipment().into(), "text/csv").await.unwrap();
    s.drain().await;
    let first = s.snapshot().await;
    assert_eq!(first.0, 41);
    assert_matches_oracle(&s.entries(&token, "9001").await);

    // The same object again, and its notification once more.
    s.local.put(key, demo_equipment().into(), "text/csv").await.unwrap();
    s.drain().await;
    assert_eq!(s.snapshot().await, first);

    // A changed file replaces the file-loaded rows of the entry types it carries (DOMAIN §2.2):
    // its 10 scientific rows replace the 27 scientific ones; IT and other rows stay.
    let text = String::from_utf8(demo_equipment()).unwrap();
    let fewer: String = text.lines().take(11).map(|l| format!("{l}\n")).collect();
    s.local.put(key, fewer.into_bytes().into(), "text/csv").await.unwrap();
    s.drain().await;
    assert_eq!(s.snapshot().await.0, 41 - 27 + 10);
    let jobs: Vec<(String, String)> =
        sqlx::query_as("select kind, state from job order by created_at").fetch_all(&s.pool).await.unwrap();
    assert_eq!(jobs, vec![("dropbox".into(), "succeeded".into()), ("dropbox".into(), "succeeded".into())]);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn replace_swaps_the_file_rows_and_append_adds_to_them(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    // A manual entry survives file replaces.
    let manual = call(&s.app, Method::POST, "/api/v1/entries/units/9001/years/2025/modules/equipment", Some(&token),
        Some(json!({"entry_type": "it", "data": {"equipment_id": "M-1", "name": "Laptop", "equipment_class": "Laptop", "kg_co2eq": 12.5}}))).await;
    assert_eq!(manual.status, 201, "{}", String::from_utf8_lossy(&manual.body));
    s.upload(&token, "9001", "a.csv", "append", demo_equipment()).await;
    s.drain().await;
    s.upload(&token, "9001", "b.csv", "append", demo_equipment()).await;
    s.drain().await;
    assert_eq!(s.entries(&token, "9001").await["total"], 83);
    s.upload(&token, "9001", "c.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let page = s.entries(&token, "9001").await;
    assert_eq!(page["total"], 42);
    let kg = page["module_kg_co2eq"].as_f64().unwrap();
    assert!((kg - (5890.867424 + 12.5)).abs() < 1e-6, "{kg}");
    assert_eq!(crate::support::orphan_emissions(&s.pool).await, 0, "replaced rows took their emissions along");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn invalid_rows_are_reported_and_the_valid_rows_of_the_file_are_stored(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let file = "equipment_id,name,equipment_class,sub_class,active_usage_hours_per_week,standby_usage_hours_per_week,equipment_category\n\
                A-1,Centrifuge,Centrifugation,Ultra centrifuges,40,128,scientific\n\
                A-2,Broken,Centrifugation,,100,100,scientific\n\
                A-3,,Centrifugation,,NaN,1,laser\n";
    let job_id = s.upload(&token, "9001", "mixed.csv", "append", file.as_bytes().to_vec()).await;
    s.drain().await;
    let job = s.job(&token, &job_id).await;
    assert_eq!(job["state"], "succeeded");
    assert_eq!((job["rows_ok"].as_i64(), job["rows_failed"].as_i64()), (Some(1), Some(2)));
    let errors = job["errors"].as_array().unwrap();
    let triples: Vec<(u64, &str, &str)> = errors
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap_or(""), e["code"].as_str().unwrap()))
        .collect();
    assert!(triples.contains(&(3, "standby_usage_hours_per_week", "hours_exceed_week")), "{triples:?}");
    assert!(triples.contains(&(4, "name", "required")), "{triples:?}");
    assert!(triples.contains(&(4, "active_usage_hours_per_week", "invalid_integer")), "{triples:?}");
    assert!(triples.contains(&(4, "equipment_category", "invalid_choice")), "{triples:?}");
    let report = co2_testkit::get_link(&s.app, job["errors_url"].as_str().unwrap()).await;
    assert_eq!(report.status, 200);
    let text = String::from_utf8(report.body).unwrap();
    assert!(text.starts_with("row,column,code,message"));
    assert_eq!(text.lines().count(), 1 + errors.len());
    assert_eq!(s.entries(&token, "9001").await["total"], 1);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_refused_file_fails_its_job_and_keeps_what_was_stored(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "good.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let before = s.snapshot().await;
    for (name, bytes, reason) in [
        ("nocolumns.csv", b"name,equipment_class\nx,y\n".to_vec(), "missing required column"),
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8".to_vec(), "not text"),
        ("empty.csv", Vec::new(), "empty"),
    ] {
        let job_id = s.upload(&token, "9001", name, "replace", bytes).await;
        s.drain().await;
        let job = s.job(&token, &job_id).await;
        assert_eq!(job["state"], "failed", "{name}");
        assert!(job["failure"].as_str().unwrap().contains(reason), "{name}: {job}");
        assert_eq!(s.snapshot().await, before, "{name} must not touch stored rows");
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn poison_messages_are_acknowledged_without_effect(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "good.csv", "append", demo_equipment()).await;
    s.drain().await;
    let before = s.snapshot().await;
    for (queue, body) in [
        ("co2-ingest", "this is not json".to_owned()),
        ("co2-ingest", r#"{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"local"},"object":{"key":"dropbox/nowhere/2025/equipment.csv"}}}]}"#.to_owned()),
        ("co2-ingest", r#"{"Service":"Amazon S3","Event":"s3:TestEvent"}"#.to_owned()),
        ("co2-compute", r#"{"kind":"compute","version":1,"job_id":"00000000-0000-0000-0000-000000000001","report_module_id":"00000000-0000-0000-0000-000000000002"}"#.to_owned()),
        ("co2-aggregate", r#"{"kind":"aggregate","version":9}"#.to_owned()),
    ] {
        s.ctx.queue.send(queue, &body).await.unwrap();
    }
    s.drain().await;
    assert_eq!(s.snapshot().await, before);
    for q in ["co2-ingest", "co2-compute", "co2-aggregate"] {
        assert_eq!(co2_db::queue::depth(&s.pool, q).await.unwrap(), 0, "{q} is empty: poison acked, not retried");
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_failure_that_a_retry_would_repeat_fails_the_job_at_once(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    // A rule of the database that one row of the file breaks: every delivery would fail alike.
    sqlx::raw_sql(
        "create function refuse_boom() returns trigger language plpgsql as $$
         begin
           if new.data->>'equipment_id' = 'BOOM' then
             raise exception 'refused by a rule' using errcode = 'check_violation';
           end if;
           return new;
         end $$;
         create trigger refuse_boom before insert on data_entry for each row execute function refuse_boom();",
    )
    .execute(&s.pool)
    .await
    .unwrap();
    let token = s.token("principal", Some("9001")).await;
    let mut file = demo_equipment();
    if !file.ends_with(b"\n") {
        file.push(b'\n');
    }
    file.extend_from_slice(b"9001,BOOM,Rule breaker,Centrifugation,Ultra centrifuges,40,128,,,scientific\n");
    let job_id = s.upload(&token, "9001", "e.csv", "append", file).await;
    s.drain().await;
    let job = s.job(&token, &job_id).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["failure"], co2_platform::step::PERMANENT_FAILURE_REASON, "{job}");
    let (received, dead): (i64, i64) = sqlx::query_as(
        "select coalesce(max(receive_count), 0)::int8, count(*) filter (where dead_lettered_at is not null)
         from queue_message where queue = 'co2-ingest'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!((received, dead), (0, 0), "acknowledged at the first delivery, never dead-lettered");
    assert_eq!(co2_db::queue::depth(&s.pool, "co2-ingest").await.unwrap(), 0);
    assert_eq!(s.snapshot().await.0, 0, "nothing of the file is stored");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_message_that_keeps_failing_is_dead_lettered_and_others_still_flow(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    // A step that is always unavailable.
    let failing =
        axum::Router::new().route("/", axum::routing::post(|| async { http::StatusCode::SERVICE_UNAVAILABLE }));
    let pump = Pump {
        queue: s.ctx.queue.clone(),
        queue_name: "co2-flaky".into(),
        target: failing,
        visibility: Duration::from_secs(30),
        retry_after: Duration::ZERO,
        concurrency: 1,
    };
    s.ctx.queue.send("co2-flaky", "{}").await.unwrap();
    for _ in 0..10 {
        pump.once(Duration::from_millis(10)).await.unwrap();
    }
    let dead = co2_db::queue::dead_letters(&s.pool, "co2-flaky").await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].receive_count, co2_platform::queue::MAX_RECEIVES);
    assert!(dead[0].last_error.as_deref().unwrap().contains("503"));
    // The pipeline's own queues are unaffected.
    let token = s.token("principal", Some("9001")).await;
    let job = s.upload(&token, "9001", "good.csv", "append", demo_equipment()).await;
    s.drain().await;
    assert_eq!(s.job(&token, &job).await["state"], "succeeded");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn d3_a_validated_module_refuses_uploads_and_edits_with_409(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    sqlx::query("update report_module set status = 2 where module = 'equipment'").execute(&s.pool).await.unwrap();
    let up = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&token),
        Some(json!({
        "unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv"})),
    )
    .await;
    assert_eq!(up.status, 409);
    assert_eq!(up.json()["error"]["code"], "module_validated");
    let create = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9001/years/2025/modules/equipment",
        Some(&token),
        Some(json!({"entry_type": "it", "data": {"equipment_id": "1", "name": "x", "equipment_class": "Laptop"}})),
    )
    .await;
    assert_eq!(create.status, 409);
    sqlx::query("update report_year set is_open = false where report_year_id = 2025").execute(&s.pool).await.unwrap();
    sqlx::query("update report_module set status = 1 where module = 'equipment'").execute(&s.pool).await.unwrap();
    let closed = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9001/years/2025/modules/equipment",
        Some(&token),
        Some(json!({"entry_type": "it", "data": {"equipment_id": "1", "name": "x", "equipment_class": "Laptop"}})),
    )
    .await;
    assert_eq!(closed.status, 409);
    assert_eq!(closed.json()["error"]["code"], "year_closed");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn manual_entries_are_validated_computed_edited_and_deleted(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    let url = "/api/v1/entries/units/9001/years/2025/modules/equipment";
    let bad = call(&s.app, Method::POST, url, Some(&token), Some(json!({"entry_type": "scientific",
        "data": {"equipment_id": "", "name": "x", "equipment_class": "Centrifugation", "active_usage_hours_per_week": 170}}))).await;
    assert_eq!(bad.status, 422);
    let fields = &bad.json()["error"]["details"]["fields"];
    assert_eq!(fields["equipment_id"][0]["code"], "required");
    assert_eq!(fields["active_usage_hours_per_week"][0]["code"], "out_of_range");

    let created = call(&s.app, Method::POST, url, Some(&token), Some(json!({"entry_type": "scientific",
        "data": {"equipment_id": "SCI-0001", "name": "Ultracentrifuge", "equipment_class": "Centrifugation",
                 "sub_class": "Ultra centrifuges", "active_usage_hours_per_week": 40, "standby_usage_hours_per_week": 128}}))).await;
    assert_eq!(created.status, 201);
    let entry = created.json();
    // DOMAIN G9: 346.22 kg.
    assert!((entry["kg_co2eq"].as_f64().unwrap() - 346.22016).abs() < 1e-6, "{entry}");
    assert_eq!(entry["emissions"][0]["emission_type"], "equipment__scientific");
    assert_eq!(entry["emissions"][0]["factor_ids"].as_array().unwrap().len(), 1);

    let id = entry["entry_id"].as_str().unwrap();
    let edited = call(&s.app, Method::PATCH, &format!("/api/v1/entries/{id}"), Some(&token), Some(json!({"entry_type": "scientific",
        "data": {"equipment_id": "SCI-0001", "name": "Ultracentrifuge", "equipment_class": "Centrifugation",
                 "sub_class": "Ultra centrifuges", "active_usage_hours_per_week": 0, "standby_usage_hours_per_week": 168}}))).await;
    assert_eq!(edited.status, 200);
    let kg = edited.json()["kg_co2eq"].as_f64().unwrap();
    assert!((kg - 168.0 * 130.0 * 52.0 / 1000.0 * 0.097).abs() < 1e-6);
    let report = call(&s.app, Method::GET, "/api/v1/units/9001/years/2025/report", Some(&token), None).await.json();
    let module = report["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap().clone();
    assert!((module["kg_co2eq"].as_f64().unwrap() - kg).abs() < 1e-9);
    assert_eq!(module["entry_count"], 1);

    assert_eq!(call(&s.app, Method::DELETE, &format!("/api/v1/entries/{id}"), Some(&token), None).await.status, 204);
    assert_eq!(s.snapshot().await.0, 0);
    assert_eq!(call(&s.app, Method::DELETE, &format!("/api/v1/entries/{id}"), Some(&token), None).await.status, 404);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_replace_applies_to_the_entry_types_the_file_carries(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "all.csv", "append", demo_equipment()).await;
    s.drain().await;
    let it_rows =
        s.entries(&token, "9001").await["items"].as_array().unwrap().iter().filter(|i| i["entry_type"] == "it").count();
    assert_eq!(it_rows, 10);
    let only_it = "equipment_id,name,equipment_class,equipment_category\nIT-NEW,New server,Servers,it\n";
    let job = s.upload(&token, "9001", "it.csv", "replace", only_it.as_bytes().to_vec()).await;
    s.drain().await;
    assert_eq!(s.job(&token, &job).await["state"], "succeeded");
    let page = s.entries(&token, "9001").await;
    assert_eq!(page["total"], 41 - 10 + 1, "scientific and other rows stay; IT rows are replaced");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn listings_sort_by_kg_or_name_and_search_the_fields(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "e.csv", "append", demo_equipment()).await;
    s.drain().await;
    let url = "/api/v1/entries/units/9001/years/2025/modules/equipment";
    let page = |q: &str| {
        let s = &s;
        let token = token.clone();
        let uri = format!("{url}?per_page=500{q}");
        async move { call(&s.app, Method::GET, &uri, Some(&token), None).await }
    };
    let by_kg = page("&sort=-kg_co2eq").await.json();
    let kgs: Vec<Option<f64>> = by_kg["items"].as_array().unwrap().iter().map(|i| i["kg_co2eq"].as_f64()).collect();
    let known: Vec<f64> = kgs.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|w| w[0] >= w[1]), "descending kg");
    assert_eq!(kgs.last().unwrap(), &None, "incomplete entries last");
    let by_name = page("&sort=name").await.json();
    let names: Vec<String> = by_name["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["data"]["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "ascending names");
    let found = page("&q=FREEZER").await.json();
    assert!(found["total"].as_i64().unwrap() >= 2);
    assert!(
        found["items"].as_array().unwrap().iter().all(|i| i["data"].to_string().to_lowercase().contains("freezer"))
    );
    assert_eq!(page("&q=100%25").await.json()["total"], 0, "a % is matched literally");
    // Values are searched, not the field names every row has.
    assert_eq!(page("&q=equipment_class").await.json()["total"], 0, "field names are not searched");
    assert_eq!(page("&q=name").await.json()["total"], 0, "field names are not searched");
    assert_eq!(page("&sort=colour").await.status, 400);
}
