//! `/it-manager/loading`: what the sustainability office loads for every unit of a year, type by
//! type — the year-wide file and the travel agency's export — with the latest file and its job
//! followed live, the rows the office's files hold, the template, a new file (append or replace;
//! an agency export with its period) and last year's file run again under the year. The server
//! checks every right again.

use co2_api_types::{
    CentralLoad, CentralLoadsView, CopyCentralLoadRequest, CreateUploadRequest, JobState, UploadFeed, UploadMode,
};
use dioxus::prelude::*;

use super::it_manager::{AdminOnly, YearSelect};
use crate::api;
use crate::components::{ErrorPanel, JobProblems, JobProgress, LoadingPage, selected_file};
use crate::i18n::{Lang, use_i18n};
use crate::model::module_label;
use crate::text as t;

/// `/it-manager/loading`.
#[component]
pub fn ItLoading() -> Element {
    let i18n = use_i18n();
    let year = use_signal(|| None::<i32>);
    rsx! {
        AdminOnly { title: i18n.t(t::IT_LOADING),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_LOADING)}" }
                p { class: "lead", "{i18n.t(t::IT_LOADING_LEAD)}" }
                div { class: "filters", role: "search", YearSelect { year } }
                if let Some(year) = year() {
                    LoadingPage { CentralLoads { year } }
                }
            }
        }
    }
}

/// The name a person reads for an entry type: its form's label, else equipment's, else its key.
fn type_label(lang: Lang, module: &str, entry_type: &str) -> String {
    crate::entry_forms::forms_of(module)
        .iter()
        .find(|f| f.entry_type == entry_type)
        .map(|f| f.label.get(lang).to_owned())
        .or_else(|| {
            crate::model::EQUIPMENT_TYPES.iter().find(|(k, _)| *k == entry_type).map(|(_, l)| l.get(lang).to_owned())
        })
        .unwrap_or_else(|| entry_type.to_owned())
}

/// A load's stable key in the page (and its test id).
fn load_key(load: &CentralLoad) -> String {
    let feed = if load.feed == Some(UploadFeed::Agency) { "-agency" } else { "" };
    format!("{}-{}{feed}", load.module, load.entry_type)
}

/// The template's address: the year-wide file leads with the unit, the agency's with the key.
fn template_href(load: &CentralLoad) -> String {
    let scope = if load.feed == Some(UploadFeed::Agency) { "agency" } else { "every_unit" };
    format!("/api/v1/entries/templates/{}/{}.csv?for={scope}", load.module, load.entry_type)
}

#[component]
fn CentralLoads(year: i32) -> Element {
    let i18n = use_i18n();
    let mut loads = use_resource(use_reactive!(|year| async move { api::central_loads(year).await }));
    // The load whose file form is open.
    let mut open = use_signal(|| None::<String>);
    let mut failure = use_signal(|| None::<String>);
    let view: CentralLoadsView = match loads.suspend()?.cloned() {
        Ok(v) => v,
        Err(e) => return rsx! { ErrorPanel { title: i18n.t(t::IT_LOADING), message: e.message } },
    };
    let copy = move |load: CentralLoad| {
        failure.set(None);
        spawn(async move {
            let req = CopyCentralLoadRequest { module: load.module.clone(), entry_type: load.entry_type.clone() };
            match api::copy_central_load(year, &req).await {
                Ok(_) => loads.restart(),
                Err(e) => failure.set(Some(e.message)),
            }
        });
    };
    rsx! {
        if !view.is_open {
            p { class: "notice", role: "status", "{i18n.t(t::YEAR_CLOSED_LOADS)}" }
        }
        if let Some(message) = failure() {
            p { class: "form-error", role: "alert", "data-testid": "loading-error", "{message}" }
        }
        table { class: "data-table", "data-testid": "central-loads",
            caption { class: "visually-hidden", "{i18n.t(t::IT_LOADING)} {year}" }
            thead {
                tr {
                    th { scope: "col", "{i18n.t(t::MODULE)}" }
                    th { scope: "col", "{i18n.t(t::ENTRY_TYPE)}" }
                    th { scope: "col", class: "num", "{i18n.t(t::LOADED_ROWS)}" }
                    th { scope: "col", "{i18n.t(t::LATEST_FILE)}" }
                    th { scope: "col", "{i18n.t(t::ACTIONS)}" }
                }
            }
            tbody {
                for load in view.loads.iter().cloned() {
                    LoadRow {
                        key: "{load_key(&load)}",
                        load: load.clone(),
                        previous_year: view.previous_year,
                        is_open: open() == Some(load_key(&load)),
                        on_toggle: move |key: String| open.set(if open() == Some(key.clone()) { None } else { Some(key) }),
                        on_copy: copy,
                        on_done: move |_| loads.restart(),
                    }
                    if open() == Some(load_key(&load)) {
                        tr { class: "row-detail",
                            td { colspan: "5",
                                LoadForm { year, load: load.clone(), on_sent: move |_| { open.set(None); loads.restart(); } }
                            }
                        }
                    }
                }
            }
        }
        p { class: "muted small", "{i18n.t(t::LOADING_HINT)}" }
    }
}

#[component]
fn LoadRow(
    load: CentralLoad,
    previous_year: Option<i32>,
    is_open: bool,
    on_toggle: EventHandler<String>,
    on_copy: EventHandler<CentralLoad>,
    on_done: EventHandler<()>,
) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let key = load_key(&load);
    let agency = load.feed == Some(UploadFeed::Agency);
    let units = if load.units == 1 {
        i18n.t(t::IN_ONE_UNIT).to_owned()
    } else {
        i18n.t(t::IN_UNITS).replace("{n}", &load.units.to_string())
    };
    let copy_label = previous_year.map(|y| i18n.t(t::COPY_FROM_YEAR).replace("{year}", &y.to_string()));
    let to_copy = load.clone();
    rsx! {
        tr { "data-testid": "load-{key}", "data-entries": "{load.entries}",
            td { "{module_label(lang, &load.module)}" }
            td {
                "{type_label(lang, &load.module, &load.entry_type)}"
                if agency {
                    " "
                    span { class: "tag tag-info", "{i18n.t(t::AGENCY_EXPORT)}" }
                }
                if !load.collected {
                    " "
                    span { class: "tag tag-muted", "{i18n.t(t::NOT_COLLECTED)}" }
                } else if load.centrally_fed {
                    " "
                    span { class: "tag tag-info", title: i18n.t(t::CENTRALLY_FED_TYPE_HINT), "{i18n.t(t::CENTRALLY_FED_TYPE)}" }
                }
            }
            td { class: "num",
                "{load.entries}"
                if load.entries > 0 {
                    span { class: "muted small", " · {units}" }
                }
            }
            td { "data-testid": "latest-{key}",
                match &load.latest {
                    None => rsx! { span { class: "muted", "{i18n.t(t::NO_FILE_YET)}" } },
                    Some(file) => {
                        let who = file.started_by.clone().unwrap_or_else(|| i18n.t(t::SYSTEM).to_owned());
                        let when = file.job.created_at.format("%Y-%m-%d %H:%M").to_string();
                        let mode = match (agency, file.mode) {
                            (true, _) => match (file.period_from, file.period_to) {
                                (Some(from), Some(to)) => format!("{from} → {to}"),
                                _ => i18n.t(t::WHOLE_YEAR).to_owned(),
                            },
                            (false, UploadMode::Replace) => i18n.t(t::REPLACED).to_owned(),
                            (false, UploadMode::Append) => i18n.t(t::APPENDED).to_owned(),
                        };
                        let running = !file.job.state.is_final();
                        let state = match file.job.state {
                            JobState::Queued => t::JOB_QUEUED,
                            JobState::Running => t::JOB_RUNNING,
                            JobState::Succeeded => t::JOB_SUCCEEDED,
                            JobState::Failed => t::JOB_FAILED,
                        };
                        let state_key = format!("{:?}", file.job.state).to_lowercase();
                        rsx! {
                            div { class: "small",
                                strong { "{file.filename}" }
                                span { class: "muted", " · {mode} · {who} · {when}" }
                            }
                            if running {
                                JobProgress { job_id: file.job.job_id, on_done: move |_| on_done.call(()) }
                            } else {
                                div { class: "small",
                                    span { class: "job-state job-state-{state_key}", "data-testid": "latest-state",
                                        "data-state": "{state_key}", "{i18n.t(state)}" }
                                    span { class: "muted",
                                        " · {i18n.t(t::ROWS_LOADED)} {file.job.rows_ok} · {i18n.t(t::ROWS_SKIPPED)} {file.job.rows_failed}"
                                    }
                                }
                                JobProblems { job: file.job.clone() }
                            }
                        }
                    }
                }
            }
            td { class: "actions",
                a { class: "link small", href: "{template_href(&load)}", download: "{load.entry_type}_template.csv",
                    "{i18n.t(t::TEMPLATE)}" }
                button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "load-file-{key}",
                    aria_expanded: "{is_open}", disabled: !load.collected,
                    onclick: move |_| on_toggle.call(key.clone()),
                    "{i18n.t(t::LOAD_FILE)}"
                }
                if let (Some(label), Some(file)) = (copy_label, load.previous_file.clone()) {
                    button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "copy-{load_key(&load)}",
                        title: "{file}", disabled: !load.collected,
                        onclick: move |_| on_copy.call(to_copy.clone()),
                        "{label}"
                    }
                }
            }
        }
    }
}

/// A new file for a load: CSV or XLSX, appended or replacing the type's central rows; an agency
/// export instead covers a period (the whole year when left blank).
#[component]
fn LoadForm(year: i32, load: CentralLoad, on_sent: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let agency = load.feed == Some(UploadFeed::Agency);
    let mut mode = use_signal(|| UploadMode::Replace);
    let mut from = use_signal(String::new);
    let mut to = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut failure = use_signal(|| None::<String>);
    const INPUT_ID: &str = "central-load-input";
    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        let Some(file) = selected_file(INPUT_ID) else {
            failure.set(Some(i18n.t(t::CHOOSE_FILE_FIRST).to_owned()));
            return;
        };
        let date = |s: String| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let req = CreateUploadRequest {
            unit: None,
            year,
            module: load.module.clone(),
            entry_type: Some(load.entry_type.clone()),
            filename: file.name(),
            mode: mode(),
            feed: load.feed,
            period_from: if agency { date(from()) } else { None },
            period_to: if agency { date(to()) } else { None },
        };
        busy.set(true);
        failure.set(None);
        spawn(async move {
            let sent = async {
                let upload = api::create_upload(&req).await?;
                api::put_file(&upload, &file).await
            };
            match sent.await {
                Ok(()) => on_sent.call(()),
                Err(e) => failure.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    rsx! {
        form { class: "upload-form", "data-testid": "load-form", onsubmit: submit,
            div { class: "field",
                label { class: "field-label", r#for: INPUT_ID, "{i18n.t(t::FILE)}" }
                input { id: INPUT_ID, "data-testid": "load-input", r#type: "file",
                    accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
            }
            if agency {
                div { class: "field-row",
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::PERIOD_FROM)}" }
                        input { r#type: "date", "data-testid": "load-from", value: "{from}",
                            onchange: move |e| from.set(e.value()) }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::PERIOD_TO)}" }
                        input { r#type: "date", "data-testid": "load-to", value: "{to}",
                            onchange: move |e| to.set(e.value()) }
                    }
                }
                p { class: "muted small", "{i18n.t(t::AGENCY_SYNC_HINT)}" }
            } else {
                fieldset { class: "field radio-group",
                    legend { class: "field-label", "{i18n.t(t::NEW_ROWS)}" }
                    label { class: "radio",
                        input { r#type: "radio", name: "load-mode", "data-testid": "load-mode-replace",
                            checked: mode() == UploadMode::Replace, onchange: move |_| mode.set(UploadMode::Replace) }
                        span { "{i18n.t(t::MODE_REPLACE_CENTRAL)}" }
                    }
                    label { class: "radio",
                        input { r#type: "radio", name: "load-mode", "data-testid": "load-mode-append",
                            checked: mode() == UploadMode::Append, onchange: move |_| mode.set(UploadMode::Append) }
                        span { "{i18n.t(t::MODE_APPEND)}" }
                    }
                }
            }
            if let Some(message) = failure() {
                p { class: "form-error", role: "alert", "{message}" }
            }
            div { class: "form-actions",
                button { class: "btn btn-primary", r#type: "submit", "data-testid": "load-submit", disabled: busy(),
                    if busy() { "{i18n.t(t::UPLOADING)}" } else { "{i18n.t(t::UPLOAD)}" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(module: &str, entry_type: &str, feed: Option<UploadFeed>) -> CentralLoad {
        CentralLoad {
            module: module.into(),
            entry_type: entry_type.into(),
            feed,
            collected: true,
            centrally_fed: false,
            entries: 0,
            units: 0,
            latest: None,
            previous_file: None,
        }
    }

    #[test]
    fn each_load_has_its_own_key_and_template() {
        let file = load("professional_travel", "plane", None);
        let agency = load("professional_travel", "plane", Some(UploadFeed::Agency));
        assert_ne!(load_key(&file), load_key(&agency));
        assert_eq!(template_href(&file), "/api/v1/entries/templates/professional_travel/plane.csv?for=every_unit");
        assert_eq!(template_href(&agency), "/api/v1/entries/templates/professional_travel/plane.csv?for=agency");
        assert_eq!(type_label(Lang::En, "equipment", "it"), "IT");
        assert_eq!(type_label(Lang::En, "nowhere", "thing"), "thing");
    }
}
