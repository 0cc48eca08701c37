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

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-workspace", pool, api_workspace::router).await;
    let refused = app
        .refuses_forged_credentials(&[
            (Method::GET, "/api/v1/units"),
            (Method::GET, "/api/v1/units/9001/years"),
            (Method::PATCH, "/api/v1/units/9001/years/2025/modules/equipment"),
        ])
        .await;
    assert!(refused >= 40, "{refused}");
}

/// A personal API token acts with its owner's grants as they are now: a grant the identity
/// provider stopped confirming (no sign-in for longer than IDP_GRANT_MAX_AGE_HOURS) no longer
/// counts, and an assigned grant that is revoked stops at the next request.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_api_token_loses_the_roles_withdrawn_from_its_owner(pool: PgPool) {
    let app = app(pool).await;
    let db = &app.ctx.pools.write;
    let user = co2_db::org::upsert_user(db, "script-owner", "Script Owner", None).await.unwrap();
    let unit = |id: &'static str| async move { co2_db::org::unit_by_institutional_id(db, id).await.unwrap().unwrap() };
    let (u9001, u9002) = (unit("9001").await, unit("9002").await);
    // From the provider at a sign-in: standard in 9001. Assigned here: standard in 9002.
    let mut conn = db.begin().await.unwrap();
    co2_db::org::sync_idp_grants(&mut conn, user.app_user_id, &[("standard", Some(u9001.unit_id))]).await.unwrap();
    conn.commit().await.unwrap();
    co2_db::org::grant_role(db, user.app_user_id, "standard", Some(u9002.unit_id)).await.unwrap();
    let token = co2_platform::auth::new_api_token().unwrap();
    let expires = chrono::Utc::now() + chrono::Duration::days(30);
    co2_db::token::create(db, user.app_user_id, "nightly", "read", &token.hash, &token.prefix, expires).await.unwrap();
    let years = |unit: &'static str| {
        let app = &app.app;
        let secret = token.secret.clone();
        async move {
            co2_testkit::call(
                app,
                co2_testkit::Method::GET,
                &format!("/api/v1/units/{unit}/years"),
                Some(&secret),
                None,
            )
            .await
            .status
        }
    };
    assert_eq!(years("9001").await, 200);
    assert_eq!(years("9002").await, 200);

    // The owner has not signed in for 8 days: the provider's grant is no longer confirmed.
    sqlx::query("update role_assignment set confirmed_at = now() - interval '8 days' where from_idp")
        .execute(db)
        .await
        .unwrap();
    assert_eq!(years("9001").await, 404, "the provider's grant lapsed");
    assert_eq!(years("9002").await, 200, "the assigned grant stays");
    // A sign-in where the provider names the role again confirms it.
    let mut conn = db.begin().await.unwrap();
    co2_db::org::sync_idp_grants(&mut conn, user.app_user_id, &[("standard", Some(u9001.unit_id))]).await.unwrap();
    conn.commit().await.unwrap();
    assert_eq!(years("9001").await, 200);
    // A sign-in where it does not: gone at once.
    let mut conn = db.begin().await.unwrap();
    co2_db::org::sync_idp_grants(&mut conn, user.app_user_id, &[]).await.unwrap();
    conn.commit().await.unwrap();
    assert_eq!(years("9001").await, 404);
    // The assigned grant revoked here: gone at the next request.
    sqlx::query("delete from role_assignment where app_user_id = $1").bind(user.app_user_id).execute(db).await.unwrap();
    assert_eq!(years("9002").await, 404);
}
