//! Every error answer is the envelope `{"error":{"code","message","details"}}` with its status —
//! axum's own rejections, unknown methods and paths, bodies over their limit (which the message
//! names), text PostgreSQL cannot store — and nothing is stored by a refused request.

use crate::support::Stack;
use co2_testkit::{call, send};
use http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

fn envelope(res: &co2_testkit::TestResponse) -> Value {
    let body = res.json();
    assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "not the envelope: {res:?}");
    assert!(res.headers["content-type"].to_str().unwrap().starts_with("application/json"), "{res:?}");
    body["error"].clone()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn rejections_of_paths_methods_and_bodies_use_the_envelope(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    for (method, uri, status, code) in [
        (Method::PATCH, "/api/v1/entries/not-a-uuid", StatusCode::BAD_REQUEST, "bad_request"),
        (Method::GET, "/api/v1/units/9001/years/twenty/report", StatusCode::BAD_REQUEST, "bad_request"),
        (Method::DELETE, "/api/v1/session", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        (Method::GET, "/api/v1/nothing-here", StatusCode::NOT_FOUND, "route_not_found"),
    ] {
        let res = call(&s.app, method.clone(), uri, Some(&principal), Some(json!({}))).await;
        assert_eq!(res.status, status, "{method} {uri}");
        assert_eq!(envelope(&res)["code"], code, "{method} {uri}");
    }

    // A JSON body over its limit: 413, and the message names the limit that applies.
    let big = json!({"institutional_id": "BIG", "name": "x".repeat(300 * 1024), "parent": "ENAC"});
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/units", Some(&admin), Some(big)).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    let error = envelope(&res);
    assert_eq!(error["details"]["limit_bytes"], co2_platform::error::MAX_JSON_BODY_BYTES as u64);
    assert!(error["message"].as_str().unwrap().contains(&co2_platform::error::MAX_JSON_BODY_BYTES.to_string()));
    // A file route takes larger bodies, up to its own limit.
    let file = vec![b'x'; api_backoffice::MAX_DATA_FILE_BYTES + 1];
    let req = Request::put("/api/v1/backoffice/org-chart")
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from(file))
        .unwrap();
    let res = send(&s.app, req).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(envelope(&res)["details"]["limit_bytes"], api_backoffice::MAX_DATA_FILE_BYTES as u64);
    let units: i64 = sqlx::query_scalar("select count(*) from unit where institutional_id = 'BIG'")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(units, 0);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_nul_character_in_any_text_is_refused_with_422(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let entries = co2_api_types::module_entries_path("9001", 2025, "equipment");
    let cases = [
        (
            &principal,
            Method::POST,
            entries.clone(),
            json!({"entry_type": "it", "data": {"equipment_id": "N-1", "name": "Lap\u{0}top", "equipment_class": "Laptop"}}),
        ),
        (
            &admin,
            Method::POST,
            "/api/v1/backoffice/units".to_owned(),
            json!({"institutional_id": "NUL1", "name": "Lab\u{0}", "parent": "ENAC"}),
        ),
        (
            &admin,
            Method::POST,
            "/api/v1/backoffice/roles".to_owned(),
            json!({"user": "nul", "display_name": "Jane\u{0}Doe", "role": "standard", "unit": "9001"}),
        ),
        (
            &admin,
            Method::POST,
            "/api/v1/backoffice/tokens".to_owned(),
            json!({"name": "script\u{0}", "scope": "read", "expires_in_days": 1}),
        ),
    ];
    for (token, method, uri, body) in cases {
        let res = call(&s.app, method.clone(), &uri, Some(token), Some(body.clone())).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {uri}: {}",
            String::from_utf8_lossy(&res.body)
        );
        assert_eq!(envelope(&res)["code"], "validation_failed");
    }
    for uri in [
        format!("{entries}?q=a%00b"),
        "/api/v1/reference/airports?q=ge%00neva".to_owned(),
        "/api/v1/backoffice/roles?user=%00".to_owned(),
    ] {
        let res = call(&s.app, Method::GET, &uri, Some(&admin), None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {}", String::from_utf8_lossy(&res.body));
    }
    // In a path segment: refused too, never a 500.
    let res = call(&s.app, Method::GET, "/api/v1/units/90%0001/years", Some(&admin), None).await;
    assert!(res.status.is_client_error(), "{}: {}", res.status, String::from_utf8_lossy(&res.body));
    envelope(&res);
    // An escaped backslash followed by "u0000" is text, not a NUL: accepted.
    let fine =
        json!({"entry_type": "it", "data": {"equipment_id": "N-2", "name": "C:\\u0000", "equipment_class": "Laptop"}});
    assert_eq!(call(&s.app, Method::POST, &entries, Some(&principal), Some(fine)).await.status, StatusCode::CREATED);
    let stored: i64 = sqlx::query_scalar("select count(*) from data_entry where data->>'equipment_id' like 'N-%'")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "only the entry without a NUL is stored");
}
