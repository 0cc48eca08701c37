//! Any URL no route matches.

use dioxus::prelude::*;

use crate::routes::Route;

/// "Page not found", with a way back.
#[component]
pub fn NotFound(segments: Vec<String>) -> Element {
    let path = format!("/{}", segments.join("/"));
    rsx! {
        section { class: "page narrow",
            h1 { class: "page-title", "Page not found" }
            p { "There is no page at " code { "{path}" } "." }
            Link { class: "btn btn-secondary", to: Route::Home {}, "Back to my report" }
        }
    }
}
