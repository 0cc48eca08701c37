//! CO₂ Calculator — the single-page app (Dioxus 0.7, web renderer).
//!
//! Layout: `routes.rs` (every URL), `views/` (one component per route), `components/` (reusable,
//! driven by props), `api/` (all HTTP), `session.rs` (sign-in state in context), `model.rs`
//! (plain-Rust rules and formatting), `simulation.rs` (scenarios on `co2-domain`'s engine).
//! Depends on `co2-api-types` and `co2-domain`, never on server crates.
//!
//! Built twice (`scripts/build-spa.sh`): the first load, and with the `full` feature the whole
//! app, which `boot.js` loads for the pages the first load leaves out (`views/mod.rs`).

// The first load leaves the full app's pages out: what only they use is unused there.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

mod api;
mod components;
mod console;
mod entry_forms;
mod help;
mod i18n;
mod model;
mod routes;
mod session;
mod simulation;
mod text;
mod views;

use dioxus::prelude::*;

use crate::routes::Route;

fn main() {
    clear_boot_placeholder();
    // Mounts into `<div id="app">` of index.html (`main` would clash with the page's <main>).
    dioxus::LaunchBuilder::web().with_cfg(dioxus::web::Config::new().rootname("app")).launch(App);
}

/// Removes the "Loading…" line index.html shows until the wasm starts (the renderer appends).
fn clear_boot_placeholder() {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
        root.set_inner_html("");
    }
}

/// Root: provides the session context, then hands over to the router.
#[component]
fn App() -> Element {
    i18n::use_i18n_provider();
    session::use_session_provider();
    rsx! {
        Router::<Route> {}
    }
}
