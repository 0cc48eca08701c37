//! CSV upload of a module: ask for a presigned upload, PUT the file, then follow the job until it
//! ends, with live progress and the first row errors.

use co2_api_types::{CreateUploadRequest, JobState, JobView, UploadMode};
use dioxus::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::components::JobProblems;
use crate::i18n::use_i18n;
use crate::model::progress_percent;
use crate::text as t;

/// How often the job is asked for its state.
const POLL_INTERVAL_MS: u32 = 500;

/// Where the upload stands.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Idle,
    Requesting,
    Sending,
    Following(JobView),
    Failed(String),
}

/// The upload panel of a module page. `on_done` fires when a job ends, so the page reloads.
#[component]
pub fn UploadPanel(unit: String, year: i32, module: String, can_upload: bool, on_done: EventHandler<()>) -> Element {
    let mut step = use_signal(|| Step::Idle);
    let lang = use_i18n().lang();
    let mut mode = use_signal(|| UploadMode::Append);
    let mut chosen = use_signal(|| None::<String>);
    const INPUT_ID: &str = "upload-input";

    let busy = matches!(&*step.read(), Step::Requesting | Step::Sending)
        || matches!(&*step.read(), Step::Following(job) if !job.state.is_final());

    let template_module = module.clone();
    let start = move |evt: FormEvent| {
        evt.prevent_default();
        let Some(file) = selected_file(INPUT_ID) else {
            step.set(Step::Failed(t::CHOOSE_FILE_FIRST.get(lang).to_owned()));
            return;
        };
        let req = CreateUploadRequest {
            unit: Some(unit.clone()),
            year,
            module: module.clone(),
            entry_type: None,
            filename: file.name(),
            mode: mode(),
            ..Default::default()
        };
        spawn(async move {
            match run_upload(req, file, step).await {
                Ok(()) => {}
                Err(err) => step.set(Step::Failed(err.message)),
            }
            on_done.call(());
        });
    };

    // One template per entry type (equipment's types, or those of the module's forms).
    let templates: Vec<(&'static str, String)> = if template_module == "equipment" {
        crate::model::EQUIPMENT_TYPES.iter().map(|(k, l)| (*k, l.get(lang).to_owned())).collect()
    } else {
        crate::entry_forms::forms_of(&template_module)
            .iter()
            .map(|f| (f.entry_type, f.label.get(lang).to_owned()))
            .collect()
    };
    rsx! {
        section { class: "panel upload-panel", "aria-labelledby": "upload-title",
            h2 { class: "panel-title", id: "upload-title", "{t::UPLOAD_TITLE.get(lang)}" }
            p { class: "muted", "data-testid": "upload-templates",
                "{t::UPLOAD_COLUMNS.get(lang)} "
                for (i, (key, label)) in templates.iter().enumerate() {
                    span { key: "{key}",
                        if i > 0 { ", " }
                        a { class: "link", download: "{key}_template.csv",
                            href: "/api/v1/entries/templates/{template_module}/{key}.csv", "{label}" }
                    }
                }
                ". {t::UPLOAD_ROWS_SKIPPED.get(lang)}"
            }
            form { class: "upload-form", onsubmit: start,
                div { class: "field",
                    label { class: "field-label", r#for: INPUT_ID, "{t::FILE.get(lang)}" }
                    input {
                        id: INPUT_ID,
                        "data-testid": "upload-input",
                        r#type: "file",
                        accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        disabled: busy || !can_upload,
                        onchange: move |e: FormEvent| {
                            chosen.set(e.files().first().map(|f| f.name()));
                        },
                    }
                }
                fieldset { class: "field radio-group", disabled: busy || !can_upload,
                    legend { class: "field-label", "{t::NEW_ROWS.get(lang)}" }
                    label { class: "radio",
                        input {
                            r#type: "radio",
                            name: "upload-mode",
                            value: "append",
                            "data-testid": "upload-mode-append",
                            checked: mode() == UploadMode::Append,
                            onchange: move |_| mode.set(UploadMode::Append),
                        }
                        span { "{t::MODE_APPEND.get(lang)}" }
                    }
                    label { class: "radio",
                        input {
                            r#type: "radio",
                            name: "upload-mode",
                            value: "replace",
                            "data-testid": "upload-mode-replace",
                            checked: mode() == UploadMode::Replace,
                            onchange: move |_| mode.set(UploadMode::Replace),
                        }
                        span { "{t::MODE_REPLACE.get(lang)}" }
                    }
                }
                div { class: "form-actions",
                    button {
                        class: "btn btn-primary",
                        r#type: "submit",
                        "data-testid": "upload-submit",
                        disabled: busy || !can_upload || chosen().is_none(),
                        if busy { "{t::UPLOADING.get(lang)}" } else { "{t::UPLOAD.get(lang)}" }
                    }
                }
            }
            UploadStatus { step: step() }
        }
    }
}

/// The `File` chosen in `<input type=file id>`, read from the DOM (the browser keeps it; no copy
/// into wasm).
pub fn selected_file(input_id: &str) -> Option<web_sys::File> {
    let input =
        web_sys::window()?.document()?.get_element_by_id(input_id)?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    input.files()?.get(0)
}

/// Create the upload, PUT the bytes, then poll the job every 500 ms until it is final.
async fn run_upload(req: CreateUploadRequest, file: web_sys::File, mut step: Signal<Step>) -> Result<(), ApiError> {
    step.set(Step::Requesting);
    let upload = api::create_upload(&req).await?;
    step.set(Step::Sending);
    api::put_file(&upload, &file).await?;
    loop {
        let job = api::get_job(upload.job_id).await?;
        let done = job.state.is_final();
        step.set(Step::Following(job));
        if done {
            return Ok(());
        }
        gloo_timers::future::TimeoutFuture::new(POLL_INTERVAL_MS).await;
    }
}

fn state_label(state: JobState) -> t::Text {
    match state {
        JobState::Queued => t::JOB_QUEUED,
        JobState::Running => t::JOB_PROCESSING,
        JobState::Succeeded => t::JOB_SUCCEEDED_UPLOAD,
        JobState::Failed => t::JOB_FAILED,
    }
}

fn state_key(state: JobState) -> &'static str {
    match state {
        JobState::Queued => "queued",
        JobState::Running => "running",
        JobState::Succeeded => "succeeded",
        JobState::Failed => "failed",
    }
}

/// Progress, counts and errors of the current upload.
#[component]
fn UploadStatus(step: Step) -> Element {
    let lang = use_i18n().lang();
    match step {
        Step::Idle => rsx! {},
        Step::Requesting => {
            rsx! { p { class: "upload-step", role: "status", "{t::PREPARING_UPLOAD.get(lang)}" } }
        }
        Step::Sending => rsx! { p { class: "upload-step", role: "status", "{t::SENDING_FILE.get(lang)}" } },
        Step::Failed(message) => rsx! {
            p { class: "form-error", role: "alert", "data-testid": "upload-error", "{message}" }
        },
        Step::Following(job) => {
            let pct = progress_percent(job.progress);
            let bar_class = match job.state {
                JobState::Failed => "progress-bar failed",
                JobState::Succeeded if job.rows_failed > 0 => "progress-bar warning",
                JobState::Succeeded => "progress-bar done",
                _ => "progress-bar",
            };
            let summary = match job.state {
                JobState::Succeeded if job.rows_failed == 0 => t::ALL_ROWS_LOADED.get(lang),
                JobState::Succeeded if job.rows_ok == 0 => t::NO_ROW_LOADED.get(lang),
                JobState::Succeeded => t::SOME_ROWS_SKIPPED.get(lang),
                _ => "",
            };
            rsx! {
                div { class: "job", "data-testid": "job", "aria-live": "polite",
                    div { class: "job-head",
                        span { class: "job-state job-state-{state_key(job.state)}",
                            "data-testid": "job-state",
                            "data-state": state_key(job.state),
                            "{state_label(job.state).get(lang)}"
                        }
                        span { class: "muted", "{pct} %" }
                    }
                    div {
                        class: "progress",
                        role: "progressbar",
                        aria_label: t::UPLOAD_PROGRESS.get(lang),
                        aria_valuemin: "0",
                        aria_valuemax: "100",
                        aria_valuenow: "{pct}",
                        "data-testid": "job-progress",
                        div { class: bar_class, width: "{pct}%" }
                    }
                    dl { class: "job-counts",
                        div {
                            dt { "{t::ROWS_LOADED.get(lang)}" }
                            dd { "data-testid": "job-rows-ok", "{job.rows_ok}" }
                        }
                        div {
                            dt { "{t::ROWS_SKIPPED.get(lang)}" }
                            dd { "data-testid": "job-rows-failed", "{job.rows_failed}" }
                        }
                    }
                    if !summary.is_empty() {
                        p { class: "muted", "{summary}" }
                    }
                    JobProblems { job: job.clone() }
                }
            }
        }
    }
}
