//! `/team-manager/…`: the team manager's area (principal of a unit). Its pages describe what they
//! will hold; their content is built by later work.

use dioxus::prelude::*;

use crate::components::{AreaNav, AreaNavItem, NotAllowed, PlaceholderPage};
use crate::routes::Route;
use crate::session::use_session;

/// Layout of the area: permission check, side navigation, page.
#[component]
pub fn TeamLayout() -> Element {
    let session = use_session();
    let (allowed, managed) = session.with_permissions(|p| {
        (p.can_manage_any_unit(), p.managed_units().into_iter().map(str::to_owned).collect::<Vec<_>>())
    });
    if !allowed {
        return rsx! { NotAllowed { what: "the team manager area".to_string() } };
    }
    // The unit picked in the header when the person manages it, else the first unit they manage.
    let unit = session
        .workspace
        .read()
        .as_ref()
        .map(|w| w.unit.clone())
        .filter(|u| managed.contains(u))
        .or_else(|| managed.first().cloned())
        .unwrap_or_default();
    let items = vec![
        AreaNavItem { label: "Team", route: Route::TeamHome {} },
        AreaNavItem { label: "Validation", route: Route::TeamValidation {} },
        AreaNavItem { label: "Progress", route: Route::TeamProgress {} },
        AreaNavItem { label: "Exports", route: Route::TeamExports {} },
    ];
    rsx! {
        div { class: "area", "data-testid": "team-area",
            aside { class: "area-side",
                AreaNav { title: "Team manager", items }
                p { class: "muted small area-scope", "Unit {unit}" }
            }
            div { class: "area-main", Outlet::<Route> {} }
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// `/team-manager/`.
#[component]
pub fn TeamHome() -> Element {
    rsx! {
        PlaceholderPage {
            title: "Team",
            lead: "The members of your unit and what they may do in the calculator.",
            will_hold: strings(&[
                "The unit's members, with their role (member or team manager).",
                "Adding and removing members, and naming other team managers.",
                "Which members entered travel and cloud use for this year.",
            ]),
        }
    }
}

/// `/team-manager/validation`.
#[component]
pub fn TeamValidation() -> Element {
    rsx! {
        PlaceholderPage {
            title: "Validation",
            lead: "Validate each module of the report once its data is complete, or reopen it to make changes.",
            will_hold: strings(&[
                "The 8 modules of the selected year with their status.",
                "Validate a module: its entries become read-only and count in the core total.",
                "Reopen a validated module to correct it.",
            ]),
        }
    }
}

/// `/team-manager/progress`.
#[component]
pub fn TeamProgress() -> Element {
    rsx! {
        PlaceholderPage {
            title: "Progress",
            lead: "How far the unit's report has come, and how this year compares with earlier ones.",
            will_hold: strings(&[
                "Validated modules out of 8, and what is still missing.",
                "Totals by module and by scope, with the additional categories apart.",
                "The trend over the unit's report years.",
            ]),
        }
    }
}

/// `/team-manager/exports`.
#[component]
pub fn TeamExports() -> Element {
    rsx! {
        PlaceholderPage {
            title: "Exports",
            lead: "Download the unit's data and results.",
            will_hold: strings(&[
                "Export requests for CSV, XLSX and PDF reports of a year.",
                "Their progress, and a download link when they are ready.",
            ]),
        }
    }
}
