//! Add / edit form of an equipment entry (DOMAIN §2.1, DETs 10–12): the class and sub-class are
//! picked from the year's equipment factors of the chosen category, whose usual weekly hours are
//! shown as the default. Shows the browser-side checks of `EquipmentDraft::validate` and the
//! server's 422 field messages next to their fields.

use dioxus::prelude::*;

use crate::api;
use crate::i18n::use_i18n;
use crate::model::{EQUIPMENT_FIELDS, EQUIPMENT_TYPES, EquipmentDraft, FieldMessages};
use crate::text as t;

/// The form. Give it a `key` per edited entry so it starts from that entry's values.
#[component]
pub fn EntryForm(
    year: i32,
    initial: EquipmentDraft,
    /// Categories not collected this year: not offered.
    #[props(default)]
    disabled_types: Vec<String>,
    editing: bool,
    submitting: bool,
    /// Field messages from the server's last 422.
    server_errors: FieldMessages,
    /// A message not tied to one field (409 on a validated module, network…).
    general_error: Option<String>,
    on_submit: EventHandler<EquipmentDraft>,
    on_cancel: EventHandler<()>,
) -> Element {
    let mut draft = use_signal(|| initial.clone());
    let mut local_errors = use_signal(FieldMessages::new);
    // The year's classes of the chosen category, with their usual hours.
    let category = draft.read().entry_type.clone();
    let classes = use_resource(use_reactive!(|year, category| async move {
        api::factor_choices(year, &format!("entry_type={category}"), "").await.unwrap_or_default()
    }));
    let class_list: Vec<(String, String, Option<f64>, Option<f64>)> = classes
        .read()
        .iter()
        .flatten()
        .filter_map(|c| {
            let class = c.classification.get("equipment_class")?.as_str()?.to_owned();
            let sub = c.classification.get("sub_class").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let hours = |k: &str| c.values.get(k).and_then(|v| v.as_f64());
            Some((class, sub, hours("active_usage_hours_per_week"), hours("standby_usage_hours_per_week")))
        })
        .collect();
    let chosen_class = draft.read().equipment_class.clone();
    let chosen_sub = draft.read().sub_class.clone();
    let mut class_names: Vec<String> = class_list.iter().map(|c| c.0.clone()).collect();
    class_names.sort();
    class_names.dedup();
    let sub_names: Vec<String> =
        class_list.iter().filter(|c| c.0 == chosen_class && !c.1.is_empty()).map(|c| c.1.clone()).collect();
    // The class's usual hours: its sub-class's when one is chosen, else the class's own row.
    let usual = class_list
        .iter()
        .find(|c| c.0 == chosen_class && c.1 == chosen_sub)
        .or_else(|| class_list.iter().find(|c| c.0 == chosen_class && c.1.is_empty()));

    let server_for_fields = server_errors.clone();
    let errors_for = move |field: &str| -> Vec<String> {
        let mut all = local_errors.read().get(field).cloned().unwrap_or_default();
        if let Some(server) = server_for_fields.get(field) {
            all.extend(server.iter().cloned());
        }
        all
    };
    let other_server_errors = unplaced_errors(&server_errors, |f| EQUIPMENT_FIELDS.contains(&f));

    let lang = use_i18n().lang();
    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        let current = draft();
        let problems = current.validate(lang);
        let ok = problems.is_empty();
        local_errors.set(problems);
        if ok {
            on_submit.call(current);
        }
    };

    let title = if editing { t::EDIT_EQUIPMENT.get(lang) } else { t::ADD_EQUIPMENT.get(lang) };
    rsx! {
        form { class: "panel entry-form", "data-testid": "entry-form", novalidate: true, onsubmit: submit,
            FormHead { title, general_error, others: other_server_errors }
            div { class: "form-grid",
                FieldShell { id: "f-entry-type", label: t::CATEGORY.get(lang), required: true, errors: errors_for("entry_type"),
                    select {
                        id: "f-entry-type",
                        name: "entry_type",
                        "data-testid": "field-entry_type",
                        aria_invalid: !errors_for("entry_type").is_empty(),
                        aria_describedby: "f-entry-type-err",
                        onchange: move |e| draft.write().entry_type = e.value(),
                        for (key, label) in EQUIPMENT_TYPES.into_iter().filter(|(k, _)| editing || !disabled_types.iter().any(|d| d == k)) {
                            option { value: key, selected: draft.read().entry_type == key, "{label.get(lang)}" }
                        }
                    }
                }
                TextField { id: "f-equipment-id", field: "equipment_id", label: t::COL_INVENTORY_ID.get(lang), required: true,
                    value: draft.read().equipment_id.clone(), errors: errors_for("equipment_id"),
                    on_input: move |v| draft.write().equipment_id = v }
                TextField { id: "f-name", field: "name", label: t::COL_NAME.get(lang), required: true,
                    value: draft.read().name.clone(), errors: errors_for("name"),
                    on_input: move |v| draft.write().name = v }
                TextField { id: "f-class", field: "equipment_class", label: t::COL_CLASS.get(lang), required: true,
                    hint: t::HINT_CLASS.get(lang), options: class_names,
                    value: draft.read().equipment_class.clone(), errors: errors_for("equipment_class"),
                    on_input: move |v| draft.write().equipment_class = v }
                TextField { id: "f-sub-class", field: "sub_class", label: t::COL_SUB_CLASS.get(lang), options: sub_names,
                    value: draft.read().sub_class.clone(), errors: errors_for("sub_class"),
                    on_input: move |v| draft.write().sub_class = v }
                TextField { id: "f-active", field: "active_usage_hours_per_week", label: t::COL_ACTIVE_LONG.get(lang),
                    numeric: true, hint: t::HINT_ACTIVE.get(lang),
                    placeholder: usual.and_then(|u| u.2).map(|h| t::usual_hours(lang, h)),
                    value: draft.read().active_usage_hours_per_week.clone(), errors: errors_for("active_usage_hours_per_week"),
                    on_input: move |v| draft.write().active_usage_hours_per_week = v }
                TextField { id: "f-standby", field: "standby_usage_hours_per_week", label: t::COL_STANDBY_LONG.get(lang),
                    numeric: true, hint: t::HINT_STANDBY.get(lang),
                    placeholder: usual.and_then(|u| u.3).map(|h| t::usual_hours(lang, h)),
                    value: draft.read().standby_usage_hours_per_week.clone(), errors: errors_for("standby_usage_hours_per_week"),
                    on_input: move |v| draft.write().standby_usage_hours_per_week = v }
                TextField { id: "f-note", field: "note", label: t::NOTE.get(lang), wide: true,
                    value: draft.read().note.clone(), errors: errors_for("note"),
                    on_input: move |v| draft.write().note = v }
            }
            div { class: "form-actions",
                button { class: "btn btn-primary", r#type: "submit", "data-testid": "entry-submit", disabled: submitting,
                    if submitting { "{t::SAVING.get(lang)}" } else if editing { "{t::SAVE_CHANGES.get(lang)}" } else { "{t::ADD_EQUIPMENT.get(lang)}" }
                }
                button { class: "btn btn-ghost", r#type: "button", onclick: move |_| on_cancel.call(()), "{t::CANCEL.get(lang)}" }
            }
        }
    }
}

/// Server messages for fields a form does not show (e.g. `data`), which still need a place:
/// `field: message` for every field `shown` does not claim (the entry type is always shown).
pub(crate) fn unplaced_errors(server: &FieldMessages, shown: impl Fn(&str) -> bool) -> Vec<String> {
    server
        .iter()
        .filter(|(k, _)| k.as_str() != "entry_type" && !shown(k.as_str()))
        .flat_map(|(k, msgs)| msgs.iter().map(move |m| format!("{k}: {m}")))
        .collect()
}

/// A form's title, its message not tied to a field, and the messages of fields it does not show.
#[component]
pub(crate) fn FormHead(title: String, general_error: Option<String>, others: Vec<String>) -> Element {
    rsx! {
        h2 { class: "panel-title", "{title}" }
        if let Some(msg) = general_error {
            p { class: "form-error", role: "alert", "data-testid": "form-error", "{msg}" }
        }
        for msg in others {
            p { class: "form-error", role: "alert", "{msg}" }
        }
    }
}

/// Label, control slot, hint and error list of one field.
#[component]
pub(crate) fn FieldShell(
    id: String,
    label: String,
    #[props(default)] required: bool,
    #[props(default)] hint: Option<String>,
    #[props(default)] wide: bool,
    errors: Vec<String>,
    children: Element,
) -> Element {
    let lang = use_i18n().lang();
    rsx! {
        div { class: if wide { "field field-wide" } else { "field" },
            label { class: "field-label", r#for: "{id}",
                "{label}"
                if required {
                    span { class: "required", aria_hidden: "true", " *" }
                    span { class: "visually-hidden", "{t::REQUIRED.get(lang)}" }
                }
            }
            {children}
            if let Some(h) = hint {
                p { class: "field-hint", id: "{id}-hint", "{h}" }
            }
            div { id: "{id}-err", "aria-live": "polite",
                for msg in errors {
                    p { class: "field-error", "{msg}" }
                }
            }
        }
    }
}

/// A text input inside a [`FieldShell`].
#[component]
fn TextField(
    id: String,
    field: String,
    label: String,
    value: String,
    errors: Vec<String>,
    on_input: EventHandler<String>,
    #[props(default)] required: bool,
    #[props(default)] numeric: bool,
    #[props(default)] wide: bool,
    #[props(default)] hint: Option<String>,
    /// Suggestions (a datalist).
    #[props(default)]
    options: Vec<String>,
    #[props(default)] placeholder: Option<String>,
) -> Element {
    let invalid = !errors.is_empty();
    let list_id = format!("{id}-list");
    let described = if hint.is_some() { format!("{id}-hint {id}-err") } else { format!("{id}-err") };
    rsx! {
        FieldShell { id: id.clone(), label, required, hint, wide, errors,
            input {
                id: "{id}",
                name: "{field}",
                "data-testid": "field-{field}",
                r#type: "text",
                inputmode: if numeric { "numeric" } else { "text" },
                autocomplete: "off",
                list: if options.is_empty() { None } else { Some(list_id.clone()) },
                placeholder,
                value: "{value}",
                aria_invalid: invalid,
                aria_required: required,
                aria_describedby: "{described}",
                oninput: move |e| on_input.call(e.value()),
            }
            if !options.is_empty() {
                datalist { id: "{list_id}", "data-testid": "options-{field}",
                    for o in options.iter() {
                        option { key: "{o}", value: "{o}" }
                    }
                }
            }
        }
    }
}
