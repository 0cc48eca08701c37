//! Row thresholds of DOMAIN §6.3 through the API: the default 95th percentile across units, the
//! admin's fixed kg or percentile per type and year, the red flag on listed entries, the counts of
//! back-office reporting clamped to the caller's subtree, and refusals.

use crate::support::Stack;
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

const BASE: &str = "/api/v1/backoffice/thresholds/2025";

/// Creates a scientific equipment entry whose kg is exactly `kg` (a `kg_co2eq` override).
async fn entry(s: &Stack, token: &str, unit: &str, kg: f64) {
    let res = call(
        &s.app,
        Method::POST,
        &format!("/api/v1/entries/units/{unit}/years/2025/modules/equipment"),
        Some(token),
        Some(json!({"entry_type": "scientific", "data": {
            "equipment_id": format!("T-{kg}"), "name": format!("{kg} kg"), "equipment_class": "Centrifugation",
            "kg_co2eq": kg}})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
}

async fn scientific(s: &Stack, admin: &str) -> Value {
    let res = call(&s.app, Method::GET, BASE, Some(admin), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let all = res.json();
    let types: Vec<&str> = all.as_array().unwrap().iter().map(|t| t["entry_type"].as_str().unwrap()).collect();
    assert_eq!(types.len(), 21, "every type but headcount's two");
    assert!(!types.contains(&"member") && !types.contains(&"student"));
    all.as_array().unwrap().iter().find(|t| t["entry_type"] == "scientific").unwrap().clone()
}

/// The flagged entries of unit 9001's equipment listing, by kg, and the listed limit.
async fn flagged(s: &Stack, token: &str) -> (Vec<f64>, Value) {
    let res = call(
        &s.app,
        Method::GET,
        "/api/v1/entries/units/9001/years/2025/modules/equipment?per_page=100&sort=kg_co2eq",
        Some(token),
        None,
    )
    .await;
    assert_eq!(res.status, 200);
    let page = res.json();
    let above = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["above_threshold"] == true)
        .map(|e| e["kg_co2eq"].as_f64().unwrap())
        .collect();
    let limit = page["thresholds"].as_array().unwrap().iter().find(|t| t["entry_type"] == "scientific").cloned();
    (above, limit.unwrap_or(Value::Null))
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn entries_above_the_95th_percentile_are_flagged_and_the_admin_can_set_the_threshold(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let other = s.token("principal", Some("9002")).await;
    let admin = s.token("admin", None).await;
    // 1..=15 kg in 9001 and 16..=20 kg in 9002: the percentile is taken across units.
    for kg in 1..=15 {
        entry(&s, &principal, "9001", kg as f64).await;
    }
    for kg in 16..=20 {
        entry(&s, &other, "9002", kg as f64).await;
    }

    // Default: p95 of 1..=20 with linear interpolation = 19 + 0.05 × (20 − 19) = 19.05.
    let t = scientific(&s, &admin).await;
    assert_eq!(t["policy"], json!({"policy": "percentile", "percentile": 0.95}));
    assert_eq!(t["is_default"], true);
    assert!((t["kg"].as_f64().unwrap() - 19.05).abs() < 1e-9, "{t}");
    assert_eq!((t["entries"].as_i64(), t["entries_above"].as_i64()), (Some(20), Some(1)));
    let (above, limit) = flagged(&s, &principal).await;
    assert!(above.is_empty(), "9001's entries are all below 19.05");
    assert!((limit["kg"].as_f64().unwrap() - 19.05).abs() < 1e-9);

    // A fixed kg set by the admin.
    let set = call(
        &s.app,
        Method::PUT,
        &format!("{BASE}/equipment/scientific"),
        Some(&admin),
        Some(json!({"policy": "fixed", "kg": 12.5})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", String::from_utf8_lossy(&set.body));
    let t = set.json();
    assert_eq!(
        (t["kg"].as_f64(), t["is_default"].as_bool(), t["entries_above"].as_i64()),
        (Some(12.5), Some(false), Some(8))
    );
    let (above, _) = flagged(&s, &principal).await;
    assert_eq!(above, [13.0, 14.0, 15.0], "only this unit's rows above 12.5 are listed");

    // A percentile of the admin's choice: the median of 1..=20 is 10.5.
    let set = call(
        &s.app,
        Method::PUT,
        &format!("{BASE}/equipment/scientific"),
        Some(&admin),
        Some(json!({"policy": "percentile", "percentile": 0.5})),
    )
    .await;
    assert_eq!(set.status, 200);
    assert!((set.json()["kg"].as_f64().unwrap() - 10.5).abs() < 1e-9);
    assert_eq!(flagged(&s, &principal).await.0.len(), 5, "11..=15");

    // Creating an entry answers with its flag at once.
    let res = call(&s.app, Method::POST, "/api/v1/entries/units/9001/years/2025/modules/equipment", Some(&principal),
        Some(json!({"entry_type": "scientific", "data": {"equipment_id": "BIG", "name": "Big", "equipment_class": "X", "kg_co2eq": 500}}))).await;
    assert_eq!((res.status.as_u16(), res.json()["above_threshold"].as_bool()), (201, Some(true)));

    // Back-office reporting counts flagged entries per unit (21 entries now: median 11).
    let report = call(&s.app, Method::GET, "/api/v1/backoffice/reporting/2025/units", Some(&admin), None).await;
    assert_eq!(report.status, 200);
    let rows = report.json();
    let count = |id: &str| {
        rows.as_array().unwrap().iter().find(|r| r["institutional_id"] == id).unwrap()["entries_above_threshold"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((count("9001"), count("9002")), (5, 5), "12..=15 and 500 in 9001; 16..=20 in 9002");

    // Back to the default.
    let reset = call(&s.app, Method::DELETE, &format!("{BASE}/equipment/scientific"), Some(&admin), None).await;
    assert_eq!(reset.status, 200);
    assert_eq!(reset.json()["is_default"], true);
    let audit: Vec<String> =
        sqlx::query_scalar("select action from audit_log where action like 'threshold.%' order by audit_log_id")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(audit, ["threshold.set", "threshold.set", "threshold.reset"]);

    // A type without computed entries has no percentile to work on: no limit, no flag.
    let t = call(&s.app, Method::GET, BASE, Some(&admin), None).await.json();
    let plane = t.as_array().unwrap().iter().find(|t| t["entry_type"] == "plane").unwrap();
    assert!(plane["kg"].is_null());
    assert_eq!(plane["entries"], 0);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn thresholds_are_admin_only_and_bad_values_are_refused(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let path = format!("{BASE}/equipment/scientific");
    let fixed = json!({"policy": "fixed", "kg": 10});
    for role in [("principal", Some("9001")), ("standard", Some("9001")), ("backoffice", None)] {
        let token = s.token(role.0, role.1).await;
        assert_eq!(call(&s.app, Method::GET, BASE, Some(&token), None).await.status, 403, "{role:?}");
        assert_eq!(call(&s.app, Method::PUT, &path, Some(&token), Some(fixed.clone())).await.status, 403, "{role:?}");
        assert_eq!(call(&s.app, Method::DELETE, &path, Some(&token), None).await.status, 403, "{role:?}");
    }
    assert_eq!(call(&s.app, Method::GET, BASE, None, None).await.status, 401);

    let put = |uri: String, body: Value| {
        let (app, admin) = (s.app.clone(), admin.clone());
        async move { call(&app, Method::PUT, &uri, Some(&admin), Some(body)).await }
    };
    let negative = put(path.clone(), json!({"policy": "fixed", "kg": -1})).await;
    assert_eq!(negative.status, 422);
    assert_eq!(negative.json()["error"]["details"]["fields"]["kg"][0]["code"], "out_of_range");
    let zero = put(path.clone(), json!({"policy": "percentile", "percentile": 0})).await;
    assert_eq!(zero.status, 422);
    let unknown_policy = put(path.clone(), json!({"policy": "median"})).await;
    assert!(unknown_policy.status.is_client_error() && unknown_policy.status != 404, "{}", unknown_policy.status);
    let headcount = put(format!("{BASE}/headcount/member"), fixed.clone()).await;
    assert_eq!(headcount.status, 422);
    assert_eq!(headcount.json()["error"]["details"]["fields"]["entry_type"][0]["code"], "no_threshold");
    assert_eq!(put(format!("{BASE}/equipment/laptops"), fixed.clone()).await.status, 404);
    assert_eq!(put(format!("{BASE}/nowhere/scientific"), fixed.clone()).await.status, 404);
    assert_eq!(put("/api/v1/backoffice/thresholds/1999/equipment/scientific".to_owned(), fixed).await.status, 404);
    let stored: i64 = sqlx::query_scalar("select count(*) from entry_threshold").fetch_one(&s.pool).await.unwrap();
    assert_eq!(stored, 0, "nothing refused was stored");
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn reporting_is_clamped_to_the_back_office_subtree(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let uri = "/api/v1/backoffice/reporting/2025/units";
    let ids = |v: Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|r| r["institutional_id"].as_str().unwrap().to_owned()).collect()
    };
    let admin = s.token("admin", None).await;
    let all = ids(call(&s.app, Method::GET, uri, Some(&admin), None).await.json());
    assert_eq!(all, ["9001", "9002"], "every unit with a 2025 report, in path order");

    let lab = s.token("backoffice", Some("9002")).await;
    assert_eq!(ids(call(&s.app, Method::GET, uri, Some(&lab), None).await.json()), ["9002"]);
    let school = s.token("backoffice", Some("ENAC")).await;
    let seen = ids(call(&s.app, Method::GET, uri, Some(&school), None).await.json());
    assert_eq!(seen, ["9001", "9002"]);

    let principal = s.token("principal", Some("9001")).await;
    assert_eq!(call(&s.app, Method::GET, uri, Some(&principal), None).await.status, 403);
    assert_eq!(
        call(&s.app, Method::GET, "/api/v1/backoffice/reporting/1999/units", Some(&admin), None).await.status,
        404
    );
}
