//! Loading, error, "not allowed" and "coming later" states, so every page shows them the same way.

use dioxus::prelude::*;

use crate::api::ApiError;
use crate::routes::Route;
use crate::session::use_session;

/// A quiet loading line, announced to screen readers.
#[component]
pub fn Loading(#[props(default = "Loading…".to_string())] label: String) -> Element {
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
    rsx! {
        div { class: "panel panel-error", role: "alert",
            h2 { class: "panel-title", "{title}" }
            p { "{message}" }
            if let Some(retry) = on_retry {
                button { class: "btn btn-secondary", r#type: "button", onclick: move |_| retry.call(()),
                    "Try again"
                }
            }
        }
    }
}

/// Fallback of the views' `ErrorBoundary`: an ended session goes back to sign-in, anything else
/// is shown with the server's message.
pub fn boundary_fallback(errors: ErrorContext) -> Element {
    let api_error = errors.error().and_then(|e| e.0.downcast_ref::<ApiError>().cloned());
    match api_error {
        Some(err) if err.is_unauthorized() => rsx! { SessionEnded {} },
        Some(err) if err.status == 403 || err.status == 404 => rsx! {
            NotAllowed { what: "this report".to_string() }
        },
        Some(err) => rsx! {
            ErrorPanel {
                title: "Something went wrong",
                message: err.message,
                on_retry: move |_| errors.clear_errors(),
            }
        },
        None => rsx! {
            ErrorPanel {
                title: "Something went wrong",
                message: "This page could not be shown. Try again in a moment.",
                on_retry: move |_| errors.clear_errors(),
            }
        },
    }
}

/// Drops the local session; the shell then sends the person to sign-in.
#[component]
fn SessionEnded() -> Element {
    let session = use_session();
    use_effect(move || session.clear());
    rsx! { Loading { label: "Your session has ended. Opening sign-in…" } }
}

/// Shown when the session lacks the permission for a page (the server refuses it anyway).
#[component]
pub fn NotAllowed(what: String) -> Element {
    rsx! {
        section { class: "panel panel-notice", "data-testid": "not-allowed",
            h1 { class: "page-title", "Not allowed" }
            p { "Your roles do not give access to {what}." }
            p { class: "muted",
                "If you need it, ask your unit's team manager or the IT manager to grant you the role."
            }
            Link { class: "btn btn-secondary", to: Route::Home {}, "Back to my report" }
        }
    }
}

/// A page whose content arrives with later work: a title, what it will hold, nothing made up.
#[component]
pub fn PlaceholderPage(title: String, lead: String, will_hold: Vec<String>) -> Element {
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{title}" }
            p { class: "lead", "{lead}" }
            div { class: "panel panel-soon",
                h2 { class: "panel-title", "What this page will hold" }
                ul {
                    for item in will_hold {
                        li { "{item}" }
                    }
                }
                p { class: "muted", "This page is being built and is not available yet." }
            }
        }
    }
}
