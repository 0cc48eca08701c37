//! "Why this number": the detail of an entry's kg, opened from its row in the entries table —
//! for each emission row the formula in words, the values that went in, the defaults applied and
//! the factors with their source and year; then what was entered. Owns its one read
//! (`GET /api/v1/entries/{id}/explanation`).

use co2_api_types::{EntryExplanation, FactorOrigin, FactorView, RowExplanation};
use dioxus::prelude::*;

use crate::api;
use crate::components::{ErrorPanel, Loading};
use crate::i18n::{Lang, use_i18n};
use crate::model::{category_label, format_kg, in_lang, number_in, term_number};
use crate::text as t;

/// A value of a term or an input: numbers in the reader's language, texts as they are.
fn value_text(lang: Lang, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| term_number(lang, x)),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The detail of entry `entry_id`, with a close button.
#[component]
pub fn WhyPanel(entry_id: uuid::Uuid, on_close: EventHandler<()>) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let explanation = use_resource(move || async move { api::entry_explanation(entry_id).await });
    let body = match &*explanation.read() {
        None => rsx! { Loading { label: i18n.t(t::LOADING) } },
        Some(Err(e)) => rsx! { ErrorPanel { title: i18n.t(t::WHY_THIS_NUMBER), message: e.message.clone() } },
        Some(Ok(x)) => rsx! { Explained { x: x.clone() } },
    };
    rsx! {
        section { class: "why-panel", "data-testid": "why-panel", aria_label: i18n.t(t::WHY_THIS_NUMBER),
            div { class: "why-head",
                h3 { "{i18n.t(t::WHY_THIS_NUMBER)}" }
                button { class: "btn btn-ghost btn-small", r#type: "button", "data-testid": "why-close",
                    onclick: move |_| on_close.call(()), "{t::CLOSE.get(lang)}" }
            }
            p { class: "muted", "{i18n.t(t::WHY_LEAD)}" }
            {body}
        }
    }
}

#[component]
fn Explained(x: EntryExplanation) -> Element {
    let lang = use_i18n().lang();
    let mut inputs: Vec<(String, String)> = match &x.inputs {
        serde_json::Value::Object(m) => {
            m.iter().map(|(k, v)| (k.clone(), value_text(lang, v))).filter(|(_, v)| !v.is_empty()).collect()
        }
        _ => Vec::new(),
    };
    inputs.sort();
    rsx! {
        p { class: "why-quality", "data-testid": "why-quality", "data-class": "{x.quality}",
            strong { "{t::QUALITY_CLASS.get(lang)}{t::colon(lang)}" }
            "{t::quality_class(&x.quality).get(lang)}"
        }
        if x.rows.is_empty() {
            p { class: "tag tag-warn", "data-testid": "why-incomplete",
                "{t::NO_ROW_COMPUTED.get(lang)}"
                if let Some(r) = &x.incomplete_reason { ": {r}" }
            }
        }
        for (i, row) in x.rows.iter().enumerate() {
            ExplainedRow { key: "{i}", row: row.clone() }
        }
        h4 { "{t::WHAT_WAS_ENTERED.get(lang)}" }
        dl { class: "why-inputs", "data-testid": "why-inputs",
            for (k, v) in inputs {
                div { key: "{k}",
                    dt { class: "mono", "{k}" }
                    dd { "{v}" }
                }
            }
        }
    }
}

#[component]
fn ExplainedRow(row: RowExplanation) -> Element {
    let lang = use_i18n().lang();
    let category = co2_domain::EmissionType::by_key(&row.emission_type)
        .map(|l| category_label(lang, l.category.key()))
        .unwrap_or_default();
    rsx! {
        article { class: "why-row", "data-testid": "why-row", "data-leaf": "{row.emission_type}",
            h4 {
                "{category} · "
                span { class: "mono", "{row.emission_type}" }
                " · Scope {row.scope} · "
                strong { "{in_lang(lang, &format_kg(row.kg_co2eq))} kg CO₂e" }
                if let Some(u) = row.uncertainty_pct {
                    span { class: "muted", "data-testid": "why-uncertainty", " ± {number_in(lang, u, 0)} %" }
                }
            }
            match &row.formula_text {
                Some(f) => rsx! {
                    p { class: "why-formula", "data-testid": "why-formula",
                        strong { "{t::FORMULA.get(lang)}{t::colon(lang)}" }
                        {match lang { Lang::En => f.en.clone(), Lang::Fr => f.fr.clone() }}
                    }
                },
                None => rsx! { p { class: "muted", "data-testid": "why-not-recorded", "{t::NOT_EXPLAINED.get(lang)}" } },
            }
            if !row.terms.is_empty() {
                table { class: "data-table compact why-terms", "data-testid": "why-terms",
                    caption { class: "visually-hidden", "{t::VALUES_USED.get(lang)}" }
                    thead {
                        tr {
                            th { scope: "col", "{t::VALUES_USED.get(lang)}" }
                            th { scope: "col", class: "num", "" }
                            th { scope: "col", "" }
                        }
                    }
                    tbody {
                        for term in row.terms.iter() {
                            tr { key: "{term.name}", "data-term": "{term.name}",
                                th { scope: "row", class: "mono", "{term.name}" }
                                td { class: "num", "{value_text(lang, &term.value)}" }
                                td { "{term.unit}" }
                            }
                        }
                    }
                }
            }
            if !row.defaults.is_empty() {
                h5 { "{t::DEFAULTS_APPLIED.get(lang)}" }
                ul { class: "why-defaults", "data-testid": "why-defaults",
                    for d in row.defaults.iter() {
                        li { key: "{d.field}",
                            span { class: "mono", "{d.field}" }
                            " = {value_text(lang, &d.value)} — "
                            {match lang { Lang::En => d.why.en.clone(), Lang::Fr => d.why.fr.clone() }}
                        }
                    }
                }
            }
            if !row.factors.is_empty() {
                h5 { "{t::FACTORS_USED.get(lang)}" }
                ul { class: "why-factors",
                    for f in row.factors.iter() {
                        FactorLine { key: "{f.factor_id}", f: f.clone() }
                    }
                }
            }
        }
    }
}

#[component]
fn FactorLine(f: FactorView) -> Element {
    let lang = use_i18n().lang();
    let classification: Vec<String> = match &f.classification {
        serde_json::Value::Object(m) => m.values().map(|v| value_text(lang, v)).filter(|v| !v.is_empty()).collect(),
        _ => Vec::new(),
    };
    let origin = match f.origin {
        FactorOrigin::Shipped => format!(
            "{}{}",
            t::SHIPPED_FACTOR.get(lang),
            f.shipped_source.as_deref().map(|s| format!(": {s}")).unwrap_or_default()
        ),
        FactorOrigin::Uploaded => format!(
            "{} {}",
            t::UPLOADED_FACTOR.get(lang),
            t::uploaded_by(lang, f.loaded_by.as_deref(), &f.updated_at.format("%Y-%m-%d").to_string())
        ),
    };
    rsx! {
        li { class: "why-factor", "data-testid": "why-factor", "data-origin": if f.origin == FactorOrigin::Shipped { "shipped" } else { "uploaded" },
            strong { "{classification.join(\" / \")}" }
            " — {t::factor_place(lang, f.year, f.file.as_deref())} — {origin}"
            if f.stale {
                " "
                span { class: "tag tag-warn", "{t::STALE_FACTOR.get(lang)}" }
            }
        }
    }
}
