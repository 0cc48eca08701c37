//! `/units/:unit/years/:year/plans`: the unit's reduction plans — pick or create one, add its
//! measures (lever, module, owner, year, expected saving), and read its trajectory to 2040
//! against the institution's goals and what later reports show.

use co2_api_types::{CreatePlanRequest, MeasureInput, PlanView};
use dioxus::prelude::*;

use crate::api;
use crate::components::charts::{LineChart, Series, download_png};
use crate::components::{ErrorPanel, Loading};
use crate::i18n::use_i18n;
use crate::model::{MODULES, module_label, number_in, tonnes_in};
use crate::session::use_session;
use crate::text as t;

/// The plans page.
#[component]
pub fn Plans(unit: String, year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut generation = use_signal(|| 0u32);
    let mut selected = use_signal(|| None::<uuid::Uuid>);
    let plans = use_resource(use_reactive!(|unit| {
        // Read here, not in the future, so that a change of the list fetches it again.
        let _ = generation();
        async move { api::plans(&unit).await }
    }));
    let session = use_session();
    let may_create = session.with_permissions(|p| p.can_manage(&unit) || p.is_admin() || p.can_report());
    let mut name = use_signal(String::new);
    let mut reference = use_signal(move || year.to_string());
    let mut failure = use_signal(|| None::<String>);
    let list = match &*plans.read() {
        None => return rsx! { Loading { label: i18n.t(t::LOADING) } },
        Some(Err(e)) => return rsx! { ErrorPanel { title: i18n.t(t::PLANS_TITLE), message: e.message.clone() } },
        Some(Ok(list)) => list.clone(),
    };
    let current = selected().or_else(|| list.first().map(|p| p.plan_id));
    let create = {
        let unit = unit.clone();
        move |evt: FormEvent| {
            evt.prevent_default();
            let unit = unit.clone();
            let req = CreatePlanRequest {
                name: name().trim().to_owned(),
                reference_year: reference().trim().parse().unwrap_or(year),
            };
            failure.set(None);
            spawn(async move {
                match api::create_plan(&unit, &req).await {
                    Ok(p) => {
                        name.set(String::new());
                        selected.set(Some(p.plan.plan_id));
                        generation += 1;
                    }
                    Err(e) => failure.set(Some(e.message)),
                }
            });
        }
    };
    rsx! {
        section { class: "page plans", "data-testid": "plans-page",
            p { class: "eyebrow", "{t::unit_report(lang, &unit, year)}" }
            h1 { class: "page-title", "{i18n.t(t::PLANS_TITLE)}" }
            p { class: "lead", "{i18n.t(t::PLANS_LEAD)}" }
            div { class: "filters", role: "group",
                if list.is_empty() {
                    p { class: "muted", "data-testid": "no-plan", "{i18n.t(t::NO_PLAN_YET)}" }
                }
                for p in list.iter() {
                    button { key: "{p.plan_id}", r#type: "button", "data-testid": "plan-tab",
                        class: if Some(p.plan_id) == current { "btn btn-secondary" } else { "btn btn-ghost" },
                        aria_pressed: "{Some(p.plan_id) == current}",
                        onclick: {
                            let id = p.plan_id;
                            move |_| selected.set(Some(id))
                        },
                        "{p.name} ({p.reference_year})"
                    }
                }
            }
            if may_create {
                form { class: "panel form-inline", "data-testid": "new-plan", onsubmit: create,
                    h2 { class: "panel-title", "{i18n.t(t::NEW_PLAN)}" }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::PLAN_NAME)}" }
                        input { r#type: "text", "data-testid": "plan-name", value: "{name}", maxlength: "200", required: true,
                            oninput: move |e| name.set(e.value()) }
                    }
                    label { class: "field inline",
                        span { class: "field-label", "{i18n.t(t::REFERENCE_YEAR)}" }
                        input { r#type: "number", "data-testid": "plan-reference-year", value: "{reference}", min: "2000", max: "2100",
                            oninput: move |e| reference.set(e.value()) }
                    }
                    button { class: "btn btn-primary", r#type: "submit", "data-testid": "plan-create", "{i18n.t(t::CREATE_PLAN)}" }
                    if let Some(f) = failure() {
                        p { class: "notice notice-error", role: "alert", "{f}" }
                    }
                }
            }
            if let Some(id) = current {
                PlanDetail { key: "{id}", unit: unit.clone(), plan_id: id,
                    on_deleted: move |_| {
                        selected.set(None);
                        generation += 1;
                    }
                }
            }
        }
    }
}

#[component]
fn PlanDetail(unit: String, plan_id: uuid::Uuid, on_deleted: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    // The plan as a change answered it, else as loaded (the component is keyed by plan).
    let mut changed = use_signal(|| None::<PlanView>);
    let mut failure = use_signal(|| None::<String>);
    let loaded = use_resource(use_reactive!(|unit, plan_id| async move { api::plan(&unit, plan_id).await }));
    let current = changed().or_else(|| loaded.read().as_ref().and_then(|r| r.as_ref().ok().cloned()));
    let Some(plan) = current else {
        return match &*loaded.read() {
            Some(Err(e)) => rsx! { ErrorPanel { title: i18n.t(t::PLANS_TITLE), message: e.message.clone() } },
            _ => rsx! { Loading { label: i18n.t(t::LOADING) } },
        };
    };
    let remove_plan = {
        let unit = unit.clone();
        move |_| {
            let unit = unit.clone();
            spawn(async move {
                match api::delete_plan(&unit, plan_id).await {
                    Ok(()) => on_deleted.call(()),
                    Err(e) => failure.set(Some(e.message)),
                }
            });
        }
    };
    let milestone = plan.trajectory.iter().find(|p| p.year == 2030).or(plan.trajectory.last()).cloned();
    rsx! {
        article { class: "panel plan", "data-testid": "plan-detail", "data-plan": "{plan.plan.plan_id}",
            div { class: "panel-head",
                h2 { class: "panel-title", "{plan.plan.name}" }
                if plan.can_edit {
                    button { class: "btn btn-ghost btn-danger-text", r#type: "button", "data-testid": "plan-delete",
                        onclick: remove_plan, "{i18n.t(t::DELETE_PLAN)}" }
                }
            }
            div { class: "summary-cards",
                div { class: "summary-card",
                    span { class: "summary-label", "{i18n.t(t::REFERENCE_FOOTPRINT)} ({plan.plan.reference_year})" }
                    span { class: "summary-value", "data-testid": "plan-reference-kg", "{tonnes_in(lang, plan.reference_kg)} t" }
                }
                div { class: "summary-card",
                    span { class: "summary-label", "{i18n.t(t::PLANNED_SAVING)}" }
                    span { class: "summary-value", "data-testid": "plan-saving", "{tonnes_in(lang, plan.planned_saving_kg)} t" }
                }
            }
            if let Some(m) = milestone {
                p { "data-testid": "plan-vs-goal",
                    {t::plan_vs_goal(lang, m.year, &tonnes_in(lang, m.planned_kg), m.goal_kg.map(|g| tonnes_in(lang, g)).as_deref())}
                }
            }
            if plan.goals.is_empty() {
                p { class: "muted small", "data-testid": "no-goals", "{i18n.t(t::NO_GOALS)}" }
            }
            Trajectory { plan: plan.clone() }
            h3 { "{i18n.t(t::MEASURES)}" }
            Measures { unit: unit.clone(), plan: plan.clone(), on_changed: move |v: PlanView| changed.set(Some(v)) }
            if let Some(f) = failure() {
                p { class: "notice notice-error", role: "alert", "{f}" }
            }
        }
    }
}

#[component]
fn Trajectory(plan: PlanView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let points = |f: fn(&co2_api_types::TrajectoryPointView) -> Option<f64>| -> Vec<(f64, Option<f64>)> {
        plan.trajectory.iter().map(|p| (f64::from(p.year), f(p).map(|kg| kg / 1000.0))).collect()
    };
    let mut series = vec![Series {
        label: i18n.t(t::PLANNED_LINE).to_owned(),
        colour: "#1f6f5c",
        points: points(|p| Some(p.planned_kg)),
        dashed: false,
        dots: false,
    }];
    if !plan.goals.is_empty() {
        series.push(Series {
            label: i18n.t(t::GOAL_LINE).to_owned(),
            colour: "#b26b00",
            points: points(|p| p.goal_kg),
            dashed: true,
            dots: false,
        });
    }
    series.push(Series {
        label: i18n.t(t::REALISED_LINE).to_owned(),
        colour: "#5b7fbf",
        points: points(|p| p.realised_kg),
        dashed: false,
        dots: true,
    });
    let first = plan.trajectory.first().map_or(2025, |p| p.year);
    let last = plan.trajectory.last().map_or(2040, |p| p.year);
    let x_ticks: Vec<f64> = (first..=last).filter(|y| *y == first || *y == last || y % 5 == 0).map(f64::from).collect();
    let id = "chart-trajectory".to_owned();
    let file = format!("{}-trajectory.png", plan.plan.unit);
    rsx! {
        section { class: "chart-panel", "data-testid": "plan-trajectory",
            div { class: "panel-head",
                h3 { "{i18n.t(t::TRAJECTORY)}" }
                button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "chart-trajectory-png",
                    onclick: move |_| {
                        if let Err(e) = download_png("chart-trajectory", &file) {
                            crate::console::warn(&e);
                        }
                    },
                    "{i18n.t(t::DOWNLOAD_CHART)}"
                }
            }
            div { class: "chart-scroll",
                LineChart { id, title: i18n.t(t::TRAJECTORY).to_owned(), description: i18n.t(t::PLANS_LEAD).to_owned(),
                    series, x_ticks, y_label: move |v: f64| format!("{} t", number_in(lang, v, if v < 10.0 { 1 } else { 0 })) }
            }
            details {
                summary { class: "muted small", "{i18n.t(t::TRAJECTORY)} (t CO₂e)" }
                table { class: "data-table compact", "data-testid": "trajectory-table",
                    thead {
                        tr {
                            th { scope: "col", "{i18n.t(t::PICKER_YEAR)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::PLANNED_LINE)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::GOAL_LINE)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::REALISED_LINE)}" }
                        }
                    }
                    tbody {
                        for p in plan.trajectory.iter() {
                            tr { key: "{p.year}", "data-year": "{p.year}",
                                th { scope: "row", "{p.year}" }
                                td { class: "num", "{tonnes_in(lang, p.planned_kg)}" }
                                td { class: "num", {p.goal_kg.map(|g| tonnes_in(lang, g)).unwrap_or_default()} }
                                td { class: "num", {p.realised_kg.map(|g| tonnes_in(lang, g)).unwrap_or_default()} }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn Measures(unit: String, plan: PlanView, on_changed: EventHandler<PlanView>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let plan_id = plan.plan.plan_id;
    let reference_year = plan.plan.reference_year;
    let mut lever = use_signal(String::new);
    let mut module = use_signal(String::new);
    let mut owner = use_signal(String::new);
    let mut target = use_signal(move || (reference_year + 1).to_string());
    let mut expected = use_signal(String::new);
    let mut note = use_signal(String::new);
    let mut failure = use_signal(|| None::<String>);
    let add = {
        let unit = unit.clone();
        move |evt: FormEvent| {
            evt.prevent_default();
            let unit = unit.clone();
            let m = MeasureInput {
                lever: lever().trim().to_owned(),
                module: Some(module()).filter(|m| !m.is_empty()),
                owner: owner().trim().to_owned(),
                target_year: target().trim().parse().unwrap_or(0),
                expected_kg: expected().trim().replace(',', ".").parse().unwrap_or(f64::NAN),
                note: note().trim().to_owned(),
            };
            failure.set(None);
            spawn(async move {
                match api::add_measure(&unit, plan_id, &m).await {
                    Ok(v) => {
                        lever.set(String::new());
                        expected.set(String::new());
                        note.set(String::new());
                        on_changed.call(v);
                    }
                    Err(e) => failure.set(Some(e.message)),
                }
            });
        }
    };
    rsx! {
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "measures-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::LEVER)}" }
                        th { scope: "col", "{i18n.t(t::MODULE)}" }
                        th { scope: "col", "{i18n.t(t::MEASURE_OWNER)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::TARGET_YEAR)}" }
                        th { scope: "col", class: "num", "{i18n.t(t::EXPECTED_T)}" }
                        th { scope: "col", "{i18n.t(t::NOTE)}" }
                        if plan.can_edit {
                            th { scope: "col", class: "actions", "{i18n.t(t::ACTIONS)}" }
                        }
                    }
                }
                tbody {
                    if plan.measures.is_empty() {
                        tr { td { class: "empty", colspan: "7", "{i18n.t(t::NO_MEASURE_YET)}" } }
                    }
                    for m in plan.measures.iter() {
                        tr { key: "{m.measure_id}", "data-measure": "{m.measure_id}",
                            td { "{m.measure.lever}" }
                            td { {m.measure.module.as_deref().map(|k| module_label(lang, k)).unwrap_or_default()} }
                            td { "{m.measure.owner}" }
                            td { class: "num", "{m.measure.target_year}" }
                            td { class: "num", "{tonnes_in(lang, m.measure.expected_kg)}" }
                            td { "{m.measure.note}" }
                            if plan.can_edit {
                                td { class: "actions",
                                    button { class: "btn btn-ghost btn-small btn-danger-text", r#type: "button",
                                        aria_label: t::named(lang, t::DELETE, &m.measure.lever),
                                        onclick: {
                                            let unit = unit.clone();
                                            let id = m.measure_id;
                                            move |_| {
                                                let unit = unit.clone();
                                                spawn(async move {
                                                    match api::delete_measure(&unit, plan_id, id).await {
                                                        Ok(()) => {
                                                            if let Ok(v) = api::plan(&unit, plan_id).await {
                                                                on_changed.call(v);
                                                            }
                                                        }
                                                        Err(e) => failure.set(Some(e.message)),
                                                    }
                                                });
                                            }
                                        },
                                        "{t::DELETE.get(lang)}"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if plan.can_edit {
            form { class: "form-grid", "data-testid": "new-measure", onsubmit: add,
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::LEVER)}" }
                    input { r#type: "text", "data-testid": "measure-lever", value: "{lever}", maxlength: "200", required: true,
                        oninput: move |e| lever.set(e.value()) }
                }
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::MODULE)}" }
                    select { "data-testid": "measure-module", value: "{module}", onchange: move |e| module.set(e.value()),
                        option { value: "", "{i18n.t(t::ANY_MODULE)}" }
                        for m in MODULES.iter() {
                            option { key: "{m.key}", value: "{m.key}", "{m.label.get(lang)}" }
                        }
                    }
                }
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::MEASURE_OWNER)}" }
                    input { r#type: "text", "data-testid": "measure-owner", value: "{owner}", maxlength: "200",
                        oninput: move |e| owner.set(e.value()) }
                }
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::TARGET_YEAR)}" }
                    input { r#type: "number", "data-testid": "measure-year", value: "{target}", min: "{reference_year}", max: "2100",
                        oninput: move |e| target.set(e.value()) }
                }
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::EXPECTED_KG)}" }
                    input { r#type: "text", inputmode: "decimal", "data-testid": "measure-kg", value: "{expected}", required: true,
                        oninput: move |e| expected.set(e.value()) }
                }
                label { class: "field",
                    span { class: "field-label", "{i18n.t(t::NOTE)}" }
                    input { r#type: "text", "data-testid": "measure-note", value: "{note}", maxlength: "2000",
                        oninput: move |e| note.set(e.value()) }
                }
                div { class: "form-actions",
                    button { class: "btn btn-primary", r#type: "submit", "data-testid": "measure-add", "{i18n.t(t::ADD_MEASURE)}" }
                }
                if let Some(f) = failure() {
                    p { class: "notice notice-error", role: "alert", "data-testid": "measure-error", "{f}" }
                }
            }
        }
    }
}
