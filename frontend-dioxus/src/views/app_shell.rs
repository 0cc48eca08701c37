//! Layout of everything behind sign-in: checks the session once, sends signed-out visitors to
//! `/login`, and frames pages with the header.

use dioxus::prelude::*;

use crate::components::{AppHeader, ErrorPanel, Loading};
use crate::i18n::use_i18n;
use crate::routes::Route;
use crate::session::{SessionState, Workspace, use_session};
use crate::text as t;

/// The signed-in frame: header, then the current page.
#[component]
pub fn AppShell() -> Element {
    let session = use_session();
    let nav = use_navigator();
    let i18n = use_i18n();
    let route = use_route::<Route>();
    let mut check_error = use_signal(|| None::<String>);

    // Ask the server who is signed in, once per app start (and again on "Try again").
    let mut check = move || {
        check_error.set(None);
        spawn(async move {
            if let Err(err) = session.refresh().await {
                check_error.set(Some(err.message));
            }
        });
    };
    use_hook(move || {
        if session.is_checking() {
            check();
        }
    });

    // A signed-out visitor (401, logout, expired session) goes to sign-in.
    use_effect(move || {
        if matches!(*session.state.read(), SessionState::SignedOut) {
            nav.replace(Route::Login {});
        }
    });

    // Remember the report of the page, for the picker and the team / IT areas.
    let unit_year = route.unit_year();
    use_effect(use_reactive!(|unit_year| {
        if let Some((unit, year)) = unit_year {
            let next = Some(Workspace { unit, year: Some(year) });
            let mut workspace = session.workspace;
            if *workspace.peek() != next {
                workspace.set(next);
            }
        }
    }));

    let state = session.state.read().clone();
    match state {
        SessionState::Checking => {
            if let Some(message) = check_error() {
                rsx! {
                    main { class: "main narrow",
                        ErrorPanel {
                            title: i18n.t(t::UNREACHABLE),
                            message,
                            on_retry: move |_| check(),
                        }
                    }
                }
            } else {
                rsx! { main { class: "main narrow", Loading { label: i18n.t(t::CHECKING_SESSION) } } }
            }
        }
        SessionState::SignedOut => {
            rsx! { main { class: "main narrow", Loading { label: i18n.t(t::OPENING_SIGN_IN) } } }
        }
        SessionState::SignedIn(_) => {
            let ws = session.workspace.read().clone();
            let (unit, year) = match (route.unit_year(), ws) {
                (Some((u, y)), _) => (Some(u), Some(y)),
                (None, Some(w)) => (Some(w.unit), w.year),
                (None, None) => (None, None),
            };
            rsx! {
                a { class: "skip-link", href: "#content", "{i18n.t(t::SKIP_TO_CONTENT)}" }
                AppHeader { unit, year }
                main { class: "main", id: "content", tabindex: "-1",
                    Outlet::<Route> {}
                }
                footer { class: "app-footer",
                    span { "{i18n.t(t::FOOTER)}" }
                }
            }
        }
    }
}
