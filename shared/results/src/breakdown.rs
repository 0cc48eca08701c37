//! A module's entries grouped for its page's charts: flights by mode, haul and class, equipment
//! by class, energy and embodied energy by building, purchases by category, facilities by name,
//! cloud & AI by provider, process emissions by gas, and the headcount's FTE by position. Each
//! chart lists its heaviest groups and sums the rest.

#![warn(clippy::wildcard_enum_match_arm)]

use co2_api_types::{BreakdownChart, BreakdownGroup, ModuleBreakdownView};
use co2_db::results::EntryKg;
use co2_db::{Db, DbResult};
use co2_domain::headcount::{MemberInput, StudentInput};
use co2_domain::travel::{CabinClass, PlaneFactor, TrainClass};
use co2_domain::{EntryType, Module};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Groups a chart lists before it sums the rest.
pub const TOP_GROUPS: usize = 10;

/// A chart being summed: its groups by label.
struct Chart {
    key: &'static str,
    unit: &'static str,
    groups: BTreeMap<String, (f64, i64)>,
}

impl Chart {
    fn kg(key: &'static str) -> Chart {
        Chart { key, unit: "kg", groups: BTreeMap::new() }
    }

    fn add(&mut self, label: impl Into<String>, value: f64) {
        let g = self.groups.entry(label.into()).or_default();
        g.0 += value;
        g.1 += 1;
    }

    /// The heaviest groups first, at most [`TOP_GROUPS`], then the rest as one group.
    fn finish(self) -> Option<BreakdownChart> {
        if self.groups.is_empty() {
            return None;
        }
        let mut groups: Vec<BreakdownGroup> = self
            .groups
            .into_iter()
            .map(|(label, (value, entries))| BreakdownGroup { label, value, entries, rest: false })
            .collect();
        groups.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
        if groups.len() > TOP_GROUPS {
            let rest: Vec<BreakdownGroup> = groups.split_off(TOP_GROUPS);
            groups.push(BreakdownGroup {
                label: format!("{} more", rest.len()),
                value: rest.iter().map(|g| g.value).sum(),
                entries: rest.iter().map(|g| g.entries).sum(),
                rest: true,
            });
        }
        Some(BreakdownChart { key: self.key.to_owned(), unit: self.unit.to_owned(), groups })
    }
}

fn text(data: &serde_json::Value, field: &str) -> String {
    let value = data.get(field);
    if let Some(serde_json::Value::String(s)) = value
        && !s.trim().is_empty()
    {
        return s.trim().to_owned();
    }
    if let Some(serde_json::Value::Number(n)) = value {
        return n.to_string();
    }
    "—".to_owned()
}

/// A flight's haul band (the plane factors' category its leg falls in), from its flown km and
/// trips: the band its factor was chosen by.
fn haul(e: &EntryKg, planes: &[PlaneFactor]) -> String {
    let trips = e.data.get("number_of_trips").and_then(serde_json::Value::as_i64).unwrap_or(1).max(1);
    let one_way = e.quantity.map(|km| (km / trips as f64).round() as i64);
    one_way
        .and_then(|km| planes.iter().find(|f| f.covers(km)))
        .map_or_else(|| "—".to_owned(), |f| f.category.trim().to_lowercase())
}

/// The charts of `module` over its entries (`planes`: the year's plane factors, for the haul).
pub fn charts(module: Module, entries: &[EntryKg], planes: &[PlaneFactor]) -> Vec<BreakdownChart> {
    let typed = |e: &EntryKg| EntryType::from_id(e.data_entry_type);
    let charts: Vec<Chart> = match module {
        Module::Headcount => {
            let mut fte = Chart { key: "fte_by_position", unit: "fte", groups: BTreeMap::new() };
            for e in entries {
                let t = typed(e);
                if t == Some(EntryType::Member)
                    && let Ok(m) = serde_json::from_value::<MemberInput>(e.data.clone())
                {
                    fte.add(m.sius_code.label(), m.fte);
                } else if t == Some(EntryType::Student)
                    && let Ok(s) = serde_json::from_value::<StudentInput>(e.data.clone())
                {
                    fte.add("students", s.fte);
                }
            }
            vec![fte]
        }
        Module::ProfessionalTravel => {
            let mut trips = Chart::kg("by_haul_and_class");
            for e in entries {
                let class = text(&e.data, "cabin_class");
                if typed(e) == Some(EntryType::Plane) {
                    let class = CabinClass::parse(&class).map_or(class, |c| c.key().to_owned());
                    trips.add(format!("plane · {} · {class}", haul(e, planes)), e.kg);
                } else if typed(e) == Some(EntryType::Train) {
                    let class = TrainClass::parse(&class).map_or(class, |c| c.key().to_owned());
                    trips.add(format!("train · {class}"), e.kg);
                }
            }
            vec![trips]
        }
        Module::Buildings => {
            let (mut energy, mut embodied, mut fuels) =
                (Chart::kg("energy_by_building"), Chart::kg("embodied_by_building"), Chart::kg("combustion_by_fuel"));
            for e in entries {
                let t = typed(e);
                if t == Some(EntryType::Building) {
                    energy.add(text(&e.data, "building_name"), e.kg);
                } else if t == Some(EntryType::BuildingEmbodiedEnergy) {
                    embodied.add(text(&e.data, "building_name"), e.kg);
                } else if t == Some(EntryType::EnergyCombustion) {
                    fuels.add(text(&e.data, "name"), e.kg);
                }
            }
            vec![energy, embodied, fuels]
        }
        Module::Equipment => {
            let mut classes = Chart::kg("by_class");
            for e in entries {
                classes.add(text(&e.data, "equipment_class"), e.kg);
            }
            vec![classes]
        }
        Module::Purchase => {
            let mut categories = Chart::kg("by_category");
            for e in entries {
                categories.add(typed(e).map_or("—", EntryType::name), e.kg);
            }
            vec![categories]
        }
        Module::ResearchFacilities => {
            let mut facilities = Chart::kg("by_facility");
            for e in entries {
                let name = if typed(e) == Some(EntryType::MiceAndFishAnimalFacilities) {
                    text(&e.data, "researchfacility_type")
                } else {
                    text(&e.data, "researchfacility_name")
                };
                facilities.add(name, e.kg);
            }
            vec![facilities]
        }
        Module::ExternalCloudAndAi => {
            let mut providers = Chart::kg("by_provider");
            for e in entries {
                providers.add(text(&e.data, "provider"), e.kg);
            }
            vec![providers]
        }
        Module::ProcessEmissions => {
            let mut gases = Chart::kg("by_gas");
            for e in entries {
                gases.add(text(&e.data, "category"), e.kg);
            }
            vec![gases]
        }
    };
    charts.into_iter().filter_map(Chart::finish).collect()
}

/// The breakdown of a unit-year module, every entry counted (validated or not).
pub async fn module_breakdown(db: &Db, unit_id: Uuid, year: i32, module: Module) -> DbResult<ModuleBreakdownView> {
    let entries = co2_db::results::module_entry_kgs(db, unit_id, year, module).await?;
    let planes = match module {
        Module::ProfessionalTravel => co2_db::factor::plane_factors(db, year).await?,
        Module::Headcount
        | Module::Buildings
        | Module::Equipment
        | Module::Purchase
        | Module::ResearchFacilities
        | Module::ExternalCloudAndAi
        | Module::ProcessEmissions => Vec::new(),
    };
    Ok(ModuleBreakdownView { module: module.key().to_owned(), charts: charts(module, &entries, &planes) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(t: EntryType, data: serde_json::Value, kg: f64, quantity: Option<f64>) -> EntryKg {
        EntryKg { data_entry_type: t.id(), data, kg, quantity }
    }

    #[test]
    fn equipment_is_grouped_by_class_heaviest_first_with_the_rest_summed() {
        let entries: Vec<EntryKg> = (0..12)
            .map(|i| entry(EntryType::Scientific, json!({"equipment_class": format!("C{i:02}")}), i as f64, None))
            .chain([entry(EntryType::It, json!({"equipment_class": "C11"}), 5.0, None)])
            .collect();
        let charts = charts(Module::Equipment, &entries, &[]);
        let groups = &charts[0].groups;
        assert_eq!((charts[0].key.as_str(), charts[0].unit.as_str()), ("by_class", "kg"));
        assert_eq!((groups[0].label.as_str(), groups[0].value, groups[0].entries), ("C11", 16.0, 2));
        assert_eq!(groups.len(), TOP_GROUPS + 1);
        let rest = groups.last().unwrap();
        assert!(rest.rest);
        assert_eq!((rest.value, rest.entries), (0.0 + 1.0, 2), "C00 and C01 are the lightest");
    }

    #[test]
    fn flights_are_grouped_by_the_haul_their_factor_was_chosen_by_and_their_class() {
        let band = |category: &str, min: f64, max: f64| PlaneFactor {
            factor_id: String::new(),
            category: category.into(),
            cabin_class: CabinClass::Economy,
            ef_kg_co2eq_per_km: 0.1,
            rfi_adjustment: 1.0,
            min_distance: min,
            max_distance: max,
        };
        let planes = [band("short", 0.0, 800.0), band("long", 800.0, 99999.0)];
        let entries = [
            entry(EntryType::Plane, json!({"cabin_class": "economy", "number_of_trips": 2}), 60.0, Some(2.0 * 300.0)),
            entry(EntryType::Plane, json!({"cabin_class": "business", "number_of_trips": 1}), 900.0, Some(6296.0)),
            entry(EntryType::Train, json!({"cabin_class": "second"}), 2.0, Some(269.0)),
        ];
        let chart = &charts(Module::ProfessionalTravel, &entries, &planes)[0];
        let labels: Vec<&str> = chart.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["plane · long · business", "plane · short · economy", "train · second"]);
    }

    #[test]
    fn the_headcount_sums_fte_by_position_and_students_apart() {
        let entries = [
            entry(
                EntryType::Member,
                json!({"name": "A", "sius_code": "51", "user_institutional_id": "1", "fte": 1.0}),
                0.0,
                None,
            ),
            entry(
                EntryType::Member,
                json!({"name": "B", "sius_code": "51", "user_institutional_id": "2", "fte": 0.5}),
                0.0,
                None,
            ),
            entry(EntryType::Student, json!({"fte": 12.0}), 0.0, None),
        ];
        let chart = &charts(Module::Headcount, &entries, &[])[0];
        assert_eq!(chart.unit, "fte");
        let got: Vec<(&str, f64)> = chart.groups.iter().map(|g| (g.label.as_str(), g.value)).collect();
        assert_eq!(got, [("students", 12.0), ("professors", 1.5)]);
    }
}
