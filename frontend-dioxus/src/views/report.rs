//! `/units/:unit/years/:year`: the report of a unit × year — its 8 modules as cards, validation
//! progress and the total entered so far.

use dioxus::prelude::*;

use crate::api;
use crate::components::{LoadingPage, ModuleCard, StatusBadge, ValidatedProgress};
use crate::i18n::use_i18n;
use crate::model::tonnes_in;
use crate::routes::Route;
use crate::text as t;

/// The report page.
#[component]
pub fn Report(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    rsx! {
        LoadingPage { key: "{unit}-{year}", label: i18n.t(t::LOADING_REPORT),
            ReportContent { unit, year }
        }
    }
}

#[component]
fn ReportContent(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    // Both resources are created before either suspends: hooks must run in the same order every render.
    let report = use_resource(use_reactive!(|unit, year| async move { api::report(&unit, year).await }));
    let results = use_resource(use_reactive!(|unit, year| async move { api::results(&unit, year).await }));
    let report = report.suspend()?.cloned()?;
    let results = results.suspend()?.cloned()?;

    let mut modules = report.modules.clone();
    modules.sort_by_key(|m| m.position);

    rsx! {
        section { class: "page",
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::unit_report(lang, &report.unit, report.year)}" }
                    h1 { class: "page-title", "{report.unit_name}" }
                }
                div { class: "page-actions",
                    StatusBadge { status: report.overall_status }
                    Link {
                        class: "btn btn-primary",
                        "data-testid": "open-results",
                        to: Route::Results { unit: unit.clone(), year },
                        "{i18n.t(t::SEE_RESULTS)}"
                    }
                }
            }
            div { class: "summary",
                div { class: "summary-item",
                    span { class: "summary-label", "{i18n.t(t::TOTAL_ENTERED)}" }
                    span { class: "summary-value",
                        span { "data-testid": "report-total", "{tonnes_in(lang, results.entered.total_kg)}" }
                        span { class: "summary-unit", " {i18n.t(t::T_CO2E)}" }
                    }
                    span { class: "muted small", "{i18n.t(t::ALL_MODULES_ANY_STATUS)}" }
                }
                ValidatedProgress { progress: report.completion_progress.clone(), testid: "report-progress" }
                div { class: "summary-item",
                    span { class: "summary-label", "{i18n.t(t::CORE_TOTAL)}" }
                    span { class: "summary-value",
                        span { "data-testid": "report-core-total", "{tonnes_in(lang, results.core.total_kg)}" }
                        span { class: "summary-unit", " {i18n.t(t::T_CO2E)}" }
                    }
                    span { class: "muted small", "{i18n.t(t::VALIDATED_ONLY)}" }
                }
            }
            h2 { class: "section-title", "{i18n.t(t::MODULES)}" }
            div { class: "card-grid", "data-testid": "module-cards",
                for m in modules {
                    ModuleCard { key: "{m.module}", unit: unit.clone(), year, module: m.clone() }
                }
            }
        }
    }
}
