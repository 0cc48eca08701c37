//! api-results on its own: a unit-year's figures for those who may view the unit, export requests
//! for a unit the caller may export, and nobody else's.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

async fn app(pool: PgPool) -> FunctionApp {
    FunctionApp::start("api-results", pool, api_results::router).await
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn results_are_for_the_units_people_only(pool: PgPool) {
    let app = app(pool).await;
    let member = app.as_member("9001").await;
    let res = member.get("/api/v1/results/units/9001/years/2025").await;
    assert_eq!(res.status, 200, "{:?}", res.json());
    assert!(res.json()["modules"].is_array(), "{:?}", res.json());
    assert_eq!(member.get("/api/v1/results/units/9002/years/2025").await.status, 404);
    assert_eq!(app.as_backoffice("9002").await.get("/api/v1/results/units/9001/years/2025").await.status, 404);
    assert_eq!(app.as_admin().await.get("/api/v1/results/units/9001/years/2025").await.status, 200);
    assert_eq!(app.anonymous().get("/api/v1/results/units/9001/years/2025").await.status, 401);
    let bad = member.get("/api/v1/results/units/9001/years/2025?basis=some").await;
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"]["code"].is_string());
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_export_is_asked_for_a_visible_unit_and_followed_by_its_asker(pool: PgPool) {
    let app = app(pool).await;
    let ask = |unit: &str| json!({"kind": "unit_year", "format": "xlsx", "year": 2025, "unit": unit});
    let principal = app.as_principal("9001").await;
    let refused = principal.post("/api/v1/exports", ask("9002")).await;
    assert_eq!(refused.status, 404, "another unit's export: {:?}", refused.json());
    let asked = principal.post("/api/v1/exports", ask("9001")).await;
    assert_eq!(asked.status, 202, "{:?}", asked.json());
    let job = asked.json()["job_id"].as_str().unwrap().to_owned();
    let followed = principal.get(&format!("/api/v1/exports/{job}")).await;
    assert_eq!(followed.status, 200);
    assert_eq!(followed.json()["state"], "queued");
    let not_ready = principal.get(&format!("/api/v1/exports/{job}/file")).await;
    assert_eq!(not_ready.status, 409);
    assert_eq!(app.as_principal("9002").await.get(&format!("/api/v1/exports/{job}")).await.status, 404);
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-results", pool, api_results::router).await;
    let refused = app.refuses_forged_credentials(&[(Method::GET, "/api/v1/results/units/9001/years/2025")]).await;
    assert!(refused >= 40, "{refused}");
}
