//! A module's charts (`GET …/modules/{module}/breakdown`) and the trips' map (`GET …/trips`):
//! every chart of a kg sums to the module's headline total, the headcount's FTE to the people
//! entered, the map's routes to the travel total, and another unit's user is refused.

use crate::all_modules::{DEMO_FILES, demo, upload};
use crate::support::Stack;
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

fn breakdown_path(module: &str) -> String {
    format!("/api/v1/results/units/9001/years/2025/modules/{module}/breakdown")
}

/// Σ of a demo file's `fte` column.
fn demo_fte(file: &str) -> f64 {
    let text = String::from_utf8(demo(file)).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let column = reader.headers().unwrap().iter().position(|h| h == "fte").unwrap();
    reader.records().map(|r| r.unwrap()[column].parse::<f64>().unwrap()).sum()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn each_modules_charts_add_up_to_its_total_and_its_people(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    for (file, module) in &DEMO_FILES {
        upload(&s, &principal, module, file, demo(file)).await;
        s.drain().await;
    }
    let results: Value =
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025?basis=all", Some(&principal), None)
            .await
            .json();
    let member = s.token("standard", Some("9001")).await;
    for m in results["modules"].as_array().unwrap() {
        let module = m["module"].as_str().unwrap();
        let res = call(&s.app, Method::GET, &breakdown_path(module), Some(&member), None).await;
        assert_eq!(res.status, StatusCode::OK, "{module}: {}", String::from_utf8_lossy(&res.body));
        let view: Value = res.json();
        let charts = view["charts"].as_array().unwrap();
        assert!(!charts.is_empty(), "{module} has charts");
        for chart in charts {
            let groups = chart["groups"].as_array().unwrap();
            assert!(groups.len() <= 11);
            let sum: f64 = groups.iter().map(|g| g["value"].as_f64().unwrap()).sum();
            match chart["unit"].as_str().unwrap() {
                "fte" => {
                    let people = demo_fte("headcount_members.csv") + demo_fte("headcount_students.csv");
                    assert!((sum - people).abs() < 1e-9, "{module}: {sum} FTE = {people}");
                }
                _ if module == "buildings" => {
                    // Rooms, their embodied energy and combustion: three charts of one total.
                    assert!(sum <= m["totals"]["total_kg"].as_f64().unwrap() + 1e-6);
                }
                _ => {
                    let total = m["totals"]["total_kg"].as_f64().unwrap();
                    assert!((sum - total).abs() < 1e-6 * total.max(1.0), "{module} {}: {sum} = {total}", chart["key"]);
                }
            }
        }
    }
    let buildings: Value = call(&s.app, Method::GET, &breakdown_path("buildings"), Some(&principal), None).await.json();
    let total: f64 = buildings["charts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["groups"].as_array().unwrap().iter().map(|g| g["value"].as_f64().unwrap()))
        .sum();
    let headline = results["modules"].as_array().unwrap().iter().find(|m| m["module"] == "buildings").unwrap()
        ["totals"]["total_kg"]
        .as_f64()
        .unwrap();
    assert!(
        (total - headline).abs() < 1e-6 * headline.max(1.0),
        "the buildings' charts together: {total} = {headline}"
    );
    let travel: Value =
        call(&s.app, Method::GET, &breakdown_path("professional_travel"), Some(&principal), None).await.json();
    assert!(
        travel["charts"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["label"].as_str().unwrap().starts_with("plane · ")),
        "{travel}"
    );

    // The trips' map: routes placed with the reference, both directions on one line, whose kg
    // is the travel total but for the entries it cannot place.
    let map: Value =
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025/trips", Some(&member), None).await.json();
    let routes = map["routes"].as_array().unwrap();
    assert!(routes.iter().any(|r| r["mode"] == "plane") && routes.iter().any(|r| r["mode"] == "train"), "{map}");
    for r in routes {
        for end in [&r["from"], &r["to"]] {
            assert!(
                end["latitude"].as_f64().unwrap().abs() <= 90.0 && end["longitude"].as_f64().unwrap().abs() <= 180.0
            );
        }
        assert!(r["from"]["name"].as_str().unwrap() <= r["to"]["name"].as_str().unwrap());
    }
    let mapped: f64 = routes.iter().map(|r| r["kg"].as_f64().unwrap()).sum();
    let travel_total =
        results["modules"].as_array().unwrap().iter().find(|m| m["module"] == "professional_travel").unwrap()["totals"]
            ["total_kg"]
            .as_f64()
            .unwrap();
    assert!(mapped > 0.0 && mapped <= travel_total + 1e-6, "{mapped} ≤ {travel_total}");
    if map["unplaced_entries"] == 0 {
        assert!((mapped - travel_total).abs() < 1e-6 * travel_total);
    }

    let other = s.token("principal", Some("9002")).await;
    let refused = call(&s.app, Method::GET, &breakdown_path("equipment"), Some(&other), None).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let unknown = call(&s.app, Method::GET, &breakdown_path("kitchen"), Some(&principal), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
