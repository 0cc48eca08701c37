//! Exports: a unit-year's results (XLSX workbook, CSV files in a ZIP, or the PDF report) or any
//! export request — asks step-export for it, follows its job, then offers the file.

use co2_api_types::{ExportKind, ExportRequest, JobState};
use dioxus::prelude::*;

use crate::api::{self, Basis};
use crate::components::Loading;
use crate::i18n::use_i18n;
use crate::text as t;

/// A file format of the unit-year export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Pdf,
}

impl ExportFormat {
    /// The `format` of the export request.
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Pdf => "pdf",
        }
    }

    fn label(self) -> t::Text {
        match self {
            ExportFormat::Xlsx => t::EXPORT_XLSX,
            ExportFormat::Csv => t::EXPORT_CSV,
            ExportFormat::Pdf => t::PDF_REPORT,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum ExportState {
    Idle,
    Building,
    Ready(String),
    Failed(String),
}

/// A button that builds a unit-year export, then becomes its download link.
#[component]
pub fn ExportButton(unit: String, year: i32, format: ExportFormat, basis: Basis) -> Element {
    let i18n = use_i18n();
    let request = ExportRequest {
        kind: ExportKind::UnitYear,
        format: Some(format.key().to_owned()),
        year,
        unit: Some(unit),
        module: None,
        basis: Some(basis.key().to_owned()),
        reporting: None,
        subtree: None,
    };
    rsx! { ExportLink { request, label: i18n.t(format.label()).to_owned(), key_name: format.key().to_owned() } }
}

/// A button that asks step-export for `request`'s file, follows its job, then becomes its
/// download link. `key_name` names it for tests (`export-{key_name}`).
#[component]
pub fn ExportLink(request: ExportRequest, label: String, key_name: String) -> Element {
    let i18n = use_i18n();
    let mut state = use_signal(|| ExportState::Idle);
    // Another request is another file.
    use_effect(use_reactive!(|request| {
        let _ = request;
        state.set(ExportState::Idle);
    }));
    let start = move |_| {
        let request = request.clone();
        state.set(ExportState::Building);
        spawn(async move {
            state.set(match follow_export(&request).await {
                Ok(url) => ExportState::Ready(url),
                Err(message) => ExportState::Failed(message),
            });
        });
    };
    let key = key_name;
    rsx! {
        div { class: "export-button", "data-testid": "export-{key}",
            match state() {
                ExportState::Idle => rsx! {
                    button { class: "btn btn-secondary", r#type: "button", "data-testid": "export-{key}-start", onclick: start,
                        "{label}"
                    }
                },
                ExportState::Building => rsx! { Loading { label: i18n.t(t::EXPORT_PREPARING) } },
                ExportState::Ready(url) => rsx! {
                    a { class: "btn btn-primary", href: "{url}", "data-testid": "export-{key}-download", download: "",
                        "{i18n.t(t::EXPORT_DOWNLOAD)} ({key})"
                    }
                },
                ExportState::Failed(message) => rsx! {
                    p { class: "field-error", role: "alert", "{i18n.t(t::EXPORT_FAILED)}: {message}" }
                },
            }
        }
    }
}

/// Starts the export and follows its job (every 0.5 s, for at most two minutes); the address
/// of the file once built.
async fn follow_export(request: &ExportRequest) -> Result<String, String> {
    let started = api::create_export(request).await.map_err(|e| e.message)?;
    for _ in 0..240 {
        let export = api::get_export(started.job_id).await.map_err(|e| e.message)?;
        match export.state {
            JobState::Succeeded => return Ok(format!("/api/v1/exports/{}/file", started.job_id)),
            JobState::Failed => return Err(export.failure.unwrap_or_default()),
            JobState::Queued | JobState::Running => gloo_timers::future::TimeoutFuture::new(500).await,
        }
    }
    Err("the export is taking too long; try again later".to_owned())
}
