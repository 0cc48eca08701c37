//! Research facilities (DET 70) and mice-and-fish animal facilities (DET 71): input validation,
//! the factor rows of both templates and the use-share formulas of DOMAIN §5.8.
//!
//! A facility's footprint (`kg_co2eq_sum`) is shared among its users pro rata of their use:
//! kg = use ÷ total_use × kg_co2eq_sum. Animal facilities split the footprint by source, each
//! with its own share for the animal type.

use crate::emission::{Computation, EmissionRow, EmissionType};
use crate::explain::{DefaultRule, Explanation, Formula};
use crate::fields::{FieldErrors, FieldReader, RawFields, code as field_code, parse_decimal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Field-error codes specific to research facilities (the shared ones are in `fields::code`).
pub mod code {
    /// DOMAIN §9 D17: a factor row whose values sit under the wrong headers (the anchor's
    /// common template has rows such as `CIBM-GE,6877,CHF`).
    pub const SHIFTED_COLUMNS: &str = "shifted_columns";
}

/// Template columns of the research-facility CSV (DET 70), in order (DOMAIN §2.1).
pub const FACILITY_TEMPLATE_COLUMNS: [&str; 5] =
    ["researchfacility_id", "researchfacility_name", "use", "use_unit", "note"];
/// Columns a research-facility file must have.
pub const FACILITY_REQUIRED_COLUMNS: [&str; 4] = ["researchfacility_id", "researchfacility_name", "use", "use_unit"];
/// Template columns of the animal-facility CSV (DET 71), in order.
pub const ANIMAL_TEMPLATE_COLUMNS: [&str; 6] =
    ["researchfacility_id", "researchfacility_name", "researchfacility_type", "use", "use_unit", "note"];
/// Columns an animal-facility file must have.
pub const ANIMAL_REQUIRED_COLUMNS: [&str; 5] =
    ["researchfacility_id", "researchfacility_name", "researchfacility_type", "use", "use_unit"];
/// Columns `researchfacilities_common_factors.csv` must have (`kg_co2eq_sum` may be blank).
pub const FACILITY_FACTOR_COLUMNS: [&str; 5] =
    ["researchfacility_id", "researchfacility_name", "kg_co2eq_sum", "total_use", "use_unit"];
/// Columns `researchfacilities_animals_factors.csv` must have, besides the per-source
/// `<source>_share` and `kg_co2eq_sum_<source>` columns of [`AnimalSource`].
pub const ANIMAL_FACTOR_COLUMNS: [&str; 5] =
    ["researchfacility_id", "researchfacility_name", "researchfacility_type", "total_use", "use_unit"];

/// Use units written on emission rows. `EmissionRow::quantity_unit` is a static string, so a
/// facility's free-text unit is carried only when it is one of these; others leave it blank.
const KNOWN_USE_UNITS: [&str; 9] = ["hours", "days", "chf", "eur", "usd", "housings", "cages", "tanks", "samples"];

fn static_use_unit(unit: &str) -> Option<&'static str> {
    KNOWN_USE_UNITS.into_iter().find(|u| u.eq_ignore_ascii_case(unit.trim()))
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Facility names whose use counts as IT (leaf `research_facilities__it_facilities`).
///
/// DOMAIN §5.8: "it_facilities when the name is in the configurable IT set (default {SCITAS,
/// RCP}), else facilities". Names compare trimmed and case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItFacilityNames(BTreeSet<String>);

impl ItFacilityNames {
    /// A set of names, e.g. from configuration.
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        ItFacilityNames(names.into_iter().map(|n| n.as_ref().trim().to_uppercase()).filter(|n| !n.is_empty()).collect())
    }

    /// Whether `name` is an IT facility.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name.trim().to_uppercase())
    }
}

impl Default for ItFacilityNames {
    fn default() -> Self {
        ItFacilityNames::new(["SCITAS", "RCP"])
    }
}

/// A validated research-facility entry (DET 70).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityInput {
    pub researchfacility_id: String,
    pub researchfacility_name: String,
    /// The unit's use of the facility, in `use_unit` (≥ 0).
    #[serde(rename = "use")]
    pub use_amount: f64,
    /// Must equal the factor's `use_unit` (trimmed, case-insensitive) for a row to be computed.
    pub use_unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl FacilityInput {
    /// Parses and validates raw fields, reporting every problem at once.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let researchfacility_id = r.required_text("researchfacility_id");
        let researchfacility_name = r.required_text("researchfacility_name");
        let use_amount = r.required_decimal_in("use", 0.0, f64::INFINITY);
        let use_unit = r.required_text("use_unit");
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        r.finish(FacilityInput { researchfacility_id, researchfacility_name, use_amount, use_unit, note, kg_co2eq })
    }
}

/// The animal of an animal-facility entry; it selects the factor row and the leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnimalType {
    Mice,
    Fish,
}

impl AnimalType {
    /// Parses `mice` or `fish` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mice" => Some(Self::Mice),
            "fish" => Some(Self::Fish),
            _ => None,
        }
    }

    /// The type as stored.
    pub fn key(self) -> &'static str {
        match self {
            Self::Mice => "mice",
            Self::Fish => "fish",
        }
    }

    /// `research_facilities__animal__mice` or `…__fish`.
    pub fn emission_type(self) -> EmissionType {
        match self {
            Self::Mice => EmissionType::known("research_facilities__animal__mice"),
            Self::Fish => EmissionType::known("research_facilities__animal__fish"),
        }
    }
}

fn animal_type(r: &mut FieldReader<'_>) -> Option<AnimalType> {
    let text = r.required_text("researchfacility_type");
    let parsed = AnimalType::parse(&text);
    if parsed.is_none() && !text.is_empty() {
        r.error("researchfacility_type", field_code::INVALID_CHOICE, "must be mice or fish");
    }
    parsed
}

/// A validated animal-facility entry (DET 71).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnimalInput {
    pub researchfacility_id: String,
    pub researchfacility_name: String,
    pub researchfacility_type: AnimalType,
    /// The unit's use of the facility, in `use_unit` (≥ 0), e.g. housings.
    #[serde(rename = "use")]
    pub use_amount: f64,
    pub use_unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl AnimalInput {
    /// Parses and validates raw fields, reporting every problem at once.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let researchfacility_id = r.required_text("researchfacility_id");
        let researchfacility_name = r.required_text("researchfacility_name");
        let kind = animal_type(&mut r);
        let use_amount = r.required_decimal_in("use", 0.0, f64::INFINITY);
        let use_unit = r.required_text("use_unit");
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        let input = kind.map(|researchfacility_type| AnimalInput {
            researchfacility_id,
            researchfacility_name,
            researchfacility_type,
            use_amount,
            use_unit,
            note,
            kg_co2eq,
        });
        match r.finish(input)? {
            Some(input) => Ok(input),
            // Unreachable in practice: a missing type always records an error above.
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// One row of `researchfacilities_common_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityFactorRow {
    pub researchfacility_id: String,
    pub researchfacility_name: String,
    /// Blank = computed from the facility unit's own report (DOMAIN §5.8).
    pub kg_co2eq_sum: Option<f64>,
    pub total_use: f64,
    pub use_unit: String,
}

/// Whether a common-template row has its values under the wrong headers (DOMAIN §9 D17): a
/// number where the name or the unit belongs, or text in a numeric column with no unit left.
fn looks_shifted(raw: &RawFields) -> bool {
    let cell = |f: &str| raw.get(f).map(|s| s.trim()).unwrap_or("");
    let numeric = |f: &str| parse_decimal(cell(f)).is_some();
    let text = |f: &str| !cell(f).is_empty() && !numeric(f);
    numeric("researchfacility_name")
        || numeric("use_unit")
        || (cell("use_unit").is_empty() && (text("total_use") || text("kg_co2eq_sum")))
}

impl FacilityFactorRow {
    /// Validates one factor row: id, name and unit present, non-negative numbers, and no sign of
    /// the shifted columns of §9 D17 (such a row is refused with [`code::SHIFTED_COLUMNS`]).
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        if looks_shifted(raw) {
            r.error(
                "total_use",
                code::SHIFTED_COLUMNS,
                "values do not fit their columns (a number as name or unit, or a unit under a number): \
                 check the row against the header researchfacility_id, researchfacility_name, kg_co2eq_sum, \
                 total_use, use_unit",
            );
        }
        let researchfacility_id = r.required_text("researchfacility_id");
        let researchfacility_name = r.required_text("researchfacility_name");
        let kg_co2eq_sum = r.decimal_in("kg_co2eq_sum", 0.0, f64::INFINITY);
        let total_use = r.required_decimal_in("total_use", 0.0, f64::INFINITY);
        let use_unit = r.required_text("use_unit");
        r.finish(FacilityFactorRow { researchfacility_id, researchfacility_name, kg_co2eq_sum, total_use, use_unit })
    }
}

/// A research-facility factor of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub researchfacility_id: String,
    pub researchfacility_name: String,
    pub kg_co2eq_sum: Option<f64>,
    pub total_use: f64,
    pub use_unit: String,
}

impl FacilityFactor {
    /// The stored factor `factor_id` built from its parsed row.
    pub fn from_row(factor_id: impl Into<String>, row: &FacilityFactorRow) -> Self {
        FacilityFactor {
            factor_id: factor_id.into(),
            researchfacility_id: row.researchfacility_id.clone(),
            researchfacility_name: row.researchfacility_name.clone(),
            kg_co2eq_sum: row.kg_co2eq_sum,
            total_use: row.total_use,
            use_unit: row.use_unit.clone(),
        }
    }

    /// Whether the caller must supply the facility unit's computed sum (blank `kg_co2eq_sum`).
    pub fn needs_computed_sum(&self) -> bool {
        self.kg_co2eq_sum.is_none()
    }
}

/// The footprint sources of an animal facility, each with a share and a sum column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnimalSource {
    ProcessEmissions,
    BuildingEnergyCombustions,
    BuildingRooms,
    PurchasesCommon,
    PurchasesAdditional,
    Equipments,
}

impl AnimalSource {
    /// Every source, in template order.
    pub const ALL: [AnimalSource; 6] = [
        AnimalSource::ProcessEmissions,
        AnimalSource::BuildingEnergyCombustions,
        AnimalSource::BuildingRooms,
        AnimalSource::PurchasesCommon,
        AnimalSource::PurchasesAdditional,
        AnimalSource::Equipments,
    ];

    /// The source name used in the column names, e.g. `building_rooms`.
    pub fn key(self) -> &'static str {
        match self {
            Self::ProcessEmissions => "processemissions",
            Self::BuildingEnergyCombustions => "building_energycombustions",
            Self::BuildingRooms => "building_rooms",
            Self::PurchasesCommon => "purchases_common",
            Self::PurchasesAdditional => "purchases_additional",
            Self::Equipments => "equipments",
        }
    }

    /// `<source>_share`.
    pub fn share_column(self) -> String {
        format!("{}_share", self.key())
    }

    /// `kg_co2eq_sum_<source>`.
    pub fn sum_column(self) -> String {
        format!("kg_co2eq_sum_{}", self.key())
    }
}

/// One source of an animal facility: the animal type's share and the source's footprint; either
/// may be blank in the template.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnimalSourceValues {
    pub source: AnimalSource,
    /// 0..1.
    pub share: Option<f64>,
    pub kg_co2eq_sum: Option<f64>,
}

/// One row of `researchfacilities_animals_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AnimalFactorRow {
    pub researchfacility_id: String,
    pub researchfacility_name: String,
    pub researchfacility_type: AnimalType,
    /// One entry per [`AnimalSource`], in template order.
    pub sources: Vec<AnimalSourceValues>,
    pub total_use: f64,
    pub use_unit: String,
}

impl AnimalFactorRow {
    /// Validates one factor row: shares in 0..1, non-negative sums and total use, a type and a
    /// unit.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let researchfacility_id = r.required_text("researchfacility_id");
        let researchfacility_name = r.required_text("researchfacility_name");
        let kind = animal_type(&mut r);
        let sources = AnimalSource::ALL
            .into_iter()
            .map(|source| AnimalSourceValues {
                source,
                share: r.decimal_in(&source.share_column(), 0.0, 1.0),
                kg_co2eq_sum: r.decimal_in(&source.sum_column(), 0.0, f64::INFINITY),
            })
            .collect();
        let total_use = r.required_decimal_in("total_use", 0.0, f64::INFINITY);
        let use_unit = r.required_text("use_unit");
        let row = kind.map(|researchfacility_type| AnimalFactorRow {
            researchfacility_id,
            researchfacility_name,
            researchfacility_type,
            sources,
            total_use,
            use_unit,
        });
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// An animal-facility factor of one year (one per facility and animal type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnimalFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub researchfacility_id: String,
    pub researchfacility_name: String,
    pub researchfacility_type: AnimalType,
    pub sources: Vec<AnimalSourceValues>,
    pub total_use: f64,
    pub use_unit: String,
}

impl AnimalFactor {
    /// The stored factor `factor_id` built from its parsed row.
    pub fn from_row(factor_id: impl Into<String>, row: &AnimalFactorRow) -> Self {
        AnimalFactor {
            factor_id: factor_id.into(),
            researchfacility_id: row.researchfacility_id.clone(),
            researchfacility_name: row.researchfacility_name.clone(),
            researchfacility_type: row.researchfacility_type,
            sources: row.sources.clone(),
            total_use: row.total_use,
            use_unit: row.use_unit.clone(),
        }
    }
}

/// The factor of a facility entry: "The factor is found by id" (DOMAIN §5.8), trimmed and
/// case-insensitively.
pub fn resolve_facility_factor<'f>(factors: &'f [FacilityFactor], input: &FacilityInput) -> Option<&'f FacilityFactor> {
    factors.iter().find(|f| same(&f.researchfacility_id, &input.researchfacility_id))
}

/// The factor of an animal entry: by facility id and animal type.
pub fn resolve_animal_factor<'f>(factors: &'f [AnimalFactor], input: &AnimalInput) -> Option<&'f AnimalFactor> {
    factors.iter().find(|f| {
        same(&f.researchfacility_id, &input.researchfacility_id)
            && f.researchfacility_type == input.researchfacility_type
    })
}

/// The leaf of a facility entry. The factor's name decides when the factor is known (it is
/// found by id, so a differently spelt entry name cannot move the row); the entry's name
/// decides otherwise, e.g. for an override without a factor.
pub fn facility_leaf(input: &FacilityInput, factor: Option<&FacilityFactor>, it: &ItFacilityNames) -> EmissionType {
    let name = factor.map_or(input.researchfacility_name.as_str(), |f| f.researchfacility_name.as_str());
    if it.contains(name) {
        EmissionType::known("research_facilities__it_facilities")
    } else {
        EmissionType::known("research_facilities__facilities")
    }
}

/// Whether a leaf counts in a facility unit's own footprint, the computed `kg_co2eq_sum` of
/// DOMAIN §5.8: "the Σ of its process, building, equipment and purchase leaves". The additional
/// embodied-energy leaf is a campus average, not the facility's operation, so it stays out.
pub fn is_facility_sum_leaf(leaf: EmissionType) -> bool {
    !leaf.additional
        && ["process_emissions__", "buildings__", "equipment__", "purchases__"].iter().any(|p| leaf.key.starts_with(p))
}

/// The computed `kg_co2eq_sum` of a facility unit from its same-year leaf rows.
pub fn facility_unit_sum(rows: impl IntoIterator<Item = (EmissionType, f64)>) -> f64 {
    rows.into_iter().filter(|(leaf, _)| is_facility_sum_leaf(*leaf)).map(|(_, kg)| kg).sum()
}

fn override_row(leaf: EmissionType, kg: f64) -> Computation {
    Computation::Rows(vec![EmissionRow::given(leaf, kg)])
}

/// Checks what both formulas need: matching units and a positive total use.
fn check_use(id: &str, entry_unit: &str, factor_unit: &str, total_use: f64) -> Result<(), Computation> {
    if !same(entry_unit, factor_unit) {
        return Err(Computation::Incomplete(format!(
            "use_unit '{}' does not match the factor's '{}' for facility '{id}'",
            entry_unit.trim(),
            factor_unit.trim()
        )));
    }
    if total_use.is_nan() || total_use <= 0.0 {
        return Err(Computation::Incomplete(format!("the factor of facility '{id}' has no positive total_use")));
    }
    Ok(())
}

/// Computes the row of a research-facility entry (DOMAIN §5.8, §5.9).
///
/// `computed_sum` is the facility unit's own same-year Σ (see [`facility_unit_sum`]); it is used
/// only when the factor's `kg_co2eq_sum` is blank: "An explicit value is never overwritten."
pub fn compute_facility(
    input: &FacilityInput,
    factor: Option<&FacilityFactor>,
    computed_sum: Option<f64>,
    it: &ItFacilityNames,
) -> Computation {
    let leaf = facility_leaf(input, factor, it);
    if let Some(kg) = input.kg_co2eq {
        return override_row(leaf, kg);
    }
    let Some(f) = factor else {
        return Computation::Incomplete(format!(
            "no research-facility factor for id '{}' in this year",
            input.researchfacility_id
        ));
    };
    if let Err(incomplete) = check_use(&input.researchfacility_id, &input.use_unit, &f.use_unit, f.total_use) {
        return incomplete;
    }
    let Some(sum) = f.kg_co2eq_sum.or(computed_sum) else {
        return Computation::Incomplete(format!(
            "kg_co2eq_sum of facility '{}' is blank and its unit's own footprint is not available",
            input.researchfacility_id
        ));
    };
    let explanation = Explanation::of(Formula::Facility)
        .term("researchfacility_id", input.researchfacility_id.as_str(), "")
        .term("use", input.use_amount, f.use_unit.trim())
        .term("total_use", f.total_use, f.use_unit.trim())
        .term("kg_co2eq_sum", sum, "kg CO₂-eq")
        .defaulted_if(f.kg_co2eq_sum.is_none(), "kg_co2eq_sum", sum, DefaultRule::ComputedFacilitySum);
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: input.use_amount / f.total_use * sum,
        quantity: Some(input.use_amount),
        quantity_unit: static_use_unit(&f.use_unit),
        factor_ids: vec![f.factor_id.clone()],
        explanation,
    }])
}

/// Computes the row of an animal-facility entry (DOMAIN §5.8): "kg = Σ over sources with both
/// values of use × share_src ÷ total_use × sum_src", on the animal's leaf.
pub fn compute_animal(input: &AnimalInput, factor: Option<&AnimalFactor>) -> Computation {
    let leaf = input.researchfacility_type.emission_type();
    if let Some(kg) = input.kg_co2eq {
        return override_row(leaf, kg);
    }
    let Some(f) = factor else {
        return Computation::Incomplete(format!(
            "no animal-facility factor for id '{}' and type {} in this year",
            input.researchfacility_id,
            input.researchfacility_type.key()
        ));
    };
    if let Err(incomplete) = check_use(&input.researchfacility_id, &input.use_unit, &f.use_unit, f.total_use) {
        return incomplete;
    }
    let complete: Vec<(f64, f64)> = f.sources.iter().filter_map(|s| Some((s.share?, s.kg_co2eq_sum?))).collect();
    if complete.is_empty() {
        return Computation::Incomplete(format!(
            "the factor of facility '{}' has no source with both a share and a sum",
            input.researchfacility_id
        ));
    }
    let kg = complete.iter().map(|(share, sum)| input.use_amount * share / f.total_use * sum).sum();
    let explanation = Explanation::of(Formula::Animal)
        .term("researchfacility_id", input.researchfacility_id.as_str(), "")
        .term("use", input.use_amount, f.use_unit.trim())
        .term("total_use", f.total_use, f.use_unit.trim())
        .term("sources", complete.len() as f64, "")
        .term("shared_kg_co2eq_sum", complete.iter().map(|(share, sum)| share * sum).sum::<f64>(), "kg CO₂-eq");
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: kg,
        quantity: Some(input.use_amount),
        quantity_unit: static_use_unit(&f.use_unit),
        factor_ids: vec![f.factor_id.clone()],
        explanation,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::test_support::*;
    use crate::totals::demo;

    fn facility(id: &str, name: &str, use_amount: &str, unit: &str) -> FacilityInput {
        FacilityInput::parse(&raw(&[
            ("researchfacility_id", id),
            ("researchfacility_name", name),
            ("use", use_amount),
            ("use_unit", unit),
        ]))
        .unwrap()
    }

    fn facility_factor(id: &str, name: &str, sum: Option<f64>, total: f64, unit: &str) -> FacilityFactor {
        FacilityFactor {
            factor_id: id.into(),
            researchfacility_id: id.into(),
            researchfacility_name: name.into(),
            kg_co2eq_sum: sum,
            total_use: total,
            use_unit: unit.into(),
        }
    }

    fn animal(kind: &str, use_amount: &str, unit: &str) -> AnimalInput {
        AnimalInput::parse(&raw(&[
            ("researchfacility_id", "F-2001"),
            ("researchfacility_name", "ANIMAL-DEMO"),
            ("researchfacility_type", kind),
            ("use", use_amount),
            ("use_unit", unit),
        ]))
        .unwrap()
    }

    fn g18_factor() -> AnimalFactor {
        let sums = [5000.0, 0.0, 300_000.0, 150_000.0, 20_000.0, 80_000.0];
        AnimalFactor {
            factor_id: "anim".into(),
            researchfacility_id: "F-2001".into(),
            researchfacility_name: "ANIMAL-DEMO".into(),
            researchfacility_type: AnimalType::Mice,
            sources: AnimalSource::ALL
                .into_iter()
                .zip(sums)
                .map(|(source, sum)| AnimalSourceValues { source, share: Some(0.8), kg_co2eq_sum: Some(sum) })
                .collect(),
            total_use: 12_000.0,
            use_unit: "housings".into(),
        }
    }

    #[test]
    fn g17_250_hours_of_a_100_t_facility_used_10_000_hours_is_2500_kg() {
        let input = facility("F-1003", "MICROSCOPY-DEMO", "250", "hours");
        let f = [facility_factor("F-1003", "MICROSCOPY-DEMO", Some(100_000.0), 10_000.0, "hours")];
        let c = compute_facility(&input, resolve_facility_factor(&f, &input), None, &ItFacilityNames::default());
        assert_eq!(c.rows().len(), 1);
        assert!((kg(&c) - 2500.0).abs() < 1e-9);
        assert_eq!(c.rows()[0].emission_type.key, "research_facilities__facilities");
        assert_eq!((c.rows()[0].quantity, c.rows()[0].quantity_unit), (Some(250.0), Some("hours")));
    }

    #[test]
    fn g18_300_mouse_housings_at_a_0_8_share_of_555_t_is_11_100_kg() {
        let input = animal("mice", "300", "housings");
        let f = [g18_factor()];
        let c = compute_animal(&input, resolve_animal_factor(&f, &input));
        assert!((kg(&c) - 11_100.0).abs() < 1e-9);
        assert_eq!(c.rows()[0].emission_type.key, "research_facilities__animal__mice");
        let fish = animal("fish", "300", "housings");
        assert!(resolve_animal_factor(&f, &fish).is_none(), "the factor is per animal type");
    }

    #[test]
    fn only_sources_with_both_a_share_and_a_sum_count() {
        let mut f = g18_factor();
        f.sources[0].share = None; // processemissions: 5,000 kg no longer counts
        f.sources[2].kg_co2eq_sum = None; // building_rooms: 300,000 kg no longer counts
        let c = compute_animal(&animal("mice", "300", "housings"), Some(&f));
        assert!((kg(&c) - 300.0 * 0.8 / 12_000.0 * 250_000.0).abs() < 1e-9);
        for s in f.sources.iter_mut() {
            s.share = None;
        }
        assert!(matches!(compute_animal(&animal("mice", "300", "housings"), Some(&f)), Computation::Incomplete(_)));
    }

    #[test]
    fn use_units_compare_trimmed_and_case_insensitively_and_a_mismatch_gives_no_row() {
        let f = [facility_factor("F-1", "X", Some(10.0), 10.0, "hours")];
        let it = ItFacilityNames::default();
        let ok = facility("f-1", "X", "1", " Hours ");
        assert_eq!(compute_facility(&ok, resolve_facility_factor(&f, &ok), None, &it).rows().len(), 1);
        let days = facility("F-1", "X", "3", "days");
        let c = compute_facility(&days, resolve_facility_factor(&f, &days), None, &it);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("days")));
    }

    #[test]
    fn a_zero_total_use_or_an_unknown_id_gives_no_row() {
        let it = ItFacilityNames::default();
        let input = facility("F-1", "X", "1", "hours");
        let zero = facility_factor("F-1", "X", Some(10.0), 0.0, "hours");
        assert!(matches!(compute_facility(&input, Some(&zero), None, &it), Computation::Incomplete(_)));
        assert!(matches!(
            compute_facility(&input, resolve_facility_factor(&[], &input), None, &it),
            Computation::Incomplete(_)
        ));
    }

    #[test]
    fn a_blank_sum_takes_the_computed_one_and_an_explicit_sum_is_never_overwritten() {
        let it = ItFacilityNames::default();
        let input = facility("F-1", "X", "50", "hours");
        let blank = facility_factor("F-1", "X", None, 100.0, "hours");
        assert!(blank.needs_computed_sum());
        assert!(matches!(compute_facility(&input, Some(&blank), None, &it), Computation::Incomplete(_)));
        assert_eq!(kg(&compute_facility(&input, Some(&blank), Some(1000.0), &it)), 500.0);
        let explicit = facility_factor("F-1", "X", Some(200.0), 100.0, "hours");
        assert_eq!(kg(&compute_facility(&input, Some(&explicit), Some(1000.0), &it)), 100.0);
    }

    #[test]
    fn the_computed_sum_adds_the_facility_units_process_building_equipment_and_purchase_leaves() {
        let rows = [
            ("process_emissions__co2", 1.0),
            ("buildings__rooms__lighting__office", 2.0),
            ("buildings__construction_and_renovation", 1000.0),
            ("equipment__scientific", 4.0),
            ("purchases__additional__ln2", 8.0),
            ("professional_travel__plane__eco", 1000.0),
            ("food__vegetarian", 1000.0),
            ("research_facilities__facilities", 1000.0),
        ];
        assert_eq!(facility_unit_sum(rows.map(|(k, kg)| (EmissionType::known(k), kg))), 15.0);
    }

    #[test]
    fn it_facilities_are_named_by_a_configurable_set() {
        let default = ItFacilityNames::default();
        let scitas = facility("F-1002", " scitas ", "1", "chf");
        assert_eq!(facility_leaf(&scitas, None, &default).key, "research_facilities__it_facilities");
        let factor = facility_factor("F-1002", "SCITAS", Some(1.0), 1.0, "chf");
        let misspelt = facility("F-1002", "Scitas HPC", "1", "chf");
        assert_eq!(facility_leaf(&misspelt, Some(&factor), &default).key, "research_facilities__it_facilities");
        let custom = ItFacilityNames::new(["CLEANROOM-DEMO"]);
        assert_eq!(facility_leaf(&scitas, None, &custom).key, "research_facilities__facilities");
        assert_eq!(
            facility_leaf(&facility("x", "cleanroom-demo", "1", "h"), None, &custom).key,
            "research_facilities__it_facilities"
        );
    }

    #[test]
    fn d17_a_common_factor_row_with_shifted_columns_is_refused_clearly() {
        let headers = FACILITY_FACTOR_COLUMNS;
        let row = |cells: [&str; 5]| -> RawFields {
            headers.iter().zip(cells).map(|(h, c)| ((*h).to_owned(), c.to_owned())).collect()
        };
        for shifted in [
            ["F-9", "CIBM-GE", "6877", "CHF", ""],
            ["CIBM-GE", "6877", "CHF", "", ""],
            ["F-9", "CIBM-GE", "", "6877", "42"],
        ] {
            let err = FacilityFactorRow::parse(&row(shifted)).unwrap_err();
            assert!(err.0.iter().any(|e| e.code == code::SHIFTED_COLUMNS), "{shifted:?}: {err:?}");
        }
        let fine = FacilityFactorRow::parse(&row(["F-9", "CIBM-GE", "", "6877", "chf"])).unwrap();
        assert_eq!((fine.kg_co2eq_sum, fine.total_use), (None, 6877.0));
        let err = FacilityFactorRow::parse(&row(["F-9", "X", "-1", "abc", "hours"])).unwrap_err();
        let codes: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(codes.contains(&("kg_co2eq_sum", field_code::OUT_OF_RANGE)));
        assert!(codes.contains(&("total_use", field_code::INVALID_NUMBER)));
        assert!(!codes.iter().any(|(_, c)| *c == code::SHIFTED_COLUMNS), "a unit is present: just bad numbers");
    }

    #[test]
    fn animal_factor_rows_validate_their_shares() {
        let mut fields = vec![
            ("researchfacility_id", "F"),
            ("researchfacility_name", "A"),
            ("researchfacility_type", "rats"),
            ("processemissions_share", "1.5"),
            ("total_use", "10"),
            ("use_unit", "housings"),
        ];
        let err = AnimalFactorRow::parse(&raw(&fields)).unwrap_err();
        let codes: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(codes.contains(&("researchfacility_type", field_code::INVALID_CHOICE)));
        assert!(codes.contains(&("processemissions_share", field_code::OUT_OF_RANGE)));
        fields[2].1 = "Fish";
        fields[3].1 = "0.5";
        let row = AnimalFactorRow::parse(&raw(&fields)).unwrap();
        assert_eq!(row.sources.len(), 6);
        assert_eq!(row.sources[0].share, Some(0.5));
        assert_eq!(row.sources[0].kg_co2eq_sum, None);
    }

    #[test]
    fn scaling_use_scales_kg_linearly_and_never_goes_negative() {
        let it = ItFacilityNames::default();
        let f = facility_factor("F", "X", Some(123_456.0), 789.0, "hours");
        let a = g18_factor();
        for k in [0.0, 0.25, 1.0, 7.0, 1e6] {
            let base = kg(&compute_facility(&facility("F", "X", "3", "hours"), Some(&f), None, &it));
            let scaled =
                kg(&compute_facility(&facility("F", "X", &(3.0 * k).to_string(), "hours"), Some(&f), None, &it));
            assert!((scaled - base * k).abs() <= 1e-9 * (1.0 + scaled));
            let base = kg(&compute_animal(&animal("mice", "3", "housings"), Some(&a)));
            let scaled = kg(&compute_animal(&animal("mice", &(3.0 * k).to_string(), "housings"), Some(&a)));
            assert!((scaled - base * k).abs() <= 1e-9 * (1.0 + scaled));
            assert!(scaled >= 0.0);
        }
    }

    #[test]
    fn an_override_writes_one_row_on_the_entry_leaf_even_without_a_factor() {
        let it = ItFacilityNames::default();
        let mut input = facility("F-404", "RCP", "1", "weeks");
        input.kg_co2eq = Some(0.0);
        let c = compute_facility(&input, None, None, &it);
        assert_eq!(c.rows().len(), 1);
        assert_eq!((c.rows()[0].emission_type.key, c.rows()[0].quantity), ("research_facilities__it_facilities", None));
        let mut input = animal("fish", "1", "weeks");
        input.kg_co2eq = Some(42.0);
        let c = compute_animal(&input, None);
        assert_eq!(c.rows().len(), 1);
        assert_eq!((c.rows()[0].emission_type.key, c.rows()[0].kg_co2eq), ("research_facilities__animal__fish", 42.0));
    }

    #[test]
    fn the_demo_research_facilities_match_the_oracle() {
        let it = ItFacilityNames::default();
        let common: Vec<_> = demo::factor_records("researchfacilities_common_factors.csv")
            .into_iter()
            .map(|(id, raw)| FacilityFactor::from_row(id, &FacilityFactorRow::parse(&raw).unwrap()))
            .collect();
        let computed: Vec<_> = demo::entries("researchfacilities_common.csv")
            .into_iter()
            .map(|(line, raw)| {
                let input = FacilityInput::parse(&raw).unwrap();
                (line, compute_facility(&input, resolve_facility_factor(&common, &input), None, &it))
            })
            .collect();
        assert!(computed.iter().any(|(_, c)| matches!(c, Computation::Incomplete(_))), "the 'days' row");
        demo::assert_matches_oracle("researchfacilities_common.csv", &computed);

        let animals: Vec<_> = demo::factor_records("researchfacilities_animals_factors.csv")
            .into_iter()
            .map(|(id, raw)| AnimalFactor::from_row(id, &AnimalFactorRow::parse(&raw).unwrap()))
            .collect();
        let computed: Vec<_> = demo::entries("researchfacilities_animals.csv")
            .into_iter()
            .map(|(line, raw)| {
                let input = AnimalInput::parse(&raw).unwrap();
                (line, compute_animal(&input, resolve_animal_factor(&animals, &input)))
            })
            .collect();
        demo::assert_matches_oracle("researchfacilities_animals.csv", &computed);
    }
}
