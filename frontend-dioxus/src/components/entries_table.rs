//! The entries of a module page, one column per shown field, with their kg (above-threshold
//! rows marked; a click opens "why this number" under the row) and edit and (confirmed) delete
//! actions.

use co2_api_types::EntryView;
use dioxus::prelude::*;

use crate::components::why_panel::WhyPanel;
use crate::i18n::use_i18n;
use crate::model::{data_text, format_kg, in_lang};
use crate::text as t;

/// A column of the table: an entry field, or the entry's type (`field` = `entry_type`).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub field: &'static str,
    pub label: String,
    /// A longer label for assistive technology.
    pub abbr: Option<String>,
    pub numeric: bool,
    pub mono: bool,
}

impl Column {
    pub fn new(field: &'static str, label: &str) -> Self {
        Column { field, label: label.to_owned(), abbr: None, numeric: false, mono: false }
    }
    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }
    pub fn mono(mut self) -> Self {
        self.mono = true;
        self
    }
    pub fn abbr(mut self, long: &str) -> Self {
        self.abbr = Some(long.to_owned());
        self
    }
}

/// Table of a module's entries. Deleting asks for confirmation in the row itself.
#[component]
pub fn EntriesTable(
    entries: Vec<EntryView>,
    columns: Vec<Column>,
    /// The caption, for assistive technology.
    caption: String,
    /// What an empty table says.
    empty: String,
    can_edit: bool,
    on_edit: EventHandler<EntryView>,
    on_delete: EventHandler<uuid::Uuid>,
    #[props(default)] busy: Option<uuid::Uuid>,
    /// An entry being edited in place: its form, shown under its row.
    #[props(default)]
    editing: Option<(uuid::Uuid, Element)>,
) -> Element {
    let span = columns.len() + 1 + usize::from(can_edit);
    let mut confirming = use_signal(|| None::<uuid::Uuid>);
    let mut explaining = use_signal(|| None::<uuid::Uuid>);
    let lang = use_i18n().lang();
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "entries-table",
                caption { class: "visually-hidden", "{caption}" }
                thead {
                    tr {
                        for c in columns.iter() {
                            th { key: "{c.field}", scope: "col", class: if c.numeric { "num" }, abbr: c.abbr.clone(), "{c.label}" }
                        }
                        th { scope: "col", class: "num", "kg CO₂e" }
                        if can_edit {
                            th { scope: "col", class: "actions", "{t::ACTIONS.get(lang)}" }
                        }
                    }
                }
                tbody {
                    if entries.is_empty() {
                        tr {
                            td { class: "empty", colspan: "{span}", "{empty}" }
                        }
                    }
                    for entry in entries {
                        EntryRow {
                            key: "{entry.entry_id}",
                            entry: entry.clone(),
                            columns: columns.clone(),
                            can_edit,
                            confirming: confirming() == Some(entry.entry_id),
                            explaining: explaining() == Some(entry.entry_id),
                            on_why: move |id| explaining.set(if explaining() == Some(id) { None } else { Some(id) }),
                            busy: busy == Some(entry.entry_id),
                            on_edit: move |e| on_edit.call(e),
                            on_ask_delete: move |id| confirming.set(Some(id)),
                            on_cancel: move |_| confirming.set(None),
                            on_delete: move |id| {
                                confirming.set(None);
                                on_delete.call(id);
                            },
                        }
                        if explaining() == Some(entry.entry_id) {
                            tr { class: "row-why", key: "{entry.entry_id}-why",
                                td { colspan: "{span}",
                                    WhyPanel { entry_id: entry.entry_id, on_close: move |_| explaining.set(None) }
                                }
                            }
                        }
                        if let Some((_, form)) = editing.as_ref().filter(|(id, _)| *id == entry.entry_id) {
                            tr { class: "row-inline-edit", key: "{entry.entry_id}-edit",
                                td { colspan: "{span}", {form.clone()} }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn EntryRow(
    entry: EntryView,
    columns: Vec<Column>,
    can_edit: bool,
    confirming: bool,
    explaining: bool,
    on_why: EventHandler<uuid::Uuid>,
    busy: bool,
    on_edit: EventHandler<EntryView>,
    on_ask_delete: EventHandler<uuid::Uuid>,
    on_cancel: EventHandler<()>,
    on_delete: EventHandler<uuid::Uuid>,
) -> Element {
    let lang = use_i18n().lang();
    // Rows the office loaded for every unit are the office's (the server refuses a unit's change).
    let office = crate::session::use_session().with_permissions(|p| p.is_admin());
    // The agency's trips change only with its next export: locked for everyone.
    let lock = match entry.source {
        co2_api_types::EntrySource::Agency => Some((t::AGENCY_TRIP, t::AGENCY_TRIP_HINT)),
        co2_api_types::EntrySource::Backoffice if !office => Some((t::CENTRALLY_FED, t::CENTRALLY_FED_HINT)),
        _ => None,
    };
    let d = &entry.data;
    let id = entry.entry_id;
    // What the row is called in the action labels: its name, else its first column.
    let name = Some(data_text(d, "name"))
        .filter(|n| !n.is_empty())
        .or_else(|| columns.iter().map(|c| data_text(d, c.field)).find(|v| !v.is_empty()))
        .unwrap_or_default();
    let why_label = t::named(lang, t::WHY_THIS_NUMBER, &name);
    let kg_cell = match entry.kg_co2eq {
        Some(kg) if entry.above_threshold => rsx! {
            button { class: "kg-why", r#type: "button", "data-testid": "why", aria_expanded: "{explaining}",
                aria_label: "{why_label}", title: "{t::WHY_THIS_NUMBER.get(lang)}", onclick: move |_| on_why.call(id),
                span { class: "kg-above", title: t::ABOVE_THRESHOLD.get(lang), "data-testid": "above-threshold",
                    "{in_lang(lang, &format_kg(kg))}"
                }
            }
        },
        Some(kg) => rsx! {
            button { class: "kg-why", r#type: "button", "data-testid": "why", aria_expanded: "{explaining}",
                aria_label: "{why_label}", title: "{t::WHY_THIS_NUMBER.get(lang)}", onclick: move |_| on_why.call(id),
                "{in_lang(lang, &format_kg(kg))}"
            }
        },
        None => {
            let reason = entry.incomplete_reason.clone().unwrap_or_else(|| t::NOT_COMPUTED.get(lang).to_owned());
            let incomplete = t::INCOMPLETE.get(lang);
            rsx! {
                span { class: "tag tag-warn", title: "{reason}", tabindex: "0", aria_label: "{incomplete}: {reason}",
                    "{incomplete}"
                }
            }
        }
    };
    rsx! {
        tr { "data-entry-id": "{id}", class: if entry.above_threshold { "row-above" },
            for c in columns.iter() {
                td { key: "{c.field}", class: if c.numeric { "num" } else if c.mono { "mono" },
                    if c.field == "entry_type" {
                        {crate::entry_forms::type_label(lang, &entry.entry_type)}
                    } else {
                        {data_text(d, c.field)}
                    }
                }
            }
            td { class: "num", {kg_cell} }
            if let Some((tag, hint)) = lock.filter(|_| can_edit) {
                td { class: "actions",
                    span { class: "tag", title: hint.get(lang), tabindex: "0",
                        "data-testid": "centrally-fed", "{tag.get(lang)}" }
                }
            } else if can_edit {
                td { class: "actions",
                    if confirming {
                        span { class: "confirm", role: "group", aria_label: t::named(lang, t::DELETE_Q, &name),
                            span { class: "confirm-text", "{t::DELETE_Q.get(lang)}" }
                            button {
                                class: "btn btn-danger btn-small",
                                r#type: "button",
                                "data-testid": "confirm-delete",
                                onclick: move |_| on_delete.call(id),
                                "{t::DELETE.get(lang)}"
                            }
                            button {
                                class: "btn btn-ghost btn-small",
                                r#type: "button",
                                onclick: move |_| on_cancel.call(()),
                                "{t::CANCEL.get(lang)}"
                            }
                        }
                    } else {
                        button {
                            class: "btn btn-ghost btn-small",
                            r#type: "button",
                            disabled: busy,
                            aria_label: t::named(lang, t::EDIT, &name),
                            onclick: {
                                let entry = entry.clone();
                                move |_| on_edit.call(entry.clone())
                            },
                            "{t::EDIT.get(lang)}"
                        }
                        button {
                            class: "btn btn-ghost btn-small btn-danger-text",
                            r#type: "button",
                            disabled: busy,
                            aria_label: t::named(lang, t::DELETE, &name),
                            onclick: move |_| on_ask_delete.call(id),
                            "{t::DELETE.get(lang)}"
                        }
                    }
                }
            }
        }
    }
}
