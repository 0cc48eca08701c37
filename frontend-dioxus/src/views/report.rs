//! `/units/:unit/years/:year`: the report of a unit × year — its 8 modules as cards, validation
//! progress and the total entered so far.

use dioxus::prelude::*;

use crate::api;
use crate::components::{Loading, ModuleCard, StatusBadge, boundary_fallback};
use crate::model::{format_2dp, parse_progress};

/// The report page.
#[component]
pub fn Report(unit: String, year: i32) -> Element {
    rsx! {
        ErrorBoundary { key: "{unit}-{year}", handle_error: boundary_fallback,
            SuspenseBoundary { fallback: |_| rsx! { Loading { label: "Loading the report…" } },
                ReportContent { unit, year }
            }
        }
    }
}

#[component]
fn ReportContent(unit: String, year: i32) -> Element {
    // Both resources are created before either suspends: hooks must run in the same order every render.
    let report = use_resource(use_reactive!(|unit, year| async move { api::report(&unit, year).await }));
    let results = use_resource(use_reactive!(|unit, year| async move { api::results(&unit, year).await }));
    let report = report.suspend()?.cloned()?;
    let results = results.suspend()?.cloned()?;

    let mut modules = report.modules.clone();
    modules.sort_by_key(|m| m.position);
    let (done, total) = parse_progress(&report.completion_progress).unwrap_or((0, 8));
    let pct = (done * 100).checked_div(total).unwrap_or(0);

    rsx! {
        section { class: "page",
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "Unit {report.unit} · Report {report.year}" }
                    h1 { class: "page-title", "{report.unit_name}" }
                }
                StatusBadge { status: report.overall_status }
            }
            div { class: "summary",
                div { class: "summary-item",
                    span { class: "summary-label", "Total entered" }
                    span { class: "summary-value",
                        span { "data-testid": "report-total", "{format_2dp(results.entered.total_t)}" }
                        span { class: "summary-unit", " t CO₂e" }
                    }
                    span { class: "muted small", "All modules, validated or not" }
                }
                div { class: "summary-item",
                    span { class: "summary-label", "Validated modules" }
                    span { class: "summary-value", "data-testid": "report-progress", "{done}/{total}" }
                    div {
                        class: "progress small",
                        role: "progressbar",
                        aria_label: "Validated modules",
                        aria_valuemin: "0",
                        aria_valuemax: "{total}",
                        aria_valuenow: "{done}",
                        div { class: "progress-bar done", style: "width: {pct}%" }
                    }
                }
                div { class: "summary-item",
                    span { class: "summary-label", "Core total" }
                    span { class: "summary-value",
                        span { "data-testid": "report-core-total", "{format_2dp(results.core.total_t)}" }
                        span { class: "summary-unit", " t CO₂e" }
                    }
                    span { class: "muted small", "Validated modules only" }
                }
            }
            h2 { class: "section-title", "Modules" }
            div { class: "card-grid", "data-testid": "module-cards",
                for m in modules {
                    ModuleCard { key: "{m.module}", unit: unit.clone(), year, module: m.clone() }
                }
            }
        }
    }
}
