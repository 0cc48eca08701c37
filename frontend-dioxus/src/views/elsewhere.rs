//! The pages of the full app in the first-load bundle: each loads the full app at its own
//! address. The router has already put that address in the history, so reloading it lets
//! `boot.js` pick the full bundle (the routes' tests check its rule names exactly these pages).

use dioxus::prelude::*;

use crate::components::Loading;
use crate::i18n::use_i18n;
use crate::text as t;

crate::text!(
    FULL_APP_FAILED,
    "This page could not be loaded. Reload it; if it keeps failing, tell the IT manager.",
    "Cette page n'a pas pu être chargée. Rechargez-la ; si le problème persiste, prévenez le responsable informatique."
);

/// Where the last reload for the full app went (`boot.js` clears it when it loads the full
/// app): a second reload of the same address means `boot.js` did not pick the full bundle for
/// it, and the page says so instead of looping.
const RELOADED_KEY: &str = "co2-full-app-reload";

fn reload_into_full_app() -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let location = window.location();
    let here = location.pathname().map_err(|_| "no address")?;
    let storage = window.session_storage().ok().flatten();
    let previous = storage.as_ref().and_then(|s| s.get_item(RELOADED_KEY).ok().flatten());
    if previous.as_deref() == Some(here.as_str()) {
        if let Some(s) = &storage {
            let _ = s.remove_item(RELOADED_KEY);
        }
        return Err(format!("{here} did not load the full app"));
    }
    if let Some(s) = &storage {
        let _ = s.set_item(RELOADED_KEY, &here);
    }
    location.reload().map_err(|_| "the page could not be reloaded".to_owned())
}

/// Loads the full app here.
#[component]
fn LoadFullApp() -> Element {
    let lang = use_i18n().lang();
    let mut failed = use_signal(|| None::<String>);
    use_effect(move || {
        if let Err(e) = reload_into_full_app() {
            crate::console::warn(&e);
            failed.set(Some(e));
        }
    });
    match failed() {
        Some(_) => rsx! { p { class: "notice notice-error", role: "alert", "{FULL_APP_FAILED.get(lang)}" } },
        None => rsx! { Loading { label: t::LOADING.get(lang).to_owned() } },
    }
}

/// Placeholders with the props of the routes they stand for.
macro_rules! elsewhere {
    ($($name:ident { $($field:ident : $ty:ty),* }),* $(,)?) => {$(
        #[component]
        #[allow(unused_variables)]
        pub fn $name($($field: $ty),*) -> Element {
            rsx! { LoadFullApp {} }
        }
    )*};
}

elsewhere! {
    ItLayout {},
    ItYears {},
    ItCampaign {},
    ItLoading {},
    ItFactors {},
    ItReferenceData {},
    ItRecalculation {},
    ItPipelines {},
    ItRoles {},
    ItApiTokens {},
    ItAudit {},
    ItReporting {},
    ItRollups {},
    ItInventory {},
    Simulation { unit: String, year: i32 },
    Plans { unit: String, year: i32 },
}
