//! `/it-manager/inventory`: the year's GHG Protocol inventory for the institution or a subtree
//! (Scope 1 by source, Scope 2 location-based, Scope 3 by category, exclusions stated), its CSV,
//! and its published versions: the IT manager publishes one; anyone of the back office compares
//! a version with the figures of now. The server checks every right again.

use co2_api_types::{ExportKind, ExportRequest, GhgInventoryView, PublishInventoryRequest};
use dioxus::prelude::*;

use super::it_manager::YearSelect;
use crate::api;
use crate::components::{ErrorPanel, ExportLink, LoadingPage};
use crate::i18n::use_i18n;
use crate::model::tonnes_in;
use crate::session::use_session;
use crate::text as t;

/// `/it-manager/inventory`.
#[component]
pub fn ItInventory() -> Element {
    let i18n = use_i18n();
    let year = use_signal(|| None::<i32>);
    let mut subtree = use_signal(String::new);
    let mut generation = use_signal(|| 0u32);
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{i18n.t(t::IT_INVENTORY)}" }
            p { class: "lead", "{i18n.t(t::IT_INVENTORY_LEAD)}" }
            div { class: "filters", role: "search",
                YearSelect { year }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::SUBTREE)}" }
                    input { r#type: "search", "data-testid": "inventory-subtree", value: "{subtree}",
                        placeholder: "{i18n.t(t::WHOLE_INSTITUTION)}",
                        onchange: move |e| subtree.set(e.value().trim().to_owned()) }
                }
            }
            if let Some(year) = year() {
                LoadingPage {
                    InventoryTable { year, subtree: subtree(), on_published: move |_| generation += 1 }
                }
                LoadingPage {
                    Publications { year, generation: generation() }
                }
            }
        }
    }
}

#[component]
fn InventoryTable(year: i32, subtree: String, on_published: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let admin = use_session().with_permissions(|p| p.is_admin());
    let filter = subtree.clone();
    let inventory = use_resource(use_reactive!(|year, filter| async move { api::inventory(year, &filter).await }));
    let mut note = use_signal(String::new);
    let mut failure = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let inv: GhgInventoryView = match inventory.suspend()?.cloned() {
        Ok(inv) => inv,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::IT_INVENTORY), message: e.message } },
    };
    let csv_href = api::inventory_url(year, &subtree, "csv");
    // The workbook (summary, lines, placements, methodology) is built by step-export.
    let workbook = ExportRequest {
        kind: ExportKind::Inventory,
        format: Some("xlsx".to_owned()),
        year,
        unit: None,
        module: None,
        basis: None,
        reporting: None,
        subtree: Some(subtree.clone()).filter(|s| !s.trim().is_empty()),
    };
    let publish = move |evt: FormEvent| {
        evt.prevent_default();
        let req = PublishInventoryRequest {
            year,
            subtree: Some(subtree.clone()).filter(|s| !s.is_empty()),
            note: Some(note().trim().to_owned()).filter(|n| !n.is_empty()),
        };
        busy.set(true);
        failure.set(None);
        spawn(async move {
            match api::publish_inventory(&req).await {
                Ok(_) => {
                    note.set(String::new());
                    on_published.call(());
                }
                Err(e) => failure.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    rsx! {
        div { class: "summary-cards", "data-testid": "inventory-totals",
            for (label, kg) in [
                (t::SCOPE_1_TOTAL, inv.scope1_kg),
                (t::SCOPE_2_TOTAL, inv.scope2_kg),
                (t::SCOPE_3_TOTAL, inv.scope3_kg),
                (t::TOTAL, inv.total_kg),
            ] {
                div { class: "summary-card", key: "{label.get(lang)}",
                    span { class: "summary-label", "{label.get(lang)}" }
                    span { class: "summary-value", "{tonnes_in(lang, kg)} t" }
                }
            }
            if let Some(kg) = inv.scope2_market_kg {
                div { class: "summary-card", "data-testid": "inventory-market-based",
                    span { class: "summary-label", "{i18n.t(t::SCOPE_2_MARKET_TOTAL)}" }
                    span { class: "summary-value", "{tonnes_in(lang, kg)} t" }
                }
            }
            if let Some(base) = inv.base_year {
                div { class: "summary-card",
                    span { class: "summary-label", "{i18n.t(t::BASE_YEAR)}" }
                    span { class: "summary-value", "{base}" }
                }
            }
        }
        if let Some(c) = &inv.coverage {
            p { class: "muted", "data-testid": "inventory-coverage", title: "{c.method}",
                {t::coverage_sentence(lang, c.validated_units, c.units, c.fte_share)}
                if c.floor_area_share.is_some() {
                    " " {t::floor_area_sentence(lang, c.floor_area_share)}
                }
                if let Some(kg) = c.extrapolated_total_kg {
                    " " {t::extrapolated_sentence(lang, &tonnes_in(lang, kg))}
                }
            }
        }
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "inventory-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::INVENTORY_LINE)}" }
                        th { scope: "col", class: "num", "t CO₂e" }
                        th { scope: "col", class: "num", "{i18n.t(t::OF_WHICH_ADDITIONAL)}" }
                    }
                }
                tbody {
                    for line in inv.lines.iter() {
                        tr { key: "{line.key}", "data-line": "{line.key}",
                            th { scope: "row", "{line.label}" }
                            if let Some(reason) = &line.excluded_because {
                                td { colspan: "2", class: "muted small",
                                    span { class: "tag", title: "{reason}", "{i18n.t(t::NOT_REPORTED)}" }
                                    " {reason}"
                                }
                            } else {
                                td { class: "num", "{tonnes_in(lang, line.kg_co2eq)}" }
                                td { class: "num muted", "{tonnes_in(lang, line.additional_kg)}" }
                            }
                        }
                    }
                }
            }
        }
        div { class: "inline-form",
            a { class: "btn btn-ghost", href: "{csv_href}", download: "ghg-inventory-{year}.csv",
                "data-testid": "inventory-csv", "{i18n.t(t::DOWNLOAD_CSV)}" }
            ExportLink { request: workbook, label: i18n.t(t::INVENTORY_WORKBOOK).to_owned(),
                key_name: "inventory-xlsx".to_owned() }
        }
        if admin {
            form { class: "inline-form panel", "data-testid": "publish-form", onsubmit: publish,
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::PUBLICATION_NOTE)}" }
                    input { "data-testid": "publish-note", value: "{note}", maxlength: "500",
                        oninput: move |e| note.set(e.value()) }
                }
                button { class: "btn btn-primary", r#type: "submit", disabled: busy(), "data-testid": "publish",
                    "{i18n.t(t::PUBLISH)}" }
                if let Some(message) = failure() {
                    ErrorPanel { title: i18n.t(t::NOT_PUBLISHED), message }
                }
            }
        }
    }
}

#[component]
fn Publications(year: i32, generation: u32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let list = use_resource(use_reactive!(|year, generation| async move {
        let _ = generation;
        api::inventory_publications(year).await
    }));
    let mut compared = use_signal(|| None::<uuid::Uuid>);
    let list = match list.suspend()?.cloned() {
        Ok(list) => list,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::PUBLISHED_VERSIONS), message: e.message } },
    };
    rsx! {
        section { class: "panel", "data-testid": "publications",
            h2 { "{i18n.t(t::PUBLISHED_VERSIONS)}" }
            if list.is_empty() {
                p { class: "muted", "{i18n.t(t::NO_PUBLICATION)}" }
            } else {
                div { class: "table-wrap",
                    table { class: "data-table compact", "data-testid": "publications-table",
                        thead {
                            tr {
                                th { scope: "col", "{i18n.t(t::VERSION)}" }
                                th { scope: "col", "{i18n.t(t::SUBTREE)}" }
                                th { scope: "col", "{i18n.t(t::PUBLISHED_ON)}" }
                                th { scope: "col", "{i18n.t(t::BY)}" }
                                th { scope: "col", class: "num", "{i18n.t(t::TOTAL)} (t)" }
                                th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                            }
                        }
                        tbody {
                            for p in list {
                                tr { key: "{p.publication_id}", "data-version": "{p.version}",
                                    th { scope: "row", "v{p.version}" if let Some(n) = &p.note { " " span { class: "muted small", "{n}" } } }
                                    td { {p.subtree.clone().unwrap_or_else(|| i18n.t(t::WHOLE_INSTITUTION).to_owned())} }
                                    td { class: "small", {p.published_at.format("%Y-%m-%d %H:%M").to_string()} }
                                    td { "{p.published_by}" }
                                    td { class: "num", "{tonnes_in(lang, p.inventory.total_kg)}" }
                                    td { class: "actions",
                                        a { class: "btn btn-ghost btn-small",
                                            href: "/api/v1/backoffice/inventory/publications/{p.publication_id}?format=csv",
                                            download: "ghg-inventory-{p.year}-v{p.version}.csv", "CSV" }
                                        button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "compare",
                                            onclick: move |_| compared.set(Some(p.publication_id)),
                                            "{i18n.t(t::COMPARE_WITH_NOW)}" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(id) = compared() {
                LoadingPage { Restatement { key: "{id}", id } }
            }
        }
    }
}

#[component]
fn Restatement(id: uuid::Uuid) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let r = use_resource(move || async move { api::restatement(id).await });
    let r = match r.suspend()?.cloned() {
        Ok(r) => r,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::COMPARE_WITH_NOW), message: e.message } },
    };
    rsx! {
        div { class: "restatement", "data-testid": "restatement",
            h3 { "{i18n.t(t::CHANGED_SINCE)} v{r.version}: {tonnes_in(lang, r.delta_kg)} t" }
            if r.lines.is_empty() {
                p { class: "muted", "data-testid": "no-change", "{i18n.t(t::NO_CHANGE_SINCE)}" }
            } else {
                table { class: "data-table compact",
                    thead {
                        tr {
                            th { scope: "col", "{i18n.t(t::INVENTORY_LINE)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::PUBLISHED_KG)} (t)" }
                            th { scope: "col", class: "num", "{i18n.t(t::NOW_KG)} (t)" }
                            th { scope: "col", class: "num", "{i18n.t(t::DIFFERENCE)} (t)" }
                        }
                    }
                    tbody {
                        for l in r.lines.iter() {
                            tr { key: "{l.key}",
                                th { scope: "row", "{l.label}" }
                                td { class: "num", "{tonnes_in(lang, l.published_kg)}" }
                                td { class: "num", "{tonnes_in(lang, l.current_kg)}" }
                                td { class: "num", "{tonnes_in(lang, l.delta_kg)}" }
                            }
                        }
                    }
                }
            }
            if !r.factor_uploads_since.is_empty() {
                p { class: "small",
                    "{i18n.t(t::FACTOR_UPLOADS_SINCE)}: "
                    for u in r.factor_uploads_since.iter() {
                        span { class: "tag", key: "{u.at}", "{u.file} ({u.by}, {u.at.format(\"%Y-%m-%d\")})" }
                        " "
                    }
                }
            }
        }
    }
}
