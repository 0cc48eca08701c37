//! `/units/:unit/years/:year/simulation`: what if — levers on the entries the person can see
//! (flights in economy or by train, equipment off in standby or replaced, purchases cut, cloud
//! spend moved), hypothetical entries in any module, and a cut per module; downloadable as CSV
//! and printable. Computed in the browser by `co2_domain::simulation` with the factor set the
//! server sent (`crate::simulation`); the report never changes.

use std::collections::BTreeSet;

use co2_api_types::{EntryInput, SimulationBasis};
use co2_domain::external::CloudProvider;
use co2_domain::simulation::{ClassReplacement, Levers, ModuleOutcome, scenario_lines, simulate};
use co2_domain::{EntryType, Module};
use dioxus::prelude::*;

use crate::api::{self, Basis};
use crate::components::charts::{Bar, BarChart, LegendItem, SERIES_COLOUR};
use crate::components::{EntryForm, LoadingPage, ModuleEntryForm};
use crate::entry_forms::{Draft, forms_of, type_label};
use crate::i18n::use_i18n;
use crate::model::{EquipmentDraft, FieldMessages, module_label, percent_in, tonnes_in};
use crate::routes::Route;
use crate::simulation::{SandboxRow, airport_of, lever_lines, missing_airports, sandbox_row, scenario_csv};
use crate::text as t;

/// Baseline bars in the chart, beside the simulated ones.
const BASELINE_COLOUR: &str = "#b8c4c0";

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
    let results =
        use_resource(use_reactive!(|unit, year| async move { api::results_on(&unit, year, Basis::All).await }));
    // The basis is kept in a signal: a hypothetical flight adds its airports to its factor set.
    let mut basis = use_signal(|| None::<Result<SimulationBasis, String>>);
    let basis_unit = unit.clone();
    use_future(move || {
        let unit = basis_unit.clone();
        async move { basis.set(Some(api::simulation_basis(&unit, year).await.map_err(|e| e.to_string()))) }
    });
    let levers = use_signal(Levers::default);
    let sandbox = use_signal(Vec::<SandboxRow>::new);
    let outcomes = use_memo(move || match &*basis.read() {
        Some(Ok(b)) => simulate(
            &b.entries,
            &sandbox.read().iter().flat_map(|r| r.entries.clone()).collect::<Vec<_>>(),
            &levers.read(),
            &b.factors,
        ),
        _ => Default::default(),
    });

    let view = results.suspend()?.cloned()?;
    let baseline: Vec<(Module, f64)> = Module::ALL
        .iter()
        .map(|m| (*m, view.modules.iter().find(|r| r.module == m.key()).map_or(0.0, |r| r.totals.total_kg)))
        .collect();
    let lines = scenario_lines(&baseline, &outcomes.read(), &levers.read());
    let before: f64 = lines.iter().map(|l| l.baseline_kg).sum();
    let after: f64 = lines.iter().map(|l| l.simulated_kg).sum();
    let change = if before > 0.0 { Some((after - before) / before * 100.0) } else { None };
    let bars: Vec<Bar> = lines
        .iter()
        .flat_map(|l| {
            let label = module_label(lang, l.module.key());
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
    let csv_lines = lines.clone();
    let export = move |_| {
        let csv = scenario_csv(lang, &csv_lines, &levers.read(), &sandbox.read());
        if let Err(e) = crate::components::download_text(&format!("simulation-{year}.csv"), "text/csv", &csv) {
            crate::console::warn(&e);
        }
    };
    let assumptions = lever_lines(lang, &levers.read());

    rsx! {
        section { class: "page simulation", "data-testid": "simulation-page",
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::unit_report(lang, &unit, year)}" }
                    h1 { class: "page-title", "{i18n.t(t::SIMULATION_TITLE)}" }
                    p { class: "lead", "{i18n.t(t::SIMULATION_LEAD)}" }
                }
                div { class: "page-actions no-print",
                    button { class: "btn btn-secondary", r#type: "button", "data-testid": "sim-export", onclick: export,
                        "{i18n.t(t::SIM_EXPORT)}" }
                    button { class: "btn btn-secondary", r#type: "button", "data-testid": "sim-print",
                        onclick: move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } },
                        "{i18n.t(t::SIM_PRINT)}" }
                    Link { class: "btn btn-secondary", to: Route::Results { unit: unit.clone(), year }, "{i18n.t(t::BACK_TO_RESULTS)}" }
                }
            }
            p { class: "notice notice-warn", role: "note", "{i18n.t(t::SIMULATION_NEVER_SAVED)}" }
            div { class: "big-numbers",
                div { class: "big-number",
                    span { class: "summary-label", "{i18n.t(t::NOW)}" }
                    span { class: "big-value", "data-testid": "sim-before", "data-kg": "{before:.2}", "{tonnes_in(lang, before)}" }
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
            match &*basis.read() {
                None => rsx! { p { class: "muted", "data-testid": "sim-loading", "{i18n.t(t::LOADING_RESULTS)}" } },
                Some(Err(e)) => rsx! { p { class: "notice notice-error", role: "alert", "{e}" } },
                Some(Ok(b)) => rsx! {
                    if !b.truncated_modules.is_empty() {
                        p { class: "notice", role: "note",
                            "{i18n.t(t::SIM_TRUNCATED)} "
                            {b.truncated_modules.iter().map(|m| module_label(lang, m)).collect::<Vec<_>>().join(", ")}
                        }
                    }
                    LeverPanel { basis, levers, outcomes: outcomes() }
                },
            }
            Sandbox { unit: unit.clone(), year, basis, rows: sandbox }
            if !assumptions.is_empty() {
                div { class: "panel", "data-testid": "sim-assumptions",
                    h2 { class: "panel-title", "{i18n.t(t::SIM_ASSUMPTIONS)}" }
                    ul {
                        for a in assumptions.iter() {
                            li { key: "{a}", "{a}" }
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
                            tr { key: "{l.module.key()}", "data-module": "{l.module.key()}", "data-kg": "{l.simulated_kg:.2}",
                                th { scope: "row", {module_label(lang, l.module.key())} }
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

/// What one module's levers changed, or that the person sees none of its entries.
#[component]
fn LeverOutcome(module: Module, count: usize, outcome: Option<ModuleOutcome>) -> Element {
    let lang = use_i18n().lang();
    rsx! {
        p { class: "small", "data-testid": "sim-outcome-{module.key()}",
            if count == 0 {
                "{t::SIM_NO_ENTRIES.get(lang)}"
            } else {
                {
                    let o = outcome.unwrap_or_default();
                    t::entries_changed(lang, o.changed, count, o.computed_kg, o.levered_kg)
                }
            }
        }
    }
}

/// The levers, grouped by what they act on.
#[component]
fn LeverPanel(
    basis: Signal<Option<Result<SimulationBasis, String>>>,
    levers: Signal<Levers>,
    outcomes: std::collections::BTreeMap<Module, ModuleOutcome>,
) -> Element {
    let lang = use_i18n().lang();
    let mut levers = levers;
    let outcome = |m: Module| outcomes.get(&m).copied();
    let (counts, in_use, classes) = match &*basis.read() {
        Some(Ok(b)) => {
            let counts: std::collections::BTreeMap<Module, usize> =
                b.entries.iter().fold(Default::default(), |mut c, e| {
                    *c.entry(e.entry_type.module()).or_default() += 1;
                    c
                });
            // Classes of the equipment the person sees, and every class of the year's factors.
            let in_use: BTreeSet<String> = b
                .entries
                .iter()
                .filter(|e| e.entry_type.module() == Module::Equipment)
                .filter_map(|e| e.data["equipment_class"].as_str().map(str::to_owned))
                .collect();
            let classes: BTreeSet<String> = b.factors.equipment.iter().map(|f| f.equipment_class.clone()).collect();
            (counts, in_use, classes)
        }
        _ => Default::default(),
    };
    let count = |m: Module| counts.get(&m).copied().unwrap_or(0);
    let replacement = levers.read().equipment_replacements.first().cloned();
    let (from, to) = replacement.map_or((String::new(), String::new()), |r| (r.from, r.to));
    let mut set_replacement = move |from: String, to: String| {
        levers.write().equipment_replacements =
            if from.is_empty() || to.is_empty() { vec![] } else { vec![ClassReplacement { from, to }] };
    };
    let purchase_types: Vec<EntryType> =
        Module::Purchase.entry_types().filter(|t| *t != EntryType::AdditionalPurchases).collect();
    let percent = |text: String| text.trim().parse::<f64>().unwrap_or(0.0).clamp(0.0, 100.0);
    rsx! {
        div { class: "sim-levers",
            fieldset { class: "panel", "data-testid": "sim-travel",
                legend { class: "panel-title", "{t::SIM_TRAVEL.get(lang)}" }
                label { class: "check",
                    input { r#type: "checkbox", "data-testid": "sim-economy", checked: levers.read().economy_only,
                        onchange: move |e| levers.write().economy_only = e.checked() }
                    " {t::SIM_ECONOMY.get(lang)}"
                }
                label { class: "field",
                    span { class: "field-label", "{t::SIM_TRAIN_BELOW.get(lang)}" }
                    input { r#type: "number", min: "0", max: "5000", step: "50", "data-testid": "sim-train-km",
                        value: "{levers.read().train_below_km}",
                        oninput: move |e| levers.write().train_below_km = e.value().trim().parse::<i64>().unwrap_or(0).clamp(0, 20_000) }
                    span { class: "field-hint", "{t::SIM_TRAIN_HINT.get(lang)}" }
                }
                LeverOutcome { module: Module::ProfessionalTravel, count: count(Module::ProfessionalTravel), outcome: outcome(Module::ProfessionalTravel) }
            }
            fieldset { class: "panel", "data-testid": "sim-equipment",
                legend { class: "panel-title", "{t::SIM_EQUIPMENT.get(lang)}" }
                label { class: "check",
                    input { r#type: "checkbox", "data-testid": "sim-standby-off", checked: levers.read().standby_off,
                        onchange: move |e| levers.write().standby_off = e.checked() }
                    " {t::SIM_STANDBY_OFF.get(lang)}"
                }
                div { class: "inline-fields",
                    label { class: "field",
                        span { class: "field-label", "{t::SIM_REPLACE.get(lang)}" }
                        select { "data-testid": "sim-replace-from",
                            onchange: { let to = to.clone(); move |e: FormEvent| set_replacement(e.value(), to.clone()) },
                            option { value: "", selected: from.is_empty(), "{t::SIM_NO_REPLACEMENT.get(lang)}" }
                            for c in in_use.iter() {
                                option { key: "{c}", value: "{c}", selected: *c == from, "{c}" }
                            }
                        }
                    }
                    label { class: "field",
                        span { class: "field-label", "{t::SIM_REPLACE_BY.get(lang)}" }
                        select { "data-testid": "sim-replace-to",
                            onchange: { let from = from.clone(); move |e: FormEvent| set_replacement(from.clone(), e.value()) },
                            option { value: "", selected: to.is_empty(), "—" }
                            for c in classes.iter() {
                                option { key: "{c}", value: "{c}", selected: *c == to, "{c}" }
                            }
                        }
                    }
                }
                LeverOutcome { module: Module::Equipment, count: count(Module::Equipment), outcome: outcome(Module::Equipment) }
            }
            fieldset { class: "panel", "data-testid": "sim-purchases",
                legend { class: "panel-title", "{t::SIM_PURCHASES.get(lang)} (%)" }
                div { class: "form-grid",
                    for entry_type in purchase_types {
                        label { key: "{entry_type.name()}", class: "field",
                            span { class: "field-label", "{t::SIM_PURCHASE_CUTS.get(lang)} {type_label(lang, entry_type.name())}" }
                            input { r#type: "number", min: "0", max: "100", step: "5", "data-testid": "sim-purchase-{entry_type.name()}",
                                value: levers.read().purchase_cuts.get(&entry_type).map_or(String::new(), |v| v.to_string()),
                                oninput: move |e| { levers.write().purchase_cuts.insert(entry_type, percent(e.value())); } }
                        }
                    }
                }
                LeverOutcome { module: Module::Purchase, count: count(Module::Purchase), outcome: outcome(Module::Purchase) }
            }
            fieldset { class: "panel", "data-testid": "sim-cloud",
                legend { class: "panel-title", "{t::SIM_CLOUD.get(lang)}" }
                label { class: "field",
                    span { class: "field-label", "{t::SIM_CLOUD_PROVIDER.get(lang)}" }
                    select { "data-testid": "sim-cloud-provider",
                        onchange: move |e| levers.write().cloud_provider = CloudProvider::ALL.into_iter().find(|p| p.label() == e.value()),
                        option { value: "", selected: levers.read().cloud_provider.is_none(), "{t::SIM_KEEP_PROVIDER.get(lang)}" }
                        for p in CloudProvider::ALL {
                            option { key: "{p.label()}", value: "{p.label()}", selected: levers.read().cloud_provider == Some(p), "{p.label()}" }
                        }
                    }
                }
                LeverOutcome { module: Module::ExternalCloudAndAi, count: count(Module::ExternalCloudAndAi), outcome: outcome(Module::ExternalCloudAndAi) }
            }
            fieldset { class: "panel", "data-testid": "sim-reductions",
                legend { class: "panel-title", "{t::SIM_REDUCTIONS.get(lang)}" }
                div { class: "form-grid",
                    for m in Module::ALL {
                        label { key: "{m.key()}", class: "field",
                            span { class: "field-label", "{module_label(lang, m.key())} (%)" }
                            input { r#type: "number", min: "0", max: "100", step: "5", "data-testid": "sim-cut-{m.key()}",
                                value: levers.read().module_cuts.get(&m).map_or(String::new(), |v| v.to_string()),
                                oninput: move |e| { levers.write().module_cuts.insert(m, percent(e.value())); } }
                        }
                    }
                }
            }
        }
    }
}

/// The hypothetical entries: a module's own form, checked and computed in the browser.
#[component]
fn Sandbox(
    unit: String,
    year: i32,
    basis: Signal<Option<Result<SimulationBasis, String>>>,
    rows: Signal<Vec<SandboxRow>>,
) -> Element {
    let lang = use_i18n().lang();
    let mut rows = rows;
    let mut module = use_signal(|| Module::ProfessionalTravel);
    let mut open = use_signal(|| false);
    let mut errors = use_signal(FieldMessages::new);
    let mut busy = use_signal(|| false);
    let ready = matches!(&*basis.read(), Some(Ok(_)));
    let mut add = move |input: EntryInput| {
        let m = module();
        let parsed = match &*basis.read() {
            Some(Ok(b)) => sandbox_row(m, &input, b).map(|row| (missing_airports(std::slice::from_ref(&row), b), row)),
            _ => return,
        };
        match parsed {
            Err(messages) => errors.set(messages),
            Ok((missing, row)) => {
                busy.set(true);
                spawn(async move {
                    // The factor set holds the airports of stored entries; a new flight's come
                    // from the reference, like the module form's.
                    for code in missing {
                        let found = api::search_airports(&code).await.unwrap_or_default();
                        if let Some(a) = found.iter().find(|a| a.iata_code == code).and_then(airport_of)
                            && let Some(Ok(b)) = basis.write().as_mut()
                        {
                            b.factors.airports.insert(code, a);
                        }
                    }
                    rows.write().push(row);
                    errors.set(FieldMessages::new());
                    busy.set(false);
                    open.set(false);
                });
            }
        }
    };
    let form = if open() {
        let m = module();
        if m == Module::Equipment {
            rsx! {
                EntryForm { key: "{year}-sandbox-equipment", year, initial: EquipmentDraft::new("scientific"), editing: false,
                    submitting: busy(), server_errors: errors(), general_error: None,
                    on_submit: move |draft: EquipmentDraft| add(draft.to_input()),
                    on_cancel: move |_| open.set(false) }
            }
        } else {
            match forms_of(m.key()).first() {
                Some(f) => rsx! {
                    ModuleEntryForm { key: "sandbox-{m.key()}", unit: unit.clone(), year, module: m.key().to_owned(),
                        initial: Draft::new(f), editing: false, submitting: busy(), own_rows_only: true,
                        server_errors: errors(), general_error: None,
                        on_submit: add, on_cancel: move |_| open.set(false) }
                },
                None => rsx! {},
            }
        }
    } else {
        rsx! {}
    };
    let outcomes_kg = |row: &SandboxRow| match &*basis.read() {
        Some(Ok(b)) => row.entries.iter().map(|e| co2_domain::simulation::entry_kg(e, &b.factors)).sum::<f64>(),
        _ => 0.0,
    };
    rsx! {
        div { class: "panel", "data-testid": "sim-sandbox",
            h2 { class: "panel-title", "{t::SIM_SANDBOX.get(lang)}" }
            p { class: "small muted", "{t::SIM_SANDBOX_HINT.get(lang)}" }
            if !rows.read().is_empty() {
                ul { class: "sandbox-rows",
                    for (i, row) in rows.read().iter().enumerate() {
                        li { key: "{i}", "data-testid": "sandbox-row",
                            "{module_label(lang, row.module.key())} · {type_label(lang, row.entry_type.name())} · {row.label} · "
                            strong { "data-testid": "sandbox-kg", "data-kg": "{outcomes_kg(row):.2}", "{tonnes_in(lang, outcomes_kg(row))} t" }
                            " "
                            button { class: "btn btn-ghost btn-small no-print", r#type: "button", "data-testid": "sandbox-remove",
                                onclick: move |_| { rows.write().remove(i); }, "×" }
                        }
                    }
                }
            }
            div { class: "inline-fields no-print",
                label { class: "field",
                    span { class: "field-label", "{t::MODULE.get(lang)}" }
                    select { "data-testid": "sandbox-module",
                        onchange: move |e| {
                            if let Some(m) = Module::parse(&e.value()) { module.set(m); errors.set(FieldMessages::new()); }
                        },
                        for m in Module::ALL {
                            option { key: "{m.key()}", value: "{m.key()}", selected: module() == m, {module_label(lang, m.key())} }
                        }
                    }
                }
                button { class: "btn btn-secondary", r#type: "button", "data-testid": "sandbox-add", disabled: !ready,
                    onclick: move |_| open.set(true), "{t::SIM_ADD_ENTRY.get(lang)}" }
            }
            {form}
        }
    }
}
