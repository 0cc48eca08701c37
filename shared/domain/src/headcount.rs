//! Headcount (DETs 1 member, 2 student): input validation, the per-FTE campus-average factors and
//! the formula of DOMAIN §5.8, plus the duplicate-person check of §9 D7.
//!
//! Each factor row of the DET gives one row: kg = fte × number_of_unit_per_fte × ef, with
//! quantity = fte × number_of_unit_per_fte. Every leaf is an additional category (food, waste,
//! commuting), so headcount contributes 0 kg to module headlines and the core total (§6.3).

use crate::emission::{Computation, EmissionRow, EmissionType};
use crate::explain::{Explanation, Formula};
use crate::fields::{FieldErrors, FieldReader, RawFields, code as field_code};
use crate::module::EntryType;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Field-error codes specific to headcount (the shared ones are in `fields::code`).
pub mod code {
    /// DOMAIN §9 D7: a person appears twice in one headcount module (also within one file).
    pub const DUPLICATE_INSTITUTIONAL_ID: &str = "duplicate_institutional_id";
    /// A factor row whose classification names no leaf of the emission-type tree.
    pub const UNKNOWN_LEAF: &str = "unknown_leaf";
}

/// Template columns of the member CSV, in order (DOMAIN §2.1: the fields, then `note`).
pub const MEMBER_TEMPLATE_COLUMNS: [&str; 5] = ["name", "sius_code", "user_institutional_id", "fte", "note"];
/// Columns a member file must have.
pub const MEMBER_REQUIRED_COLUMNS: [&str; 4] = ["name", "sius_code", "user_institutional_id", "fte"];
/// Template columns of the student CSV, in order.
pub const STUDENT_TEMPLATE_COLUMNS: [&str; 2] = ["fte", "note"];
/// Columns a student file must have.
pub const STUDENT_REQUIRED_COLUMNS: [&str; 1] = ["fte"];
/// Columns a headcount factor file (members or students) must have.
pub const FACTOR_COLUMNS: [&str; 6] = [
    "headcount_category",
    "headcount_class",
    "headcount_subclass",
    "unit",
    "number_of_unit_per_fte",
    "ef_kg_co2eq_per_unit",
];

/// Staff category of a member (DOMAIN §2.1, the SIUS code). Stored as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SiusCode {
    #[serde(rename = "51")]
    Professors,
    #[serde(rename = "52")]
    OtherTeaching,
    #[serde(rename = "53")]
    ScientificCollaborators,
    #[serde(rename = "54")]
    AssistantsPhd,
    #[serde(rename = "56")]
    Managerial,
    #[serde(rename = "57")]
    Administrative,
    #[serde(rename = "58")]
    Support,
    #[serde(rename = "59")]
    Operational,
}

impl SiusCode {
    /// Every code, in numeric order (55 does not exist).
    pub const ALL: [SiusCode; 8] = [
        SiusCode::Professors,
        SiusCode::OtherTeaching,
        SiusCode::ScientificCollaborators,
        SiusCode::AssistantsPhd,
        SiusCode::Managerial,
        SiusCode::Administrative,
        SiusCode::Support,
        SiusCode::Operational,
    ];

    /// The code, e.g. 51.
    pub fn number(self) -> u8 {
        match self {
            SiusCode::Professors => 51,
            SiusCode::OtherTeaching => 52,
            SiusCode::ScientificCollaborators => 53,
            SiusCode::AssistantsPhd => 54,
            SiusCode::Managerial => 56,
            SiusCode::Administrative => 57,
            SiusCode::Support => 58,
            SiusCode::Operational => 59,
        }
    }

    /// The English label of DOMAIN §2.1, e.g. `professors`.
    pub fn label(self) -> &'static str {
        match self {
            SiusCode::Professors => "professors",
            SiusCode::OtherTeaching => "other teaching",
            SiusCode::ScientificCollaborators => "scientific collaborators",
            SiusCode::AssistantsPhd => "assistants/PhD",
            SiusCode::Managerial => "managerial",
            SiusCode::Administrative => "administrative",
            SiusCode::Support => "support",
            SiusCode::Operational => "operational",
        }
    }

    /// Parses `51`, `51 professors` or `professors` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            return Self::ALL.into_iter().find(|c| c.number().to_string() == digits);
        }
        Self::ALL.into_iter().find(|c| c.label().eq_ignore_ascii_case(text))
    }
}

/// A validated member (DET 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberInput {
    pub name: String,
    pub sius_code: SiusCode,
    /// The person id (SCIPER at EPFL); unique per headcount module (§9 D7).
    pub user_institutional_id: String,
    /// 0 ≤ fte ≤ 1.
    pub fte: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl MemberInput {
    /// Parses and validates raw fields, reporting every problem at once.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let name = r.required_text("name");
        let sius_text = r.required_text("sius_code");
        let sius_code = SiusCode::parse(&sius_text);
        if sius_code.is_none() && !sius_text.is_empty() {
            r.error("sius_code", field_code::INVALID_CHOICE, "must be one of 51, 52, 53, 54, 56, 57, 58, 59");
        }
        let user_institutional_id = r.required_text("user_institutional_id");
        let fte = r.required_decimal_in("fte", 0.0, 1.0);
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        let input =
            sius_code.map(|sius_code| MemberInput { name, sius_code, user_institutional_id, fte, note, kg_co2eq });
        match r.finish(input)? {
            Some(input) => Ok(input),
            // Unreachable in practice: a missing SIUS code always records an error above.
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// A validated student row (DET 2): the total student FTE of the year, one row per report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentInput {
    /// fte ≥ 0 (a sum over the year, so it may exceed 1).
    pub fte: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl StudentInput {
    /// Parses and validates raw fields.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let fte = r.required_decimal_in("fte", 0.0, f64::INFINITY);
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        r.finish(StudentInput { fte, note, kg_co2eq })
    }
}

/// The root of a headcount factor's classification (DOMAIN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadcountCategory {
    Food,
    Commuting,
    Waste,
}

impl HeadcountCategory {
    /// Parses `food`, `commuting` or `waste` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "food" => Some(Self::Food),
            "commuting" => Some(Self::Commuting),
            "waste" => Some(Self::Waste),
            _ => None,
        }
    }

    /// The category key, which is also the root of its leaves.
    pub fn key(self) -> &'static str {
        match self {
            Self::Food => "food",
            Self::Commuting => "commuting",
            Self::Waste => "waste",
        }
    }
}

/// The physical unit of a headcount factor: kg (food, waste) or km (commuting), DOMAIN §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadcountUnit {
    Kg,
    Km,
}

impl HeadcountUnit {
    /// Parses `kg` or `km` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "kg" => Some(Self::Kg),
            "km" => Some(Self::Km),
            _ => None,
        }
    }

    /// The unit as written on emission rows.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Kg => "kg",
            Self::Km => "km",
        }
    }
}

/// Derives the leaf of a classification: `category__class[__subclass]`, lower-cased.
///
/// DOMAIN §4: "The leaf is derived from the classification at load time: headcount
/// category/class/subclass". Only additional leaves under the category's own root qualify, so a
/// typo can never move campus averages into the core total.
pub fn leaf_of(category: HeadcountCategory, class: &str, subclass: Option<&str>) -> Option<EmissionType> {
    let mut key = format!("{}__{}", category.key(), class.trim().to_ascii_lowercase());
    if let Some(sub) = subclass.map(str::trim).filter(|s| !s.is_empty()) {
        key.push_str("__");
        key.push_str(&sub.to_ascii_lowercase());
    }
    EmissionType::by_key(&key).filter(|leaf| leaf.additional && leaf.key.starts_with(category.key()))
}

/// One row of `headcount_members_factors.csv` or `headcount_students_factors.csv`, parsed, with
/// the leaf its classification names.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadcountFactorRow {
    pub category: HeadcountCategory,
    pub class: String,
    pub subclass: Option<String>,
    pub unit: HeadcountUnit,
    pub number_of_unit_per_fte: f64,
    pub ef_kg_co2eq_per_unit: f64,
    /// The leaf derived from the classification (checked to exist in the tree).
    pub leaf: EmissionType,
}

impl HeadcountFactorRow {
    /// Validates one factor row: known category and unit, a classification that names a leaf of
    /// the tree, non-negative numbers.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category_text = r.required_text("headcount_category");
        let category = HeadcountCategory::parse(&category_text);
        if category.is_none() && !category_text.is_empty() {
            r.error("headcount_category", field_code::INVALID_CHOICE, "must be food, commuting or waste");
        }
        let class = r.required_text("headcount_class");
        let subclass = r.text("headcount_subclass");
        let unit_text = r.required_text("unit");
        let unit = HeadcountUnit::parse(&unit_text);
        if unit.is_none() && !unit_text.is_empty() {
            r.error("unit", field_code::INVALID_CHOICE, "must be kg or km");
        }
        let number_of_unit_per_fte = r.required_decimal_in("number_of_unit_per_fte", 0.0, f64::INFINITY);
        let ef = r.required_decimal_in("ef_kg_co2eq_per_unit", 0.0, f64::INFINITY);
        let leaf = category.and_then(|c| leaf_of(c, &class, subclass.as_deref()));
        if let Some(c) = category
            && !class.is_empty()
            && leaf.is_none()
        {
            let sub = subclass.as_deref().map(|s| format!(" / {s}")).unwrap_or_default();
            r.error(
                "headcount_class",
                code::UNKNOWN_LEAF,
                format!("'{}/{class}{sub}' is not a leaf of the emission-type tree", c.key()),
            );
        }
        let row = match (category, unit, leaf) {
            (Some(category), Some(unit), Some(leaf)) => Some(HeadcountFactorRow {
                category,
                class,
                subclass,
                unit,
                number_of_unit_per_fte,
                ef_kg_co2eq_per_unit: ef,
                leaf,
            }),
            _ => None,
        };
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// A headcount factor of one year and one DET (members and students have their own sets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadcountFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub leaf: EmissionType,
    pub unit: HeadcountUnit,
    pub number_of_unit_per_fte: f64,
    pub ef_kg_co2eq_per_unit: f64,
}

impl HeadcountFactor {
    /// The stored factor `factor_id` built from its parsed row.
    pub fn from_row(factor_id: impl Into<String>, row: &HeadcountFactorRow) -> Self {
        HeadcountFactor {
            factor_id: factor_id.into(),
            leaf: row.leaf,
            unit: row.unit,
            number_of_unit_per_fte: row.number_of_unit_per_fte,
            ef_kg_co2eq_per_unit: row.ef_kg_co2eq_per_unit,
        }
    }
}

/// The leaf of a headcount override row.
///
/// DOMAIN §5.9 puts an override on "the single leaf", and §12 on "the first leaf of its type"
/// where none can be derived. Headcount spreads over many leaves, so the override goes on the
/// first headcount leaf of the tree, `food__vegetarian`, whatever the year's factors are.
pub fn override_leaf() -> EmissionType {
    EmissionType::known("food__vegetarian")
}

/// Computes the rows of a member (DET 1) with the year's member factors.
pub fn compute_member(input: &MemberInput, factors: &[HeadcountFactor]) -> Computation {
    compute_fte(EntryType::Member, input.fte, input.kg_co2eq, factors)
}

/// Computes the rows of the student row (DET 2) with the year's student factors.
pub fn compute_student(input: &StudentInput, factors: &[HeadcountFactor]) -> Computation {
    compute_fte(EntryType::Student, input.fte, input.kg_co2eq, factors)
}

/// DOMAIN §5.8: "each factor row of the DET gives one row. kg = fte × number_of_unit_per_fte ×
/// ef, with quantity = fte × number_of_unit_per_fte". A zero FTE still writes its (0 kg) rows
/// (§12); only a year without factors leaves the entry incomplete.
pub fn compute_fte(
    entry_type: EntryType,
    fte: f64,
    kg_override: Option<f64>,
    factors: &[HeadcountFactor],
) -> Computation {
    if let Some(kg) = kg_override {
        return Computation::Rows(vec![EmissionRow::given(override_leaf(), kg)]);
    }
    if factors.is_empty() {
        return Computation::Incomplete(format!("no {} headcount factors in this year", entry_type.name()));
    }
    let rows = factors
        .iter()
        .map(|f| {
            let quantity = fte * f.number_of_unit_per_fte;
            EmissionRow {
                emission_type: f.leaf,
                kg_co2eq: quantity * f.ef_kg_co2eq_per_unit,
                quantity: Some(quantity),
                quantity_unit: Some(f.unit.symbol()),
                factor_ids: vec![f.factor_id.clone()],
                explanation: Explanation::of(Formula::Headcount)
                    .term("fte", fte, "FTE")
                    .term("number_of_unit_per_fte", f.number_of_unit_per_fte, f.unit.symbol())
                    .term("quantity", quantity, f.unit.symbol())
                    .term("ef_kg_co2eq_per_unit", f.ef_kg_co2eq_per_unit, &format!("kg CO₂-eq/{}", f.unit.symbol())),
            }
        })
        .collect();
    Computation::Rows(rows)
}

/// Σ fte of members and students: the FTE denominator of DOMAIN §6.3.
pub fn total_fte(members: &[MemberInput], students: &[StudentInput]) -> f64 {
    members.iter().map(|m| m.fte).sum::<f64>() + students.iter().map(|s| s.fte).sum::<f64>()
}

/// A person id that appears a second time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateInstitutionalId {
    /// The row refused (the later one).
    pub row: u64,
    /// The row that keeps the id.
    pub first_row: u64,
    pub user_institutional_id: String,
}

impl DuplicateInstitutionalId {
    /// The field error reported for the refused row.
    pub fn to_field_errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        errors.push(
            "user_institutional_id",
            code::DUPLICATE_INSTITUTIONAL_ID,
            format!("'{}' already appears on row {}", self.user_institutional_id, self.first_row),
        );
        errors
    }
}

/// Finds repeated person ids among a file's member rows, given as (row number, id) in file order.
///
/// DOMAIN §9 D7 and §12: ids are unique per headcount module "including within one file, where
/// the later row is the error". Ids are compared after trimming, exactly otherwise, as the
/// database's unique (module, user_institutional_id) does. Ids already stored in the module are
/// the database constraint's concern; pass them first (with their own row numbers) to check
/// them here too. Blank ids are not this check's business (they are a `required` error).
pub fn find_duplicate_institutional_ids<'a>(
    rows: impl IntoIterator<Item = (u64, &'a str)>,
) -> Vec<DuplicateInstitutionalId> {
    let mut first_seen: HashMap<&'a str, u64> = HashMap::new();
    let mut duplicates = Vec::new();
    for (row, id) in rows {
        let id = id.trim();
        if id.is_empty() {
            continue;
        }
        match first_seen.get(id) {
            Some(&first_row) => {
                duplicates.push(DuplicateInstitutionalId { row, first_row, user_institutional_id: id.to_owned() })
            }
            None => {
                first_seen.insert(id, row);
            }
        }
    }
    duplicates
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::test_support::*;
    use crate::totals::demo;

    fn factor(category: &str, class: &str, sub: &str, unit: &str, per_fte: f64, ef: f64) -> HeadcountFactor {
        let row = HeadcountFactorRow::parse(&raw(&[
            ("headcount_category", category),
            ("headcount_class", class),
            ("headcount_subclass", sub),
            ("unit", unit),
            ("number_of_unit_per_fte", &per_fte.to_string()),
            ("ef_kg_co2eq_per_unit", &ef.to_string()),
        ]))
        .unwrap();
        HeadcountFactor::from_row(format!("{category}/{class}/{sub}"), &row)
    }

    fn member(fte: &str) -> MemberInput {
        MemberInput::parse(&raw(&[
            ("name", "Ada"),
            ("sius_code", "51"),
            ("user_institutional_id", "300001"),
            ("fte", fte),
        ]))
        .unwrap()
    }

    #[test]
    fn g11_a_member_at_0_8_fte_emits_132_kg_of_additional_categories() {
        // The anchor's test factors.
        let factors = [
            factor("food", "vegetarian", "", "kg", 100.0, 1.0),
            factor("waste", "incineration", "", "kg", 50.0, 0.5),
            factor("commuting", "public_transport", "", "km", 200.0, 0.2),
        ];
        let c = compute_member(&member("0.8"), &factors);
        let expected = [
            ("food__vegetarian", 80.0, 80.0),
            ("waste__incineration", 20.0, 40.0),
            ("commuting__public_transport", 32.0, 160.0),
        ];
        assert_eq!(c.rows().len(), 3);
        for (row, (leaf, kg, quantity)) in c.rows().iter().zip(expected) {
            assert_eq!(row.emission_type.key, leaf);
            assert!((row.kg_co2eq - kg).abs() < 1e-9 && (row.quantity.unwrap() - quantity).abs() < 1e-9, "{row:?}");
        }
        assert!((kg(&c) - 132.0).abs() < 1e-9);
        assert!(c.rows().iter().all(|r| r.emission_type.additional), "headline contribution is 0");
        assert_eq!(c.rows()[2].quantity_unit, Some("km"));
    }

    #[test]
    fn a_zero_fte_member_still_writes_every_row_at_zero_kg() {
        let factors =
            [factor("food", "vegetarian", "", "kg", 45.0, 1.5), factor("commuting", "car", "", "km", 1.0, 1.0)];
        let c = compute_member(&member("0"), &factors);
        assert_eq!(c.rows().len(), 2);
        assert!(c.rows().iter().all(|r| r.kg_co2eq == 0.0 && r.quantity == Some(0.0)));
    }

    #[test]
    fn a_year_without_factors_leaves_the_member_incomplete() {
        assert!(matches!(compute_member(&member("1"), &[]), Computation::Incomplete(_)));
    }

    #[test]
    fn classifications_map_to_their_leaves() {
        assert_eq!(leaf_of(HeadcountCategory::Food, "vegetarian", None).unwrap().key, "food__vegetarian");
        assert_eq!(
            leaf_of(HeadcountCategory::Waste, "biogas", Some("organic_waste_food_leftovers")).unwrap().key,
            "waste__biogas__organic_waste_food_leftovers"
        );
        assert_eq!(leaf_of(HeadcountCategory::Waste, "Recycling", Some(" PET ")).unwrap().code, 2000409);
        assert_eq!(leaf_of(HeadcountCategory::Waste, "biogas", None), None, "a parent is not a leaf");
        assert_eq!(leaf_of(HeadcountCategory::Food, "vegan", None), None);
    }

    #[test]
    fn a_factor_row_naming_no_leaf_is_refused() {
        let err = HeadcountFactorRow::parse(&raw(&[
            ("headcount_category", "commuting"),
            ("headcount_class", "teleport"),
            ("unit", "km"),
            ("number_of_unit_per_fte", "1"),
            ("ef_kg_co2eq_per_unit", "1"),
        ]))
        .unwrap_err();
        assert_eq!(err.0[0].code, code::UNKNOWN_LEAF);
        let err = HeadcountFactorRow::parse(&raw(&[
            ("headcount_category", "food"),
            ("headcount_class", "vegetarian"),
            ("unit", "litre"),
            ("number_of_unit_per_fte", "-1"),
            ("ef_kg_co2eq_per_unit", ""),
        ]))
        .unwrap_err();
        let codes: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(codes.contains(&("unit", field_code::INVALID_CHOICE)));
        assert!(codes.contains(&("number_of_unit_per_fte", field_code::OUT_OF_RANGE)));
        assert!(codes.contains(&("ef_kg_co2eq_per_unit", field_code::REQUIRED)));
    }

    #[test]
    fn every_row_of_the_shipped_factor_files_maps_to_a_leaf_of_the_tree() {
        for year in ["2024", "2025"] {
            for file in ["headcount_members_factors.csv", "headcount_students_factors.csv"] {
                let text = demo::read(&format!("factors/{year}/{file}"));
                let rows = demo::records(&text);
                assert_eq!(rows.len(), 24, "{year}/{file}");
                for (line, raw) in rows {
                    let row = HeadcountFactorRow::parse(&raw).unwrap_or_else(|e| panic!("{file}:{line}: {e:?}"));
                    assert!(row.leaf.additional);
                }
            }
        }
    }

    #[test]
    fn member_fields_are_validated_together() {
        let err = MemberInput::parse(&raw(&[("name", " "), ("sius_code", "55"), ("fte", "1.2")])).unwrap_err();
        let codes: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(codes.contains(&("name", field_code::REQUIRED)));
        assert!(codes.contains(&("sius_code", field_code::INVALID_CHOICE)));
        assert!(codes.contains(&("user_institutional_id", field_code::REQUIRED)));
        assert!(codes.contains(&("fte", field_code::OUT_OF_RANGE)));
        assert_eq!(SiusCode::parse("54 assistants/PhD"), Some(SiusCode::AssistantsPhd));
        assert_eq!(SiusCode::parse("Professors"), Some(SiusCode::Professors));
        assert!(StudentInput::parse(&raw(&[("fte", "4.5")])).is_ok(), "student FTE may exceed 1");
        assert_eq!(StudentInput::parse(&raw(&[("fte", "-1")])).unwrap_err().0[0].code, field_code::OUT_OF_RANGE);
    }

    #[test]
    fn d7_the_later_of_two_rows_with_the_same_person_id_is_the_error() {
        let rows = [(2, "300001"), (3, "300002"), (4, " 300001 "), (5, ""), (6, ""), (7, "300001")];
        let dups = find_duplicate_institutional_ids(rows);
        assert_eq!(
            dups.iter().map(|d| (d.row, d.first_row)).collect::<Vec<_>>(),
            [(4, 2), (7, 2)],
            "blank ids are not duplicates"
        );
        let errors = dups[0].to_field_errors();
        assert_eq!(errors.0[0].code, code::DUPLICATE_INSTITUTIONAL_ID);
        assert_eq!(errors.0[0].field, "user_institutional_id");
    }

    #[test]
    fn scaling_fte_scales_kg_and_quantity_linearly_and_never_goes_negative() {
        let factors =
            [factor("food", "non_vegetarian", "", "kg", 35.0, 4.0), factor("commuting", "car", "", "km", 2200.0, 0.19)];
        let base = compute_member(&member("0.1"), &factors);
        for k in [0.0, 0.5, 1.0, 2.5, 10.0] {
            let scaled = compute_fte(EntryType::Student, 0.1 * k, None, &factors);
            for (a, b) in base.rows().iter().zip(scaled.rows()) {
                assert!((b.kg_co2eq - a.kg_co2eq * k).abs() <= 1e-9 * (1.0 + b.kg_co2eq));
                assert!((b.quantity.unwrap() - a.quantity.unwrap() * k).abs() <= 1e-9 * (1.0 + b.kg_co2eq));
                assert!(b.kg_co2eq >= 0.0);
            }
        }
    }

    #[test]
    fn an_override_writes_one_row_even_without_factors() {
        for kg_text in ["0", "12.5"] {
            let input = MemberInput::parse(&raw(&[
                ("name", "Ada"),
                ("sius_code", "51"),
                ("user_institutional_id", "1"),
                ("fte", "1"),
                ("kg_co2eq", kg_text),
            ]))
            .unwrap();
            let c = compute_member(&input, &[]);
            assert_eq!(c.rows().len(), 1);
            assert_eq!(c.rows()[0].emission_type.key, "food__vegetarian");
            assert_eq!(c.rows()[0].quantity, None);
            assert!(c.rows()[0].factor_ids.is_empty());
        }
    }

    #[test]
    fn the_demo_headcount_matches_the_oracle() {
        let load = |file: &str| -> Vec<HeadcountFactor> {
            demo::factor_records(file)
                .into_iter()
                .map(|(id, raw)| HeadcountFactor::from_row(id, &HeadcountFactorRow::parse(&raw).unwrap()))
                .collect()
        };
        let (members, students) = (load("headcount_members_factors.csv"), load("headcount_students_factors.csv"));
        let mut fte = 0.0;
        let member_rows: Vec<_> = demo::entries("headcount_members.csv")
            .into_iter()
            .map(|(line, raw)| {
                let input = MemberInput::parse(&raw).unwrap();
                fte += input.fte;
                (line, compute_member(&input, &members))
            })
            .collect();
        assert!(
            find_duplicate_institutional_ids(
                demo::entries("headcount_members.csv").iter().map(|(l, r)| (*l, r["user_institutional_id"].as_str()))
            )
            .is_empty()
        );
        assert!((fte - 13.4).abs() < 1e-9);
        demo::assert_matches_oracle("headcount_members.csv", &member_rows);
        let student_rows: Vec<_> = demo::entries("headcount_students.csv")
            .into_iter()
            .map(|(line, raw)| (line, compute_student(&StudentInput::parse(&raw).unwrap(), &students)))
            .collect();
        demo::assert_matches_oracle("headcount_students.csv", &student_rows);
    }
}
