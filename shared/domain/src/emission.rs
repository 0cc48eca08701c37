//! Emission rows and the leaves of the emission-type tree (DOMAIN §3) that the engine emits.

use serde::{Deserialize, Serialize};
use std::fmt;

/// GHG-Protocol scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    S1 = 1,
    S2 = 2,
    S3 = 3,
}

impl Scope {
    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// Chart categories of DOMAIN §3, in chart order: the eight core categories, then the
/// additional ones (campus averages kept apart from module headlines and the core total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ProcessEmissions,
    BuildingsEnergyCombustion,
    BuildingsRoom,
    Equipment,
    ExternalCloudAndAi,
    Purchases,
    ResearchFacilities,
    ProfessionalTravel,
    Commuting,
    Food,
    Waste,
    EmbodiedEnergy,
}

impl Category {
    /// Every category in chart order.
    pub const ALL: [Category; 12] = [
        Category::ProcessEmissions,
        Category::BuildingsEnergyCombustion,
        Category::BuildingsRoom,
        Category::Equipment,
        Category::ExternalCloudAndAi,
        Category::Purchases,
        Category::ResearchFacilities,
        Category::ProfessionalTravel,
        Category::Commuting,
        Category::Food,
        Category::Waste,
        Category::EmbodiedEnergy,
    ];

    /// Whether the category is an additional one (DOMAIN §3, §6.3).
    pub fn is_additional(self) -> bool {
        matches!(self, Category::Commuting | Category::Food | Category::Waste | Category::EmbodiedEnergy)
    }

    /// Looks a category up by its key.
    pub fn by_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The category's English name, as reports and exports print it.
    pub fn label(self) -> &'static str {
        match self {
            Category::ProcessEmissions => "Process emissions",
            Category::BuildingsEnergyCombustion => "Buildings: energy combustion",
            Category::BuildingsRoom => "Buildings: rooms",
            Category::Equipment => "Equipment",
            Category::ExternalCloudAndAi => "External cloud & AI",
            Category::Purchases => "Purchases",
            Category::ResearchFacilities => "Research facilities",
            Category::ProfessionalTravel => "Professional travel",
            Category::Commuting => "Commuting",
            Category::Food => "Food",
            Category::Waste => "Waste",
            Category::EmbodiedEnergy => "Embodied energy",
        }
    }

    /// The category's key.
    pub fn key(self) -> &'static str {
        match self {
            Category::ProcessEmissions => "process_emissions",
            Category::BuildingsEnergyCombustion => "buildings_energy_combustion",
            Category::BuildingsRoom => "buildings_room",
            Category::Equipment => "equipment",
            Category::ExternalCloudAndAi => "external_cloud_and_ai",
            Category::Purchases => "purchases",
            Category::ResearchFacilities => "research_facilities",
            Category::ProfessionalTravel => "professional_travel",
            Category::Commuting => "commuting",
            Category::Food => "food",
            Category::Waste => "waste",
            Category::EmbodiedEnergy => "embodied_energy",
        }
    }
}

/// A leaf of the emission-type tree with its positional code, scope and chart category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmissionType {
    /// Leaf key, e.g. `equipment__scientific`.
    pub key: &'static str,
    /// The anchor's positional code, e.g. 80100 (a fourth level for rooms, waste and animals).
    pub code: u32,
    pub scope: Scope,
    /// Chart category of DOMAIN §3.
    pub category: Category,
    /// Additional categories are kept out of module headlines and the core total.
    pub additional: bool,
}

/// As JSON, a leaf is its key; reading an unknown key is an error.
impl serde::Serialize for EmissionType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key)
    }
}

impl<'de> serde::Deserialize<'de> for EmissionType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        EmissionType::by_key(&key).ok_or_else(|| serde::de::Error::custom(format!("no emission type '{key}'")))
    }
}

impl fmt::Display for EmissionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)
    }
}

const fn leaf(key: &'static str, code: u32, scope: Scope, category: Category, additional: bool) -> EmissionType {
    EmissionType { key, code, scope, category, additional }
}

/// Every leaf of the tree (parents are roll-ups computed on read and never stored).
pub static LEAVES: [EmissionType; 96] = [
    leaf("food__vegetarian", 10001, Scope::S3, Category::Food, true),
    leaf("food__non_vegetarian", 10002, Scope::S3, Category::Food, true),
    leaf("waste__incineration", 20001, Scope::S3, Category::Waste, true),
    leaf("waste__composting", 20002, Scope::S3, Category::Waste, true),
    leaf("waste__biogas__organic_waste_food_leftovers", 2000301, Scope::S3, Category::Waste, true),
    leaf("waste__biogas__cooking_vegetable_oil", 2000302, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__paper", 2000401, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__cardboard", 2000402, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__plastics", 2000403, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__glass", 2000404, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__ferrous_metals", 2000405, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__non_ferrous_metals", 2000406, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__electronics", 2000407, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__wood", 2000408, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__pet", 2000409, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__aluminum", 2000410, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__textile", 2000411, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__toner_and_ink_cartridges", 2000412, Scope::S3, Category::Waste, true),
    leaf("waste__recycling__inert_waste", 2000413, Scope::S3, Category::Waste, true),
    leaf("commuting__walking", 30001, Scope::S3, Category::Commuting, true),
    leaf("commuting__cycling", 30002, Scope::S3, Category::Commuting, true),
    leaf("commuting__powered_two_wheeler", 30003, Scope::S3, Category::Commuting, true),
    leaf("commuting__public_transport", 30004, Scope::S3, Category::Commuting, true),
    leaf("commuting__car", 30005, Scope::S3, Category::Commuting, true),
    leaf("professional_travel__train__class_1", 50101, Scope::S3, Category::ProfessionalTravel, false),
    leaf("professional_travel__train__class_2", 50102, Scope::S3, Category::ProfessionalTravel, false),
    leaf("professional_travel__plane__first", 50201, Scope::S3, Category::ProfessionalTravel, false),
    leaf("professional_travel__plane__business", 50202, Scope::S3, Category::ProfessionalTravel, false),
    leaf("professional_travel__plane__eco", 50203, Scope::S3, Category::ProfessionalTravel, false),
    leaf("buildings__rooms__lighting__office", 6010101, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__lighting__laboratories", 6010102, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__lighting__archives", 6010103, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__lighting__libraries", 6010104, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__lighting__auditoriums", 6010105, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__lighting__miscellaneous", 6010106, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__cooling__office", 6010201, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__cooling__laboratories", 6010202, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__cooling__archives", 6010203, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__cooling__libraries", 6010204, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__cooling__auditoriums", 6010205, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__cooling__miscellaneous", 6010206, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__ventilation__office", 6010301, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__ventilation__laboratories", 6010302, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__ventilation__archives", 6010303, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__ventilation__libraries", 6010304, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__ventilation__auditoriums", 6010305, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__ventilation__miscellaneous", 6010306, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_elec__office", 6010401, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_elec__laboratories", 6010402, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_elec__archives", 6010403, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_elec__libraries", 6010404, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_elec__auditoriums", 6010405, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_elec__miscellaneous", 6010406, Scope::S2, Category::BuildingsRoom, false),
    leaf("buildings__rooms__heating_thermal__office", 6010501, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf(
        "buildings__rooms__heating_thermal__laboratories",
        6010502,
        Scope::S1,
        Category::BuildingsEnergyCombustion,
        false,
    ),
    leaf("buildings__rooms__heating_thermal__archives", 6010503, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf(
        "buildings__rooms__heating_thermal__libraries",
        6010504,
        Scope::S1,
        Category::BuildingsEnergyCombustion,
        false,
    ),
    leaf(
        "buildings__rooms__heating_thermal__auditoriums",
        6010505,
        Scope::S1,
        Category::BuildingsEnergyCombustion,
        false,
    ),
    leaf(
        "buildings__rooms__heating_thermal__miscellaneous",
        6010506,
        Scope::S1,
        Category::BuildingsEnergyCombustion,
        false,
    ),
    leaf("buildings__combustion", 60200, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__combustion__natural_gas", 60201, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__combustion__heating_oil", 60202, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__combustion__biomethane", 60203, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__combustion__pellets", 60204, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__combustion__forest_chips", 60205, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__combustion__wood_logs", 60206, Scope::S1, Category::BuildingsEnergyCombustion, false),
    leaf("buildings__construction_and_renovation", 60300, Scope::S3, Category::EmbodiedEnergy, true),
    leaf("process_emissions__ch4", 70100, Scope::S1, Category::ProcessEmissions, false),
    leaf("process_emissions__co2", 70200, Scope::S1, Category::ProcessEmissions, false),
    leaf("process_emissions__n2o", 70300, Scope::S1, Category::ProcessEmissions, false),
    leaf("process_emissions__refrigerants", 70400, Scope::S1, Category::ProcessEmissions, false),
    leaf("equipment__scientific", 80100, Scope::S2, Category::Equipment, false),
    leaf("equipment__it", 80200, Scope::S2, Category::Equipment, false),
    leaf("equipment__other", 80300, Scope::S2, Category::Equipment, false),
    leaf("purchases__scientific_equipment", 90200, Scope::S3, Category::Purchases, false),
    leaf("purchases__it_equipment", 90300, Scope::S3, Category::Purchases, false),
    leaf("purchases__consumable_accessories", 90400, Scope::S3, Category::Purchases, false),
    leaf("purchases__biological_chemical_gaseous", 90500, Scope::S3, Category::Purchases, false),
    leaf("purchases__services", 90600, Scope::S3, Category::Purchases, false),
    leaf("purchases__vehicles", 90700, Scope::S3, Category::Purchases, false),
    leaf("purchases__other", 90800, Scope::S3, Category::Purchases, false),
    leaf("purchases__additional", 90900, Scope::S1, Category::Purchases, false),
    leaf("purchases__additional__ln2", 90901, Scope::S1, Category::Purchases, false),
    leaf("research_facilities__facilities", 100100, Scope::S3, Category::ResearchFacilities, false),
    leaf("research_facilities__animal__mice", 10020001, Scope::S3, Category::ResearchFacilities, false),
    leaf("research_facilities__animal__fish", 10020002, Scope::S3, Category::ResearchFacilities, false),
    leaf("research_facilities__it_facilities", 100300, Scope::S3, Category::ResearchFacilities, false),
    leaf("external__clouds__virtualisation", 110101, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__clouds__calcul", 110102, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__clouds__stockage", 110103, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__ai__provider_google", 110201, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__ai__provider_mistral_ai", 110202, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__ai__provider_anthropic", 110203, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__ai__provider_openai", 110204, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__ai__provider_cohere", 110205, Scope::S3, Category::ExternalCloudAndAi, false),
    leaf("external__ai__provider_others", 110206, Scope::S3, Category::ExternalCloudAndAi, false),
];

impl EmissionType {
    /// `equipment__scientific` (80100).
    pub const EQUIPMENT_SCIENTIFIC: EmissionType =
        leaf("equipment__scientific", 80100, Scope::S2, Category::Equipment, false);
    /// `equipment__it` (80200).
    pub const EQUIPMENT_IT: EmissionType = leaf("equipment__it", 80200, Scope::S2, Category::Equipment, false);
    /// `equipment__other` (80300).
    pub const EQUIPMENT_OTHER: EmissionType = leaf("equipment__other", 80300, Scope::S2, Category::Equipment, false);

    /// Looks a leaf up by key.
    pub fn by_key(key: &str) -> Option<EmissionType> {
        LEAVES.iter().find(|t| t.key == key).copied()
    }

    /// The module whose entries produce the leaf, told by the first segment of its key (food,
    /// waste and commuting come from the headcount's people).
    pub fn module(&self) -> crate::Module {
        use crate::Module;
        match self.key.split("__").next().unwrap_or_default() {
            "professional_travel" => Module::ProfessionalTravel,
            "buildings" => Module::Buildings,
            "equipment" => Module::Equipment,
            "purchases" => Module::Purchase,
            "research_facilities" => Module::ResearchFacilities,
            "external" => Module::ExternalCloudAndAi,
            "process_emissions" => Module::ProcessEmissions,
            _ => Module::Headcount,
        }
    }

    /// Looks a leaf up by key; for keys defined in code (a miss is a programming error caught by
    /// the tree's tests, so it falls back to a neutral leaf rather than panicking in production).
    pub fn known(key: &str) -> EmissionType {
        Self::by_key(key).unwrap_or(EmissionType::EQUIPMENT_OTHER)
    }
}

#[cfg(test)]
mod tree_tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_leaf_belongs_to_the_module_its_key_names() {
        for leaf in LEAVES.iter() {
            let first = leaf.key.split("__").next().unwrap();
            let module = leaf.module();
            match first {
                "food" | "waste" | "commuting" => assert_eq!(module, crate::Module::Headcount, "{}", leaf.key),
                _ => assert!(
                    first == module.key()
                        || (first, module.key()) == ("purchases", "purchase")
                        || (first, module.key()) == ("external", "external_cloud_and_ai"),
                    "{} → {}",
                    leaf.key,
                    module.key()
                ),
            }
        }
    }

    #[test]
    fn keys_and_codes_are_unique_and_consistent_with_their_category() {
        let keys: HashSet<_> = LEAVES.iter().map(|l| l.key).collect();
        let codes: HashSet<_> = LEAVES.iter().map(|l| l.code).collect();
        assert_eq!(keys.len(), LEAVES.len());
        assert_eq!(codes.len(), LEAVES.len());
        for l in &LEAVES {
            assert_eq!(l.additional, l.category.is_additional(), "{}", l.key);
        }
    }

    #[test]
    fn scopes_follow_domain_section_3() {
        assert_eq!(EmissionType::known("buildings__rooms__heating_thermal__office").scope, Scope::S1);
        assert_eq!(
            EmissionType::known("buildings__rooms__heating_thermal__office").category,
            Category::BuildingsEnergyCombustion
        );
        assert_eq!(EmissionType::known("buildings__rooms__heating_elec__laboratories").scope, Scope::S2);
        assert_eq!(EmissionType::known("buildings__rooms__lighting__libraries").code, 6010104);
        assert_eq!(EmissionType::known("purchases__additional__ln2").scope, Scope::S1);
        assert_eq!(EmissionType::known("purchases__it_equipment").scope, Scope::S3);
        assert_eq!(EmissionType::known("waste__recycling__inert_waste").code, 2000413);
        assert_eq!(EmissionType::known("research_facilities__animal__fish").code, 10020002);
        for l in [EmissionType::EQUIPMENT_SCIENTIFIC, EmissionType::EQUIPMENT_IT, EmissionType::EQUIPMENT_OTHER] {
            assert_eq!(EmissionType::by_key(l.key), Some(l));
        }
    }

    #[test]
    fn every_leaf_of_the_demo_oracle_is_in_the_tree_with_its_scope() {
        let oracle = include_str!("../../../data/demo/expected_emissions_2025.csv");
        for line in oracle.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let leaf = EmissionType::by_key(cols[4]).unwrap_or_else(|| panic!("{} missing", cols[4]));
            assert_eq!(leaf.scope.number().to_string(), cols[5], "{}", cols[4]);
            assert_eq!(if leaf.additional { "yes" } else { "no" }, cols[6], "{}", cols[4]);
        }
    }
}

/// One computed emission row of an entry (DOMAIN §5.0 step 3).
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionRow {
    pub emission_type: EmissionType,
    pub kg_co2eq: f64,
    /// The physical quantity (kWh for equipment); `None` for an override row.
    pub quantity: Option<f64>,
    pub quantity_unit: Option<&'static str>,
    /// Identities of the factors used, as given by the caller (opaque to the domain).
    pub factor_ids: Vec<String>,
    /// How the kg came about: the formula, the values used and the defaults applied.
    pub explanation: crate::explain::Explanation,
}

impl EmissionRow {
    /// The single row of a kg given with the entry (DOMAIN §5.9): on `leaf`, no quantity, no
    /// factor.
    pub fn given(leaf: EmissionType, kg: f64) -> EmissionRow {
        EmissionRow {
            emission_type: leaf,
            kg_co2eq: kg,
            quantity: None,
            quantity_unit: None,
            factor_ids: vec![],
            explanation: crate::explain::Explanation::overridden(kg),
        }
    }
}

/// The result of computing one entry: rows, or the reason why none could be computed
/// ("skip, don't default", DOMAIN §5.0).
#[derive(Debug, Clone, PartialEq)]
pub enum Computation {
    Rows(Vec<EmissionRow>),
    Incomplete(String),
}

impl Computation {
    /// The rows (empty when incomplete).
    pub fn rows(&self) -> &[EmissionRow] {
        match self {
            Computation::Rows(r) => r,
            Computation::Incomplete(_) => &[],
        }
    }
}
