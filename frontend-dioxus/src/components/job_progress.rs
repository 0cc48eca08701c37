//! A job followed live: state, progress bar and counts, polled every half second until it ends.

use co2_api_types::{JobState, JobView};
use dioxus::prelude::*;

use crate::api;
use crate::i18n::use_i18n;
use crate::model::progress_percent;
use crate::text as t;

/// Follows `job_id`; `on_done` is called once when it ends (succeeded or failed).
#[component]
pub fn JobProgress(job_id: uuid::Uuid, #[props(default)] on_done: Option<EventHandler<JobView>>) -> Element {
    let i18n = use_i18n();
    let mut job = use_signal(|| None::<JobView>);
    let mut failure = use_signal(|| None::<String>);
    use_hook(move || {
        spawn(async move {
            loop {
                match api::get_job(job_id).await {
                    Ok(view) => {
                        let ended = matches!(view.state, JobState::Succeeded | JobState::Failed);
                        job.set(Some(view.clone()));
                        if ended {
                            if let Some(done) = on_done {
                                done.call(view);
                            }
                            break;
                        }
                    }
                    Err(err) => {
                        failure.set(Some(err.message));
                        break;
                    }
                }
                gloo_timers::future::TimeoutFuture::new(500).await;
            }
        });
    });
    let Some(view) = job() else {
        return match failure() {
            Some(message) => rsx! { p { class: "field-error", role: "alert", "{message}" } },
            None => rsx! { p { class: "muted", "{i18n.t(t::JOB_QUEUED)}" } },
        };
    };
    let (state_key, label) = match view.state {
        JobState::Queued => ("queued", t::JOB_QUEUED),
        JobState::Running => ("running", t::JOB_RUNNING),
        JobState::Succeeded => ("succeeded", t::JOB_SUCCEEDED),
        JobState::Failed => ("failed", t::JOB_FAILED),
    };
    let pct = progress_percent(view.progress);
    rsx! {
        div { class: "job-progress", "data-testid": "job-progress", "data-state": state_key, "aria-live": "polite",
            div { class: "job-line",
                strong { "{i18n.t(label)}" }
                span { class: "muted small", " · {pct} %" }
            }
            div {
                class: "progress small",
                role: "progressbar",
                aria_valuemin: "0",
                aria_valuemax: "100",
                aria_valuenow: "{pct}",
                div { class: if view.state == JobState::Failed { "progress-bar failed" } else { "progress-bar" }, width: "{pct}%" }
            }
            if let Some(reason) = &view.failure {
                p { class: "field-error", role: "alert", "{reason}" }
            }
        }
    }
}
