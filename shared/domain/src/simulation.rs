//! What-if scenarios: the entries a person may see, computed again under levers that change
//! their inputs (cabin class, train instead of a short flight, equipment off in standby or
//! replaced by another class, purchases cut, cloud spend moved to another provider), with
//! hypothetical entries added to any module, then a cut per module.
//!
//! No kg is computed here: every entry goes through [`catalogue::compute`] (a flight sent by
//! train through [`travel::compute_train`]), so a simulated entry and a stored one cannot
//! disagree. The SPA runs this in the browser with the year's [`FactorSet`]; the server's tests
//! run it against the server's own totals.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{self, FactorSet};
use crate::emission::Computation;
use crate::equipment::EquipmentInput;
use crate::external::{CloudInput, CloudProvider};
use crate::purchases::PurchaseInput;
use crate::travel::{self, Airport, CabinClass, PlaneInput, Station, TrainClass, TrainInput};
use crate::{EntryType, Module};

/// A stored entry as the simulation reads it: its type and its stored data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimEntry {
    pub entry_type: EntryType,
    pub data: serde_json::Value,
}

/// An equipment class replaced by another of the same category (e.g. an old freezer model by
/// a newer one), sub-class dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassReplacement {
    pub from: String,
    pub to: String,
}

/// The levers of a scenario. The default changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Levers {
    /// Business and first flown in economy.
    #[serde(default)]
    pub economy_only: bool,
    /// Flights whose leg is at most this many km (detour included) go by train, second class;
    /// 0: none.
    #[serde(default)]
    pub train_below_km: i64,
    /// Equipment switched off instead of left in standby.
    #[serde(default)]
    pub standby_off: bool,
    #[serde(default)]
    pub equipment_replacements: Vec<ClassReplacement>,
    /// Percent (0–100) less spent, per purchase entry type.
    #[serde(default)]
    pub purchase_cuts: BTreeMap<EntryType, f64>,
    /// The provider the cloud spend moves to.
    #[serde(default)]
    pub cloud_provider: Option<CloudProvider>,
    /// Percent (0–100) less, per module, applied last.
    #[serde(default)]
    pub module_cuts: BTreeMap<Module, f64>,
}

/// One module of a scenario's outcome over the entries it was given.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ModuleOutcome {
    /// Σ kg of the given entries computed with the factors, as they are.
    pub computed_kg: f64,
    /// Σ kg of the same entries under the levers.
    pub levered_kg: f64,
    /// Σ kg of the hypothetical entries.
    pub sandbox_kg: f64,
    /// Entries the levers changed.
    pub changed: usize,
}

impl ModuleOutcome {
    /// What the levers and the hypothetical entries add to the module (negative: a saving).
    pub fn delta_kg(&self) -> f64 {
        self.levered_kg - self.computed_kg + self.sandbox_kg
    }
}

/// A module's line of a scenario: the report's figure and the simulated one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScenarioLine {
    pub module: Module,
    pub baseline_kg: f64,
    pub simulated_kg: f64,
}

/// Σ kg of a computation's rows outside the additional categories, the footprint a unit's
/// headline counts (an incomplete entry has none, as stored).
pub fn kg_of(c: &Computation) -> f64 {
    match c {
        Computation::Rows(rows) => rows.iter().filter(|r| !r.emission_type.additional).map(|r| r.kg_co2eq).sum(),
        Computation::Incomplete(_) => 0.0,
    }
}

/// Σ kg of an entry computed with `f` (its additional categories left out).
pub fn entry_kg(entry: &SimEntry, f: &FactorSet) -> f64 {
    kg_of(&catalogue::compute(entry.entry_type, &entry.data, f).computation)
}

fn typed<T: serde::de::DeserializeOwned>(data: &serde_json::Value) -> Option<T> {
    serde_json::from_value(data.clone()).ok()
}

fn retyped<T: Serialize>(entry: &SimEntry, input: &T) -> Option<SimEntry> {
    Some(SimEntry { entry_type: entry.entry_type, data: serde_json::to_value(input).ok()? })
}

/// A station standing where an airport is: a flight replaced by the train travels between the
/// two cities it flew between.
fn station_at(a: &Airport) -> Station {
    Station {
        name: a.municipality.clone().unwrap_or_else(|| a.name.clone()),
        country_code: a.country_code.clone(),
        latitude: a.latitude,
        longitude: a.longitude,
        municipality: a.municipality.clone(),
        uic: None,
        trainline_id: None,
    }
}

/// A flight at most `max_km` long as the same trips by train, or `None` when it is longer,
/// overridden, or its airports are unknown.
fn flight_by_train(p: &PlaneInput, max_km: i64, f: &FactorSet) -> Option<Computation> {
    if p.kg_co2eq.is_some() {
        return None;
    }
    let origin = f.airports.get(p.origin_iata.as_str())?;
    let destination = f.airports.get(p.destination_iata.as_str())?;
    if travel::plane_distance(origin.coordinates(), destination.coordinates(), 1).one_way_km > max_km {
        return None;
    }
    let (from, to) = (station_at(origin), station_at(destination));
    let trip = TrainInput {
        origin_name: from.name.clone(),
        origin_country_code: from.country_code.clone(),
        destination_name: to.name.clone(),
        destination_country_code: to.country_code.clone(),
        user_institutional_id: p.user_institutional_id.clone(),
        departure_date: p.departure_date,
        number_of_trips: p.number_of_trips,
        cabin_class: TrainClass::Second,
        note: None,
        kg_co2eq: None,
    };
    Some(travel::compute_train(&trip, Some(&from), Some(&to), &f.trains))
}

/// The entry with its inputs changed by the levers, or `None` when no lever touches it.
fn levered_input(entry: &SimEntry, levers: &Levers) -> Option<SimEntry> {
    match entry.entry_type {
        EntryType::Plane if levers.economy_only => {
            let mut p: PlaneInput = typed(&entry.data)?;
            (p.cabin_class != CabinClass::Economy).then(|| p.cabin_class = CabinClass::Economy)?;
            retyped(entry, &p)
        }
        EntryType::Scientific | EntryType::It | EntryType::Other => {
            let mut e: EquipmentInput = typed(&entry.data)?;
            let mut touched = false;
            if let Some(r) = levers.equipment_replacements.iter().find(|r| r.from == e.equipment_class) {
                e.equipment_class = r.to.clone();
                e.sub_class = None;
                touched = true;
            }
            if levers.standby_off && e.standby_usage_hours_per_week != Some(0) {
                e.standby_usage_hours_per_week = Some(0);
                touched = true;
            }
            touched.then(|| retyped(entry, &e))?
        }
        EntryType::ScientificEquipment
        | EntryType::ItEquipment
        | EntryType::ConsumableAccessories
        | EntryType::BiologicalChemicalGaseousProduct
        | EntryType::Services
        | EntryType::Vehicles
        | EntryType::OtherPurchases => {
            let cut = levers.purchase_cuts.get(&entry.entry_type).copied().filter(|c| *c > 0.0)?;
            let mut p: PurchaseInput = typed(&entry.data)?;
            p.total_spent_amount *= 1.0 - cut.clamp(0.0, 100.0) / 100.0;
            retyped(entry, &p)
        }
        EntryType::ExternalClouds => {
            let provider = levers.cloud_provider?;
            let mut c: CloudInput = typed(&entry.data)?;
            (c.provider != provider).then(|| c.provider = provider)?;
            retyped(entry, &c)
        }
        EntryType::Plane
        | EntryType::Member
        | EntryType::Student
        | EntryType::Train
        | EntryType::Building
        | EntryType::BuildingEmbodiedEnergy
        | EntryType::EnergyCombustion
        | EntryType::AdditionalPurchases
        | EntryType::ResearchFacilities
        | EntryType::MiceAndFishAnimalFacilities
        | EntryType::ExternalAi
        | EntryType::ProcessEmissions => None,
    }
}

/// The entry's kg under the levers, or `None` when they leave it as it is. A lever whose new
/// input cannot be computed (no factor for the new class or provider) leaves the entry as it is
/// rather than counting it as a saving.
fn levered_kg(entry: &SimEntry, levers: &Levers, f: &FactorSet) -> Option<f64> {
    if entry.entry_type == EntryType::Plane && levers.train_below_km > 0 {
        let by_train = typed::<PlaneInput>(&entry.data).and_then(|p| flight_by_train(&p, levers.train_below_km, f));
        if let Some(c @ Computation::Rows(_)) = by_train {
            return Some(kg_of(&c));
        }
    }
    let changed = levered_input(entry, levers)?;
    match catalogue::compute(changed.entry_type, &changed.data, f).computation {
        c @ Computation::Rows(_) => Some(kg_of(&c)),
        Computation::Incomplete(_) => None,
    }
}

/// Every module's outcome: the given entries as computed and under the levers, and the
/// hypothetical entries (already parsed, companions included).
pub fn simulate(
    entries: &[SimEntry],
    sandbox: &[SimEntry],
    levers: &Levers,
    f: &FactorSet,
) -> BTreeMap<Module, ModuleOutcome> {
    let mut out: BTreeMap<Module, ModuleOutcome> = BTreeMap::new();
    for entry in entries {
        let now = entry_kg(entry, f);
        let line = out.entry(entry.entry_type.module()).or_default();
        line.computed_kg += now;
        match levered_kg(entry, levers, f) {
            Some(kg) => {
                line.levered_kg += kg;
                line.changed += usize::from((kg - now).abs() > 1e-9);
            }
            None => line.levered_kg += now,
        }
    }
    for entry in sandbox {
        out.entry(entry.entry_type.module()).or_default().sandbox_kg += entry_kg(entry, f);
    }
    out
}

/// The scenario per module: the report's total (`baseline`, every module of the report) moved
/// by what the levers and hypothetical entries change, then cut by the module's percentage.
pub fn scenario_lines(
    baseline: &[(Module, f64)],
    outcomes: &BTreeMap<Module, ModuleOutcome>,
    levers: &Levers,
) -> Vec<ScenarioLine> {
    let mut modules: Vec<Module> = baseline.iter().map(|(m, _)| *m).collect();
    modules.extend(outcomes.keys().filter(|m| !baseline.iter().any(|(b, _)| b == *m)));
    modules
        .into_iter()
        .map(|module| {
            let baseline_kg = baseline.iter().find(|(m, _)| *m == module).map_or(0.0, |(_, kg)| *kg);
            let delta = outcomes.get(&module).map_or(0.0, ModuleOutcome::delta_kg);
            let cut = levers.module_cuts.get(&module).copied().unwrap_or(0.0).clamp(0.0, 100.0);
            let simulated_kg = ((baseline_kg + delta) * (1.0 - cut / 100.0)).max(0.0);
            ScenarioLine { module, baseline_kg, simulated_kg }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::{PlaneFactor, TrainFactor, TrainRegion};
    use serde_json::json;

    fn airport(code: &str, town: &str, country: &str, lat: f64, lon: f64) -> (String, Airport) {
        let a: Airport = serde_json::from_value(json!({
            "iata_code": code, "name": format!("{town} airport"), "municipality": town,
            "country_code": country, "latitude": lat, "longitude": lon,
        }))
        .unwrap();
        (code.to_owned(), a)
    }

    fn plane_factor(class: CabinClass, ef: f64) -> PlaneFactor {
        PlaneFactor {
            factor_id: format!("p-{}", class.key()),
            category: "short".into(),
            cabin_class: class,
            ef_kg_co2eq_per_km: ef,
            rfi_adjustment: 1.35,
            min_distance: 0.0,
            max_distance: 99999.0,
        }
    }

    fn factors() -> FactorSet {
        FactorSet {
            year: 2025,
            planes: vec![plane_factor(CabinClass::Economy, 0.1), plane_factor(CabinClass::Business, 0.3)],
            trains: vec![TrainFactor {
                factor_id: "t-ch".into(),
                country_code: TrainRegion::parse("CH").unwrap(),
                ef_kg_co2eq_per_km: 0.007,
            }],
            airports: [
                airport("GVA", "Geneva", "CH", 46.2381, 6.1089),
                airport("ZRH", "Zurich", "CH", 47.4647, 8.5492),
                airport("JFK", "New York", "US", 40.6398, -73.7789),
            ]
            .into_iter()
            .collect(),
            ..FactorSet::default()
        }
    }

    fn flight(from: &str, to: &str, class: &str, trips: i64) -> SimEntry {
        let data = json!({"origin_iata": from, "destination_iata": to, "cabin_class": class, "number_of_trips": trips});
        SimEntry { entry_type: EntryType::Plane, data }
    }

    #[test]
    fn without_levers_the_outcome_is_the_computed_entries() {
        let f = factors();
        let entries = [flight("GVA", "JFK", "business", 1), flight("GVA", "ZRH", "economy", 2)];
        let out = simulate(&entries, &[], &Levers::default(), &f);
        let travel = out[&Module::ProfessionalTravel];
        let each: f64 = entries.iter().map(|e| entry_kg(e, &f)).sum();
        assert!(each > 0.0);
        assert_eq!(travel.computed_kg, each);
        assert_eq!(travel.levered_kg, each);
        assert_eq!((travel.changed, travel.delta_kg()), (0, 0.0));
    }

    #[test]
    fn economy_only_recomputes_with_the_economy_factor() {
        let f = factors();
        let business = flight("GVA", "JFK", "business", 1);
        let levers = Levers { economy_only: true, ..Levers::default() };
        let out = simulate(std::slice::from_ref(&business), &[], &levers, &f)[&Module::ProfessionalTravel];
        let economy = entry_kg(&flight("GVA", "JFK", "economy", 1), &f);
        assert_eq!(out.changed, 1);
        assert!((out.levered_kg - economy).abs() < 1e-9);
        assert!((out.computed_kg / out.levered_kg - 3.0).abs() < 1e-9, "business is 3× economy here");
    }

    #[test]
    fn short_flights_go_by_train_between_the_same_cities_with_the_train_formula() {
        let f = factors();
        let levers = Levers { train_below_km: 500, ..Levers::default() };
        let entries = [flight("GVA", "ZRH", "economy", 2), flight("GVA", "JFK", "economy", 1)];
        let out = simulate(&entries, &[], &levers, &f)[&Module::ProfessionalTravel];
        assert_eq!(out.changed, 1, "only the short flight");
        // Geneva–Zurich by train: the great circle between the airports × 1.2, 2 trips, CH factor.
        let (gva, zrh) = (f.airports["GVA"].coordinates(), f.airports["ZRH"].coordinates());
        let train_km = travel::train_distance(gva, zrh, 2).total_km;
        assert_eq!(train_km, 2.0 * 276.0);
        let long = entry_kg(&entries[1], &f);
        assert!((out.levered_kg - (train_km * 0.007 + long)).abs() < 1e-6, "{}", out.levered_kg);
    }

    #[test]
    fn an_override_is_never_changed_by_a_lever() {
        let f = factors();
        let mut overridden = flight("GVA", "ZRH", "business", 1);
        overridden.data["kg_co2eq"] = json!(42.0);
        let levers = Levers { economy_only: true, train_below_km: 1000, ..Levers::default() };
        let out = simulate(&[overridden], &[], &levers, &f)[&Module::ProfessionalTravel];
        assert_eq!((out.computed_kg, out.levered_kg, out.changed), (42.0, 42.0, 0));
    }

    #[test]
    fn hypothetical_entries_add_their_computed_kg_to_their_module() {
        let f = factors();
        let sandbox = [flight("GVA", "JFK", "economy", 1)];
        let out = simulate(&[], &sandbox, &Levers::default(), &f);
        let kg = entry_kg(&sandbox[0], &f);
        assert_eq!(out[&Module::ProfessionalTravel].sandbox_kg, kg);
        let lines = scenario_lines(&[(Module::ProfessionalTravel, 1000.0)], &out, &Levers::default());
        assert!((lines[0].simulated_kg - (1000.0 + kg)).abs() < 1e-9);
    }

    #[test]
    fn a_factor_set_sent_as_json_computes_the_same() {
        let mut f = factors();
        f.rates.insert(2025, crate::purchases::Currency::parse("usd").unwrap(), 1.08);
        f.stations = travel::StationIndex::new([station_at(&f.airports["GVA"])]);
        let back: FactorSet = serde_json::from_value(serde_json::to_value(&f).unwrap()).unwrap();
        let entry = flight("GVA", "JFK", "business", 3);
        assert_eq!(entry_kg(&entry, &back), entry_kg(&entry, &f));
        assert_eq!(back.rates, f.rates);
        assert_eq!(back.stations.stations(), f.stations.stations());
    }

    #[test]
    fn module_cuts_apply_last_and_never_below_zero() {
        let outcomes = BTreeMap::from([(
            Module::ProfessionalTravel,
            ModuleOutcome { computed_kg: 800.0, levered_kg: 300.0, sandbox_kg: 0.0, changed: 2 },
        )]);
        let levers = Levers {
            module_cuts: BTreeMap::from([(Module::ProfessionalTravel, 10.0), (Module::Purchase, 150.0)]),
            ..Levers::default()
        };
        let lines =
            scenario_lines(&[(Module::ProfessionalTravel, 1000.0), (Module::Purchase, 200.0)], &outcomes, &levers);
        assert!((lines[0].simulated_kg - 450.0).abs() < 1e-9, "(1000 − 500) × 0.9");
        assert_eq!(lines[1].simulated_kg, 0.0, "a cut is at most 100 %");
    }

    #[test]
    fn a_lever_without_a_factor_for_the_new_input_leaves_the_entry_as_it_is() {
        let mut f = factors();
        f.clouds = vec![];
        let cloud = SimEntry {
            entry_type: EntryType::ExternalClouds,
            data: json!({"service_type": "compute", "provider": "AWS", "spent_amount": 100.0, "currency": "eur", "kg_co2eq": null}),
        };
        let levers = Levers { cloud_provider: Some(CloudProvider::Ovh), ..Levers::default() };
        let out = simulate(&[cloud], &[], &levers, &f)[&Module::ExternalCloudAndAi];
        assert_eq!((out.changed, out.delta_kg()), (0, 0.0));
    }
}
