//! `/it-manager/reference-data` (admins): the reference sets replaced by CSV upload.

use dioxus::prelude::*;

use super::it_manager::AdminOnly;
use crate::api;
use crate::i18n::use_i18n;
use crate::text as t;

/// The reference sets an admin can replace, with their upload keys.
const REFERENCE_SETS: [(&str, t::Text); 5] = [
    ("airports", t::REF_AIRPORTS),
    ("train_stations", t::REF_STATIONS),
    ("building_rooms", t::REF_ROOMS),
    ("exchange_rates", t::REF_RATES),
    ("inflation_index", t::REF_INFLATION),
];

/// `/it-manager/reference-data`.
#[component]
pub fn ItReferenceData() -> Element {
    let i18n = use_i18n();
    rsx! {
        AdminOnly { title: i18n.t(t::IT_REFERENCE),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_REFERENCE)}" }
                p { class: "lead", "{i18n.t(t::IT_REFERENCE_LEAD)}" }
                div { class: "table-wrap",
                    table { class: "data-table", "data-testid": "reference-table",
                        tbody {
                            for (kind, label) in REFERENCE_SETS {
                                tr { key: "{kind}",
                                    th { scope: "row", "{label.get(i18n.lang())}" }
                                    td { ReferenceUpload { kind: kind.to_owned(), label: label.get(i18n.lang()).to_owned() } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn ReferenceUpload(kind: String, label: String) -> Element {
    let i18n = use_i18n();
    let mut outcome = use_signal(|| None::<Result<usize, String>>);
    let mut busy = use_signal(|| false);
    let input_id = format!("reference-{kind}");
    let upload = {
        let (kind, input_id) = (kind.clone(), input_id.clone());
        move |_| {
            let Some(chosen) = crate::components::selected_file(&input_id) else { return };
            let kind = kind.clone();
            busy.set(true);
            outcome.set(None);
            spawn(async move {
                outcome.set(Some(api::upload_reference(&kind, &chosen).await.map(|r| r.rows).map_err(|e| {
                    let rows = e.details.get("rows").map(|r| format!(" {r}")).unwrap_or_default();
                    format!("{}{rows}", e.message)
                })));
                busy.set(false);
            });
        }
    };
    rsx! {
        div { class: "factor-upload", "data-kind": "{kind}",
            input { id: "{input_id}", r#type: "file", accept: ".csv,text/csv", aria_label: "{i18n.t(t::CHOOSE_CSV)} — {label}" }
            button { class: "btn btn-secondary btn-small", r#type: "button", disabled: busy(), onclick: upload,
                "{i18n.t(t::UPLOAD)}" }
            match outcome() {
                Some(Ok(rows)) => rsx! { p { class: "small", role: "status", "{t::reference_rows(i18n.lang(), rows)}" } },
                Some(Err(message)) => rsx! { p { class: "field-error", role: "alert", "{i18n.t(t::UPLOAD_REFUSED)}: {message}" } },
                None => rsx! {},
            }
        }
    }
}
