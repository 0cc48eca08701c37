//! `/it-manager/`: the report years — opened and closed, created, their reduction objective —
//! and the row thresholds of each entry type for a year (admins only; the server checks again).

use co2_api_types::{ThresholdPolicyView, ThresholdView, YearGoal, YearSummary};
use dioxus::prelude::*;

use super::it_manager::{AdminOnly, YearSelect};
use crate::api;
use crate::components::{ErrorPanel, LoadingPage};
use crate::entry_forms::type_label;
use crate::i18n::use_i18n;
use crate::model::{MODULES, format_kg, module_label, number_in};
use crate::text as t;

type Action = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>>;

/// `/it-manager/`: the years, opened and closed.
#[component]
pub fn ItYears() -> Element {
    let i18n = use_i18n();
    rsx! {
        AdminOnly { title: i18n.t(t::IT_YEARS),
            section { class: "page",
                h1 { class: "page-title", "{i18n.t(t::IT_YEARS)}" }
                p { class: "lead", "{i18n.t(t::IT_YEARS_LEAD)}" }
                LoadingPage { YearsTable {} }
                LongTermGoals {}
                Thresholds {}
            }
        }
    }
}

#[component]
fn YearsTable() -> Element {
    let i18n = use_i18n();
    let mut years = use_resource(api::backoffice_years);
    let mut failure = use_signal(|| None::<String>);
    let mut new_year = use_signal(String::new);
    let list = years.suspend()?.cloned()?;
    let all_years: Vec<i32> = list.iter().map(|y| y.year).collect();
    let mut act = move |call: Action| {
        failure.set(None);
        spawn(async move {
            match call.await {
                Ok(()) => years.restart(),
                Err(err) => failure.set(Some(err.message)),
            }
        });
    };
    rsx! {
        if let Some(message) = failure() {
            ErrorPanel { title: i18n.t(t::YEAR_NOT_CHANGED), message }
        }
        div { class: "table-wrap",
            table { class: "data-table", "data-testid": "years-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::PICKER_YEAR)}" }
                        th { scope: "col", "{i18n.t(t::STATUS)}" }
                        th { scope: "col", "{i18n.t(t::REDUCTION_GOAL)}" }
                        th { scope: "col", "{i18n.t(t::MODULES_COLLECTED)}" }
                        th { scope: "col", class: "actions", span { class: "visually-hidden", "{i18n.t(t::ACTIONS)}" } }
                    }
                }
                tbody {
                    for y in list {
                        tr { key: "{y.year}", "data-year": "{y.year}",
                            th { scope: "row", "{y.year}" }
                            td { if y.is_open { "{i18n.t(t::OPEN)}" } else { "{i18n.t(t::CLOSED)}" } }
                            td { GoalEditor { year: y.clone(), years: all_years.clone(), on_done: move |_| years.restart() } }
                            td { ModuleSwitches { year: y.clone(), on_done: move |_| years.restart() } }
                            td { class: "actions",
                                button {
                                    class: "btn btn-secondary btn-small",
                                    r#type: "button",
                                    onclick: move |_| {
                                        act(Box::pin(async move { api::set_year_open(y.year, !y.is_open).await.map(drop) }))
                                    },
                                    if y.is_open { "{i18n.t(t::CLOSE_YEAR)}" } else { "{i18n.t(t::REOPEN_YEAR)}" }
                                }
                            }
                        }
                    }
                }
            }
        }
        form {
            class: "inline-form",
            onsubmit: move |evt: FormEvent| {
                evt.prevent_default();
                if let Ok(year) = new_year().trim().parse::<i32>() {
                    act(Box::pin(async move { api::create_year(year).await.map(drop) }));
                    new_year.set(String::new());
                }
            },
            label { class: "field",
                span { class: "field-label", "{i18n.t(t::NEW_YEAR)}" }
                input {
                    r#type: "number",
                    min: "2000",
                    max: "2100",
                    inputmode: "numeric",
                    "data-testid": "new-year",
                    value: "{new_year}",
                    oninput: move |e| new_year.set(e.value()),
                }
            }
            button { class: "btn btn-primary", r#type: "submit", "{i18n.t(t::CREATE_YEAR)}" }
        }
    }
}

/// A year's reduction objective: shown, set against an earlier year, or cleared.
#[component]
fn GoalEditor(year: YearSummary, years: Vec<i32>, on_done: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let earlier: Vec<i32> = years.iter().copied().filter(|y| *y < year.year).collect();
    let mut percent = use_signal(|| year.goal.map_or(String::new(), |g| g.reduction_percent.to_string()));
    let mut reference = use_signal(|| year.goal.map(|g| g.reference_year).or(earlier.iter().copied().min()));
    let mut failure = use_signal(|| None::<String>);
    let y = year.year;
    let save = move |evt: FormEvent| {
        evt.prevent_default();
        let Some(reference_year) = reference() else { return };
        let Some(reduction_percent) = co2_domain::fields::parse_decimal(&percent()) else {
            failure.set(Some(t::NOT_A_NUMBER.get(lang).to_owned()));
            return;
        };
        failure.set(None);
        spawn(async move {
            match api::set_year_goal(y, &YearGoal { reduction_percent, reference_year }).await {
                Ok(_) => on_done.call(()),
                Err(e) => {
                    failure.set(Some(e.field_errors_in(lang).into_values().flatten().next().unwrap_or(e.message)))
                }
            }
        });
    };
    if earlier.is_empty() {
        return rsx! { span { class: "muted small", "{i18n.t(t::NO_EARLIER_YEAR)}" } };
    }
    rsx! {
        form { class: "goal-editor", "data-testid": "goal-{y}", onsubmit: save,
            if let Some(g) = year.goal {
                p { class: "small", "data-testid": "goal-text", "{t::goal_line(lang, g.reduction_percent, g.reference_year)}" }
            }
            label { class: "field inline",
                span { class: "visually-hidden", "{i18n.t(t::REDUCTION_GOAL)} (%)" }
                input { r#type: "number", min: "1", max: "100", step: "1", "data-testid": "goal-percent", value: "{percent}",
                    placeholder: "%", oninput: move |e| percent.set(e.value()) }
            }
            label { class: "field inline",
                span { class: "field-label", "{i18n.t(t::VERSUS)}" }
                select { "data-testid": "goal-reference",
                    onchange: move |e| reference.set(e.value().parse().ok()),
                    for r in earlier.iter() {
                        option { key: "{r}", value: "{r}", selected: reference() == Some(*r), "{r}" }
                    }
                }
            }
            button { class: "btn btn-secondary btn-small", r#type: "submit", "data-testid": "goal-save", "{i18n.t(t::SAVE_CHANGES)}" }
            if year.goal.is_some() {
                button { class: "btn btn-ghost btn-small", r#type: "button",
                    onclick: move |_| {
                        spawn(async move {
                            match api::clear_year_goal(y).await {
                                Ok(()) => on_done.call(()),
                                Err(e) => failure.set(Some(e.message)),
                            }
                        });
                    },
                    "{i18n.t(t::REMOVE)}"
                }
            }
            if let Some(m) = failure() {
                p { class: "field-error", role: "alert", "{m}" }
            }
        }
    }
}

/// The row thresholds of a year: each thresholded type's policy, its kg and how many entries
/// it flags across units.
#[component]
fn Thresholds() -> Element {
    let i18n = use_i18n();
    let year = use_signal(|| None::<i32>);
    rsx! {
        section { class: "panel", "data-testid": "thresholds",
            h2 { class: "panel-title", "{i18n.t(t::THRESHOLDS)}" }
            p { class: "muted small", "{i18n.t(t::THRESHOLDS_LEAD)}" }
            YearSelect { year }
            if let Some(year) = year() {
                LoadingPage { ThresholdsTable { year } }
            }
        }
    }
}

#[component]
fn ThresholdsTable(year: i32) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut rows = use_resource(use_reactive!(|year| async move { api::thresholds(year).await }));
    let mut failure = use_signal(|| None::<String>);
    let list: Vec<ThresholdView> = rows.suspend()?.cloned()?;
    let mut act = move |call: Action| {
        failure.set(None);
        spawn(async move {
            if let Err(err) = call.await {
                failure.set(Some(err.field_errors_in(lang).into_values().flatten().next().unwrap_or(err.message)));
            }
            rows.restart();
        });
    };
    rsx! {
        if let Some(message) = failure() {
            ErrorPanel { title: i18n.t(t::THRESHOLD_NOT_CHANGED), message }
        }
        div { class: "table-wrap",
            table { class: "data-table compact", "data-testid": "thresholds-table",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::MODULE)}" }
                        th { scope: "col", "{i18n.t(t::ENTRY_TYPE)}" }
                        th { scope: "col", "{i18n.t(t::POLICY)}" }
                        th { scope: "col", class: "num", "kg" }
                        th { scope: "col", class: "num", "{i18n.t(t::FLAGGED)}" }
                        th { scope: "col", "{i18n.t(t::CHANGE_POLICY)}" }
                    }
                }
                tbody {
                    for row in list {
                        tr { key: "{row.module}-{row.entry_type}", "data-type": "{row.entry_type}",
                            td { {module_label(lang, &row.module)} }
                            th { scope: "row", {type_label(lang, &row.entry_type)} }
                            td {
                                {match row.policy {
                                    ThresholdPolicyView::Fixed { kg } => t::policy_fixed(lang, kg),
                                    ThresholdPolicyView::Percentile { percentile } => t::policy_percentile(lang, percentile, row.is_default),
                                }}
                            }
                            td { class: "num", {row.kg.map_or_else(|| "—".to_owned(), format_kg)} }
                            td { class: "num", "{row.entries_above} / {row.entries}" }
                            td {
                                PolicyEditor {
                                    row: row.clone(),
                                    on_set: move |(module, entry_type, policy): (String, String, Option<ThresholdPolicyView>)| {
                                        act(Box::pin(async move {
                                            match policy {
                                                Some(p) => api::set_threshold(year, &module, &entry_type, &p).await.map(drop),
                                                None => api::reset_threshold(year, &module, &entry_type).await,
                                            }
                                        }))
                                    },
                                }
                            }
                        }
                    }
                }
            }
        }
        p { class: "muted small", "{number_in(lang, 95.0, 0)} % — {i18n.t(t::DEFAULT_POLICY)}" }
    }
}

/// Sets a fixed kg or a percentile, or goes back to the default.
#[component]
fn PolicyEditor(row: ThresholdView, on_set: EventHandler<(String, String, Option<ThresholdPolicyView>)>) -> Element {
    let i18n = use_i18n();
    let mut kind = use_signal(|| match row.policy {
        ThresholdPolicyView::Fixed { .. } => "fixed".to_owned(),
        ThresholdPolicyView::Percentile { .. } => "percentile".to_owned(),
    });
    let mut value = use_signal(|| match row.policy {
        ThresholdPolicyView::Fixed { kg } => kg.to_string(),
        ThresholdPolicyView::Percentile { percentile } => (percentile * 100.0).to_string(),
    });
    let (module, entry_type) = (row.module.clone(), row.entry_type.clone());
    let reset = {
        let (module, entry_type) = (module.clone(), entry_type.clone());
        move |_| on_set.call((module.clone(), entry_type.clone(), None))
    };
    rsx! {
        form { class: "policy-editor",
            onsubmit: move |evt: FormEvent| {
                evt.prevent_default();
                let Some(v) = co2_domain::fields::parse_decimal(&value()) else { return };
                let policy = if kind() == "fixed" {
                    ThresholdPolicyView::Fixed { kg: v }
                } else {
                    ThresholdPolicyView::Percentile { percentile: v / 100.0 }
                };
                on_set.call((module.clone(), entry_type.clone(), Some(policy)));
            },
            select { "data-testid": "policy-kind", aria_label: "{i18n.t(t::POLICY)}", onchange: move |e| kind.set(e.value()),
                option { value: "percentile", selected: kind() == "percentile", "{i18n.t(t::PERCENTILE)} (%)" }
                option { value: "fixed", selected: kind() == "fixed", "{i18n.t(t::FIXED_KG)}" }
            }
            input { r#type: "number", min: "0", step: "any", "data-testid": "policy-value", value: "{value}",
                aria_label: "{i18n.t(t::CHANGE_POLICY)}", oninput: move |e| value.set(e.value()) }
            button { class: "btn btn-secondary btn-small", r#type: "submit", "data-testid": "policy-save", "{i18n.t(t::SAVE_CHANGES)}" }
            if !row.is_default {
                button { class: "btn btn-ghost btn-small", r#type: "button", onclick: reset, "{i18n.t(t::RESET)}" }
            }
        }
    }
}

/// Which modules a year collects, each switched on or off for every unit.
#[component]
fn ModuleSwitches(year: YearSummary, on_done: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut failure = use_signal(|| None::<String>);
    let y = year.year;
    let collected = MODULES.len() - year.disabled_modules.len();
    rsx! {
        details { class: "module-switches", "data-testid": "modules-{y}",
            summary { "{collected}/{MODULES.len()}" }
            for m in MODULES.iter() {
                div { key: "{m.key}", class: "module-switch",
                    label { class: "check",
                        input { r#type: "checkbox", "data-module": m.key,
                            checked: !year.disabled_modules.iter().any(|d| d == m.key),
                            onchange: move |e| {
                                let enabled = e.checked();
                                spawn(async move {
                                    match api::set_module_enabled(y, m.key, enabled).await {
                                        Ok(_) => on_done.call(()),
                                        Err(err) => failure.set(Some(err.message)),
                                    }
                                });
                            },
                        }
                        " {module_label(lang, m.key)}"
                    }
                    // Its entry types (sub-modules), when it has several.
                    if types_of(m.key).len() > 1 {
                        div { class: "type-switches",
                            for det in types_of(m.key) {
                                span { key: "{det}", class: "type-switch",
                                    label { class: "check small",
                                        input { r#type: "checkbox", "data-entry-type": det,
                                            checked: !year.disabled_entry_types.iter().any(|d| d == det),
                                            onchange: move |e| {
                                                let enabled = e.checked();
                                                spawn(async move {
                                                    match api::set_entry_type_enabled(y, det, enabled).await {
                                                        Ok(_) => on_done.call(()),
                                                        Err(err) => failure.set(Some(err.message)),
                                                    }
                                                });
                                            },
                                        }
                                        " {type_label(lang, det)}"
                                    }
                                    label { class: "check small muted", title: t::CENTRALLY_FED_HINT.get(lang),
                                        input { r#type: "checkbox", "data-central": det,
                                            checked: year.central_entry_types.iter().any(|d| d == det),
                                            onchange: {
                                                let collected = !year.disabled_entry_types.iter().any(|d| d == det);
                                                move |e: FormEvent| {
                                                    let central = e.checked();
                                                    spawn(async move {
                                                        match api::set_entry_type_central(y, det, collected, central).await {
                                                            Ok(_) => on_done.call(()),
                                                            Err(err) => failure.set(Some(err.message)),
                                                        }
                                                    });
                                                }
                                            },
                                        }
                                        " {t::CENTRALLY_FED.get(lang)}"
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(msg) = failure() {
                p { class: "field-error", role: "alert", "{msg}" }
            }
        }
    }
}

/// The entry types (DET names) of a module, in DOMAIN order.
fn types_of(module: &str) -> Vec<&'static str> {
    co2_domain::Module::parse(module).map_or_else(Vec::new, |m| m.entry_types().map(|t| t.name()).collect())
}

/// The institution's long-term goals (e.g. −50 % by 2030, −100 % by 2040), which every reduction
/// plan's trajectory is drawn against: one line per target year, saved together.
#[component]
fn LongTermGoals() -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let goals = use_resource(api::institution_goals);
    // The goals as the last save answered them, else as loaded.
    let mut answered = use_signal(|| None::<Vec<co2_api_types::InstitutionGoal>>);
    let mut draft = use_signal(|| None::<Vec<(String, String, String)>>);
    let mut failure = use_signal(|| None::<String>);
    let mut saved = use_signal(|| false);
    let stored: Vec<co2_api_types::InstitutionGoal> = match (answered().as_ref(), &*goals.read()) {
        (Some(g), _) | (None, Some(Ok(g))) => g.clone(),
        (None, Some(Err(e))) => {
            return rsx! { ErrorPanel { title: i18n.t(t::LONG_TERM_GOALS), message: e.message.clone() } };
        }
        (None, None) => return rsx! {},
    };
    // Two lines to fill when none is set; the stored goals otherwise, with a free line.
    let mut rows = draft().unwrap_or_else(|| {
        let mut r: Vec<(String, String, String)> = stored
            .iter()
            .map(|g| (g.target_year.to_string(), g.reduction_percent.to_string(), g.reference_year.to_string()))
            .collect();
        r.push((String::new(), String::new(), String::new()));
        r
    });
    if rows.len() < 2 {
        rows.push((String::new(), String::new(), String::new()));
    }
    let save = {
        let rows = rows.clone();
        move |evt: FormEvent| {
            evt.prevent_default();
            let parsed: Vec<co2_api_types::InstitutionGoal> = rows
                .iter()
                .filter(|(y, _, _)| !y.trim().is_empty())
                .map(|(y, p, r)| co2_api_types::InstitutionGoal {
                    target_year: y.trim().parse().unwrap_or(0),
                    reduction_percent: p.trim().replace(',', ".").parse().unwrap_or(f64::NAN),
                    reference_year: r.trim().parse().unwrap_or(0),
                })
                .collect();
            failure.set(None);
            saved.set(false);
            spawn(async move {
                match api::set_institution_goals(&parsed).await {
                    Ok(now) => {
                        answered.set(Some(now));
                        draft.set(None);
                        saved.set(true);
                    }
                    Err(e) => failure.set(Some(e.message)),
                }
            });
        }
    };
    rsx! {
        form { class: "panel", "data-testid": "long-term-goals", onsubmit: save,
            h2 { class: "panel-title", "{i18n.t(t::LONG_TERM_GOALS)}" }
            p { class: "muted small", "{i18n.t(t::LONG_TERM_GOALS_HINT)}" }
            table { class: "data-table compact",
                thead {
                    tr {
                        th { scope: "col", "{i18n.t(t::TARGET_YEAR_GOAL)}" }
                        th { scope: "col", "{i18n.t(t::REDUCTION_PERCENT)}" }
                        th { scope: "col", "{i18n.t(t::REFERENCE_YEAR)}" }
                    }
                }
                tbody {
                    for (i, (y, p, r)) in rows.clone().into_iter().enumerate() {
                        tr { key: "{i}",
                            for (k, value) in [y, p, r].into_iter().enumerate() {
                                td { key: "{k}",
                                    input { r#type: "text", inputmode: "decimal", size: "6", value: "{value}",
                                        "data-testid": "goal-{i}-{k}",
                                        aria_label: [t::TARGET_YEAR_GOAL, t::REDUCTION_PERCENT, t::REFERENCE_YEAR][k].get(lang),
                                        oninput: {
                                            let rows = rows.clone();
                                            move |e: FormEvent| {
                                                let mut next = rows.clone();
                                                let cell = &mut next[i];
                                                match k {
                                                    0 => cell.0 = e.value(),
                                                    1 => cell.1 = e.value(),
                                                    _ => cell.2 = e.value(),
                                                }
                                                if next.last().is_some_and(|l| !l.0.is_empty()) {
                                                    next.push((String::new(), String::new(), String::new()));
                                                }
                                                draft.set(Some(next));
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button { class: "btn btn-primary", r#type: "submit", "data-testid": "goals-save", "{i18n.t(t::SAVE)}" }
            if saved() {
                p { class: "notice notice-ok", role: "status", "data-testid": "goals-saved", "{i18n.t(t::SAVED)}" }
            }
            if let Some(f) = failure() {
                p { class: "notice notice-error", role: "alert", "{f}" }
            }
        }
    }
}
