//! The simulation's basis and its engine against the server: with the entries and the factor set
//! `GET …/simulation-basis` gives, `co2_domain::simulation` (what the SPA runs in the browser)
//! finds every module's total of the results, a hypothetical entry's kg is the kg the server
//! stores when the same entry is saved, and a lever's kg is the server's once the entry is
//! changed that way.

use crate::all_modules::{DEMO_FILES, demo, upload};
use crate::support::Stack;
use co2_api_types::SimulationBasis;
use co2_domain::catalogue::{self, ParseContext};
use co2_domain::simulation::{Levers, SimEntry, entry_kg, simulate};
use co2_domain::{EntryType, Module};
use co2_testkit::call;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

const BASIS: &str = "/api/v1/entries/units/9001/years/2025/simulation-basis";

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

async fn basis(s: &Stack, token: &str) -> SimulationBasis {
    let res = call(&s.app, Method::GET, BASIS, Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", String::from_utf8_lossy(&res.body));
    serde_json::from_slice(&res.body).unwrap()
}

/// Saves an entry through the API and returns its kg.
async fn saved_kg(s: &Stack, token: &str, module: Module, entry_type: EntryType, data: &Value) -> f64 {
    let uri = format!("/api/v1/entries/units/9001/years/2025/modules/{}", module.key());
    let body = json!({"entry_type": entry_type.name(), "data": data});
    let res = call(&s.app, Method::POST, &uri, Some(token), Some(body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&res.body));
    res.json()["kg_co2eq"].as_f64().unwrap()
}

/// A hypothetical entry as the SPA makes one: the form's text fields parsed by the catalogue.
fn hypothetical(module: Module, entry_type: EntryType, fields: &Value, b: &SimulationBasis) -> Vec<SimEntry> {
    let raw = fields.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect();
    let ctx = ParseContext {
        year: b.year,
        rooms: b.factors.room_reference.clone(),
        stations: b.factors.stations.clone(),
        stored_member_ids: vec![],
    };
    let parsed = catalogue::parse_entry(module, Some(entry_type), &raw, &ctx).unwrap();
    let companion = parsed.companion.map(|c| SimEntry { entry_type: c.entry_type, data: c.data });
    std::iter::once(SimEntry { entry_type: parsed.entry_type, data: parsed.data }).chain(companion).collect()
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn the_simulation_engine_finds_the_servers_totals_entries_and_levers(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    for (file, module) in &DEMO_FILES {
        upload(&s, &principal, module, file, demo(file)).await;
        s.drain().await;
    }

    // Without levers, every module's entries computed in the engine give the results' totals.
    let b = basis(&s, &principal).await;
    assert!(b.truncated_modules.is_empty());
    let out = simulate(&b.entries, &[], &Levers::default(), &b.factors);
    let res =
        call(&s.app, Method::GET, "/api/v1/results/units/9001/years/2025?basis=all", Some(&principal), None).await;
    let results: Value = res.json();
    let mut compared = 0;
    for m in results["modules"].as_array().unwrap() {
        let module = Module::parse(m["module"].as_str().unwrap()).unwrap();
        // The headline's kg: the additional categories are not simulated.
        let server = m["totals"]["total_kg"].as_f64().unwrap();
        let engine = out.get(&module).map_or(0.0, |o| o.computed_kg);
        assert!(close(engine, server), "{}: engine {engine} ≠ server {server}", module.key());
        assert_eq!(out.get(&module).map_or(0.0, |o| o.delta_kg()), 0.0);
        compared += usize::from(server > 0.0);
    }
    // Headcount's rows are all additional (food, commuting): 0 in the headline, as simulated.
    assert_eq!(compared, 7, "every other module of the demo has emissions");
    assert_eq!(out[&Module::Headcount].computed_kg, 0.0);

    // A hypothetical entry of each kind weighs what the server stores for the same fields.
    let cases = [
        (
            Module::ProfessionalTravel,
            EntryType::Plane,
            json!({"origin_iata": "GVA", "destination_iata": "JFK", "cabin_class": "business",
                   "number_of_trips": "2", "departure_date": "2025-05-02", "user_institutional_id": "300001"}),
        ),
        (
            Module::Equipment,
            EntryType::Scientific,
            json!({"equipment_id": "SIM-1", "name": "Ultracentrifuge", "equipment_class": "Centrifugation",
                   "sub_class": "Ultra centrifuges", "active_usage_hours_per_week": "20"}),
        ),
        (
            Module::Purchase,
            EntryType::ScientificEquipment,
            json!({"name": "Microscope", "total_spent_amount": "12000", "currency": "eur",
                   "purchase_institutional_code": "41111700"}),
        ),
    ];
    for (module, entry_type, fields) in &cases {
        let sandbox = hypothetical(*module, *entry_type, fields, &b);
        let simulated = simulate(&[], &sandbox, &Levers::default(), &b.factors)[module].sandbox_kg;
        let server = saved_kg(&s, &principal, *module, *entry_type, fields).await;
        assert!(simulated > 0.0 && close(simulated, server), "{entry_type:?}: {simulated} ≠ {server}");
    }

    // A lever gives what the server computes once the entries are changed that way: business
    // flown in economy.
    let b = basis(&s, &principal).await;
    let business: Vec<&SimEntry> =
        b.entries.iter().filter(|e| e.entry_type == EntryType::Plane && e.data["cabin_class"] == "business").collect();
    assert!(!business.is_empty());
    let flight = business[0].clone();
    let levers = Levers { economy_only: true, ..Levers::default() };
    let levered = simulate(std::slice::from_ref(&flight), &[], &levers, &b.factors)[&Module::ProfessionalTravel];
    assert_eq!(levered.changed, 1);
    let mut economy = flight.data.as_object().unwrap().clone();
    economy.insert("cabin_class".into(), json!("economy"));
    economy.remove("kg_co2eq");
    let fields: Value =
        economy.into_iter().map(|(k, v)| (k, json!(v.as_str().map_or(v.to_string(), str::to_owned)))).collect();
    let server = saved_kg(&s, &principal, Module::ProfessionalTravel, EntryType::Plane, &fields).await;
    assert!(close(levered.levered_kg, server), "{} ≠ {server}", levered.levered_kg);
    assert!(levered.levered_kg < entry_kg(&flight, &b.factors));
}

#[sqlx::test(migrator = "co2_db::MIGRATOR")]
async fn a_member_simulates_with_their_own_rows_and_another_unit_sees_nothing(pool: PgPool) {
    let s = Stack::embedded(pool).await;
    let principal = s.token("principal", Some("9001")).await;
    for file in ["travel_planes.csv", "equipments.csv"] {
        let module = DEMO_FILES.iter().find(|(f, _)| *f == file).unwrap().1;
        upload(&s, &principal, module, file, demo(file)).await;
        s.drain().await;
    }
    let all = basis(&s, &principal).await;
    assert!(all.entries.iter().any(|e| e.entry_type.module() == Module::Equipment));
    assert!(all.factors.stations.stations().len() > 100, "the stations a hypothetical train trip needs");

    // A member: only their own trips and cloud rows (none here), never the unit's equipment.
    let member = s.token("standard", Some("9001")).await;
    let mine = basis(&s, &member).await;
    assert!(mine.entries.len() < all.entries.len());
    assert!(
        mine.entries
            .iter()
            .all(|e| matches!(e.entry_type.module(), Module::ProfessionalTravel | Module::ExternalCloudAndAi))
    );
    assert!(!mine.factors.equipment.is_empty(), "the factors are the year's, for hypothetical entries");

    let other = s.token("principal", Some("9002")).await;
    assert_eq!(call(&s.app, Method::GET, BASIS, Some(&other), None).await.status, StatusCode::NOT_FOUND);
    let none = "/api/v1/entries/units/9001/years/1999/simulation-basis";
    assert_eq!(call(&s.app, Method::GET, none, Some(&principal), None).await.status, StatusCode::NOT_FOUND);
}
