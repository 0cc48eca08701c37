//! Organisation and lifecycle: the admin creates units and years (with their reports), opens and
//! closes years; the principal validates and reopens modules, and totals follow (DOMAIN §6.1–6.3).

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_admin_creates_a_unit_with_its_reports_for_every_year(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let body = json!({"institutional_id": "9003", "name": "Third Lab", "parent": "ENAC"});
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/units", Some(&admin), Some(body.clone())).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["parent"], "ENAC");
    let years: Vec<i32> = sqlx::query_scalar(
        "select r.report_year_id from report r join unit u using (unit_id) where u.institutional_id = '9003' order by 1",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert_eq!(years, [2024, 2025]);
    let path: String =
        sqlx::query_scalar("select path from unit where institutional_id = '9003'").fetch_one(&s.pool).await.unwrap();
    assert_eq!(path, "/EPFL/ENAC/9003/");

    // Its principal can sign in and open the report with 8 modules.
    let login = call(
        &s.app,
        Method::POST,
        "/api/v1/auth/dev-login",
        None,
        Some(json!({"persona": "principal", "unit": "9003"})),
    )
    .await;
    let token = login.json()["token"].as_str().unwrap().to_owned();
    let report = call(&s.app, Method::GET, "/api/v1/units/9003/years/2025/report", Some(&token), None).await;
    assert_eq!(report.json()["modules"].as_array().unwrap().len(), 8);

    let again = call(&s.app, Method::POST, "/api/v1/backoffice/units", Some(&admin), Some(body)).await;
    assert_eq!((again.status, again.json()["error"]["code"].clone()), (StatusCode::CONFLICT, json!("unit_exists")));
    let bad = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/units",
        Some(&admin),
        Some(json!({"institutional_id": "../x", "name": "", "parent": "NOWHERE"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["details"]["fields"];
    for f in ["institutional_id", "name", "parent"] {
        assert!(fields[f].is_array(), "{f} reported: {fields}");
    }
    let principal = s.token("principal", Some("9001")).await;
    let refused = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/units",
        Some(&principal),
        Some(json!({"institutional_id": "9004", "name": "x"})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&s.app, Method::POST, "/api/v1/backoffice/units", None, Some(json!({}))).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_new_year_gets_every_units_report_and_a_closed_year_refuses_writes(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/years", Some(&admin), Some(json!({"year": 2026}))).await;
    assert_eq!(res.status, StatusCode::CREATED);
    let reports: i64 =
        sqlx::query_scalar("select count(*) from report where report_year_id = 2026").fetch_one(&s.pool).await.unwrap();
    let units: i64 = sqlx::query_scalar("select count(*) from unit").fetch_one(&s.pool).await.unwrap();
    assert_eq!(reports, units);
    let modules: i64 = sqlx::query_scalar(
        "select count(*) from report_module join report using (report_id) where report_year_id = 2026",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(modules, units * 8);

    let closed =
        call(&s.app, Method::PATCH, "/api/v1/backoffice/years/2025", Some(&admin), Some(json!({"is_open": false})))
            .await;
    assert_eq!(closed.status, StatusCode::OK);
    // The back office lists every year, latest first, with whether it takes changes.
    let years = call(&s.app, Method::GET, "/api/v1/backoffice/years", Some(&admin), None).await.json();
    let listed: Vec<(i64, bool)> = years
        .as_array()
        .unwrap()
        .iter()
        .map(|y| (y["year"].as_i64().unwrap(), y["is_open"].as_bool().unwrap()))
        .collect();
    assert_eq!(&listed[..2], [(2026, true), (2025, false)]);
    let principal = s.token("principal", Some("9001")).await;
    let write = call(
        &s.app,
        Method::POST,
        "/api/v1/entries/units/9001/years/2025/modules/equipment",
        Some(&principal),
        Some(json!({"entry_type": "it", "data": {"equipment_id": "1", "name": "x", "equipment_class": "Laptop"}})),
    )
    .await;
    assert_eq!((write.status, write.json()["error"]["code"].clone()), (StatusCode::CONFLICT, json!("year_closed")));
    let years = call(&s.app, Method::GET, "/api/v1/units/9001/years", Some(&principal), None).await.json();
    assert!(years.as_array().unwrap().iter().any(|y| y["year"] == 2025 && y["is_open"] == false));
    assert_eq!(
        call(&s.app, Method::PATCH, "/api/v1/backoffice/years/1999", Some(&admin), Some(json!({"is_open": true})))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s.app, Method::POST, "/api/v1/backoffice/years", Some(&principal), Some(json!({"year": 2027})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn validating_a_module_locks_it_and_moves_its_total_into_the_core_total(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    s.upload(&principal, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;
    let url = "/api/v1/units/9001/years/2025/modules/equipment";

    let member = s.token("standard", Some("9001")).await;
    assert_eq!(
        call(&s.app, Method::PATCH, url, Some(&member), Some(json!({"status": "validated"}))).await.status,
        StatusCode::FORBIDDEN
    );
    let stranger = s.token("principal", Some("9002")).await;
    assert_eq!(
        call(&s.app, Method::PATCH, url, Some(&stranger), Some(json!({"status": "validated"}))).await.status,
        StatusCode::NOT_FOUND
    );

    let validated = call(&s.app, Method::PATCH, url, Some(&principal), Some(json!({"status": "validated"}))).await;
    assert_eq!(validated.status, StatusCode::OK);
    assert_eq!(validated.json()["status"], "validated");
    let results =
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&principal), None).await.json();
    assert_eq!(results["completion_progress"], "1/8");
    assert!((results["core"]["total_kg"].as_f64().unwrap() - 5890.867424).abs() < 1e-6);

    let up = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&principal),
        Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv"})),
    )
    .await;
    assert_eq!(up.status, StatusCode::CONFLICT);

    let admin = s.token("admin", None).await;
    let reopened = call(&s.app, Method::PATCH, url, Some(&admin), Some(json!({"status": "in_progress"}))).await;
    assert_eq!(reopened.json()["status"], "in_progress");
    let results =
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&principal), None).await.json();
    assert_eq!(results["core"]["total_kg"], 0.0);
    let audit: Vec<String> =
        sqlx::query_scalar("select action from audit_log where action like 'module.%' order by audit_log_id")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(audit, ["module.validated", "module.reopened"]);
    let bad = call(&s.app, Method::PATCH, url, Some(&principal), Some(json!({"status": "not_started"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_org_chart_import_creates_renames_and_moves_units_in_one_go(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let put = |body: &'static str| {
        let req = http::Request::put("/api/v1/backoffice/org-chart")
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(body))
            .unwrap();
        co2_testkit::send(&s.app, req)
    };
    // A child before its new parent; 9002 moves under the new institute with its path; ENAC is
    // renamed; EPFL is as it was.
    let res =
        put("institutional_id,name,parent\n9101,Lab of Lakes,IIE\nIIE,Institute of Environmental Engineering,ENAC\n\
                   9002,Second Demo Laboratory,IIE\nENAC,ENAC,EPFL\nEPFL,École polytechnique fédérale de Lausanne,\n")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json(), json!({"created": 2, "updated": 2, "unchanged": 1}));
    let path: String =
        sqlx::query_scalar("select path from unit where institutional_id = '9002'").fetch_one(&s.pool).await.unwrap();
    assert_eq!(path, "/EPFL/ENAC/IIE/9002/");
    let reports: i64 =
        sqlx::query_scalar("select count(*) from report join unit using (unit_id) where institutional_id = '9101'")
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(reports, 2, "a report for every year");
    let units_before: i64 = sqlx::query_scalar("select count(*) from unit").fetch_one(&s.pool).await.unwrap();
    let bad = put("institutional_id,name,parent\nX1,Orphan,NOWHERE\nbad id,Bad,ENAC\n").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["details"]["rows"].as_array().unwrap().len(), 2);
    let cycle = put("institutional_id,name,parent\nENAC,ENAC,IIE\n").await;
    assert_eq!(cycle.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", String::from_utf8_lossy(&cycle.body));
    let units_after: i64 = sqlx::query_scalar("select count(*) from unit").fetch_one(&s.pool).await.unwrap();
    assert_eq!(units_before, units_after, "a refused file changes nothing");
}
