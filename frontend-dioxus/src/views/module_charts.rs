//! A module's charts (`…/modules/{module}/breakdown`): flights by mode, haul and class,
//! equipment by class, energy by building, the headcount's FTE by position…, each with its
//! figures and a PNG. Shown on the module's page and in the results' module sections.

use co2_api_types::{BreakdownChart, BreakdownGroup};
use dioxus::prelude::*;

use super::results::ChartPanel;
use crate::api;
use crate::components::charts::{Bar, BarChart, SERIES_COLOUR};
use crate::i18n::use_i18n;
use crate::model::{number_in, tonnes_in};
use crate::text as t;

/// The module's charts (`…/modules/{module}/breakdown`), each with its table and PNG download.
#[component]
pub(crate) fn ModuleCharts(unit: String, year: i32, module: String, reload: u32) -> Element {
    let lang = use_i18n().lang();
    let breakdown = use_resource(use_reactive!(|unit, year, module, reload| async move {
        let _ = reload;
        api::module_breakdown(&unit, year, &module).await
    }));
    let Some(Ok(view)) = &*breakdown.read() else {
        return rsx! {};
    };
    let charts: Vec<BreakdownChart> =
        view.charts.iter().filter(|c| c.groups.iter().any(|g| g.value > 0.0)).cloned().collect();
    if charts.is_empty() {
        return rsx! {};
    }
    rsx! {
        div { class: "module-charts", "data-testid": "module-charts",
            for chart in charts {
                {
                    let id = format!("chart-{}-{}", module, chart.key);
                    let heading = t::breakdown_title(lang, &chart.key);
                    let fte = chart.unit == "fte";
                    let value_text = move |v: f64| if fte { format!("{} {}", number_in(lang, v, 1), t::FTE.get(lang)) } else { format!("{} t", tonnes_in(lang, v)) };
                    let label_of = |g: &BreakdownGroup| if g.rest {
                        t::other_entries(lang, g.entries)
                    } else if module == "purchase" {
                        crate::entry_forms::type_label(lang, &g.label)
                    } else {
                        g.label.clone()
                    };
                    let bars: Vec<Bar> = chart.groups.iter().map(|g| Bar {
                        label: label_of(g),
                        segments: vec![(if fte { g.value } else { g.value / 1000.0 }, SERIES_COLOUR)],
                        value_label: value_text(g.value),
                    }).collect();
                    let rows: Vec<(String, String, i64)> = chart.groups.iter().map(|g| (label_of(g), value_text(g.value), g.entries)).collect();
                    let description = t::chart_of(lang, &heading, &unit, year);
                    rsx! {
                        ChartPanel { key: "{id}", id: id.clone(), heading: heading.clone(), file_name: format!("{unit}-{year}-{}-{}.png", module, chart.key),
                            BarChart { id: id.clone(), title: heading, description, bars }
                            details { class: "chart-table",
                                summary { "{t::SHOW_TABLE.get(lang)}" }
                                table { class: "data-table compact", "data-testid": "{id}-table",
                                    tbody {
                                        for (label, value, entries) in rows {
                                            tr { key: "{label}",
                                                th { scope: "row", "{label}" }
                                                td { class: "num", "{value}" }
                                                td { class: "num muted", "{t::entries_count(lang, entries)}" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
