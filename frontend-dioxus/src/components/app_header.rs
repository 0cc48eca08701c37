//! The header of the signed-in app: product name, unit × year picker, area links, the person, sign out.

use dioxus::prelude::*;

use crate::api;
use crate::i18n::{Lang, use_i18n};
use crate::model::{pick_default_unit, pick_default_year, roles_summary};
use crate::routes::{Area, Route};
use crate::session::{Session, Workspace, use_session};
use crate::text as t;

/// Header bar. `unit`/`year` are the report being worked on, when one is chosen.
#[component]
pub fn AppHeader(unit: Option<String>, year: Option<i32>) -> Element {
    let session = use_session();
    let nav = use_navigator();
    let i18n = use_i18n();
    let Some(info) = session.info() else {
        return rsx! {};
    };
    let (show_team, show_it, admin) =
        session.with_permissions(|p| (p.can_manage_any_unit(), p.can_open_it_area(), p.is_admin()));
    // Back-office operators only have the Reporting page of the IT area.
    let it_home = if admin { Route::ItYears {} } else { Route::ItReporting {} };
    let roles = roles_summary(i18n.lang(), &info.roles);
    let area = use_route::<Route>().area();
    let route = use_route::<Route>();
    let on_results = matches!(route, Route::Results { .. });
    let on_report = area == Area::Workspace && !on_results;
    let results_route = match (&unit, year) {
        (Some(u), Some(y)) => Some(Route::Results { unit: u.clone(), year: y }),
        _ => None,
    };
    let mut signing_out = use_signal(|| false);

    // Signed out locally whatever the server says: the cookie may already be gone.
    let mut sign_out = move |everywhere: bool| {
        signing_out.set(true);
        spawn(async move {
            let ended = if everywhere { api::logout_everywhere().await } else { api::logout().await };
            if let Err(err) = ended {
                crate::console::warn(&format!("logout: {err}"));
            }
            session.clear();
            nav.replace(Route::Login {});
        });
    };

    rsx! {
        header { class: "app-header",
            div { class: "header-inner",
                Link { class: "brand", to: Route::Home {},
                    span { class: "brand-mark", "aria-hidden": "true", "CO₂" }
                    span { class: "brand-name", "{i18n.t(t::APP_NAME)}" }
                }
                WorkspacePicker { unit: unit.clone(), year }
                nav { class: "main-nav", aria_label: i18n.t(t::NAV_MAIN),
                    Link {
                        class: if on_report { "nav-link active" } else { "nav-link" },
                        aria_current: if on_report { "page" } else { "false" },
                        to: Route::Home {},
                        "{i18n.t(t::NAV_HOME)}"
                    }
                    if let Some(to) = results_route {
                        Link {
                            class: if on_results { "nav-link active" } else { "nav-link" },
                            aria_current: if on_results { "page" } else { "false" },
                            "data-testid": "nav-results",
                            to,
                            "{i18n.t(t::NAV_RESULTS)}"
                        }
                    }
                    if show_team {
                        Link {
                            class: if area == Area::Team { "nav-link active" } else { "nav-link" },
                            to: Route::TeamHome {},
                            "{i18n.t(t::NAV_TEAM)}"
                        }
                    }
                    if show_it {
                        Link {
                            class: if area == Area::It { "nav-link active" } else { "nav-link" },
                            to: it_home,
                            "{i18n.t(t::NAV_IT)}"
                        }
                    }
                    Link {
                        class: if area == Area::Help { "nav-link active" } else { "nav-link" },
                        aria_current: if area == Area::Help { "page" } else { "false" },
                        "data-testid": "nav-help",
                        to: Route::Help {},
                        "{i18n.t(t::NAV_HELP)}"
                    }
                }
                div { class: "user",
                    div { class: "user-text",
                        span { class: "user-name", "data-testid": "user-name", "{info.user.display_name}" }
                        span { class: "user-role", "data-testid": "user-role", "{roles}" }
                    }
                    if info.dev_login {
                        span { class: "tag tag-dev", title: i18n.t(t::DEV_SIGN_IN_HINT), "dev" }
                    }
                    crate::components::Notifications {}
                    button {
                        class: "btn btn-ghost",
                        r#type: "button",
                        "data-testid": "sign-out",
                        disabled: signing_out(),
                        onclick: move |_| sign_out(false),
                        "{i18n.t(t::SIGN_OUT)}"
                    }
                    button {
                        class: "btn btn-ghost btn-small",
                        r#type: "button",
                        "data-testid": "sign-out-everywhere",
                        title: i18n.t(t::SIGN_OUT_EVERYWHERE_HINT),
                        disabled: signing_out(),
                        onclick: move |_| sign_out(true),
                        "{i18n.t(t::SIGN_OUT_EVERYWHERE)}"
                    }
                    LanguageSwitch {}
                }
            }
        }
    }
}

/// EN | FR: the language of the whole interface, remembered in the browser.
#[component]
pub fn LanguageSwitch() -> Element {
    let i18n = use_i18n();
    let current = i18n.lang();
    rsx! {
        div { class: "lang-switch", role: "group", aria_label: i18n.t(t::LANGUAGE),
            for lang in Lang::ALL {
                button {
                    key: "{lang.tag()}",
                    class: if lang == current { "lang active" } else { "lang" },
                    r#type: "button",
                    lang: lang.tag(),
                    title: lang.name(),
                    "aria-pressed": if lang == current { "true" } else { "false" },
                    "data-testid": "lang-{lang.tag()}",
                    onclick: move |_| i18n.set(lang),
                    "{lang.tag().to_uppercase()}"
                }
            }
        }
    }
}

/// Unit and year selects. Changing them opens the same page for the new report.
#[component]
fn WorkspacePicker(unit: Option<String>, year: Option<i32>) -> Element {
    let session = use_session();
    let nav = use_navigator();
    let i18n = use_i18n();
    let route = use_route::<Route>();
    let units = use_resource(api::list_units);
    let years = use_resource(use_reactive!(|unit| async move {
        match unit {
            Some(u) => api::list_years(&u).await.map(Some),
            None => Ok(None),
        }
    }));

    // Pages outside a report (team / IT areas, opened directly) still show a sensible unit × year.
    let has_unit = unit.is_some();
    use_effect(use_reactive!(|has_unit| {
        if has_unit {
            return;
        }
        let Some(Ok(list)) = &*units.read() else {
            return;
        };
        let remembered = session.workspace.peek().as_ref().map(|w| w.unit.clone());
        let Some(first) = pick_default_unit(list, remembered.as_deref()).map(str::to_owned) else {
            return;
        };
        spawn(async move {
            let year = api::list_years(&first).await.ok().and_then(|y| pick_default_year(&y));
            let mut workspace = session.workspace;
            if workspace.peek().is_none() {
                workspace.set(Some(Workspace { unit: first, year }));
            }
        });
    }));

    let on_unit = {
        let route = route.clone();
        move |evt: FormEvent| {
            let new_unit = evt.value();
            let route = route.clone();
            spawn(async move {
                match api::list_years(&new_unit).await {
                    Ok(list) => match pick_default_year(&list) {
                        Some(y) => open(&route, nav, session, new_unit, y),
                        None => {
                            // A unit without report years: home explains it.
                            let mut workspace = session.workspace;
                            workspace.set(Some(Workspace { unit: new_unit, year: None }));
                            nav.push(Route::Home {});
                        }
                    },
                    Err(err) => crate::console::warn(&format!("years of {new_unit}: {err}")),
                }
            });
        }
    };
    let on_year = {
        let unit = unit.clone();
        move |evt: FormEvent| {
            if let (Some(u), Ok(y)) = (unit.clone(), evt.value().parse::<i32>()) {
                open(&route, nav, session, u, y);
            }
        }
    };

    let unit_list = match &*units.read() {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    let year_list = match &*years.read() {
        Some(Ok(Some(list))) => {
            let mut l = list.clone();
            l.sort_by_key(|y| std::cmp::Reverse(y.year));
            l
        }
        _ => Vec::new(),
    };
    let current_unit = unit.clone().unwrap_or_default();
    let (no_units, no_years) = (unit_list.is_empty(), year_list.is_empty());

    rsx! {
        div { class: "picker", role: "group", aria_label: i18n.t(t::PICKER_REPORT),
            label { class: "picker-field",
                span { class: "picker-label", "{i18n.t(t::PICKER_UNIT)}" }
                select {
                    "data-testid": "unit-picker",
                    disabled: no_units,
                    onchange: on_unit,
                    if unit.is_none() {
                        option { value: "", selected: true, disabled: true, "{i18n.t(t::PICKER_CHOOSE_UNIT)}" }
                    }
                    for u in unit_list {
                        option {
                            key: "{u.institutional_id}",
                            value: "{u.institutional_id}",
                            selected: u.institutional_id == current_unit,
                            "{u.institutional_id} — {u.name}"
                        }
                    }
                }
            }
            label { class: "picker-field",
                span { class: "picker-label", "{i18n.t(t::PICKER_YEAR)}" }
                select {
                    "data-testid": "year-picker",
                    disabled: no_years,
                    onchange: on_year,
                    for y in year_list {
                        option {
                            key: "{y.year}",
                            value: "{y.year}",
                            selected: Some(y.year) == year,
                            if y.is_open { "{y.year}" } else { "{y.year} ({i18n.t(t::YEAR_CLOSED)})" }
                        }
                    }
                }
            }
        }
    }
}

/// Opens the same page for another report; team and IT pages are not about one report, so there
/// the choice is only remembered.
fn open(route: &Route, nav: dioxus::router::Navigator, session: Session, unit: String, year: i32) {
    let mut workspace = session.workspace;
    match route.with_unit_year(&unit, year) {
        Some(r) => {
            nav.push(r);
        }
        None => workspace.set(Some(Workspace { unit, year: Some(year) })),
    }
}
