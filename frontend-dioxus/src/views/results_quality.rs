//! The data-quality section of the results page: the score, the coverage and the ± range of the
//! total, the entries by quality class, each module's figures, and where better data would
//! shrink the range most (`GET …/quality`).

use co2_api_types::{QualityClassShare, QualitySummary, QualityView};
use dioxus::prelude::*;

use crate::api;
use crate::i18n::{Lang, use_i18n};
use crate::model::{module_label, number_in, percent_in, tonnes_in};
use crate::text as t;

/// The colour of a quality class, from the best data (dark) to none (light).
fn class_colour(key: &str) -> &'static str {
    match key {
        "measured" => "#17564a",
        "activity_based" => "#2f8f74",
        "spend_based" => "#8fbfae",
        "default_filled" => "#d9a441",
        "overridden" => "#7a6fb0",
        _ => "#c9d1ce",
    }
}

/// The classes with kg, each with where its segment starts (0–100).
fn segments(classes: &[QualityClassShare], total_kg: f64) -> Vec<(&QualityClassShare, f64)> {
    let mut x = 0.0;
    classes
        .iter()
        .filter(|c| c.kg_co2eq > 0.0)
        .map(|c| {
            let start = x;
            x += 100.0 * c.kg_co2eq / total_kg;
            (c, start)
        })
        .collect()
}

/// "12.3 t ± 2.1 t (± 17 %)".
fn range(lang: Lang, s: &QualitySummary) -> String {
    let pct = s.uncertainty_pct.map(|p| format!(" (± {} %)", number_in(lang, p, 0))).unwrap_or_default();
    format!("{} t ± {} t{pct}", tonnes_in(lang, s.kg_co2eq), tonnes_in(lang, s.uncertainty_kg))
}

/// The section, loaded on its own so the figures above never wait for it.
#[component]
pub fn QualitySection(unit: String, year: i32) -> Element {
    let quality = use_resource(use_reactive!(|unit, year| async move { api::quality(&unit, year).await }));
    match &*quality.read() {
        Some(Ok(q)) => rsx! { Quality { q: q.clone() } },
        // The figures stand without it; a failure leaves the section out.
        _ => rsx! {},
    }
}

#[component]
fn Quality(q: QualityView) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let total = &q.total;
    if total.entries == 0 {
        return rsx! {};
    }
    let classed_kg: f64 = total.classes.iter().map(|c| c.kg_co2eq).sum();
    rsx! {
        section { class: "panel quality", "data-testid": "results-quality",
            h2 { class: "panel-title", "{i18n.t(t::QUALITY_TITLE)}" }
            p { class: "muted small", "{i18n.t(t::QUALITY_LEAD)}" }
            div { class: "summary-cards",
                div { class: "summary-card", "data-testid": "quality-score",
                    span { class: "summary-label", "{i18n.t(t::QUALITY_SCORE)}" }
                    span { class: "summary-value",
                        {total.score.map_or_else(|| "—".to_owned(), |s| format!("{} / 100", number_in(lang, s, 0)))}
                    }
                }
                div { class: "summary-card", "data-testid": "quality-coverage",
                    span { class: "summary-label", "{i18n.t(t::QUALITY_COVERAGE)}" }
                    span { class: "summary-value", "{percent_in(lang, total.coverage)}" }
                    span { class: "muted small", "{total.computed_entries} / {total.entries} {i18n.t(t::ENTRIES_WORD)}" }
                }
                div { class: "summary-card", "data-testid": "quality-range",
                    span { class: "summary-label", "{i18n.t(t::QUALITY_RANGE)}" }
                    span { class: "summary-value", "{range(lang, total)}" }
                }
            }
            if classed_kg > 0.0 {
                // SVG attributes, not inline styles: the page's CSP allows no style attribute.
                svg { class: "quality-bar", role: "img", "aria-label": "{i18n.t(t::QUALITY_TITLE)}",
                    view_box: "0 0 100 4", preserve_aspect_ratio: "none",
                    for (c, x) in segments(&total.classes, classed_kg) {
                        rect { key: "{c.class}", x: "{x}", y: "0", width: "{100.0 * c.kg_co2eq / classed_kg}", height: "4",
                            fill: class_colour(&c.class) }
                    }
                }
            }
            ul { class: "quality-legend", "data-testid": "quality-classes",
                for c in total.classes.iter().filter(|c| c.entries > 0) {
                    li { key: "{c.class}", "data-class": "{c.class}",
                        svg { class: "legend-swatch", view_box: "0 0 1 1", "aria-hidden": "true",
                            rect { width: "1", height: "1", fill: class_colour(&c.class) }
                        }
                        "{t::quality_class(&c.class).get(lang)}{t::colon(lang)}{t::entries_count(lang, c.entries)}, {tonnes_in(lang, c.kg_co2eq)} t"
                    }
                }
            }
            div { class: "table-wrap",
                table { class: "data-table compact", "data-testid": "quality-modules",
                    thead {
                        tr {
                            th { scope: "col", "{i18n.t(t::MODULE)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::QUALITY_COVERAGE)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::SCORE_WORD)}" }
                            th { scope: "col", class: "num", "{i18n.t(t::QUALITY_RANGE)}" }
                        }
                    }
                    tbody {
                        for m in q.modules.iter() {
                            tr { key: "{m.module}", "data-module": "{m.module}",
                                th { scope: "row", "{module_label(lang, &m.module)}" }
                                td { class: "num", "{m.summary.computed_entries} / {m.summary.entries}" }
                                td { class: "num",
                                    {m.summary.score.map_or_else(|| "—".to_owned(), |s| number_in(lang, s, 0))}
                                }
                                td { class: "num", "{range(lang, &m.summary)}" }
                            }
                        }
                    }
                }
            }
            if !q.hints.is_empty() {
                h3 { "{i18n.t(t::QUALITY_WHERE)}" }
                ol { class: "quality-hints", "data-testid": "quality-hints",
                    for (i, h) in q.hints.iter().enumerate() {
                        li { key: "{i}", "data-advice": "{h.advice}",
                            strong { "{module_label(lang, &h.module)} · {h.subject}" }
                            " ({t::entries_count(lang, h.entries)}, ± {tonnes_in(lang, h.uncertainty_kg)} t, {percent_in(lang, h.share_of_variance)}) — "
                            "{t::quality_advice(&h.advice).get(lang)}"
                        }
                    }
                }
            }
            details { class: "muted small",
                summary { "{i18n.t(t::QUALITY_METHOD)}" }
                p { "{i18n.t(t::QUALITY_METHOD_TEXT)}" }
            }
        }
    }
}
