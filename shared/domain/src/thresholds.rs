//! Row thresholds of DOMAIN §6.3: a kg limit per entry type ("submodule") and year above which
//! an entry is flagged, set by an admin; by default the 95th percentile of the year's entries.
//!
//! The percentile is taken over the kg of every computed entry of that type and year, across
//! all units, with linear interpolation between the two nearest ranks (the definition of
//! PostgreSQL's `percentile_cont`, which computes it next to the data).

use crate::fields::FieldErrors;
use crate::module::{EntryType, Module};
use serde::{Deserialize, Serialize};

/// The percentile used when an admin has set nothing for an entry type and year.
pub const DEFAULT_PERCENTILE: f64 = 0.95;

/// Stable codes of threshold validation errors.
pub mod code {
    pub const OUT_OF_RANGE: &str = "out_of_range";
}

/// How an entry type's threshold is obtained for a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum ThresholdPolicy {
    /// A kg value set by the admin.
    Fixed { kg: f64 },
    /// The given percentile (0 < p ≤ 1) of the year's entry kg.
    Percentile { percentile: f64 },
}

impl Default for ThresholdPolicy {
    fn default() -> Self {
        ThresholdPolicy::Percentile { percentile: DEFAULT_PERCENTILE }
    }
}

impl ThresholdPolicy {
    /// Checks the policy's number: a finite kg ≥ 0, or a percentile in (0, 1].
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        match *self {
            ThresholdPolicy::Fixed { kg } if !(kg.is_finite() && kg >= 0.0) => {
                errors.push("kg", code::OUT_OF_RANGE, "must be a finite number ≥ 0");
            }
            ThresholdPolicy::Percentile { percentile } if !(percentile > 0.0 && percentile <= 1.0) => {
                errors.push("percentile", code::OUT_OF_RANGE, "must be greater than 0 and at most 1");
            }
            ThresholdPolicy::Fixed { .. } | ThresholdPolicy::Percentile { .. } => {}
        }
        errors.into_result(())
    }
}

/// Whether entries of `entry_type` have a threshold: every type but headcount's (DOMAIN §6.3).
pub fn has_threshold(entry_type: EntryType) -> bool {
    entry_type.module() != Module::Headcount
}

/// Whether an entry is flagged: it has emission rows and their Σ is strictly above the
/// threshold. An entry without rows (incomplete) or a type without a threshold is never flagged.
pub fn is_above(entry_kg: Option<f64>, threshold_kg: Option<f64>) -> bool {
    matches!((entry_kg, threshold_kg), (Some(kg), Some(limit)) if kg > limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_the_95th_percentile() {
        assert_eq!(ThresholdPolicy::default(), ThresholdPolicy::Percentile { percentile: 0.95 });
    }

    #[test]
    fn every_type_but_headcount_has_a_threshold() {
        let without: Vec<_> = EntryType::ALL.into_iter().filter(|t| !has_threshold(*t)).collect();
        assert_eq!(without, [EntryType::Member, EntryType::Student]);
    }

    #[test]
    fn only_entries_strictly_above_are_flagged() {
        assert!(is_above(Some(10.5), Some(10.0)));
        assert!(!is_above(Some(10.0), Some(10.0)), "at the threshold is not above");
        assert!(!is_above(None, Some(0.0)), "an incomplete entry is not flagged");
        assert!(!is_above(Some(1e9), None), "no threshold, no flag");
    }

    #[test]
    fn policies_are_validated() {
        assert!(ThresholdPolicy::Fixed { kg: 0.0 }.validate().is_ok());
        assert!(ThresholdPolicy::Percentile { percentile: 1.0 }.validate().is_ok());
        for bad in [
            ThresholdPolicy::Fixed { kg: -1.0 },
            ThresholdPolicy::Fixed { kg: f64::NAN },
            ThresholdPolicy::Fixed { kg: f64::INFINITY },
            ThresholdPolicy::Percentile { percentile: 0.0 },
            ThresholdPolicy::Percentile { percentile: 1.01 },
            ThresholdPolicy::Percentile { percentile: f64::NAN },
        ] {
            let errors = bad.validate().expect_err("refused");
            assert_eq!(errors.0[0].code, code::OUT_OF_RANGE, "{bad:?}");
        }
    }

    #[test]
    fn policies_read_as_tagged_json() {
        let fixed: ThresholdPolicy = serde_json::from_str(r#"{"policy":"fixed","kg":2500}"#).unwrap();
        assert_eq!(fixed, ThresholdPolicy::Fixed { kg: 2500.0 });
        let p: ThresholdPolicy = serde_json::from_str(r#"{"policy":"percentile","percentile":0.9}"#).unwrap();
        assert_eq!(p, ThresholdPolicy::Percentile { percentile: 0.9 });
        assert!(serde_json::from_str::<ThresholdPolicy>(r#"{"policy":"median"}"#).is_err());
    }
}
