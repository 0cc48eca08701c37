//! `/it-manager/reporting` (back-office operators, within their subtree, and admins) and
//! `/it-manager/reference-data` (admins): cross-unit figures with their exports, and the
//! reference sets replaced by CSV upload.

use co2_api_types::{ExportKind, ExportRequest, UnitReportingRow};
use dioxus::prelude::*;

use super::it_manager::{AdminOnly, YearSelect};
use crate::api;
use crate::components::{ExportLink, LoadingPage};
use crate::i18n::use_i18n;
use crate::model::{MODULES, module_label, tonnes_in};
use crate::text as t;

/// Which units the reporting table keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Completion {
    All,
    Complete,
    Incomplete,
}

/// Whether all 8 modules are validated (`8/8`).
fn is_complete(row: &UnitReportingRow) -> bool {
    row.completion_progress.split_once('/').is_some_and(|(done, of)| done == of)
}

/// The rows matching a free-text filter (id, name or path) and a completion filter.
fn filter_rows(rows: &[UnitReportingRow], text: &str, completion: Completion) -> Vec<UnitReportingRow> {
    let needle = text.trim().to_lowercase();
    rows.iter()
        .filter(|r| {
            needle.is_empty()
                || r.institutional_id.to_lowercase().contains(&needle)
                || r.name.to_lowercase().contains(&needle)
                || r.path.to_lowercase().contains(&needle)
        })
        .filter(|r| match completion {
            Completion::All => true,
            Completion::Complete => is_complete(r),
            Completion::Incomplete => !is_complete(r),
        })
        .cloned()
        .collect()
}

/// The rows as CSV (RFC 4180 quoting), for the table's download link; text that a spreadsheet
/// would run as a formula is neutralised.
fn rows_csv(rows: &[UnitReportingRow]) -> String {
    let quote = |s: &str| {
        let s = co2_domain::spreadsheet::spreadsheet_safe(s);
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
    };
    let mut out = String::from("unit,name,path,completion,validated_core_kg,entries_above_threshold\r\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{}\r\n",
            quote(&r.institutional_id),
            quote(&r.name),
            quote(&r.path),
            quote(&r.completion_progress),
            r.validated_core_kg,
            r.entries_above_threshold
        ));
    }
    out
}

/// `/it-manager/reporting`.
#[component]
pub fn ItReporting() -> Element {
    let i18n = use_i18n();
    let year = use_signal(|| None::<i32>);
    let mut text = use_signal(String::new);
    let mut completion = use_signal(|| Completion::All);
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{i18n.t(t::IT_REPORTING)}" }
            p { class: "lead", "{i18n.t(t::IT_REPORTING_LEAD)}" }
            div { class: "filters", role: "search",
                YearSelect { year }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::FILTER_UNITS)}" }
                    input { r#type: "search", "data-testid": "reporting-filter", value: "{text}",
                        oninput: move |e| text.set(e.value()) }
                }
                label { class: "field inline",
                    span { class: "field-label", "{i18n.t(t::COMPLETION)}" }
                    select { "data-testid": "reporting-completion",
                        onchange: move |e| completion.set(match e.value().as_str() {
                            "complete" => Completion::Complete,
                            "incomplete" => Completion::Incomplete,
                            _ => Completion::All,
                        }),
                        option { value: "all", "{i18n.t(t::ALL_UNITS)}" }
                        option { value: "complete", "{i18n.t(t::COMPLETE_ONLY)}" }
                        option { value: "incomplete", "{i18n.t(t::INCOMPLETE_ONLY)}" }
                    }
                }
            }
            if let Some(year) = year() {
                LoadingPage {
                        ReportingTable { year, text: text(), completion: completion() }
                }
                ModuleExports { year }
            }
        }
    }
}

#[component]
fn ReportingTable(year: i32, text: String, completion: Completion) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let rows = use_resource(use_reactive!(|year| async move { api::reporting_units(year).await }));
    let all = rows.suspend()?.cloned()?;
    let shown = filter_rows(&all, &text, completion);
    let total_kg: f64 = shown.iter().map(|r| r.validated_core_kg).sum();
    let total_above: i64 = shown.iter().map(|r| r.entries_above_threshold).sum();
    let complete = shown.iter().filter(|r| is_complete(r)).count();
    let csv_href =
        format!("data:text/csv;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&rows_csv(&shown))));
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "reporting-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::PICKER_UNIT)}" }
                        th { scope: "col", "{i18n.t(t::COMPLETION)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::VALIDATED_TOTAL)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::ENTRIES_ABOVE_THRESHOLD)}" }
                    }
                }
                tbody {
                    if shown.is_empty() {
                        tr { td { class: "empty", colspan: "4", "{i18n.t(t::NO_UNIT_MATCHES)}" } }
                    }
                    for r in shown.iter().cloned() {
                        tr { key: "{r.institutional_id}", "data-unit": "{r.institutional_id}",
                            th { scope: "row", "{r.institutional_id} " span { class: "muted small", "{r.name}" } }
                            td { class: if is_complete(&r) { "ok" } else { "" }, "{r.completion_progress}" }
                            td { class: "num", {tonnes_in(lang, r.validated_core_kg)} }
                            td { class: if r.entries_above_threshold > 0 { "num warn" } else { "num" }, "{r.entries_above_threshold}" }
                        }
                    }
                }
                tfoot {
                    tr {
                        th { scope: "row", "{i18n.t(t::TOTAL)} ({shown.len()})" }
                        td { "{complete} × 8/8" }
                        td { class: "num", "data-testid": "reporting-total", {tonnes_in(lang, total_kg)} }
                        td { class: "num", "{total_above}" }
                    }
                }
            }
        }
        p {
            a { class: "btn btn-ghost", href: "{csv_href}", download: "units-{year}.csv", "data-testid": "reporting-csv",
                "{i18n.t(t::EXPORT_TABLE_CSV)}" }
        }
    }
}

/// One module's entries across the units in scope, as a ZIP of CSV files (built by step-export).
#[component]
fn ModuleExports(year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut module = use_signal(|| MODULES[0].key.to_owned());
    let request = ExportRequest {
        kind: ExportKind::ModuleUnits,
        format: Some("zip".to_owned()),
        year,
        unit: None,
        module: Some(module()),
        basis: None,
        reporting: None,
    };
    rsx! {
        div { class: "panel inline-form",
            label { class: "field inline",
                span { class: "field-label", "{i18n.t(t::MODULE_ACROSS_UNITS)}" }
                select { "data-testid": "reporting-module", onchange: move |e| module.set(e.value()),
                    for m in MODULES.iter() {
                        option { key: "{m.key}", value: m.key, selected: module() == m.key, {module_label(lang, m.key)} }
                    }
                }
            }
            ExportLink { request, label: i18n.t(t::EXPORT_CSV).to_owned(), key_name: "module-units".to_owned() }
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, progress: &str, kg: f64) -> UnitReportingRow {
        UnitReportingRow {
            institutional_id: id.into(),
            name: format!("Lab, \"{id}\""),
            path: format!("/EPFL/{id}/"),
            completion_progress: progress.into(),
            validated_core_kg: kg,
            entries_above_threshold: 0,
        }
    }

    #[test]
    fn rows_filter_by_text_and_completion_and_export_quoted() {
        let rows = [row("9001", "8/8", 10.0), row("9002", "3/8", 5.0)];
        assert_eq!(filter_rows(&rows, "", Completion::Complete).len(), 1);
        assert_eq!(filter_rows(&rows, "", Completion::Incomplete)[0].institutional_id, "9002");
        assert_eq!(filter_rows(&rows, "epfl/9001", Completion::All).len(), 1);
        assert!(filter_rows(&rows, "nothing", Completion::All).is_empty());
        let csv = rows_csv(&rows[..1]);
        assert_eq!(csv.lines().nth(1), Some("9001,\"Lab, \"\"9001\"\"\",/EPFL/9001/,8/8,10,0"));
        let mut formula = row("9003", "0/8", 0.0);
        formula.name = "=HYPERLINK(\"http://x\")".into();
        let csv = rows_csv(&[formula]);
        assert!(csv.lines().nth(1).is_some_and(|l| l.contains(",\"'=HYPERLINK(")), "{csv}");
    }
}
