//! The equipment entries of a page, with edit and (confirmed) delete actions.

use co2_api_types::EntryView;
use dioxus::prelude::*;

use crate::i18n::use_i18n;
use crate::model::{data_text, equipment_type_label, format_kg, in_lang};
use crate::text as t;

/// Table of equipment entries. Deleting asks for confirmation in the row itself.
#[component]
pub fn EntriesTable(
    entries: Vec<EntryView>,
    can_edit: bool,
    on_edit: EventHandler<EntryView>,
    on_delete: EventHandler<uuid::Uuid>,
    #[props(default)] busy: Option<uuid::Uuid>,
) -> Element {
    let mut confirming = use_signal(|| None::<uuid::Uuid>);
    let lang = use_i18n().lang();
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "entries-table",
                caption { class: "visually-hidden", "{t::EQUIPMENT_ENTRIES.get(lang)}" }
                thead {
                    tr {
                        th { scope: "col", "{t::COL_INVENTORY_ID.get(lang)}" }
                        th { scope: "col", "{t::COL_NAME.get(lang)}" }
                        th { scope: "col", "{t::CATEGORY.get(lang)}" }
                        th { scope: "col", "{t::COL_CLASS.get(lang)}" }
                        th { scope: "col", "{t::COL_SUB_CLASS.get(lang)}" }
                        th { scope: "col", class: "num", abbr: t::COL_ACTIVE_LONG.get(lang), "{t::COL_ACTIVE.get(lang)}" }
                        th { scope: "col", class: "num", abbr: t::COL_STANDBY_LONG.get(lang), "{t::COL_STANDBY.get(lang)}" }
                        th { scope: "col", class: "num", "kg CO₂e" }
                        if can_edit {
                            th { scope: "col", class: "actions", "{t::ACTIONS.get(lang)}" }
                        }
                    }
                }
                tbody {
                    if entries.is_empty() {
                        tr {
                            td { class: "empty", colspan: if can_edit { "9" } else { "8" },
                                "{t::NO_EQUIPMENT.get(lang)}"
                            }
                        }
                    }
                    for entry in entries {
                        EntryRow {
                            key: "{entry.entry_id}",
                            entry: entry.clone(),
                            can_edit,
                            confirming: confirming() == Some(entry.entry_id),
                            busy: busy == Some(entry.entry_id),
                            on_edit: move |e| on_edit.call(e),
                            on_ask_delete: move |id| confirming.set(Some(id)),
                            on_cancel: move |_| confirming.set(None),
                            on_delete: move |id| {
                                confirming.set(None);
                                on_delete.call(id);
                            },
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
    can_edit: bool,
    confirming: bool,
    busy: bool,
    on_edit: EventHandler<EntryView>,
    on_ask_delete: EventHandler<uuid::Uuid>,
    on_cancel: EventHandler<()>,
    on_delete: EventHandler<uuid::Uuid>,
) -> Element {
    let lang = use_i18n().lang();
    let d = &entry.data;
    let id = entry.entry_id;
    let name = data_text(d, "name");
    let kg_cell = match entry.kg_co2eq {
        Some(kg) if entry.above_threshold => rsx! {
            span { class: "kg-above", title: t::ABOVE_THRESHOLD.get(lang), "data-testid": "above-threshold",
                "{in_lang(lang, &format_kg(kg))}"
            }
        },
        Some(kg) => rsx! { span { "{in_lang(lang, &format_kg(kg))}" } },
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
            td { class: "mono", "{data_text(d, \"equipment_id\")}" }
            td { "{name}" }
            td { "{equipment_type_label(lang, &entry.entry_type)}" }
            td { "{data_text(d, \"equipment_class\")}" }
            td { "{data_text(d, \"sub_class\")}" }
            td { class: "num", "{data_text(d, \"active_usage_hours_per_week\")}" }
            td { class: "num", "{data_text(d, \"standby_usage_hours_per_week\")}" }
            td { class: "num", {kg_cell} }
            if can_edit {
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
