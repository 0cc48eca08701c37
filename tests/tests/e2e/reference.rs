//! Reference data through api-reference: typo-tolerant search, trip distances as the calculation
//! counts them (DOMAIN §5.1, G1 and G5), rooms by (building, room) (D6), persisted exchange rates.

use crate::support::Stack;
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

async fn get(s: &Stack, token: &str, uri: &str) -> (StatusCode, Value) {
    let res = call(&s.app, Method::GET, uri, Some(token), None).await;
    (res.status, res.json())
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn airport_and_station_search_tolerates_typos_and_accents(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let t = s.token("standard", Some("9001")).await;
    let (status, gva) = get(&s, &t, "/api/v1/reference/airports?q=gva").await;
    assert_eq!(status, 200);
    assert_eq!(gva[0]["iata_code"], "GVA", "an exact code comes first");
    let (_, typo) = get(&s, &t, "/api/v1/reference/airports?q=genevva").await;
    assert!(typo.as_array().unwrap().iter().any(|a| a["iata_code"] == "GVA"), "{typo}");
    let (_, accents) = get(&s, &t, "/api/v1/reference/airports?q=zurich").await;
    assert_eq!(accents[0]["iata_code"], "ZRH", "{accents}");
    let (_, stations) = get(&s, &t, "/api/v1/reference/stations?q=zurich%20hb&country=CH").await;
    assert_eq!(stations[0]["name"], "Zürich HB", "{stations}");
    let (_, geneve) = get(&s, &t, "/api/v1/reference/stations?q=geneve&country=CH&limit=5").await;
    assert!(geneve.as_array().unwrap().iter().all(|x| x["name"].as_str().unwrap().starts_with("Genève")), "{geneve}");
    // Pattern characters are matched as themselves.
    for q in ["%25%25", "__", "%5C%25"] {
        let (status, found) = get(&s, &t, &format!("/api/v1/reference/airports?q={q}")).await;
        assert_eq!(status, 200);
        assert_eq!(found.as_array().map(Vec::len), Some(0), "airports for {q}: {found}");
        let (_, found) = get(&s, &t, &format!("/api/v1/reference/stations?q={q}")).await;
        assert_eq!(found.as_array().map(Vec::len), Some(0), "stations for {q}: {found}");
    }
    let (short, body) = get(&s, &t, "/api/v1/reference/airports?q=g").await;
    assert_eq!((short, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn distances_follow_the_calculation_rules(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let t = s.token("standard", Some("9001")).await;
    // G1: GVA → JFK, great circle 6201.27 km → 6201 + 95.
    let (_, plane) = get(&s, &t, "/api/v1/reference/distance?mode=plane&from=gva&to=JFK").await;
    assert_eq!(plane["one_way_km"], 6296, "{plane}");
    assert!((plane["great_circle_km"].as_f64().unwrap() - 6201.27).abs() < 0.01);
    // G5: Lausanne → Zürich HB, 174 km × 1.2 = 208.8 → 209.
    let (_, train) = get(
        &s,
        &t,
        "/api/v1/reference/distance?mode=train&from=Lausanne&from_country=CH&to=z%C3%BCrich%20%20hb&to_country=CH",
    )
    .await;
    assert_eq!(train["one_way_km"], 209, "{train}");
    let (unknown, body) = get(&s, &t, "/api/v1/reference/distance?mode=plane&from=XXX&to=GVA").await;
    assert_eq!((unknown, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("airport_not_found")));
    let (bad, _) = get(&s, &t, "/api/v1/reference/distance?mode=boat&from=a&to=b").await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn rooms_are_identified_by_building_and_room_and_rates_are_persisted(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let t = s.token("principal", Some("9001")).await;
    let (_, lab) = get(&s, &t, "/api/v1/reference/rooms/LAB/S%2001").await;
    let (_, adm) = get(&s, &t, "/api/v1/reference/rooms/ADM/S%2001").await;
    assert_eq!(
        (lab["room_type"].as_str(), lab["room_surface_square_meter"].as_f64()),
        (Some("laboratories"), Some(45.0))
    );
    assert_eq!(
        (adm["room_type"].as_str(), adm["room_surface_square_meter"].as_f64()),
        (Some("miscellaneous"), Some(25.0))
    );
    let (missing, _) = get(&s, &t, "/api/v1/reference/rooms/LAB/Z%2099").await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    let (_, lab_rooms) = get(&s, &t, "/api/v1/reference/rooms?building=LAB").await;
    assert!(lab_rooms.as_array().unwrap().iter().all(|r| r["building_name"] == "LAB"));
    let (_, rates) = get(&s, &t, "/api/v1/reference/exchange-rates?year=2024").await;
    let chf = rates.as_array().unwrap().iter().find(|r| r["currency"] == "chf").unwrap();
    assert_eq!(chf["units_per_eur"], 0.95263);
    let anonymous = call(&s.app, Method::GET, "/api/v1/reference/airports?q=gva", None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn csv_templates_list_each_entry_types_columns(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let t = s.token("standard", Some("9001")).await;
    let res = call(&s.app, Method::GET, "/api/v1/entries/templates/equipment/scientific.csv", Some(&t), None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(res.headers["content-disposition"].to_str().unwrap().contains("scientific_template.csv"));
    let header = String::from_utf8(res.body).unwrap();
    assert!(header.starts_with("equipment_id,name,equipment_class"), "{header}");
    let plane =
        call(&s.app, Method::GET, "/api/v1/entries/templates/professional_travel/plane.csv", Some(&t), None).await;
    assert!(String::from_utf8(plane.body).unwrap().contains("origin_iata"));
    for (uri, code) in [
        ("/api/v1/entries/templates/buildings/building_embodied_energy.csv", "not_uploadable"),
        ("/api/v1/entries/templates/equipment/rocket.csv", "entry_type_not_found"),
        ("/api/v1/entries/templates/spaceflight/rocket.csv", "module_not_found"),
    ] {
        let res = call(&s.app, Method::GET, uri, Some(&t), None).await;
        assert_eq!(
            (res.status, res.json()["error"]["code"].as_str().map(str::to_owned)),
            (StatusCode::NOT_FOUND, Some(code.to_owned())),
            "{uri}"
        );
    }
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn forms_get_their_choices_from_the_years_current_factors(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let t = s.token("standard", Some("9001")).await;
    // Equipment classes with their default usage hours.
    let (status, classes) = get(&s, &t, "/api/v1/reference/factor-choices?year=2025&entry_type=scientific").await;
    assert_eq!(status, 200);
    let supply = classes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["classification"]["equipment_class"] == "Power supplies")
        .expect("a scientific class from the 2025 factors");
    assert_eq!(supply["entry_type"], "scientific");
    assert_eq!(supply["values"]["active_usage_hours_per_week"].as_f64(), Some(40.0), "{supply}");
    // Purchase codes across the module, searched by description.
    let (_, codes) = get(&s, &t, "/api/v1/reference/factor-choices?year=2025&module=purchase&q=chemicals").await;
    let codes = codes.as_array().unwrap();
    let (_, all) = get(&s, &t, "/api/v1/reference/factor-choices?year=2025&module=purchase&limit=2").await;
    assert!(!codes.is_empty(), "{all}");
    assert!(codes.iter().any(|c| c["classification"]["purchase_institutional_code"] == "12000000"), "{codes:?}");
    // The values are searched, not the names of the columns every factor has, nor patterns.
    for q in ["purchase_institutional_code", "%25%25"] {
        let (_, found) =
            get(&s, &t, &format!("/api/v1/reference/factor-choices?year=2025&module=purchase&q={q}")).await;
        assert_eq!(found.as_array().map(Vec::len), Some(0), "{q}: {found}");
    }
    // A stale factor is no longer offered.
    sqlx::query("update factor set is_stale = true where classification->>'equipment_class' = 'Power supplies'")
        .execute(&s.pool)
        .await
        .unwrap();
    let (_, after) = get(&s, &t, "/api/v1/reference/factor-choices?year=2025&entry_type=scientific").await;
    assert!(after.as_array().unwrap().iter().all(|c| c["classification"]["equipment_class"] != "Power supplies"));
    let (missing, body) = get(&s, &t, "/api/v1/reference/factor-choices?year=2025").await;
    assert_eq!((missing, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
    let (unknown, _) = get(&s, &t, "/api/v1/reference/factor-choices?year=2025&entry_type=nope").await;
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    let anonymous =
        call(&s.app, Method::GET, "/api/v1/reference/factor-choices?year=2025&module=purchase", None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
