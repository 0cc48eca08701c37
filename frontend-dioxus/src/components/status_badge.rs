//! The status badge of a module (DOMAIN §6.1).

use co2_api_types::ModuleStatus;
use dioxus::prelude::*;

use crate::model::{status_class, status_label};

/// "Not started" / "In progress" / "Validated", as a coloured pill that does not rely on colour alone.
#[component]
pub fn StatusBadge(status: ModuleStatus) -> Element {
    let icon = match status {
        ModuleStatus::NotStarted => "○",
        ModuleStatus::InProgress => "◐",
        ModuleStatus::Validated => "✓",
    };
    rsx! {
        span { class: status_class(status), "data-status": status_label(status),
            span { "aria-hidden": "true", "{icon} " }
            "{status_label(status)}"
        }
    }
}
