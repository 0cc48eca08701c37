//! `/login`: the development sign-in (pick a persona and a unit). It exists only in the embedded
//! and development profiles; a cluster answers 403/404 and the page says so.

use co2_api_types::Persona;
use dioxus::prelude::*;

use crate::api;
use crate::model::{PERSONAS, persona_from_key, persona_key};
use crate::routes::Route;
use crate::session::{SessionState, use_session};

/// Unit proposed by default: the demo lab.
const DEFAULT_UNIT: &str = "9001";

/// The sign-in page.
#[component]
pub fn Login() -> Element {
    let session = use_session();
    let nav = use_navigator();
    let mut persona = use_signal(|| Persona::Principal);
    let mut unit = use_signal(|| DEFAULT_UNIT.to_owned());
    let mut submitting = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let mut unit_error = use_signal(|| None::<String>);
    let mut unavailable = use_signal(|| false);

    // Someone already signed in (cookie) is offered to continue.
    use_hook(move || {
        if session.is_checking() {
            spawn(async move {
                let _ = session.refresh().await;
            });
        }
    });

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        let chosen = persona();
        let unit_value = unit().trim().to_owned();
        // The IT manager's grant is global; the other personas belong to a unit.
        let unit_arg = (chosen != Persona::Admin && !unit_value.is_empty()).then_some(unit_value);
        spawn(async move {
            submitting.set(true);
            error.set(None);
            unit_error.set(None);
            let result = api::dev_login(chosen, unit_arg).await;
            match result {
                Ok(_) => match session.refresh().await {
                    Ok(()) if matches!(*session.state.peek(), SessionState::SignedIn(_)) => {
                        nav.replace(Route::Home {});
                    }
                    Ok(()) => error.set(Some(
                        "Signed in, but the session was not kept. Are cookies blocked for this site?".to_owned(),
                    )),
                    Err(err) => error.set(Some(err.message)),
                },
                Err(err) if err.status == 403 || err.status == 404 => unavailable.set(true),
                Err(err) => {
                    let fields = err.field_errors();
                    if let Some(msgs) = fields.get("unit") {
                        unit_error.set(Some(msgs.join(" ")));
                    } else {
                        error.set(Some(err.message));
                    }
                }
            }
            submitting.set(false);
        });
    };

    let signed_in = session.info();
    let needs_unit = persona() != Persona::Admin;
    let description = PERSONAS.iter().find(|(p, _, _)| *p == persona()).map_or("", |(_, _, d)| *d);

    rsx! {
        main { class: "login-page", id: "content",
            div { class: "login-card",
                div { class: "login-brand",
                    span { class: "brand-mark", "aria-hidden": "true", "CO₂" }
                    div {
                        h1 { class: "login-title", "CO₂ Calculator" }
                        p { class: "muted", "Carbon footprint of university units" }
                    }
                }
                if let Some(info) = signed_in {
                    div { class: "notice notice-ok", role: "status",
                        "You are signed in as {info.user.display_name}. "
                        Link { to: Route::Home {}, "Continue to your report" }
                    }
                }
                div { class: "dev-banner", role: "note", "data-testid": "dev-banner",
                    strong { "Development sign-in" }
                    span { " — for local and test environments only. Production uses the university's single sign-on." }
                }
                if unavailable() {
                    div { class: "panel panel-notice", role: "alert", "data-testid": "dev-login-unavailable",
                        h2 { class: "panel-title", "Development sign-in is not available here" }
                        p { "This deployment does not offer the development sign-in. Sign in through your institution's single sign-on." }
                    }
                } else {
                    form { class: "login-form", onsubmit: submit,
                        div { class: "field",
                            label { class: "field-label", r#for: "persona", "Sign in as" }
                            select {
                                id: "persona",
                                name: "persona",
                                "data-testid": "persona-select",
                                aria_describedby: "persona-help",
                                onchange: move |e| {
                                    if let Some(p) = persona_from_key(&e.value()) {
                                        persona.set(p);
                                    }
                                },
                                for (p, label, _) in PERSONAS {
                                    option { value: persona_key(p), selected: persona() == p, "{label}" }
                                }
                            }
                            p { class: "field-hint", id: "persona-help", "{description}" }
                        }
                        div { class: "field",
                            label { class: "field-label", r#for: "unit", "Unit" }
                            input {
                                id: "unit",
                                name: "unit",
                                r#type: "text",
                                inputmode: "numeric",
                                autocomplete: "off",
                                "data-testid": "unit-input",
                                disabled: !needs_unit,
                                value: "{unit}",
                                aria_invalid: unit_error().is_some(),
                                aria_describedby: "unit-help unit-err",
                                oninput: move |e| unit.set(e.value()),
                            }
                            p { class: "field-hint", id: "unit-help",
                                if needs_unit { "Institutional id of the unit, e.g. 9001 for the demo lab." } else { "The IT manager's role covers every unit." }
                            }
                            div { id: "unit-err", "aria-live": "polite",
                                if let Some(msg) = unit_error() {
                                    p { class: "field-error", "{msg}" }
                                }
                            }
                        }
                        if let Some(msg) = error() {
                            p { class: "form-error", role: "alert", "data-testid": "login-error", "{msg}" }
                        }
                        button {
                            class: "btn btn-primary btn-block",
                            r#type: "submit",
                            "data-testid": "login-submit",
                            disabled: submitting(),
                            if submitting() { "Signing in…" } else { "Sign in" }
                        }
                    }
                }
            }
        }
    }
}
