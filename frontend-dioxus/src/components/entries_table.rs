//! The equipment entries of a page, with edit and (confirmed) delete actions.

use co2_api_types::EntryView;
use dioxus::prelude::*;

use crate::model::{data_text, equipment_type_label, format_kg};

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
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "entries-table",
                caption { class: "visually-hidden", "Equipment entries" }
                thead {
                    tr {
                        th { scope: "col", "Inventory id" }
                        th { scope: "col", "Name" }
                        th { scope: "col", "Category" }
                        th { scope: "col", "Class" }
                        th { scope: "col", "Sub-class" }
                        th { scope: "col", class: "num", abbr: "Active hours per week", "Active h/wk" }
                        th { scope: "col", class: "num", abbr: "Standby hours per week", "Standby h/wk" }
                        th { scope: "col", class: "num", "kg CO₂e" }
                        if can_edit {
                            th { scope: "col", class: "actions", "Actions" }
                        }
                    }
                }
                tbody {
                    if entries.is_empty() {
                        tr {
                            td { class: "empty", colspan: if can_edit { "9" } else { "8" },
                                "No equipment yet. Add a device or upload a CSV file below."
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
    let d = &entry.data;
    let id = entry.entry_id;
    let name = data_text(d, "name");
    let kg_cell = match entry.kg_co2eq {
        Some(kg) if entry.above_threshold => rsx! {
            span { class: "kg-above", title: "Above this year's threshold for this type", "data-testid": "above-threshold",
                "{format_kg(kg)}"
            }
        },
        Some(kg) => rsx! { span { "{format_kg(kg)}" } },
        None => {
            let reason = entry
                .incomplete_reason
                .clone()
                .unwrap_or_else(|| "No emission could be computed for this entry.".to_owned());
            rsx! {
                span { class: "tag tag-warn", title: "{reason}", tabindex: "0", aria_label: "incomplete: {reason}",
                    "incomplete"
                }
            }
        }
    };
    rsx! {
        tr { "data-entry-id": "{id}", class: if entry.above_threshold { "row-above" },
            td { class: "mono", "{data_text(d, \"equipment_id\")}" }
            td { "{name}" }
            td { "{equipment_type_label(&entry.entry_type)}" }
            td { "{data_text(d, \"equipment_class\")}" }
            td { "{data_text(d, \"sub_class\")}" }
            td { class: "num", "{data_text(d, \"active_usage_hours_per_week\")}" }
            td { class: "num", "{data_text(d, \"standby_usage_hours_per_week\")}" }
            td { class: "num", {kg_cell} }
            if can_edit {
                td { class: "actions",
                    if confirming {
                        span { class: "confirm", role: "group", aria_label: "Confirm deletion of {name}",
                            span { class: "confirm-text", "Delete?" }
                            button {
                                class: "btn btn-danger btn-small",
                                r#type: "button",
                                "data-testid": "confirm-delete",
                                onclick: move |_| on_delete.call(id),
                                "Delete"
                            }
                            button {
                                class: "btn btn-ghost btn-small",
                                r#type: "button",
                                onclick: move |_| on_cancel.call(()),
                                "Cancel"
                            }
                        }
                    } else {
                        button {
                            class: "btn btn-ghost btn-small",
                            r#type: "button",
                            disabled: busy,
                            aria_label: "Edit {name}",
                            onclick: {
                                let entry = entry.clone();
                                move |_| on_edit.call(entry.clone())
                            },
                            "Edit"
                        }
                        button {
                            class: "btn btn-ghost btn-small btn-danger-text",
                            r#type: "button",
                            disabled: busy,
                            aria_label: "Delete {name}",
                            onclick: move |_| on_ask_delete.call(id),
                            "Delete"
                        }
                    }
                }
            }
        }
    }
}
