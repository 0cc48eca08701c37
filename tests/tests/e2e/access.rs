//! Rights on every route: another unit's user is refused (404, existence not disclosed), a lesser
//! role gets 403, no session gets 401, and the development login does not exist in a cluster.

use crate::support::{Stack, demo_equipment};
use co2_platform::config::Profile;
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn d2_another_units_principal_is_refused_on_every_route_results_included(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let owner = s.token("principal", Some("9001")).await;
    let job_id = s.upload(&owner, "9001", "e.csv", "append", demo_equipment()).await;
    s.drain().await;
    let entry_id = s.entries(&owner, "9001").await["items"][0]["entry_id"].as_str().unwrap().to_owned();

    let other = s.token("principal", Some("9002")).await;
    let body = json!({"entry_type": "it", "data": {"equipment_id": "1", "name": "x", "equipment_class": "Laptop"}});
    let cases: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, "/api/v1/units/9001/years".into(), None),
        (Method::GET, "/api/v1/units/9001/years/2025/report".into(), None),
        (Method::GET, "/api/v1/results/units/9001/years/2025".into(), None),
        (Method::GET, "/api/v1/entries/units/9001/years/2025/modules/equipment".into(), None),
        (Method::POST, "/api/v1/entries/units/9001/years/2025/modules/equipment".into(), Some(body.clone())),
        (Method::PATCH, format!("/api/v1/entries/{entry_id}"), Some(body.clone())),
        (Method::DELETE, format!("/api/v1/entries/{entry_id}"), None),
        (
            Method::POST,
            "/api/v1/uploads".into(),
            Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv"})),
        ),
        (Method::GET, format!("/api/v1/jobs/{job_id}"), None),
    ];
    for (method, uri, body) in cases {
        let res = call(&s.app, method.clone(), &uri, Some(&other), body.clone()).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {uri}: {}", String::from_utf8_lossy(&res.body));
        assert!(res.json()["error"]["code"].is_string(), "{method} {uri} answers in the envelope");
        let anonymous = call(&s.app, method.clone(), &uri, None, body).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {uri} without a session");
    }
    // Nothing of unit 9001 changed.
    assert_eq!(s.snapshot().await.0, 41);
    // And 9002's own unit list does not show 9001.
    let units = call(&s.app, Method::GET, "/api/v1/units", Some(&other), None).await.json();
    let ids: Vec<&str> = units.as_array().unwrap().iter().map(|u| u["institutional_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["9002"]);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_standard_member_sees_the_report_but_not_the_equipment_module(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let member = s.token("standard", Some("9001")).await;
    assert_eq!(
        call(&s.app, Method::GET, "/api/v1/units/9001/years/2025/report", Some(&member), None).await.status,
        200
    );
    assert_eq!(
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&member), None).await.status,
        200
    );
    let list =
        call(&s.app, Method::GET, "/api/v1/entries/units/9001/years/2025/modules/equipment", Some(&member), None).await;
    assert_eq!(list.status, StatusCode::FORBIDDEN);
    let up = call(
        &s.app,
        Method::POST,
        "/api/v1/uploads",
        Some(&member),
        Some(json!({"unit": "9001", "year": 2025, "module": "equipment", "filename": "e.csv"})),
    )
    .await;
    assert_eq!(up.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn back_office_roles_never_open_module_data(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let backoffice = s.token("backoffice", Some("ENAC")).await;
    let res =
        call(&s.app, Method::GET, "/api/v1/entries/units/9001/years/2025/modules/equipment", Some(&backoffice), None)
            .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let admin = s.token("admin", None).await;
    assert_eq!(
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(&admin), None).await.status,
        200
    );
    assert_eq!(
        call(&s.app, Method::GET, "/api/v1/entries/units/9001/years/2025/modules/equipment", Some(&admin), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn dev_login_issues_a_working_session_cookie(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let res = call(
        &s.app,
        Method::POST,
        "/api/v1/auth/dev-login",
        None,
        Some(json!({"persona": "principal", "unit": "9001"})),
    )
    .await;
    assert_eq!(res.status, 200);
    let cookie = res.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let pair = cookie.split(';').next().unwrap();
    let req = http::Request::get("/api/v1/session").header("cookie", pair).body(axum::body::Body::empty()).unwrap();
    let session = co2_testkit::send(&s.app, req).await;
    assert_eq!(session.status, 200);
    let info = session.json();
    assert_eq!(info["roles"][0]["role"], "principal");
    assert!(info["permissions"].as_array().unwrap().contains(&json!("unit:9001:manage")));
    assert_eq!(info["dev_login"], true);

    let unknown = call(
        &s.app,
        Method::POST,
        "/api/v1/auth/dev-login",
        None,
        Some(json!({"persona": "principal", "unit": "nope"})),
    )
    .await;
    assert_eq!(unknown.status, 404);
    let garbage = call(&s.app, Method::POST, "/api/v1/auth/dev-login", None, Some(json!({"persona": "emperor"}))).await;
    assert_eq!(garbage.status, 400);
    assert_eq!(garbage.json()["error"]["code"], "invalid_json");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_cluster_refuses_dev_login_and_dev_tokens(pool: PgPool) {
    co2_testkit::seed(&pool).await;
    let dir = co2_testkit::TempDir::new();
    let (dev_ctx, _) = co2_testkit::ctx(pool.clone(), &dir.0, Profile::Dev);
    let (cluster_ctx, _) = co2_testkit::ctx(pool.clone(), &dir.0, Profile::Cluster);
    let dev_app = api_like(&dev_ctx);
    let cluster_app = api_like(&cluster_ctx);
    let res = call(&cluster_app, Method::POST, "/api/v1/auth/dev-login", None, Some(json!({"persona": "admin"}))).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["error"]["code"], "dev_login_disabled");
    let dev = call(&dev_app, Method::POST, "/api/v1/auth/dev-login", None, Some(json!({"persona": "admin"}))).await;
    let token = dev.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(call(&dev_app, Method::GET, "/api/v1/session", Some(&token), None).await.status, 200);
    assert_eq!(call(&cluster_app, Method::GET, "/api/v1/session", Some(&token), None).await.status, 401);
    // A forged token (signed by another key) is refused too.
    let (other_key, _) = co2_platform::auth::generate_ed25519_pem().unwrap();
    let forger = co2_platform::auth::AuthKeys::new(
        co2_testkit::TEST_PUBLIC_KEY.as_bytes(),
        Some(other_key.as_bytes()),
        "co2-test",
        "co2-calculator",
    )
    .unwrap();
    let user: uuid::Uuid =
        sqlx::query_scalar("select app_user_id from app_user limit 1").fetch_one(&pool).await.unwrap();
    let (forged, _) = forger.issue(user, uuid::Uuid::new_v4(), std::time::Duration::from_secs(60), false).unwrap();
    assert_eq!(call(&dev_app, Method::GET, "/api/v1/session", Some(&forged), None).await.status, 401);
}

fn api_like(ctx: &co2_platform::Ctx) -> axum::Router {
    devstack::app(ctx, None, std::path::Path::new("/nonexistent"), None)
}

/// Sends `method path` authenticated by the session cookie, with the given extra headers.
async fn with_cookie(s: &Stack, token: &str, method: Method, path: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("cookie", format!("{}={token}", co2_api_types::SESSION_COOKIE))
        .header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    co2_testkit::send(&s.app, req.body(axum::body::Body::empty()).unwrap()).await.status
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_cookie_borne_change_from_another_site_is_refused(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let abort = format!("/api/v1/backoffice/jobs/{}/abort", uuid::Uuid::nil());
    // A form on another site, posting with the admin's cookie.
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("origin", "http://evil.example"), ("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![],
    ] {
        let status = with_cookie(&s, &admin, Method::POST, &abort, &headers).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    let res = {
        let req = http::Request::post(&abort)
            .header("cookie", format!("{}={admin}", co2_api_types::SESSION_COOKIE))
            .header("origin", "http://evil.example")
            .body(axum::body::Body::empty())
            .unwrap();
        co2_testkit::send(&s.app, req).await
    };
    assert_eq!(res.json()["error"]["code"], "cross_site_request");
    // Our own pages pass the check (and reach the handler: no such job).
    for headers in [vec![("sec-fetch-site", "same-origin")], vec![("origin", co2_testkit::BASE_URL)]] {
        assert_eq!(with_cookie(&s, &admin, Method::POST, &abort, &headers).await, StatusCode::NOT_FOUND, "{headers:?}");
    }
    // Reading is not a change, and a bearer token is never sent by a browser on its own.
    let session = with_cookie(&s, &admin, Method::GET, "/api/v1/session", &[("origin", "http://evil.example")]).await;
    assert_eq!(session, StatusCode::OK);
    let req = http::Request::post(&abort)
        .header("authorization", format!("Bearer {admin}"))
        .header("origin", "http://evil.example")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(co2_testkit::send(&s.app, req).await.status, StatusCode::NOT_FOUND);
}
