//! `/units/:unit/years/:year/simulation`: what if — flights flown in economy or replaced by the
//! train below a distance, and a reduction per module. Recomputed in the browser by
//! `crate::simulation` with the domain crate and the year's factors; the report never changes.

use std::collections::BTreeMap;

use dioxus::prelude::*;

use crate::api::{self, Basis, EntryQuery};
use crate::components::LoadingPage;
use crate::components::charts::{Bar, BarChart, LegendItem, SERIES_COLOUR};
use crate::i18n::use_i18n;
use crate::model::{MODULES, module_label, number_in, percent_in, tonnes_in};
use crate::routes::Route;
use crate::session::use_session;
use crate::simulation::{TravelLevers, flights, simulate_flights, simulate_modules, typed_factors};
use crate::text as t;

/// Baseline bars in the chart, beside the simulated ones.
const BASELINE_COLOUR: &str = "#b8c4c0";

/// Most plane entries loaded for the simulation (pages of 500).
const MAX_FLIGHT_PAGES: u32 = 40;

/// The simulation page.
#[component]
pub fn Simulation(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    rsx! {
        LoadingPage { key: "{unit}-{year}", label: i18n.t(t::LOADING_RESULTS),
            SimulationContent { unit, year }
        }
    }
}

#[component]
fn SimulationContent(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let session = use_session();
    let sees_trips = session.with_permissions(|p| p.can_edit_module(&unit, "professional_travel"));
    let results =
        use_resource(use_reactive!(|unit, year| async move { api::results_on(&unit, year, Basis::All).await }));
    // The flights the person may see (all of the unit's for its team manager, their own for a member).
    let plane_entries = use_resource(use_reactive!(|unit, year, sees_trips| async move {
        let mut all = Vec::new();
        if !sees_trips {
            return all;
        }
        for page in 1..=MAX_FLIGHT_PAGES {
            let q = EntryQuery { page, per_page: 500, entry_type: "plane".into(), ..EntryQuery::default() };
            match api::list_entries(&unit, year, "professional_travel", &q).await {
                Ok(p) => {
                    let done = (page * 500) as i64 >= p.total;
                    all.extend(p.items);
                    if done {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        all
    }));
    let planes = use_resource(use_reactive!(|year| async move {
        api::factor_choices(year, "entry_type=plane", "").await.unwrap_or_default()
    }));
    let trains = use_resource(use_reactive!(|year| async move {
        api::factor_choices(year, "entry_type=train", "").await.unwrap_or_default()
    }));
    let mut economy_only = use_signal(|| false);
    let mut train_below = use_signal(|| "0".to_owned());
    let mut train_region = use_signal(|| "CH".to_owned());
    let mut cuts = use_signal(BTreeMap::<String, f64>::new);

    let view = results.suspend()?.cloned()?;
    let flight_list = flights(&plane_entries.read().clone().unwrap_or_default());
    let plane_list: Vec<co2_domain::travel::PlaneFactor> = typed_factors(&planes.read().clone().unwrap_or_default());
    let train_list: Vec<co2_domain::travel::TrainFactor> = typed_factors(&trains.read().clone().unwrap_or_default());
    let region_of = |f: &co2_domain::travel::TrainFactor| String::from(f.country_code.clone());
    let train_ef = train_list
        .iter()
        .find(|f| region_of(f) == train_region())
        .or_else(|| train_list.iter().find(|f| region_of(f) == "RoW"))
        .map_or(0.0, |f| f.ef_kg_co2eq_per_km);
    let levers = TravelLevers {
        economy_only: economy_only(),
        train_below_km: train_below().trim().parse().unwrap_or(0).max(0),
        train_ef_kg_per_km: train_ef,
    };
    let travel = simulate_flights(&flight_list, &plane_list, &levers);
    let baseline: Vec<(String, f64)> = MODULES
        .iter()
        .map(|m| {
            let kg = view.modules.iter().find(|r| r.module == m.key).map_or(0.0, |r| r.totals.total_kg);
            (m.key.to_owned(), kg)
        })
        .collect();
    let lines = simulate_modules(&baseline, &cuts(), Some(travel));
    let before: f64 = lines.iter().map(|l| l.baseline_kg).sum();
    let after: f64 = lines.iter().map(|l| l.simulated_kg).sum();
    let change = if before > 0.0 { Some((after - before) / before * 100.0) } else { None };
    let bars: Vec<Bar> = lines
        .iter()
        .flat_map(|l| {
            let label = module_label(lang, &l.module);
            [
                Bar {
                    label: format!("{label} · {}", i18n.t(t::NOW)),
                    segments: vec![(l.baseline_kg / 1000.0, BASELINE_COLOUR)],
                    value_label: tonnes_in(lang, l.baseline_kg),
                },
                Bar {
                    label: format!("{label} · {}", i18n.t(t::SIMULATED)),
                    segments: vec![(l.simulated_kg / 1000.0, SERIES_COLOUR)],
                    value_label: tonnes_in(lang, l.simulated_kg),
                },
            ]
        })
        .filter(|b| b.segments[0].0 > 0.0)
        .collect();

    rsx! {
        section { class: "page simulation", "data-testid": "simulation-page",
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::unit_report(lang, &unit, year)}" }
                    h1 { class: "page-title", "{i18n.t(t::SIMULATION_TITLE)}" }
                    p { class: "lead", "{i18n.t(t::SIMULATION_LEAD)}" }
                }
                div { class: "page-actions",
                    Link { class: "btn btn-secondary", to: Route::Results { unit: unit.clone(), year }, "{i18n.t(t::BACK_TO_RESULTS)}" }
                }
            }
            p { class: "notice notice-warn", role: "note", "{i18n.t(t::SIMULATION_NEVER_SAVED)}" }
            div { class: "big-numbers",
                div { class: "big-number",
                    span { class: "summary-label", "{i18n.t(t::NOW)}" }
                    span { class: "big-value", "data-testid": "sim-before", "{tonnes_in(lang, before)}" }
                    span { class: "summary-unit", "{i18n.t(t::T_CO2E)}" }
                }
                div { class: "big-number",
                    span { class: "summary-label", "{i18n.t(t::SIMULATED)}" }
                    span { class: "big-value", "data-testid": "sim-after", "data-kg": "{after:.2}", "{tonnes_in(lang, after)}" }
                    span { class: "summary-unit", "{i18n.t(t::T_CO2E)}" }
                }
                div { class: "big-number",
                    span { class: "summary-label", "{i18n.t(t::CHANGE)}" }
                    span { class: "big-value", "data-testid": "sim-change",
                        {change.map_or_else(|| "—".to_owned(), |c| percent_in(lang, c / 100.0))}
                    }
                }
            }
            div { class: "sim-levers",
                fieldset { class: "panel", "data-testid": "sim-travel",
                    legend { class: "panel-title", "{i18n.t(t::SIM_TRAVEL)}" }
                    if sees_trips {
                        label { class: "check",
                            input { r#type: "checkbox", "data-testid": "sim-economy", checked: economy_only(),
                                onchange: move |e| economy_only.set(e.checked()) }
                            " {i18n.t(t::SIM_ECONOMY)}"
                        }
                        label { class: "field",
                            span { class: "field-label", "{i18n.t(t::SIM_TRAIN_BELOW)}" }
                            input { r#type: "number", min: "0", max: "5000", step: "50", "data-testid": "sim-train-km",
                                value: "{train_below}", oninput: move |e| train_below.set(e.value()) }
                        }
                        label { class: "field",
                            span { class: "field-label", "{i18n.t(t::SIM_TRAIN_FACTOR)}" }
                            select { "data-testid": "sim-train-factor", onchange: move |e| train_region.set(e.value()),
                                for f in train_list.iter() {
                                    option { key: "{region_of(f)}", value: "{region_of(f)}", selected: region_of(f) == train_region(),
                                        "{region_of(f)} · {number_in(lang, f.ef_kg_co2eq_per_km * 1000.0, 1)} g/km" }
                                }
                            }
                        }
                        p { class: "small", "data-testid": "sim-travel-outcome",
                            "{t::flights_changed(lang, travel.changed, flight_list.len(), travel.baseline_kg, travel.simulated_kg)}"
                        }
                    } else {
                        p { class: "muted", "{i18n.t(t::SIM_NO_TRIPS)}" }
                    }
                }
                fieldset { class: "panel", "data-testid": "sim-reductions",
                    legend { class: "panel-title", "{i18n.t(t::SIM_REDUCTIONS)}" }
                    div { class: "form-grid",
                        for m in MODULES.iter() {
                            label { key: "{m.key}", class: "field",
                                span { class: "field-label", "{m.label.get(lang)} (%)" }
                                input { r#type: "number", min: "0", max: "100", step: "5", "data-testid": "sim-cut-{m.key}",
                                    value: cuts.read().get(m.key).map_or(String::new(), |v| v.to_string()),
                                    oninput: move |e| {
                                        let v = e.value().trim().parse::<f64>().unwrap_or(0.0).clamp(0.0, 100.0);
                                        cuts.write().insert(m.key.to_owned(), v);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            BarChart {
                id: "chart-simulation",
                title: i18n.t(t::SIMULATION_TITLE).to_owned(),
                description: i18n.t(t::SIMULATION_CHART_DESC).to_owned(),
                bars,
                legend: vec![
                    LegendItem { label: i18n.t(t::NOW).to_owned(), colour: BASELINE_COLOUR },
                    LegendItem { label: i18n.t(t::SIMULATED).to_owned(), colour: SERIES_COLOUR },
                ],
            }
            div { class: "table-wrap",
                table { class: "data-table compact", "data-testid": "sim-table",
                    thead {
                        tr {
                            th { scope: "col", "{i18n.t(t::MODULE)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::NOW)} (t)" }
                            th { scope: "col", class: "num", "{i18n.t(t::SIMULATED)} (t)" }
                        }
                    }
                    tbody {
                        for l in lines.iter() {
                            tr { key: "{l.module}", "data-module": "{l.module}",
                                th { scope: "row", {module_label(lang, &l.module)} }
                                td { class: "num", {tonnes_in(lang, l.baseline_kg)} }
                                td { class: "num", {tonnes_in(lang, l.simulated_kg)} }
                            }
                        }
                    }
                }
            }
        }
    }
}
