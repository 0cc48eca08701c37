//! Data quality and uncertainty, derived from how each row was computed (its [`Explanation`]).
//!
//! - **Quality class** of an entry: measured, activity-based, spend-based, default-filled,
//!   overridden or incomplete, with a weight for a kg-weighted score.
//! - **Uncertainty** of a row: the ± % of its factor (the factor file's optional
//!   `uncertainty_pct`, else the documented default of its formula, below), widened by each
//!   default that stood in for an input.
//! - **Propagation** to a total: rows that share a factor err together (their ± add up); rows of
//!   different factors are independent (their ± add in quadrature). This is the error
//!   propagation of the IPCC 2006 Guidelines (Vol. 1, ch. 3, approach 1), with the correlation
//!   carried by the shared factor.
//!
//! The defaults follow the uncertainty classes of emission-factor databases (5, 10, 20, 30, 50
//! and 80 %): a metered fuel or a gas's GWP is known within a few %, and a spend-based or AI factor
//! only within 50–80 %. An institution that knows better sets `uncertainty_pct` per factor.

use crate::explain::{DefaultRule, Explanation, Formula};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How good an entry's data is, from the best to none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityClass {
    /// The emitting quantity itself was measured (fuel burnt, gas emitted, material consumed).
    Measured,
    /// An activity (km, kWh from power × hours, m², FTE, requests) times a modelled factor.
    ActivityBased,
    /// Money spent times an average factor per EUR.
    SpendBased,
    /// A default stood in for an input the entry left blank.
    DefaultFilled,
    /// The kg was given with the entry.
    Overridden,
    /// No emission could be computed.
    Incomplete,
}

impl QualityClass {
    pub const ALL: [QualityClass; 6] = [
        QualityClass::Measured,
        QualityClass::ActivityBased,
        QualityClass::SpendBased,
        QualityClass::DefaultFilled,
        QualityClass::Overridden,
        QualityClass::Incomplete,
    ];

    /// Its key in the API (`activity_based`).
    pub fn key(self) -> &'static str {
        match self {
            QualityClass::Measured => "measured",
            QualityClass::ActivityBased => "activity_based",
            QualityClass::SpendBased => "spend_based",
            QualityClass::DefaultFilled => "default_filled",
            QualityClass::Overridden => "overridden",
            QualityClass::Incomplete => "incomplete",
        }
    }

    /// Its weight in the score: 1 for the best data, 0 for none.
    pub fn weight(self) -> f64 {
        match self {
            QualityClass::Measured => 1.0,
            QualityClass::ActivityBased => 0.8,
            QualityClass::Overridden => 0.6,
            QualityClass::SpendBased => 0.5,
            QualityClass::DefaultFilled => 0.4,
            QualityClass::Incomplete => 0.0,
        }
    }

    /// The class of an entry from the explanations of its rows: none → incomplete; a row
    /// computed with a default → default-filled; else its formula's class.
    pub fn of_entry<'a>(rows: impl IntoIterator<Item = &'a Explanation>) -> QualityClass {
        let mut class = None;
        for e in rows {
            if !e.defaults.is_empty() {
                return QualityClass::DefaultFilled;
            }
            class = Some(class.map_or(e.formula.quality(), |c: QualityClass| c.max(e.formula.quality())));
        }
        class.unwrap_or(QualityClass::Incomplete)
    }
}

impl Formula {
    /// The quality of the data a row of this formula is computed from.
    pub fn quality(self) -> QualityClass {
        match self {
            Formula::Combustion | Formula::Process | Formula::AdditionalPurchase => QualityClass::Measured,
            Formula::Equipment
            | Formula::Plane
            | Formula::Train
            | Formula::RoomUse
            | Formula::RoomHeating
            | Formula::Embodied
            | Formula::Facility
            | Formula::Animal
            | Formula::Ai
            | Formula::Headcount => QualityClass::ActivityBased,
            Formula::Purchase | Formula::Cloud => QualityClass::SpendBased,
            Formula::Override => QualityClass::Overridden,
            // An estimate from last year's entry, not this year's data.
            Formula::ShareOfLastYear => QualityClass::DefaultFilled,
        }
    }

    /// The documented ± % of a row of this formula when its factor gives none (half-width of a
    /// 95 % interval, relative to the kg).
    pub fn default_uncertainty_pct(self) -> f64 {
        match self {
            Formula::Combustion => 5.0,
            Formula::Process => 10.0,
            Formula::Train => 20.0,
            Formula::Plane => 25.0,
            Formula::Equipment | Formula::AdditionalPurchase | Formula::Facility | Formula::Animal => 30.0,
            Formula::Override => 30.0,
            Formula::RoomUse | Formula::RoomHeating | Formula::Headcount | Formula::ShareOfLastYear => 40.0,
            Formula::Embodied | Formula::Purchase => 50.0,
            Formula::Cloud => 60.0,
            Formula::Ai => 80.0,
        }
    }
}

impl DefaultRule {
    /// The ± % a default adds to its row (in quadrature).
    pub fn uncertainty_pct(self) -> f64 {
        match self {
            DefaultRule::FactorHours | DefaultRule::RestOfWorldTrain | DefaultRule::DefaultBuilding => 50.0,
            DefaultRule::ComputedFacilitySum => 20.0,
        }
    }
}

/// The ± % of one row: its factor's (`factor_pct`, from the factor file) or its formula's
/// default, widened in quadrature by each default applied.
pub fn row_uncertainty_pct(e: &Explanation, factor_pct: Option<f64>) -> f64 {
    let base = factor_pct.filter(|p| p.is_finite() && *p >= 0.0).unwrap_or_else(|| e.formula.default_uncertainty_pct());
    let widened: f64 = e.defaults.iter().map(|d| d.rule.uncertainty_pct().powi(2)).sum();
    (base.powi(2) + widened).sqrt()
}

/// The ± kg of a total, built row by row: rows of one group (one factor) add their ± kg, the
/// groups add in quadrature.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Uncertainty {
    groups: BTreeMap<String, f64>,
}

impl Uncertainty {
    /// Counts a row of `kg` at `pct` ± % in `group`.
    pub fn add(&mut self, group: &str, kg: f64, pct: f64) {
        if kg.is_finite() && pct.is_finite() {
            *self.groups.entry(group.to_owned()).or_default() += kg.abs() * pct / 100.0;
        }
    }

    /// Adds another total's groups (the same group in both adds up).
    pub fn merge(&mut self, other: &Uncertainty) {
        for (g, kg) in &other.groups {
            *self.groups.entry(g.clone()).or_default() += kg;
        }
    }

    /// The ± kg of the total.
    pub fn kg(&self) -> f64 {
        self.groups.values().map(|h| h * h).sum::<f64>().sqrt()
    }

    /// The groups by their share of the total's variance, largest first: where better data
    /// would shrink the range most.
    pub fn largest(&self, n: usize) -> Vec<(String, f64, f64)> {
        let variance: f64 = self.groups.values().map(|h| h * h).sum();
        let mut out: Vec<(String, f64, f64)> = self
            .groups
            .iter()
            .filter(|(_, h)| **h > 0.0)
            .map(|(g, h)| (g.clone(), *h, if variance > 0.0 { h * h / variance } else { 0.0 }))
            .collect();
        out.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        out.truncate(n);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entrys_class_comes_from_its_formula_unless_a_default_stood_in() {
        let plane = Explanation::of(Formula::Plane);
        let gas = Explanation::of(Formula::Combustion);
        let defaulted = Explanation::of(Formula::Equipment).defaulted(
            "active_usage_hours_per_week",
            40.0,
            DefaultRule::FactorHours,
        );
        assert_eq!(QualityClass::of_entry([&plane]), QualityClass::ActivityBased);
        assert_eq!(QualityClass::of_entry([&gas]), QualityClass::Measured);
        assert_eq!(QualityClass::of_entry([&defaulted]), QualityClass::DefaultFilled);
        assert_eq!(QualityClass::of_entry([&Explanation::of(Formula::Purchase)]), QualityClass::SpendBased);
        assert_eq!(QualityClass::of_entry([&Explanation::overridden(3.0)]), QualityClass::Overridden);
        assert_eq!(QualityClass::of_entry(std::iter::empty::<&Explanation>()), QualityClass::Incomplete);
        // The weaker of two rows' classes.
        assert_eq!(QualityClass::of_entry([&gas, &plane]), QualityClass::ActivityBased);
        for c in QualityClass::ALL {
            assert!((0.0..=1.0).contains(&c.weight()), "{c:?}");
        }
    }

    #[test]
    fn a_rows_uncertainty_is_its_factors_or_its_formulas_widened_by_its_defaults() {
        let plain = Explanation::of(Formula::Equipment);
        assert_eq!(row_uncertainty_pct(&plain, None), 30.0);
        assert_eq!(row_uncertainty_pct(&plain, Some(12.0)), 12.0);
        let defaulted = plain.clone().defaulted("active_usage_hours_per_week", 40.0, DefaultRule::FactorHours);
        // √(30² + 50²) = 58.31 %.
        assert!((row_uncertainty_pct(&defaulted, None) - 30.0_f64.hypot(50.0)).abs() < 1e-9);
    }

    #[test]
    fn rows_of_one_factor_err_together_and_factors_independently() {
        let mut u = Uncertainty::default();
        // Two rows of one factor: 100 kg ± 10 % and 300 kg ± 10 % → ± 40 kg together.
        u.add("f1", 100.0, 10.0);
        u.add("f1", 300.0, 10.0);
        // Another factor: ± 30 kg, independent → √(40² + 30²) = 50 kg.
        u.add("f2", 60.0, 50.0);
        assert!((u.kg() - 50.0).abs() < 1e-9);
        let largest = u.largest(5);
        assert_eq!(largest[0].0, "f1");
        assert!((largest[0].2 - 0.64).abs() < 1e-9 && (largest[1].2 - 0.36).abs() < 1e-9);
        let mut total = Uncertainty::default();
        total.merge(&u);
        total.merge(&u);
        assert!((total.kg() - 100.0).abs() < 1e-9, "the same factors in two parts add up");
    }
}
