//! `/it-manager/…`: the IT manager's area (back-office admin; back-office operators see Reporting
//! only): the layout, years, factors, recalculation and the pipelines console. Roles, tokens and
//! the audit log are in `it_access`; reporting and reference data in `it_data`.

use dioxus::prelude::*;

use crate::api;
use crate::components::{
    AreaNav, AreaNavItem, ErrorPanel, JobProblems, JobProgress, Loading, LoadingPage, NotAllowed, boundary_fallback,
};
use crate::i18n::use_i18n;
use crate::model::{MODULES, module_label};
use crate::routes::Route;
use crate::session::use_session;
use crate::text as t;

/// Layout of the area: permission check, side navigation (only the pages the person may open), page.
#[component]
pub fn ItLayout() -> Element {
    let session = use_session();
    let i18n = use_i18n();
    let lang = i18n.lang();
    let (allowed, admin) = session.with_permissions(|p| (p.can_open_it_area(), p.is_admin()));
    if !allowed {
        return rsx! { NotAllowed { what: t::IT_AREA.get(lang).to_string() } };
    }
    let mut items = Vec::new();
    if admin {
        items.extend([
            AreaNavItem { label: t::IT_YEARS.get(lang), route: Route::ItYears {} },
            AreaNavItem { label: t::IT_CAMPAIGN.get(lang), route: Route::ItCampaign {} },
            AreaNavItem { label: t::IT_FACTORS.get(lang), route: Route::ItFactors {} },
            AreaNavItem { label: t::IT_LOADING.get(lang), route: Route::ItLoading {} },
            AreaNavItem { label: t::IT_REFERENCE.get(lang), route: Route::ItReferenceData {} },
            AreaNavItem { label: t::IT_RECALCULATION.get(lang), route: Route::ItRecalculation {} },
            AreaNavItem { label: t::IT_PIPELINES.get(lang), route: Route::ItPipelines {} },
            AreaNavItem { label: t::IT_ROLES.get(lang), route: Route::ItRoles {} },
            AreaNavItem { label: t::IT_TOKENS.get(lang), route: Route::ItApiTokens {} },
            AreaNavItem { label: t::IT_AUDIT.get(lang), route: Route::ItAudit {} },
        ]);
    }
    items.push(AreaNavItem { label: t::IT_REPORTING.get(lang), route: Route::ItReporting {} });
    items.push(AreaNavItem { label: t::IT_ROLLUPS.get(lang), route: Route::ItRollups {} });
    items.push(AreaNavItem { label: t::IT_INVENTORY.get(lang), route: Route::ItInventory {} });
    rsx! {
        div { class: "area", "data-testid": "it-area",
            aside { class: "area-side",
                AreaNav { title: i18n.t(t::IT_MANAGER), items }
            }
            div { class: "area-main", Outlet::<Route> {} }
        }
    }
}

/// Shows `children` to admins only; others get "not allowed" (the server refuses them anyway).
#[component]
pub(crate) fn AdminOnly(title: String, children: Element) -> Element {
    let session = use_session();
    let lang = use_i18n().lang();
    if !session.with_permissions(|p| p.is_admin()) {
        return rsx! { NotAllowed { what: format!("{} {}", title.to_lowercase(), t::IT_ONLY.get(lang)) } };
    }
    children
}

/// The year the IT pages work on: picked here, the latest by default.
#[component]
pub(crate) fn YearSelect(year: Signal<Option<i32>>) -> Element {
    let i18n = use_i18n();
    let years = use_resource(api::backoffice_years);
    // The latest year once the list is in (after render: a render never writes a signal).
    use_effect(move || {
        if let Some(Ok(list)) = &*years.read()
            && year.peek().is_none()
            && let Some(latest) = list.iter().map(|y| y.year).max()
        {
            year.set(Some(latest));
        }
    });
    let list = match &*years.read() {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    rsx! {
        label { class: "field inline",
            span { class: "field-label", "{i18n.t(t::PICKER_YEAR)}" }
            select {
                "data-testid": "it-year",
                onchange: move |e| year.set(e.value().parse().ok()),
                for y in list {
                    option { key: "{y.year}", value: "{y.year}", selected: Some(y.year) == year(), "{y.year}" }
                }
            }
        }
    }
}

/// `/it-manager/factors`: the factor files of a year, each with its upload.
#[component]
pub fn ItFactors() -> Element {
    let i18n = use_i18n();
    let year = use_signal(|| None::<i32>);
    rsx! {
        AdminOnly { title: i18n.t(t::IT_FACTORS),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_FACTORS)}" }
                p { class: "lead", "{i18n.t(t::IT_FACTORS_LEAD)}" }
                YearSelect { year }
                if let Some(y) = year() {
                    ErrorBoundary { key: "{y}", handle_error: boundary_fallback,
                        SuspenseBoundary { fallback: |_| rsx! { Loading {} }, FactorFiles { year: y } }
                    }
                }
            }
        }
    }
}

#[component]
fn FactorFiles(year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut files = use_resource(use_reactive!(|year| async move { api::factor_files(year).await }));
    let view = files.suspend()?.cloned()?;
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "factor-files",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::FILE)}" }
                        th { scope: "col", "{i18n.t(t::MODULE)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::CURRENT)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::STALE)}" }
                        th { scope: "col", "{i18n.t(t::LAST_CHANGE)}" }
                        th { scope: "col", "{i18n.t(t::UPLOAD)}" }
                    }
                }
                tbody {
                    for f in view.files {
                        tr { key: "{f.file}", "data-file": "{f.file}",
                            th { scope: "row", code { "{f.file}" } }
                            td { {module_label(lang, &f.module)} }
                            td { class: "num", "data-testid": "factor-current", "{f.current}" }
                            td { class: "num", "data-testid": "factor-stale",
                                "{f.stale}"
                                if !f.stale_factors.is_empty() {
                                    details { class: "stale-list",
                                        summary { "{i18n.t(t::SHOW_STALE)}" }
                                        ul {
                                            for (i, s) in f.stale_factors.iter().enumerate() {
                                                li { key: "{i}", code { "{s.emission_type}" } " {s.classification}" }
                                            }
                                        }
                                    }
                                }
                            }
                            td { class: "muted small",
                                {f.updated_at.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()}
                            }
                            td {
                                FactorUpload { year, file: f.file.clone(), on_done: move |_| files.restart() }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A factor file's upload, then the recalculation it started, followed live.
#[component]
fn FactorUpload(year: i32, file: String, on_done: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut outcome = use_signal(|| None::<Result<co2_api_types::FactorUploadResult, String>>);
    let mut busy = use_signal(|| false);
    let input_id = format!("factor-file-{file}");
    let upload = {
        let (file, input_id) = (file.clone(), input_id.clone());
        move |_| {
            let Some(chosen) = crate::components::selected_file(&input_id) else { return };
            let file = file.clone();
            busy.set(true);
            outcome.set(None);
            spawn(async move {
                outcome.set(Some(api::upload_factors(year, &file, &chosen).await.map_err(|e| {
                    let rows = e.details.get("rows").map(|r| format!(" {r}")).unwrap_or_default();
                    format!("{}{rows}", e.message)
                })));
                busy.set(false);
            });
        }
    };
    rsx! {
        div { class: "factor-upload",
            input {
                id: "{input_id}",
                r#type: "file",
                accept: ".csv,text/csv",
                aria_label: "{i18n.t(t::CHOOSE_CSV)} — {file}",
                "data-testid": "factor-input",
            }
            button {
                class: "btn btn-secondary btn-small",
                r#type: "button",
                disabled: busy(),
                "data-testid": "factor-upload",
                onclick: upload,
                "{i18n.t(t::UPLOAD)}"
            }
            match outcome() {
                Some(Ok(done)) => rsx! {
                    p { class: "small", "data-testid": "factor-result",
                        "{t::stored_and_stale(lang, done.stored, done.newly_stale, done.recalculation.entries)}"
                    }
                    p { class: "muted small", "{i18n.t(t::RECALCULATING)}" }
                    JobProgress { job_id: done.recalculation.job_id, on_done: move |_| on_done.call(()) }
                },
                Some(Err(message)) => rsx! {
                    p { class: "field-error", role: "alert", "{i18n.t(t::UPLOAD_REFUSED)}: {message}" }
                },
                None => rsx! {},
            }
        }
    }
}

/// `/it-manager/recalculation`.
#[component]
pub fn ItRecalculation() -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let year = use_signal(|| None::<i32>);
    let mut module = use_signal(String::new);
    let mut started = use_signal(|| None::<Result<co2_api_types::RecalculationStarted, String>>);
    let start = move |evt: FormEvent| {
        evt.prevent_default();
        let Some(y) = year() else { return };
        let m = module();
        started.set(None);
        spawn(async move {
            let req = co2_api_types::RecalculationRequest {
                year: y,
                module: (!m.is_empty()).then_some(m),
                entry_type: None,
                unit: None,
            };
            started.set(Some(api::recalculate(&req).await.map_err(|e| e.message)));
        });
    };
    rsx! {
        AdminOnly { title: i18n.t(t::IT_RECALCULATION),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_RECALCULATION)}" }
                p { class: "lead", "{i18n.t(t::IT_RECALC_LEAD)}" }
                form { class: "inline-form", onsubmit: start,
                    YearSelect { year }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::MODULE)}" }
                        select { "data-testid": "recalc-module", onchange: move |e| module.set(e.value()),
                            option { value: "", "{i18n.t(t::ALL_MODULES)}" }
                            for m in MODULES {
                                option { key: "{m.key}", value: "{m.key}", "{m.label.get(lang)}" }
                            }
                        }
                    }
                    button { class: "btn btn-primary", r#type: "submit", "data-testid": "recalc-start",
                        "{i18n.t(t::START_RECALC)}"
                    }
                }
                match started() {
                    Some(Ok(job)) => rsx! {
                        div { class: "panel", key: "{job.job_id}",
                            p { "data-testid": "recalc-started", "{t::recalc_started(lang, job.entries, job.slices)}" }
                            JobProgress { job_id: job.job_id }
                        }
                    },
                    Some(Err(message)) => rsx! {
                        ErrorPanel { title: i18n.t(t::RECALC_REFUSED), message }
                    },
                    None => rsx! {},
                }
            }
        }
    }
}

/// `/it-manager/pipelines`: the jobs console.
#[component]
pub fn ItPipelines() -> Element {
    let i18n = use_i18n();
    let mut state = use_signal(String::new);
    let mut kind = use_signal(String::new);
    rsx! {
        AdminOnly { title: i18n.t(t::IT_PIPELINES),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_PIPELINES)}" }
                p { class: "lead", "{i18n.t(t::IT_PIPELINES_LEAD)}" }
                div { class: "inline-form",
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::STATUS)}" }
                        select { "data-testid": "jobs-state", onchange: move |e| state.set(e.value()),
                            option { value: "", "{i18n.t(t::ANY)}" }
                            for (key, label) in [("queued", t::JOB_QUEUED), ("running", t::JOB_RUNNING), ("succeeded", t::JOB_SUCCEEDED), ("failed", t::JOB_FAILED)] {
                                option { key: "{key}", value: key, "{i18n.t(label)}" }
                            }
                        }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::KIND)}" }
                        select { "data-testid": "jobs-kind", onchange: move |e| kind.set(e.value()),
                            option { value: "", "{i18n.t(t::ANY)}" }
                            for key in ["upload", "dropbox", "recalculation", "export"] {
                                option { key: "{key}", value: key, "{key}" }
                            }
                        }
                    }
                }
                LoadingPage {
                        JobsTable { state: state(), kind: kind() }
                }
            }
        }
    }
}

#[component]
fn JobsTable(state: String, kind: String) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut jobs = use_resource(use_reactive!(|state, kind| async move { api::list_jobs(&state, &kind).await }));
    let mut failure = use_signal(|| None::<String>);
    let mut open = use_signal(|| None::<uuid::Uuid>);
    let list = jobs.suspend()?.cloned()?;
    let mut act = move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>>| {
        failure.set(None);
        spawn(async move {
            if let Err(err) = call.await {
                failure.set(Some(err.message));
            }
            jobs.restart();
        });
    };
    rsx! {
        if let Some(message) = failure() {
            ErrorPanel { title: i18n.t(t::JOB_ACTION_FAILED), message }
        }
        p {
            button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "jobs-refresh",
                onclick: move |_| jobs.restart(),
                "{i18n.t(t::REFRESH)}"
            }
        }
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "jobs-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::STARTED)}" }
                        th { scope: "col", "{i18n.t(t::KIND)}" }
                        th { scope: "col", "{i18n.t(t::PICKER_UNIT)}" }
                        th { scope: "col", "{i18n.t(t::PICKER_YEAR)}" }
                        th { scope: "col", "{i18n.t(t::MODULE)}" }
                        th { scope: "col", "{i18n.t(t::STATUS)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::ROWS)}" }
                        th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                    }
                }
                tbody {
                    if list.is_empty() {
                        tr { td { class: "empty", colspan: "8", "{i18n.t(t::NO_JOB)}" } }
                    }
                    for job in list {
                        tr { key: "{job.job_id}", "data-job": "{job.job_id}", "data-kind": "{job.kind}",
                            td { class: "small", {job.created_at.format("%Y-%m-%d %H:%M:%S").to_string()} }
                            td { "{job.kind}" }
                            td { {job.unit.clone().unwrap_or_else(|| "—".to_owned())} }
                            td { {job.year.map_or("—".to_owned(), |y| y.to_string())} }
                            td { {job.module.as_deref().map_or_else(|| "—".to_owned(), |m| module_label(lang, m))} }
                            td { "data-testid": "job-state-cell",
                                {
                                    let (key, label) = match job.state {
                                        co2_api_types::JobState::Queued => ("queued", t::JOB_QUEUED),
                                        co2_api_types::JobState::Running => ("running", t::JOB_RUNNING),
                                        co2_api_types::JobState::Succeeded => ("succeeded", t::JOB_SUCCEEDED),
                                        co2_api_types::JobState::Failed => ("failed", t::JOB_FAILED),
                                    };
                                    rsx! {
                                        span { class: "job-state job-state-{key}", "data-state": key, "{i18n.t(label)}" }
                                        if let Some(reason) = &job.failure {
                                            p { class: "field-error small", "{reason}" }
                                        }
                                    }
                                }
                            }
                            td { class: "num", "{job.rows_ok} / {job.rows_failed}" }
                            td { class: "actions",
                                button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "job-detail",
                                    aria_expanded: "{open() == Some(job.job_id)}",
                                    onclick: move |_| open.set(if open() == Some(job.job_id) { None } else { Some(job.job_id) }),
                                    "{i18n.t(t::DETAILS)}"
                                }
                                if matches!(job.state, co2_api_types::JobState::Queued | co2_api_types::JobState::Running) {
                                    button { class: "btn btn-ghost btn-small btn-danger-text", r#type: "button",
                                        onclick: move |_| act(Box::pin(api::abort_job(job.job_id))),
                                        "{i18n.t(t::ABORT)}"
                                    }
                                }
                                if job.kind == "recalculation" && job.state == co2_api_types::JobState::Running {
                                    button { class: "btn btn-ghost btn-small", r#type: "button",
                                        onclick: move |_| act(Box::pin(api::retry_job(job.job_id))),
                                        "{i18n.t(t::RETRY)}"
                                    }
                                }
                            }
                        }
                        if open() == Some(job.job_id) {
                            tr { key: "{job.job_id}-detail", class: "row-inline-edit",
                                td { colspan: "8",
                                    SuspenseBoundary { fallback: |_| rsx! { Loading {} }, JobDetail { job_id: job.job_id } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One job in full: its row errors, error report and failure (`GET /api/v1/jobs/{id}`).
#[component]
fn JobDetail(job_id: uuid::Uuid) -> Element {
    let i18n = use_i18n();
    let job = use_resource(use_reactive!(|job_id| async move { api::get_job(job_id).await }));
    let job = match job.suspend()?.cloned() {
        Ok(job) => job,
        Err(e) => return rsx! { p { class: "field-error", role: "alert", "{e.message}" } },
    };
    let quiet = job.failure.is_none() && job.errors.is_empty() && job.errors_url.is_none();
    rsx! {
        div { class: "job-detail", "data-testid": "job-detail-panel",
            p { class: "small muted", "{job.job_id}" }
            if quiet {
                p { class: "small", "{i18n.t(t::NO_PROBLEM)}" }
            }
            JobProblems { job }
        }
    }
}
