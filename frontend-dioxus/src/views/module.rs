//! `/units/:unit/years/:year/modules/:module`: the equipment page (entries, form, CSV upload), or
//! for the other modules their status and totals until their data entry is built.

use co2_api_types::{EntryView, ModuleStatus};
use dioxus::prelude::*;

use crate::api::{self, ApiError};
use crate::components::{EntriesTable, EntryForm, ErrorPanel, Loading, StatusBadge, UploadPanel, boundary_fallback};
use crate::i18n::use_i18n;
use crate::model::{EquipmentDraft, FieldMessages, format_kg, module_info, page_count, tonnes_in};
use crate::routes::Route;
use crate::session::use_session;
use crate::text as t;

/// Entries shown per page of the equipment table.
const PER_PAGE: u32 = 50;

/// A module page.
#[component]
pub fn EquipmentOrModule(unit: String, year: i32, module: String) -> Element {
    let lang = use_i18n().lang();
    let Some(info) = module_info(&module) else {
        return rsx! {
            section { class: "page narrow",
                h1 { class: "page-title", "{t::UNKNOWN_MODULE.get(lang)}" }
                p { "{t::NO_SUCH_MODULE.get(lang)}" code { "{module}" } "." }
                Link { class: "btn btn-secondary", to: Route::Report { unit, year }, "{t::BACK_TO_THE_REPORT.get(lang)}" }
            }
        };
    };
    rsx! {
        div { class: "page",
            nav { class: "breadcrumb", aria_label: "Breadcrumb",
                Link { to: Route::Report { unit: unit.clone(), year }, "{t::unit_report(lang, &unit, year)}" }
                span { "aria-hidden": "true", " / " }
                span { aria_current: "page", "{info.label.get(lang)}" }
            }
            ErrorBoundary { key: "{unit}-{year}-{module}", handle_error: boundary_fallback,
                if info.key == "equipment" {
                    EquipmentPage { unit: unit.clone(), year }
                } else {
                    SuspenseBoundary { fallback: move |_| rsx! { Loading { label: t::LOADING_MODULE.get(lang) } },
                        ModuleOverview { unit: unit.clone(), year, module: module.clone() }
                    }
                }
            }
        }
    }
}

/// A module whose data entry is not built yet: its real status and totals, nothing invented.
#[component]
fn ModuleOverview(unit: String, year: i32, module: String) -> Element {
    let report = use_resource(use_reactive!(|unit, year| async move { api::report(&unit, year).await }));
    let report = report.suspend()?.cloned()?;
    let lang = use_i18n().lang();
    let info = module_info(&module);
    let label = info.map_or(module.as_str(), |i| i.label.get(lang));
    let summary = info.map_or("", |i| i.summary.get(lang));
    let view = report.modules.iter().find(|m| m.module == module).cloned();
    rsx! {
        section {
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::module_of_8(lang, info.map_or(0, |i| i.position))}" }
                    h1 { class: "page-title", "{label}" }
                    p { class: "lead", "{summary}" }
                }
                if let Some(v) = &view {
                    StatusBadge { status: v.status }
                }
            }
            if let Some(v) = view {
                div { class: "summary",
                    div { class: "summary-item",
                        span { class: "summary-label", "{t::MODULE_TOTAL.get(lang)}" }
                        span { class: "summary-value",
                            span { "data-testid": "module-total", "{tonnes_in(lang, v.kg_co2eq)}" }
                            span { class: "summary-unit", " t CO₂e" }
                        }
                    }
                    div { class: "summary-item",
                        span { class: "summary-label", "{t::ENTRIES.get(lang)}" }
                        span { class: "summary-value", "{v.entry_count}" }
                    }
                }
            }
            div { class: "panel panel-soon", "data-testid": "module-soon",
                h2 { class: "panel-title", "{t::ENTRY_SOON.get(lang)}" }
                p { "{t::entry_soon(lang, label)}" }
            }
        }
    }
}

/// What the entry form is doing.
#[derive(Debug, Clone, PartialEq)]
enum FormMode {
    Add,
    Edit(EntryView),
}

/// The equipment module: totals, entries, add / edit form, CSV upload.
#[component]
fn EquipmentPage(unit: String, year: i32) -> Element {
    let session = use_session();
    let lang = use_i18n().lang();
    let can_edit = session.with_permissions(|p| p.can_edit(&unit));
    let mut page = use_signal(|| 1_u32);
    let mut reload = use_signal(|| 0_u32);
    let mut form = use_signal(|| None::<FormMode>);
    let mut server_errors = use_signal(FieldMessages::new);
    let mut general_error = use_signal(|| None::<String>);
    let mut submitting = use_signal(|| false);
    let mut busy_entry = use_signal(|| None::<uuid::Uuid>);
    let mut notice = use_signal(|| None::<(bool, String)>);

    let entries = use_resource(use_reactive!(|unit, year| {
        let p = page();
        let _ = reload();
        async move { api::list_entries(&unit, year, "equipment", p, PER_PAGE).await }
    }));
    let report = use_resource(use_reactive!(|unit, year| {
        let _ = reload();
        async move { api::report(&unit, year).await }
    }));

    // A session that ended while the page was open: back to sign-in instead of an error panel.
    use_effect(move || {
        let expired = matches!(&*entries.read(), Some(Err(e)) if e.is_unauthorized())
            || matches!(&*report.read(), Some(Err(e)) if e.is_unauthorized());
        if expired {
            session.clear();
        }
    });

    let status = match &*report.read() {
        Some(Ok(r)) => r.modules.iter().find(|m| m.module == "equipment").map(|m| m.status),
        _ => None,
    };
    let validated = status == Some(ModuleStatus::Validated);
    let editable = can_edit && !validated;

    // A 401 anywhere means the session ended: the shell sends the person to sign-in.
    let handle_auth = move |err: &ApiError| {
        if err.is_unauthorized() {
            session.clear();
        }
    };

    let on_submit = {
        let unit = unit.clone();
        move |draft: EquipmentDraft| {
            let unit = unit.clone();
            let mode = form();
            spawn(async move {
                submitting.set(true);
                general_error.set(None);
                server_errors.set(FieldMessages::new());
                let input = draft.to_input();
                let result = match &mode {
                    Some(FormMode::Edit(entry)) => api::update_entry(entry.entry_id, &input).await,
                    _ => api::create_entry(&unit, year, "equipment", &input).await,
                };
                submitting.set(false);
                match result {
                    Ok(saved) => {
                        let edited = matches!(mode, Some(FormMode::Edit(_)));
                        let name = crate::model::data_text(&saved.data, "name");
                        notice.set(Some((true, t::entry_done(lang, &name, edited))));
                        form.set(None);
                        reload += 1;
                    }
                    Err(err) => {
                        handle_auth(&err);
                        let fields = err.field_errors();
                        if err.is_conflict() {
                            general_error.set(Some(conflict_message(&err)));
                        } else if fields.is_empty() {
                            general_error.set(Some(err.message.clone()));
                        } else {
                            general_error.set(Some(t::FIELDS_NEED_ATTENTION.get(lang).to_owned()));
                        }
                        server_errors.set(fields);
                    }
                }
            });
        }
    };

    let on_delete = move |id: uuid::Uuid| {
        spawn(async move {
            busy_entry.set(Some(id));
            let result = api::delete_entry(id).await;
            busy_entry.set(None);
            match result {
                Ok(()) => {
                    notice.set(Some((true, t::ENTRY_DELETED.get(lang).to_owned())));
                    reload += 1;
                }
                Err(err) => {
                    handle_auth(&err);
                    let msg = if err.is_conflict() { conflict_message(&err) } else { err.message };
                    notice.set(Some((false, msg)));
                }
            }
        });
    };

    let mut open_form = move |mode: FormMode| {
        server_errors.set(FieldMessages::new());
        general_error.set(None);
        notice.set(None);
        form.set(Some(mode));
    };

    let form_el = form().map(|mode| {
        let (key, initial) = match &mode {
            FormMode::Add => ("new".to_owned(), EquipmentDraft::new("scientific")),
            FormMode::Edit(e) => (e.entry_id.to_string(), EquipmentDraft::from_entry(e)),
        };
        rsx! {
            EntryForm {
                key: "{key}",
                initial,
                editing: matches!(mode, FormMode::Edit(_)),
                submitting: submitting(),
                server_errors: server_errors(),
                general_error: general_error(),
                on_submit: on_submit.clone(),
                on_cancel: move |_| form.set(None),
            }
        }
    });

    let entries_now = entries.read().clone();
    let module_kg = match &entries_now {
        Some(Ok(p)) => Some(p.module_kg_co2eq),
        _ => None,
    };

    rsx! {
        section {
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::module_of_8(lang, 4)} · {t::unit_report(lang, &unit, year)}" }
                    h1 { class: "page-title", "{crate::model::MODULES[3].label.get(lang)}" }
                    p { class: "lead", "{t::EQUIPMENT_LEAD.get(lang)}" }
                }
                if let Some(s) = status {
                    StatusBadge { status: s }
                }
            }
            div { class: "summary",
                div { class: "summary-item",
                    span { class: "summary-label", "{t::MODULE_TOTAL.get(lang)}" }
                    span { class: "summary-value",
                        span { "data-testid": "module-total",
                            {module_kg.map_or_else(|| "…".to_owned(), |kg| tonnes_in(lang, kg))}
                        }
                        span { class: "summary-unit", " t CO₂e" }
                    }
                    if let Some(kg) = module_kg {
                        span { class: "muted small", "data-testid": "module-total-kg", "{format_kg(kg)} kg CO₂e" }
                    }
                }
                div { class: "summary-item",
                    span { class: "summary-label", "{t::ENTRIES.get(lang)}" }
                    span { class: "summary-value", "data-testid": "entry-total",
                        {match &entries_now {
                            Some(Ok(p)) => p.total.to_string(),
                            _ => "…".to_owned(),
                        }}
                    }
                }
            }
            if validated {
                div { class: "panel panel-notice", role: "note", "data-testid": "module-validated",
                    p { "{t::MODULE_READ_ONLY.get(lang)}" }
                }
            } else if !can_edit {
                div { class: "panel panel-notice", role: "note",
                    p { "{t::VIEW_ONLY_ROLE.get(lang)}" }
                }
            }
            if let Some((ok, msg)) = notice() {
                p {
                    class: if ok { "notice notice-ok" } else { "notice notice-error" },
                    role: if ok { "status" } else { "alert" },
                    "data-testid": "notice",
                    "{msg}"
                }
            }
            UploadPanel {
                unit: unit.clone(),
                year,
                module: "equipment",
                can_upload: editable,
                on_done: move |_| {
                    page.set(1);
                    reload += 1;
                },
            }
            div { class: "toolbar",
                h2 { class: "section-title", "Entries" }
                if editable && form().is_none() {
                    button {
                        class: "btn btn-primary",
                        r#type: "button",
                        "data-testid": "add-entry",
                        onclick: move |_| open_form(FormMode::Add),
                        "{t::ADD_EQUIPMENT.get(lang)}"
                    }
                }
            }
            {form_el}
            {match entries_now {
                None => rsx! { Loading { label: t::LOADING_ENTRIES.get(lang) } },
                Some(Err(err)) => rsx! {
                    ErrorPanel {
                        title: t::ENTRIES_NOT_LOADED.get(lang),
                        message: err.message,
                        on_retry: move |_| reload += 1,
                    }
                },
                Some(Ok(p)) => {
                    let pages = page_count(p.total, p.per_page.max(1));
                    let current = p.page.max(1);
                    rsx! {
                        EntriesTable {
                            entries: p.items.clone(),
                            can_edit: editable,
                            busy: busy_entry(),
                            on_edit: move |e| open_form(FormMode::Edit(e)),
                            on_delete: on_delete,
                        }
                        if pages > 1 {
                            nav { class: "pagination", aria_label: t::ENTRY_PAGES.get(lang), "data-testid": "pagination",
                                button {
                                    class: "btn btn-ghost btn-small",
                                    r#type: "button",
                                    disabled: current <= 1,
                                    onclick: move |_| page.set(current.saturating_sub(1).max(1)),
                                    "{t::PREVIOUS.get(lang)}"
                                }
                                span { class: "muted", "{t::page_of(lang, current, pages, p.total)}" }
                                button {
                                    class: "btn btn-ghost btn-small",
                                    r#type: "button",
                                    disabled: current >= pages,
                                    onclick: move |_| page.set(current + 1),
                                    "{t::NEXT.get(lang)}"
                                }
                            }
                        }
                    }
                }
            }}
        }
    }
}

/// The message of a 409: the module (or year) does not take changes now.
fn conflict_message(err: &ApiError) -> String {
    format!("{} This module is validated or its year is closed; a team manager can reopen it.", err.message)
}
