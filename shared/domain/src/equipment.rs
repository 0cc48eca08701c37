//! Equipment (DETs 10 scientific, 11 it, 12 other): input validation, factor resolution and the
//! electricity formula of DOMAIN §5.4.
//!
//! kWh = (h_active × W_active + h_standby × W_standby) × 52 / 1000; kg = kWh × ef.

use crate::emission::{Computation, EmissionRow, EmissionType};
use crate::explain::{DefaultRule, Explanation, Formula};
use crate::fields::{FieldErrors, FieldReader, RawFields, code};
use crate::module::EntryType;
use serde::{Deserialize, Serialize};

/// Hours in a week: the upper bound of active + standby usage.
pub const HOURS_PER_WEEK: i64 = 168;
/// Weeks of use per year in the formula.
pub const WEEKS_PER_YEAR: f64 = 52.0;

/// Template columns of the equipment CSV, in order (DOMAIN §2.1).
pub const TEMPLATE_COLUMNS: [&str; 10] = [
    "equipment_id",
    "name",
    "equipment_class",
    "sub_class",
    "active_usage_hours_per_week",
    "standby_usage_hours_per_week",
    "note",
    "kg_co2eq",
    "equipment_category",
    "unit_institutional_id",
];

/// Columns a file must have (`equipment_category` routes the row to its DET).
pub const REQUIRED_COLUMNS: [&str; 4] = ["equipment_id", "name", "equipment_class", "equipment_category"];

/// The category of a piece of equipment; it selects the DET and the emission leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentCategory {
    Scientific,
    It,
    Other,
}

impl EquipmentCategory {
    /// Parses `scientific`, `it` or `other` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "scientific" => Some(Self::Scientific),
            "it" => Some(Self::It),
            "other" => Some(Self::Other),
            _ => None,
        }
    }

    /// The category's name as stored in factors.
    pub fn key(self) -> &'static str {
        match self {
            Self::Scientific => "scientific",
            Self::It => "it",
            Self::Other => "other",
        }
    }

    /// The DET of this category.
    pub fn entry_type(self) -> EntryType {
        match self {
            Self::Scientific => EntryType::Scientific,
            Self::It => EntryType::It,
            Self::Other => EntryType::Other,
        }
    }

    /// The category of an equipment DET.
    pub fn from_entry_type(t: EntryType) -> Option<Self> {
        match t {
            EntryType::Scientific => Some(Self::Scientific),
            EntryType::It => Some(Self::It),
            EntryType::Other => Some(Self::Other),
            EntryType::Member
            | EntryType::Student
            | EntryType::Plane
            | EntryType::Train
            | EntryType::Building
            | EntryType::EnergyCombustion
            | EntryType::BuildingEmbodiedEnergy
            | EntryType::ExternalClouds
            | EntryType::ExternalAi
            | EntryType::ProcessEmissions
            | EntryType::ScientificEquipment
            | EntryType::ItEquipment
            | EntryType::ConsumableAccessories
            | EntryType::BiologicalChemicalGaseousProduct
            | EntryType::Services
            | EntryType::Vehicles
            | EntryType::OtherPurchases
            | EntryType::AdditionalPurchases
            | EntryType::ResearchFacilities
            | EntryType::MiceAndFishAnimalFacilities => None,
        }
    }

    /// The emission leaf of this category.
    pub fn emission_type(self) -> EmissionType {
        match self {
            Self::Scientific => EmissionType::EQUIPMENT_SCIENTIFIC,
            Self::It => EmissionType::EQUIPMENT_IT,
            Self::Other => EmissionType::EQUIPMENT_OTHER,
        }
    }
}

/// A validated equipment entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquipmentInput {
    pub category: EquipmentCategory,
    pub equipment_id: String,
    pub name: String,
    pub equipment_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_class: Option<String>,
    /// Blank → the factor's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_usage_hours_per_week: Option<i64>,
    /// Blank → the factor's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_usage_hours_per_week: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl EquipmentInput {
    /// Parses and validates raw fields. `category` comes from the entry type when the caller
    /// knows it (API, typed upload); otherwise the `equipment_category` column routes the row.
    pub fn parse(raw: &RawFields, category: Option<EquipmentCategory>) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category = match category {
            Some(c) => Some(c),
            None => match r.text("equipment_category") {
                None => {
                    r.error("equipment_category", code::REQUIRED, "is required (scientific, it or other)");
                    None
                }
                Some(text) => {
                    let parsed = EquipmentCategory::parse(&text);
                    if parsed.is_none() {
                        r.error("equipment_category", code::INVALID_CHOICE, "must be scientific, it or other");
                    }
                    parsed
                }
            },
        };
        let equipment_id = r.required_text("equipment_id");
        let name = r.required_text("name");
        let equipment_class = r.required_text("equipment_class");
        let sub_class = r.text("sub_class");
        let active = r.integer_in("active_usage_hours_per_week", 0, HOURS_PER_WEEK);
        let standby = r.integer_in("standby_usage_hours_per_week", 0, HOURS_PER_WEEK);
        if let (Some(a), Some(s)) = (active, standby)
            && a + s > HOURS_PER_WEEK
        {
            r.error(
                "standby_usage_hours_per_week",
                code::HOURS_EXCEED_WEEK,
                format!("active + standby hours ({}) exceed {HOURS_PER_WEEK} per week", a + s),
            );
        }
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        let input = category.map(|category| EquipmentInput {
            category,
            equipment_id,
            name,
            equipment_class,
            sub_class,
            active_usage_hours_per_week: active,
            standby_usage_hours_per_week: standby,
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

/// An equipment factor of one year (DOMAIN §4, `equipments_factors.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquipmentFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub category: EquipmentCategory,
    pub equipment_class: String,
    pub sub_class: Option<String>,
    pub active_power_w: f64,
    pub standby_power_w: f64,
    pub active_usage_hours_per_week: i64,
    pub standby_usage_hours_per_week: i64,
    pub ef_kg_co2eq_per_kwh: f64,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn sub_matches(factor: &Option<String>, wanted: Option<&str>) -> bool {
    match (factor.as_deref(), wanted) {
        (None, None) => true,
        (Some(f), Some(w)) => same(f, w),
        _ => false,
    }
}

/// Resolves the factor of an entry: within its category first, then any category; in each,
/// exact (class, sub_class) first, then (class, blank sub_class) (DOMAIN §4 lookup, §12).
pub fn resolve_factor<'f>(factors: &'f [EquipmentFactor], input: &EquipmentInput) -> Option<&'f EquipmentFactor> {
    let class = input.equipment_class.as_str();
    let sub = input.sub_class.as_deref();
    // (only the entry's category?, sub-class wanted) in order of preference.
    let passes = [(true, sub), (true, None), (false, sub), (false, None)];
    passes.into_iter().find_map(|(own_category, sub)| {
        factors.iter().find(|f| {
            (!own_category || f.category == input.category)
                && same(&f.equipment_class, class)
                && sub_matches(&f.sub_class, sub)
        })
    })
}

/// Computes the emission rows of one entry with the resolved factor (DOMAIN §5.4, §5.9).
pub fn compute(input: &EquipmentInput, factor: Option<&EquipmentFactor>) -> Computation {
    let leaf = input.category.emission_type();
    if let Some(kg) = input.kg_co2eq {
        return Computation::Rows(vec![EmissionRow::given(leaf, kg)]);
    }
    let Some(f) = factor else {
        let sub = input.sub_class.as_deref().map(|s| format!(" / sub-class '{s}'")).unwrap_or_default();
        return Computation::Incomplete(format!(
            "no equipment factor for class '{}'{sub} in this year",
            input.equipment_class
        ));
    };
    let active_h = input.active_usage_hours_per_week.unwrap_or(f.active_usage_hours_per_week);
    let standby_h = input.standby_usage_hours_per_week.unwrap_or(f.standby_usage_hours_per_week);
    if active_h + standby_h > HOURS_PER_WEEK {
        return Computation::Incomplete(format!(
            "active + standby hours ({}) exceed {HOURS_PER_WEEK} per week once the factor's defaults are applied",
            active_h + standby_h
        ));
    }
    let weekly_wh = active_h as f64 * f.active_power_w + standby_h as f64 * f.standby_power_w;
    let kwh = weekly_wh * WEEKS_PER_YEAR / 1000.0;
    let explanation = Explanation::of(Formula::Equipment)
        .term("active_power_w", f.active_power_w, "W")
        .term("active_usage_hours_per_week", active_h as f64, "h/week")
        .term("standby_power_w", f.standby_power_w, "W")
        .term("standby_usage_hours_per_week", standby_h as f64, "h/week")
        .term("kwh", kwh, "kWh")
        .term("ef_kg_co2eq_per_kwh", f.ef_kg_co2eq_per_kwh, "kg CO₂-eq/kWh")
        .defaulted_if(
            input.active_usage_hours_per_week.is_none(),
            "active_usage_hours_per_week",
            active_h as f64,
            DefaultRule::FactorHours,
        )
        .defaulted_if(
            input.standby_usage_hours_per_week.is_none(),
            "standby_usage_hours_per_week",
            standby_h as f64,
            DefaultRule::FactorHours,
        );
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: kwh * f.ef_kg_co2eq_per_kwh,
        quantity: Some(kwh),
        quantity_unit: Some("kWh"),
        factor_ids: vec![f.factor_id.clone()],
        explanation,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::test_support::*;

    fn factor(class: &str, sub: Option<&str>, aw: f64, sw: f64, ah: i64, sh: i64) -> EquipmentFactor {
        EquipmentFactor {
            factor_id: format!("{class}/{}", sub.unwrap_or("")),
            category: EquipmentCategory::Scientific,
            equipment_class: class.into(),
            sub_class: sub.map(Into::into),
            active_power_w: aw,
            standby_power_w: sw,
            active_usage_hours_per_week: ah,
            standby_usage_hours_per_week: sh,
            ef_kg_co2eq_per_kwh: 0.097,
        }
    }

    #[test]
    fn g9_ultracentrifuge_with_explicit_hours() {
        let input = EquipmentInput::parse(
            &raw(&[
                ("equipment_id", "SCI-1"),
                ("name", "Ultracentrifuge"),
                ("equipment_class", "Centrifugation"),
                ("sub_class", "Ultra centrifuges"),
                ("active_usage_hours_per_week", "40"),
                ("standby_usage_hours_per_week", "128"),
                ("equipment_category", "scientific"),
            ]),
            None,
        )
        .unwrap();
        let f = [factor("Centrifugation", Some("Ultra centrifuges"), 1300.0, 130.0, 40, 128)];
        let c = compute(&input, resolve_factor(&f, &input));
        assert_eq!(c.rows().len(), 1);
        assert!((c.rows()[0].quantity.unwrap() - 3569.28).abs() < 1e-9);
        assert!((kg(&c) - 346.22016).abs() < 1e-9);
        assert_eq!(c.rows()[0].emission_type.key, "equipment__scientific");
    }

    #[test]
    fn g10_freezer_with_blank_hours_takes_the_factor_defaults() {
        let input = EquipmentInput::parse(
            &raw(&[("equipment_id", "F"), ("name", "-80"), ("equipment_class", "Lab Freezer / Frigde")]),
            Some(EquipmentCategory::Scientific),
        )
        .unwrap();
        let f = [factor("Lab Freezer / Frigde", None, 480.0, 480.0, 168, 0)];
        let c = compute(&input, resolve_factor(&f, &input));
        assert!((kg(&c) - 406.74816).abs() < 1e-9);
        // Why this number: both hours came from the factor.
        let why = &c.rows()[0].explanation;
        let defaulted: Vec<(&str, &crate::explain::TermValue)> =
            why.defaults.iter().map(|d| (d.field.as_str(), &d.value)).collect();
        assert_eq!(
            defaulted,
            [
                ("active_usage_hours_per_week", &crate::explain::TermValue::Number(168.0)),
                ("standby_usage_hours_per_week", &crate::explain::TermValue::Number(0.0))
            ]
        );
        assert!(why.defaults.iter().all(|d| d.rule == DefaultRule::FactorHours));
    }

    #[test]
    fn the_exact_sub_class_wins_over_the_class_default() {
        let input = EquipmentInput::parse(
            &raw(&[("equipment_id", "1"), ("name", "x"), ("equipment_class", "c"), ("sub_class", "S")]),
            Some(EquipmentCategory::Scientific),
        )
        .unwrap();
        let f = [factor("c", None, 1.0, 0.0, 1, 0), factor("C", Some("s"), 2.0, 0.0, 1, 0)];
        assert_eq!(resolve_factor(&f, &input).unwrap().active_power_w, 2.0);
        let unknown_sub = EquipmentInput { sub_class: Some("zzz".into()), ..input };
        assert_eq!(resolve_factor(&f, &unknown_sub).unwrap().active_power_w, 1.0);
    }

    #[test]
    fn an_unknown_class_gives_no_row_and_a_reason() {
        let input = EquipmentInput::parse(
            &raw(&[("equipment_id", "1"), ("name", "Flux capacitor"), ("equipment_class", "Time travel")]),
            Some(EquipmentCategory::Other),
        )
        .unwrap();
        let c = compute(&input, resolve_factor(&[], &input));
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("Time travel")));
        assert!(c.rows().is_empty());
    }

    #[test]
    fn an_override_writes_exactly_one_row_even_without_a_factor() {
        let input = EquipmentInput::parse(
            &raw(&[("equipment_id", "1"), ("name", "x"), ("equipment_class", "unknown"), ("kg_co2eq", "0")]),
            Some(EquipmentCategory::It),
        )
        .unwrap();
        let c = compute(&input, None);
        assert_eq!(c.rows().len(), 1);
        assert_eq!(c.rows()[0].kg_co2eq, 0.0);
        assert_eq!(c.rows()[0].quantity, None);
        assert_eq!(c.rows()[0].emission_type.key, "equipment__it");
    }

    #[test]
    fn hours_beyond_a_week_are_a_field_error() {
        let err = EquipmentInput::parse(
            &raw(&[
                ("equipment_id", "1"),
                ("name", "x"),
                ("equipment_class", "c"),
                ("active_usage_hours_per_week", "100"),
                ("standby_usage_hours_per_week", "100"),
                ("equipment_category", "it"),
            ]),
            None,
        )
        .unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].code, code::HOURS_EXCEED_WEEK);
    }

    #[test]
    fn every_missing_required_field_is_reported_at_once() {
        let err = EquipmentInput::parse(&raw(&[("active_usage_hours_per_week", "1.5")]), None).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(fields.contains(&("equipment_category", code::REQUIRED)));
        assert!(fields.contains(&("equipment_id", code::REQUIRED)));
        assert!(fields.contains(&("name", code::REQUIRED)));
        assert!(fields.contains(&("equipment_class", code::REQUIRED)));
        assert!(fields.contains(&("active_usage_hours_per_week", code::INVALID_INTEGER)));
    }

    #[test]
    fn scaling_power_scales_kg_linearly_and_never_goes_negative() {
        let input = EquipmentInput::parse(
            &raw(&[("equipment_id", "1"), ("name", "x"), ("equipment_class", "c")]),
            Some(EquipmentCategory::Scientific),
        )
        .unwrap();
        for k in [0.0, 0.5, 1.0, 3.0, 1000.0] {
            let base = [factor("c", None, 100.0, 10.0, 40, 128)];
            let scaled = [factor("c", None, 100.0 * k, 10.0 * k, 40, 128)];
            let a = kg(&compute(&input, resolve_factor(&base, &input)));
            let b = kg(&compute(&input, resolve_factor(&scaled, &input)));
            assert!((b - a * k).abs() <= 1e-9 * (1.0 + b.abs()));
            assert!(b >= 0.0);
        }
    }
}

/// One row of `equipments_factors.csv`, parsed: the category routes it to its DET, the
/// classification keys identify it, the values feed the formula.
#[derive(Debug, Clone, PartialEq)]
pub struct EquipmentFactorRow {
    pub category: EquipmentCategory,
    pub equipment_class: String,
    pub sub_class: Option<String>,
    pub active_power_w: f64,
    pub standby_power_w: f64,
    pub active_usage_hours_per_week: i64,
    pub standby_usage_hours_per_week: i64,
    pub ef_kg_co2eq_per_kwh: f64,
}

/// Columns an equipment factor file must have.
pub const FACTOR_COLUMNS: [&str; 8] = [
    "equipment_category",
    "equipment_class",
    "sub_class",
    "active_power_w",
    "standby_power_w",
    "active_usage_hours_per_week",
    "standby_usage_hours_per_week",
    "ef_kg_co2eq_per_kwh",
];

impl EquipmentFactorRow {
    /// Validates one factor row: non-negative numbers, default hours within a week.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category_text = r.required_text("equipment_category");
        let category = EquipmentCategory::parse(&category_text);
        if category.is_none() && !category_text.is_empty() {
            r.error("equipment_category", code::INVALID_CHOICE, "must be scientific, it or other");
        }
        let equipment_class = r.required_text("equipment_class");
        let sub_class = r.text("sub_class");
        let active_power_w = r.required_decimal_in("active_power_w", 0.0, f64::INFINITY);
        let standby_power_w = r.required_decimal_in("standby_power_w", 0.0, f64::INFINITY);
        let ef = r.required_decimal_in("ef_kg_co2eq_per_kwh", 0.0, f64::INFINITY);
        let ah = r.integer_in("active_usage_hours_per_week", 0, HOURS_PER_WEEK).unwrap_or(0);
        let sh = r.integer_in("standby_usage_hours_per_week", 0, HOURS_PER_WEEK).unwrap_or(0);
        if ah + sh > HOURS_PER_WEEK {
            r.error("standby_usage_hours_per_week", code::HOURS_EXCEED_WEEK, "default hours exceed a week");
        }
        let row = category.map(|category| EquipmentFactorRow {
            category,
            equipment_class,
            sub_class,
            active_power_w,
            standby_power_w,
            active_usage_hours_per_week: ah,
            standby_usage_hours_per_week: sh,
            ef_kg_co2eq_per_kwh: ef,
        });
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}
