//! A member asks for a change in a validated module: the unit's principals are notified (in the
//! app, and by e-mail through the outbox), the request is audited, an open module needs no
//! request (409), and another unit's user is refused.

use crate::support::Stack;
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

const MODULE: &str = "/api/v1/units/9001/years/2025/modules/equipment";

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_member_asks_the_team_manager_to_reopen_a_validated_module(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let member = s.token("standard", Some("9001")).await;
    let requests = format!("{MODULE}/change-requests");
    let ask = json!({"message": "The -80 °C freezer was replaced in June: its hours are wrong."});

    // Open: the member's rows change without asking.
    let open = call(&s.app, Method::POST, &requests, Some(&member), Some(ask.clone())).await;
    assert_eq!(open.status, StatusCode::CONFLICT);
    assert_eq!(open.json()["error"]["code"], "module_not_validated");

    let validated = call(&s.app, Method::PATCH, MODULE, Some(&principal), Some(json!({"status": "validated"}))).await;
    assert_eq!(validated.status, StatusCode::OK);

    // Who leads the unit is on its report, for the member to see whom they ask.
    let report: Value =
        call(&s.app, Method::GET, "/api/v1/units/9001/years/2025/report", Some(&member), None).await.json();
    let heads = report["principals"].as_array().unwrap().clone();
    assert!(!heads.is_empty(), "{report}");

    let asked = call(&s.app, Method::POST, &requests, Some(&member), Some(ask)).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&asked.body));
    assert_eq!(asked.json()["notified"], Value::Array(heads));

    let inbox: Value = call(&s.app, Method::GET, "/api/v1/session/notifications", Some(&principal), None).await.json();
    let note = inbox["items"].as_array().unwrap().iter().find(|n| n["kind"] == "change_request").unwrap().clone();
    assert_eq!(note["link"], "/units/9001/years/2025/modules/equipment");
    assert!(note["body"].as_str().unwrap().contains("freezer was replaced"), "{note}");
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'module.change_requested' and target = '9001/2025/equipment'",
    )
    .fetch_one(&s.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // An empty message says why; another unit's user does not learn the unit exists.
    let empty = call(&s.app, Method::POST, &requests, Some(&member), Some(json!({"message": "  "}))).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let stranger = s.token("principal", Some("9002")).await;
    let refused = call(&s.app, Method::POST, &requests, Some(&stranger), Some(json!({"message": "x"}))).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}
