//! The `percentage_of_last_year` input of DOMAIN §5.9, used by the planner and the simulator: an
//! entry's emissions are a percentage of the matching entry's in the prior-year report.
//!
//! The prior year is the reference year if set, else year − 1; same unit, module and entry type.
//! The matching entry is found by `user_institutional_id`, else by `name`. One row; no match, no row.

use crate::emission::{Computation, EmissionRow, EmissionType};
use crate::explain::{Explanation, Formula};

/// A prior-year entry as the caller loaded it.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorEntry {
    pub user_institutional_id: Option<String>,
    pub name: Option<String>,
    /// Σ kg of its rows.
    pub kg_co2eq: f64,
}

/// What identifies the entry being planned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryKey<'a> {
    pub user_institutional_id: Option<&'a str>,
    pub name: Option<&'a str>,
}

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    matches!((a.map(str::trim), b.map(str::trim)), (Some(x), Some(y)) if !x.is_empty() && x.eq_ignore_ascii_case(y))
}

/// The prior-year entry matching `key`: by person id first, else by name.
pub fn find_prior<'p>(key: EntryKey<'_>, prior: &'p [PriorEntry]) -> Option<&'p PriorEntry> {
    prior
        .iter()
        .find(|p| same(key.user_institutional_id, p.user_institutional_id.as_deref()))
        .or_else(|| prior.iter().find(|p| same(key.name, p.name.as_deref())))
}

/// kg = p / 100 × the matching prior entry's kg, as one row on `leaf` (no quantity, no factor).
pub fn percentage_of_last_year(
    percent: f64,
    key: EntryKey<'_>,
    prior: &[PriorEntry],
    leaf: EmissionType,
) -> Computation {
    if !percent.is_finite() || percent < 0.0 {
        return Computation::Incomplete(format!("percentage_of_last_year must be a number ≥ 0, not {percent}"));
    }
    match find_prior(key, prior) {
        Some(p) => {
            Computation::Rows(vec![EmissionRow {
                emission_type: leaf,
                kg_co2eq: percent / 100.0 * p.kg_co2eq,
                quantity: None,
                quantity_unit: None,
                factor_ids: vec![],
                explanation: Explanation::of(Formula::ShareOfLastYear)
                    .term("percentage_of_last_year", percent, "%")
                    .term("prior_kg_co2eq", p.kg_co2eq, "kg CO₂-eq"),
            }])
        }
        None => Computation::Incomplete("no matching entry in the prior-year report".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior() -> Vec<PriorEntry> {
        vec![
            PriorEntry {
                user_institutional_id: Some("100001".into()),
                name: Some("GVA-JFK".into()),
                kg_co2eq: 1616.62,
            },
            PriorEntry { user_institutional_id: None, name: Some("Conference trip".into()), kg_co2eq: 400.0 },
        ]
    }

    fn leaf() -> EmissionType {
        EmissionType::known("professional_travel__plane__eco")
    }

    #[test]
    fn g25_fifty_percent_of_last_years_1616_62_kg_is_808_31_kg_in_one_row() {
        let key = EntryKey { user_institutional_id: Some("100001"), name: None };
        let c = percentage_of_last_year(50.0, key, &prior(), leaf());
        assert_eq!(c.rows().len(), 1);
        assert!((c.rows()[0].kg_co2eq - 808.31).abs() < 1e-9);
        assert_eq!(c.rows()[0].quantity, None);
        assert!(c.rows()[0].factor_ids.is_empty());
    }

    #[test]
    fn the_person_id_wins_and_the_name_is_the_fallback() {
        let by_name = EntryKey { user_institutional_id: Some("999999"), name: Some("conference trip ") };
        assert!(
            (crate::test_support::kg(&percentage_of_last_year(100.0, by_name, &prior(), leaf())) - 400.0).abs() < 1e-9
        );
        let both = EntryKey { user_institutional_id: Some("100001"), name: Some("Conference trip") };
        assert_eq!(find_prior(both, &prior()).unwrap().kg_co2eq, 1616.62);
    }

    #[test]
    fn no_match_gives_no_row_and_a_reason() {
        let key = EntryKey { user_institutional_id: None, name: Some("Unknown") };
        let c = percentage_of_last_year(50.0, key, &prior(), leaf());
        assert!(c.rows().is_empty());
        assert!(matches!(c, Computation::Incomplete(_)));
        assert!(percentage_of_last_year(-1.0, key, &prior(), leaf()).rows().is_empty());
    }
}
