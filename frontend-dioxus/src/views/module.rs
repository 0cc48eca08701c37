//! `/units/:unit/years/:year/modules/:module`: a module's page — status and totals, its entries
//! (filtered by type and text, sorted, paginated; above-threshold rows marked), the add / edit
//! form (equipment's own, or the form of `entry_forms`), and the CSV/XLSX upload. Read-only when
//! validated; members see only the modules whose own rows they fill.

use co2_api_types::{EntryInput, EntryView, ModuleStatus};
use dioxus::prelude::*;

use super::module_charts::ModuleCharts;
use crate::api::{self, ApiError, EntryQuery};
use crate::components::{
    Column, EntriesTable, EntryForm, ErrorPanel, Loading, ModuleEntryForm, StatusBadge, UploadPanel, boundary_fallback,
};
use crate::entry_forms::{Draft, Input, forms_of, table_fields};
use crate::i18n::use_i18n;
use crate::model::{EquipmentDraft, FieldMessages, format_kg, module_info, page_count, tonnes_in};
use crate::routes::Route;
use crate::session::use_session;
use crate::text as t;

/// Entries shown per page, until the reader picks another of [`PAGE_SIZES`].
const PER_PAGE: u32 = 50;

/// The page sizes offered (the API's largest page is 500).
const PAGE_SIZES: [u32; 4] = [25, 50, 100, 500];

/// A module page (the router refuses keys that name no module).
#[component]
pub fn EquipmentOrModule(unit: String, year: i32, module: co2_domain::Module) -> Element {
    let lang = use_i18n().lang();
    let key = module.key();
    let label = module_info(key).map_or(key, |i| i.label.get(lang));
    rsx! {
        div { class: "page",
            nav { class: "breadcrumb", aria_label: t::BREADCRUMB.get(lang),
                Link { to: Route::Report { unit: unit.clone(), year }, "{t::unit_report(lang, &unit, year)}" }
                span { "aria-hidden": "true", " / " }
                span { aria_current: "page", "{label}" }
                span { class: "breadcrumb-aside",
                    Link { "data-testid": "module-methodology", to: Route::ModuleMethodology { module: key.to_owned() },
                        "{t::HOW_THIS_MODULE_IS_COMPUTED.get(lang)}" }
                }
            }
            ErrorBoundary { key: "{unit}-{year}-{key}", handle_error: boundary_fallback,
                ModulePage { unit: unit.clone(), year, module: key.to_owned() }
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

/// The table's columns for a module.
fn columns_of(lang: crate::i18n::Lang, module: &str) -> Vec<Column> {
    if module == "equipment" {
        return vec![
            Column::new("equipment_id", t::COL_INVENTORY_ID.get(lang)).mono(),
            Column::new("name", t::COL_NAME.get(lang)),
            Column::new("entry_type", t::CATEGORY.get(lang)),
            Column::new("equipment_class", t::COL_CLASS.get(lang)),
            Column::new("sub_class", t::COL_SUB_CLASS.get(lang)),
            Column::new("active_usage_hours_per_week", t::COL_ACTIVE.get(lang))
                .numeric()
                .abbr(t::COL_ACTIVE_LONG.get(lang)),
            Column::new("standby_usage_hours_per_week", t::COL_STANDBY.get(lang))
                .numeric()
                .abbr(t::COL_STANDBY_LONG.get(lang)),
        ];
    }
    let mut out = Vec::new();
    if forms_of(module).len() > 1 {
        out.push(Column::new("entry_type", t::ENTRY_TYPE.get(lang)));
    }
    for f in table_fields(module) {
        let numeric = matches!(f.input, Input::Decimal { .. } | Input::Integer { .. });
        let column = Column::new(f.name, f.label.get(lang));
        out.push(if numeric { column.numeric() } else { column });
    }
    out
}

/// The entry types a module's list can be narrowed to.
fn type_filters(lang: crate::i18n::Lang, module: &str) -> Vec<(&'static str, String)> {
    if module == "equipment" {
        return crate::model::EQUIPMENT_TYPES.iter().map(|(k, l)| (*k, l.get(lang).to_owned())).collect();
    }
    forms_of(module).iter().map(|f| (f.entry_type, f.label.get(lang).to_owned())).collect()
}

/// A module: totals, entries with filters, add / edit form, upload.
#[component]
fn ModulePage(unit: String, year: i32, module: String) -> Element {
    let session = use_session();
    let lang = use_i18n().lang();
    let info = module_info(&module);
    let (can_edit, own_rows_only, can_upload, can_manage) = session.with_permissions(|p| {
        (p.can_edit_module(&unit, &module), !p.can_edit(&unit), p.can_edit(&unit), p.can_manage(&unit))
    });
    let mut status_failure = use_signal(|| None::<String>);
    let mut status_busy = use_signal(|| false);
    let mut query = use_signal(|| EntryQuery { page: 1, per_page: PER_PAGE, ..EntryQuery::default() });
    let mut search = use_signal(String::new);
    let mut reload = use_signal(|| 0_u32);
    let mut form = use_signal(|| None::<FormMode>);
    let mut server_errors = use_signal(FieldMessages::new);
    let mut general_error = use_signal(|| None::<String>);
    let mut submitting = use_signal(|| false);
    let mut busy_entry = use_signal(|| None::<uuid::Uuid>);
    let mut notice = use_signal(|| None::<(bool, String)>);

    let entries = use_resource(use_reactive!(|unit, year, module, can_edit| {
        let q = query();
        let _ = reload();
        async move { if can_edit { api::list_entries(&unit, year, &module, &q).await.map(Some) } else { Ok(None) } }
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

    let module_view = match &*report.read() {
        Some(Ok(r)) => r.modules.iter().find(|m| m.module == module).cloned(),
        _ => None,
    };
    let principals: Vec<String> = match &*report.read() {
        Some(Ok(r)) => r.principals.clone(),
        _ => Vec::new(),
    };
    let status = module_view.as_ref().map(|m| m.status);
    let validated = status == Some(ModuleStatus::Validated);
    let collected = module_view.as_ref().is_none_or(|m| m.enabled);
    let disabled_types: Vec<String> = module_view.as_ref().map(|m| m.disabled_entry_types.clone()).unwrap_or_default();
    let editable = can_edit && !validated && collected;

    let handle_auth = move |err: &ApiError| {
        if err.is_unauthorized() {
            session.clear();
        }
    };

    let on_submit = {
        let (unit, module) = (unit.clone(), module.clone());
        move |input: EntryInput| {
            let (unit, module) = (unit.clone(), module.clone());
            let mode = form();
            spawn(async move {
                submitting.set(true);
                general_error.set(None);
                server_errors.set(FieldMessages::new());
                let result = match &mode {
                    Some(FormMode::Edit(entry)) => api::update_entry(entry.entry_id, &input).await,
                    _ => api::create_entry(&unit, year, &module, &input).await,
                };
                submitting.set(false);
                match result {
                    Ok(saved) => {
                        let edited = matches!(mode, Some(FormMode::Edit(_)));
                        let name = Some(crate::model::data_text(&saved.data, "name"))
                            .filter(|n| !n.is_empty())
                            .unwrap_or_else(|| crate::entry_forms::type_label(lang, &saved.entry_type));
                        notice.set(Some((true, t::entry_done(lang, &name, edited))));
                        form.set(None);
                        reload += 1;
                    }
                    Err(err) => {
                        handle_auth(&err);
                        let fields = err.field_errors_in(lang);
                        if err.is_conflict() {
                            general_error.set(Some(conflict_message(lang, &err)));
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
                    let msg = if err.is_conflict() { conflict_message(lang, &err) } else { err.message };
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
        let editing = matches!(mode, FormMode::Edit(_));
        let key = match &mode {
            FormMode::Add => "new".to_owned(),
            FormMode::Edit(e) => e.entry_id.to_string(),
        };
        if module == "equipment" {
            let initial = match &mode {
                FormMode::Add => EquipmentDraft::new(
                    crate::model::EQUIPMENT_TYPES
                        .iter()
                        .map(|(k, _)| *k)
                        .find(|k| !disabled_types.iter().any(|d| d == k))
                        .unwrap_or("scientific"),
                ),
                FormMode::Edit(e) => EquipmentDraft::from_entry(e),
            };
            let on_submit = on_submit.clone();
            rsx! {
                EntryForm {
                    key: "{key}",
                    year,
                    initial,
                    disabled_types: disabled_types.clone(),
                    editing,
                    submitting: submitting(),
                    server_errors: server_errors(),
                    general_error: general_error(),
                    on_submit: move |draft: EquipmentDraft| on_submit(draft.to_input()),
                    on_cancel: move |_| form.set(None),
                }
            }
        } else {
            let initial = match &mode {
                FormMode::Add => {
                    // A new entry of the type the list is narrowed to, else the module's first.
                    let wanted = query.read().entry_type.clone();
                    let offered: Vec<_> = forms_of(&module)
                        .iter()
                        .filter(|f| !disabled_types.iter().any(|d| d == f.entry_type))
                        .collect();
                    offered.iter().find(|f| f.entry_type == wanted).or(offered.first()).map(|f| Draft::new(f))
                }
                FormMode::Edit(e) => Some(Draft::from_entry(e)),
            };
            initial
                .map(|initial| {
                    rsx! {
                        ModuleEntryForm {
                            key: "{key}",
                            unit: unit.clone(),
                            year,
                            module: module.clone(),
                            initial,
                            editing,
                            submitting: submitting(),
                            own_rows_only,
                    disabled_types: disabled_types.clone(),
                            server_errors: server_errors(),
                            general_error: general_error(),
                            on_submit: on_submit.clone(),
                            on_cancel: move |_| form.set(None),
                        }
                    }
                })
                .unwrap_or_else(|| rsx! {})
        }
    });

    // An edit opens under its row; a new entry's form opens above the table.
    let editing_id = match form() {
        Some(FormMode::Edit(e)) => Some(e.entry_id),
        _ => None,
    };
    let (form_above, form_inline) = match (editing_id, form_el) {
        (Some(id), Some(el)) => (None, Some((id, el))),
        (_, el) => (el, None),
    };
    let entries_now = entries.read().clone();
    let module_kg = match &entries_now {
        Some(Ok(Some(p))) => Some(p.module_kg_co2eq),
        _ => module_view.as_ref().map(|m| m.kg_co2eq),
    };
    let label = info.map_or(module.as_str(), |i| i.label.get(lang));
    let lead =
        if module == "equipment" { t::EQUIPMENT_LEAD.get(lang) } else { info.map_or("", |i| i.summary.get(lang)) };
    let add_label = if module == "equipment" { t::ADD_EQUIPMENT.get(lang) } else { t::ADD_ENTRY.get(lang) };
    let columns = columns_of(lang, &module);
    let types = type_filters(lang, &module);

    rsx! {
        section {
            div { class: "page-head",
                div {
                    p { class: "eyebrow", "{t::module_of_8(lang, info.map_or(0, |i| i.position))} · {t::unit_report(lang, &unit, year)}" }
                    h1 { class: "page-title", "{label}" }
                    p { class: "lead", "{lead}" }
                }
                div { class: "page-actions",
                    if let Some(s) = status {
                        StatusBadge { status: s }
                    }
                    // Validating or reopening the module, here as on the team manager's page.
                    if can_manage && collected {
                        if let Some(s) = status {
                            {
                                let next = if s == ModuleStatus::Validated { ModuleStatus::InProgress } else { ModuleStatus::Validated };
                                let (label, testid) = if next == ModuleStatus::Validated {
                                    (t::VALIDATE.get(lang), "module-validate")
                                } else {
                                    (t::REOPEN.get(lang), "module-reopen")
                                };
                                let (unit, module) = (unit.clone(), module.clone());
                                rsx! {
                                    button { class: "btn btn-secondary", r#type: "button", "data-testid": testid,
                                        disabled: status_busy(),
                                        onclick: move |_| {
                                            let (unit, module) = (unit.clone(), module.clone());
                                            status_busy.set(true);
                                            status_failure.set(None);
                                            spawn(async move {
                                                match api::set_module_status(&unit, year, &module, next).await {
                                                    Ok(_) => reload += 1,
                                                    Err(err) => status_failure.set(Some(err.message)),
                                                }
                                                status_busy.set(false);
                                            });
                                        },
                                        "{label}"
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(message) = status_failure() {
                p { class: "notice notice-error", role: "alert", "data-testid": "module-status-error", "{message}" }
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
                        {match (&entries_now, &module_view) {
                            (Some(Ok(Some(p))), _) => p.total.to_string(),
                            (_, Some(m)) => m.entry_count.to_string(),
                            _ => "…".to_owned(),
                        }}
                    }
                }
            }
            ModuleCharts { unit: unit.clone(), year, module: module.clone(), reload: reload() }
            if !collected {
                div { class: "panel panel-notice", role: "note", "data-testid": "module-not-collected",
                    p { "{t::MODULE_NOT_COLLECTED.get(lang)}" }
                }
            } else if validated {
                div { class: "panel panel-notice", role: "note", "data-testid": "module-validated",
                    p { "{t::MODULE_READ_ONLY.get(lang)}" }
                    if !can_manage {
                        ChangeRequest { unit: unit.clone(), year, module: module.clone(), principals: principals.clone() }
                    }
                }
            } else if !can_edit {
                div { class: "panel panel-notice", role: "note", "data-testid": "view-only",
                    p { "{t::VIEW_ONLY_ROLE.get(lang)}" }
                }
            }
            if collected && !disabled_types.is_empty() {
                p { class: "notice", role: "note", "data-testid": "types-not-collected",
                    "{t::types_not_collected(lang, &disabled_types.iter().map(|d| crate::entry_forms::type_label(lang, d)).collect::<Vec<_>>().join(\", \"))}"
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
            if can_upload {
                UploadPanel {
                    unit: unit.clone(),
                    year,
                    module: module.clone(),
                    can_upload: editable,
                    on_done: move |_| {
                        query.write().page = 1;
                        reload += 1;
                    },
                }
            }
            if can_edit {
                div { class: "toolbar",
                    h2 { class: "section-title", "{t::ENTRIES.get(lang)}" }
                    if editable && form().is_none() {
                        button {
                            class: "btn btn-primary",
                            r#type: "button",
                            "data-testid": "add-entry",
                            onclick: move |_| open_form(FormMode::Add),
                            "{add_label}"
                        }
                    }
                }
                {form_above}
                form { class: "filters", role: "search", "data-testid": "entry-filters",
                    onsubmit: move |evt: FormEvent| {
                        evt.prevent_default();
                        let mut q = query.write();
                        q.q = search();
                        q.page = 1;
                    },
                    if types.len() > 1 {
                        label { class: "field inline",
                            span { class: "field-label", "{t::ENTRY_TYPE.get(lang)}" }
                            select { "data-testid": "filter-type",
                                onchange: move |e| {
                                    let mut q = query.write();
                                    q.entry_type = e.value();
                                    q.page = 1;
                                },
                                option { value: "", "{t::ALL_TYPES.get(lang)}" }
                                for (key, label) in types.iter().cloned() {
                                    option { key: "{key}", value: key, selected: query.read().entry_type == key, "{label}" }
                                }
                            }
                        }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{t::SEARCH_ENTRIES.get(lang)}" }
                        input { r#type: "search", "data-testid": "filter-q", value: "{search}",
                            oninput: move |e| search.set(e.value()) }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{t::SORT_BY.get(lang)}" }
                        select { "data-testid": "filter-sort",
                            onchange: move |e| {
                                let mut q = query.write();
                                q.sort = e.value();
                                q.page = 1;
                            },
                            for (key, text) in [("", t::SORT_FILE), ("-created_at", t::SORT_NEWEST), ("name", t::SORT_NAME), ("-kg_co2eq", t::SORT_KG_DESC)] {
                                option { key: "{key}", value: key, selected: query.read().sort == key, "{text.get(lang)}" }
                            }
                        }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{t::PER_PAGE.get(lang)}" }
                        select { "data-testid": "filter-per-page",
                            onchange: move |e| {
                                let mut q = query.write();
                                q.per_page = e.value().parse().unwrap_or(PER_PAGE);
                                q.page = 1;
                            },
                            for size in PAGE_SIZES {
                                option { key: "{size}", value: "{size}", selected: query.read().per_page == size, "{size}" }
                            }
                        }
                    }
                    button { class: "btn btn-secondary", r#type: "submit", "{t::SEARCH_ENTRIES.get(lang)}" }
                }
                {match entries_now {
                    None => rsx! { Loading { label: t::LOADING_ENTRIES.get(lang) } },
                    Some(Err(err)) => rsx! {
                        ErrorPanel {
                            title: t::ENTRIES_NOT_LOADED.get(lang),
                            message: err.message,
                            on_retry: move |_| reload += 1,
                        }
                    },
                    Some(Ok(None)) => rsx! {},
                    Some(Ok(Some(p))) => {
                        let pages = page_count(p.total, p.per_page.max(1));
                        let current = p.page.max(1);
                        rsx! {
                            EntriesTable {
                                entries: p.items.clone(),
                                columns: columns.clone(),
                                caption: t::entries_of(lang, label),
                                empty: t::NO_ENTRY.get(lang).to_owned(),
                                can_edit: editable,
                                busy: busy_entry(),
                                editing: form_inline.clone(),
                                on_edit: move |e| open_form(FormMode::Edit(e)),
                                on_delete: on_delete,
                            }
                            if pages > 1 {
                                nav { class: "pagination", aria_label: t::ENTRY_PAGES.get(lang), "data-testid": "pagination",
                                    button {
                                        class: "btn btn-ghost btn-small",
                                        r#type: "button",
                                        disabled: current <= 1,
                                        onclick: move |_| query.write().page = current.saturating_sub(1).max(1),
                                        "{t::PREVIOUS.get(lang)}"
                                    }
                                    span { class: "muted", "{t::page_of(lang, current, pages, p.total)}" }
                                    button {
                                        class: "btn btn-ghost btn-small",
                                        r#type: "button",
                                        disabled: current >= pages,
                                        onclick: move |_| query.write().page = current + 1,
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
}

/// The message of a 409: the module (or year) does not take changes now.
fn conflict_message(lang: crate::i18n::Lang, err: &ApiError) -> String {
    let why = match err.code.as_str() {
        "module_validated" => t::CONFLICT_VALIDATED,
        "year_closed" => t::CONFLICT_YEAR_CLOSED,
        "module_disabled" => t::CONFLICT_NOT_COLLECTED,
        _ => return err.message.clone(),
    };
    why.get(lang).to_owned()
}

/// Whom to ask and the request itself, for a member on a validated module.
#[component]
fn ChangeRequest(unit: String, year: i32, module: String, principals: Vec<String>) -> Element {
    let lang = use_i18n().lang();
    let mut open = use_signal(|| false);
    let mut message = use_signal(String::new);
    let mut sending = use_signal(|| false);
    let mut outcome = use_signal(|| None::<Result<Vec<String>, String>>);
    let send = move |evt: FormEvent| {
        evt.prevent_default();
        let (unit, module, text) = (unit.clone(), module.clone(), message());
        sending.set(true);
        spawn(async move {
            let result = api::request_change(&unit, year, &module, &text).await;
            sending.set(false);
            match result {
                Ok(view) => {
                    outcome.set(Some(Ok(view.notified)));
                    open.set(false);
                    message.set(String::new());
                }
                Err(err) => outcome.set(Some(Err(err.message))),
            }
        });
    };
    rsx! {
        if !principals.is_empty() {
            p { "data-testid": "unit-heads", "{t::unit_heads(lang, &principals.join(\", \"))}" }
        }
        match outcome() {
            Some(Ok(notified)) => rsx! {
                p { class: "notice notice-ok", role: "status", "data-testid": "change-request-sent",
                    "{t::change_request_sent(lang, &notified.join(\", \"))}" }
            },
            Some(Err(message)) => rsx! { p { class: "notice notice-error", role: "alert", "{message}" } },
            None => rsx! {},
        }
        if open() {
            form { class: "change-request", "data-testid": "change-request-form", onsubmit: send,
                label { class: "field",
                    span { class: "field-label", "{t::CHANGE_REQUEST_WHAT.get(lang)}" }
                    textarea { "data-testid": "change-request-message", rows: "3", maxlength: "2000", required: true,
                        value: "{message}", oninput: move |e| message.set(e.value()) }
                }
                div { class: "form-actions",
                    button { class: "btn btn-primary", r#type: "submit", "data-testid": "change-request-send",
                        disabled: sending() || message().trim().is_empty(), "{t::CHANGE_REQUEST_SEND.get(lang)}" }
                    button { class: "btn btn-ghost", r#type: "button", onclick: move |_| open.set(false), "{t::CANCEL.get(lang)}" }
                }
            }
        } else {
            button { class: "btn btn-secondary", r#type: "button", "data-testid": "request-change",
                onclick: move |_| { open.set(true); outcome.set(None); }, "{t::REQUEST_CHANGE.get(lang)}" }
        }
    }
}
