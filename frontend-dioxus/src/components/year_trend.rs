//! The unit's footprint over its report years, stacked by scope: the trend of the results page
//! and of the team manager's progress.

use co2_api_types::ScopeTotals;
use dioxus::prelude::*;

use crate::api::{self, Basis};
use crate::components::charts::{Bar, BarChart, SCOPE_COLOURS, scope_legend};
use crate::i18n::use_i18n;
use crate::model::tonnes_in;
use crate::text as t;

/// The chart (and its table) of every report year of `unit`, on `basis`; `year` is highlighted.
#[component]
pub fn YearTrend(unit: String, year: i32, basis: Basis) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let trend = use_resource(use_reactive!(|unit, basis| async move { year_totals(&unit, basis).await }));
    let trend = trend.suspend()?.cloned()?;
    let bars: Vec<Bar> = trend
        .iter()
        .map(|(y, s)| Bar {
            label: if *y == year { format!("{y} ◂") } else { y.to_string() },
            segments: vec![
                (s.scope1_kg, SCOPE_COLOURS[0]),
                (s.scope2_kg, SCOPE_COLOURS[1]),
                (s.scope3_kg, SCOPE_COLOURS[2]),
            ],
            value_label: format!("{} t", tonnes_in(lang, s.total_kg)),
        })
        .collect();
    let legend = scope_legend(lang);
    let heading = i18n.t(t::TREND).to_owned();
    let hint = if basis == Basis::Validated { t::TREND_HINT } else { t::TREND_HINT_ALL };
    rsx! {
        p { class: "muted small", "{i18n.t(hint)}" }
        BarChart { id: "chart-trend", title: heading.clone(), description: t::chart_of(lang, &heading, &unit, year), bars, legend }
        table { class: "data-table compact", "data-testid": "trend-table",
            thead {
                tr {
                    th { scope: "col", "{i18n.t(t::PICKER_YEAR)}" }
                    th { scope: "col", class: "num", "{i18n.t(t::TOTAL)} ({i18n.t(t::T_CO2E)})" }
                }
            }
            tbody {
                for (y, s) in trend.iter() {
                    tr { key: "{y}", "data-year": "{y}",
                        th { scope: "row", "{y}" }
                        td { class: "num", "{tonnes_in(lang, s.total_kg)}" }
                    }
                }
            }
        }
    }
}

/// The core totals of each report year of the unit, oldest first.
async fn year_totals(unit: &str, basis: Basis) -> Result<Vec<(i32, ScopeTotals)>, api::ApiError> {
    let mut years: Vec<i32> = api::list_years(unit).await?.into_iter().map(|y| y.year).collect();
    years.sort_unstable();
    let mut out = Vec::with_capacity(years.len());
    for year in years {
        out.push((year, api::results_on(unit, year, basis).await?.core));
    }
    Ok(out)
}
