//! A module of the report as a card: status, entry count, headline tonnes, link to its page.

use co2_api_types::ModuleView;
use dioxus::prelude::*;

use crate::components::StatusBadge;
use crate::i18n::use_i18n;
use crate::model::{module_info, tonnes_in};
use crate::routes::Route;

/// One of the 8 module cards of the report page.
#[component]
pub fn ModuleCard(unit: String, year: i32, module: ModuleView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let info = module_info(&module.module);
    let label = info.map_or(module.module.as_str(), |i| i.label.get(lang)).to_owned();
    let summary = info.map_or("", |i| i.summary.get(lang));
    let entries = crate::text::entries(lang, module.entry_count);
    let testid = format!("module-card-{}", module.module);
    rsx! {
        article { class: if module.enabled { "card module-card" } else { "card module-card module-off" }, "data-testid": testid,
            div { class: "card-head",
                span { class: "card-position", "aria-hidden": "true", "{module.position}" }
                h3 { class: "card-title",
                    Link { class: "card-link", to: Route::module_key(&unit, year, &module.module), "{label}" }
                }
            }
            div { class: "card-meta",
                if module.enabled {
                    StatusBadge { status: module.status }
                } else {
                    span { class: "tag", "data-testid": "module-not-collected", "{i18n.t(crate::text::NOT_COLLECTED)}" }
                }
                span { class: "muted small", "{entries}" }
            }
            p { class: "card-summary", "{summary}" }
            div { class: "card-figures",
                span { class: "figure-value", "{tonnes_in(lang, module.kg_co2eq)}" }
                span { class: "figure-unit", " {i18n.t(crate::text::T_CO2E)}" }
            }
        }
    }
}
