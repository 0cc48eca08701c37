//! api-backoffice on its own: data management is the IT manager's, reporting a back-office
//! operator's within their subtree; a unit's people are refused.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn data_management_and_reporting_are_the_back_offices(pool: PgPool) {
    let app = FunctionApp::start("api-backoffice", pool, api_backoffice::router).await;
    let admin = app.as_admin().await;
    let years = admin.get("/api/v1/backoffice/years").await;
    assert_eq!(years.status, 200);
    assert!(years.json().as_array().unwrap().iter().any(|y| y["year"] == 2025), "{:?}", years.json());
    assert_eq!(admin.get("/api/v1/backoffice/jobs").await.status, 200);
    let bad_state = admin.get("/api/v1/backoffice/jobs?state=sleeping").await;
    assert_eq!(bad_state.status, 400);
    assert_eq!(bad_state.json()["error"]["code"], "invalid_state");

    let principal = app.as_principal("9001").await;
    assert_eq!(principal.get("/api/v1/backoffice/years").await.status, 403);
    assert_eq!(principal.post("/api/v1/backoffice/recalculations", json!({"year": 2025})).await.status, 403);
    assert_eq!(app.anonymous().get("/api/v1/backoffice/years").await.status, 401);

    // An operator of 9002's subtree reports on 9002, never on 9001.
    let operator = app.as_backoffice("9002").await;
    let rows = operator.get("/api/v1/backoffice/reporting/2025/units").await;
    assert_eq!(rows.status, 200, "{:?}", rows.json());
    let text = rows.json().to_string();
    assert!(text.contains("9002") && !text.contains("\"9001\""), "{text}");
    assert_eq!(operator.post("/api/v1/backoffice/recalculations", json!({"year": 2025})).await.status, 403);
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-backoffice", pool, api_backoffice::router).await;
    let refused = app
        .refuses_forged_credentials(&[
            (Method::GET, "/api/v1/backoffice/years"),
            (Method::POST, "/api/v1/backoffice/recalculations"),
            (Method::PUT, "/api/v1/backoffice/org-chart"),
        ])
        .await;
    assert!(refused >= 40, "{refused}");
}
