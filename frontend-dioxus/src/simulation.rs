//! The simulation page's scenario: levers and hypothetical entries, run by
//! `co2_domain::simulation` over the entries and the factor set of `…/simulation-basis`. The
//! browser writes no formula: every kg comes from the domain's compute functions, the ones the
//! server stores its rows with. Nothing is ever sent back.

use co2_api_types::{AirportView, EntryInput, SimulationBasis};
use co2_domain::catalogue::{self, EntryRejection, ParseContext};
use co2_domain::simulation::{Levers, ScenarioLine, SimEntry};
use co2_domain::travel::Airport;
use co2_domain::{EntryType, Module};

use crate::i18n::Lang;
use crate::model::{FieldMessages, module_label, number_in};
use crate::text as t;

/// A hypothetical entry of the scenario: what the person typed, parsed and ready to compute (a
/// room with its embodied-energy companion).
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxRow {
    pub module: Module,
    pub entry_type: EntryType,
    /// A short description for the list ("GVA → JFK", the name…).
    pub label: String,
    pub entries: Vec<SimEntry>,
}

/// Parses a form's fields into a hypothetical entry, as the server would parse the same fields,
/// or the messages to show next to them.
pub fn sandbox_row(module: Module, input: &EntryInput, basis: &SimulationBasis) -> Result<SandboxRow, FieldMessages> {
    let entry_type = EntryType::parse_in(module, &input.entry_type)
        .ok_or_else(|| FieldMessages::from([("entry_type".to_owned(), vec![input.entry_type.clone()])]))?;
    let raw =
        input.data.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect();
    let ctx = ParseContext {
        year: basis.year,
        rooms: basis.factors.room_reference.clone(),
        stations: basis.factors.stations.clone(),
        stored_member_ids: Vec::new(),
    };
    let parsed = catalogue::parse_entry(module, Some(entry_type), &raw, &ctx).map_err(|e| match e {
        EntryRejection::Fields(errors) => {
            let mut out = FieldMessages::new();
            for e in errors.0 {
                out.entry(e.field).or_default().push(e.message);
            }
            out
        }
        EntryRejection::UnsupportedModule(m) => {
            FieldMessages::from([("entry_type".to_owned(), vec![m.key().to_owned()])])
        }
        EntryRejection::UnknownEntryType(name) => FieldMessages::from([("entry_type".to_owned(), vec![name])]),
    })?;
    let label = sandbox_label(&parsed.data);
    let companion = parsed.companion.map(|c| SimEntry { entry_type: c.entry_type, data: c.data });
    let entries =
        std::iter::once(SimEntry { entry_type: parsed.entry_type, data: parsed.data }).chain(companion).collect();
    Ok(SandboxRow { module, entry_type, label, entries })
}

fn sandbox_label(data: &serde_json::Value) -> String {
    let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    match (text("origin_iata").or(text("origin_name")), text("destination_iata").or(text("destination_name"))) {
        (Some(from), Some(to)) => format!("{from} → {to}"),
        _ => ["name", "room_name", "equipment_class", "service_type", "emission_type", "position_title"]
            .iter()
            .find_map(|k| text(k))
            .unwrap_or_default(),
    }
}

/// The airports the hypothetical flights name that the factor set does not hold yet.
pub fn missing_airports(rows: &[SandboxRow], basis: &SimulationBasis) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .flat_map(|r| r.entries.iter())
        .filter(|e| e.entry_type == EntryType::Plane)
        .flat_map(|e| [e.data["origin_iata"].as_str(), e.data["destination_iata"].as_str()])
        .flatten()
        .filter(|code| !basis.factors.airports.contains_key(*code))
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// An airport of the reference search as the domain's airport.
pub fn airport_of(view: &AirportView) -> Option<Airport> {
    serde_json::from_value(serde_json::json!({
        "iata_code": view.iata_code, "name": view.name, "municipality": view.municipality,
        "country_code": view.country_code, "latitude": view.latitude, "longitude": view.longitude,
    }))
    .ok()
}

/// The scenario as CSV, in the reader's language: each module now and simulated (kg), then the
/// levers and the hypothetical entries it assumes.
pub fn scenario_csv(lang: Lang, lines: &[ScenarioLine], levers: &Levers, sandbox: &[SandboxRow]) -> String {
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out =
        format!("{},{},{}\n", field(t::MODULE.get(lang)), field(t::NOW.get(lang)), field(t::SIMULATED.get(lang)));
    for l in lines {
        out += &format!("{},{:.2},{:.2}\n", field(&module_label(lang, l.module.key())), l.baseline_kg, l.simulated_kg);
    }
    let (now, then): (f64, f64) = lines.iter().fold((0.0, 0.0), |(a, b), l| (a + l.baseline_kg, b + l.simulated_kg));
    out += &format!("{},{now:.2},{then:.2}\n\n", field(t::TOTAL.get(lang)));
    out += &format!("{}\n", field(t::SIM_ASSUMPTIONS.get(lang)));
    for line in lever_lines(lang, levers) {
        out += &format!("{}\n", field(&line));
    }
    for row in sandbox {
        out += &format!("{}\n", field(&format!("+ {} · {}", module_label(lang, row.module.key()), row.label)));
    }
    out
}

/// The levers set, one sentence each, in the reader's language.
pub fn lever_lines(lang: Lang, levers: &Levers) -> Vec<String> {
    let mut out = Vec::new();
    if levers.economy_only {
        out.push(t::SIM_ECONOMY.get(lang).to_owned());
    }
    if levers.train_below_km > 0 {
        out.push(format!("{} {}", t::SIM_TRAIN_BELOW.get(lang), number_in(lang, levers.train_below_km as f64, 0)));
    }
    if levers.standby_off {
        out.push(t::SIM_STANDBY_OFF.get(lang).to_owned());
    }
    for r in &levers.equipment_replacements {
        out.push(format!("{} {} → {}", t::SIM_REPLACE.get(lang), r.from, r.to));
    }
    for (entry_type, cut) in &levers.purchase_cuts {
        if *cut > 0.0 {
            out.push(format!(
                "{} {}: −{cut} %",
                t::SIM_PURCHASE_CUTS.get(lang),
                crate::entry_forms::type_label(lang, entry_type.name())
            ));
        }
    }
    if let Some(p) = levers.cloud_provider {
        out.push(format!("{} {}", t::SIM_CLOUD_PROVIDER.get(lang), p.label()));
    }
    for (module, cut) in &levers.module_cuts {
        if *cut > 0.0 {
            out.push(format!("{} {}: −{cut} %", t::SIM_REDUCTIONS.get(lang), module_label(lang, module.key())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use co2_domain::simulation::{ClassReplacement, simulate};
    use serde_json::json;

    fn basis() -> SimulationBasis {
        serde_json::from_value(json!({
            "year": 2025, "entries": [], "truncated_modules": [],
            "factors": {
                "year": 2025,
                "planes": [{"factor_id": "p", "category": "long", "cabin_class": "economy",
                            "ef_kg_co2eq_per_km": 0.1, "rfi_adjustment": 1.35, "min_distance": 0.0, "max_distance": 99999.0}],
                "airports": {"GVA": {"iata_code": "GVA", "name": "Geneva", "country_code": "CH", "latitude": 46.2381, "longitude": 6.1089}},
            },
        }))
        .unwrap()
    }

    fn input(entry_type: &str, data: serde_json::Value) -> EntryInput {
        EntryInput { entry_type: entry_type.into(), data: data.as_object().unwrap().clone() }
    }

    #[test]
    fn a_hypothetical_flight_is_parsed_by_the_catalogue_and_computed_once_its_airports_are_known() {
        let mut b = basis();
        let flight = input("plane", json!({"origin_iata": "gva", "destination_iata": "JFK", "cabin_class": "Economy"}));
        let row = sandbox_row(Module::ProfessionalTravel, &flight, &b).unwrap();
        assert_eq!(row.label, "GVA → JFK");
        assert_eq!(missing_airports(std::slice::from_ref(&row), &b), vec!["JFK".to_owned()]);
        let none = simulate(&[], &row.entries, &Levers::default(), &b.factors);
        assert_eq!(none[&Module::ProfessionalTravel].sandbox_kg, 0.0, "an unknown airport gives no kg, as stored");

        let jfk = AirportView {
            iata_code: "JFK".into(),
            name: "John F. Kennedy".into(),
            municipality: Some("New York".into()),
            country_code: "US".into(),
            latitude: 40.6398,
            longitude: -73.7789,
        };
        b.factors.airports.insert("JFK".into(), airport_of(&jfk).unwrap());
        let out = simulate(&[], &row.entries, &Levers::default(), &b.factors);
        let kg = out[&Module::ProfessionalTravel].sandbox_kg;
        let one_way = co2_domain::travel::plane_distance(
            b.factors.airports["GVA"].coordinates(),
            b.factors.airports["JFK"].coordinates(),
            1,
        );
        assert!(kg > 0.0);
        assert_eq!(
            kg,
            co2_domain::simulation::entry_kg(
                &SimEntry {
                    entry_type: EntryType::Plane,
                    data: json!({"origin_iata": "GVA", "destination_iata": "JFK", "cabin_class": "economy", "number_of_trips": 1}),
                },
                &b.factors
            )
        );
        assert!(one_way.one_way_km > 6000);
    }

    #[test]
    fn a_form_with_problems_gets_the_catalogues_messages_by_field() {
        let bad = input("plane", json!({"origin_iata": "GVA", "cabin_class": "sofa"}));
        let errors = sandbox_row(Module::ProfessionalTravel, &bad, &basis()).unwrap_err();
        assert!(errors.contains_key("destination_iata"), "{errors:?}");
        assert!(errors.contains_key("cabin_class"), "{errors:?}");
    }

    #[test]
    fn the_scenario_file_lists_the_figures_and_every_assumption() {
        let lines = [ScenarioLine { module: Module::ProfessionalTravel, baseline_kg: 1000.0, simulated_kg: 400.0 }];
        let levers = Levers {
            economy_only: true,
            equipment_replacements: vec![ClassReplacement { from: "Freezer".into(), to: "Fridge".into() }],
            ..Levers::default()
        };
        let row = SandboxRow {
            module: Module::Purchase,
            entry_type: EntryType::Services,
            label: "Audit".into(),
            entries: vec![],
        };
        let csv = scenario_csv(Lang::En, &lines, &levers, &[row]);
        assert!(csv.contains(",1000.00,400.00\n"), "{csv}");
        assert!(csv.contains("Freezer → Fridge"), "{csv}");
        assert!(csv.contains("Audit"), "{csv}");
        assert_eq!(csv.lines().filter(|l| l.contains("1000.00")).count(), 2, "the module and the total");
    }
}
