//! Coverage and extrapolation (issue of every partial inventory): which share of the FTE — and of
//! the floor area, where rooms are known — the units that validated every module cover, and the
//! total estimated for every unit from theirs, with the method stated next to the plain sum.

use co2_api_types::InventoryCoverageView;

/// What one unit brings to a coverage.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitCoverage {
    /// Σ FTE of its headcount module.
    pub fte: f64,
    /// Σ of its rooms' surfaces × its share of each.
    pub floor_area_m2: f64,
    /// Every module validated.
    pub validated: bool,
    /// Its kg, as the figure covered counts it.
    pub kg: f64,
}

/// How the estimate is made, as every coverage states it.
pub const METHOD: &str = "Ratio estimator on FTE: the kg per FTE of the validated units (every module validated) \
     applied to the FTE of every unit in scope (headcount module); a unit without headcount counts 0 FTE. \
     The floor area (rooms entered × the unit's share) is shown as a second measure of coverage, not extrapolated on.";

/// The coverage of some units.
pub fn of(units: &[UnitCoverage]) -> InventoryCoverageView {
    let validated = || units.iter().filter(|u| u.validated);
    let fte: f64 = units.iter().map(|u| u.fte).sum();
    let validated_fte: f64 = validated().map(|u| u.fte).sum();
    let floor_area_m2: f64 = units.iter().map(|u| u.floor_area_m2).sum();
    let validated_floor_area_m2: f64 = validated().map(|u| u.floor_area_m2).sum();
    let validated_kg: f64 = validated().map(|u| u.kg).sum();
    InventoryCoverageView {
        units: units.len(),
        validated_units: validated().count(),
        fte,
        validated_fte,
        fte_share: (fte > 0.0).then(|| validated_fte / fte),
        floor_area_m2,
        validated_floor_area_m2,
        floor_area_share: (floor_area_m2 > 0.0).then(|| validated_floor_area_m2 / floor_area_m2),
        validated_kg,
        extrapolated_total_kg: (validated_fte > 0.0).then(|| validated_kg / validated_fte * fte),
        method: METHOD.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_validated_units_kg_per_fte_is_applied_to_every_fte_and_floor_area_is_a_second_measure() {
        let units = [
            UnitCoverage { fte: 10.0, floor_area_m2: 200.0, validated: true, kg: 50_000.0 },
            UnitCoverage { fte: 30.0, floor_area_m2: 0.0, validated: false, kg: 1_000.0 },
        ];
        let c = of(&units);
        assert_eq!((c.units, c.validated_units), (2, 1));
        assert_eq!((c.fte, c.validated_fte, c.fte_share), (40.0, 10.0, Some(0.25)));
        assert_eq!((c.floor_area_m2, c.floor_area_share), (200.0, Some(1.0)));
        assert_eq!(c.validated_kg, 50_000.0);
        assert_eq!(c.extrapolated_total_kg, Some(200_000.0), "5,000 kg/FTE × 40 FTE");
        let none = of(&[UnitCoverage { fte: 0.0, floor_area_m2: 0.0, validated: false, kg: 0.0 }]);
        assert_eq!((none.fte_share, none.floor_area_share, none.extrapolated_total_kg), (None, None, None));
    }
}
