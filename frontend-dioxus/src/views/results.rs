//! `/units/:unit/years/:year/results`: the footprint of a unit-year — big numbers, the split by
//! module and scope and by category (SVG charts with their tables, each chart downloadable as a
//! PNG), the additional categories kept apart, the IT focus, the data quality and uncertainty, the
//! trend over the unit's years, a link to the simulation, and the PDF report.
//!
//! The official figures count validated modules; the person may switch to every module (the
//! draft), which the page then says plainly.

use co2_api_types::{ModuleResult, ResultsView};
use dioxus::prelude::*;

use super::results_quality::QualitySection;
use crate::api::{self, Basis};
use crate::components::charts::{Bar, BarChart, SCOPE_COLOURS, SERIES_COLOUR, download_png, scope_legend};
use crate::components::{ExportButton, ExportFormat, Loading, LoadingPage, StatusBadge, TripsMap, YearTrend};
use crate::i18n::use_i18n;
use crate::model::{category_label, module_label, number_in, percent_in, tonnes_in};
use crate::routes::Route;
use crate::text as t;

/// The results page.
#[component]
pub fn Results(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let basis = use_signal(Basis::default);
    let options = use_signal(ViewOptions::default);
    rsx! {
        LoadingPage { key: "{unit}-{year}", label: i18n.t(t::LOADING_RESULTS),
            ResultsContent { unit, year, basis, options }
        }
    }
}

/// What the reader chose to leave out of the page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct ViewOptions {
    /// Research facilities out of every figure (the API's `exclude=`): a unit that hosts one
    /// compares itself with units that do not.
    without_facilities: bool,
    /// The additional categories (commuting, food, waste, embodied energy) not shown.
    without_additional: bool,
}

#[component]
fn ResultsContent(unit: String, year: i32, basis: Signal<Basis>, options: Signal<ViewOptions>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    // Only leaving research facilities out changes the figures; hiding a section does not.
    let without_facilities = use_memo(move || options().without_facilities);
    let results = use_resource(use_reactive!(|unit, year| {
        // Read here, not in the future, so that switching the basis or the exclusion fetches again.
        let basis = basis();
        let exclude: &[&str] = if without_facilities() { &["research_facilities"] } else { &[] };
        async move { api::results_excluding(&unit, year, basis, exclude).await }
    }));
    // Once loaded, a new fetch (another basis, facilities left out) keeps the figures on screen
    // until its answer instead of suspending the page with the sections that load on their own.
    let last = results.read().clone();
    let view = match last {
        Some(loaded) => loaded?,
        None => results.suspend()?.cloned()?,
    };
    let counted = view.modules.iter().filter(|m| counts(&view, m)).count();

    rsx! {
        section { class: "page results", "data-testid": "results-page",
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::unit_report(lang, &unit, year)}" }
                    h1 { class: "page-title", "{i18n.t(t::RESULTS_TITLE)}" }
                }
                div { class: "page-actions",
                    Link { class: "btn btn-ghost", "data-testid": "open-simulation",
                        to: Route::Simulation { unit: unit.clone(), year }, "{i18n.t(t::SIMULATE)}" }
                    Link { class: "btn btn-ghost", "data-testid": "open-plans",
                        to: Route::Plans { unit: unit.clone(), year }, "{i18n.t(t::PLANS_TITLE)}" }
                    BasisSwitch { basis }
                    // The results as a PDF, for everyone who reads them.
                    ExportButton { unit: unit.clone(), year, format: ExportFormat::Pdf, basis: basis() }
                }
            }
            ViewOptionsBar { options }
            if basis() == Basis::All {
                p { class: "notice notice-warn", "data-testid": "draft-notice", "{i18n.t(t::BASIS_ALL_HINT)}" }
            }
            if counted == 0 {
                div { class: "panel panel-notice", "data-testid": "results-empty",
                    h2 { class: "panel-title", "{i18n.t(t::NOTHING_YET)}" }
                    p { "{i18n.t(t::NOTHING_YET_VALIDATED)}" }
                }
            } else {
                BigNumbers { view: view.clone() }
                SuspenseBoundary { fallback: move |_| rsx! {},
                    GoalProgress { unit: unit.clone(), year, basis: basis(), core_kg: view.core.total_kg }
                }
                ModuleChart { view: view.clone(), unit: unit.clone(), year }
                CategoryChart { view: view.clone(), unit: unit.clone(), year }
                PerFteChart { view: view.clone(), unit: unit.clone(), year }
                TripsSection { unit: unit.clone(), year }
                ModuleSections { view: view.clone(), unit: unit.clone(), year }
                if !options().without_additional {
                    Additional { view: view.clone() }
                }
                ItFocus { view: view.clone() }
                QualitySection { unit: unit.clone(), year }
                ChartPanel { id: "chart-trend", heading: i18n.t(t::TREND).to_owned(), file_name: format!("{unit}-trend.png"),
                    SuspenseBoundary { fallback: move |_| rsx! { Loading {} },
                        YearTrend { unit: unit.clone(), year, basis: basis() }
                    }
                }
            }
            p { class: "muted small",
                Link { to: Route::Report { unit: unit.clone(), year }, "← {t::unit_report(lang, &unit, year)}" }
                " · "
                Link { "data-testid": "results-methodology", to: Route::Methodology {}, "{i18n.t(t::METHODOLOGY)}" }
            }
        }
    }
}

/// Whether a module is counted by the figures (its status and the basis decide, server-side).
fn counts(view: &ResultsView, m: &ModuleResult) -> bool {
    !view.excluded_modules.contains(&m.module)
        && (view.basis == "all_modules" || m.status == co2_api_types::ModuleStatus::Validated)
}

/// What the reader leaves out of the page.
#[component]
fn ViewOptionsBar(options: Signal<ViewOptions>) -> Element {
    let lang = use_i18n().lang();
    rsx! {
        div { class: "view-options", "data-testid": "results-options",
            label { class: "check",
                input { r#type: "checkbox", "data-testid": "hide-facilities", checked: options().without_facilities,
                    onchange: move |e| options.write().without_facilities = e.checked() }
                " {t::HIDE_FACILITIES.get(lang)}"
            }
            label { class: "check",
                input { r#type: "checkbox", "data-testid": "hide-additional", checked: options().without_additional,
                    onchange: move |e| options.write().without_additional = e.checked() }
                " {t::HIDE_ADDITIONAL.get(lang)}"
            }
        }
    }
}

/// Validated modules (official) or every module (draft).
#[component]
fn BasisSwitch(basis: Signal<Basis>) -> Element {
    let i18n = use_i18n();
    let option = move |value: Basis, label: &'static str, testid: &'static str| {
        let checked = basis() == value;
        rsx! {
            label { class: if checked { "segment active" } else { "segment" },
                input {
                    r#type: "radio",
                    name: "basis",
                    "data-testid": testid,
                    checked,
                    onchange: move |_| basis.set(value),
                }
                span { "{label}" }
            }
        }
    };
    rsx! {
        fieldset { class: "segmented",
            legend { class: "visually-hidden", "{i18n.t(t::BASIS)}" }
            {option(Basis::Validated, i18n.t(t::BASIS_VALIDATED), "basis-validated")}
            {option(Basis::All, i18n.t(t::BASIS_ALL), "basis-all")}
        }
    }
}

/// Total, per FTE, year over year, car-km equivalent.
#[component]
fn BigNumbers(view: ResultsView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let per_fte = view.t_per_fte.map(|v| number_in(lang, v, 2));
    let yoy = view.year_over_year.core_percent;
    let yoy_class = match yoy {
        Some(p) if p > 0.0 => "figure-change up",
        Some(p) if p < 0.0 => "figure-change down",
        _ => "figure-change",
    };
    rsx! {
        div { class: "big-numbers",
            div { class: "big-number",
                span { class: "summary-label", "{i18n.t(t::FIG_TOTAL)}" }
                span { class: "big-value", "data-testid": "results-core-total", "{tonnes_in(lang, view.core.total_kg)}" }
                span { class: "summary-unit", "{i18n.t(t::T_CO2E)}" }
            }
            div { class: "big-number",
                span { class: "summary-label", "{i18n.t(t::FIG_PER_FTE)}" }
                match per_fte {
                    Some(v) => rsx! {
                        span { class: "big-value", "data-testid": "results-per-fte", "{v}" }
                        span { class: "summary-unit", "{i18n.t(t::T_PER_FTE)}" }
                    },
                    None => rsx! { span { class: "muted", "{i18n.t(t::NO_FTE)}" } },
                }
            }
            div { class: "big-number",
                span { class: "summary-label", "{i18n.t(t::FIG_YOY)}" }
                match yoy {
                    Some(p) => rsx! {
                        span { class: "big-value {yoy_class}", "data-testid": "results-yoy",
                            "{t::percent_change(lang, p, view.year_over_year.previous_year)}"
                        }
                    },
                    None => rsx! { span { class: "muted", "{i18n.t(t::NO_PREVIOUS)}" } },
                }
            }
            div { class: "big-number",
                span { class: "summary-label", "{i18n.t(t::FIG_CAR_KM)}" }
                span { class: "big-value", "data-testid": "results-car-km", "{number_in(lang, view.car_km_equivalent, 0)}" }
                span { class: "summary-unit", "{i18n.t(t::KM_BY_CAR)}" }
            }
        }
    }
}

/// A chart with its heading and PNG button.
#[component]
pub(crate) fn ChartPanel(id: String, heading: String, file_name: String, children: Element) -> Element {
    let i18n = use_i18n();
    let mut failed = use_signal(|| None::<String>);
    let chart_id = id.clone();
    rsx! {
        section { class: "panel chart-panel", "data-testid": "{id}-panel",
            div { class: "panel-head",
                h2 { class: "panel-title", "{heading}" }
                button {
                    class: "btn btn-ghost btn-small",
                    r#type: "button",
                    "data-testid": "{id}-png",
                    onclick: move |_| failed.set(download_png(&chart_id, &file_name).err()),
                    "{i18n.t(t::DOWNLOAD_CHART)}"
                }
            }
            if let Some(message) = failed() {
                p { class: "field-error", role: "alert", "{message}" }
            }
            div { class: "chart-frame", {children} }
        }
    }
}

/// Counted modules, stacked by scope, with the figures as a table.
#[component]
fn ModuleChart(view: ResultsView, unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let counted: Vec<&ModuleResult> = view.modules.iter().filter(|m| counts(&view, m)).collect();
    let bars: Vec<Bar> = counted
        .iter()
        .map(|m| Bar {
            label: module_label(lang, &m.module),
            segments: vec![
                (m.totals.scope1_kg, SCOPE_COLOURS[0]),
                (m.totals.scope2_kg, SCOPE_COLOURS[1]),
                (m.totals.scope3_kg, SCOPE_COLOURS[2]),
            ],
            value_label: format!("{} t", tonnes_in(lang, m.totals.total_kg)),
        })
        .collect();
    let legend = scope_legend(lang);
    let heading = i18n.t(t::BY_MODULE).to_owned();
    let description = t::chart_of(lang, &heading, &unit, year);
    rsx! {
        ChartPanel { id: "chart-modules", heading: heading.clone(), file_name: format!("{unit}-{year}-modules.png"),
            BarChart { id: "chart-modules", title: heading, description, bars, legend }
            table { class: "data-table compact", "data-testid": "results-modules",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::MODULE)}" }
                        th { scope: "col", "{i18n.t(t::STATUS)}" }
                        th { scope: "col", class: "num", title: i18n.t(t::SCOPE_1_HINT), "{i18n.t(t::SCOPE_1)}" }
                        th { scope: "col", class: "num", title: i18n.t(t::SCOPE_2_HINT), "{i18n.t(t::SCOPE_2)}" }
                        th { scope: "col", class: "num", title: i18n.t(t::SCOPE_3_HINT), "{i18n.t(t::SCOPE_3)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::TOTAL)} ({i18n.t(t::T_CO2E)})" }
                    }
                }
                tbody {
                    for m in counted.iter() {
                        tr { key: "{m.module}", "data-module": "{m.module}",
                            th { scope: "row", "{module_label(lang, &m.module)}" }
                            td { StatusBadge { status: m.status } }
                            td { class: "num", "{tonnes_in(lang, m.totals.scope1_kg)}" }
                            td { class: "num", "{tonnes_in(lang, m.totals.scope2_kg)}" }
                            td { class: "num", "{tonnes_in(lang, m.totals.scope3_kg)}" }
                            td { class: "num strong", "{tonnes_in(lang, m.totals.total_kg)}" }
                        }
                    }
                }
                tfoot {
                    tr {
                        th { scope: "row", colspan: "2", "{i18n.t(t::TOTAL)}" }
                        td { class: "num", "{tonnes_in(lang, view.core.scope1_kg)}" }
                        td { class: "num", "{tonnes_in(lang, view.core.scope2_kg)}" }
                        td { class: "num", "{tonnes_in(lang, view.core.scope3_kg)}" }
                        td { class: "num strong", "{tonnes_in(lang, view.core.total_kg)}" }
                    }
                }
            }
        }
    }
}

/// The core categories of DOMAIN §3 in chart order, with their shares.
#[component]
fn CategoryChart(view: ResultsView, unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let shown: Vec<_> = view.categories.iter().filter(|c| c.kg > 0.0).collect();
    let bars: Vec<Bar> = shown
        .iter()
        .map(|c| Bar {
            label: category_label(lang, &c.category),
            segments: vec![(c.kg, SERIES_COLOUR)],
            value_label: format!("{} t", tonnes_in(lang, c.kg)),
        })
        .collect();
    let core = view.core.total_kg;
    let heading = i18n.t(t::BY_CATEGORY).to_owned();
    let description = t::chart_of(lang, &heading, &unit, year);
    rsx! {
        ChartPanel { id: "chart-categories", heading: heading.clone(), file_name: format!("{unit}-{year}-categories.png"),
            BarChart { id: "chart-categories", title: heading, description, bars }
            table { class: "data-table compact", "data-testid": "results-categories",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::CATEGORY)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::T_CO2E)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::SHARE)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::T_PER_FTE)}" }
                    }
                }
                tbody {
                    for c in shown.iter() {
                        tr { key: "{c.category}", "data-category": "{c.category}",
                            th { scope: "row", "{category_label(lang, &c.category)}" }
                            td { class: "num", "{tonnes_in(lang, c.kg)}" }
                            td { class: "num",
                                if core > 0.0 { "{percent_in(lang, c.kg / core)}" } else { "—" }
                            }
                            td { class: "num",
                                {c.t_per_fte.map_or("—".to_owned(), |v| number_in(lang, v, 2))}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where the unit travels: its routes on the map that ships with the app, with the heaviest as
/// a table. Loaded on its own, so the figures above never wait for it.
#[component]
fn TripsSection(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let trips = use_resource(use_reactive!(|unit, year| async move { api::trips(&unit, year).await }));
    let Some(Ok(map)) = &*trips.read() else {
        return rsx! {};
    };
    if map.routes.is_empty() {
        return rsx! {};
    }
    let heading = i18n.t(t::TRIPS_MAP).to_owned();
    let description = t::chart_of(lang, &heading, &unit, year);
    let heaviest: Vec<_> = map.routes.iter().take(10).cloned().collect();
    rsx! {
        ChartPanel { id: "chart-trips", heading: heading.clone(), file_name: format!("{unit}-{year}-trips.png"),
            TripsMap { id: "chart-trips", map: map.clone(), title: heading, description,
                plane: i18n.t(t::PLANE).to_owned(), train: i18n.t(t::TRAIN).to_owned() }
            if map.unplaced_entries > 0 {
                p { class: "muted small", "{t::trips_unplaced(lang, map.unplaced_entries)}" }
            }
            table { class: "data-table compact", "data-testid": "trips-routes",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::ROUTE)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::TRIPS)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::T_CO2E)}" }
                    }
                }
                tbody {
                    for r in heaviest {
                        tr { key: "{r.mode}-{r.from.name}-{r.to.name}", "data-mode": "{r.mode}",
                            th { scope: "row", "{r.from.name} – {r.to.name}" }
                            td { class: "num", "{r.trips}" }
                            td { class: "num", "{tonnes_in(lang, r.kg)}" }
                        }
                    }
                }
            }
        }
    }
}

/// Each counted module in detail, opened on demand: its leaves, its change on the year before,
/// its charts and a link to its page.
#[component]
fn ModuleSections(view: ResultsView, unit: String, year: i32) -> Element {
    let lang = use_i18n().lang();
    let counted: Vec<&ModuleResult> =
        view.modules.iter().filter(|m| counts(&view, m) && m.totals.total_kg > 0.0).collect();
    if counted.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "panel", "data-testid": "results-module-sections",
            h2 { class: "panel-title", "{t::MODULES_IN_DETAIL.get(lang)}" }
            for m in counted {
                {
                    let module = co2_domain::Module::parse(&m.module);
                    let leaves: Vec<(String, f64)> = view
                        .categories
                        .iter()
                        .flat_map(|c| c.leaves.iter())
                        .filter(|l| l.kg > 0.0)
                        .filter(|l| co2_domain::EmissionType::by_key(&l.emission_type).map(|e| e.module()) == module)
                        .map(|l| (l.emission_type.clone(), l.kg))
                        .collect();
                    let change = view.year_over_year.modules.iter().find(|c| c.module == m.module).and_then(|c| c.percent);
                    rsx! {
                        ModuleSection { key: "{m.module}", unit: unit.clone(), year, module: m.module.clone(),
                            total_kg: m.totals.total_kg, change, previous_year: view.year_over_year.previous_year, leaves }
                    }
                }
            }
        }
    }
}

/// One module's section: closed until opened, so its charts load only then.
#[component]
fn ModuleSection(
    unit: String,
    year: i32,
    module: String,
    total_kg: f64,
    change: Option<f64>,
    previous_year: i32,
    leaves: Vec<(String, f64)>,
) -> Element {
    let lang = use_i18n().lang();
    let mut open = use_signal(|| false);
    let change_text = change.map(|p| t::percent_change(lang, p, previous_year));
    rsx! {
        div { class: "module-section", "data-testid": "module-section-{module}", "data-open": "{open()}",
            button { class: "module-section-head", r#type: "button", "aria-expanded": "{open()}",
                "data-testid": "module-section-toggle-{module}", onclick: move |_| open.toggle(),
                span { class: "strong", {module_label(lang, &module)} }
                span { " · {tonnes_in(lang, total_kg)} t" }
                if let Some(c) = change_text {
                    span { class: "muted", " · {c}" }
                }
            }
            if open() {
                div { class: "module-section-body",
                    table { class: "data-table compact", "data-testid": "module-section-leaves-{module}",
                        tbody {
                            for (leaf, kg) in leaves.iter() {
                                tr { key: "{leaf}", "data-leaf": "{leaf}",
                                    th { scope: "row", "{leaf_words(leaf)}" }
                                    td { class: "num", "{tonnes_in(lang, *kg)} t" }
                                }
                            }
                        }
                    }
                    p { class: "small",
                        Link { to: Route::module_key(&unit, year, &module), "{t::OPEN_MODULE.get(lang)}" }
                    }
                    super::module_charts::ModuleCharts { unit: unit.clone(), year, module: module.clone(), reload: 0 }
                }
            }
        }
    }
}

/// A leaf's key in words: its segments after the module's, e.g. `plane · business`.
fn leaf_words(key: &str) -> String {
    let mut parts: Vec<&str> = key.split("__").collect();
    if parts.len() > 1 {
        parts.remove(0);
    }
    parts.iter().map(|p| p.replace('_', " ")).collect::<Vec<_>>().join(" · ")
}

/// Each category per full-time equivalent: what a unit compares with units of another size.
#[component]
fn PerFteChart(view: ResultsView, unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let bars: Vec<Bar> = view
        .categories
        .iter()
        .filter_map(|c| {
            let v = c.t_per_fte.filter(|v| *v > 0.0)?;
            Some(Bar {
                label: category_label(lang, &c.category),
                segments: vec![(v, SERIES_COLOUR)],
                value_label: format!("{} {}", number_in(lang, v, 2), i18n.t(t::T_PER_FTE)),
            })
        })
        .collect();
    if bars.is_empty() {
        return rsx! {};
    }
    let heading = i18n.t(t::PER_FTE_CHART).to_owned();
    let description = t::chart_of(lang, &heading, &unit, year);
    rsx! {
        ChartPanel { id: "chart-per-fte", heading: heading.clone(), file_name: format!("{unit}-{year}-per-fte.png"),
            p { class: "muted small", "{t::fte_basis(lang, view.fte)}" }
            BarChart { id: "chart-per-fte", title: heading, description, bars }
        }
    }
}

/// Commuting, food, waste, embodied energy: reported, not added to the footprint.
#[component]
fn Additional(view: ResultsView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let shown: Vec<_> = view.additional.iter().filter(|c| c.kg > 0.0).collect();
    if shown.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "panel", "data-testid": "results-additional",
            h2 { class: "panel-title", "{i18n.t(t::ADDITIONAL)}" }
            p { class: "muted small", "{i18n.t(t::ADDITIONAL_HINT)}" }
            table { class: "data-table compact",
                tbody {
                    for c in shown {
                        tr { key: "{c.category}",
                            th { scope: "row", "{category_label(lang, &c.category)}" }
                            td { class: "num", "{tonnes_in(lang, c.kg)} {i18n.t(t::T_CO2E)}" }
                        }
                    }
                }
            }
        }
    }
}

/// The IT share of the footprint.
#[component]
fn ItFocus(view: ResultsView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let focus = &view.it_focus;
    if focus.kg <= 0.0 {
        return rsx! {};
    }
    rsx! {
        section { class: "panel", "data-testid": "results-it-focus",
            h2 { class: "panel-title", "{i18n.t(t::IT_FOCUS)}" }
            p { class: "muted small", "{i18n.t(t::IT_FOCUS_HINT)}" }
            p { class: "figure-line",
                span { class: "figure-value", "{tonnes_in(lang, focus.kg)}" }
                span { class: "figure-unit", " {i18n.t(t::T_CO2E)}" }
                if let Some(share) = focus.share_of_core {
                    span { class: "muted", " · {percent_in(lang, share)}" }
                }
            }
            div { class: "two-columns",
                TopClasses { heading: i18n.t(t::IT_TOP_EQUIPMENT).to_owned(), testid: "it-top-equipment", breakdown: focus.equipment_classes.clone() }
                TopClasses { heading: i18n.t(t::IT_TOP_PURCHASES).to_owned(), testid: "it-top-purchases", breakdown: focus.purchase_classes.clone() }
            }
        }
    }
}

/// The three heaviest classes of a breakdown and the rest.
#[component]
fn TopClasses(heading: String, testid: String, breakdown: co2_api_types::ClassBreakdownView) -> Element {
    let lang = use_i18n().lang();
    if breakdown.top.is_empty() {
        return rsx! {};
    }
    rsx! {
        div {
            h3 { class: "subsection-title", "{heading}" }
            table { class: "data-table compact", "data-testid": "{testid}",
                tbody {
                    for c in breakdown.top.iter() {
                        tr { key: "{c.class}", "data-class": "{c.class}",
                            th { scope: "row",
                                "{c.class}"
                                if let Some(label) = &c.label {
                                    span { class: "muted", " · {label}" }
                                }
                            }
                            td { class: "num", "{tonnes_in(lang, c.kg)} t" }
                        }
                    }
                    if breakdown.rest_classes > 0 {
                        tr {
                            th { scope: "row", class: "muted", "{t::other_classes(lang, breakdown.rest_classes)}" }
                            td { class: "num", "{tonnes_in(lang, breakdown.rest_kg)} t" }
                        }
                    }
                }
            }
        }
    }
}

/// The year's reduction objective, if the IT manager set one: the unit's target against its
/// reference year and where it stands.
#[component]
fn GoalProgress(unit: String, year: i32, basis: Basis, core_kg: f64) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let goal = use_resource(use_reactive!(|unit, year, basis| async move {
        let years = api::list_years(&unit).await?;
        let Some(goal) = years.into_iter().find(|y| y.year == year).and_then(|y| y.goal) else {
            return Ok::<_, api::ApiError>(None);
        };
        let reference = api::results_on(&unit, goal.reference_year, basis).await?;
        Ok(Some((goal, reference.core.total_kg)))
    }));
    let Some((goal, reference_kg)) = goal.suspend()?.cloned().ok().flatten() else {
        return rsx! {};
    };
    let target_kg = reference_kg * (1.0 - goal.reduction_percent / 100.0);
    // Without figures for the reference year there is nothing to measure against.
    let comparable = reference_kg > 0.0;
    let on_track = comparable && core_kg <= target_kg;
    rsx! {
        section { class: if on_track { "panel goal goal-met" } else { "panel goal" }, "data-testid": "results-goal",
            "data-on-track": "{on_track}",
            h2 { class: "panel-title", "{i18n.t(t::REDUCTION_GOAL)}: {t::goal_line(lang, goal.reduction_percent, goal.reference_year)}" }
            if comparable {
                p { "{t::goal_status(lang, reference_kg, target_kg, core_kg, goal.reference_year)}" }
            } else {
                p { class: "muted", "{t::no_reference_figures(lang, goal.reference_year)}" }
            }
        }
    }
}
