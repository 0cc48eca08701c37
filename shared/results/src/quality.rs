//! The data quality and uncertainty of a unit-year (`co2_domain::quality` applied to its rows):
//! per module and in total, a quality class per entry, a kg-weighted score, the coverage, the ±
//! range of the kg, and the factors whose better data would shrink the range most.

use co2_api_types::{ModuleQuality, QualityClassShare, QualityHint, QualitySummary, QualityView};
use co2_db::results::QualityRow;
use co2_domain::explain::{Explanation, Formula};
use co2_domain::quality::{QualityClass, Uncertainty, row_uncertainty_pct};
use co2_domain::{EntryType, Module};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// How the view is computed, for whoever reads it.
pub const METHOD: &str = "Each entry's class comes from how its rows were computed (a default standing in for a blank \
input makes it default-filled). The score is the kg-weighted mean of the classes' weights (measured 100, \
activity-based 80, overridden 60, spend-based 50, default-filled 40). Each row's ± is its factor's uncertainty_pct, \
else its formula's documented default, widened by each default applied; rows sharing a factor err together and \
factors independently (IPCC 2006, Vol. 1, ch. 3, approach 1). Rows computed before explanations were recorded \
count as activity-based at ± 50 % until the module is recalculated.";

/// The ± % of a row computed before explanations were recorded.
const UNEXPLAINED_PCT: f64 = 50.0;

#[derive(Default)]
struct Tally {
    entries: i64,
    computed: i64,
    kg: f64,
    weighted: f64,
    classes: BTreeMap<QualityClass, (i64, f64)>,
    uncertainty: Uncertainty,
}

impl Tally {
    fn add_entry(&mut self, class: QualityClass, kg: f64) {
        self.entries += 1;
        if class != QualityClass::Incomplete {
            self.computed += 1;
        }
        self.kg += kg;
        self.weighted += kg * class.weight();
        let c = self.classes.entry(class).or_default();
        c.0 += 1;
        c.1 += kg;
    }

    fn summary(&self) -> QualitySummary {
        let u = self.uncertainty.kg();
        QualitySummary {
            entries: self.entries,
            computed_entries: self.computed,
            coverage: if self.entries == 0 { 1.0 } else { self.computed as f64 / self.entries as f64 },
            score: (self.kg > 0.0).then(|| 100.0 * self.weighted / self.kg),
            kg_co2eq: self.kg,
            uncertainty_kg: u,
            uncertainty_pct: (self.kg > 0.0).then(|| 100.0 * u / self.kg),
            classes: QualityClass::ALL
                .into_iter()
                .map(|c| {
                    let (entries, kg_co2eq) = self.classes.get(&c).copied().unwrap_or_default();
                    QualityClassShare { class: c.key().to_owned(), entries, kg_co2eq }
                })
                .collect(),
        }
    }
}

/// What a group of rows (one factor, or one module's rows without a factor) is, for its hint.
struct Group {
    module: String,
    entry_type: i16,
    subject: String,
    entries: std::collections::BTreeSet<Uuid>,
    kg: f64,
    /// The weakest class among its entries.
    class: QualityClass,
}

fn subject_of(classification: Option<&serde_json::Value>, formula: Option<Formula>) -> String {
    let parts: Vec<String> = match classification {
        Some(serde_json::Value::Object(m)) => m
            .values()
            .filter_map(|v| match v {
                serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if parts.is_empty() { formula.map_or_else(|| "unexplained".to_owned(), Formula::key) } else { parts.join(" / ") }
}

fn advice(class: QualityClass) -> &'static str {
    match class {
        QualityClass::DefaultFilled | QualityClass::Incomplete => "fill_blank_inputs",
        QualityClass::SpendBased => "use_activity_data",
        QualityClass::ActivityBased => "measure_activity",
        QualityClass::Overridden => "document_given_kg",
        QualityClass::Measured => "refine_factor",
    }
}

/// The quality view of a unit-year from its rows ([`co2_db::results::quality_rows`]).
pub fn quality_of(unit: &str, year: i32, rows: &[QualityRow]) -> QualityView {
    // Rows by entry, in the order read (module, then entry).
    let mut entries: Vec<(&str, Uuid, i16, Vec<&QualityRow>)> = Vec::new();
    for r in rows {
        match entries.last_mut() {
            Some((_, id, _, list)) if *id == r.data_entry_id => list.push(r),
            _ => entries.push((&r.module, r.data_entry_id, r.data_entry_type, vec![r])),
        }
    }
    let mut total = Tally::default();
    let mut modules: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut groups: HashMap<String, Group> = HashMap::new();
    for (module, id, det, rows) in &entries {
        let computed: Vec<&&QualityRow> = rows.iter().filter(|r| r.kg_co2eq.is_some()).collect();
        let explained: Vec<&Explanation> = computed.iter().filter_map(|r| r.explanation.as_ref()).collect();
        let class = if computed.is_empty() {
            QualityClass::Incomplete
        } else if explained.len() < computed.len() {
            QualityClass::ActivityBased
        } else {
            QualityClass::of_entry(explained.iter().copied())
        };
        let kg: f64 = computed.iter().filter_map(|r| r.kg_co2eq).sum();
        total.add_entry(class, kg);
        let tally = modules.entry(module).or_default();
        tally.add_entry(class, kg);
        for r in computed {
            let row_kg = r.kg_co2eq.unwrap_or_default();
            let pct = r.explanation.as_ref().map_or(UNEXPLAINED_PCT, |e| row_uncertainty_pct(e, r.factor_pct));
            let key = match r.factor_id {
                Some(f) => f.to_string(),
                None => format!("{module}/{}", subject_of(None, r.explanation.as_ref().map(|e| e.formula))),
            };
            tally.uncertainty.add(&key, row_kg, pct);
            total.uncertainty.add(&key, row_kg, pct);
            let g = groups.entry(key).or_insert_with(|| Group {
                module: (*module).to_owned(),
                entry_type: *det,
                subject: subject_of(r.classification.as_ref(), r.explanation.as_ref().map(|e| e.formula)),
                entries: Default::default(),
                kg: 0.0,
                class,
            });
            g.entries.insert(*id);
            g.kg += row_kg;
            g.class = g.class.max(class);
        }
    }
    let hints = total
        .uncertainty
        .largest(3)
        .into_iter()
        .filter_map(|(key, uncertainty_kg, share)| {
            let g = groups.get(&key)?;
            Some(QualityHint {
                module: g.module.clone(),
                entry_type: EntryType::from_id(g.entry_type)
                    .map_or_else(|| g.entry_type.to_string(), |t| t.name().to_owned()),
                subject: g.subject.clone(),
                entries: g.entries.len() as i64,
                kg_co2eq: g.kg,
                uncertainty_kg,
                share_of_variance: share,
                advice: advice(g.class).to_owned(),
            })
        })
        .collect();
    QualityView {
        unit: unit.to_owned(),
        year,
        total: total.summary(),
        modules: Module::ALL
            .iter()
            .filter_map(|m| {
                modules.get(m.key()).map(|t| ModuleQuality { module: m.key().to_owned(), summary: t.summary() })
            })
            .collect(),
        hints,
        method: METHOD.to_owned(),
    }
}

/// The quality view of (unit, year), read on `db`.
pub async fn unit_quality(db: &co2_db::Db, unit_id: Uuid, unit: &str, year: i32) -> co2_db::DbResult<QualityView> {
    let rows = co2_db::results::quality_rows(db, unit_id, year).await?;
    Ok(quality_of(unit, year, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use co2_domain::explain::DefaultRule;

    fn row(module: &str, entry: u128, kg: Option<f64>, e: Option<Explanation>, factor: Option<u128>) -> QualityRow {
        QualityRow {
            module: module.to_owned(),
            data_entry_id: Uuid::from_u128(entry),
            data_entry_type: EntryType::Scientific.id(),
            kg_co2eq: kg,
            explanation: e,
            factor_id: factor.map(Uuid::from_u128),
            factor_pct: None,
            classification: Some(serde_json::json!({"equipment_class": "Centrifugation", "sub_class": null})),
        }
    }

    #[test]
    fn classes_score_coverage_range_and_the_largest_hint_of_a_unit_year() {
        let eq = || Some(Explanation::of(Formula::Equipment));
        let defaulted = Some(Explanation::of(Formula::Equipment).defaulted(
            "active_usage_hours_per_week",
            40.0,
            DefaultRule::FactorHours,
        ));
        let rows = [
            row("equipment", 1, Some(100.0), eq(), Some(10)),
            row("equipment", 2, Some(300.0), defaulted, Some(10)),
            row("equipment", 3, None, None, None),
            row("purchase", 4, Some(100.0), Some(Explanation::of(Formula::Purchase)), Some(20)),
        ];
        let v = quality_of("9001", 2025, &rows);
        assert_eq!((v.total.entries, v.total.computed_entries), (4, 3));
        assert!((v.total.coverage - 0.75).abs() < 1e-12);
        // (100 × 0.8 + 300 × 0.4 + 100 × 0.5) ÷ 500 = 50.
        assert!((v.total.score.unwrap() - 50.0).abs() < 1e-9);
        let eq_module = &v.modules[0];
        assert_eq!(eq_module.module, "equipment");
        // One factor: 100 × 30 % + 300 × √(30² + 50²) % together.
        let expected = 30.0 + 3.0 * 30.0_f64.hypot(50.0);
        assert!((eq_module.summary.uncertainty_kg - expected).abs() < 1e-9, "{}", eq_module.summary.uncertainty_kg);
        // The unit-year: that factor and the purchase factor (± 50 kg) independently.
        assert!((v.total.uncertainty_kg - expected.hypot(50.0)).abs() < 1e-9);
        let classes: Vec<(&str, i64)> = v.total.classes.iter().map(|c| (c.class.as_str(), c.entries)).collect();
        assert_eq!(
            classes,
            [
                ("measured", 0),
                ("activity_based", 1),
                ("spend_based", 1),
                ("default_filled", 1),
                ("overridden", 0),
                ("incomplete", 1)
            ]
        );
        let hint = &v.hints[0];
        assert_eq!((hint.module.as_str(), hint.subject.as_str(), hint.entries), ("equipment", "Centrifugation", 2));
        assert_eq!(hint.advice, "fill_blank_inputs");
        assert!(hint.share_of_variance > 0.9 && v.hints[1].advice == "use_activity_data");
    }
}
