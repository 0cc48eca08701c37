//! Any URL no route matches.

use dioxus::prelude::*;

use crate::i18n::use_i18n;
use crate::routes::Route;
use crate::text as t;

/// "Page not found", with a way back.
#[component]
pub fn NotFound(segments: Vec<String>) -> Element {
    let i18n = use_i18n();
    let path = format!("/{}", segments.join("/"));
    rsx! {
        section { class: "page narrow",
            h1 { class: "page-title", "{i18n.t(t::PAGE_NOT_FOUND)}" }
            p { "{i18n.t(t::NO_PAGE_AT)} " code { "{path}" } "." }
            Link { class: "btn btn-secondary", to: Route::Home {}, "{i18n.t(t::BACK_TO_MY_REPORT)}" }
        }
    }
}
