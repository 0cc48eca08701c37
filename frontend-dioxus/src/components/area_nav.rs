//! Side navigation of the team-manager and IT-manager areas.

use dioxus::prelude::*;

use crate::routes::Route;

/// An entry of an area's side navigation.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaNavItem {
    /// Link text.
    pub label: &'static str,
    /// Target.
    pub route: Route,
}

/// A labelled list of links; the current page is marked for assistive technology too.
#[component]
pub fn AreaNav(title: String, items: Vec<AreaNavItem>) -> Element {
    let current = use_route::<Route>();
    rsx! {
        nav { class: "side-nav", "aria-label": "{title}",
            p { class: "side-nav-title", "{title}" }
            ul {
                for item in items {
                    li { key: "{item.label}",
                        Link {
                            class: if item.route == current { "side-link active" } else { "side-link" },
                            aria_current: if item.route == current { "page" } else { "false" },
                            to: item.route.clone(),
                            "{item.label}"
                        }
                    }
                }
            }
        }
    }
}
