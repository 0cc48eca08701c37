//! `/`: opens the person's report — the remembered unit, else their own unit — at its latest open
//! year.

use dioxus::prelude::*;

use crate::api;
use crate::components::{ErrorPanel, Loading};
use crate::i18n::use_i18n;
use crate::model::{pick_default_unit, pick_default_year};
use crate::routes::Route;
use crate::session::use_session;
use crate::text as t;

/// Where the person lands after sign-in.
#[component]
pub fn Home() -> Element {
    let session = use_session();
    let nav = use_navigator();
    let i18n = use_i18n();
    let lang = i18n.lang();
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
        None | Some(Ok(Landing::Report(..))) => rsx! { Loading { label: i18n.t(t::OPENING_REPORT) } },
        Some(Ok(Landing::NoUnit)) => rsx! {
            section { class: "page narrow",
                h1 { class: "page-title", "{i18n.t(t::NO_UNIT_TITLE)}" }
                p { "{i18n.t(t::NO_UNIT_TEXT)}" }
            }
        },
        Some(Ok(Landing::NoYear(unit))) => rsx! {
            section { class: "page narrow",
                h1 { class: "page-title", "{t::no_year_title(lang, &unit)}" }
                p { "{i18n.t(t::NO_YEAR_TEXT)}" }
            }
        },
        Some(Err(err)) if err.is_unauthorized() => rsx! { Loading { label: i18n.t(t::OPENING_SIGN_IN) } },
        Some(Err(err)) => rsx! {
            ErrorPanel {
                title: i18n.t(t::REPORT_NOT_OPENED),
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
