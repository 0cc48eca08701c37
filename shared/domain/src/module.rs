//! The 8 modules and the data-entry types (DETs) of DOMAIN §1, with their stable anchor ids.

use serde::{Deserialize, Serialize};

/// A module of a report, in DOMAIN §1 order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    Headcount,
    ProfessionalTravel,
    Buildings,
    Equipment,
    Purchase,
    ResearchFacilities,
    ExternalCloudAndAi,
    ProcessEmissions,
}

impl Module {
    /// Every module, in display order.
    pub const ALL: [Module; 8] = [
        Module::Headcount,
        Module::ProfessionalTravel,
        Module::Buildings,
        Module::Equipment,
        Module::Purchase,
        Module::ResearchFacilities,
        Module::ExternalCloudAndAi,
        Module::ProcessEmissions,
    ];

    /// The module key used in URLs, files and the database.
    pub fn key(self) -> &'static str {
        match self {
            Module::Headcount => "headcount",
            Module::ProfessionalTravel => "professional_travel",
            Module::Buildings => "buildings",
            Module::Equipment => "equipment",
            Module::Purchase => "purchase",
            Module::ResearchFacilities => "research_facilities",
            Module::ExternalCloudAndAi => "external_cloud_and_ai",
            Module::ProcessEmissions => "process_emissions",
        }
    }

    /// The module's English name, as reports and exports print it.
    pub fn label(self) -> &'static str {
        match self {
            Module::Headcount => "Headcount",
            Module::ProfessionalTravel => "Professional travel",
            Module::Buildings => "Buildings",
            Module::Equipment => "Equipment",
            Module::Purchase => "Purchases",
            Module::ResearchFacilities => "Research facilities",
            Module::ExternalCloudAndAi => "External cloud & AI",
            Module::ProcessEmissions => "Process emissions",
        }
    }

    /// Position 1..=8.
    pub fn position(self) -> u8 {
        Module::ALL.iter().position(|m| *m == self).map_or(0, |i| i as u8 + 1)
    }

    /// Parses a module key (case-insensitive).
    pub fn parse(key: &str) -> Option<Module> {
        let key = key.trim();
        Module::ALL.into_iter().find(|m| m.key().eq_ignore_ascii_case(key))
    }

    /// The entry types of this module.
    pub fn entry_types(self) -> impl Iterator<Item = EntryType> {
        EntryType::ALL.into_iter().filter(move |t| t.module() == self)
    }
}

/// A module is written as its key (`professional_travel`), in URLs too.
impl std::fmt::Display for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// A text that names no module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no module '{0}'")]
pub struct UnknownModule(pub String);

impl std::str::FromStr for Module {
    type Err = UnknownModule;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        Module::parse(key).ok_or_else(|| UnknownModule(key.to_owned()))
    }
}

/// A data-entry type (DET). The discriminant is the anchor's id and is stored as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(i16)]
pub enum EntryType {
    Member = 1,
    Student = 2,
    Scientific = 10,
    It = 11,
    Other = 12,
    Plane = 20,
    Train = 21,
    Building = 30,
    EnergyCombustion = 31,
    BuildingEmbodiedEnergy = 32,
    ExternalClouds = 40,
    ExternalAi = 41,
    ProcessEmissions = 50,
    ScientificEquipment = 60,
    ItEquipment = 61,
    ConsumableAccessories = 62,
    BiologicalChemicalGaseousProduct = 63,
    Services = 64,
    Vehicles = 65,
    OtherPurchases = 66,
    AdditionalPurchases = 67,
    ResearchFacilities = 70,
    MiceAndFishAnimalFacilities = 71,
}

impl EntryType {
    /// Every DET.
    pub const ALL: [EntryType; 23] = [
        EntryType::Member,
        EntryType::Student,
        EntryType::Scientific,
        EntryType::It,
        EntryType::Other,
        EntryType::Plane,
        EntryType::Train,
        EntryType::Building,
        EntryType::EnergyCombustion,
        EntryType::BuildingEmbodiedEnergy,
        EntryType::ExternalClouds,
        EntryType::ExternalAi,
        EntryType::ProcessEmissions,
        EntryType::ScientificEquipment,
        EntryType::ItEquipment,
        EntryType::ConsumableAccessories,
        EntryType::BiologicalChemicalGaseousProduct,
        EntryType::Services,
        EntryType::Vehicles,
        EntryType::OtherPurchases,
        EntryType::AdditionalPurchases,
        EntryType::ResearchFacilities,
        EntryType::MiceAndFishAnimalFacilities,
    ];

    /// The anchor id.
    pub fn id(self) -> i16 {
        self as i16
    }

    /// Looks a DET up by its anchor id.
    pub fn from_id(id: i16) -> Option<EntryType> {
        EntryType::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The DET name of DOMAIN §1.
    pub fn name(self) -> &'static str {
        match self {
            EntryType::Member => "member",
            EntryType::Student => "student",
            EntryType::Scientific => "scientific",
            EntryType::It => "it",
            EntryType::Other => "other",
            EntryType::Plane => "plane",
            EntryType::Train => "train",
            EntryType::Building => "building",
            EntryType::EnergyCombustion => "energy_combustion",
            EntryType::BuildingEmbodiedEnergy => "building_embodied_energy",
            EntryType::ExternalClouds => "external_clouds",
            EntryType::ExternalAi => "external_ai",
            EntryType::ProcessEmissions => "process_emissions",
            EntryType::ScientificEquipment => "scientific_equipment",
            EntryType::ItEquipment => "it_equipment",
            EntryType::ConsumableAccessories => "consumable_accessories",
            EntryType::BiologicalChemicalGaseousProduct => "biological_chemical_gaseous_product",
            EntryType::Services => "services",
            EntryType::Vehicles => "vehicles",
            EntryType::OtherPurchases => "other_purchases",
            EntryType::AdditionalPurchases => "additional_purchases",
            EntryType::ResearchFacilities => "research_facilities",
            EntryType::MiceAndFishAnimalFacilities => "mice_and_fish_animal_facilities",
        }
    }

    /// The module the DET belongs to.
    pub fn module(self) -> Module {
        match self.id() {
            1 | 2 => Module::Headcount,
            10..=12 => Module::Equipment,
            20 | 21 => Module::ProfessionalTravel,
            30..=32 => Module::Buildings,
            40 | 41 => Module::ExternalCloudAndAi,
            50 => Module::ProcessEmissions,
            60..=67 => Module::Purchase,
            _ => Module::ResearchFacilities,
        }
    }

    /// Parses a DET name within a module (case-insensitive).
    pub fn parse_in(module: Module, name: &str) -> Option<EntryType> {
        let name = name.trim();
        module.entry_types().find(|t| t.name().eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_det_belongs_to_a_module_and_round_trips_its_id() {
        for t in EntryType::ALL {
            assert_eq!(EntryType::from_id(t.id()), Some(t));
            assert!(t.module().entry_types().any(|x| x == t));
        }
        assert_eq!(Module::Equipment.entry_types().count(), 3);
        assert_eq!(Module::Purchase.entry_types().count(), 8);
    }

    #[test]
    fn modules_are_numbered_in_domain_order() {
        assert_eq!(Module::Headcount.position(), 1);
        assert_eq!(Module::Equipment.position(), 4);
        assert_eq!(Module::ProcessEmissions.position(), 8);
        assert_eq!(Module::parse("EQUIPMENT"), Some(Module::Equipment));
        assert_eq!(Module::parse("nope"), None);
    }
}
