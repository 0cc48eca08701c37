//! Back-office data management: a year's factors and the reference sets are replaced by upload,
//! validated whole first, so a bad file changes nothing (DOMAIN §4).

use crate::support::{Stack, put_csv};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;

fn data(path: &str) -> String {
    std::fs::read_to_string(co2_e2e::data_dir().join(path)).unwrap()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn uploading_a_factor_file_updates_in_place_and_lists_absent_rows_as_stale(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let uri = "/api/v1/backoffice/factors/2025/equipments_factors";
    let ids_before: Vec<uuid::Uuid> = sqlx::query_scalar(
        "select factor_id from factor where report_year_id = 2025 and data_entry_type in (10, 11, 12) order by 1",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();

    let full = data("factors/2025/equipments_factors.csv");
    let (status, body) = put_csv(&s, &admin, uri, full.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["stored"].as_u64(), body["newly_stale"].as_u64()), (Some(191), Some(0)));
    let ids_after: Vec<uuid::Uuid> = sqlx::query_scalar(
        "select factor_id from factor where report_year_id = 2025 and data_entry_type in (10, 11, 12) order by 1",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    assert_eq!(ids_before, ids_after, "upserted in place: ids and links stay valid");

    let two_rows: String = full.lines().take(3).map(|l| format!("{l}\n")).collect();
    let (_, body) = put_csv(&s, &admin, uri, two_rows).await;
    assert_eq!(body["newly_stale"], 189);
    let stale: i64 = sqlx::query_scalar("select count(*) from factor where is_stale").fetch_one(&s.pool).await.unwrap();
    assert_eq!(stale, 189, "kept, not deleted");
    // The year's factor files say so, with the stale factors listed.
    let listing =
        co2_testkit::call(&s.app, http::Method::GET, "/api/v1/backoffice/factors/2025", Some(&admin), None).await;
    assert_eq!(listing.status, StatusCode::OK);
    let files = listing.json()["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), 15, "every factor file of DOMAIN §4");
    let equipment = files.iter().find(|f| f["file"] == "equipments_factors").unwrap();
    assert_eq!((equipment["module"].as_str(), equipment["current"].as_i64()), (Some("equipment"), Some(2)));
    assert_eq!(equipment["stale"], 189);
    assert_eq!(equipment["stale_factors"].as_array().unwrap().len(), 20);
    assert!(equipment["stale_factors"][0]["classification"].is_object());
    let planes = files.iter().find(|f| f["file"] == "travel_planes_factors").unwrap();
    assert_eq!((planes["stale"].as_i64(), planes["stale_factors"].as_array().map(Vec::len)), (Some(0), Some(0)));
    assert!(planes["current"].as_i64().unwrap() > 0);
    let missing =
        co2_testkit::call(&s.app, http::Method::GET, "/api/v1/backoffice/factors/2031", Some(&admin), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let bad = format!("{full}scientific,Bad,,-5,0,40,128,0.097\n");
    let (status, body) = put_csv(&s, &admin, uri, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["rows"][0]["row"], 193);
    let still: i64 = sqlx::query_scalar("select count(*) from factor where is_stale").fetch_one(&s.pool).await.unwrap();
    assert_eq!(still, 189, "a refused file changes nothing");

    let (status, _) = put_csv(&s, &admin, "/api/v1/backoffice/factors/2025/rockets", full.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = put_csv(&s, &admin, "/api/v1/backoffice/factors/2031/equipments_factors", full.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let principal = s.token("principal", Some("9001")).await;
    let (status, _) = put_csv(&s, &principal, uri, full).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn reference_sets_are_replaced_whole_and_a_bad_file_keeps_the_old_set(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let rates = data("reference/exchange_rates.csv").replace("2024,chf,0.95263", "2024,chf,0.9");
    let (status, body) = put_csv(&s, &admin, "/api/v1/backoffice/reference/exchange_rates", rates).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["rows"], 32);
    let chf: f64 =
        sqlx::query_scalar("select units_per_eur from exchange_rate where rate_year = 2024 and currency = 'chf'")
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(chf, 0.9);

    let negative = data("reference/exchange_rates.csv").replace("2024,chf,0.95263", "2024,chf,-1");
    let (status, _) = put_csv(&s, &admin, "/api/v1/backoffice/reference/exchange_rates", negative).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let rooms = data("reference/building_rooms_reference.csv");
    let duplicated = format!("{rooms}{}\n", rooms.lines().nth(1).unwrap());
    let (status, body) = put_csv(&s, &admin, "/api/v1/backoffice/reference/building_rooms", duplicated).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let count: i64 = sqlx::query_scalar("select count(*) from building_room").fetch_one(&s.pool).await.unwrap();
    assert_eq!(count, 11, "the old set is intact");
    let chf: f64 =
        sqlx::query_scalar("select units_per_eur from exchange_rate where rate_year = 2024 and currency = 'chf'")
            .fetch_one(&s.pool)
            .await
            .unwrap();
    assert_eq!(chf, 0.9);
    let (status, _) = put_csv(&s, &admin, "/api/v1/backoffice/reference/planets", String::new()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_inflation_index_applies_to_purchases_of_its_year(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let entry = serde_json::json!({"entry_type": "scientific_equipment", "data": {"name": "Centrifuge", "total_spent_amount": 600,
        "currency": "chf", "purchase_institutional_code": "41100000"}});
    let url = "/api/v1/entries/units/9001/years/2025/modules/purchase";
    let before = co2_testkit::call(&s.app, http::Method::POST, url, Some(&principal), Some(entry.clone())).await;
    assert_eq!(before.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&before.body));
    let kg_before = before.json()["kg_co2eq"].as_f64().unwrap();

    let (status, body) =
        put_csv(&s, &admin, "/api/v1/backoffice/reference/inflation_index", "year,index_value\n2025,0.9\n".into())
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = co2_testkit::call(&s.app, http::Method::POST, url, Some(&principal), Some(entry)).await;
    let kg_after = after.json()["kg_co2eq"].as_f64().unwrap();
    assert!((kg_after - kg_before * 0.9).abs() < 1e-9, "{kg_before} × 0.9 ≠ {kg_after}");
    let (status, _) =
        put_csv(&s, &admin, "/api/v1/backoffice/reference/inflation_index", "year,index_value\n2025,-1\n".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_years_reduction_goal_is_set_against_an_earlier_year_and_listed_for_units(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let member = s.token("standard", Some("9001")).await;
    let goal = |percent: f64, reference: i32| json!({"reduction_percent": percent, "reference_year": reference});
    let set =
        call(&s.app, Method::PUT, "/api/v1/backoffice/years/2025/goal", Some(&admin), Some(goal(20.0, 2024))).await;
    assert_eq!(set.status, StatusCode::OK, "{}", String::from_utf8_lossy(&set.body));
    assert_eq!(set.json()["goal"], json!({"reduction_percent": 20.0, "reference_year": 2024}));
    // A unit's member sees it with the unit's years.
    let years = call(&s.app, Method::GET, "/api/v1/units/9001/years", Some(&member), None).await.json();
    let y2025 = years.as_array().unwrap().iter().find(|y| y["year"] == 2025).unwrap().clone();
    assert_eq!(y2025["goal"]["reduction_percent"], 20.0);
    // Field-level refusals: the reference must be an earlier year, the cut in (0, 100].
    for (body, field) in [
        (goal(0.0, 2024), "reduction_percent"),
        (goal(120.0, 2024), "reduction_percent"),
        (goal(10.0, 2025), "reference_year"),
        (goal(10.0, 1999), "reference_year"),
    ] {
        let res =
            call(&s.app, Method::PUT, "/api/v1/backoffice/years/2025/goal", Some(&admin), Some(body.clone())).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(res.json()["error"]["details"]["fields"][field].is_array(), "{body}");
    }
    let unknown =
        call(&s.app, Method::PUT, "/api/v1/backoffice/years/2031/goal", Some(&admin), Some(goal(10.0, 2024))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Nothing refused changed the goal; clearing removes it.
    let cleared = call(&s.app, Method::DELETE, "/api/v1/backoffice/years/2025/goal", Some(&admin), None).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert!(cleared.json()["goal"].is_null());
    let refused =
        call(&s.app, Method::PUT, "/api/v1/backoffice/years/2025/goal", Some(&member), Some(goal(10.0, 2024))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_module_disabled_for_a_year_takes_no_changes_in_any_unit_until_enabled(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let toggle = |enabled: bool| json!({"enabled": enabled});
    let off = call(
        &s.app,
        Method::PUT,
        "/api/v1/backoffice/years/2025/modules/process_emissions",
        Some(&admin),
        Some(toggle(false)),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", String::from_utf8_lossy(&off.body));
    assert_eq!(off.json()["disabled_modules"], json!(["process_emissions"]));
    let report = call(&s.app, Method::GET, "/api/v1/units/9001/years/2025/report", Some(&principal), None).await.json();
    let module = |key: &str| report["modules"].as_array().unwrap().iter().find(|m| m["module"] == key).unwrap().clone();
    assert_eq!(module("process_emissions")["enabled"], false);
    assert_eq!(module("equipment")["enabled"], true);
    let entry = json!({"entry_type": "process_emissions", "data": {"category": "CO2", "quantity": "10"}});
    let uri = "/api/v1/entries/units/9001/years/2025/modules/process_emissions";
    let refused = call(&s.app, Method::POST, uri, Some(&principal), Some(entry.clone())).await;
    assert_eq!(
        (refused.status, refused.json()["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("module_disabled"))
    );
    let upload = json!({"unit": "9001", "year": 2025, "module": "process_emissions", "filename": "p.csv"});
    assert_eq!(
        call(&s.app, Method::POST, "/api/v1/uploads", Some(&principal), Some(upload)).await.status,
        StatusCode::CONFLICT
    );
    // A unit created afterwards starts with the module disabled too.
    let unit = json!({"institutional_id": "9003", "name": "Third lab", "parent": "ENAC"});
    assert_eq!(call(&s.app, Method::POST, "/api/v1/backoffice/units", Some(&admin), Some(unit)).await.status, 201);
    let third = s.token("principal", Some("9003")).await;
    let report3 = call(&s.app, Method::GET, "/api/v1/units/9003/years/2025/report", Some(&third), None).await.json();
    assert!(
        report3["modules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["module"] == "process_emissions" && m["enabled"] == false)
    );
    // Enabled again: the entry is taken.
    let on = call(
        &s.app,
        Method::PUT,
        "/api/v1/backoffice/years/2025/modules/process_emissions",
        Some(&admin),
        Some(toggle(true)),
    )
    .await;
    assert_eq!(on.json()["disabled_modules"], json!([]));
    assert_eq!(call(&s.app, Method::POST, uri, Some(&principal), Some(entry)).await.status, StatusCode::CREATED);
    let unknown =
        call(&s.app, Method::PUT, "/api/v1/backoffice/years/2025/modules/nope", Some(&admin), Some(toggle(true))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_entry_type_not_collected_refuses_new_entries_and_its_upload_rows(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let admin = s.token("admin", None).await;
    let principal = s.token("principal", Some("9001")).await;
    let off = call(
        &s.app,
        Method::PUT,
        "/api/v1/backoffice/years/2025/entry-types/it",
        Some(&admin),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", String::from_utf8_lossy(&off.body));
    assert_eq!(off.json()["disabled_entry_types"], json!(["it"]));
    let report = call(&s.app, Method::GET, "/api/v1/units/9001/years/2025/report", Some(&principal), None).await.json();
    let equipment = report["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap().clone();
    assert_eq!(
        (equipment["enabled"].as_bool(), equipment["disabled_entry_types"].clone()),
        (Some(true), json!(["it"]))
    );
    // A new IT entry is refused; a scientific one is taken.
    let entries = "/api/v1/entries/units/9001/years/2025/modules/equipment";
    let it =
        json!({"entry_type": "it", "data": {"equipment_id": "IT-9", "name": "Laptop", "equipment_class": "Laptop"}});
    let refused = call(&s.app, Method::POST, entries, Some(&principal), Some(it)).await;
    assert_eq!(
        (refused.status, refused.json()["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("entry_type_not_collected"))
    );
    let sci = json!({"entry_type": "scientific", "data": {"equipment_id": "S-9", "name": "Scope", "equipment_class": "Centrifugation"}});
    assert_eq!(call(&s.app, Method::POST, entries, Some(&principal), Some(sci)).await.status, StatusCode::CREATED);
    // The demo file's 10 IT rows are listed as row errors; its 31 other rows are taken.
    let job = s.upload(&principal, "9001", "equipments.csv", "append", crate::support::demo_equipment()).await;
    s.drain().await;
    let view = s.job(&principal, &job).await;
    assert_eq!((view["rows_ok"].as_i64(), view["rows_failed"].as_i64()), (Some(31), Some(10)), "{view}");
    assert!(view["errors"].as_array().unwrap().iter().all(|e| e["code"] == "entry_type_not_collected"), "{view}");
    let unknown = call(
        &s.app,
        Method::PUT,
        "/api/v1/backoffice/years/2025/entry-types/nope",
        Some(&admin),
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
