//! api-entries on its own: a module's entries for the unit's people, writes where the person
//! may write, templates for anyone signed in.

use co2_testkit::FunctionApp;
use serde_json::json;
use sqlx::PgPool;

const EQUIPMENT_9001: &str = "/api/v1/entries/units/9001/years/2025/modules/equipment";

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn entries_are_read_and_written_within_the_unit(pool: PgPool) {
    let app = FunctionApp::start("api-entries", pool, api_entries::router).await;
    let principal = app.as_principal("9001").await;
    let listed = principal.get(EQUIPMENT_9001).await;
    assert_eq!(listed.status, 200, "{:?}", listed.json());
    assert!(listed.json()["items"].is_array());

    let refused = app.as_principal("9002").await.get(EQUIPMENT_9001).await;
    assert_eq!(refused.status, 404, "another unit's module: {:?}", refused.json());
    assert_eq!(app.anonymous().get(EQUIPMENT_9001).await.status, 401);

    // A row that breaks the form's rules is refused with its fields, and nothing is stored.
    let bad = principal
        .post(EQUIPMENT_9001, json!({"entry_type": "it", "data": {"name": "", "equipment_class": "Laptop"}}))
        .await;
    assert_eq!(bad.status, 422, "{:?}", bad.json());
    assert!(bad.json()["error"]["details"]["fields"].is_object(), "{:?}", bad.json());
    assert_eq!(principal.get(EQUIPMENT_9001).await.json()["items"], listed.json()["items"]);

    let template = principal.get("/api/v1/entries/templates/equipment/it.csv").await;
    assert_eq!(template.status, 200);
    assert!(String::from_utf8_lossy(&template.body).lines().next().is_some_and(|h| h.contains(',')));
}

/// The session-token attacks (co2_testkit::forgery) on this function's own router: every forged
/// credential is refused with 401, as a bearer token and as the cookie.
#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forged_credentials_are_refused(pool: PgPool) {
    use co2_testkit::Method;
    let app = FunctionApp::start("api-entries", pool, api_entries::router).await;
    let refused = app
        .refuses_forged_credentials(&[
            (Method::GET, "/api/v1/entries/units/9001/years/2025/modules/equipment"),
            (Method::POST, "/api/v1/entries/units/9001/years/2025/modules/equipment"),
            (Method::DELETE, "/api/v1/entries/0190a0b4-5c1d-7e00-8000-000000000001"),
        ])
        .await;
    assert!(refused >= 40, "{refused}");
}
