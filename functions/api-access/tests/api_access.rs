//! api-access on its own: role assignments, tokens and the audit log are the IT manager's (and a
//! back-office operator's within their subtree); a unit's people are refused.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn who_may_do_what_is_the_back_offices(pool: PgPool) {
    let app = FunctionApp::start("api-access", pool, api_access::router).await;
    let admin = app.as_admin().await;
    assert_eq!(admin.get("/api/v1/backoffice/roles").await.status, 200);
    assert_eq!(admin.get("/api/v1/backoffice/audit").await.status, 200);
    let chain = admin.get("/api/v1/backoffice/audit/verify").await;
    assert_eq!(chain.status, 200);

    let principal = app.as_principal("9001").await;
    assert_eq!(principal.get("/api/v1/backoffice/roles").await.status, 403);
    assert_eq!(principal.get("/api/v1/backoffice/audit").await.status, 403);
    let grant = json!({"user": "someone", "role": "principal", "unit": "9001"});
    assert_eq!(principal.post("/api/v1/backoffice/roles", grant.clone()).await.status, 403);
    assert_eq!(app.anonymous().get("/api/v1/backoffice/roles").await.status, 401);

    // An operator of unit 9002's subtree lists no grant of 9001.
    let operator = app.as_backoffice("9002").await;
    let seen = operator.get("/api/v1/backoffice/roles").await;
    assert_eq!(seen.status, 200, "{:?}", seen.json());
    assert!(seen.json().as_array().unwrap().iter().all(|g| g["unit"] != "9001"), "{:?}", seen.json());
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-access", pool, api_access::router).await;
    let refused = app
        .refuses_forged_credentials(&[
            (Method::GET, "/api/v1/backoffice/roles"),
            (Method::POST, "/api/v1/backoffice/tokens"),
            (Method::POST, "/api/v1/backoffice/users/someone/sessions/revoke"),
        ])
        .await;
    assert!(refused >= 40, "{refused}");
}
