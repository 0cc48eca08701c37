//! `/team-manager/…`: the team manager's area (principal of a unit), about the unit chosen in the
//! header when the person manages it (else the first unit they manage) and the year chosen there.
//! Validation (validate / reopen each module), progress (completion and the trend over the
//! unit's years), exports and the team page (members and their roles) work on the server's
//! report, results, export and members routes.

use co2_api_types::{ModuleStatus, ReportView};
use dioxus::prelude::*;

use crate::api::{self, Basis};
use crate::components::{
    AreaNav, AreaNavItem, ErrorPanel, ExportButton, ExportFormat, Loading, LoadingPage, NotAllowed, StatusBadge,
    ValidatedProgress, YearTrend,
};
use crate::i18n::use_i18n;
use crate::model::{module_label, persona_label, tonnes_in};
use crate::routes::Route;
use crate::session::use_session;
use crate::text as t;

/// The unit the area is about (one the person manages) and the year picked in the header.
fn use_team_scope() -> Option<(String, Option<i32>)> {
    let session = use_session();
    let managed: Vec<String> = session.with_permissions(|p| p.managed_units().into_iter().map(str::to_owned).collect());
    let workspace = session.workspace.read().clone();
    let unit = workspace
        .as_ref()
        .map(|w| w.unit.clone())
        .filter(|u| managed.contains(u))
        .or_else(|| managed.first().cloned())?;
    // The year belongs to the header's unit; for another unit the page waits for a year.
    let year = workspace.filter(|w| w.unit == unit).and_then(|w| w.year);
    Some((unit, year))
}

/// Layout of the area: permission check, side navigation, page.
#[component]
pub fn TeamLayout() -> Element {
    let session = use_session();
    let i18n = use_i18n();
    let lang = i18n.lang();
    let allowed = session.with_permissions(|p| p.can_manage_any_unit());
    let scope = use_team_scope();
    if !allowed {
        return rsx! { NotAllowed { what: t::TEAM_AREA.get(lang).to_string() } };
    }
    let unit = scope.map(|(u, _)| u).unwrap_or_default();
    let items = vec![
        AreaNavItem { label: t::NAV_TEAM.get(lang), route: Route::TeamHome {} },
        AreaNavItem { label: t::TEAM_VALIDATION.get(lang), route: Route::TeamValidation {} },
        AreaNavItem { label: t::TEAM_PROGRESS.get(lang), route: Route::TeamProgress {} },
        AreaNavItem { label: t::TEAM_EXPORTS.get(lang), route: Route::TeamExports {} },
    ];
    rsx! {
        div { class: "area", "data-testid": "team-area",
            aside { class: "area-side",
                AreaNav { title: i18n.t(t::TEAM_MANAGER), items }
                p { class: "muted small area-scope", "{t::unit_of(lang, &unit)}" }
            }
            div { class: "area-main", Outlet::<Route> {} }
        }
    }
}

/// `/team-manager/`: the unit's people and their roles.
#[component]
pub fn TeamHome() -> Element {
    let i18n = use_i18n();
    let scope = use_team_scope();
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{i18n.t(t::NAV_TEAM)}" }
            p { class: "lead", "{i18n.t(t::TEAM_HOME_LEAD)} {i18n.t(t::ROLES_BY_IT)}" }
            if let Some((unit, _)) = scope {
                LoadingPage { MembersTable { key: "{unit}", unit: unit.clone() } }
            }
        }
    }
}

#[component]
fn MembersTable(unit: String) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let members = use_resource(use_reactive!(|unit| async move { api::unit_members(&unit).await }));
    let list = members.suspend()?.cloned()?;
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "members-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::PERSON)}" }
                        th { scope: "col", "{i18n.t(t::EMAIL)}" }
                        th { scope: "col", "{i18n.t(t::ROLE)}" }
                    }
                }
                tbody {
                    if list.is_empty() {
                        tr { td { class: "empty", colspan: "3", "{i18n.t(t::NO_MEMBER)}" } }
                    }
                    for m in list {
                        tr { key: "{m.assignment_id}", "data-user": "{m.user}",
                            th { scope: "row", "{m.display_name} " span { class: "muted small", "({m.user})" } }
                            td { {m.email.clone().unwrap_or_else(|| "—".to_owned())} }
                            td { "{persona_label(m.role).get(lang)}" }
                        }
                    }
                }
            }
        }
    }
}

/// The page frame of the area: waits for a year, then shows `body` for the unit × year.
#[component]
fn ScopedPage(title: String, lead: String, body: Callback<(String, i32), Element>) -> Element {
    let i18n = use_i18n();
    let scope = use_team_scope();
    rsx! {
        section { class: "page",
            h1 { class: "page-title", "{title}" }
            p { class: "lead", "{lead}" }
            match scope {
                Some((unit, Some(year))) => rsx! {
                    div { key: "{unit}-{year}", class: "page-body",
                        p { class: "eyebrow", "{t::unit_report(i18n.lang(), &unit, year)}" }
                        LoadingPage {
                                {body((unit.clone(), year))}
                        }
                    }
                },
                _ => rsx! { Loading { label: i18n.t(t::OPENING_REPORT) } },
            }
        }
    }
}

/// `/team-manager/validation`.
#[component]
pub fn TeamValidation() -> Element {
    let i18n = use_i18n();
    rsx! {
        ScopedPage {
            title: i18n.t(t::TEAM_VALIDATION),
            lead: i18n.t(t::TEAM_VALIDATION_LEAD),
            body: move |(unit, year): (String, i32)| rsx! { ValidationTable { unit, year } },
        }
    }
}

#[component]
fn ValidationTable(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut report = use_resource(use_reactive!(|unit, year| async move { api::report(&unit, year).await }));
    let mut busy = use_signal(|| None::<String>);
    let mut failure = use_signal(|| None::<String>);
    let view = report.suspend()?.cloned()?;
    let mut modules = view.modules.clone();
    modules.sort_by_key(|m| m.position);
    rsx! {
        if let Some(message) = failure() {
            ErrorPanel { title: i18n.t(t::STATUS_NOT_CHANGED), message }
        }
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "validation-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::MODULE)}" }
                        th { scope: "col", "{i18n.t(t::STATUS)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::ENTRIES)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::T_CO2E)}" }
                        th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                    }
                }
                tbody {
                    for m in modules {
                        tr { key: "{m.module}", "data-module": "{m.module}",
                            th { scope: "row",
                                Link { to: Route::module_key(&unit, year, &m.module), "{module_label(lang, &m.module)}" }
                            }
                            td { StatusBadge { status: m.status } }
                            td { class: "num", "{m.entry_count}" }
                            td { class: "num", "{tonnes_in(lang, m.kg_co2eq)}" }
                            td { class: "actions",
                                {
                                    let (next, label, class) = if m.status == ModuleStatus::Validated {
                                        (ModuleStatus::InProgress, t::REOPEN, "btn btn-secondary btn-small")
                                    } else {
                                        (ModuleStatus::Validated, t::VALIDATE, "btn btn-primary btn-small")
                                    };
                                    let key = m.module.clone();
                                    let unit = unit.clone();
                                    rsx! {
                                        button {
                                            class,
                                            r#type: "button",
                                            "data-testid": "status-action",
                                            disabled: busy().is_some(),
                                            aria_label: "{i18n.t(label)} — {module_label(lang, &m.module)}",
                                            onclick: move |_| {
                                                let (unit, key) = (unit.clone(), key.clone());
                                                busy.set(Some(key.clone()));
                                                failure.set(None);
                                                spawn(async move {
                                                    match api::set_module_status(&unit, year, &key, next).await {
                                                        Ok(_) => report.restart(),
                                                        Err(err) => failure.set(Some(err.message)),
                                                    }
                                                    busy.set(None);
                                                });
                                            },
                                            "{i18n.t(label)}"
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/team-manager/progress`.
#[component]
pub fn TeamProgress() -> Element {
    let i18n = use_i18n();
    rsx! {
        ScopedPage {
            title: i18n.t(t::TEAM_PROGRESS),
            lead: i18n.t(t::TEAM_PROGRESS_LEAD),
            body: move |(unit, year): (String, i32)| rsx! { ProgressOverview { unit, year } },
        }
    }
}

#[component]
fn ProgressOverview(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let report = use_resource(use_reactive!(|unit, year| async move { api::report(&unit, year).await }));
    let view: ReportView = report.suspend()?.cloned()?;
    let mut missing = view.modules.iter().filter(|m| m.status != ModuleStatus::Validated).collect::<Vec<_>>();
    missing.sort_by_key(|m| m.position);
    let heading = i18n.t(t::TREND).to_owned();
    rsx! {
        div { class: "summary",
            ValidatedProgress { progress: view.completion_progress.clone(), testid: "team-progress" }
        }
        section { class: "panel",
            h2 { class: "panel-title", "{i18n.t(t::STILL_TO_VALIDATE)}" }
            if missing.is_empty() {
                p { class: "notice notice-ok", "{i18n.t(t::ALL_VALIDATED)}" }
            } else {
                ul { "data-testid": "still-to-validate",
                    for m in missing {
                        li { key: "{m.module}",
                            Link { to: Route::module_key(&unit, year, &m.module), "{module_label(lang, &m.module)}" }
                            " — "
                            StatusBadge { status: m.status }
                        }
                    }
                }
            }
        }
        section { class: "panel chart-panel",
            h2 { class: "panel-title", "{heading}" }
            YearTrend { unit: unit.clone(), year, basis: Basis::Validated }
        }
        p {
            Link { class: "btn btn-secondary", to: Route::Results { unit: unit.clone(), year }, "{i18n.t(t::SEE_RESULTS)}" }
        }
    }
}

/// `/team-manager/exports`.
#[component]
pub fn TeamExports() -> Element {
    let i18n = use_i18n();
    rsx! {
        ScopedPage {
            title: i18n.t(t::TEAM_EXPORTS),
            lead: i18n.t(t::TEAM_EXPORTS_LEAD),
            body: move |(unit, year): (String, i32)| rsx! { ExportChoices { unit, year } },
        }
    }
}

#[component]
fn ExportChoices(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let mut basis = use_signal(Basis::default);
    rsx! {
        div { class: "panel export-choices", "data-testid": "team-exports",
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::BASIS)}" }
                select {
                    "data-testid": "export-basis",
                    onchange: move |e| basis.set(if e.value() == "all" { Basis::All } else { Basis::Validated }),
                    option { value: "validated", selected: basis() == Basis::Validated, "{i18n.t(t::BASIS_VALIDATED)}" }
                    option { value: "all", selected: basis() == Basis::All, "{i18n.t(t::BASIS_ALL)}" }
                }
            }
            div { class: "export-row",
                for format in [ExportFormat::Xlsx, ExportFormat::Csv, ExportFormat::Pdf] {
                    ExportButton { key: "{format.key()}", unit: unit.clone(), year, format, basis: basis() }
                }
            }
            p { class: "muted small", "{i18n.t(t::EXPORTS_HINT)}" }
        }
    }
}
