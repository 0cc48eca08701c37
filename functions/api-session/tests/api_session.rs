//! api-session on its own: the session says who is signed in and with which rights; the
//! development sign-in exists in the dev profile only.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_session_names_the_person_and_their_rights(pool: PgPool) {
    let app = FunctionApp::start("api-session", pool, |ctx| api_session::router(ctx, None)).await;
    let principal = app.as_principal("9001").await;
    let session = principal.get("/api/v1/session").await;
    assert_eq!(session.status, 200);
    let permissions = session.json()["permissions"].to_string();
    assert!(permissions.contains("unit:9001"), "{permissions}");
    assert!(!permissions.contains("unit:9002"), "{permissions}");
    assert_eq!(app.anonymous().get("/api/v1/session").await.status, 401);

    let login = app.anonymous().post("/api/v1/auth/dev-login", json!({"persona": "standard", "unit": "9002"})).await;
    assert_eq!(login.status, 200, "{:?}", login.json());
    assert!(login.json()["token"].is_string());
    let unknown = app.anonymous().post("/api/v1/auth/dev-login", json!({"persona": "standard", "unit": "nope"})).await;
    assert_eq!(unknown.status, 404);
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-session", pool, |ctx| api_session::router(ctx, None)).await;
    let refused = app.refuses_forged_credentials(&[(Method::GET, "/api/v1/session")]).await;
    assert!(refused >= 40, "{refused}");
}
