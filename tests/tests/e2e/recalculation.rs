//! The factor lifecycle (DOMAIN §4): uploading a year's factors recalculates every entry of the
//! affected types in every unit through slices of step-compute, validated modules included (and
//! audited); a redelivered slice changes nothing; the admin can ask for a recalculation.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

/// The 2025 equipment factors with every emission factor multiplied by `k`.
pub(crate) fn scaled_equipment_factors(k: f64) -> Vec<u8> {
    let path = co2_e2e::data_dir().join("factors/2025/equipments_factors.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let ef = headers.iter().position(|h| h == "ef_kg_co2eq_per_kwh").unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for rec in rdr.records() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        rec[ef] = (rec[ef].parse::<f64>().unwrap() * k).to_string();
        w.write_record(&rec).unwrap();
    }
    w.into_inner().unwrap()
}

async fn headline(s: &Stack, unit: &str) -> (f64, i16) {
    sqlx::query_as(
        "select m.headline_kg, m.status from report_module m join report r using (report_id)
         join unit u using (unit_id) where u.institutional_id = $1 and r.report_year_id = 2025 and m.module = 'equipment'",
    )
    .bind(unit)
    .fetch_one(&s.pool)
    .await
    .unwrap()
}

async fn emission_rows(s: &Stack) -> Vec<(String, String, f64)> {
    sqlx::query_as(
        "select data_entry_id::text, emission_type, kg_co2eq from emission order by data_entry_id, emission_type",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_factor_upload_recalculates_every_unit_and_validated_modules_change_only_this_way(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let other = s.token("principal", Some("9002")).await;
    let admin = s.token("admin", None).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let laptop =
        json!({"entry_type": "it", "data": {"equipment_id": "L-1", "name": "Laptop", "equipment_class": "Laptop"}});
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9002/years/2025/modules/equipment",
        Some(&other),
        Some(laptop),
    )
    .await;
    assert_eq!(res.status, 201);
    let validate = call(
        &s.app,
        Method::PATCH,
        "/api/v1/units/9001/years/2025/modules/equipment",
        Some(&principal),
        Some(json!({"status": "validated"})),
    )
    .await;
    assert_eq!(validate.status, 200);
    let (lab_before, _) = headline(&s, "9001").await;
    let (other_before, _) = headline(&s, "9002").await;
    assert!(lab_before > 0.0 && other_before > 0.0);

    let res = call(&s.app, Method::PUT, "/api/v1/backoffice/factors/2025/equipments_factors", Some(&admin), None).await;
    assert_eq!(res.status, 400, "an empty body is refused");
    let put = co2_testkit::send(
        &s.app,
        http::Request::put("/api/v1/backoffice/factors/2025/equipments_factors")
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(scaled_equipment_factors(2.0)))
            .unwrap(),
    )
    .await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    let recalculation = put.json()["recalculation"].clone();
    assert_eq!(recalculation["entries"], 42, "41 demo entries in 9001 and the laptop in 9002");
    let job_id = recalculation["job_id"].as_str().unwrap().to_owned();
    s.drain().await;

    let job = call(&s.app, Method::GET, &format!("/api/v1/jobs/{job_id}"), Some(&admin), None).await.json();
    assert_eq!((job["kind"].as_str(), job["state"].as_str()), (Some("recalculation"), Some("succeeded")), "{job}");
    assert_eq!((job["rows_ok"].as_i64(), job["progress"].as_f64()), (Some(42), Some(1.0)));
    let (lab_after, status) = headline(&s, "9001").await;
    assert!((lab_after - 2.0 * lab_before).abs() < 1e-6, "{lab_after} vs 2 × {lab_before}");
    assert_eq!(status, 2, "the module stays validated");
    assert!((headline(&s, "9002").await.0 - 2.0 * other_before).abs() < 1e-9);
    let marked: bool = sqlx::query_scalar(
        "select recalculated_after_validation_at is not null from report_module m join report r using (report_id)
         join unit u using (unit_id) where u.institutional_id = '9001' and r.report_year_id = 2025 and m.module = 'equipment'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert!(marked, "a validated module changed by a recalculation shows it");
    let audit: Vec<(String, Value)> = sqlx::query_as(
        "select action, details from audit_log where action like 'recalculation.%' order by audit_log_id",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["recalculation.started", "recalculation.completed"]);
    assert_eq!(audit[1].1["validated_modules_changed"], 1);

    // Every slice delivered again: nothing changes.
    let rows = emission_rows(&s).await;
    let slices: Vec<i32> = sqlx::query_scalar("select slice_no from job_slice where job_id = $1::uuid")
        .bind(&job_id)
        .fetch_all(&s.pool)
        .await
        .unwrap();
    assert!(!slices.is_empty());
    for slice_no in slices {
        let body = json!({"kind": "recalculate", "version": 1, "job_id": job_id, "slice_no": slice_no}).to_string();
        for _ in 0..3 {
            s.ctx.queue.send("co2-compute", &body).await.unwrap();
        }
    }
    s.drain().await;
    assert_eq!(emission_rows(&s).await, rows);
    assert!((headline(&s, "9001").await.0 - lab_after).abs() < 1e-9);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_admin_recalculates_on_request_and_others_are_refused(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let admin = s.token("admin", None).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let rows = emission_rows(&s).await;
    let (before, _) = headline(&s, "9001").await;
    // Factors changed behind the API's back: only an explicit recalculation applies them.
    sqlx::query(
        "update factor set factor_values = jsonb_set(factor_values, '{ef_kg_co2eq_per_kwh}',
             to_jsonb((factor_values->>'ef_kg_co2eq_per_kwh')::float8 * 3))
         where report_year_id = 2025 and data_entry_type in (10, 11, 12)",
    )
    .execute(&s.pool)
    .await
    .unwrap();
    let uri = "/api/v1/backoffice/recalculations";
    let one_type = json!({"year": 2025, "module": "equipment", "entry_type": "it", "unit": "9001"});
    for token in [&principal, &s.token("backoffice", None).await] {
        assert_eq!(call(&s.app, Method::POST, uri, Some(token), Some(one_type.clone())).await.status, 403);
    }
    assert_eq!(call(&s.app, Method::POST, uri, None, Some(one_type.clone())).await.status, 401);
    for (body, status) in [
        (json!({"year": 1999}), 404),
        (json!({"year": 2025, "module": "cars"}), 404),
        (json!({"year": 2025, "module": "equipment", "entry_type": "cars"}), 404),
        (json!({"year": 2025, "entry_type": "it"}), 400),
        (json!({"year": 2025, "unit": "nowhere"}), 404),
    ] {
        let res = call(&s.app, Method::POST, uri, Some(&admin), Some(body.clone())).await;
        assert_eq!(res.status, status, "{body}");
    }
    assert_eq!(emission_rows(&s).await, rows, "nothing ran");

    let res = call(&s.app, Method::POST, uri, Some(&admin), Some(one_type)).await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    let it_entries: i64 = sqlx::query_scalar("select count(*) from data_entry where data_entry_type = 11")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(res.json()["entries"].as_i64(), Some(it_entries));
    s.drain().await;
    let it_kg =
        |rows: &[(String, String, f64)]| -> f64 { rows.iter().filter(|r| r.1 == "equipment__it").map(|r| r.2).sum() };
    let after = emission_rows(&s).await;
    assert!((it_kg(&after) - 3.0 * it_kg(&rows)).abs() < 1e-6, "only the IT rows were recomputed");
    let (now, _) = headline(&s, "9001").await;
    assert!((now - (before + 2.0 * it_kg(&rows))).abs() < 1e-6, "{now}");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_recalculation_whose_messages_were_lost_completes_after_a_retry(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let admin = s.token("admin", None).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/recalculations",
        Some(&admin),
        Some(json!({"year": 2025, "module": "equipment"})),
    )
    .await;
    assert_eq!(res.status, 202);
    let job_id = res.json()["job_id"].as_str().unwrap().to_owned();
    // The queue loses every message.
    sqlx::query("delete from queue_message where queue = 'co2-compute'").execute(&s.pool).await.unwrap();
    s.drain().await;
    let job = call(&s.app, Method::GET, &format!("/api/v1/jobs/{job_id}"), Some(&admin), None).await.json();
    assert_eq!(job["state"], "running");

    let retry = format!("/api/v1/backoffice/jobs/{job_id}/retry");
    assert_eq!(call(&s.app, Method::POST, &retry, Some(&principal), None).await.status, 403);
    let res = call(&s.app, Method::POST, &retry, Some(&admin), None).await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["entries"], 41);
    s.drain().await;
    let job = call(&s.app, Method::GET, &format!("/api/v1/jobs/{job_id}"), Some(&admin), None).await.json();
    assert_eq!((job["state"].as_str(), job["rows_ok"].as_i64()), (Some("succeeded"), Some(41)));
    assert_eq!(call(&s.app, Method::POST, &retry, Some(&admin), None).await.status, 409, "nothing left to retry");
}
