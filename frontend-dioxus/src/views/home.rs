//! `/`: opens the person's report — the remembered unit, else their own unit — at its latest open
//! year.

use dioxus::prelude::*;

use crate::api;
use crate::components::{ErrorPanel, Loading};
use crate::model::{pick_default_unit, pick_default_year};
use crate::routes::Route;
use crate::session::use_session;

/// Where the person lands after sign-in.
#[component]
pub fn Home() -> Element {
    let session = use_session();
    let nav = use_navigator();
    let remembered = session.workspace.peek().as_ref().map(|w| w.unit.clone());

    let target = use_resource(move || {
        let remembered = remembered.clone();
        async move {
            let units = api::list_units().await?;
            let Some(unit) = pick_default_unit(&units, remembered.as_deref()).map(str::to_owned) else {
                return Ok::<_, api::ApiError>(Landing::NoUnit);
            };
            let years = api::list_years(&unit).await?;
            Ok(match pick_default_year(&years) {
                Some(year) => Landing::Report(unit, year),
                None => Landing::NoYear(unit),
            })
        }
    });

    // Side effects of the answer run after render, never during it.
    use_effect(move || match &*target.read() {
        Some(Ok(Landing::Report(unit, year))) => {
            nav.replace(Route::Report { unit: unit.clone(), year: *year });
        }
        Some(Err(err)) if err.is_unauthorized() => session.clear(),
        _ => {}
    });

    let landing = target.read().clone();
    match landing {
        None => rsx! { Loading { label: "Opening your report…" } },
        Some(Ok(Landing::Report(..))) => rsx! { Loading { label: "Opening your report…" } },
        Some(Ok(Landing::NoUnit)) => rsx! {
            section { class: "page narrow",
                h1 { class: "page-title", "No unit yet" }
                p { "Your account is not a member of any unit. Ask your unit's team manager to add you." }
            }
        },
        Some(Ok(Landing::NoYear(unit))) => rsx! {
            section { class: "page narrow",
                h1 { class: "page-title", "No report year for unit {unit}" }
                p { "No report year has been opened for this unit yet. The IT manager opens years for all units." }
            }
        },
        Some(Err(err)) if err.is_unauthorized() => rsx! { Loading { label: "Opening sign-in…" } },
        Some(Err(err)) => rsx! {
            ErrorPanel {
                title: "Your report could not be opened",
                message: err.message,
                on_retry: move |_| target.clone().restart(),
            }
        },
    }
}

/// Where `/` leads.
#[derive(Debug, Clone, PartialEq)]
enum Landing {
    Report(String, i32),
    NoUnit,
    NoYear(String),
}
