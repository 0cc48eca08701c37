//! api-uploads on its own: an upload is registered for a module the caller may write, and its
//! job is followed by those who may see the unit.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

fn upload(unit: &str) -> serde_json::Value {
    json!({"unit": unit, "year": 2025, "module": "equipment", "filename": "e.csv", "mode": "replace"})
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn uploads_and_their_jobs_stay_within_the_unit(pool: PgPool) {
    let app = FunctionApp::start("api-uploads", pool, api_uploads::router).await;
    let principal = app.as_principal("9001").await;
    let created = principal.post("/api/v1/uploads", upload("9001")).await;
    assert_eq!(created.status, 201, "{:?}", created.json());
    let body = created.json();
    assert!(body["put_url"].as_str().is_some_and(|u| u.contains("/uploads/")), "{body}");
    let job = format!("/api/v1/jobs/{}", body["job_id"].as_str().unwrap());
    let followed = principal.get(&job).await;
    assert_eq!(followed.status, 200);
    assert_eq!(followed.json()["state"], "queued");

    let outsider = app.as_principal("9002").await;
    assert_eq!(outsider.get(&job).await.status, 404, "another unit's job");
    assert_eq!(outsider.post("/api/v1/uploads", upload("9001")).await.status, 404);
    assert_eq!(app.anonymous().post("/api/v1/uploads", upload("9001")).await.status, 401);
    let unknown = principal
        .post(
            "/api/v1/uploads",
            json!({"unit": "9001", "year": 2025, "module": "rockets",
        "filename": "e.csv", "mode": "replace"}),
        )
        .await;
    assert!(unknown.status.is_client_error(), "{:?}", unknown.json());
    assert!(unknown.json()["error"]["code"].is_string());
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-uploads", pool, api_uploads::router).await;
    let refused = app
        .refuses_forged_credentials(&[
            (Method::POST, "/api/v1/uploads"),
            (Method::GET, "/api/v1/jobs/0190a0b4-5c1d-7e00-8000-000000000001"),
        ])
        .await;
    assert!(refused >= 40, "{refused}");
}
