//! What went wrong in a job: why it failed as a whole, its first row errors and the link to the
//! full error report. Shown after an upload and in the pipelines console.

use co2_api_types::JobView;
use dioxus::prelude::*;

use crate::i18n::use_i18n;
use crate::text as t;

/// The job's failure, row errors and error report link (nothing when there are none).
#[component]
pub fn JobProblems(job: JobView) -> Element {
    let lang = use_i18n().lang();
    rsx! {
            if let Some(failure) = job.failure.clone() {
                p { class: "form-error", role: "alert", "data-testid": "job-failure", "{failure}" }
            }
            if !job.errors.is_empty() {
                div { class: "table-wrap",
                    table { class: "data-table compact", "data-testid": "job-errors",
                        caption { "{t::FIRST_ROW_ERRORS.get(lang)}" }
                        thead {
                            tr {
                                th { scope: "col", class: "num", "{t::ROW.get(lang)}" }
                                th { scope: "col", "{t::COLUMN.get(lang)}" }
                                th { scope: "col", "{t::PROBLEM.get(lang)}" }
                            }
                        }
                        tbody {
                            for (i, e) in job.errors.iter().enumerate() {
                                tr { key: "{i}",
                                    td { class: "num", "{e.row}" }
                                    td { class: "mono", {e.column.clone().unwrap_or_else(|| "—".to_owned())} }
                                    td { title: "{e.code}", "{e.message}" }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(url) = job.errors_url.clone() {
                a { class: "link", href: "{url}", "data-testid": "job-errors-url", download: "",
                    "{t::FULL_ERROR_REPORT.get(lang)}"
                }
            }
    }
}
