//! The catalogue of entry types (DOMAIN §1–§5): for every data-entry type, how a form's or a
//! file's fields are parsed, which DET a file's header tells, its template and required columns,
//! and how a stored entry is computed with a year's [`FactorSet`]. Every match is over all
//! `EntryType`s or `Module`s, without a wildcard: a new type is added by following the
//! compiler's errors.
//!
//! Pure, like the rest of the crate: the server loads the factors (`co2_db::engine`), and the SPA
//! can compute with the same functions.

use crate::buildings::{self, CombustionInput, EmbodiedCompanion, RoomInput, RoomReference};
use crate::emission::Computation;
use crate::equipment::{self, EquipmentCategory, EquipmentFactor, EquipmentInput};
use crate::external::{self, AiInput, CloudInput};
use crate::facilities::{self, AnimalInput, FacilityInput, ItFacilityNames};
use crate::fields::{FieldErrors, RawFields};
use crate::headcount::{self, HeadcountFactor, MemberInput, StudentInput};
use crate::process::{self, ProcessInput};
use crate::purchases::{self, AdditionalPurchaseInput, PurchaseCategory, PurchaseInput};
use crate::travel::{self, PlaneInput, StationIndex, TrainInput};
use crate::{EntryType, Module};
use std::collections::HashMap;

/// An entry ready to store: its DET, normalised data and override. A room entry carries its
/// generated embodied-energy companion (DET 32), stored and deleted with it (DOMAIN §2.1).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEntry {
    pub entry_type: EntryType,
    pub data: serde_json::Value,
    pub kg_override: Option<f64>,
    pub companion: Option<Box<ParsedEntry>>,
    /// The stable key of a row of a keyed feed (the travel agency's trip key), else `None`.
    pub source_key: Option<String>,
}

impl ParsedEntry {
    fn of<T: serde::Serialize>(entry_type: EntryType, input: &T, kg_override: Option<f64>) -> ParsedEntry {
        let data = serde_json::to_value(input).unwrap_or(serde_json::Value::Null);
        ParsedEntry { entry_type, data, kg_override, companion: None, source_key: None }
    }
}

/// Why an entry cannot be accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryRejection {
    /// The module's data entry is not available in this version.
    UnsupportedModule(Module),
    /// The entry type does not belong to the module (or is generated, like DET 32).
    UnknownEntryType(String),
    Fields(FieldErrors),
}

/// Whether a module can be entered and computed: every module can.
pub fn supports(module: Module) -> bool {
    Module::ALL.contains(&module)
}

/// What validation needs besides the fields: the report year (travel dates), the room reference
/// (room type pre-fill) and the station index (an ambiguous station is a row error, §12).
#[derive(Debug, Clone, Default)]
pub struct ParseContext {
    pub year: i32,
    pub rooms: Vec<RoomReference>,
    pub stations: StationIndex,
    /// Person ids already stored in the headcount module that a file's rows must not repeat.
    pub stored_member_ids: Vec<String>,
}

/// The DET a module file without routing column holds, told by its header (a module-page upload
/// of any template works); `None` when a routing column decides per row.
pub fn infer_entry_type(module: Module, headers: &[String]) -> Option<EntryType> {
    let has = |c: &str| headers.iter().any(|h| h == c);
    match module {
        Module::Headcount if has("user_institutional_id") || has("sius_code") => Some(EntryType::Member),
        Module::Headcount => Some(EntryType::Student),
        Module::ProfessionalTravel if has("origin_name") => Some(EntryType::Train),
        Module::ProfessionalTravel => Some(EntryType::Plane),
        Module::Buildings if has("room_name") => Some(EntryType::Building),
        Module::Buildings => Some(EntryType::EnergyCombustion),
        Module::Purchase if !has(purchases::ROUTING_COLUMN) && has("coef_to_kg") => {
            Some(EntryType::AdditionalPurchases)
        }
        Module::ResearchFacilities if has("researchfacility_type") => Some(EntryType::MiceAndFishAnimalFacilities),
        Module::ResearchFacilities => Some(EntryType::ResearchFacilities),
        Module::ExternalCloudAndAi if has("usage_type") => Some(EntryType::ExternalAi),
        Module::ExternalCloudAndAi => Some(EntryType::ExternalClouds),
        Module::ProcessEmissions => Some(EntryType::ProcessEmissions),
        Module::Equipment | Module::Purchase => None,
    }
}

fn fields<T>(r: Result<T, FieldErrors>) -> Result<T, EntryRejection> {
    r.map_err(EntryRejection::Fields)
}

fn routing_error(column: &str, text: &str) -> EntryRejection {
    let mut e = FieldErrors::default();
    e.push(column, crate::fields::code::INVALID_CHOICE, format!("'{text}' is not a type of this module"));
    EntryRejection::Fields(e)
}

/// Parses raw fields of `module`; `entry_type` is the DET when the caller knows it (API, typed
/// upload, or told by the file's header), else the file's routing column decides.
pub fn parse_entry(
    module: Module,
    entry_type: Option<EntryType>,
    raw: &RawFields,
    ctx: &ParseContext,
) -> Result<ParsedEntry, EntryRejection> {
    if let Some(t) = entry_type
        && (t.module() != module || t == EntryType::BuildingEmbodiedEnergy)
    {
        return Err(EntryRejection::UnknownEntryType(t.name().to_owned()));
    }
    match module {
        Module::Equipment => parse_equipment(entry_type, raw),
        Module::Purchase => parse_purchase(entry_type, raw),
        Module::Headcount
        | Module::ProfessionalTravel
        | Module::Buildings
        | Module::ResearchFacilities
        | Module::ExternalCloudAndAi
        | Module::ProcessEmissions => match entry_type {
            Some(t) => parse_typed(t, raw, ctx),
            None => Err(EntryRejection::UnknownEntryType(module.key().to_owned())),
        },
    }
}

fn parse_equipment(entry_type: Option<EntryType>, raw: &RawFields) -> Result<ParsedEntry, EntryRejection> {
    let category = entry_type.and_then(EquipmentCategory::from_entry_type);
    let input = fields(EquipmentInput::parse(raw, category))?;
    Ok(ParsedEntry::of(input.category.entry_type(), &input, input.kg_co2eq))
}

fn parse_purchase(entry_type: Option<EntryType>, raw: &RawFields) -> Result<ParsedEntry, EntryRejection> {
    let routed = match entry_type {
        Some(t) => Some(t),
        None => {
            let text = raw.get(purchases::ROUTING_COLUMN).map(|s| s.trim()).unwrap_or("");
            match EntryType::parse_in(Module::Purchase, text) {
                Some(t) => Some(t),
                None if text.is_empty() => None,
                None => return Err(routing_error(purchases::ROUTING_COLUMN, text)),
            }
        }
    };
    if routed == Some(EntryType::AdditionalPurchases) {
        let input = fields(AdditionalPurchaseInput::parse(raw))?;
        return Ok(ParsedEntry::of(EntryType::AdditionalPurchases, &input, input.kg_co2eq));
    }
    let input = fields(PurchaseInput::parse(raw, routed.and_then(PurchaseCategory::from_entry_type)))?;
    Ok(ParsedEntry::of(input.category.entry_type(), &input, input.kg_co2eq))
}

fn parse_typed(t: EntryType, raw: &RawFields, ctx: &ParseContext) -> Result<ParsedEntry, EntryRejection> {
    Ok(match t {
        EntryType::Member => {
            let i = fields(MemberInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::Student => {
            let i = fields(StudentInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::Plane => {
            let i = fields(PlaneInput::parse(raw, ctx.year))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::Train => {
            let i = fields(TrainInput::parse(raw, ctx.year))?;
            fields(travel::resolve_stations(&i, &ctx.stations))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::Building => {
            let i = fields(RoomInput::parse(raw, &ctx.rooms))?;
            let mut entry = ParsedEntry::of(t, &i, i.kg_co2eq);
            let companion = EmbodiedCompanion::of(&i);
            entry.companion = Some(Box::new(ParsedEntry::of(EmbodiedCompanion::ENTRY_TYPE, &companion, None)));
            entry
        }
        EntryType::EnergyCombustion => {
            let i = fields(CombustionInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::ResearchFacilities => {
            let i = fields(FacilityInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::MiceAndFishAnimalFacilities => {
            let i = fields(AnimalInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::ExternalClouds => {
            let i = fields(CloudInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::ExternalAi => {
            let i = fields(AiInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        EntryType::ProcessEmissions => {
            let i = fields(ProcessInput::parse(raw))?;
            ParsedEntry::of(t, &i, i.kg_co2eq)
        }
        // Parsed by their module's own parser, or generated with their room.
        EntryType::Scientific
        | EntryType::It
        | EntryType::Other
        | EntryType::ScientificEquipment
        | EntryType::ItEquipment
        | EntryType::ConsumableAccessories
        | EntryType::BiologicalChemicalGaseousProduct
        | EntryType::Services
        | EntryType::Vehicles
        | EntryType::OtherPurchases
        | EntryType::AdditionalPurchases
        | EntryType::BuildingEmbodiedEnergy => return Err(EntryRejection::UnknownEntryType(t.name().to_owned())),
    })
}

/// What a batch of one module computes with: the year's factors and the references it needs,
/// loaded once per batch. Serialisable: the SPA's simulation computes with the one the server
/// loads.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FactorSet {
    pub year: i32,
    pub equipment: Vec<EquipmentFactor>,
    pub members: Vec<HeadcountFactor>,
    pub students: Vec<HeadcountFactor>,
    pub planes: Vec<travel::PlaneFactor>,
    pub trains: Vec<travel::TrainFactor>,
    pub rooms: Vec<buildings::RoomFactor>,
    pub embodied: Vec<buildings::EmbodiedFactor>,
    pub combustion: Vec<buildings::CombustionFactor>,
    pub purchases: Vec<purchases::PurchaseFactor>,
    pub additional: Vec<purchases::AdditionalFactor>,
    pub facilities: Vec<facilities::FacilityFactor>,
    pub animals: Vec<facilities::AnimalFactor>,
    pub clouds: Vec<external::CloudFactor>,
    pub ai: Vec<external::AiFactor>,
    pub process: Vec<process::ProcessFactor>,
    /// Airports of the batch's IATA codes.
    pub airports: HashMap<String, travel::Airport>,
    pub stations: StationIndex,
    pub room_reference: Vec<RoomReference>,
    pub rates: purchases::ExchangeRates,
    pub inflation: purchases::InflationIndex,
    /// The computed own footprint of facility units, for factors with a blank kg_co2eq_sum.
    pub facility_sums: HashMap<String, f64>,
}

/// A computation and the metadata its rows carry (`emission.meta`, e.g. a purchase's conversion).
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub computation: Computation,
    pub meta: serde_json::Value,
}

impl From<Computation> for Computed {
    fn from(computation: Computation) -> Self {
        Computed { computation, meta: serde_json::json!({}) }
    }
}

fn stored<T: serde::de::DeserializeOwned>(data: &serde_json::Value, what: &str) -> Result<T, Computed> {
    serde_json::from_value(data.clone())
        .map_err(|e| Computation::Incomplete(format!("stored data is not a valid {what} entry: {e}")).into())
}

/// Computes one stored entry.
pub fn compute(entry_type: EntryType, data: &serde_json::Value, f: &FactorSet) -> Computed {
    match compute_inner(entry_type, data, f) {
        Ok(c) | Err(c) => c,
    }
}

fn compute_inner(t: EntryType, data: &serde_json::Value, f: &FactorSet) -> Result<Computed, Computed> {
    Ok(match t {
        EntryType::Scientific | EntryType::It | EntryType::Other => {
            let mut input: EquipmentInput = stored(data, "equipment")?;
            input.category = EquipmentCategory::from_entry_type(t).unwrap_or(input.category);
            equipment::compute(&input, equipment::resolve_factor(&f.equipment, &input)).into()
        }
        EntryType::Member => headcount::compute_member(&stored(data, "member")?, &f.members).into(),
        EntryType::Student => headcount::compute_student(&stored(data, "student")?, &f.students).into(),
        EntryType::Plane => {
            let i: PlaneInput = stored(data, "plane")?;
            let (o, d) = (f.airports.get(i.origin_iata.as_str()), f.airports.get(i.destination_iata.as_str()));
            travel::compute_plane(&i, o, d, &f.planes).into()
        }
        EntryType::Train => {
            let i: TrainInput = stored(data, "train")?;
            match travel::resolve_stations(&i, &f.stations) {
                Ok(s) => travel::compute_train(&i, s.origin, s.destination, &f.trains).into(),
                Err(_) => Computation::Incomplete("a station of the trip is ambiguous".into()).into(),
            }
        }
        EntryType::Building => {
            let i: RoomInput = stored(data, "room")?;
            let room = buildings::find_room(&f.room_reference, &i.building_name, &i.room_name);
            buildings::compute_room(&i, room, buildings::resolve_room_factor(&f.rooms, &i)).into()
        }
        EntryType::BuildingEmbodiedEnergy => {
            let c: EmbodiedCompanion = stored(data, "embodied-energy")?;
            let room = buildings::find_room(&f.room_reference, &c.building_name, &c.room_name);
            let factors = buildings::resolve_embodied_factors(&f.embodied, &c.building_name);
            buildings::compute_embodied(&c, room, &factors).into()
        }
        EntryType::EnergyCombustion => {
            let i: CombustionInput = stored(data, "combustion")?;
            buildings::compute_combustion(&i, buildings::resolve_combustion_factor(&f.combustion, &i)).into()
        }
        EntryType::AdditionalPurchases => {
            let i: AdditionalPurchaseInput = stored(data, "additional purchase")?;
            purchases::compute_additional(&i, purchases::resolve_additional_factor(&f.additional, &i)).into()
        }
        EntryType::ScientificEquipment
        | EntryType::ItEquipment
        | EntryType::ConsumableAccessories
        | EntryType::BiologicalChemicalGaseousProduct
        | EntryType::Services
        | EntryType::Vehicles
        | EntryType::OtherPurchases => compute_purchase(t, data, f)?,
        EntryType::ResearchFacilities => {
            let i: FacilityInput = stored(data, "research facility")?;
            let factor = facilities::resolve_facility_factor(&f.facilities, &i);
            let sum = factor.and_then(|x| f.facility_sums.get(&x.researchfacility_id).copied());
            facilities::compute_facility(&i, factor, sum, &ItFacilityNames::default()).into()
        }
        EntryType::MiceAndFishAnimalFacilities => {
            let i: AnimalInput = stored(data, "animal facility")?;
            facilities::compute_animal(&i, facilities::resolve_animal_factor(&f.animals, &i)).into()
        }
        EntryType::ExternalClouds => {
            let i: CloudInput = stored(data, "cloud")?;
            let rate = |c: external::CloudCurrency| {
                purchases::Currency::parse(c.code()).and_then(|c| f.rates.units_per_eur(f.year, c))
            };
            external::compute_cloud(&i, external::resolve_cloud_factor(&f.clouds, &i), rate).into()
        }
        EntryType::ExternalAi => {
            let i: AiInput = stored(data, "AI")?;
            external::compute_ai(&i, external::resolve_ai_factor(&f.ai, &i)).into()
        }
        EntryType::ProcessEmissions => {
            let i: ProcessInput = stored(data, "process-emission")?;
            process::compute(&i, process::resolve_factor(&f.process, &i)).into()
        }
    })
}

fn compute_purchase(t: EntryType, data: &serde_json::Value, f: &FactorSet) -> Result<Computed, Computed> {
    let mut input: PurchaseInput = stored(data, "purchase")?;
    input.category = PurchaseCategory::from_entry_type(t).unwrap_or(input.category);
    let lookup = purchases::resolve_factor(&f.purchases, &input);
    let (computation, conversion) = purchases::compute_with_conversion(&input, lookup, &f.rates, &f.inflation, f.year);
    let meta = match conversion {
        Some(c) => serde_json::json!({ "conversion": c }),
        None => serde_json::json!({}),
    };
    Ok(Computed { computation, meta })
}

/// A DET's file columns: (its template's, those a file must carry) (DOMAIN §2.1).
fn columns_of(entry_type: EntryType) -> (&'static [&'static str], &'static [&'static str]) {
    match entry_type {
        EntryType::Member => (&headcount::MEMBER_TEMPLATE_COLUMNS, &headcount::MEMBER_REQUIRED_COLUMNS),
        EntryType::Student => (&headcount::STUDENT_TEMPLATE_COLUMNS, &headcount::STUDENT_REQUIRED_COLUMNS),
        EntryType::Plane => (&travel::PLANE_TEMPLATE_COLUMNS, &travel::PLANE_REQUIRED_COLUMNS),
        EntryType::Train => (&travel::TRAIN_TEMPLATE_COLUMNS, &travel::TRAIN_REQUIRED_COLUMNS),
        EntryType::Building => (&buildings::ROOM_TEMPLATE_COLUMNS, &buildings::ROOM_REQUIRED_COLUMNS),
        EntryType::EnergyCombustion => {
            (&buildings::COMBUSTION_TEMPLATE_COLUMNS, &buildings::COMBUSTION_REQUIRED_COLUMNS)
        }
        // Generated with its room: no file of its own.
        EntryType::BuildingEmbodiedEnergy => (&[], &[]),
        EntryType::Scientific | EntryType::It | EntryType::Other => {
            (&equipment::TEMPLATE_COLUMNS, &equipment::REQUIRED_COLUMNS)
        }
        EntryType::AdditionalPurchases => {
            (&purchases::ADDITIONAL_TEMPLATE_COLUMNS, &purchases::ADDITIONAL_REQUIRED_COLUMNS)
        }
        EntryType::ResearchFacilities => {
            (&facilities::FACILITY_TEMPLATE_COLUMNS, &facilities::FACILITY_REQUIRED_COLUMNS)
        }
        EntryType::MiceAndFishAnimalFacilities => {
            (&facilities::ANIMAL_TEMPLATE_COLUMNS, &facilities::ANIMAL_REQUIRED_COLUMNS)
        }
        EntryType::ExternalClouds => (&external::CLOUD_TEMPLATE_COLUMNS, &external::CLOUD_REQUIRED_COLUMNS),
        EntryType::ExternalAi => (&external::AI_TEMPLATE_COLUMNS, &external::AI_REQUIRED_COLUMNS),
        EntryType::ProcessEmissions => (&process::TEMPLATE_COLUMNS, &process::REQUIRED_COLUMNS),
        EntryType::ScientificEquipment
        | EntryType::ItEquipment
        | EntryType::ConsumableAccessories
        | EntryType::BiologicalChemicalGaseousProduct
        | EntryType::Services
        | EntryType::Vehicles
        | EntryType::OtherPurchases => (&purchases::TEMPLATE_COLUMNS, &purchases::REQUIRED_COLUMNS),
    }
}

/// Template columns of a DET's CSV, for header checks and downloads (DOMAIN §2.1).
pub fn template_columns_of(entry_type: EntryType) -> &'static [&'static str] {
    columns_of(entry_type).0
}

/// Template columns of a module's CSV (its first DET's; mixed files add the routing column).
pub fn template_columns(module: Module) -> &'static [&'static str] {
    module.entry_types().next().map_or(&[], template_columns_of)
}

/// Columns a file must carry; `entry_type` when the upload names the DET or the header tells it
/// (so the routing column may be absent).
pub fn required_columns(module: Module, entry_type: Option<EntryType>) -> Vec<&'static str> {
    let Some(t) = entry_type else {
        return match module {
            Module::Equipment => equipment::REQUIRED_COLUMNS.to_vec(),
            Module::Purchase => {
                purchases::REQUIRED_COLUMNS.iter().copied().chain([purchases::ROUTING_COLUMN]).collect()
            }
            Module::Headcount
            | Module::ProfessionalTravel
            | Module::Buildings
            | Module::ResearchFacilities
            | Module::ExternalCloudAndAi
            | Module::ProcessEmissions => vec![],
        };
    };
    let cols = columns_of(t).1;
    cols.iter().copied().filter(|c| *c != "equipment_category").collect()
}
