//! api-reference on its own: the reference data for anyone signed in, searches bounded.

use co2_testkit::FunctionApp;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn reference_data_is_for_the_signed_in(pool: PgPool) {
    let app = FunctionApp::start("api-reference", pool, api_reference::router).await;
    let member = app.as_member("9002").await;
    let airports = member.get("/api/v1/reference/airports?q=GVA").await;
    assert_eq!(airports.status, 200);
    assert_eq!(airports.json()[0]["iata_code"], "GVA", "the exact code first: {:?}", airports.json());
    let distance = member.get("/api/v1/reference/distance?mode=plane&from=GVA&to=JFK").await;
    assert_eq!(distance.status, 200, "{:?}", distance.json());
    assert_eq!(app.anonymous().get("/api/v1/reference/airports?q=GVA").await.status, 401);
    let short = member.get("/api/v1/reference/airports?q=G").await;
    assert_eq!(short.status, 400);
    assert_eq!(short.json()["error"]["code"], "invalid_query");
    assert_eq!(member.get("/api/v1/reference/nothing-here").await.status, 404);
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-reference", pool, api_reference::router).await;
    let refused = app
        .refuses_forged_credentials(&[
            (Method::GET, "/api/v1/reference/airports?q=gva"),
            (Method::GET, "/api/v1/reference/exchange-rates?year=2025"),
        ])
        .await;
    assert!(refused >= 40, "{refused}");
}
