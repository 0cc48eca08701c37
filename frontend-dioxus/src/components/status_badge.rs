//! The status badge of a module (DOMAIN §6.1).

use co2_api_types::ModuleStatus;
use dioxus::prelude::*;

use crate::i18n::use_i18n;
use crate::model::{status_class, status_label};

/// "Not started" / "In progress" / "Validated", as a coloured pill that does not rely on colour alone.
#[component]
pub fn StatusBadge(status: ModuleStatus) -> Element {
    let label = use_i18n().t(status_label(status));
    let icon = match status {
        ModuleStatus::NotStarted => "○",
        ModuleStatus::InProgress => "◐",
        ModuleStatus::Validated => "✓",
    };
    rsx! {
        span { class: status_class(status), "data-status": status_label(status).en,
            span { "aria-hidden": "true", "{icon} " }
            "{label}"
        }
    }
}
