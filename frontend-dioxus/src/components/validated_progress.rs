//! "Validated modules x/8" with its progress bar, as the report and the team's progress show it.

use dioxus::prelude::*;

use crate::i18n::use_i18n;
use crate::model::parse_progress;
use crate::text as t;

/// A summary item for a report's `completion_progress` (`"validated/total"`); `testid` names the
/// figure for tests.
#[component]
pub fn ValidatedProgress(progress: String, testid: String) -> Element {
    let i18n = use_i18n();
    let (done, total) = parse_progress(&progress).unwrap_or((0, 8));
    let pct = (done * 100).checked_div(total).unwrap_or(0);
    rsx! {
        div { class: "summary-item",
            span { class: "summary-label", "{i18n.t(t::VALIDATED_MODULES)}" }
            span { class: "summary-value", "data-testid": "{testid}", "{done}/{total}" }
            div {
                class: "progress small",
                role: "progressbar",
                aria_label: i18n.t(t::VALIDATED_MODULES),
                aria_valuemin: "0",
                aria_valuemax: "{total}",
                aria_valuenow: "{done}",
                div { class: "progress-bar done", width: "{pct}%" }
            }
        }
    }
}
