//! `/login`: sign-in with the institution's identity provider when one is configured, and the
//! development sign-in (pick a persona and a unit) in the embedded and development profiles only.
//! A sign-in the provider could not complete comes back to `/login/failed/{code}`, said in words.

use co2_api_types::Persona;
use dioxus::prelude::*;

use crate::api;
use crate::components::LanguageSwitch;
use crate::i18n::use_i18n;
use crate::model::PERSONAS;
use crate::routes::Route;
use crate::session::{SessionState, use_session};
use crate::text as t;

/// Unit proposed by default: the demo lab.
const DEFAULT_UNIT: &str = "9001";

/// The sign-in page.
#[component]
pub fn Login() -> Element {
    rsx! { SignIn { error: None } }
}

/// `/login/failed/:error`: the sign-in page, saying why the identity provider's sign-in failed.
#[component]
pub fn LoginFailed(error: String) -> Element {
    rsx! { SignIn { error: Some(error) } }
}

#[component]
fn SignIn(error: Option<String>) -> Element {
    let returned_error = error;
    let session = use_session();
    let nav = use_navigator();
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut persona = use_signal(|| Persona::Principal);
    let mut unit = use_signal(|| DEFAULT_UNIT.to_owned());
    let mut submitting = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let mut unit_error = use_signal(|| None::<String>);
    let mut unavailable = use_signal(|| false);
    let providers = use_resource(api::auth_providers);
    // Without the development sign-in (a cluster), the page says so instead of offering it.
    use_effect(move || {
        if let Some(Ok(p)) = &*providers.read()
            && !p.dev_login
        {
            unavailable.set(true);
        }
    });

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
                    Ok(()) => error.set(Some(i18n.t(t::COOKIES_BLOCKED).to_owned())),
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
    let description = PERSONAS.iter().find(|(p, _, _)| *p == persona()).map_or("", |(_, _, d)| d.get(lang));

    rsx! {
        main { class: "login-page", id: "content",
            div { class: "login-card",
                div { class: "login-lang", LanguageSwitch {} }
                div { class: "login-brand",
                    span { class: "brand-mark", "aria-hidden": "true", "CO₂" }
                    div {
                        h1 { class: "login-title", "{i18n.t(t::APP_NAME)}" }
                        p { class: "muted", "{i18n.t(t::LOGIN_TAGLINE)}" }
                    }
                }
                if let Some(info) = signed_in {
                    div { class: "notice notice-ok", role: "status",
                        "{t::signed_in_as(lang, &info.user.display_name)}"
                        Link { to: Route::Home {}, "{i18n.t(t::CONTINUE_TO_REPORT)}" }
                    }
                }
                if let Some(code) = returned_error.clone() {
                    p { class: "notice notice-error", role: "alert", "data-testid": "login-error",
                        "{t::sign_in_failed(lang, &code)}"
                    }
                }
                if let Some(Ok(p)) = &*providers.read() {
                    if let Some(idp) = &p.oidc {
                        div { class: "login-oidc",
                            a { class: "btn btn-primary btn-block", "data-testid": "oidc-login",
                                href: "{idp.login_url}?return_to=/",
                                "{t::sign_in_with(lang, &idp.name)}"
                            }
                        }
                    }
                }
                div { class: "dev-banner", role: "note", "data-testid": "dev-banner",
                    strong { "{i18n.t(t::DEV_SIGN_IN)}" }
                    span { "{i18n.t(t::DEV_SIGN_IN_NOTE)}" }
                }
                if unavailable() {
                    div { class: "panel panel-notice", role: "alert", "data-testid": "dev-login-unavailable",
                        h2 { class: "panel-title", "{i18n.t(t::DEV_UNAVAILABLE)}" }
                        p { "{i18n.t(t::DEV_UNAVAILABLE_TEXT)}" }
                    }
                } else {
                    form { class: "login-form", onsubmit: submit,
                        div { class: "field",
                            label { class: "field-label", r#for: "persona", "{i18n.t(t::SIGN_IN_AS)}" }
                            select {
                                id: "persona",
                                name: "persona",
                                "data-testid": "persona-select",
                                aria_describedby: "persona-help",
                                onchange: move |e| {
                                    if let Some(p) = Persona::parse(&e.value()) {
                                        persona.set(p);
                                    }
                                },
                                for (p, label, _) in PERSONAS {
                                    option { value: p.as_str(), selected: persona() == p, "{label.get(lang)}" }
                                }
                            }
                            p { class: "field-hint", id: "persona-help", "{description}" }
                        }
                        div { class: "field",
                            label { class: "field-label", r#for: "unit", "{i18n.t(t::PICKER_UNIT)}" }
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
                                if needs_unit { "{i18n.t(t::UNIT_HINT)}" } else { "{i18n.t(t::ADMIN_UNIT_HINT)}" }
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
                            if submitting() { "{i18n.t(t::SIGNING_IN)}" } else { "{i18n.t(t::SIGN_IN)}" }
                        }
                    }
                }
            }
        }
    }
}
