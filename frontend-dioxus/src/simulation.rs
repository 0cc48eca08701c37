//! What-if arithmetic, run in the browser with the domain crate: flights recomputed with the
//! year's plane factors (another cabin class, or the train instead below a distance), and a
//! reduction per module. Pure functions over what the page loaded; nothing is ever sent back.

use std::collections::BTreeMap;

use co2_api_types::{EntryView, FactorChoiceView};
use co2_domain::travel::{CabinClass, PLANE_DETOUR_KM, PlaneFactor, TRAIN_DETOUR_FACTOR, resolve_plane_factor};

/// A flight of the report as the simulation needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Flight {
    pub cabin_class: CabinClass,
    /// One leg as counted (great circle + 95 km).
    pub one_way_km: i64,
    pub trips: f64,
    /// Its current kg (an override stays as entered: the simulation does not touch it).
    pub kg: f64,
    pub overridden: bool,
}

/// The flights among plane entries; entries that could not be computed are left out.
pub fn flights(entries: &[EntryView]) -> Vec<Flight> {
    entries
        .iter()
        .filter(|e| e.entry_type == "plane")
        .filter_map(|e| {
            let kg = e.kg_co2eq?;
            let text = |k: &str| match e.data.get(k) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            };
            let cabin_class = CabinClass::parse_entry(&text("cabin_class"))?;
            let trips = co2_domain::fields::parse_decimal(&text("number_of_trips")).unwrap_or(1.0).max(1.0);
            let overridden = !text("kg_co2eq").trim().is_empty();
            let total_km = e.emissions.first().and_then(|r| r.quantity).unwrap_or(0.0);
            let one_way_km = (total_km / trips).round() as i64;
            Some(Flight { cabin_class, one_way_km, trips, kg, overridden })
        })
        .collect()
}

/// The year's factors of a type, typed, from the factor choices (whose values carry no id: the
/// simulation does not need one).
pub fn typed_factors<T: serde::de::DeserializeOwned>(choices: &[FactorChoiceView]) -> Vec<T> {
    choices
        .iter()
        .filter_map(|c| {
            let mut values = c.values.clone();
            values.insert("factor_id".into(), serde_json::Value::String(String::new()));
            serde_json::from_value(serde_json::Value::Object(values)).ok()
        })
        .collect()
}

/// The travel levers.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelLevers {
    /// Business and first flown in economy.
    pub economy_only: bool,
    /// Flights whose leg is at most this many km go by train (0: none).
    pub train_below_km: i64,
    /// The train factor used for them.
    pub train_ef_kg_per_km: f64,
}

/// What the travel levers give.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TravelOutcome {
    pub baseline_kg: f64,
    pub simulated_kg: f64,
    /// Flights the levers changed.
    pub changed: usize,
}

/// Recomputes each flight under the levers with the domain's factor choice (DOMAIN §5.2) and,
/// for a flight sent by train, the train distance of DOMAIN §5.1 from its great circle.
pub fn simulate_flights(flights: &[Flight], factors: &[PlaneFactor], levers: &TravelLevers) -> TravelOutcome {
    let mut out = TravelOutcome::default();
    for f in flights {
        out.baseline_kg += f.kg;
        if f.overridden {
            out.simulated_kg += f.kg;
            continue;
        }
        let simulated = if levers.train_below_km > 0 && f.one_way_km <= levers.train_below_km {
            let great_circle = (f.one_way_km - PLANE_DETOUR_KM).max(0) as f64;
            let train_km = (great_circle * TRAIN_DETOUR_FACTOR).round();
            Some(train_km * f.trips * levers.train_ef_kg_per_km)
        } else if levers.economy_only && f.cabin_class != CabinClass::Economy {
            resolve_plane_factor(factors, CabinClass::Economy, f.one_way_km)
                .ok()
                .map(|factor| f.one_way_km as f64 * f.trips * factor.ef_kg_co2eq_per_km * factor.rfi_adjustment)
        } else {
            None
        };
        match simulated {
            Some(kg) => {
                out.simulated_kg += kg;
                out.changed += 1;
            }
            None => out.simulated_kg += f.kg,
        }
    }
    out
}

/// One module's line of the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleLine {
    pub module: String,
    pub baseline_kg: f64,
    pub simulated_kg: f64,
}

/// Applies the reductions (percent per module, 0–100) to the module baselines; the travel module
/// takes the flight recomputation first (its non-flight rows keep their kg), then its reduction.
pub fn simulate_modules(
    baseline: &[(String, f64)],
    reductions: &BTreeMap<String, f64>,
    travel: Option<TravelOutcome>,
) -> Vec<ModuleLine> {
    baseline
        .iter()
        .map(|(module, kg)| {
            let mut simulated = *kg;
            if module == "professional_travel"
                && let Some(t) = travel
            {
                simulated += t.simulated_kg - t.baseline_kg;
            }
            let cut = reductions.get(module).copied().unwrap_or(0.0).clamp(0.0, 100.0);
            simulated *= 1.0 - cut / 100.0;
            ModuleLine { module: module.clone(), baseline_kg: *kg, simulated_kg: simulated.max(0.0) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(category: &str, class: CabinClass, ef: f64, min: f64, max: f64) -> PlaneFactor {
        PlaneFactor {
            factor_id: String::new(),
            category: category.into(),
            cabin_class: class,
            ef_kg_co2eq_per_km: ef,
            rfi_adjustment: 1.35,
            min_distance: min,
            max_distance: max,
        }
    }

    fn flight(class: CabinClass, km: i64, trips: f64, kg: f64) -> Flight {
        Flight { cabin_class: class, one_way_km: km, trips, kg, overridden: false }
    }

    #[test]
    fn factors_are_read_from_the_choices_values() {
        let choice = FactorChoiceView {
            entry_type: "train".into(),
            classification: serde_json::json!({"country_code": "CH"}).as_object().unwrap().clone(),
            values: serde_json::json!({"country_code": "CH", "ef_kg_co2eq_per_km": 0.007}).as_object().unwrap().clone(),
        };
        let trains: Vec<co2_domain::travel::TrainFactor> = typed_factors(&[choice]);
        assert_eq!(trains.len(), 1);
        assert_eq!(trains[0].ef_kg_co2eq_per_km, 0.007);
    }

    #[test]
    fn business_flights_flown_in_economy_use_the_economy_factor_of_their_band() {
        let factors = [
            factor("long", CabinClass::Economy, 0.1902, 3700.0, 99999.0),
            factor("long", CabinClass::Business, 0.5515, 3700.0, 99999.0),
        ];
        // G1: GVA → JFK, 6,296 km one way; in business, then in economy.
        let business = flight(CabinClass::Business, 6296, 1.0, 6296.0 * 0.5515 * 1.35);
        let levers = TravelLevers { economy_only: true, train_below_km: 0, train_ef_kg_per_km: 0.0 };
        let out = simulate_flights(&[business], &factors, &levers);
        assert_eq!(out.changed, 1);
        assert!((out.simulated_kg - 1616.62).abs() < 0.01, "{}", out.simulated_kg);
    }

    #[test]
    fn short_flights_go_by_train_on_the_train_distance_and_overrides_stay() {
        // GVA → ZRH: 224 km great circle, 319 km by plane; by train round(224 × 1.2) = 269 km.
        let short = flight(CabinClass::Economy, 319, 2.0, 500.0);
        let overridden = Flight { overridden: true, ..flight(CabinClass::Economy, 300, 1.0, 42.0) };
        let levers = TravelLevers { economy_only: false, train_below_km: 500, train_ef_kg_per_km: 0.007 };
        let out = simulate_flights(&[short, overridden], &[], &levers);
        assert_eq!(out.changed, 1);
        assert!((out.simulated_kg - (269.0 * 2.0 * 0.007 + 42.0)).abs() < 1e-9);
        assert!((out.baseline_kg - 542.0).abs() < 1e-9);
    }

    #[test]
    fn module_reductions_apply_after_the_travel_recomputation() {
        let baseline = vec![("professional_travel".to_owned(), 1000.0), ("purchase".to_owned(), 200.0)];
        let travel = TravelOutcome { baseline_kg: 800.0, simulated_kg: 300.0, changed: 2 };
        let cuts = BTreeMap::from([("professional_travel".to_owned(), 10.0), ("purchase".to_owned(), 150.0)]);
        let lines = simulate_modules(&baseline, &cuts, Some(travel));
        assert!((lines[0].simulated_kg - 450.0).abs() < 1e-9, "(1000 − 500) × 0.9");
        assert_eq!(lines[1].simulated_kg, 0.0, "a reduction is at most 100 %");
    }
}
