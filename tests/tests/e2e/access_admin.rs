//! The IT manager's hold on access: role assignments (granted, listed, revoked at the holder's
//! next request, the last admin kept), personal API tokens (scoped, expiring, revocable, stored
//! hashed) and the audit log (filtered, paged, exported, its chain verified and tampering found).

use crate::support::Stack;
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn session_of(s: &Stack, institutional_id: &str) -> String {
    let user = co2_db::org::user_by_institutional_id(&s.pool, institutional_id).await.unwrap().expect("user exists");
    co2_testkit::session_for(&s.ctx, user.app_user_id).await
}

fn field_code(body: &Value, field: &str) -> Option<String> {
    body["error"]["details"]["fields"][field][0]["code"].as_str().map(str::to_owned)
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_admin_grants_and_revokes_roles_which_take_effect_at_the_next_request(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let grant = json!({"user": "jdoe", "display_name": "Jane Doe", "role": "principal", "unit": "9002"});
    let res = call(&s.app, Method::POST, "/api/v1/backoffice/roles", Some(&admin), Some(grant.clone())).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    let created = res.json();
    assert_eq!((created["user"].as_str(), created["display_name"].as_str()), (Some("jdoe"), Some("Jane Doe")));
    assert_eq!((created["role"].as_str(), created["unit"].as_str()), (Some("principal"), Some("9002")));
    // Granting it again changes nothing and answers the same assignment.
    let again = call(&s.app, Method::POST, "/api/v1/backoffice/roles", Some(&admin), Some(grant)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["assignment_id"], created["assignment_id"]);

    let jdoe = session_of(&s, "jdoe").await;
    let members = call(&s.app, Method::GET, "/api/v1/units/9002/members", Some(&jdoe), None).await;
    assert_eq!(members.status, StatusCode::OK);
    let members = members.json();
    let names: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["user"].as_str().unwrap()).collect();
    assert!(names.contains(&"jdoe"), "{names:?}");
    // Not a member of 9001: its members are not disclosed.
    let other = call(&s.app, Method::GET, "/api/v1/units/9001/members", Some(&jdoe), None).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    let listed =
        call(&s.app, Method::GET, "/api/v1/backoffice/roles?unit=9002&role=principal", Some(&admin), None).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");

    let id = created["assignment_id"].as_str().unwrap();
    let revoke = call(&s.app, Method::DELETE, &format!("/api/v1/backoffice/roles/{id}"), Some(&admin), None).await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    // The same session, the next request: the role is gone.
    let after = call(&s.app, Method::GET, "/api/v1/units/9002/members", Some(&jdoe), None).await;
    assert_eq!(after.status, StatusCode::NOT_FOUND);
    let twice = call(&s.app, Method::DELETE, &format!("/api/v1/backoffice/roles/{id}"), Some(&admin), None).await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);

    // Field-level refusals.
    for (body, field, code) in [
        (json!({"user": "x", "role": "admin", "unit": "9001"}), "unit", "not_allowed"),
        (json!({"user": "x", "role": "standard"}), "unit", "required"),
        (json!({"user": "x", "role": "standard", "unit": "NOPE"}), "unit", "unknown_unit"),
        (json!({"user": "has space", "role": "standard", "unit": "9001"}), "user", "invalid_format"),
    ] {
        let res = call(&s.app, Method::POST, "/api/v1/backoffice/roles", Some(&admin), Some(body.clone())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_code(&res.json(), field).as_deref(), Some(code), "{body}");
    }
    let bad_role = call(&s.app, Method::GET, "/api/v1/backoffice/roles?role=god", Some(&admin), None).await;
    assert_eq!(bad_role.status, StatusCode::BAD_REQUEST);
    let bad_limit = call(&s.app, Method::GET, "/api/v1/backoffice/roles?limit=many", Some(&admin), None).await;
    assert_eq!(bad_limit.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_limit.json()["error"]["code"], "invalid_query");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_last_admin_grant_stays_and_back_office_sees_only_its_subtree(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    s.token("principal", Some("9001")).await;
    let outside = call(
        &s.app,
        Method::POST,
        "/api/v1/backoffice/units",
        Some(&admin),
        Some(json!({"institutional_id": "SV1", "name": "Elsewhere", "parent": "EPFL"})),
    )
    .await;
    assert_eq!(outside.status, StatusCode::CREATED);
    s.token("principal", Some("SV1")).await;

    let roles = call(&s.app, Method::GET, "/api/v1/backoffice/roles?role=admin", Some(&admin), None).await.json();
    let admins = roles.as_array().unwrap();
    assert_eq!(admins.len(), 1, "{roles}");
    let id = admins[0]["assignment_id"].as_str().unwrap();
    let res = call(&s.app, Method::DELETE, &format!("/api/v1/backoffice/roles/{id}"), Some(&admin), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json()["error"]["code"], "last_admin");

    let bo = s.token("backoffice", Some("ENAC")).await;
    let seen = call(&s.app, Method::GET, "/api/v1/backoffice/roles", Some(&bo), None).await;
    assert_eq!(seen.status, StatusCode::OK);
    let units: Vec<Option<String>> =
        seen.json().as_array().unwrap().iter().map(|a| a["unit"].as_str().map(str::to_owned)).collect();
    assert!(units.contains(&Some("9001".into())), "{units:?}");
    assert!(!units.contains(&Some("SV1".into())) && !units.contains(&None), "{units:?}");
    // The limit applies to what the operator may see, not before.
    let one = call(&s.app, Method::GET, "/api/v1/backoffice/roles?limit=1", Some(&bo), None).await.json();
    assert_eq!(one.as_array().unwrap().len(), 1, "{one}");
    assert!(one[0]["unit"].is_string(), "{one}");
    let refused = call(&s.app, Method::GET, "/api/v1/backoffice/roles?unit=SV1", Some(&bo), None).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let grant = json!({"user": "x", "role": "standard", "unit": "9001"});
    assert_eq!(call(&s.app, Method::POST, "/api/v1/backoffice/roles", Some(&bo), Some(grant)).await.status, 403);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn api_tokens_act_with_their_owners_rights_within_their_scope_until_revoked(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let create = |name: &str, scope: &str, days: i64| json!({"name": name, "scope": scope, "expires_in_days": days});
    let res =
        call(&s.app, Method::POST, "/api/v1/backoffice/tokens", Some(&admin), Some(create("ci", "read", 30))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    let body = res.json();
    let read = body["secret"].as_str().unwrap().to_owned();
    assert!(read.starts_with("co2pat_") && read.len() > 60, "{read}");
    assert!(read.starts_with(body["token"]["prefix"].as_str().unwrap()));
    assert_eq!(body["token"]["state"], "active");

    // Only the hash is stored, and the list never shows the secret.
    let stored: Vec<String> = sqlx::query_scalar("select token_hash from api_token").fetch_all(&s.pool).await.unwrap();
    assert_eq!(stored, vec![co2_platform::auth::api_token_hash(&read)]);
    let list = call(&s.app, Method::GET, "/api/v1/backoffice/tokens", Some(&admin), None).await;
    assert!(!String::from_utf8_lossy(&list.body).contains(&read));

    // Read scope: GET works with the owner's rights, writes are refused.
    assert_eq!(call(&s.app, Method::GET, "/api/v1/backoffice/jobs", Some(&read), None).await.status, 200);
    let write_try =
        call(&s.app, Method::POST, "/api/v1/backoffice/years", Some(&read), Some(json!({"year": 2031}))).await;
    assert_eq!(write_try.status, StatusCode::FORBIDDEN);
    let used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_used_at from api_token").fetch_one(&s.pool).await.unwrap();
    assert!(used.is_some());

    let res =
        call(&s.app, Method::POST, "/api/v1/backoffice/tokens", Some(&admin), Some(create("w", "write", 1))).await;
    let write = res.json()["secret"].as_str().unwrap().to_owned();
    let write_id = res.json()["token"]["token_id"].as_str().unwrap().to_owned();
    let year = call(&s.app, Method::POST, "/api/v1/backoffice/years", Some(&write), Some(json!({"year": 2031}))).await;
    assert_eq!(year.status, StatusCode::CREATED);
    // A token cannot mint tokens.
    let mint =
        call(&s.app, Method::POST, "/api/v1/backoffice/tokens", Some(&write), Some(create("x", "write", 1))).await;
    assert_eq!(mint.status, StatusCode::FORBIDDEN);

    // Revoked: the next use is refused; revoking again is a conflict.
    let uri = format!("/api/v1/backoffice/tokens/{write_id}");
    assert_eq!(call(&s.app, Method::DELETE, &uri, Some(&admin), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(call(&s.app, Method::GET, "/api/v1/session", Some(&write), None).await.status, 401);
    assert_eq!(call(&s.app, Method::DELETE, &uri, Some(&admin), None).await.status, StatusCode::CONFLICT);
    let listed = call(&s.app, Method::GET, "/api/v1/backoffice/tokens", Some(&admin), None).await.json();
    let revoked = listed.as_array().unwrap().iter().find(|t| t["token_id"] == write_id.as_str()).unwrap().clone();
    assert_eq!(
        (revoked["state"].as_str(), revoked["revoked_by"].as_str()),
        (Some("revoked"), Some("test-admin-global"))
    );

    // Expired: refused.
    sqlx::query("update api_token set expires_at = now() - interval '1 second'").execute(&s.pool).await.unwrap();
    assert_eq!(call(&s.app, Method::GET, "/api/v1/session", Some(&read), None).await.status, 401);
    // A forged token of the right shape: refused.
    let forged = format!("co2pat_{}", "0".repeat(64));
    assert_eq!(call(&s.app, Method::GET, "/api/v1/session", Some(&forged), None).await.status, 401);

    // A token's rights are its owner's: a principal's token sees its unit, not the back office.
    s.token("principal", Some("9001")).await;
    let principal_user = co2_db::org::user_by_institutional_id(&s.pool, "test-principal-9001").await.unwrap().unwrap();
    let secret = co2_platform::auth::new_api_token().unwrap();
    co2_db::token::create(
        &s.pool,
        principal_user.app_user_id,
        "lab script",
        "write",
        &secret.hash,
        &secret.prefix,
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await
    .unwrap();
    let p = secret.secret.as_str();
    assert_eq!(call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025", Some(p), None).await.status, 200);
    assert_eq!(call(&s.app, Method::GET, "/api/v1/results/units/9002/years/2025", Some(p), None).await.status, 404);
    assert_eq!(call(&s.app, Method::GET, "/api/v1/backoffice/tokens", Some(p), None).await.status, 403);

    for (body, field) in [
        (create("", "read", 3), "name"),
        (create("n", "read", 0), "expires_in_days"),
        (create("n", "read", 366), "expires_in_days"),
    ] {
        let res = call(&s.app, Method::POST, "/api/v1/backoffice/tokens", Some(&admin), Some(body.clone())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(field_code(&res.json(), field).is_some(), "{body}");
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_audit_log_is_filtered_paged_exported_and_its_chain_verified(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    for (user, unit) in [("a1", "9001"), ("a2", "9001"), ("a3", "9002")] {
        let body = json!({"user": user, "role": "standard", "unit": unit});
        assert_eq!(call(&s.app, Method::POST, "/api/v1/backoffice/roles", Some(&admin), Some(body)).await.status, 201);
    }
    let page = call(&s.app, Method::GET, "/api/v1/backoffice/audit?action=role.&limit=2", Some(&admin), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.json();
    let targets: Vec<&str> = page["items"].as_array().unwrap().iter().map(|e| e["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["a3", "a2"]);
    assert_eq!(page["items"][0]["actor"], "test-admin-global");
    assert_eq!(page["items"][0]["details"], json!({"role": "standard", "unit": "9002"}));
    let before = page["next_before"].as_i64().expect("an older page");
    let next = call(
        &s.app,
        Method::GET,
        &format!("/api/v1/backoffice/audit?action=role.&limit=2&before={before}"),
        Some(&admin),
        None,
    )
    .await
    .json();
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["items"][0]["target"], "a1");
    assert!(next["next_before"].is_null());

    let by_target = call(&s.app, Method::GET, "/api/v1/backoffice/audit?target=a2", Some(&admin), None).await.json();
    let id = by_target["items"][0]["id"].as_i64().unwrap();
    let one = call(&s.app, Method::GET, &format!("/api/v1/backoffice/audit/{id}"), Some(&admin), None).await;
    assert_eq!(one.json()["target"], "a2");
    assert_eq!(call(&s.app, Method::GET, "/api/v1/backoffice/audit/999999", Some(&admin), None).await.status, 404);
    let future = "/api/v1/backoffice/audit?from=2999-01-01T00:00:00Z";
    assert_eq!(call(&s.app, Method::GET, future, Some(&admin), None).await.json()["items"], json!([]));
    let bad = call(&s.app, Method::GET, "/api/v1/backoffice/audit?from=yesterday", Some(&admin), None).await;
    assert_eq!((bad.status, bad.json()["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));

    let csv =
        call(&s.app, Method::GET, "/api/v1/backoffice/audit/export?action=role.granted", Some(&admin), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = String::from_utf8(csv.body).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "id,at,actor,action,target,details,prev_hash,hash");
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].contains(",a3,"), "{}", lines[1]);

    let verify = call(&s.app, Method::GET, "/api/v1/backoffice/audit/verify", Some(&admin), None).await.json();
    assert_eq!(verify["intact"], true, "{verify}");
    assert!(verify["entries_checked"].as_i64().unwrap() >= 3);
    // Rewriting history is found at the edited entry.
    sqlx::query("update audit_log set details = '{\"role\": \"admin\"}' where audit_log_id = $1")
        .bind(id)
        .execute(&s.pool)
        .await
        .unwrap();
    let broken = call(&s.app, Method::GET, "/api/v1/backoffice/audit/verify", Some(&admin), None).await.json();
    assert_eq!((broken["intact"].as_bool(), broken["first_broken"].as_i64()), (Some(false), Some(id)));
}

/// The id of the assignment of `role` that `user` holds.
async fn assignment_of(s: &Stack, admin: &str, user: &str, role: &str) -> String {
    let roles =
        call(&s.app, Method::GET, &format!("/api/v1/backoffice/roles?role={role}&user={user}"), Some(admin), None)
            .await
            .json();
    let found = roles.as_array().unwrap().iter().find(|a| a["user"] == user).unwrap_or_else(|| panic!("{roles}"));
    found["assignment_id"].as_str().unwrap().to_owned()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_withdrawn_role_closes_the_jobs_files_at_the_next_request(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let backoffice = s.token("backoffice", Some("ENAC")).await;
    let mut file = crate::support::demo_equipment();
    if !file.ends_with(b"\n") {
        file.push(b'\n');
    }
    file.extend_from_slice(b"9001,BAD-1,Broken,,,many,,,,scientific\n");
    let upload = s.upload(&principal, "9001", "e.csv", "append", file).await;
    let unit_export = json!({"kind": "unit_year", "format": "csv", "year": 2025, "unit": "9001", "basis": "all"});
    let res = call(&s.app, Method::POST, "/api/v1/exports", Some(&principal), Some(unit_export)).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&res.body));
    let unit_export = res.json()["job_id"].as_str().unwrap().to_owned();
    let across = json!({"kind": "module_units", "year": 2025, "module": "equipment"});
    let res = call(&s.app, Method::POST, "/api/v1/exports", Some(&backoffice), Some(across)).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&res.body));
    let across = res.json()["job_id"].as_str().unwrap().to_owned();
    s.drain().await;

    let job = s.job(&principal, &upload).await;
    assert!(job["errors_url"].is_string(), "the upload has an error report: {job}");
    for (token, export) in [(&principal, &unit_export), (&backoffice, &across)] {
        let file = call(&s.app, Method::GET, &format!("/api/v1/exports/{export}/file"), Some(token), None).await;
        assert_eq!(file.status, StatusCode::SEE_OTHER, "{}", String::from_utf8_lossy(&file.body));
    }

    for (user, role) in [("test-principal-9001", "principal"), ("test-backoffice-ENAC", "backoffice")] {
        let id = assignment_of(&s, &admin, user, role).await;
        let revoke = call(&s.app, Method::DELETE, &format!("/api/v1/backoffice/roles/{id}"), Some(&admin), None).await;
        assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    }
    // The same sessions, the next request: nothing of the unit's is handed out any more.
    let job = call(&s.app, Method::GET, &format!("/api/v1/jobs/{upload}"), Some(&principal), None).await;
    assert_eq!(job.status, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&job.body));
    for (token, export) in [(&principal, &unit_export), (&backoffice, &across)] {
        for path in [format!("/api/v1/exports/{export}"), format!("/api/v1/exports/{export}/file")] {
            let res = call(&s.app, Method::GET, &path, Some(token), None).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", String::from_utf8_lossy(&res.body));
            assert_eq!(res.json()["error"]["code"], "export_not_found");
        }
    }
    // The admin still follows all of them.
    let job = call(&s.app, Method::GET, &format!("/api/v1/jobs/{upload}"), Some(&admin), None).await;
    assert_eq!(job.status, StatusCode::OK);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_subtree_is_matched_by_whole_path_segments_never_as_a_pattern(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    for id in ["lab_1", "labX1"] {
        let unit = json!({"institutional_id": id, "name": id, "parent": "EPFL"});
        let res = call(&s.app, Method::POST, "/api/v1/backoffice/units", Some(&admin), Some(unit)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
        s.token("principal", Some(id)).await;
    }
    // `_` is a wildcard of SQL LIKE: an operator of lab_1 must not see labX1's people.
    let bo = s.token("backoffice", Some("lab_1")).await;
    let seen = call(&s.app, Method::GET, "/api/v1/backoffice/roles", Some(&bo), None).await;
    assert_eq!(seen.status, StatusCode::OK);
    let units: Vec<String> =
        seen.json().as_array().unwrap().iter().filter_map(|a| a["unit"].as_str().map(str::to_owned)).collect();
    assert!(units.contains(&"lab_1".to_owned()), "{units:?}");
    assert!(!units.contains(&"labX1".to_owned()), "another subtree leaked: {units:?}");
    // Nor does a user filter made of wildcards match everyone.
    let all = call(&s.app, Method::GET, "/api/v1/backoffice/roles?user=%25", Some(&admin), None).await.json();
    assert_eq!(all.as_array().unwrap().len(), 0, "{all}");

    // Moving lab_1 moves its subtree only, not the units whose path merely looks alike.
    let req = http::Request::put("/api/v1/backoffice/org-chart")
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from("institutional_id,name,parent\nlab_1,lab_1,ENAC\n"))
        .unwrap();
    let res = co2_testkit::send(&s.app, req).await;
    assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
    let paths: Vec<(String, String)> =
        sqlx::query_as(r#"select institutional_id, path from unit where institutional_id in ('lab_1', 'labX1') order by institutional_id collate "C""#)
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(paths, [("labX1".into(), "/EPFL/labX1/".into()), ("lab_1".into(), "/EPFL/ENAC/lab_1/".into())]);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_audit_export_writes_formula_looking_text_as_text(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let body = json!({"user": "@A1", "display_name": "=HYPERLINK(\"http://x\")", "role": "standard", "unit": "9001"});
    assert_eq!(call(&s.app, Method::POST, "/api/v1/backoffice/roles", Some(&admin), Some(body)).await.status, 201);
    let csv =
        call(&s.app, Method::GET, "/api/v1/backoffice/audit/export?action=role.granted", Some(&admin), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = String::from_utf8(csv.body).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let row = rows.records().next().expect("the grant is exported").unwrap();
    assert_eq!(&row[4], "'@A1", "{text}");
    assert!(!row.iter().any(|cell| cell.starts_with(['=', '+', '-', '@'])), "{row:?}");
}
