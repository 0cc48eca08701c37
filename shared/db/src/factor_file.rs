//! The factor files of `data/factors/<year>/` (DOMAIN §4), parsed row by row with each domain
//! `…FactorRow::parse` into what the factor table stores: DET, leaf, classification and values.
//!
//! Pure: no SQL. [`crate::factor::store_file`] writes the records.
//!
//! Stored leaf (`factor.emission_type`): the leaf the classification derives (headcount class,
//! process category, fuel name, AI provider, cloud service, animal type, plane cabin class,
//! purchase category) or the DET's fixed leaf. Train and room factors have no single leaf — the
//! entry chooses it (train class; room use × type) — so they are stored under their parent node,
//! `professional_travel__train` and `buildings__rooms`. Research facilities (DET 70) are stored
//! under `research_facilities__facilities`; the IT-facility leaf is an entry-time choice.
//!
//! Values: the typed domain factor serialised without its `factor_id`, so loading it back is a
//! plain deserialisation (see [`crate::factor`]).

use co2_domain::EntryType;
use co2_domain::buildings::{CombustionFactorRow, EmbodiedFactorRow, RoomFactorRow};
use co2_domain::external::{AiFactor, AiFactorRow, CloudFactor, CloudFactorRow, ai_leaf};
use co2_domain::facilities::{AnimalFactor, AnimalFactorRow, FacilityFactor, FacilityFactorRow};
use co2_domain::fields::{FieldErrors, RawFields};
use co2_domain::headcount::HeadcountFactorRow;
use co2_domain::process::{ProcessFactor, ProcessFactorRow};
use co2_domain::purchases::{AdditionalFactorRow, PurchaseFactorRow};
use co2_domain::travel::{self, PlaneFactorRow, TrainFactorRow};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A factor file kind, named after its file in `data/factors/<year>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorFile {
    HeadcountMembers,
    HeadcountStudents,
    TravelPlanes,
    TravelTrains,
    BuildingRooms,
    BuildingCombustions,
    BuildingEmbodied,
    Equipments,
    PurchasesCommon,
    PurchasesAdditional,
    FacilitiesCommon,
    FacilitiesAnimals,
    ExternalClouds,
    ExternalAi,
    ProcessEmissions,
}

impl FactorFile {
    /// Every factor file, in DOMAIN §4 order.
    pub const ALL: [FactorFile; 15] = [
        FactorFile::HeadcountMembers,
        FactorFile::HeadcountStudents,
        FactorFile::TravelPlanes,
        FactorFile::TravelTrains,
        FactorFile::BuildingRooms,
        FactorFile::BuildingCombustions,
        FactorFile::BuildingEmbodied,
        FactorFile::Equipments,
        FactorFile::PurchasesCommon,
        FactorFile::PurchasesAdditional,
        FactorFile::FacilitiesCommon,
        FactorFile::FacilitiesAnimals,
        FactorFile::ExternalClouds,
        FactorFile::ExternalAi,
        FactorFile::ProcessEmissions,
    ];

    /// The file name in `data/factors/<year>/`.
    pub fn file_name(self) -> &'static str {
        match self {
            FactorFile::HeadcountMembers => "headcount_members_factors.csv",
            FactorFile::HeadcountStudents => "headcount_students_factors.csv",
            FactorFile::TravelPlanes => "travel_planes_factors.csv",
            FactorFile::TravelTrains => "travel_trains_factors.csv",
            FactorFile::BuildingRooms => "building_rooms_factors.csv",
            FactorFile::BuildingCombustions => "building_energycombustions_factors.csv",
            FactorFile::BuildingEmbodied => "building_embodied_energy_factors.csv",
            FactorFile::Equipments => "equipments_factors.csv",
            FactorFile::PurchasesCommon => "purchases_common_factors.csv",
            FactorFile::PurchasesAdditional => "purchases_additional_factors.csv",
            FactorFile::FacilitiesCommon => "researchfacilities_common_factors.csv",
            FactorFile::FacilitiesAnimals => "researchfacilities_animals_factors.csv",
            FactorFile::ExternalClouds => "external_clouds_factors.csv",
            FactorFile::ExternalAi => "external_ai_factors.csv",
            FactorFile::ProcessEmissions => "processemissions_factors.csv",
        }
    }

    /// The file that holds the factors of entry type `det`.
    pub fn of_entry_type(det: i16) -> Option<FactorFile> {
        FactorFile::ALL.into_iter().find(|f| f.entry_types().contains(&det))
    }

    /// The entry types whose factors this file holds: a new upload of the file supersedes them
    /// all (absent rows become stale).
    pub fn entry_types(self) -> Vec<i16> {
        use co2_domain::EntryType as T;
        let types: &[T] = match self {
            FactorFile::HeadcountMembers => &[T::Member],
            FactorFile::HeadcountStudents => &[T::Student],
            FactorFile::TravelPlanes => &[T::Plane],
            FactorFile::TravelTrains => &[T::Train],
            FactorFile::BuildingRooms => &[T::Building],
            FactorFile::BuildingCombustions => &[T::EnergyCombustion],
            FactorFile::BuildingEmbodied => &[T::BuildingEmbodiedEnergy],
            FactorFile::Equipments => &[T::Scientific, T::It, T::Other],
            FactorFile::PurchasesCommon => &[
                T::ScientificEquipment,
                T::ItEquipment,
                T::ConsumableAccessories,
                T::BiologicalChemicalGaseousProduct,
                T::Services,
                T::Vehicles,
                T::OtherPurchases,
            ],
            FactorFile::PurchasesAdditional => &[T::AdditionalPurchases],
            FactorFile::FacilitiesCommon => &[T::ResearchFacilities],
            FactorFile::FacilitiesAnimals => &[T::MiceAndFishAnimalFacilities],
            FactorFile::ExternalClouds => &[T::ExternalClouds],
            FactorFile::ExternalAi => &[T::ExternalAi],
            FactorFile::ProcessEmissions => &[T::ProcessEmissions],
        };
        types.iter().map(|t| t.id()).collect()
    }

    /// The classification columns (the identity's lookup keys, DOMAIN §4 table).
    pub fn classification_columns(self) -> &'static [&'static str] {
        match self {
            FactorFile::HeadcountMembers | FactorFile::HeadcountStudents => {
                &["headcount_category", "headcount_class", "headcount_subclass", "unit"]
            }
            FactorFile::TravelPlanes => &["category", "cabin_class"],
            FactorFile::TravelTrains => &["country_code"],
            FactorFile::BuildingRooms => &["building_name", "room_type"],
            FactorFile::BuildingCombustions => &["unit", "name"],
            FactorFile::BuildingEmbodied => &["building_name", "category"],
            FactorFile::Equipments => &["equipment_class", "sub_class"],
            FactorFile::PurchasesCommon => &["purchase_institutional_code", "purchase_additional_code", "currency"],
            FactorFile::PurchasesAdditional => &["name"],
            FactorFile::FacilitiesCommon => &["researchfacility_id", "researchfacility_name"],
            FactorFile::FacilitiesAnimals => &["researchfacility_id", "researchfacility_name", "researchfacility_type"],
            FactorFile::ExternalClouds => &["service_type", "provider", "currency"],
            FactorFile::ExternalAi => &["provider", "usage_type"],
            FactorFile::ProcessEmissions => &["category", "subcategory", "unit"],
        }
    }

    /// The factor files a module's entries need.
    pub fn of_module(module: co2_domain::Module) -> Vec<FactorFile> {
        FactorFile::ALL.into_iter().filter(|f| f.module() == module).collect()
    }

    /// Where the shipped defaults of this file come from, in brief (`data/SOURCES.md` has the
    /// detail and the caveats).
    pub fn default_source(self) -> &'static str {
        match self {
            FactorFile::HeadcountMembers | FactorFile::HeadcountStudents => {
                "illustrative food, commuting and waste quantities; car 0.19 kg/pkm after Mobitool (data/SOURCES.md)"
            }
            FactorFile::TravelPlanes => "Mobitool v3.1 per-pkm factors with RFI 1.35, haul bands 2,500 km",
            FactorFile::TravelTrains => "Mobitool (CH), UBA/TREMOD (DE), ADEME (FR); others illustrative",
            FactorFile::BuildingRooms => "Swiss consumption mix BAFU 2025 (0.097 kg/kWh); illustrative intensities",
            FactorFile::BuildingCombustions => "Labos1point5 2021/2022; propane IPCC 2006 default",
            FactorFile::BuildingEmbodied => "illustrative kg CO2e per m2 (data/SOURCES.md)",
            FactorFile::Equipments => "EPFL public power table; Swiss consumption mix BAFU 2025 (0.097 kg/kWh)",
            FactorFile::PurchasesCommon => "illustrative kg CO2e per EUR by UNSPSC/NACRES (data/SOURCES.md)",
            FactorFile::PurchasesAdditional => "illustrative, from air-separation electricity (data/SOURCES.md)",
            FactorFile::FacilitiesCommon | FactorFile::FacilitiesAnimals => {
                "each facility's own footprint (demo values illustrative)"
            }
            FactorFile::ExternalClouds => "EPFL 2023 data-centre study, 0.259 kg CO2e per EUR",
            FactorFile::ExternalAi => "EcoLogits and Luccioni et al. 2024, per request",
            FactorFile::ProcessEmissions => "GWP100, IPCC AR5 via the GHG Protocol; refrigerants Labos1point5 2022",
        }
    }

    /// The module whose entries use this file.
    pub fn module(self) -> co2_domain::Module {
        use co2_domain::Module as M;
        match self {
            FactorFile::HeadcountMembers | FactorFile::HeadcountStudents => M::Headcount,
            FactorFile::TravelPlanes | FactorFile::TravelTrains => M::ProfessionalTravel,
            FactorFile::BuildingRooms | FactorFile::BuildingCombustions | FactorFile::BuildingEmbodied => M::Buildings,
            FactorFile::Equipments => M::Equipment,
            FactorFile::PurchasesCommon | FactorFile::PurchasesAdditional => M::Purchase,
            FactorFile::FacilitiesCommon | FactorFile::FacilitiesAnimals => M::ResearchFacilities,
            FactorFile::ExternalClouds | FactorFile::ExternalAi => M::ExternalCloudAndAi,
            FactorFile::ProcessEmissions => M::ProcessEmissions,
        }
    }
}

/// One factor row ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorRecord {
    pub data_entry_type: i16,
    pub emission_type: &'static str,
    pub classification: Map<String, Value>,
    pub values: Map<String, Value>,
}

/// A file whose rows are valid one by one but not together (overlapping haul bands, no `RoW`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct InvalidFactorSet {
    pub file: &'static str,
    pub reason: String,
}

/// The parsed rows of a file: records with their line, and rejected rows with theirs.
#[derive(Debug, Default)]
pub struct ParsedFactors {
    pub records: Vec<(u64, FactorRecord)>,
    pub rejected: Vec<(u64, FieldErrors)>,
}

/// The typed factor serialised without its id.
fn values_of(factor: impl Serialize) -> Map<String, Value> {
    let mut v = match serde_json::to_value(factor) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    v.remove("factor_id");
    v
}

fn classification_of(file: FactorFile, raw: &RawFields) -> Map<String, Value> {
    file.classification_columns()
        .iter()
        .map(|c| {
            let text = raw.get(*c).map(|s| s.trim()).unwrap_or("");
            ((*c).to_owned(), if text.is_empty() { Value::Null } else { Value::String(text.to_owned()) })
        })
        .collect()
}

fn record(
    det: EntryType,
    leaf: &'static str,
    classification: Map<String, Value>,
    values: Map<String, Value>,
) -> FactorRecord {
    FactorRecord { data_entry_type: det.id(), emission_type: leaf, classification, values }
}

/// The optional column of the electricity factors (equipment, rooms) giving the market-based
/// factor of GHG Protocol Scope 2: the kg per kWh of the unit's contractual instruments (a
/// supplier's mix, certificates, a power purchase agreement). The calculation keeps the
/// location-based `ef_kg_co2eq_per_kwh`; the inventory reports both.
pub const MARKET_EF_COLUMN: &str = "ef_market_kg_co2eq_per_kwh";

/// The row's market-based factor, when the column is there and filled: a number ≥ 0.
fn market_ef(raw: &RawFields) -> Result<Option<f64>, FieldErrors> {
    let Some(text) = raw.get(MARKET_EF_COLUMN).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => {
            let mut errors = FieldErrors::default();
            errors.push(MARKET_EF_COLUMN, "invalid_number", format!("'{text}' is not a number of 0 or more"));
            Err(errors)
        }
    }
}

/// The optional column of every factor file giving the factor's uncertainty: the half-width of
/// its 95 % interval in % of the value (`co2_domain::quality`; blank → the formula's default).
pub const UNCERTAINTY_COLUMN: &str = "uncertainty_pct";

/// The row's uncertainty, when the column is there and filled: a number from 0 to 1000.
fn uncertainty(raw: &RawFields) -> Result<Option<f64>, FieldErrors> {
    let Some(text) = raw.get(UNCERTAINTY_COLUMN).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1000.0).contains(&v) => Ok(Some(v)),
        _ => {
            let mut errors = FieldErrors::default();
            errors.push(UNCERTAINTY_COLUMN, "invalid_number", format!("'{text}' is not a percentage from 0 to 1000"));
            Err(errors)
        }
    }
}

/// Parses one row of `file`.
pub fn parse_row(file: FactorFile, raw: &RawFields) -> Result<FactorRecord, FieldErrors> {
    let mut parsed = parse_typed_row(file, raw)?;
    if matches!(file, FactorFile::Equipments | FactorFile::BuildingRooms)
        && let Some(market) = market_ef(raw)?
    {
        parsed.values.insert(MARKET_EF_COLUMN.to_owned(), json!(market));
    }
    if let Some(pct) = uncertainty(raw)? {
        parsed.values.insert(UNCERTAINTY_COLUMN.to_owned(), json!(pct));
    }
    Ok(parsed)
}

/// Parses one row of `file` by its type's columns.
fn parse_typed_row(file: FactorFile, raw: &RawFields) -> Result<FactorRecord, FieldErrors> {
    let c = classification_of(file, raw);
    Ok(match file {
        FactorFile::HeadcountMembers | FactorFile::HeadcountStudents => {
            let row = HeadcountFactorRow::parse(raw)?;
            let det = if file == FactorFile::HeadcountMembers { EntryType::Member } else { EntryType::Student };
            let values = json!({
                "leaf": row.leaf.key,
                "unit": row.unit.symbol(),
                "number_of_unit_per_fte": row.number_of_unit_per_fte,
                "ef_kg_co2eq_per_unit": row.ef_kg_co2eq_per_unit,
            });
            record(det, row.leaf.key, c, values_of(values))
        }
        FactorFile::TravelPlanes => {
            let row = PlaneFactorRow::parse(raw)?;
            let leaf = row.cabin_class.emission_type().key;
            record(EntryType::Plane, leaf, c, values_of(row.into_factor("")))
        }
        FactorFile::TravelTrains => {
            let row = TrainFactorRow::parse(raw)?;
            record(EntryType::Train, "professional_travel__train", c, values_of(row.into_factor("")))
        }
        FactorFile::BuildingRooms => {
            let row = RoomFactorRow::parse(raw)?;
            record(EntryType::Building, "buildings__rooms", c, values_of(row.into_factor("")))
        }
        FactorFile::BuildingCombustions => {
            let row = CombustionFactorRow::parse(raw)?;
            let leaf = row.emission_type().key;
            record(EntryType::EnergyCombustion, leaf, c, values_of(row.into_factor("")))
        }
        FactorFile::BuildingEmbodied => {
            let row = EmbodiedFactorRow::parse(raw)?;
            let leaf = "buildings__construction_and_renovation";
            record(EntryType::BuildingEmbodiedEnergy, leaf, c, values_of(row.into_factor("")))
        }
        FactorFile::Equipments => {
            let row = co2_domain::equipment::EquipmentFactorRow::parse(raw)?;
            let det = row.category.entry_type();
            let leaf = row.category.emission_type().key;
            let factor = co2_domain::equipment::EquipmentFactor {
                factor_id: String::new(),
                category: row.category,
                equipment_class: row.equipment_class,
                sub_class: row.sub_class,
                active_power_w: row.active_power_w,
                standby_power_w: row.standby_power_w,
                active_usage_hours_per_week: row.active_usage_hours_per_week,
                standby_usage_hours_per_week: row.standby_usage_hours_per_week,
                ef_kg_co2eq_per_kwh: row.ef_kg_co2eq_per_kwh,
            };
            record(det, leaf, c, values_of(factor))
        }
        FactorFile::PurchasesCommon => {
            let row = PurchaseFactorRow::parse(raw)?;
            let det = row.category.entry_type();
            let leaf = row.category.emission_type().key;
            // The description is not used by the calculation; it is kept for the code search.
            let description = row.purchase_institutional_description.clone();
            let mut values = values_of(row.into_factor(""));
            if let Some(d) = description {
                values.insert("purchase_institutional_description".into(), Value::String(d));
            }
            record(det, leaf, c, values)
        }
        FactorFile::PurchasesAdditional => {
            let row = AdditionalFactorRow::parse(raw)?;
            let leaf = row.emission_type().key;
            record(EntryType::AdditionalPurchases, leaf, c, values_of(row.into_factor("")))
        }
        FactorFile::FacilitiesCommon => {
            let row = FacilityFactorRow::parse(raw)?;
            let leaf = "research_facilities__facilities";
            record(EntryType::ResearchFacilities, leaf, c, values_of(FacilityFactor::from_row("", &row)))
        }
        FactorFile::FacilitiesAnimals => {
            let row = AnimalFactorRow::parse(raw)?;
            let leaf = row.researchfacility_type.emission_type().key;
            record(EntryType::MiceAndFishAnimalFacilities, leaf, c, values_of(AnimalFactor::from_row("", &row)))
        }
        FactorFile::ExternalClouds => {
            let row = CloudFactorRow::parse(raw)?;
            let leaf = row.service_type.emission_type().key;
            record(EntryType::ExternalClouds, leaf, c, values_of(CloudFactor::from_row("", &row)))
        }
        FactorFile::ExternalAi => {
            let row = AiFactorRow::parse(raw)?;
            let leaf = ai_leaf(&row.provider).key;
            record(EntryType::ExternalAi, leaf, c, values_of(AiFactor::from_row("", &row)))
        }
        FactorFile::ProcessEmissions => {
            let row = ProcessFactorRow::parse(raw)?;
            let leaf = row.category.emission_type().key;
            record(EntryType::ProcessEmissions, leaf, c, values_of(ProcessFactor::from_row("", &row)))
        }
    })
}

/// Parses every row of `file`, then checks the rows as a set (DOMAIN §4, §9 D14).
pub fn parse_file(file: FactorFile, rows: &[(u64, RawFields)]) -> Result<ParsedFactors, InvalidFactorSet> {
    let mut out = ParsedFactors::default();
    for (line, raw) in rows {
        match parse_row(file, raw) {
            Ok(r) => out.records.push((*line, r)),
            Err(e) => out.rejected.push((*line, e)),
        }
    }
    validate_set(file, rows, &out).map_err(|reason| InvalidFactorSet { file: file.file_name(), reason })?;
    Ok(out)
}

fn validate_set(file: FactorFile, rows: &[(u64, RawFields)], parsed: &ParsedFactors) -> Result<(), String> {
    let accepted = |line: &u64| parsed.records.iter().any(|(l, _)| l == line);
    match file {
        FactorFile::TravelPlanes => {
            let planes: Vec<PlaneFactorRow> =
                rows.iter().filter(|(l, _)| accepted(l)).filter_map(|(_, r)| PlaneFactorRow::parse(r).ok()).collect();
            travel::validate_plane_factors(&planes).map(|_| ()).map_err(|e| format!("{e:?}"))
        }
        FactorFile::TravelTrains => {
            let trains: Vec<TrainFactorRow> =
                rows.iter().filter(|(l, _)| accepted(l)).filter_map(|(_, r)| TrainFactorRow::parse(r).ok()).collect();
            travel::validate_train_factors(&trains).map_err(|e| format!("{e:?}"))
        }
        // Their rows stand on their own: nothing to check across them.
        FactorFile::HeadcountMembers
        | FactorFile::HeadcountStudents
        | FactorFile::BuildingRooms
        | FactorFile::BuildingCombustions
        | FactorFile::BuildingEmbodied
        | FactorFile::Equipments
        | FactorFile::PurchasesCommon
        | FactorFile::PurchasesAdditional
        | FactorFile::FacilitiesCommon
        | FactorFile::FacilitiesAnimals
        | FactorFile::ExternalClouds
        | FactorFile::ExternalAi
        | FactorFile::ProcessEmissions => Ok(()),
    }
}
