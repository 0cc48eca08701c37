//! The unit-year's trips for its map: each travel entry placed with the reference's airports and
//! stations, grouped by mode and pair of places (both directions together), with their trips and
//! kg. No traveller is named: the map shows where the unit travels, not who.

use co2_api_types::{TripPlace, TripRoute, TripsMapView};
use co2_db::results::EntryKg;
use co2_db::{Db, DbResult};
use co2_domain::travel::{self, Airport, StationIndex, TrainInput};
use co2_domain::{EntryType, Module};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

fn place(name: &str, c: co2_domain::geo::Coordinates) -> TripPlace {
    TripPlace { name: name.to_owned(), latitude: c.latitude, longitude: c.longitude }
}

/// The two ends of a trip entry, where the reference knows them.
fn ends(
    e: &EntryKg,
    airports: &HashMap<String, Airport>,
    stations: &StationIndex,
) -> Option<(&'static str, TripPlace, TripPlace)> {
    let t = EntryType::from_id(e.data_entry_type)?;
    if t == EntryType::Plane {
        let code = |k: &str| e.data.get(k).and_then(|v| v.as_str()).map(str::to_uppercase);
        let (o, d) = (airports.get(&code("origin_iata")?)?, airports.get(&code("destination_iata")?)?);
        return Some((
            "plane",
            place(o.iata_code.as_str(), o.coordinates()),
            place(d.iata_code.as_str(), d.coordinates()),
        ));
    }
    if t == EntryType::Train {
        let input: TrainInput = serde_json::from_value(e.data.clone()).ok()?;
        let found = travel::resolve_stations(&input, stations).ok()?;
        let (o, d) = (found.origin?, found.destination?);
        return Some(("train", place(&o.name, o.coordinates()), place(&d.name, d.coordinates())));
    }
    None
}

/// The routes of `entries` (a unit-year's travel entries) over the given reference.
pub fn routes(entries: &[EntryKg], airports: &HashMap<String, Airport>, stations: &StationIndex) -> TripsMapView {
    let mut grouped: BTreeMap<(&'static str, String, String), TripRoute> = BTreeMap::new();
    let mut unplaced_entries = 0;
    for e in entries {
        let Some((mode, a, b)) = ends(e, airports, stations) else {
            unplaced_entries += 1;
            continue;
        };
        // Both directions of a route are one line.
        let (from, to) = if a.name <= b.name { (a, b) } else { (b, a) };
        let trips = e.data.get("number_of_trips").and_then(|v| v.as_i64()).unwrap_or(1).max(1);
        let route = grouped.entry((mode, from.name.clone(), to.name.clone())).or_insert_with(|| TripRoute {
            mode: mode.to_owned(),
            from,
            to,
            trips: 0,
            kg: 0.0,
        });
        route.trips += trips;
        route.kg += e.kg;
    }
    let mut routes: Vec<TripRoute> = grouped.into_values().collect();
    routes.sort_by(|a, b| b.kg.total_cmp(&a.kg));
    TripsMapView { routes, unplaced_entries }
}

/// The map of a unit-year's trips.
pub async fn unit_trips(db: &Db, unit_id: Uuid, year: i32) -> DbResult<TripsMapView> {
    let entries = co2_db::results::module_entry_kgs(db, unit_id, year, Module::ProfessionalTravel).await?;
    let mut codes: Vec<String> = entries
        .iter()
        .flat_map(|e| [e.data.get("origin_iata"), e.data.get("destination_iata")])
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_uppercase))
        .collect();
    codes.sort();
    codes.dedup();
    let airports = if codes.is_empty() {
        HashMap::new()
    } else {
        co2_db::reference::airports_by_codes(db, &codes)
            .await?
            .into_iter()
            .map(|a| (a.iata_code.as_str().to_owned(), a))
            .collect()
    };
    let trains = entries.iter().any(|e| e.data_entry_type == EntryType::Train.id());
    let stations = if trains { co2_db::reference::station_index(db).await? } else { StationIndex::default() };
    Ok(routes(&entries, &airports, &stations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn airport(code: &str, lat: f64, lon: f64) -> (String, Airport) {
        let a: Airport = serde_json::from_value(json!({
            "iata_code": code, "name": code, "country_code": "CH", "latitude": lat, "longitude": lon,
        }))
        .unwrap();
        (code.to_owned(), a)
    }

    #[test]
    fn both_directions_of_a_route_are_one_line_and_unknown_places_are_counted_apart() {
        let airports: HashMap<String, Airport> =
            [airport("GVA", 46.2, 6.1), airport("JFK", 40.6, -73.8)].into_iter().collect();
        let flight = |o: &str, d: &str, trips: i64, kg: f64| EntryKg {
            data_entry_type: EntryType::Plane.id(),
            data: json!({"origin_iata": o, "destination_iata": d, "number_of_trips": trips}),
            kg,
            quantity: None,
        };
        let entries = [flight("GVA", "JFK", 1, 800.0), flight("jfk", "GVA", 2, 1600.0), flight("GVA", "XXX", 1, 0.0)];
        let map = routes(&entries, &airports, &StationIndex::default());
        assert_eq!(map.routes.len(), 1);
        let r = &map.routes[0];
        assert_eq!((r.mode.as_str(), r.from.name.as_str(), r.to.name.as_str()), ("plane", "GVA", "JFK"));
        assert_eq!((r.trips, r.kg), (3, 2400.0));
        assert_eq!(map.unplaced_entries, 1);
    }
}
