//! Process emissions (DET 50): direct releases of CO2, CH4, N2O and refrigerants, with the
//! GWP100 factors and the formula of DOMAIN §5.8.
//!
//! kg CO₂e = kg emitted × GWP100 of (category, subcategory); scope 1, leaf by category.

use crate::emission::{Computation, EmissionRow, EmissionType};
use crate::explain::{Explanation, Formula};
use crate::fields::{FieldErrors, FieldReader, RawFields, code as field_code};
use serde::{Deserialize, Serialize};

/// Template columns of the process-emissions CSV, in order (DOMAIN §2.1).
pub const TEMPLATE_COLUMNS: [&str; 4] = ["category", "subcategory", "quantity", "note"];
/// Columns a process-emissions file must have.
pub const REQUIRED_COLUMNS: [&str; 2] = ["category", "quantity"];
/// Columns `processemissions_factors.csv` must have.
pub const FACTOR_COLUMNS: [&str; 4] = ["category", "subcategory", "unit", "ef_kg_co2eq_per_unit"];

/// The gas family of a process emission; it selects the leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProcessCategory {
    #[serde(rename = "CO2")]
    Co2,
    #[serde(rename = "CH4")]
    Ch4,
    #[serde(rename = "N2O")]
    N2o,
    #[serde(rename = "Refrigerant")]
    Refrigerant,
}

impl ProcessCategory {
    /// Parses `CO2`, `CH4`, `N2O`, `Refrigerant` or `Refrigerants` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "co2" => Some(Self::Co2),
            "ch4" => Some(Self::Ch4),
            "n2o" => Some(Self::N2o),
            "refrigerant" | "refrigerants" => Some(Self::Refrigerant),
            _ => None,
        }
    }

    /// The category as listed in DOMAIN §2.1.
    pub fn label(self) -> &'static str {
        match self {
            Self::Co2 => "CO2",
            Self::Ch4 => "CH4",
            Self::N2o => "N2O",
            Self::Refrigerant => "Refrigerant",
        }
    }

    /// The leaf: "The leaf comes from the category" (DOMAIN §5.8).
    pub fn emission_type(self) -> EmissionType {
        match self {
            Self::Co2 => EmissionType::known("process_emissions__co2"),
            Self::Ch4 => EmissionType::known("process_emissions__ch4"),
            Self::N2o => EmissionType::known("process_emissions__n2o"),
            Self::Refrigerant => EmissionType::known("process_emissions__refrigerants"),
        }
    }
}

/// The comparison key of a gas name: case-folded, without spaces or hyphens, so "R-134a",
/// "r134a" and "R 134A" are the same refrigerant (the hyphen is a spelling variant of the
/// ASHRAE designation, not part of it).
fn gas_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect()
}

fn category(r: &mut FieldReader<'_>) -> Option<ProcessCategory> {
    let text = r.required_text("category");
    let parsed = ProcessCategory::parse(&text);
    if parsed.is_none() && !text.is_empty() {
        r.error("category", field_code::INVALID_CHOICE, "must be one of CO2, CH4, N2O, Refrigerant");
    }
    parsed
}

/// A validated process-emission entry (DET 50).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessInput {
    pub category: ProcessCategory,
    /// The gas, e.g. R134a or SF6; required for refrigerants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    /// kg of gas emitted (≥ 0).
    pub quantity: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl ProcessInput {
    /// Parses and validates raw fields, reporting every problem at once.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category = category(&mut r);
        let subcategory = r.text("subcategory");
        if category == Some(ProcessCategory::Refrigerant) && subcategory.is_none() {
            r.error("subcategory", field_code::REQUIRED, "is required for a refrigerant (e.g. R134a, SF6)");
        }
        let quantity = r.decimal_in("quantity", 0.0, f64::INFINITY);
        if quantity.is_none() && raw.get("quantity").is_none_or(|s| s.trim().is_empty()) {
            r.error("quantity", field_code::REQUIRED, "is required");
        }
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        let input = category.map(|category| ProcessInput {
            category,
            subcategory,
            quantity: quantity.unwrap_or(0.0),
            note,
            kg_co2eq,
        });
        match r.finish(input)? {
            Some(input) => Ok(input),
            // Unreachable in practice: a missing category always records an error above.
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// One row of `processemissions_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessFactorRow {
    pub category: ProcessCategory,
    pub subcategory: Option<String>,
    /// GWP100: kg CO₂e per kg of gas.
    pub ef_kg_co2eq_per_unit: f64,
}

impl ProcessFactorRow {
    /// Validates one factor row: a known category, unit kg (entries are in kg), a non-negative
    /// GWP.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category = category(&mut r);
        let subcategory = r.text("subcategory");
        let unit = r.required_text("unit");
        if !unit.is_empty() && !unit.eq_ignore_ascii_case("kg") {
            r.error("unit", field_code::INVALID_CHOICE, "must be kg: process quantities are entered in kg");
        }
        let ef = r.decimal_in("ef_kg_co2eq_per_unit", 0.0, f64::INFINITY);
        if ef.is_none() && raw.get("ef_kg_co2eq_per_unit").is_none_or(|s| s.trim().is_empty()) {
            r.error("ef_kg_co2eq_per_unit", field_code::REQUIRED, "is required");
        }
        let row = category.map(|category| ProcessFactorRow {
            category,
            subcategory,
            ef_kg_co2eq_per_unit: ef.unwrap_or(0.0),
        });
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// A process-emission factor of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub category: ProcessCategory,
    pub subcategory: Option<String>,
    pub ef_kg_co2eq_per_unit: f64,
}

impl ProcessFactor {
    /// The stored factor `factor_id` built from its parsed row.
    pub fn from_row(factor_id: impl Into<String>, row: &ProcessFactorRow) -> Self {
        ProcessFactor {
            factor_id: factor_id.into(),
            category: row.category,
            subcategory: row.subcategory.clone(),
            ef_kg_co2eq_per_unit: row.ef_kg_co2eq_per_unit,
        }
    }
}

/// The factor of an entry: exact (category, subcategory) first, then (category, blank
/// subcategory) (DOMAIN §4 lookup). An unknown refrigerant finds neither: "an unknown gas gives
/// no row" (§5.8).
pub fn resolve_factor<'f>(factors: &'f [ProcessFactor], input: &ProcessInput) -> Option<&'f ProcessFactor> {
    let in_category = || factors.iter().filter(|f| f.category == input.category);
    let exact = input
        .subcategory
        .as_deref()
        .map(gas_key)
        .and_then(|wanted| in_category().find(|f| f.subcategory.as_deref().is_some_and(|s| gas_key(s) == wanted)));
    exact.or_else(|| in_category().find(|f| f.subcategory.is_none()))
}

/// Computes the row of a process-emission entry (DOMAIN §5.8, §5.9).
pub fn compute(input: &ProcessInput, factor: Option<&ProcessFactor>) -> Computation {
    let leaf = input.category.emission_type();
    if let Some(kg) = input.kg_co2eq {
        return Computation::Rows(vec![EmissionRow::given(leaf, kg)]);
    }
    let Some(f) = factor else {
        let gas = input.subcategory.as_deref().map(|s| format!(" / '{s}'")).unwrap_or_default();
        return Computation::Incomplete(format!("no GWP for {}{gas} in this year", input.category.label()));
    };
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: input.quantity * f.ef_kg_co2eq_per_unit,
        quantity: Some(input.quantity),
        quantity_unit: Some("kg"),
        factor_ids: vec![f.factor_id.clone()],
        explanation: Explanation::of(Formula::Process).term("quantity", input.quantity, "kg").term(
            "gwp100",
            f.ef_kg_co2eq_per_unit,
            "kg CO₂-eq/kg",
        ),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::test_support::*;
    use crate::totals::demo;

    fn input(category: &str, sub: &str, quantity: &str) -> ProcessInput {
        ProcessInput::parse(&raw(&[("category", category), ("subcategory", sub), ("quantity", quantity)])).unwrap()
    }

    fn factor(category: ProcessCategory, sub: Option<&str>, gwp: f64) -> ProcessFactor {
        ProcessFactor {
            factor_id: format!("{category:?}/{sub:?}"),
            category,
            subcategory: sub.map(Into::into),
            ef_kg_co2eq_per_unit: gwp,
        }
    }

    fn factors() -> Vec<ProcessFactor> {
        vec![
            factor(ProcessCategory::Co2, None, 1.0),
            factor(ProcessCategory::Ch4, None, 30.0),
            factor(ProcessCategory::Refrigerant, Some("R134a"), 1300.0),
            factor(ProcessCategory::Refrigerant, Some("SF6"), 23_500.0),
        ]
    }

    #[test]
    fn g16_2_kg_of_r134a_is_2600_kg_and_0_1_kg_of_sf6_is_2350_kg() {
        let f = factors();
        let r134a = input("Refrigerant", "R134a", "2");
        let c = compute(&r134a, resolve_factor(&f, &r134a));
        assert!((kg(&c) - 2600.0).abs() < 1e-9);
        assert_eq!(c.rows()[0].emission_type.key, "process_emissions__refrigerants");
        assert_eq!(c.rows()[0].emission_type.scope.number(), 1);
        let sf6 = input("Refrigerants", "sf6", "0.1");
        assert!((kg(&compute(&sf6, resolve_factor(&f, &sf6))) - 2350.0).abs() < 1e-9);
    }

    #[test]
    fn an_unknown_gas_gives_no_row() {
        let f = factors();
        let unknown = input("Refrigerant", "R9999", "1");
        assert!(resolve_factor(&f, &unknown).is_none());
        assert!(matches!(compute(&unknown, None), Computation::Incomplete(ref why) if why.contains("R9999")));
    }

    #[test]
    fn refrigerant_names_match_across_hyphens_and_case_and_gases_fall_back_to_a_blank_subcategory() {
        let f = factors();
        assert_eq!(resolve_factor(&f, &input("refrigerant", "R-134A", "1")).unwrap().ef_kg_co2eq_per_unit, 1300.0);
        let fossil_ch4 = input("ch4", "fossil", "1");
        assert_eq!(resolve_factor(&f, &fossil_ch4).unwrap().ef_kg_co2eq_per_unit, 30.0);
        let n2o = input("N2O", "", "1");
        assert!(resolve_factor(&f, &n2o).is_none(), "no N2O factor this year");
    }

    #[test]
    fn a_refrigerant_needs_its_gas_and_every_field_is_validated() {
        let err = ProcessInput::parse(&raw(&[("category", "Refrigerant"), ("quantity", "-1")])).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("subcategory", field_code::REQUIRED), ("quantity", field_code::OUT_OF_RANGE)]);
        let err = ProcessInput::parse(&raw(&[("category", "H2O")])).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("category", field_code::INVALID_CHOICE), ("quantity", field_code::REQUIRED)]);
        let err = ProcessFactorRow::parse(&raw(&[("category", "CO2"), ("unit", "t"), ("ef_kg_co2eq_per_unit", "1")]))
            .unwrap_err();
        assert_eq!(err.0[0].field, "unit");
    }

    #[test]
    fn scaling_the_quantity_scales_kg_linearly_and_never_goes_negative() {
        let f = factors();
        for (category, sub) in [("CO2", ""), ("CH4", ""), ("Refrigerant", "SF6")] {
            let base = kg(&compute(&input(category, sub, "1.5"), resolve_factor(&f, &input(category, sub, "1.5"))));
            for k in [0.0, 0.1, 1.0, 3.0, 1e6] {
                let q = (1.5 * k).to_string();
                let scaled = kg(&compute(&input(category, sub, &q), resolve_factor(&f, &input(category, sub, &q))));
                assert!((scaled - base * k).abs() <= 1e-9 * (1.0 + scaled));
                assert!(scaled >= 0.0);
            }
        }
    }

    #[test]
    fn an_override_writes_one_row_on_the_category_leaf_even_for_an_unknown_gas() {
        let mut unknown = input("Refrigerant", "R9999", "1");
        unknown.kg_co2eq = Some(0.0);
        let c = compute(&unknown, None);
        assert_eq!(c.rows().len(), 1);
        assert_eq!((c.rows()[0].emission_type.key, c.rows()[0].quantity), ("process_emissions__refrigerants", None));
    }

    #[test]
    fn the_demo_process_emissions_match_the_oracle() {
        let factors: Vec<_> = demo::factor_records("processemissions_factors.csv")
            .into_iter()
            .map(|(id, raw)| ProcessFactor::from_row(id, &ProcessFactorRow::parse(&raw).unwrap()))
            .collect();
        assert_eq!(factors.len(), 51);
        let computed: Vec<_> = demo::entries("processemissions.csv")
            .into_iter()
            .map(|(line, raw)| {
                let input = ProcessInput::parse(&raw).unwrap();
                (line, compute(&input, resolve_factor(&factors, &input)))
            })
            .collect();
        demo::assert_matches_oracle("processemissions.csv", &computed);
    }
}
