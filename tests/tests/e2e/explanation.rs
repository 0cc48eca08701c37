//! "Why this number": every emission row of an entry says how its kg came about — the formula in
//! words, the values that went in, the defaults applied and the factors with their source and
//! year — read with the rights of the module's listing; a factor is readable by id.

use crate::support::{Stack, put_csv};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

const EQUIPMENT: &str = "/api/v1/entries/units/9001/years/2025/modules/equipment";

async fn create(s: &Stack, token: &str, body: Value) -> String {
    let res = call(&s.app, Method::POST, EQUIPMENT, Some(token), Some(body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    s.replica_caught_up().await;
    res.json()["entry_id"].as_str().unwrap().to_owned()
}

async fn explain(s: &Stack, token: &str, id: &str) -> (StatusCode, Value) {
    let res = call(&s.app, Method::GET, &format!("/api/v1/entries/{id}/explanation"), Some(token), None).await;
    (res.status, res.json())
}

fn term(row: &Value, name: &str) -> Value {
    row["terms"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{name}: {row}"))
        ["value"]
        .clone()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn an_entry_says_how_its_kg_came_about_with_the_factor_and_where_it_comes_from(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    // Blank hours: the factor's defaults (40 h active, 128 h standby) stand in for them.
    let id = create(
        &s,
        &principal,
        json!({"entry_type": "scientific",
               "data": {"equipment_id": "S-1", "name": "Bench supply", "equipment_class": "Power supplies"}}),
    )
    .await;
    let (status, x) = explain(&s, &principal, &id).await;
    let stored: Vec<String> =
        sqlx::query_scalar("select jsonb_typeof(meta) from emission").fetch_all(&s.pool).await.unwrap();
    assert_eq!(stored, ["object"], "the metadata is a document, as a file's rows store it");
    assert_eq!(status, StatusCode::OK, "{x}");
    assert_eq!((x["entry_type"].as_str(), x["year"].as_i64()), (Some("scientific"), Some(2025)));
    assert_eq!(x["inputs"]["equipment_class"], "Power supplies");
    let rows = x["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["formula"], "equipment");
    assert_eq!(x["quality"], "default_filled");
    // ± √(30² + 50² + 50²) %: the formula's default, widened by the two defaulted hours.
    assert!(
        (row["uncertainty_pct"].as_f64().unwrap() - (30.0_f64.powi(2) + 2.0 * 50.0_f64.powi(2)).sqrt()).abs() < 1e-9
    );
    assert!(row["formula_text"]["en"].as_str().unwrap().contains("52 weeks"), "{row}");
    assert!(row["formula_text"]["fr"].as_str().unwrap().contains("52 semaines"), "{row}");
    // The values reproduce the kg: (40 h × 100 W + 128 h × 0 W) × 52 ÷ 1000 = 208 kWh × 0.097.
    assert_eq!(term(row, "active_power_w"), 100.0);
    assert_eq!(term(row, "active_usage_hours_per_week"), 40.0);
    let (kwh, ef) = (term(row, "kwh").as_f64().unwrap(), term(row, "ef_kg_co2eq_per_kwh").as_f64().unwrap());
    assert!((kwh - 208.0).abs() < 1e-9 && (kwh * ef - row["kg_co2eq"].as_f64().unwrap()).abs() < 1e-9, "{row}");
    let defaults: Vec<&str> =
        row["defaults"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(defaults, ["active_usage_hours_per_week", "standby_usage_hours_per_week"]);
    assert_eq!(row["defaults"][0]["rule"], "factor_hours");
    assert!(row["defaults"][0]["why"]["fr"].as_str().unwrap().contains("par défaut"));
    // The factor: its year, its file and the shipped data's source.
    let factor = &row["factors"][0];
    assert_eq!((factor["origin"].as_str(), factor["year"].as_i64()), (Some("shipped"), Some(2025)));
    assert_eq!(factor["file"], "equipments_factors.csv");
    assert!(factor["shipped_source"].as_str().unwrap().contains("BAFU 2025 (0.097 kg/kWh)"), "{factor}");
    assert_eq!(factor["values"]["ef_kg_co2eq_per_kwh"], 0.097);

    // The same factor by id, for any signed-in person; an unknown id is a clear 404.
    let factor_id = factor["factor_id"].as_str().unwrap();
    let other = s.token("principal", Some("9002")).await;
    let by_id = call(&s.app, Method::GET, &format!("/api/v1/reference/factors/{factor_id}"), Some(&other), None).await;
    assert_eq!(by_id.status, StatusCode::OK);
    assert_eq!(&by_id.json(), factor);
    let unknown = uuid::Uuid::new_v4();
    let missing = call(&s.app, Method::GET, &format!("/api/v1/reference/factors/{unknown}"), Some(&other), None).await;
    assert_eq!(
        (missing.status, missing.json()["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("factor_not_found"))
    );
    let anonymous = call(&s.app, Method::GET, &format!("/api/v1/reference/factors/{factor_id}"), None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // Another unit's principal does not learn the entry exists; a member of the unit may not
    // read equipment (the principal's module), as in its listing.
    assert_eq!(explain(&s, &other, &id).await.0, StatusCode::NOT_FOUND);
    let member = s.token("standard", Some("9001")).await;
    assert_eq!(explain(&s, &member, &id).await.0, StatusCode::FORBIDDEN);
    assert_eq!(explain(&s, &principal, &uuid::Uuid::new_v4().to_string()).await.0, StatusCode::NOT_FOUND);

    // A given kg replaces the formula, and says so.
    let given = create(
        &s,
        &principal,
        json!({"entry_type": "scientific",
               "data": {"equipment_id": "S-2", "name": "Measured", "equipment_class": "Power supplies", "kg_co2eq": "12.5"}}),
    )
    .await;
    let (_, x) = explain(&s, &principal, &given).await;
    assert_eq!((x["rows"][0]["formula"].as_str(), x["rows"][0]["kg_co2eq"].as_f64()), (Some("override"), Some(12.5)));
    assert_eq!(term(&x["rows"][0], "kg_co2eq"), 12.5);
    assert_eq!(x["rows"][0]["factors"], json!([]));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_factor_the_office_uploads_is_named_as_its_upload_and_the_rows_recomputed_with_it_say_so(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    let admin = s.token("admin", None).await;
    let id = create(
        &s,
        &principal,
        json!({"entry_type": "scientific",
               "data": {"equipment_id": "S-1", "name": "Bench supply", "equipment_class": "Power supplies",
                        "active_usage_hours_per_week": "10", "standby_usage_hours_per_week": "0"}}),
    )
    .await;
    let (_, before) = explain(&s, &principal, &id).await;
    assert_eq!(before["rows"][0]["defaults"], json!([]), "hours given: no default");

    // The office raises the electricity factor of the year.
    let file = std::fs::read_to_string(co2_e2e::data_dir().join("factors/2025/equipments_factors.csv")).unwrap();
    let raised: String = file.lines().map(|l| format!("{}\n", l.replace(",0.097", ",0.1"))).collect();
    let (status, body) = put_csv(&s, &admin, "/api/v1/backoffice/factors/2025/equipments_factors", raised).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    s.drain().await;

    let (_, after) = explain(&s, &principal, &id).await;
    let row = &after["rows"][0];
    assert_eq!(term(row, "ef_kg_co2eq_per_kwh"), 0.1, "the rows were computed again with the new value");
    assert!((row["kg_co2eq"].as_f64().unwrap() - 100.0 * 10.0 * 52.0 / 1000.0 * 0.1).abs() < 1e-9, "{row}");
    let factor = &row["factors"][0];
    assert_eq!(factor["factor_id"], before["rows"][0]["factors"][0]["factor_id"], "updated in place");
    assert_eq!(
        (factor["origin"].as_str(), factor["file"].as_str()),
        (Some("uploaded"), Some("equipments_factors.csv"))
    );
    assert_eq!(factor["loaded_by"], "test-admin-global");
    assert_eq!(factor["shipped_source"], Value::Null);
    // The year's factor files count it as uploaded.
    let files = call(&s.app, Method::GET, "/api/v1/backoffice/factors/2025", Some(&admin), None).await.json();
    let equipment = files["files"].as_array().unwrap().iter().find(|f| f["file"] == "equipments_factors").unwrap();
    assert_eq!(equipment["uploaded"], 191, "{equipment}");
}
