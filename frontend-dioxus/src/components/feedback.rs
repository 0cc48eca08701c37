//! Loading, error, "not allowed" and "coming later" states, so every page shows them the same way.

use dioxus::prelude::*;

use crate::api::ApiError;
use crate::i18n::{I18n, Lang, use_i18n};
use crate::routes::Route;
use crate::session::use_session;
use crate::text as t;

/// A quiet loading line, announced to screen readers.
#[component]
pub fn Loading(#[props(default)] label: Option<String>) -> Element {
    let i18n = use_i18n();
    let label = label.unwrap_or_else(|| i18n.t(t::LOADING).to_owned());
    rsx! {
        div { class: "loading", role: "status", "aria-live": "polite",
            span { class: "spinner", "aria-hidden": "true" }
            span { "{label}" }
        }
    }
}

/// An error the person can read, with an optional "Try again".
#[component]
pub fn ErrorPanel(title: String, message: String, #[props(default)] on_retry: Option<EventHandler<()>>) -> Element {
    let i18n = use_i18n();
    rsx! {
        div { class: "panel panel-error", role: "alert",
            h2 { class: "panel-title", "{title}" }
            p { "{message}" }
            if let Some(retry) = on_retry {
                button { class: "btn btn-secondary", r#type: "button", onclick: move |_| retry.call(()),
                    "{i18n.t(t::TRY_AGAIN)}"
                }
            }
        }
    }
}

/// Fallback of the views' `ErrorBoundary`: an ended session goes back to sign-in, anything else
/// is shown with the server's message.
pub fn boundary_fallback(errors: ErrorContext) -> Element {
    // A render function, not a component: the language is read from context, not through a hook.
    let lang = try_consume_context::<I18n>().map_or(Lang::default(), |i| i.lang());
    let api_error = errors.error().and_then(|e| e.0.downcast_ref::<ApiError>().cloned());
    match api_error {
        Some(err) if err.is_unauthorized() => rsx! { SessionEnded {} },
        Some(err) if err.status == 403 || err.status == 404 => rsx! {
            NotAllowed { what: t::THIS_REPORT.get(lang).to_string() }
        },
        Some(err) => rsx! {
            ErrorPanel {
                title: t::SOMETHING_WRONG.get(lang),
                message: err.message,
                on_retry: move |_| errors.clear_errors(),
            }
        },
        None => rsx! {
            ErrorPanel {
                title: t::SOMETHING_WRONG.get(lang),
                message: t::PAGE_NOT_SHOWN.get(lang),
                on_retry: move |_| errors.clear_errors(),
            }
        },
    }
}

/// Drops the local session; the shell then sends the person to sign-in.
#[component]
fn SessionEnded() -> Element {
    let session = use_session();
    let i18n = use_i18n();
    use_effect(move || session.clear());
    rsx! { Loading { label: i18n.t(t::SESSION_ENDED) } }
}

/// Shown when the session lacks the permission for a page (the server refuses it anyway).
#[component]
pub fn NotAllowed(what: String) -> Element {
    let i18n = use_i18n();
    rsx! {
        section { class: "panel panel-notice", "data-testid": "not-allowed",
            h1 { class: "page-title", "{i18n.t(t::NOT_ALLOWED)}" }
            p { "{t::not_allowed_to(i18n.lang(), &what)}" }
            p { class: "muted", "{i18n.t(t::ASK_FOR_ROLE)}" }
            Link { class: "btn btn-secondary", to: Route::Home {}, "{i18n.t(t::BACK_TO_REPORT)}" }
        }
    }
}

/// A page's content that loads: `label` while it suspends, the boundary's fallback when it
/// fails. Give it a `key` per unit × year so another report starts afresh.
#[component]
pub fn LoadingPage(#[props(default)] label: Option<String>, children: Element) -> Element {
    rsx! {
        ErrorBoundary { handle_error: boundary_fallback,
            SuspenseBoundary { fallback: move |_| rsx! { Loading { label: label.clone() } }, {children} }
        }
    }
}
