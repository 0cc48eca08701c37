//! `/it-manager/…`: the IT manager's area (back-office admin; back-office operators see Reporting
//! only). Its pages describe what they will hold; their content is built by later work.

use dioxus::prelude::*;

use crate::components::{AreaNav, AreaNavItem, NotAllowed, PlaceholderPage};
use crate::routes::Route;
use crate::session::use_session;

/// Layout of the area: permission check, side navigation (only the pages the person may open), page.
#[component]
pub fn ItLayout() -> Element {
    let session = use_session();
    let (allowed, admin) = session.with_permissions(|p| (p.can_open_it_area(), p.is_admin()));
    if !allowed {
        return rsx! { NotAllowed { what: "the IT manager area".to_string() } };
    }
    let mut items = Vec::new();
    if admin {
        items.extend([
            AreaNavItem { label: "Years", route: Route::ItYears {} },
            AreaNavItem { label: "Factors", route: Route::ItFactors {} },
            AreaNavItem { label: "Reference data", route: Route::ItReferenceData {} },
            AreaNavItem { label: "Recalculation", route: Route::ItRecalculation {} },
            AreaNavItem { label: "Pipelines", route: Route::ItPipelines {} },
            AreaNavItem { label: "Roles", route: Route::ItRoles {} },
            AreaNavItem { label: "API tokens", route: Route::ItApiTokens {} },
            AreaNavItem { label: "Audit", route: Route::ItAudit {} },
        ]);
    }
    items.push(AreaNavItem { label: "Reporting", route: Route::ItReporting {} });
    rsx! {
        div { class: "area", "data-testid": "it-area",
            aside { class: "area-side",
                AreaNav { title: "IT manager", items }
            }
            div { class: "area-main", Outlet::<Route> {} }
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A data-management page: admins only (DOMAIN §7).
#[component]
fn AdminPage(title: String, lead: String, will_hold: Vec<String>) -> Element {
    let session = use_session();
    if !session.with_permissions(|p| p.is_admin()) {
        return rsx! {
            NotAllowed { what: format!("{} (IT manager only)", title.to_lowercase()) }
        };
    }
    rsx! { PlaceholderPage { title, lead, will_hold } }
}

/// `/it-manager/`.
#[component]
pub fn ItYears() -> Element {
    rsx! {
        AdminPage {
            title: "Years",
            lead: "Report years for all units.",
            will_hold: strings(&[
                "Open and close report years; a closed year takes no more changes.",
                "Per-year thresholds and reduction objectives.",
                "Per-year data files loaded for all units at once.",
            ]),
        }
    }
}

/// `/it-manager/factors`.
#[component]
pub fn ItFactors() -> Element {
    rsx! {
        AdminPage {
            title: "Factors",
            lead: "Emission factors, per module and year.",
            will_hold: strings(&[
                "Upload a factor CSV for a module and year; rows are updated in place.",
                "Stale factors (absent from the last upload), to review or purge.",
                "The factors of a year, with the upload that last changed each one.",
            ]),
        }
    }
}

/// `/it-manager/reference-data`.
#[component]
pub fn ItReferenceData() -> Element {
    rsx! {
        AdminPage {
            title: "Reference data",
            lead: "Data that does not change with the year.",
            will_hold: strings(&[
                "Airports, train stations, building rooms and exchange rates.",
                "Replace a whole set by uploading its CSV file.",
            ]),
        }
    }
}

/// `/it-manager/recalculation`.
#[component]
pub fn ItRecalculation() -> Element {
    rsx! {
        AdminPage {
            title: "Recalculation",
            lead: "Recompute emissions after factors change.",
            will_hold: strings(&[
                "Start a recalculation for a year, a module or an entry type.",
                "By default, only the slices whose factors changed are covered.",
                "Progress of running recalculations.",
            ]),
        }
    }
}

/// `/it-manager/pipelines`.
#[component]
pub fn ItPipelines() -> Element {
    rsx! {
        AdminPage {
            title: "Pipelines",
            lead: "The jobs behind uploads, recalculations and exports.",
            will_hold: strings(&[
                "Every job with its state, progress, row counts and error report.",
                "Retry or abort a job.",
                "Messages that could not be processed, for inspection.",
            ]),
        }
    }
}

/// `/it-manager/roles`.
#[component]
pub fn ItRoles() -> Element {
    rsx! {
        AdminPage {
            title: "Roles",
            lead: "Who may do what, in which unit.",
            will_hold: strings(&[
                "Role assignments: member, team manager, back-office operator, IT manager.",
                "Assignments seeded from the identity provider's groups.",
            ]),
        }
    }
}

/// `/it-manager/api-tokens`.
#[component]
pub fn ItApiTokens() -> Element {
    rsx! {
        AdminPage {
            title: "API tokens",
            lead: "Personal tokens for scripts that use the API.",
            will_hold: strings(&[
                "Create a token with a scope and an expiry; it is shown once.",
                "Your tokens, when they were last used, and revoking them.",
            ]),
        }
    }
}

/// `/it-manager/audit`.
#[component]
pub fn ItAudit() -> Element {
    rsx! {
        AdminPage {
            title: "Audit",
            lead: "Every change and sign-in, in a tamper-evident log.",
            will_hold: strings(&[
                "The audit log, filtered by person, unit, action and date.",
                "A check that the log's hash chain is intact.",
            ]),
        }
    }
}

/// `/it-manager/reporting` (back-office operators and admins).
#[component]
pub fn ItReporting() -> Element {
    rsx! {
        PlaceholderPage {
            title: "Reporting",
            lead: "Results across units, within your scope.",
            will_hold: strings(&[
                "Totals by unit, module and scope for a year, with filters.",
                "Exports as CSV, JSON, ZIP or PDF.",
            ]),
        }
    }
}
