//! `/it-manager/rollups` (back office): the units summed up one level of the tree — the
//! institution, its faculties, their institutes, or the units — year by year, with the trend and
//! the share validated; restated, every year is computed again with the latest factors (the
//! GHG Protocol's base-year recalculation, which changes nothing stored). The server computes
//! every figure and checks every right again.

use co2_api_types::{RollupNode, RollupView, RollupYear};
use dioxus::prelude::*;

use super::results::ChartPanel;
use crate::api::{self, RollupQuery};
use crate::components::charts::{Bar, BarChart, SCOPE_COLOURS, scope_legend};
use crate::components::{ErrorPanel, LoadingPage};
use crate::i18n::{Lang, use_i18n};
use crate::model::{number_in, tonnes_in};
use crate::text as t;

/// The tree levels offered, with their names; "units" is the deepest level, where every unit is
/// its own row.
const LEVELS: [(u32, t::Text); 4] =
    [(1, t::LEVEL_INSTITUTION), (2, t::LEVEL_FACULTIES), (3, t::LEVEL_INSTITUTES), (12, t::LEVEL_UNITS)];

/// `/it-manager/rollups`.
#[component]
pub fn ItRollups() -> Element {
    let i18n = use_i18n();
    let mut subtree = use_signal(String::new);
    let mut depth = use_signal(|| 2u32);
    let mut basis = use_signal(|| "validated".to_owned());
    let mut restated = use_signal(|| false);
    let query = RollupQuery { subtree: subtree(), depth: depth(), basis: basis(), restated: restated() };
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{i18n.t(t::IT_ROLLUPS)}" }
            p { class: "lead", "{i18n.t(t::IT_ROLLUPS_LEAD)}" }
            div { class: "filters", role: "search",
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::SUBTREE)}" }
                    input { r#type: "search", "data-testid": "rollups-subtree", value: "{subtree}",
                        placeholder: "{i18n.t(t::WHOLE_INSTITUTION)}",
                        onchange: move |e| subtree.set(e.value().trim().to_owned()) }
                }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::LEVEL)}" }
                    select { "data-testid": "rollups-depth", onchange: move |e| depth.set(e.value().parse().unwrap_or(2)),
                        for (d, label) in LEVELS {
                            option { key: "{d}", value: "{d}", selected: depth() == d, "{i18n.t(label)}" }
                        }
                    }
                }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::BASIS)}" }
                    select { "data-testid": "rollups-basis", onchange: move |e| basis.set(e.value()),
                        option { value: "validated", "{i18n.t(t::VALIDATED_ONLY)}" }
                        option { value: "all", "{i18n.t(t::ALL_MODULES_ANY_STATUS)}" }
                    }
                }
                label { class: "check",
                    input { r#type: "checkbox", "data-testid": "rollups-restated", checked: restated(),
                        onchange: move |e| restated.set(e.checked()) }
                    " {i18n.t(t::RESTATED)}"
                }
            }
            LoadingPage { Rollups { query: query.clone() } }
            p {
                a { class: "btn btn-ghost", href: "{api::rollups_url(&query, \"csv\")}", download: "rollups.csv",
                    "data-testid": "rollups-csv", "{i18n.t(t::EXPORT_TABLE_CSV)}" }
            }
        }
    }
}

#[component]
fn Rollups(query: RollupQuery) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let asked = query.clone();
    let view = use_resource(use_reactive!(|asked| async move { api::rollups(&asked).await }));
    let view: RollupView = match view.suspend()?.cloned() {
        Ok(v) => v,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::IT_ROLLUPS), message: e.message } },
    };
    // The trend of everything shown: each year's total, stacked by scope.
    let bars: Vec<Bar> = view
        .years
        .iter()
        .map(|&y| {
            let of_year = view.nodes.iter().filter_map(|n| n.years.iter().find(|r| r.year == y));
            let (s1, s2, s3) = of_year.fold((0.0, 0.0, 0.0), |(a, b, c), r| {
                (a + r.total.scope1_kg, b + r.total.scope2_kg, c + r.total.scope3_kg)
            });
            Bar {
                label: y.to_string(),
                segments: vec![(s1, SCOPE_COLOURS[0]), (s2, SCOPE_COLOURS[1]), (s3, SCOPE_COLOURS[2])],
                value_label: tonnes_in(lang, s1 + s2 + s3),
            }
        })
        .collect();
    let heading = match view.restated_with {
        Some(y) => i18n.t(t::TREND_RESTATED).replace("{year}", &y.to_string()),
        None => i18n.t(t::TREND_AS_REPORTED).to_owned(),
    };
    rsx! {
        if let Some(y) = view.restated_with {
            p { class: "notice", role: "status", "data-testid": "rollups-restated-note",
                {i18n.t(t::RESTATED_NOTE).replace("{year}", &y.to_string())} }
        }
        ChartPanel { id: "rollups-trend", heading: heading.clone(), file_name: "rollups-trend.png".to_owned(),
            BarChart { id: "rollups-trend", title: heading, description: i18n.t(t::REPORTING_CHART_HINT).to_owned(),
                bars, legend: scope_legend(lang) }
        }
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "rollups-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::NODE)}" }
                        for y in view.years.iter() {
                            th { key: "{y}", scope: "col", class: "num", "{y}" }
                        }
                    }
                }
                tbody {
                    if view.nodes.is_empty() {
                        tr { td { class: "empty", colspan: "{view.years.len() + 1}", "{i18n.t(t::NO_UNIT_MATCHES)}" } }
                    }
                    for n in view.nodes.iter().cloned() {
                        NodeRow { key: "{n.institutional_id}", node: n, years: view.years.clone(), lang }
                    }
                }
            }
        }
    }
}

/// A year's cell: the total, its change, the share of modules validated, and the estimate for
/// every unit from the validated units' kg per FTE.
fn cell(lang: Lang, y: &RollupYear) -> (String, String) {
    let change = y.change_percent.map(|p| format!("{}{} %", if p > 0.0 { "+" } else { "" }, number_in(lang, p, 1)));
    let share = t::validated_share(lang, &number_in(lang, y.share_validated * 100.0, 0));
    let estimate = y.coverage.extrapolated_total_kg.map(|kg| t::estimated(lang, &tonnes_in(lang, kg)));
    let detail = [change, Some(share), estimate].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    (tonnes_in(lang, y.total.total_kg), detail)
}

#[component]
fn NodeRow(node: RollupNode, years: Vec<i32>, lang: Lang) -> Element {
    rsx! {
        tr { "data-node": "{node.institutional_id}",
            th { scope: "row", "{node.institutional_id} " span { class: "muted small", "{node.name}" } }
            for y in years {
                td { key: "{y}", class: "num", "data-year": "{y}",
                    match node.years.iter().find(|r| r.year == y) {
                        Some(r) => {
                            let (total, detail) = cell(lang, r);
                            rsx! {
                                span { "data-testid": "rollup-total", title: "{r.coverage.method}", "{total}" }
                                br {}
                                span { class: "muted small", "{detail}" }
                            }
                        }
                        None => rsx! { span { class: "muted", "—" } },
                    }
                }
            }
        }
    }
}
