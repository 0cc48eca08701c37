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
