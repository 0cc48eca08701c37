//! `/it-manager/reporting` (back-office operators, within their subtree, and admins): the units of
//! a year filtered by faculty or institute, completion and a module's state — summary cards, the
//! modules' state counts, charts by module and scope and by category, each unit's row with a
//! link to its results — and the same view as CSV, JSON and one PDF, plus one module's entries
//! across the units. The server computes every figure and checks every right again.

use co2_api_types::{
    ExportKind, ExportRequest, ModuleStatus, ReportingFilters, ReportingUnit, ReportingView, UnitCompletion,
};
use dioxus::prelude::*;

use super::it_manager::YearSelect;
use super::results::ChartPanel;
use crate::api;
use crate::components::charts::{Bar, BarChart, SCOPE_COLOURS, SERIES_COLOUR, scope_legend};
use crate::components::{ErrorPanel, ExportLink, LoadingPage};
use crate::i18n::{Lang, use_i18n};
use crate::model::{MODULES, category_label, module_label, number_in, status_label, tonnes_in};
use crate::routes::Route;
use crate::text as t;

/// A completion as the filter's `<select>` writes it.
fn completion_of(value: &str) -> Option<UnitCompletion> {
    match value {
        "validated" => Some(UnitCompletion::Validated),
        "in_progress" => Some(UnitCompletion::InProgress),
        "not_started" => Some(UnitCompletion::NotStarted),
        _ => None,
    }
}

/// A module state as the filter's `<select>` writes it.
fn status_of(value: &str) -> Option<ModuleStatus> {
    match value {
        "validated" => Some(ModuleStatus::Validated),
        "in_progress" => Some(ModuleStatus::InProgress),
        "not_started" => Some(ModuleStatus::NotStarted),
        _ => None,
    }
}

fn completion_label(c: UnitCompletion) -> t::Text {
    match c {
        UnitCompletion::Validated => t::UNITS_VALIDATED,
        UnitCompletion::InProgress => t::UNITS_IN_PROGRESS,
        UnitCompletion::NotStarted => t::UNITS_NOT_STARTED,
    }
}

/// The snake_case spelling serde gives a unit variant (the API's and the selects' values).
fn serde_key<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// `/it-manager/reporting`.
#[component]
pub fn ItReporting() -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let year = use_signal(|| None::<i32>);
    let mut subtree = use_signal(String::new);
    let mut completion = use_signal(|| None::<UnitCompletion>);
    let mut module = use_signal(String::new);
    let mut module_status = use_signal(|| ModuleStatus::Validated);
    let filters = ReportingFilters {
        subtree: Some(subtree()).filter(|s| !s.trim().is_empty()),
        completion: completion(),
        module: Some(module()).filter(|m| !m.is_empty()),
        module_status: Some(module_status()).filter(|_| !module().is_empty()),
    };
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{i18n.t(t::IT_REPORTING)}" }
            p { class: "lead", "{i18n.t(t::IT_REPORTING_LEAD)}" }
            div { class: "filters", role: "search",
                YearSelect { year }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::SUBTREE)}" }
                    input { r#type: "search", "data-testid": "reporting-subtree", value: "{subtree}",
                        placeholder: "{i18n.t(t::WHOLE_INSTITUTION)}",
                        onchange: move |e| subtree.set(e.value().trim().to_owned()) }
                }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::COMPLETION)}" }
                    select { "data-testid": "reporting-completion", onchange: move |e| completion.set(completion_of(&e.value())),
                        option { value: "all", "{i18n.t(t::ALL_UNITS)}" }
                        for c in [UnitCompletion::Validated, UnitCompletion::InProgress, UnitCompletion::NotStarted] {
                            option { key: "{serde_key(&c)}", value: "{serde_key(&c)}", "{i18n.t(completion_label(c))}" }
                        }
                    }
                }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::MODULE)}" }
                    select { "data-testid": "reporting-module-filter", onchange: move |e| module.set(e.value()),
                        option { value: "", "{i18n.t(t::ALL_MODULES)}" }
                        for m in MODULES.iter() {
                            option { key: "{m.key}", value: m.key, {module_label(lang, m.key)} }
                        }
                    }
                }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::STATUS)}" }
                    select { "data-testid": "reporting-module-status", disabled: module().is_empty(),
                        onchange: move |e| module_status.set(status_of(&e.value()).unwrap_or(ModuleStatus::Validated)),
                        for s in [ModuleStatus::Validated, ModuleStatus::InProgress, ModuleStatus::NotStarted] {
                            option { key: "{serde_key(&s)}", value: "{serde_key(&s)}", "{i18n.t(status_label(s))}" }
                        }
                    }
                }
            }
            if let Some(year) = year() {
                LoadingPage { Reporting { year, filters: filters.clone() } }
                ReportingExports { year, filters }
            }
        }
    }
}

#[component]
fn Reporting(year: i32, filters: ReportingFilters) -> Element {
    let i18n = use_i18n();
    let asked = filters.clone();
    let view = use_resource(use_reactive!(|year, asked| async move { api::reporting(year, &asked).await }));
    let view: ReportingView = match view.suspend()?.cloned() {
        Ok(v) => v,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::IT_REPORTING), message: e.message } },
    };
    rsx! {
        SummaryCards { view: view.clone() }
        ModuleStates { view: view.clone() }
        Charts { view: view.clone() }
        UnitsTable { year, units: view.units.clone() }
    }
}

#[component]
fn SummaryCards(view: ReportingView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let s = &view.summary;
    let cards = [
        ("units", s.units.to_string(), i18n.t(t::UNITS_SHOWN), ""),
        ("validated", s.validated.to_string(), i18n.t(t::UNITS_VALIDATED), ""),
        ("in-progress", s.in_progress.to_string(), i18n.t(t::UNITS_IN_PROGRESS), ""),
        ("not-started", s.not_started.to_string(), i18n.t(t::UNITS_NOT_STARTED), ""),
        ("kg", tonnes_in(lang, s.validated_kg), i18n.t(t::VALIDATED_TOTAL), i18n.t(t::T_CO2E)),
        ("fte", number_in(lang, s.fte, 1), i18n.t(t::FTE), ""),
    ];
    rsx! {
        div { class: "summary", "data-testid": "reporting-cards",
            for (key, value, label, unit) in cards {
                div { key: "{key}", class: "summary-item", "data-card": "{key}",
                    span { class: "summary-label", "{label}" }
                    strong { class: "summary-value", "{value}"
                        if !unit.is_empty() {
                            " "
                            span { class: "summary-unit", "{unit}" }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn ModuleStates(view: ReportingView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    rsx! {
        table { class: "data-table compact", "data-testid": "reporting-modules",
            caption { "{i18n.t(t::MODULE_STATES)}" }
            thead {
                tr {
                    th { scope: "col", "{i18n.t(t::MODULE)}" }
                    th { scope: "col", class: "num", "{i18n.t(status_label(ModuleStatus::NotStarted))}" }
                    th { scope: "col", class: "num", "{i18n.t(status_label(ModuleStatus::InProgress))}" }
                    th { scope: "col", class: "num", "{i18n.t(status_label(ModuleStatus::Validated))}" }
                    th { scope: "col", class: "num", "{i18n.t(t::VALIDATED_TOTAL)}" }
                }
            }
            tbody {
                for m in view.modules.iter() {
                    tr { key: "{m.module}", "data-module": "{m.module}",
                        th { scope: "row", {module_label(lang, &m.module)} }
                        td { class: "num", "{m.not_started}" }
                        td { class: "num", "{m.in_progress}" }
                        td { class: "num", "data-testid": "validated-count", "{m.validated}" }
                        td { class: "num", {tonnes_in(lang, m.scopes.total_kg)} }
                    }
                }
            }
        }
    }
}

#[component]
fn Charts(view: ReportingView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let by_module: Vec<Bar> = view
        .modules
        .iter()
        .filter(|m| m.scopes.total_kg > 0.0)
        .map(|m| Bar {
            label: module_label(lang, &m.module),
            segments: vec![
                (m.scopes.scope1_kg, SCOPE_COLOURS[0]),
                (m.scopes.scope2_kg, SCOPE_COLOURS[1]),
                (m.scopes.scope3_kg, SCOPE_COLOURS[2]),
            ],
            value_label: tonnes_in(lang, m.scopes.total_kg),
        })
        .collect();
    let by_category: Vec<Bar> = view
        .categories
        .iter()
        .filter(|c| c.kg > 0.0)
        .map(|c| Bar {
            label: category_label(lang, &c.category),
            segments: vec![(c.kg, SERIES_COLOUR)],
            value_label: tonnes_in(lang, c.kg),
        })
        .collect();
    if by_module.is_empty() {
        return rsx! { p { class: "muted", "data-testid": "reporting-no-figures", "{i18n.t(t::NO_VALIDATED_FIGURES)}" } };
    }
    let year = view.year;
    rsx! {
        ChartPanel { id: "reporting-by-module", heading: i18n.t(t::BY_MODULE).to_owned(),
            file_name: format!("reporting-{year}-modules.png"),
            BarChart { id: "reporting-by-module", title: i18n.t(t::BY_MODULE).to_owned(),
                description: i18n.t(t::REPORTING_CHART_HINT).to_owned(), bars: by_module, legend: scope_legend(lang) }
        }
        ChartPanel { id: "reporting-by-category", heading: i18n.t(t::BY_CATEGORY).to_owned(),
            file_name: format!("reporting-{year}-categories.png"),
            BarChart { id: "reporting-by-category", title: i18n.t(t::BY_CATEGORY).to_owned(),
                description: i18n.t(t::REPORTING_CHART_HINT).to_owned(), bars: by_category }
        }
    }
}

fn completion_class(c: UnitCompletion) -> &'static str {
    match c {
        UnitCompletion::Validated => "ok",
        UnitCompletion::InProgress => "",
        UnitCompletion::NotStarted => "muted",
    }
}

#[component]
fn UnitsTable(year: i32, units: Vec<ReportingUnit>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "reporting-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::PICKER_UNIT)}" }
                        th { scope: "col", "{i18n.t(t::PRINCIPAL)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::FTE)}" }
                        th { scope: "col", "{i18n.t(t::COMPLETION)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::VALIDATED_TOTAL)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::T_PER_FTE)}" }
                        th { scope: "col", "{i18n.t(t::TOP_CATEGORY)}" }
                        th { scope: "col", "{i18n.t(t::LAST_UPDATE)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::ENTRIES_ABOVE_THRESHOLD)}" }
                    }
                }
                tbody {
                    if units.is_empty() {
                        tr { td { class: "empty", colspan: "9", "{i18n.t(t::NO_UNIT_MATCHES)}" } }
                    }
                    for u in units.iter().cloned() {
                        UnitRow { key: "{u.institutional_id}", year, unit: u, lang }
                    }
                }
            }
        }
    }
}

#[component]
fn UnitRow(year: i32, unit: ReportingUnit, lang: Lang) -> Element {
    let u = unit;
    let results = Route::Results { unit: u.institutional_id.clone(), year };
    rsx! {
        tr { "data-unit": "{u.institutional_id}",
            th { scope: "row",
                Link { to: results, class: "link", "data-testid": "open-unit", "{u.institutional_id}" }
                " "
                span { class: "muted small", "{u.name}" }
            }
            td { class: "small", {u.principal.clone().unwrap_or_else(|| "—".to_owned())} }
            td { class: "num", {number_in(lang, u.fte, 1)} }
            td { class: completion_class(u.completion), "data-completion": "{serde_key(&u.completion)}", "{u.completion_progress}" }
            td { class: "num", {tonnes_in(lang, u.validated_kg)} }
            td { class: "num", {u.t_per_fte.map_or_else(|| "—".to_owned(), |v| number_in(lang, v, 2))} }
            td { class: "small", {u.top_category.as_deref().map_or_else(|| "—".to_owned(), |c| category_label(lang, c))} }
            td { class: "small", {u.last_update.map_or_else(|| "—".to_owned(), |d| d.format("%Y-%m-%d").to_string())} }
            td { class: if u.entries_above_threshold > 0 { "num warn" } else { "num" }, "{u.entries_above_threshold}" }
        }
    }
}

/// The view's files: its rows as CSV, the whole view as JSON, one PDF (built by step-export),
/// and one module's entries across the units as a ZIP of CSV files.
#[component]
fn ReportingExports(year: i32, filters: ReportingFilters) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut module = use_signal(|| MODULES[0].key.to_owned());
    let pdf = ExportRequest {
        kind: ExportKind::Reporting,
        format: Some("pdf".to_owned()),
        year,
        unit: None,
        module: None,
        basis: None,
        reporting: Some(filters.clone()),
        subtree: None,
    };
    let module_units = ExportRequest {
        kind: ExportKind::ModuleUnits,
        format: Some("zip".to_owned()),
        year,
        unit: None,
        module: Some(module()),
        basis: None,
        reporting: None,
        subtree: None,
    };
    rsx! {
        div { class: "panel inline-form", "data-testid": "reporting-exports",
            a { class: "btn btn-ghost", href: "{api::reporting_url(year, &filters, \"csv\")}", download: "reporting-{year}.csv",
                "data-testid": "reporting-csv", "{i18n.t(t::EXPORT_TABLE_CSV)}" }
            a { class: "btn btn-ghost", href: "{api::reporting_url(year, &filters, \"json\")}", download: "reporting-{year}.json",
                "data-testid": "reporting-json", "{i18n.t(t::EXPORT_JSON)}" }
            ExportLink { request: pdf, label: i18n.t(t::EXPORT_PDF).to_owned(), key_name: "reporting-pdf".to_owned() }
        }
        div { class: "panel inline-form",
            label { class: "field inline",
                span { class: "field-label", "{i18n.t(t::MODULE_ACROSS_UNITS)}" }
                select { "data-testid": "reporting-module", onchange: move |e| module.set(e.value()),
                    for m in MODULES.iter() {
                        option { key: "{m.key}", value: m.key, selected: module() == m.key, {module_label(lang, m.key)} }
                    }
                }
            }
            ExportLink { request: module_units, label: i18n.t(t::EXPORT_CSV).to_owned(), key_name: "module-units".to_owned() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selects_read_back_their_values() {
        assert_eq!((completion_of("validated"), completion_of("all")), (Some(UnitCompletion::Validated), None));
        assert_eq!(status_of("in_progress"), Some(ModuleStatus::InProgress));
        assert_eq!(serde_key(&UnitCompletion::NotStarted), "not_started");
    }
}
