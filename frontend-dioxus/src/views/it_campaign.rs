//! `/it-manager/campaign` (admin; back-office operators read who is late): the yearly campaign —
//! the year's deadline, reminders to the principals of the units not done, the office's digest
//! now (it also goes weekly by itself), and who is late with the modules left. Opening a year
//! (on the Years page) tells every principal. The server checks every right again.

use co2_api_types::{CampaignSent, LateUnitsView};
use dioxus::prelude::*;

use super::it_manager::YearSelect;
use crate::api;
use crate::components::{ErrorPanel, LoadingPage};
use crate::i18n::use_i18n;
use crate::model::module_label;
use crate::session::use_session;
use crate::text as t;

/// `/it-manager/campaign`.
#[component]
pub fn ItCampaign() -> Element {
    let i18n = use_i18n();
    let year = use_signal(|| None::<i32>);
    let mut generation = use_signal(|| 0u32);
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{i18n.t(t::IT_CAMPAIGN)}" }
            p { class: "lead", "{i18n.t(t::IT_CAMPAIGN_LEAD)}" }
            div { class: "filters", role: "search", YearSelect { year } }
            if let Some(year) = year() {
                CampaignActions { year, on_change: move |_| generation += 1 }
                LoadingPage { LateUnits { year, generation: generation() } }
            }
        }
    }
}

#[component]
fn CampaignActions(year: i32, on_change: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let admin = use_session().with_permissions(|p| p.is_admin());
    let mut deadline = use_signal(String::new);
    let mut outcome = use_signal(|| None::<Result<String, String>>);
    let mut busy = use_signal(|| false);
    let said = move |sent: CampaignSent| t::campaign_sent(i18n.lang(), sent.units, sent.notifications, sent.mails);
    if !admin {
        return rsx! {};
    }
    let save = move |evt: FormEvent| {
        evt.prevent_default();
        let date = chrono::NaiveDate::parse_from_str(deadline().trim(), "%Y-%m-%d").ok();
        busy.set(true);
        spawn(async move {
            outcome.set(Some(match api::set_deadline(year, date).await {
                Ok(y) => Ok(y.deadline.map_or_else(
                    || i18n.t(t::DEADLINE_CLEARED).to_owned(),
                    |d| format!("{} {d}", i18n.t(t::DEADLINE_SET)),
                )),
                Err(e) => Err(e.message),
            }));
            busy.set(false);
            on_change.call(());
        });
    };
    let remind = move |_| {
        busy.set(true);
        spawn(async move {
            outcome.set(Some(api::send_reminders(year).await.map(said).map_err(|e| e.message)));
            busy.set(false);
        });
    };
    let digest = move |_| {
        busy.set(true);
        spawn(async move {
            outcome.set(Some(api::send_digest(year).await.map(said).map_err(|e| e.message)));
            busy.set(false);
        });
    };
    rsx! {
        form { class: "panel inline-form", "data-testid": "campaign-deadline", onsubmit: save,
            label { class: "field inline",
                span { class: "field-label", "{i18n.t(t::DEADLINE)}" }
                input { r#type: "date", "data-testid": "deadline-input", value: "{deadline}",
                    onchange: move |e| deadline.set(e.value()) }
            }
            button { class: "btn btn-secondary", r#type: "submit", "data-testid": "deadline-save", disabled: busy(),
                "{i18n.t(t::SAVE)}" }
            button { class: "btn btn-primary", r#type: "button", "data-testid": "send-reminders", disabled: busy(),
                onclick: remind, "{i18n.t(t::SEND_REMINDERS)}" }
            button { class: "btn btn-ghost", r#type: "button", "data-testid": "send-digest", disabled: busy(),
                onclick: digest, "{i18n.t(t::SEND_DIGEST)}" }
        }
        match outcome() {
            Some(Ok(message)) => rsx! { p { class: "small", role: "status", "data-testid": "campaign-outcome", "{message}" } },
            Some(Err(message)) => rsx! { p { class: "form-error", role: "alert", "{message}" } },
            None => rsx! {},
        }
    }
}

#[component]
fn LateUnits(year: i32, generation: u32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let late = use_resource(use_reactive!(|year, generation| async move {
        let _ = generation;
        api::campaign_late(year).await
    }));
    let late: LateUnitsView = match late.suspend()?.cloned() {
        Ok(v) => v,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::IT_CAMPAIGN), message: e.message } },
    };
    rsx! {
        p { class: "muted", "data-testid": "campaign-deadline-state",
            {t::deadline_state(lang, late.deadline.map(|d| d.to_string()).as_deref(), late.days_late)}
        }
        table { class: "data-table compact", "data-testid": "late-units",
            caption { "{i18n.t(t::WHO_IS_LATE)} ({late.units.len()})" }
            thead {
                tr {
                    th { scope: "col", "{i18n.t(t::PICKER_UNIT)}" }
                    th { scope: "col", "{i18n.t(t::PRINCIPAL)}" }
                    th { scope: "col", "{i18n.t(t::COMPLETION)}" }
                    th { scope: "col", "{i18n.t(t::MODULES_LEFT)}" }
                }
            }
            tbody {
                if late.units.is_empty() {
                    tr { td { class: "empty", colspan: "4", "{i18n.t(t::NOBODY_LATE)}" } }
                }
                for u in late.units.iter() {
                    tr { key: "{u.institutional_id}", "data-unit": "{u.institutional_id}",
                        th { scope: "row", "{u.institutional_id} " span { class: "muted small", "{u.name}" } }
                        td { class: "small", {u.principal.clone().unwrap_or_else(|| "—".to_owned())} }
                        td { "{u.completion_progress}" }
                        td { class: "small", {u.modules_left.iter().map(|m| module_label(lang, m)).collect::<Vec<_>>().join(", ")} }
                    }
                }
            }
        }
    }
}
