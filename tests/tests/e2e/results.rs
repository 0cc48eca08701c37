//! The results figures of DOMAIN §6.3 through the API: core vs all-modules basis, exclusions,
//! categories in chart order, car-km, IT focus, FTE, and the change against the previous year.

use crate::support::{Stack, demo_equipment};
use co2_testkit::call;
use http::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

const EQUIPMENT_KG: f64 = 5890.867424;

async fn results(s: &Stack, token: &str, query: &str) -> Value {
    let res =
        call(&s.app, Method::GET, &format!("/api/v1/results/units/9001/years/2025{query}"), Some(token), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_core_counts_validated_modules_and_the_simulator_basis_counts_all(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    s.upload(&token, "9001", "e.csv", "replace", demo_equipment()).await;
    s.drain().await;

    let before = results(&s, &token, "").await;
    assert_eq!(before["basis"], "validated_modules");
    assert_eq!(before["core"]["total_kg"], 0.0, "nothing validated yet");
    assert!((before["entered"]["total_kg"].as_f64().unwrap() - EQUIPMENT_KG).abs() < 1e-6);
    let all = results(&s, &token, "?basis=all").await;
    assert!((all["core"]["total_kg"].as_f64().unwrap() - EQUIPMENT_KG).abs() < 1e-6);

    let ok = call(
        &s.app,
        Method::PATCH,
        "/api/v1/units/9001/years/2025/modules/equipment",
        Some(&token),
        Some(json!({"status": "validated"})),
    )
    .await;
    assert_eq!(ok.status, 200);
    let r = results(&s, &token, "").await;
    let core = r["core"]["total_kg"].as_f64().unwrap();
    assert!((core - EQUIPMENT_KG).abs() < 1e-6);
    assert!((r["core"]["scope2_kg"].as_f64().unwrap() - EQUIPMENT_KG).abs() < 1e-6, "equipment is scope 2");
    assert!((r["car_km_equivalent"].as_f64().unwrap() - core / 0.2996).abs() < 1e-6);
    assert_eq!(r["total_with_additional_kg"].as_f64().unwrap(), core, "no additional category counts yet");
    assert_eq!(r["fte"], 0.0);
    assert!(r["t_per_fte"].is_null(), "FTE 0 → no per-FTE figure");
    let categories: Vec<&str> =
        r["categories"].as_array().unwrap().iter().map(|c| c["category"].as_str().unwrap()).collect();
    assert_eq!(
        categories[..4],
        ["process_emissions", "buildings_energy_combustion", "buildings_room", "equipment"],
        "chart order"
    );
    let equipment = r["categories"].as_array().unwrap().iter().find(|c| c["category"] == "equipment").unwrap();
    let leaf_kg: f64 = equipment["leaves"].as_array().unwrap().iter().map(|l| l["kg"].as_f64().unwrap()).sum();
    assert!((leaf_kg - EQUIPMENT_KG).abs() < 1e-6);
    // IT focus = equipment__it only here (DOMAIN §6.3).
    let it = equipment["leaves"].as_array().unwrap().iter().find(|l| l["emission_type"] == "equipment__it").unwrap();
    assert!((r["it_focus"]["kg"].as_f64().unwrap() - it["kg"].as_f64().unwrap()).abs() < 1e-9);
    assert!((r["it_focus"]["share_of_core"].as_f64().unwrap() - it["kg"].as_f64().unwrap() / core).abs() < 1e-12);
    // Top-3 IT equipment classes plus the rest add up to the IT equipment leaf.
    let classes = &r["it_focus"]["equipment_classes"];
    let top = classes["top"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    assert!(top.windows(2).all(|w| w[0]["kg"].as_f64() >= w[1]["kg"].as_f64()), "heaviest first");
    let shown: f64 = top.iter().map(|c| c["kg"].as_f64().unwrap()).sum::<f64>() + classes["rest_kg"].as_f64().unwrap();
    assert!((shown - it["kg"].as_f64().unwrap()).abs() < 1e-9);
    assert!(classes["rest_classes"].as_u64().unwrap() > 0);
    assert_eq!(r["it_focus"]["purchase_classes"]["top"], json!([]), "no purchases entered");
    assert_eq!(r["year_over_year"]["previous_year"], 2024);
    assert_eq!(r["year_over_year"]["previous_core_kg"], 0.0);
    assert!(r["year_over_year"]["core_percent"].is_null(), "previous 0 → no percentage");

    let excluded = results(&s, &token, "?exclude=equipment").await;
    assert_eq!(excluded["core"]["total_kg"], 0.0);
    assert!(excluded["modules"].as_array().unwrap().iter().all(|m| m["module"] != "equipment"));
    let bad = call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025?basis=maybe", Some(&token), None).await;
    assert_eq!(bad.status, 400);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_change_against_the_previous_year_uses_the_same_rules(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let token = s.token("principal", Some("9001")).await;
    // 2024: one validated equipment entry with a 10,000 kg override.
    let created = call(&s.app, Method::POST, "/api/v1/entries/units/9001/years/2024/modules/equipment", Some(&token),
        Some(json!({"entry_type": "scientific", "data": {"equipment_id": "OLD", "name": "Old", "equipment_class": "X", "kg_co2eq": 10000}}))).await;
    assert_eq!(created.status, 201);
    for year in [2024, 2025] {
        if year == 2025 {
            s.upload(&token, "9001", "e.csv", "replace", demo_equipment()).await;
            s.drain().await;
        }
        let ok = call(
            &s.app,
            Method::PATCH,
            &format!("/api/v1/units/9001/years/{year}/modules/equipment"),
            Some(&token),
            Some(json!({"status": "validated"})),
        )
        .await;
        assert_eq!(ok.status, 200);
    }
    let r = results(&s, &token, "").await;
    assert_eq!(r["year_over_year"]["previous_core_kg"], 10000.0);
    let pct = r["year_over_year"]["core_percent"].as_f64().unwrap();
    assert!((pct - (EQUIPMENT_KG - 10000.0) / 10000.0 * 100.0).abs() < 1e-9, "{pct}");
    let eq = r["year_over_year"]["modules"].as_array().unwrap().iter().find(|m| m["module"] == "equipment").unwrap();
    assert!((eq["percent"].as_f64().unwrap() - pct).abs() < 1e-9);
}
