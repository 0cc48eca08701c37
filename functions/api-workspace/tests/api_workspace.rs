//! api-workspace on its own: a unit's people see their unit and only theirs; only its principal
//! validates a module; the former results address redirects.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

async fn app(pool: PgPool) -> FunctionApp {
    FunctionApp::start("api-workspace", pool, api_workspace::router).await
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_member_sees_their_unit_and_no_other(pool: PgPool) {
    let app = app(pool).await;
    let member = app.as_member("9001").await;
    let units = member.get("/api/v1/units").await;
    assert_eq!(units.status, 200);
    let ids: Vec<_> = units.json().as_array().unwrap().iter().map(|u| u["institutional_id"].clone()).collect();
    assert!(ids.contains(&json!("9001")), "{ids:?}");
    assert!(!ids.contains(&json!("9002")), "another unit is not listed: {ids:?}");
    assert_eq!(member.get("/api/v1/units/9001/years/2025/report").await.status, 200);
    let other = member.get("/api/v1/units/9002/years/2025/report").await;
    assert_eq!(other.status, 404, "another unit's report is not even said to exist");
    assert_eq!(other.json()["error"]["code"], "unit_not_found");
    assert_eq!(member.get("/api/v1/units/9002/members").await.status, 404);
    assert_eq!(app.anonymous().get("/api/v1/units").await.status, 401);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn only_the_units_principal_validates_a_module(pool: PgPool) {
    let app = app(pool).await;
    let path = "/api/v1/units/9001/years/2025/modules/equipment";
    let validated = json!({"status": "validated"});
    assert_eq!(app.as_member("9001").await.patch(path, validated.clone()).await.status, 403);
    assert_eq!(app.as_principal("9002").await.patch(path, validated.clone()).await.status, 404);
    let principal = app.as_principal("9001").await;
    let res = principal.patch(path, validated).await;
    assert_eq!(res.status, 200, "{:?}", res.json());
    let report = principal.get("/api/v1/units/9001/years/2025/report").await.json();
    let equipment = report["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap();
    assert_eq!(equipment["status"], "validated");
    let bad = principal.patch(path, json!({"status": "not_started"})).await;
    assert_eq!(bad.status, 422, "a module is validated or reopened, never reset: {:?}", bad.json());
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_former_results_address_redirects_to_api_results(pool: PgPool) {
    let app = app(pool).await;
    let res = app.as_member("9001").await.get("/api/v1/units/9001/years/2025/results?basis=all").await;
    assert_eq!(res.status, 308);
    assert_eq!(res.headers["location"], "/api/v1/results/units/9001/years/2025?basis=all");
}
