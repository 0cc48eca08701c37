//! `/help` (the user guide) and `/help/methodology[/:module]` (how every module is computed, the
//! factors, the defaults, data quality and uncertainty), in the person's language.

use dioxus::prelude::*;

use crate::help::{GUIDE, METHODS, ModuleMethod, default_words, formula_words, method_of};
use crate::i18n::use_i18n;
use crate::model::module_label;
use crate::routes::Route;
use crate::text as t;

/// The user guide.
#[component]
pub fn Help() -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    rsx! {
        section { class: "page narrow help", "data-testid": "help-guide",
            h1 { class: "page-title", "{i18n.t(t::USER_GUIDE)}" }
            p { class: "lead",
                "{i18n.t(t::USER_GUIDE_LEAD)} "
                Link { "data-testid": "to-methodology", to: Route::Methodology {}, "{i18n.t(t::METHODOLOGY)}" }
            }
            nav { class: "help-toc", aria_label: i18n.t(t::USER_GUIDE),
                ol {
                    for s in GUIDE.iter() {
                        li { key: "{s.id}", a { href: "#{s.id}", "{s.title.get(lang)}" } }
                    }
                }
            }
            for s in GUIDE.iter() {
                article { key: "{s.id}", id: "{s.id}", class: "help-section",
                    h2 { "{s.title.get(lang)}" }
                    for (i, p) in s.paragraphs.iter().enumerate() {
                        p { key: "{i}", "{p.get(lang)}" }
                    }
                }
            }
        }
    }
}

/// The whole methodology.
#[component]
pub fn Methodology() -> Element {
    let i18n = use_i18n();
    rsx! {
        section { class: "page narrow help", "data-testid": "help-methodology",
            h1 { class: "page-title", "{i18n.t(t::METHODOLOGY)}" }
            p { class: "lead", "{i18n.t(t::METHODOLOGY_LEAD)}" }
            for m in METHODS.iter() {
                MethodSection { key: "{m.module}", module: m.module }
            }
            article { class: "help-section", id: "quality",
                h2 { "{i18n.t(t::QUALITY_TITLE)}" }
                p { "{i18n.t(t::QUALITY_METHOD_TEXT)}" }
            }
            article { class: "help-section", id: "overrides",
                h2 { "{i18n.t(t::GIVEN_KG)}" }
                p { {formula_words(i18n.lang(), co2_domain::explain::Formula::Override)} }
                p { {formula_words(i18n.lang(), co2_domain::explain::Formula::ShareOfLastYear)} }
            }
            p { Link { to: Route::Help {}, "← {i18n.t(t::USER_GUIDE)}" } }
        }
    }
}

/// One module's methodology (linked from its module page).
#[component]
pub fn ModuleMethodology(module: String) -> Element {
    let i18n = use_i18n();
    rsx! {
        section { class: "page narrow help", "data-testid": "help-module",
            if method_of(&module).is_some() {
                MethodSection { module: METHODS.iter().find(|m| m.module == module).map_or("", |m| m.module) }
            } else {
                h1 { class: "page-title", "{i18n.t(t::UNKNOWN_MODULE)}" }
            }
            p { Link { "data-testid": "to-methodology", to: Route::Methodology {}, "{i18n.t(t::METHODOLOGY)} →" } }
        }
    }
}

#[component]
fn MethodSection(module: &'static str) -> Element {
    let lang = use_i18n().lang();
    let Some(ModuleMethod { entered, formulas, defaults, .. }) = method_of(module) else {
        return rsx! {};
    };
    rsx! {
        article { class: "help-section", id: "{module}", "data-module": "{module}",
            h2 { "{module_label(lang, module)}" }
            h3 { "{t::WHAT_IS_ENTERED.get(lang)}" }
            p { "{entered.get(lang)}" }
            h3 { "{t::HOW_IT_IS_COMPUTED.get(lang)}" }
            ul { class: "help-formulas",
                for f in formulas.iter() {
                    li { key: "{f:?}", "data-testid": "help-formula", {formula_words(lang, *f)} }
                }
            }
            if !defaults.is_empty() {
                h3 { "{t::DEFAULTS_APPLIED.get(lang)}" }
                ul {
                    for d in defaults.iter() {
                        li { key: "{d:?}", {default_words(lang, *d)} }
                    }
                }
            }
        }
    }
}
