//! Professional travel (DETs 20 plane, 21 train): input validation, the airport and station
//! references, haul-band and country factor resolution, and the formulas of DOMAIN §5.1–§5.3
//! with the override of §5.9.
//!
//! Pure: the caller hands in the airports, stations and factors of the entry's year; this module
//! only says which keys to look up (IATA code; country + normalised station name; the year's
//! factor rows). It must not import I/O, async or storage crates.

use crate::{
    emission::{Computation, EmissionRow, EmissionType},
    fields::{self, FieldErrors, FieldReader, RawFields},
};

use crate::explain::{DefaultRule, Explanation, Formula};
use crate::geo::{self, Coordinates};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Allowance added to every flight's rounded great-circle km for detours, holding and taxiing
/// (DOMAIN §5.1).
pub const PLANE_DETOUR_KM: i64 = 95;
/// Rail track length over great-circle distance (DOMAIN §5.1).
pub const TRAIN_DETOUR_FACTOR: f64 = 1.2;
/// Unit of the quantity of every travel row.
const KM: &str = "km";

/// Template columns of the plane CSV, in order (DOMAIN §2.1).
pub const PLANE_TEMPLATE_COLUMNS: [&str; 8] = [
    "origin_iata",
    "destination_iata",
    "user_institutional_id",
    "departure_date",
    "number_of_trips",
    "cabin_class",
    "note",
    "kg_co2eq",
];

/// Columns a plane file must have. `number_of_trips` is bold in DOMAIN §2.1 but defaults to 1, so
/// a file without the column is still complete.
pub const PLANE_REQUIRED_COLUMNS: [&str; 3] = ["origin_iata", "destination_iata", "cabin_class"];

/// Template columns of the train CSV, in order (DOMAIN §2.1).
pub const TRAIN_TEMPLATE_COLUMNS: [&str; 10] = [
    "origin_name",
    "origin_country_code",
    "destination_name",
    "destination_country_code",
    "user_institutional_id",
    "departure_date",
    "number_of_trips",
    "cabin_class",
    "note",
    "kg_co2eq",
];

/// Columns a train file must have (see [`PLANE_REQUIRED_COLUMNS`] for `number_of_trips`).
pub const TRAIN_REQUIRED_COLUMNS: [&str; 5] =
    ["origin_name", "origin_country_code", "destination_name", "destination_country_code", "cabin_class"];

/// Columns of `travel_planes_factors.csv` (DOMAIN §4).
pub const PLANE_FACTOR_COLUMNS: [&str; 6] =
    ["category", "cabin_class", "ef_kg_co2eq_per_km", "rfi_adjustment", "min_distance", "max_distance"];

/// Columns of `travel_trains_factors.csv` (DOMAIN §4).
pub const TRAIN_FACTOR_COLUMNS: [&str; 2] = ["country_code", "ef_kg_co2eq_per_km"];

/// Columns an `airports.csv` upload must have; the others of DOMAIN §4 are optional.
pub const AIRPORT_REQUIRED_COLUMNS: [&str; 5] = ["iata_code", "name", "country_code", "latitude", "longitude"];

/// Columns a `train_stations.csv` upload must have; the others of DOMAIN §4 are optional.
pub const STATION_REQUIRED_COLUMNS: [&str; 4] = ["name", "country_code", "latitude", "longitude"];

/// Field-error codes specific to travel, next to the shared ones of `fields::code`.
pub mod code {
    /// Not three letters.
    pub const INVALID_IATA: &str = "invalid_iata";
    /// Not two letters (ISO 3166-1 alpha-2), or not `RoW` where a train region is expected.
    pub const INVALID_COUNTRY_CODE: &str = "invalid_country_code";
    /// Not `YYYY-MM-DD` or `YYYY/MM/DD`, or not a calendar day.
    pub const INVALID_DATE: &str = "invalid_date";
    /// A departure date outside the report year (a row error, DOMAIN §2.2).
    pub const DATE_OUTSIDE_YEAR: &str = "date_outside_year";
    /// A (country, name) that matches several stations (a row error, DOMAIN §12).
    pub const AMBIGUOUS_STATION: &str = "ambiguous_station";
    /// A haul band whose minimum is not below its maximum.
    pub const INVALID_BAND: &str = "invalid_band";
}

// ---------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------

/// A three-letter IATA airport code, stored upper-case (input is case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IataCode(String);

impl IataCode {
    /// Three ASCII letters after trimming.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic())).then(|| IataCode(text.to_ascii_uppercase()))
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IataCode {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("'{text}' is not a three-letter IATA code"))
    }
}

impl From<IataCode> for String {
    fn from(code: IataCode) -> String {
        code.0
    }
}

impl fmt::Display for IataCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 3166-1 alpha-2 country code, stored upper-case. Only the shape is checked: the
/// reference files are the authority on which codes exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    /// Two ASCII letters after trimming.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()))
            .then(|| CountryCode(text.to_ascii_uppercase()))
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_switzerland(&self) -> bool {
        self.0 == "CH"
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("'{text}' is not a two-letter country code"))
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> String {
        code.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A departure date: `YYYY-MM-DD` or `YYYY/MM/DD` on input (DOMAIN §12), ISO on output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TravelDate {
    // Field order makes the derived `Ord` chronological.
    year: i32,
    month: u8,
    day: u8,
}

impl TravelDate {
    /// A real calendar day written `YYYY-MM-DD` or `YYYY/MM/DD` (one separator throughout).
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.trim().as_bytes();
        if b.len() != 10 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
            return None;
        }
        let number = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0')))
        };
        let (year, month, day) = (number(&b[0..4])?, number(&b[5..7])?, number(&b[8..10])?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Four digits fit every target type.
        Some(TravelDate { year: year as i32, month: month as u8, day: day as u8 })
    }

    /// Calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl TryFrom<String> for TravelDate {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("'{text}' is not a date written YYYY-MM-DD"))
    }
}

impl From<TravelDate> for String {
    fn from(date: TravelDate) -> String {
        date.to_string()
    }
}

impl fmt::Display for TravelDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Cabin class of a flight; it selects both the factor and the leaf (DOMAIN §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CabinClass {
    Economy,
    Business,
    First,
}

impl CabinClass {
    /// Every class, cheapest first.
    pub const ALL: [CabinClass; 3] = [CabinClass::Economy, CabinClass::Business, CabinClass::First];

    /// `economy`, `business` or `first` (case-insensitive): the stored and factor values.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|c| c.key().eq_ignore_ascii_case(text))
    }

    /// An entry's value: also maps premium economy (`premium economy`, `premium_economy`) to
    /// economy (DOMAIN §2.1, DET 20). Factor files use [`CabinClass::parse`], so a premium row
    /// there cannot silently collide with the economy one.
    pub fn parse_entry(text: &str) -> Option<Self> {
        let words: Vec<String> = text.split([' ', '_']).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        if words == ["premium", "economy"] { Some(CabinClass::Economy) } else { Self::parse(text) }
    }

    /// The stored value.
    pub fn key(self) -> &'static str {
        match self {
            CabinClass::Economy => "economy",
            CabinClass::Business => "business",
            CabinClass::First => "first",
        }
    }

    /// The plane leaf of the class (DOMAIN §5.2 step 4).
    pub fn emission_type(self) -> EmissionType {
        EmissionType::known(match self {
            CabinClass::Economy => "professional_travel__plane__eco",
            CabinClass::Business => "professional_travel__plane__business",
            CabinClass::First => "professional_travel__plane__first",
        })
    }
}

impl fmt::Display for CabinClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Train class; it chooses only the leaf, never the factor (DOMAIN §5.3 step 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainClass {
    First,
    Second,
}

impl TrainClass {
    /// Both classes.
    pub const ALL: [TrainClass; 2] = [TrainClass::First, TrainClass::Second];

    /// `first` or `second` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|c| c.key().eq_ignore_ascii_case(text))
    }

    /// The stored value.
    pub fn key(self) -> &'static str {
        match self {
            TrainClass::First => "first",
            TrainClass::Second => "second",
        }
    }

    /// The train leaf of the class.
    pub fn emission_type(self) -> EmissionType {
        EmissionType::known(match self {
            TrainClass::First => "professional_travel__train__class_1",
            TrainClass::Second => "professional_travel__train__class_2",
        })
    }
}

impl fmt::Display for TrainClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The classification of a train factor: a country, or `RoW`, the mandatory fallback (DOMAIN §4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TrainRegion {
    Country(CountryCode),
    RestOfWorld,
}

impl TrainRegion {
    /// A two-letter country code, or `RoW` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        if text.trim().eq_ignore_ascii_case("row") {
            Some(TrainRegion::RestOfWorld)
        } else {
            CountryCode::parse(text).map(TrainRegion::Country)
        }
    }
}

impl TryFrom<String> for TrainRegion {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("'{text}' is neither a two-letter country code nor RoW"))
    }
}

impl From<TrainRegion> for String {
    fn from(region: TrainRegion) -> String {
        region.to_string()
    }
}

impl fmt::Display for TrainRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainRegion::Country(c) => f.write_str(c.as_str()),
            TrainRegion::RestOfWorld => f.write_str("RoW"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Entry inputs
// ---------------------------------------------------------------------------------------------

fn one_trip() -> i64 {
    1
}

/// A validated plane entry (DET 20). Only the shape is checked here; whether the airports exist
/// is decided at computation, because an unknown airport is stored without emission (DOMAIN §2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaneInput {
    pub origin_iata: IataCode,
    pub destination_iata: IataCode,
    /// The traveller; the caller forces it to self for standard users (DOMAIN §2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_institutional_id: Option<String>,
    /// Inside the report year when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_date: Option<TravelDate>,
    /// At least 1.
    #[serde(default = "one_trip")]
    pub number_of_trips: i64,
    pub cabin_class: CabinClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula, e.g. agency trips (DOMAIN §5.2 step 5, §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl PlaneInput {
    /// Parses and validates raw fields for a report of `report_year`, reporting every problem.
    pub fn parse(raw: &RawFields, report_year: i32) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let origin_iata = required_iata(&mut r, "origin_iata");
        let destination_iata = required_iata(&mut r, "destination_iata");
        let cabin_class = required_choice(&mut r, "cabin_class", CabinClass::parse_entry, "economy, business or first");
        let trip = TripFields::read(&mut r, report_year);
        let input = (|| {
            Some(PlaneInput {
                origin_iata: origin_iata?,
                destination_iata: destination_iata?,
                user_institutional_id: trip.user_institutional_id,
                departure_date: trip.departure_date,
                number_of_trips: trip.number_of_trips,
                cabin_class: cabin_class?,
                note: trip.note,
                kg_co2eq: trip.kg_co2eq,
            })
        })();
        finish(r, input)
    }
}

/// A validated train entry (DET 21). The UI sends a station key; the caller turns it into name +
/// country before parsing, so both paths validate alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainInput {
    pub origin_name: String,
    pub origin_country_code: CountryCode,
    pub destination_name: String,
    pub destination_country_code: CountryCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_institutional_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_date: Option<TravelDate>,
    #[serde(default = "one_trip")]
    pub number_of_trips: i64,
    pub cabin_class: TrainClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl TrainInput {
    /// Parses and validates raw fields for a report of `report_year`. A missing country is a
    /// field error ("missing train country", DOMAIN §2.2); station existence and ambiguity are
    /// checked by [`resolve_stations`].
    pub fn parse(raw: &RawFields, report_year: i32) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let origin_name = r.required_text("origin_name");
        let origin_country_code = required_country(&mut r, "origin_country_code");
        let destination_name = r.required_text("destination_name");
        let destination_country_code = required_country(&mut r, "destination_country_code");
        let cabin_class = required_choice(&mut r, "cabin_class", TrainClass::parse, "first or second");
        let trip = TripFields::read(&mut r, report_year);
        let input = (|| {
            Some(TrainInput {
                origin_name,
                origin_country_code: origin_country_code?,
                destination_name,
                destination_country_code: destination_country_code?,
                user_institutional_id: trip.user_institutional_id,
                departure_date: trip.departure_date,
                number_of_trips: trip.number_of_trips,
                cabin_class: cabin_class?,
                note: trip.note,
                kg_co2eq: trip.kg_co2eq,
            })
        })();
        finish(r, input)
    }
}

/// Fields shared by both travel DETs.
struct TripFields {
    user_institutional_id: Option<String>,
    departure_date: Option<TravelDate>,
    number_of_trips: i64,
    note: Option<String>,
    kg_co2eq: Option<f64>,
}

impl TripFields {
    fn read(r: &mut FieldReader<'_>, report_year: i32) -> Self {
        let user_institutional_id = r.text("user_institutional_id");
        let departure_date = r.text("departure_date").and_then(|text| match TravelDate::parse(&text) {
            None => {
                r.error("departure_date", code::INVALID_DATE, "must be a date written YYYY-MM-DD or YYYY/MM/DD");
                None
            }
            Some(date) if date.year() != report_year => {
                r.error(
                    "departure_date",
                    code::DATE_OUTSIDE_YEAR,
                    format!("{date} is outside the report year {report_year}"),
                );
                None
            }
            Some(date) => Some(date),
        });
        // Blank → 1 (DOMAIN §2.1); an invalid value is recorded and the 1 is never used.
        let number_of_trips = r.integer_in("number_of_trips", 1, i64::MAX).unwrap_or(1);
        let note = r.text("note");
        // DOMAIN §12: a given override is a finite number ≥ 0 (0 included).
        let kg_co2eq = r.kg_override();
        TripFields { user_institutional_id, departure_date, number_of_trips, note, kg_co2eq }
    }
}

fn required_iata(r: &mut FieldReader<'_>, field: &str) -> Option<IataCode> {
    let text = r.required_text(field);
    if text.is_empty() {
        return None;
    }
    let code = IataCode::parse(&text);
    if code.is_none() {
        r.error(field, code::INVALID_IATA, format!("'{text}' is not a three-letter IATA code"));
    }
    code
}

fn required_country(r: &mut FieldReader<'_>, field: &str) -> Option<CountryCode> {
    let text = r.required_text(field);
    if text.is_empty() {
        return None;
    }
    let code = CountryCode::parse(&text);
    if code.is_none() {
        r.error(field, code::INVALID_COUNTRY_CODE, format!("'{text}' is not a two-letter country code"));
    }
    code
}

fn required_choice<T>(
    r: &mut FieldReader<'_>,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    choices: &str,
) -> Option<T> {
    let text = r.required_text(field);
    if text.is_empty() {
        return None;
    }
    let value = parse(&text);
    if value.is_none() {
        r.error(field, fields::code::INVALID_CHOICE, format!("must be {choices}"));
    }
    value
}

/// Every `None` in a parse comes with a recorded error, so the fallback empty list is never
/// returned in practice.
fn finish<T>(r: FieldReader<'_>, value: Option<T>) -> Result<T, FieldErrors> {
    r.finish(value)?.ok_or_else(FieldErrors::default)
}

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------

/// One airport of the `airports.csv` reference (DOMAIN §4); the key is `iata_code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Airport {
    pub iata_code: IataCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icao_code: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    pub country_code: CountryCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continent: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub airport_size: Option<String>,
}

impl Airport {
    /// Validates one reference row: IATA and country shapes, coordinates within the globe.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let iata_code = required_iata(&mut r, "iata_code");
        let icao_code = r.text("icao_code");
        let name = r.required_text("name");
        let municipality = r.text("municipality");
        let country_code = required_country(&mut r, "country_code");
        let continent = r.text("continent");
        let latitude = r.required_decimal_in("latitude", -90.0, 90.0);
        let longitude = r.required_decimal_in("longitude", -180.0, 180.0);
        let airport_size = r.text("airport_size");
        let airport = (|| {
            Some(Airport {
                iata_code: iata_code?,
                icao_code,
                name,
                municipality,
                country_code: country_code?,
                continent,
                latitude,
                longitude,
                airport_size,
            })
        })();
        finish(r, airport)
    }

    /// Where the airport is.
    pub fn coordinates(&self) -> Coordinates {
        Coordinates { latitude: self.latitude, longitude: self.longitude }
    }
}

/// One station of the `train_stations.csv` reference (DOMAIN §4); the key is (country,
/// [`normalise_station_name`]) and is not unique by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Station {
    pub name: String,
    pub country_code: CountryCode,
    pub latitude: f64,
    pub longitude: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainline_id: Option<String>,
}

impl Station {
    /// Validates one reference row.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let name = r.required_text("name");
        let country_code = required_country(&mut r, "country_code");
        let latitude = r.required_decimal_in("latitude", -90.0, 90.0);
        let longitude = r.required_decimal_in("longitude", -180.0, 180.0);
        let municipality = r.text("municipality");
        let uic = r.text("uic");
        let trainline_id = r.text("trainline_id");
        let station = country_code.map(|country_code| Station {
            name,
            country_code,
            latitude,
            longitude,
            municipality,
            uic,
            trainline_id,
        });
        finish(r, station)
    }

    /// Where the station is.
    pub fn coordinates(&self) -> Coordinates {
        Coordinates { latitude: self.latitude, longitude: self.longitude }
    }
}

/// The matching form of a station name (DOMAIN §12): trimmed, inner whitespace collapsed to one
/// space, lower-cased. Accents stay significant ("Zürich" ≠ "Zurich"). Storage may keep it as a
/// column to look stations up without loading the whole reference.
pub fn normalise_station_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Outcome of looking a station up by (country, name).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StationMatch<'a> {
    Found(&'a Station),
    /// No station: the entry is stored without emission.
    NotFound,
    /// This many stations share the key: a row error.
    Ambiguous(usize),
}

/// The station reference indexed by (country, normalised name); as JSON, the list of stations.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(into = "Vec<Station>", from = "Vec<Station>")]
pub struct StationIndex {
    stations: Vec<Station>,
    by_key: BTreeMap<(CountryCode, String), Vec<usize>>,
}

impl StationIndex {
    /// Indexes the whole reference (an upload replaces the set, DOMAIN §4).
    pub fn new(stations: impl IntoIterator<Item = Station>) -> Self {
        let stations: Vec<Station> = stations.into_iter().collect();
        let mut by_key: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (i, s) in stations.iter().enumerate() {
            by_key.entry((s.country_code.clone(), normalise_station_name(&s.name))).or_default().push(i);
        }
        StationIndex { stations, by_key }
    }

    /// Finds the station named `name` in `country`.
    pub fn find(&self, country: &CountryCode, name: &str) -> StationMatch<'_> {
        match self.by_key.get(&(country.clone(), normalise_station_name(name))).map(Vec::as_slice) {
            None | Some([]) => StationMatch::NotFound,
            Some([i]) => StationMatch::Found(&self.stations[*i]),
            Some(several) => StationMatch::Ambiguous(several.len()),
        }
    }

    /// Every indexed station, in input order.
    pub fn stations(&self) -> &[Station] {
        &self.stations
    }
}

impl From<StationIndex> for Vec<Station> {
    fn from(index: StationIndex) -> Self {
        index.stations
    }
}

impl From<Vec<Station>> for StationIndex {
    fn from(stations: Vec<Station>) -> Self {
        StationIndex::new(stations)
    }
}

/// The stations of a train entry; `None` where the reference has no such station.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainStations<'s> {
    pub origin: Option<&'s Station>,
    pub destination: Option<&'s Station>,
}

/// Resolves both ends of a train entry (DOMAIN §12): no match → `None` (no row, not an error);
/// several matches → the field error [`code::AMBIGUOUS_STATION`], which rejects the row.
pub fn resolve_stations<'s>(input: &TrainInput, index: &'s StationIndex) -> Result<TrainStations<'s>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut find = |field: &str, country: &CountryCode, name: &str| match index.find(country, name) {
        StationMatch::Found(station) => Some(station),
        StationMatch::NotFound => None,
        StationMatch::Ambiguous(n) => {
            errors.push(field, code::AMBIGUOUS_STATION, format!("'{name}' matches {n} stations in {country}"));
            None
        }
    };
    let origin = find("origin_name", &input.origin_country_code, &input.origin_name);
    let destination = find("destination_name", &input.destination_country_code, &input.destination_name);
    errors.into_result(TrainStations { origin, destination })
}

// ---------------------------------------------------------------------------------------------
// Distances (DOMAIN §5.1)
// ---------------------------------------------------------------------------------------------

/// The distances of a trip in whole km.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TripDistance {
    /// One leg, detour included; the plane band is chosen on this (DOMAIN §5.2 step 1).
    pub one_way_km: i64,
    /// `one_way_km × number_of_trips`: the row quantity. Held as `f64`, exact for any realistic
    /// trip count, so no trip count can overflow it.
    pub total_km: f64,
}

impl TripDistance {
    fn new(one_way_km: i64, number_of_trips: i64) -> Self {
        TripDistance { one_way_km, total_km: one_way_km as f64 * number_of_trips as f64 }
    }
}

/// Plane: one_way = round(gc) + 95.
pub fn plane_distance(origin: Coordinates, destination: Coordinates, number_of_trips: i64) -> TripDistance {
    let one_way_km = geo::round_km(geo::haversine_km(origin, destination)) + PLANE_DETOUR_KM;
    TripDistance::new(one_way_km, number_of_trips)
}

/// Train: one_way = round(round(gc) × 1.2); the great circle is rounded first, as specified.
pub fn train_distance(origin: Coordinates, destination: Coordinates, number_of_trips: i64) -> TripDistance {
    let great_circle_km = geo::round_km(geo::haversine_km(origin, destination));
    let one_way_km = geo::round_km(great_circle_km as f64 * TRAIN_DETOUR_FACTOR);
    TripDistance::new(one_way_km, number_of_trips)
}

// ---------------------------------------------------------------------------------------------
// Plane factors (DOMAIN §4, §5.2)
// ---------------------------------------------------------------------------------------------

/// One row of `travel_planes_factors.csv`, parsed: (band, cabin class) identify it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaneFactorRow {
    /// The haul band's name, e.g. `short_to_medium_haul`.
    pub category: String,
    pub cabin_class: CabinClass,
    pub ef_kg_co2eq_per_km: f64,
    pub rfi_adjustment: f64,
    /// Inclusive lower bound of the one-way km.
    pub min_distance: f64,
    /// Exclusive upper bound of the one-way km.
    pub max_distance: f64,
}

impl PlaneFactorRow {
    /// Validates one factor row: non-negative numbers and a non-empty band. Every value is
    /// required: a blank RFI is refused rather than defaulted, since 1.35 only holds for
    /// Mobitool-based EFs (DOMAIN §5.0: never a guessed factor).
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category = r.required_text("category");
        let cabin_class = required_choice(&mut r, "cabin_class", CabinClass::parse, "economy, business or first");
        let ef_kg_co2eq_per_km = r.required_decimal_in("ef_kg_co2eq_per_km", 0.0, f64::INFINITY);
        let rfi_adjustment = r.required_decimal_in("rfi_adjustment", 0.0, f64::INFINITY);
        let min_distance = r.required_decimal_in("min_distance", 0.0, f64::INFINITY);
        let max_distance = r.required_decimal_in("max_distance", 0.0, f64::INFINITY);
        if min_distance >= max_distance {
            r.error(
                "max_distance",
                code::INVALID_BAND,
                format!(
                    "must be above min_distance ({min_distance}): the band [{min_distance}, {max_distance}) is empty"
                ),
            );
        }
        let row = cabin_class.map(|cabin_class| PlaneFactorRow {
            category,
            cabin_class,
            ef_kg_co2eq_per_km,
            rfi_adjustment,
            min_distance,
            max_distance,
        });
        finish(r, row)
    }

    /// The stored factor of this row, under the identity storage gave it.
    pub fn into_factor(self, factor_id: impl Into<String>) -> PlaneFactor {
        PlaneFactor {
            factor_id: factor_id.into(),
            category: self.category,
            cabin_class: self.cabin_class,
            ef_kg_co2eq_per_km: self.ef_kg_co2eq_per_km,
            rfi_adjustment: self.rfi_adjustment,
            min_distance: self.min_distance,
            max_distance: self.max_distance,
        }
    }

    /// The haul band this row belongs to.
    pub fn band(&self) -> HaulBand {
        HaulBand { name: self.category.clone(), min_distance: self.min_distance, max_distance: self.max_distance }
    }
}

/// A plane factor of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaneFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub category: String,
    pub cabin_class: CabinClass,
    pub ef_kg_co2eq_per_km: f64,
    pub rfi_adjustment: f64,
    pub min_distance: f64,
    pub max_distance: f64,
}

impl PlaneFactor {
    /// min ≤ one_way < max (DOMAIN §5.2 step 1).
    pub fn covers(&self, one_way_km: i64) -> bool {
        let km = one_way_km as f64;
        self.min_distance <= km && km < self.max_distance
    }
}

/// A named haul band [min, max) in one-way km.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HaulBand {
    pub name: String,
    pub min_distance: f64,
    pub max_distance: f64,
}

impl fmt::Display for HaulBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' [{}, {}) km", self.name, self.min_distance, self.max_distance)
    }
}

/// Why no plane factor applies to an entry: the entry is stored without emission.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaneFactorMiss {
    #[error("no haul band of this year covers a one-way distance of {one_way_km} km")]
    NoBand { one_way_km: i64 },
    /// Upload validation prevents it; resolution still refuses to pick one arbitrarily (DOMAIN §9 D14).
    #[error("haul bands {} overlap at a one-way distance of {one_way_km} km", .bands.join(", "))]
    OverlappingBands { one_way_km: i64, bands: Vec<String> },
    #[error("no {cabin_class} factor in haul band '{band}' this year")]
    NoCabinClass { band: String, cabin_class: CabinClass },
}

/// Chooses the band on the one-way km, then the factor (band, cabin class) (DOMAIN §5.2 steps 1–2).
pub fn resolve_plane_factor(
    factors: &[PlaneFactor],
    cabin_class: CabinClass,
    one_way_km: i64,
) -> Result<&PlaneFactor, PlaneFactorMiss> {
    let covering: Vec<&PlaneFactor> = factors.iter().filter(|f| f.covers(one_way_km)).collect();
    let mut bands: Vec<String> = covering.iter().map(|f| f.category.trim().to_lowercase()).collect();
    bands.sort();
    bands.dedup();
    match bands.as_slice() {
        [] => Err(PlaneFactorMiss::NoBand { one_way_km }),
        [band] => covering
            .into_iter()
            .find(|f| f.cabin_class == cabin_class)
            .ok_or_else(|| PlaneFactorMiss::NoCabinClass { band: band.clone(), cabin_class }),
        _ => Err(PlaneFactorMiss::OverlappingBands { one_way_km, bands }),
    }
}

/// Why a factor file of the travel module cannot be loaded. Checked on the whole file at upload.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FactorSetError {
    #[error("the file defines no haul band")]
    NoBands,
    #[error("haul band {0} is empty: its minimum must be below its maximum")]
    EmptyBand(HaulBand),
    #[error("haul band '{}' has different limits on different rows: {first} and {second}", first.name)]
    InconsistentBand { first: HaulBand, second: HaulBand },
    #[error("haul band '{band}' has more than one {cabin_class} row")]
    DuplicatePlaneFactor { band: String, cabin_class: CabinClass },
    #[error("the first haul band {0} must start at 0 km, otherwise shorter flights have no band")]
    BandsStartAboveZero(HaulBand),
    #[error("haul bands {first} and {second} overlap")]
    OverlappingBands { first: HaulBand, second: HaulBand },
    #[error(
        "no haul band covers the one-way distances from {} to {} km (between {first} and {second})",
        first.max_distance,
        second.min_distance
    )]
    GapBetweenBands { first: HaulBand, second: HaulBand },
    #[error("the train factors have no RoW row, the mandatory fallback")]
    MissingRestOfWorld,
    #[error("the train factors have more than one row for {0}")]
    DuplicateTrainFactor(TrainRegion),
}

/// Checks a plane factor file as a whole (DOMAIN §4, §9 D14): one row per (band, class), each
/// band with the same limits on all its rows, and the bands tiling [0, last max) with neither
/// overlap nor gap. Returns the bands in distance order.
///
/// Storage keeps rows absent from an upload as stale; if those stay visible to lookups, pass
/// them in too so the check covers what resolution will see.
pub fn validate_plane_factors(rows: &[PlaneFactorRow]) -> Result<Vec<HaulBand>, FactorSetError> {
    let mut classes: BTreeSet<(String, CabinClass)> = BTreeSet::new();
    let mut bands: BTreeMap<String, HaulBand> = BTreeMap::new();
    for row in rows {
        let name = row.category.trim().to_lowercase();
        if !classes.insert((name.clone(), row.cabin_class)) {
            return Err(FactorSetError::DuplicatePlaneFactor {
                band: row.category.clone(),
                cabin_class: row.cabin_class,
            });
        }
        let band = row.band();
        if band.min_distance >= band.max_distance {
            return Err(FactorSetError::EmptyBand(band));
        }
        match bands.get(&name) {
            Some(first) if first.min_distance != band.min_distance || first.max_distance != band.max_distance => {
                return Err(FactorSetError::InconsistentBand { first: first.clone(), second: band });
            }
            Some(_) => {}
            None => {
                bands.insert(name, band);
            }
        }
    }
    let mut ordered: Vec<HaulBand> = bands.into_values().collect();
    ordered.sort_by(|a, b| a.min_distance.total_cmp(&b.min_distance).then(a.max_distance.total_cmp(&b.max_distance)));
    let first = ordered.first().ok_or(FactorSetError::NoBands)?;
    if first.min_distance > 0.0 {
        return Err(FactorSetError::BandsStartAboveZero(first.clone()));
    }
    for pair in ordered.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.min_distance < a.max_distance {
            return Err(FactorSetError::OverlappingBands { first: a.clone(), second: b.clone() });
        }
        if b.min_distance > a.max_distance {
            return Err(FactorSetError::GapBetweenBands { first: a.clone(), second: b.clone() });
        }
    }
    Ok(ordered)
}

/// Computes the emission row of a plane entry (DOMAIN §5.1, §5.2, §5.9). `origin` and
/// `destination` are the reference airports of the entry's IATA codes, `None` when unknown;
/// `factors` are the plane factors of the entry's report year.
pub fn compute_plane(
    input: &PlaneInput,
    origin: Option<&Airport>,
    destination: Option<&Airport>,
    factors: &[PlaneFactor],
) -> Computation {
    let leaf = input.cabin_class.emission_type();
    // DOMAIN §12: an override applies even when the references are missing.
    if let Some(kg) = input.kg_co2eq {
        return override_row(leaf, kg);
    }
    let (Some(origin), Some(destination)) = (origin, destination) else {
        let unknown: Vec<String> = [(origin, &input.origin_iata), (destination, &input.destination_iata)]
            .into_iter()
            .filter(|(airport, _)| airport.is_none())
            .map(|(_, code)| format!("'{code}'"))
            .collect();
        return Computation::Incomplete(format!("unknown airport {}", unknown.join(" and ")));
    };
    let distance = plane_distance(origin.coordinates(), destination.coordinates(), input.number_of_trips);
    let factor = match resolve_plane_factor(factors, input.cabin_class, distance.one_way_km) {
        Ok(factor) => factor,
        Err(miss) => return Computation::Incomplete(miss.to_string()),
    };
    let explanation = Explanation::of(Formula::Plane)
        .term("origin_iata", input.origin_iata.as_str(), "")
        .term("destination_iata", input.destination_iata.as_str(), "")
        .term("one_way_km", distance.one_way_km, "km")
        .term("number_of_trips", input.number_of_trips, "")
        .term("total_km", distance.total_km, "km")
        .term("category", factor.category.as_str(), "")
        .term("cabin_class", input.cabin_class.key(), "")
        .term("ef_kg_co2eq_per_km", factor.ef_kg_co2eq_per_km, "kg CO₂-eq/km")
        .term("rfi_adjustment", factor.rfi_adjustment, "");
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: distance.total_km * factor.ef_kg_co2eq_per_km * factor.rfi_adjustment,
        // DOMAIN §9 D11: the quantity is the flown distance, never scaled by the RFI.
        quantity: Some(distance.total_km),
        quantity_unit: Some(KM),
        factor_ids: vec![factor.factor_id.clone()],
        explanation,
    }])
}

// ---------------------------------------------------------------------------------------------
// Train factors (DOMAIN §4, §5.3)
// ---------------------------------------------------------------------------------------------

/// One row of `travel_trains_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainFactorRow {
    pub country_code: TrainRegion,
    pub ef_kg_co2eq_per_km: f64,
}

impl TrainFactorRow {
    /// Validates one factor row: a country code or `RoW`, a non-negative EF.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let region_text = r.required_text("country_code");
        let country_code = TrainRegion::parse(&region_text);
        if country_code.is_none() && !region_text.is_empty() {
            r.error("country_code", code::INVALID_COUNTRY_CODE, "must be a two-letter country code or RoW");
        }
        let ef_kg_co2eq_per_km = r.required_decimal_in("ef_kg_co2eq_per_km", 0.0, f64::INFINITY);
        let row = country_code.map(|country_code| TrainFactorRow { country_code, ef_kg_co2eq_per_km });
        finish(r, row)
    }

    /// The stored factor of this row, under the identity storage gave it.
    pub fn into_factor(self, factor_id: impl Into<String>) -> TrainFactor {
        TrainFactor {
            factor_id: factor_id.into(),
            country_code: self.country_code,
            ef_kg_co2eq_per_km: self.ef_kg_co2eq_per_km,
        }
    }
}

/// A train factor of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub country_code: TrainRegion,
    pub ef_kg_co2eq_per_km: f64,
}

/// Checks a train factor file as a whole: one row per region and a `RoW` row (DOMAIN §4).
pub fn validate_train_factors(rows: &[TrainFactorRow]) -> Result<(), FactorSetError> {
    let mut seen: BTreeSet<&TrainRegion> = BTreeSet::new();
    for row in rows {
        if !seen.insert(&row.country_code) {
            return Err(FactorSetError::DuplicateTrainFactor(row.country_code.clone()));
        }
    }
    if seen.contains(&TrainRegion::RestOfWorld) { Ok(()) } else { Err(FactorSetError::MissingRestOfWorld) }
}

/// The country whose factor applies (DOMAIN §5.3 step 1): CH when both ends are in CH, else the
/// destination if it is not CH, else the origin if it is not CH, else RoW. With two known
/// countries the last branch cannot be reached; it is kept to mirror the rule as written.
pub fn train_factor_region(origin: &CountryCode, destination: &CountryCode) -> TrainRegion {
    if origin.is_switzerland() && destination.is_switzerland() {
        TrainRegion::Country(origin.clone())
    } else if !destination.is_switzerland() {
        TrainRegion::Country(destination.clone())
    } else if !origin.is_switzerland() {
        TrainRegion::Country(origin.clone())
    } else {
        TrainRegion::RestOfWorld
    }
}

/// The factor of the rule's country, else `RoW` (DOMAIN §5.3 step 2); `None` only when the year
/// has neither, which upload validation prevents.
pub fn resolve_train_factor<'f>(
    factors: &'f [TrainFactor],
    origin: &CountryCode,
    destination: &CountryCode,
) -> Option<&'f TrainFactor> {
    let region = train_factor_region(origin, destination);
    factors
        .iter()
        .find(|f| f.country_code == region)
        .or_else(|| factors.iter().find(|f| f.country_code == TrainRegion::RestOfWorld))
}

/// Computes the emission row of a train entry (DOMAIN §5.1, §5.3, §5.9). `origin` and
/// `destination` come from [`resolve_stations`]; `factors` are the train factors of the entry's
/// report year.
pub fn compute_train(
    input: &TrainInput,
    origin: Option<&Station>,
    destination: Option<&Station>,
    factors: &[TrainFactor],
) -> Computation {
    let leaf = input.cabin_class.emission_type();
    if let Some(kg) = input.kg_co2eq {
        return override_row(leaf, kg);
    }
    let (Some(origin), Some(destination)) = (origin, destination) else {
        let unknown: Vec<String> = [
            (origin, &input.origin_name, &input.origin_country_code),
            (destination, &input.destination_name, &input.destination_country_code),
        ]
        .into_iter()
        .filter(|(station, _, _)| station.is_none())
        .map(|(_, name, country)| format!("'{name}' ({country})"))
        .collect();
        return Computation::Incomplete(format!("unknown station {}", unknown.join(" and ")));
    };
    let distance = train_distance(origin.coordinates(), destination.coordinates(), input.number_of_trips);
    let Some(factor) = resolve_train_factor(factors, &input.origin_country_code, &input.destination_country_code)
    else {
        let region = train_factor_region(&input.origin_country_code, &input.destination_country_code);
        return Computation::Incomplete(format!("no train factor for {region} and no RoW factor this year"));
    };
    let region = train_factor_region(&input.origin_country_code, &input.destination_country_code);
    let explanation = Explanation::of(Formula::Train)
        .term("origin_name", origin.name.as_str(), "")
        .term("destination_name", destination.name.as_str(), "")
        .term("one_way_km", distance.one_way_km, "km")
        .term("number_of_trips", input.number_of_trips, "")
        .term("total_km", distance.total_km, "km")
        .term("country_code", factor.country_code.to_string(), "")
        .term("ef_kg_co2eq_per_km", factor.ef_kg_co2eq_per_km, "kg CO₂-eq/km")
        .defaulted_if(
            factor.country_code != region,
            "country_code",
            factor.country_code.to_string(),
            DefaultRule::RestOfWorldTrain,
        );
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: distance.total_km * factor.ef_kg_co2eq_per_km,
        quantity: Some(distance.total_km),
        quantity_unit: Some(KM),
        factor_ids: vec![factor.factor_id.clone()],
        explanation,
    }])
}

/// The single override row of DOMAIN §5.9: on the entry's leaf, no quantity, no factor.
fn override_row(leaf: EmissionType, kg: f64) -> Computation {
    Computation::Rows(vec![EmissionRow::given(leaf, kg)])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::test_support::*;
    use std::sync::OnceLock;

    const YEAR: i32 = 2025;

    /// Reads a file of the repository's `data/`.
    fn data_file(relative: &str) -> String {
        let path = format!("{}/../../data/{relative}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Every record of a CSV text with its physical line (the header is line 1).
    fn csv_records(text: &str) -> Vec<(u64, RawFields)> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(|h| h.trim().to_lowercase()).collect();
        reader
            .records()
            .map(|record| {
                let record = record.unwrap();
                let line = record.position().unwrap().line();
                (line, headers.iter().cloned().zip(record.iter().map(str::to_owned)).collect())
            })
            .collect()
    }

    fn airports() -> &'static BTreeMap<IataCode, Airport> {
        static AIRPORTS: OnceLock<BTreeMap<IataCode, Airport>> = OnceLock::new();
        AIRPORTS.get_or_init(|| {
            csv_records(&data_file("reference/airports.csv"))
                .into_iter()
                .map(|(line, raw)| Airport::parse(&raw).unwrap_or_else(|e| panic!("airports.csv:{line}: {e:?}")))
                .map(|a| (a.iata_code.clone(), a))
                .collect()
        })
    }

    fn stations() -> &'static StationIndex {
        static STATIONS: OnceLock<StationIndex> = OnceLock::new();
        STATIONS.get_or_init(|| {
            StationIndex::new(
                csv_records(&data_file("reference/train_stations.csv")).into_iter().map(|(line, raw)| {
                    Station::parse(&raw).unwrap_or_else(|e| panic!("train_stations.csv:{line}: {e:?}"))
                }),
            )
        })
    }

    fn plane_factor_rows() -> Vec<PlaneFactorRow> {
        csv_records(&data_file("factors/2025/travel_planes_factors.csv"))
            .into_iter()
            .map(|(_, raw)| PlaneFactorRow::parse(&raw).unwrap())
            .collect()
    }

    fn plane_factors() -> Vec<PlaneFactor> {
        plane_factor_rows().into_iter().enumerate().map(|(i, row)| row.into_factor(format!("plane-{i}"))).collect()
    }

    fn train_factors() -> Vec<TrainFactor> {
        csv_records(&data_file("factors/2025/travel_trains_factors.csv"))
            .into_iter()
            .enumerate()
            .map(|(i, (_, raw))| TrainFactorRow::parse(&raw).unwrap().into_factor(format!("train-{i}")))
            .collect()
    }

    fn plane(origin: &str, destination: &str, class: &str, trips: &str) -> PlaneInput {
        PlaneInput::parse(
            &raw(&[
                ("origin_iata", origin),
                ("destination_iata", destination),
                ("cabin_class", class),
                ("number_of_trips", trips),
            ]),
            YEAR,
        )
        .unwrap()
    }

    fn train(origin: (&str, &str), destination: (&str, &str), class: &str, trips: &str) -> TrainInput {
        TrainInput::parse(
            &raw(&[
                ("origin_name", origin.0),
                ("origin_country_code", origin.1),
                ("destination_name", destination.0),
                ("destination_country_code", destination.1),
                ("cabin_class", class),
                ("number_of_trips", trips),
            ]),
            YEAR,
        )
        .unwrap()
    }

    fn fly(input: &PlaneInput, factors: &[PlaneFactor]) -> Computation {
        compute_plane(input, airports().get(&input.origin_iata), airports().get(&input.destination_iata), factors)
    }

    fn ride(input: &TrainInput, factors: &[TrainFactor]) -> Computation {
        let found = resolve_stations(input, stations()).unwrap();
        compute_train(input, found.origin, found.destination, factors)
    }

    fn only_row(c: &Computation) -> &EmissionRow {
        assert_eq!(c.rows().len(), 1, "{c:?}");
        &c.rows()[0]
    }

    fn assert_kg(c: &Computation, expected: f64, tolerance: f64) {
        let kg = only_row(c).kg_co2eq;
        assert!((kg - expected).abs() <= tolerance, "kg {kg} ≠ {expected}");
    }

    /// A point on the equator `km` of great circle east of (0, 0).
    fn equator_km(km: f64) -> Coordinates {
        Coordinates { latitude: 0.0, longitude: (km / geo::EARTH_RADIUS_KM).to_degrees() }
    }

    fn synthetic_airport(code: &str, at: Coordinates) -> Airport {
        Airport {
            iata_code: IataCode::parse(code).unwrap(),
            icao_code: None,
            name: code.into(),
            municipality: None,
            country_code: CountryCode::parse("XX").unwrap(),
            continent: None,
            latitude: at.latitude,
            longitude: at.longitude,
            airport_size: None,
        }
    }

    // ---- golden examples (DOMAIN §8) ----

    #[test]
    fn g1_geneva_to_new_york_economy_uses_the_long_haul_factor() {
        let input = plane("GVA", "JFK", "economy", "1");
        let (gva, jfk) = (&airports()[&input.origin_iata], &airports()[&input.destination_iata]);
        assert!((geo::haversine_km(gva.coordinates(), jfk.coordinates()) - 6201.27).abs() < 0.005);
        let c = fly(&input, &plane_factors());
        assert_eq!(only_row(&c).quantity, Some(6296.0));
        assert_kg(&c, 6296.0 * 0.1902 * 1.35, 1e-9);
        assert_kg(&c, 1616.62, 0.005);
        assert_eq!(only_row(&c).emission_type.key, "professional_travel__plane__eco");
    }

    #[test]
    fn g2_geneva_to_new_york_business_and_first() {
        let business = fly(&plane("GVA", "JFK", "business", "1"), &plane_factors());
        let first = fly(&plane("GVA", "JFK", "first", "1"), &plane_factors());
        assert_kg(&business, 3340.34, 0.005);
        assert_kg(&first, 5147.36, 0.005);
        assert_eq!(only_row(&business).emission_type.key, "professional_travel__plane__business");
        assert_eq!(only_row(&first).emission_type.key, "professional_travel__plane__first");
    }

    #[test]
    fn g3_the_band_is_chosen_on_the_one_way_distance_not_the_total() {
        let input = plane("GVA", "ATH", "economy", "2");
        let (gva, ath) = (&airports()[&input.origin_iata], &airports()[&input.destination_iata]);
        let distance = plane_distance(gva.coordinates(), ath.coordinates(), 2);
        assert_eq!(distance, TripDistance { one_way_km: 1826, total_km: 3652.0 });
        let c = fly(&input, &plane_factors());
        assert_kg(&c, 1432.72, 0.005);
        assert_eq!(only_row(&c).quantity, Some(3652.0));
    }

    #[test]
    fn g4_geneva_to_madrid_business_is_short_haul() {
        let c = fly(&plane("GVA", "MAD", "business", "1"), &plane_factors());
        assert_eq!(only_row(&c).quantity, Some(1105.0));
        assert_kg(&c, 666.96, 0.005);
    }

    #[test]
    fn g5_lausanne_to_zurich_twice_uses_the_swiss_factor() {
        let c = ride(&train(("Lausanne", "CH"), ("Zürich HB", "CH"), "second", "2"), &train_factors());
        assert_eq!(only_row(&c).quantity, Some(418.0));
        assert_kg(&c, 2.926, 1e-9);
        assert_eq!(only_row(&c).emission_type.key, "professional_travel__train__class_2");
    }

    #[test]
    fn g6_lausanne_to_paris_uses_the_destination_country() {
        let c = ride(&train(("Lausanne", "CH"), ("Paris Gare de Lyon", "FR"), "second", "1"), &train_factors());
        assert_eq!(only_row(&c).quantity, Some(492.0));
        assert_kg(&c, 4.92, 1e-9);
    }

    #[test]
    fn g7_vienna_to_bern_uses_the_origin_because_the_destination_is_swiss() {
        let c = ride(&train(("Wien Hbf", "AT"), ("Bern", "CH"), "second", "1"), &train_factors());
        assert_eq!(only_row(&c).quantity, Some(821.0));
        assert_kg(&c, 12.315, 1e-9);
    }

    #[test]
    fn g8_geneva_to_brussels_falls_back_to_rest_of_world() {
        let c = ride(&train(("Genève Cornavin", "CH"), ("Bruxelles-Midi", "BE"), "second", "1"), &train_factors());
        assert_eq!(only_row(&c).quantity, Some(637.0));
        assert_kg(&c, 25.48, 1e-9);
        assert_eq!(only_row(&c).factor_ids, vec!["train-5".to_owned()], "the RoW row of the file");
        // Why this number names the fallback.
        let why = &only_row(&c).explanation;
        assert_eq!(why.formula, crate::explain::Formula::Train);
        assert_eq!(why.defaults.len(), 1);
        assert_eq!(why.defaults[0].rule, crate::explain::DefaultRule::RestOfWorldTrain);
        assert_eq!(why.defaults[0].value, crate::explain::TermValue::Text("RoW".into()));
    }

    #[test]
    fn a_trip_with_its_countrys_factor_names_no_default_and_its_values_give_its_kg() {
        let c = ride(&train(("Wien Hbf", "AT"), ("Bern", "CH"), "second", "1"), &train_factors());
        let row = only_row(&c);
        assert!(row.explanation.defaults.is_empty());
        let value = |name: &str| match row.explanation.terms.iter().find(|t| t.name == name).map(|t| &t.value) {
            Some(crate::explain::TermValue::Number(n)) => *n,
            other => panic!("{name}: {other:?}"),
        };
        assert!((value("total_km") * value("ef_kg_co2eq_per_km") - row.kg_co2eq).abs() < 1e-9);
    }

    #[test]
    fn g24_a_plane_override_writes_one_row_without_quantity_or_factor() {
        let mut input = plane("ZRH", "BOS", "economy", "1");
        input.kg_co2eq = Some(1250.0);
        let c = fly(&input, &plane_factors());
        let row = only_row(&c);
        assert_eq!(row.kg_co2eq, 1250.0);
        assert_eq!((row.quantity, row.quantity_unit), (None, None));
        assert!(row.factor_ids.is_empty());
        assert_eq!(row.emission_type.key, "professional_travel__plane__eco");
        assert_eq!(row.explanation, crate::explain::Explanation::overridden(1250.0));
    }

    // ---- bands and factors ----

    #[test]
    fn a_one_way_of_2499_km_is_short_haul_and_2500_km_is_long_haul() {
        let factors = plane_factors();
        let band = |km| resolve_plane_factor(&factors, CabinClass::Economy, km).unwrap().category.as_str();
        assert_eq!(band(2499), "short_to_medium_haul");
        assert_eq!(band(2500), "medium_to_long_haul");
        assert_eq!(band(0), "short_to_medium_haul");
        assert!(matches!(
            resolve_plane_factor(&factors, CabinClass::Economy, 999_999),
            Err(PlaneFactorMiss::NoBand { one_way_km: 999_999 })
        ));
    }

    #[test]
    fn the_band_boundary_holds_through_the_whole_computation() {
        let input = plane("AAA", "BBB", "economy", "1");
        let origin = synthetic_airport("AAA", equator_km(0.0));
        for (great_circle, ef) in [(2404.0, 0.2906), (2405.0, 0.1902)] {
            let destination = synthetic_airport("BBB", equator_km(great_circle));
            let c = compute_plane(&input, Some(&origin), Some(&destination), &plane_factors());
            assert_eq!(only_row(&c).quantity, Some(great_circle + 95.0));
            assert_kg(&c, (great_circle + 95.0) * ef * 1.35, 1e-9);
        }
    }

    #[test]
    fn d11_the_plane_quantity_is_the_pure_distance_without_rfi() {
        let c = fly(&plane("GVA", "JFK", "economy", "3"), &plane_factors());
        let row = only_row(&c);
        assert_eq!(row.quantity, Some(3.0 * 6296.0));
        assert_eq!(row.quantity_unit, Some("km"));
        assert!((row.kg_co2eq / row.quantity.unwrap() - 0.1902 * 1.35).abs() < 1e-12);
    }

    #[test]
    fn d14_overlapping_or_gapped_bands_are_refused_at_upload() {
        let shipped = validate_plane_factors(&plane_factor_rows()).unwrap();
        assert_eq!(
            shipped.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            ["short_to_medium_haul", "medium_to_long_haul"]
        );

        let with_long_min = |min: f64| -> Vec<PlaneFactorRow> {
            plane_factor_rows()
                .into_iter()
                .map(|mut r| {
                    if r.category == "medium_to_long_haul" {
                        r.min_distance = min;
                    }
                    r
                })
                .collect()
        };
        let overlap = validate_plane_factors(&with_long_min(2400.0)).unwrap_err();
        assert!(matches!(overlap, FactorSetError::OverlappingBands { .. }), "{overlap}");
        assert!(overlap.to_string().contains("'short_to_medium_haul' [0, 2500) km"), "{overlap}");
        let gap = validate_plane_factors(&with_long_min(2600.0)).unwrap_err();
        assert!(matches!(gap, FactorSetError::GapBetweenBands { .. }), "{gap}");
        assert!(gap.to_string().contains("from 2500 to 2600 km"), "{gap}");

        let mut inconsistent = plane_factor_rows();
        inconsistent[0].max_distance = 2000.0;
        assert!(matches!(validate_plane_factors(&inconsistent), Err(FactorSetError::InconsistentBand { .. })));

        let mut duplicated = plane_factor_rows();
        duplicated.push(duplicated[0].clone());
        assert!(matches!(validate_plane_factors(&duplicated), Err(FactorSetError::DuplicatePlaneFactor { .. })));

        let late_start: Vec<_> =
            plane_factor_rows().into_iter().filter(|r| r.category == "medium_to_long_haul").collect();
        assert!(matches!(validate_plane_factors(&late_start), Err(FactorSetError::BandsStartAboveZero(_))));
        assert_eq!(validate_plane_factors(&[]), Err(FactorSetError::NoBands));
    }

    #[test]
    fn overlapping_bands_that_slipped_through_give_no_row_rather_than_an_arbitrary_one() {
        let mut factors = plane_factors();
        for f in &mut factors {
            if f.category == "medium_to_long_haul" {
                f.min_distance = 1000.0;
            }
        }
        let c = fly(&plane("GVA", "ATH", "economy", "1"), &factors);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("overlap")), "{c:?}");
    }

    #[test]
    fn an_empty_band_row_is_a_field_error() {
        let err = PlaneFactorRow::parse(&raw(&[
            ("category", "x"),
            ("cabin_class", "economy"),
            ("ef_kg_co2eq_per_km", "0.1"),
            ("rfi_adjustment", "1.35"),
            ("min_distance", "2500"),
            ("max_distance", "2500"),
        ]))
        .unwrap_err();
        assert_eq!(err.0[0].code, code::INVALID_BAND);
    }

    #[test]
    fn a_blank_rfi_is_refused_not_defaulted() {
        let err = PlaneFactorRow::parse(&raw(&[
            ("category", "x"),
            ("cabin_class", "economy"),
            ("ef_kg_co2eq_per_km", "0.1"),
            ("rfi_adjustment", " "),
            ("min_distance", "0"),
            ("max_distance", "2500"),
        ]))
        .unwrap_err();
        assert_eq!((err.0[0].field.as_str(), err.0[0].code), ("rfi_adjustment", fields::code::REQUIRED));
    }

    #[test]
    fn d17_short_haul_first_uses_the_economy_factor_as_shipped() {
        let first = fly(&plane("GVA", "MAD", "first", "1"), &plane_factors());
        let economy = fly(&plane("GVA", "MAD", "economy", "1"), &plane_factors());
        assert_kg(&first, 1105.0 * 0.2906 * 1.35, 1e-9);
        assert_eq!(only_row(&first).kg_co2eq, only_row(&economy).kg_co2eq);
        assert_eq!(only_row(&first).emission_type.key, "professional_travel__plane__first");
    }

    #[test]
    fn a_missing_cabin_class_factor_gives_no_row_and_names_the_band() {
        let factors: Vec<_> = plane_factors().into_iter().filter(|f| f.cabin_class != CabinClass::First).collect();
        let c = fly(&plane("GVA", "JFK", "first", "1"), &factors);
        assert_eq!(c, Computation::Incomplete("no first factor in haul band 'medium_to_long_haul' this year".into()));
    }

    #[test]
    fn the_train_factor_country_follows_the_rule_and_falls_back_to_rest_of_world() {
        let cc = |s| CountryCode::parse(s).unwrap();
        let country = |s| TrainRegion::Country(cc(s));
        assert_eq!(train_factor_region(&cc("CH"), &cc("CH")), country("CH"));
        assert_eq!(train_factor_region(&cc("CH"), &cc("FR")), country("FR"));
        assert_eq!(train_factor_region(&cc("AT"), &cc("CH")), country("AT"));
        assert_eq!(train_factor_region(&cc("DE"), &cc("FR")), country("FR"));
        let factors = train_factors();
        assert_eq!(
            resolve_train_factor(&factors, &cc("CH"), &cc("NL")).unwrap().country_code,
            TrainRegion::RestOfWorld
        );
        assert_eq!(resolve_train_factor(&[], &cc("CH"), &cc("CH")), None);
    }

    #[test]
    fn train_factor_files_need_rest_of_world_and_one_row_per_country() {
        let rows = |text: &[&str]| -> Vec<TrainFactorRow> {
            text.iter()
                .map(|c| TrainFactorRow::parse(&raw(&[("country_code", c), ("ef_kg_co2eq_per_km", "0.01")])).unwrap())
                .collect()
        };
        assert_eq!(validate_train_factors(&rows(&["CH", "row"])), Ok(()));
        assert_eq!(validate_train_factors(&rows(&["CH", "FR"])), Err(FactorSetError::MissingRestOfWorld));
        assert!(matches!(
            validate_train_factors(&rows(&["ch", "CH", "RoW"])),
            Err(FactorSetError::DuplicateTrainFactor(_))
        ));
        let bad = TrainFactorRow::parse(&raw(&[("country_code", "Europe"), ("ef_kg_co2eq_per_km", "0.01")]));
        assert_eq!(bad.unwrap_err().0[0].code, code::INVALID_COUNTRY_CODE);
    }

    #[test]
    fn the_train_class_chooses_only_the_leaf() {
        let first = ride(&train(("Bern", "CH"), ("Basel SBB", "CH"), "first", "1"), &train_factors());
        let second = ride(&train(("Bern", "CH"), ("Basel SBB", "CH"), "second", "1"), &train_factors());
        assert_eq!(only_row(&first).kg_co2eq, only_row(&second).kg_co2eq);
        assert_eq!(only_row(&first).emission_type.key, "professional_travel__train__class_1");
        assert_eq!(only_row(&second).emission_type.key, "professional_travel__train__class_2");
    }

    #[test]
    fn the_train_distance_rounds_the_great_circle_before_the_detour_factor() {
        // 2.4 km rounds to 2 first, 2 × 1.2 = 2.4 → 2; rounding only at the end would give 2.88 → 3.
        assert_eq!(train_distance(equator_km(0.0), equator_km(2.4), 1).one_way_km, 2);
        let d = train_distance(equator_km(0.0), equator_km(174.4), 3);
        assert_eq!(d, TripDistance { one_way_km: 209, total_km: 627.0 });
    }

    #[test]
    fn whole_km_ties_round_away_from_zero_unlike_the_anchor() {
        // Ties-to-even would give 2, 208 and 1828.
        assert_eq!(geo::round_km(2.5), 3);
        assert_eq!(geo::round_km(208.5), 209);
        assert_eq!(geo::round_km(1828.5), 1829);
    }

    // ---- references ----

    #[test]
    fn an_unknown_airport_gives_no_row_and_names_the_code() {
        let c = fly(&plane("GVA", "XXX", "economy", "1"), &plane_factors());
        assert_eq!(c, Computation::Incomplete("unknown airport 'XXX'".into()));
        let c = compute_plane(&plane("QQQ", "XXX", "economy", "1"), None, None, &plane_factors());
        assert_eq!(c, Computation::Incomplete("unknown airport 'QQQ' and 'XXX'".into()));
    }

    #[test]
    fn an_override_applies_even_when_a_station_is_unknown() {
        let mut input = train(("Lausanne", "CH"), ("Atlantis", "CH"), "first", "1");
        assert!(matches!(ride(&input, &train_factors()), Computation::Incomplete(ref why) if why.contains("Atlantis")));
        input.kg_co2eq = Some(0.0);
        let c = ride(&input, &[]);
        assert_eq!(only_row(&c).kg_co2eq, 0.0);
        assert_eq!(only_row(&c).emission_type.key, "professional_travel__train__class_1");
    }

    #[test]
    fn station_names_match_after_trimming_collapsing_spaces_and_case_folding_but_not_accents() {
        let ch = CountryCode::parse("ch").unwrap();
        assert!(matches!(stations().find(&ch, "  zürich   hb "), StationMatch::Found(s) if s.name == "Zürich HB"));
        assert_eq!(stations().find(&ch, "Zurich HB"), StationMatch::NotFound);
        assert_eq!(stations().find(&CountryCode::parse("FR").unwrap(), "Zürich HB"), StationMatch::NotFound);
    }

    #[test]
    fn a_name_shared_by_two_stations_of_a_country_is_a_row_error_not_a_missing_reference() {
        let station = |name: &str, lat: f64| Station {
            name: name.into(),
            country_code: CountryCode::parse("CH").unwrap(),
            latitude: lat,
            longitude: 7.0,
            municipality: None,
            uic: None,
            trainline_id: None,
        };
        let index = StationIndex::new([station("Bahnhof", 46.0), station("BAHNHOF ", 47.0), station("Bern", 46.9)]);
        let input = train(("Bern", "CH"), ("bahnhof", "CH"), "second", "1");
        let err = resolve_stations(&input, &index).unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!((err.0[0].field.as_str(), err.0[0].code), ("destination_name", code::AMBIGUOUS_STATION));
        let unknown = train(("Bern", "CH"), ("Atlantis", "CH"), "second", "1");
        let found = resolve_stations(&unknown, &index).unwrap();
        assert_eq!((found.origin.map(|s| s.name.as_str()), found.destination), (Some("Bern"), None));
    }

    #[test]
    fn every_shipped_reference_row_parses_and_station_keys_are_unique() {
        assert_eq!(airports().len(), 4517);
        assert_eq!(stations().stations().len(), 400);
        for s in stations().stations() {
            assert!(matches!(stations().find(&s.country_code, &s.name), StationMatch::Found(_)), "{}", s.name);
        }
    }

    #[test]
    fn an_airport_row_outside_the_globe_is_refused() {
        let err = Airport::parse(&raw(&[
            ("iata_code", "ABC"),
            ("name", "x"),
            ("country_code", "CH"),
            ("latitude", "91"),
            ("longitude", "-181"),
        ]))
        .unwrap_err();
        assert_eq!(err.0.iter().map(|e| e.code).collect::<Vec<_>>(), [fields::code::OUT_OF_RANGE; 2]);
    }

    // ---- input validation ----

    #[test]
    fn iata_codes_are_case_insensitive_and_stored_upper_case() {
        let input = plane(" gva", "jFk ", "Economy", "");
        assert_eq!((input.origin_iata.as_str(), input.destination_iata.as_str()), ("GVA", "JFK"));
        assert_eq!(input.number_of_trips, 1, "blank trips default to 1");
        for bad in ["GV", "GVAX", "G1A", "ÉVA"] {
            let err = PlaneInput::parse(
                &raw(&[("origin_iata", bad), ("destination_iata", "JFK"), ("cabin_class", "economy")]),
                YEAR,
            )
            .unwrap_err();
            assert_eq!(err.0[0].code, code::INVALID_IATA, "{bad}");
        }
    }

    #[test]
    fn premium_economy_is_economy_and_other_classes_are_refused() {
        for text in ["premium economy", "Premium_Economy", " PREMIUM  ECONOMY "] {
            assert_eq!(plane("GVA", "JFK", text, "1").cabin_class, CabinClass::Economy, "{text}");
        }
        assert_eq!(CabinClass::parse("premium_economy"), None, "factor files take the strict names");
        let err = PlaneInput::parse(
            &raw(&[("origin_iata", "GVA"), ("destination_iata", "JFK"), ("cabin_class", "eco")]),
            YEAR,
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, fields::code::INVALID_CHOICE);
        let err = TrainInput::parse(
            &raw(&[
                ("origin_name", "Bern"),
                ("origin_country_code", "CH"),
                ("destination_name", "Sion"),
                ("destination_country_code", "CH"),
                ("cabin_class", "economy"),
            ]),
            YEAR,
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, fields::code::INVALID_CHOICE);
    }

    #[test]
    fn a_departure_date_outside_the_report_year_is_rejected() {
        let parse = |date: &str| {
            PlaneInput::parse(
                &raw(&[
                    ("origin_iata", "GVA"),
                    ("destination_iata", "JFK"),
                    ("cabin_class", "economy"),
                    ("departure_date", date),
                ]),
                YEAR,
            )
        };
        assert_eq!(parse("2024-12-31").unwrap_err().0[0].code, code::DATE_OUTSIDE_YEAR);
        assert_eq!(parse("2026/01/01").unwrap_err().0[0].code, code::DATE_OUTSIDE_YEAR);
        assert_eq!(parse("2025/03/10").unwrap().departure_date.unwrap().to_string(), "2025-03-10");
        assert!(parse("2025-12-31").is_ok());
        assert!(parse("").unwrap().departure_date.is_none());
        for bad in ["2025-02-29", "2025-13-01", "2025-3-10", "10.03.2025", "2025-03/10", "2025-03-10T00:00"] {
            assert_eq!(parse(bad).unwrap_err().0[0].code, code::INVALID_DATE, "{bad}");
        }
        assert_eq!(TravelDate::parse("2024-02-29").map(|d| (d.year(), d.month(), d.day())), Some((2024, 2, 29)));
        assert_eq!(TravelDate::parse("2100-02-29"), None);
    }

    #[test]
    fn every_problem_of_a_train_row_is_reported_at_once() {
        let err = TrainInput::parse(
            &raw(&[
                ("origin_name", "Lausanne"),
                ("destination_name", " "),
                ("destination_country_code", "CHE"),
                ("cabin_class", "second"),
                ("number_of_trips", "0"),
                ("kg_co2eq", "-1"),
            ]),
            YEAR,
        )
        .unwrap_err();
        let found: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("origin_country_code", fields::code::REQUIRED),
                ("destination_name", fields::code::REQUIRED),
                ("destination_country_code", code::INVALID_COUNTRY_CODE),
                ("number_of_trips", fields::code::OUT_OF_RANGE),
                ("kg_co2eq", fields::code::OUT_OF_RANGE),
            ]
        );
    }

    #[test]
    fn stored_entries_round_trip_through_json() {
        let mut input = plane("gva", "jfk", "business", "2");
        input.departure_date = TravelDate::parse("2025/03/10");
        input.user_institutional_id = Some("300001".into());
        let json = serde_json::to_value(&input).unwrap();
        assert_eq!(json["origin_iata"], "GVA");
        assert_eq!(json["departure_date"], "2025-03-10");
        assert_eq!(json["cabin_class"], "business");
        assert!(json.get("kg_co2eq").is_none());
        assert_eq!(serde_json::from_value::<PlaneInput>(json).unwrap(), input);

        let input = train(("Lausanne", "ch"), ("Paris Gare de Lyon", "fr"), "first", "1");
        let back: TrainInput = serde_json::from_value(serde_json::to_value(&input).unwrap()).unwrap();
        assert_eq!(back, input);
        assert!(
            serde_json::from_value::<PlaneInput>(serde_json::json!({
                "origin_iata": "GVAX", "destination_iata": "JFK", "cabin_class": "economy"
            }))
            .is_err()
        );
        let region: TrainRegion = serde_json::from_value(serde_json::json!("row")).unwrap();
        assert_eq!(serde_json::to_value(region).unwrap(), "RoW");
    }

    #[test]
    fn every_travel_leaf_exists_in_the_tree() {
        for leaf in CabinClass::ALL
            .map(CabinClass::emission_type)
            .into_iter()
            .chain(TrainClass::ALL.map(TrainClass::emission_type))
        {
            let found = EmissionType::by_key(leaf.key).unwrap_or_else(|| panic!("{} missing", leaf.key));
            assert!(found.key.starts_with("professional_travel__"));
            assert_eq!(found.scope.number(), 3);
        }
    }

    // ---- properties ----

    #[test]
    fn doubling_the_trips_doubles_kg_and_quantity_and_kg_is_never_negative() {
        let (plane_factors, train_factors) = (plane_factors(), train_factors());
        let origin = synthetic_airport("AAA", Coordinates { latitude: 46.2, longitude: 6.1 });
        let ch = CountryCode::parse("CH").unwrap();
        for lat in (-80..=80).step_by(20) {
            for lon in (-170..=170).step_by(34) {
                let at = Coordinates { latitude: lat as f64, longitude: lon as f64 };
                let destination = synthetic_airport("BBB", at);
                let end = Station {
                    name: "X".into(),
                    country_code: ch.clone(),
                    latitude: at.latitude,
                    longitude: at.longitude,
                    municipality: None,
                    uic: None,
                    trainline_id: None,
                };
                let start = Station { latitude: 46.5, longitude: 6.6, ..end.clone() };
                for class in CabinClass::ALL {
                    for trips in 1..=4 {
                        let one = PlaneInput { number_of_trips: trips, ..plane("AAA", "BBB", class.key(), "1") };
                        let two = PlaneInput { number_of_trips: 2 * trips, ..one.clone() };
                        let a = compute_plane(&one, Some(&origin), Some(&destination), &plane_factors);
                        let b = compute_plane(&two, Some(&origin), Some(&destination), &plane_factors);
                        let (a, b) = (only_row(&a), only_row(&b));
                        assert!(a.kg_co2eq >= 0.0);
                        assert!((b.kg_co2eq - 2.0 * a.kg_co2eq).abs() <= 1e-9 * b.kg_co2eq.max(1.0));
                        assert_eq!(b.quantity.unwrap(), 2.0 * a.quantity.unwrap());
                        let d = plane_distance(origin.coordinates(), at, trips);
                        assert_eq!(a.quantity, Some(d.one_way_km as f64 * trips as f64));
                        assert!(d.one_way_km >= PLANE_DETOUR_KM);
                    }
                }
                for trips in 1..=4 {
                    let one = TrainInput { number_of_trips: trips, ..train(("X", "CH"), ("X", "CH"), "second", "1") };
                    let two = TrainInput { number_of_trips: 2 * trips, ..one.clone() };
                    let a = compute_train(&one, Some(&start), Some(&end), &train_factors);
                    let b = compute_train(&two, Some(&start), Some(&end), &train_factors);
                    let (a, b) = (only_row(&a), only_row(&b));
                    assert!(a.kg_co2eq >= 0.0);
                    assert!((b.kg_co2eq - 2.0 * a.kg_co2eq).abs() <= 1e-9 * b.kg_co2eq.max(1.0));
                }
            }
        }
    }

    #[test]
    fn a_trip_to_the_same_place_still_writes_its_row() {
        let c = ride(&train(("Bern", "CH"), ("Bern", "CH"), "second", "1"), &train_factors());
        assert_eq!((only_row(&c).kg_co2eq, only_row(&c).quantity), (0.0, Some(0.0)));
        let c = fly(&plane("GVA", "GVA", "economy", "1"), &plane_factors());
        assert_eq!(only_row(&c).quantity, Some(95.0));
    }

    // ---- oracle ----

    type OracleRow = (String, u8, f64, Option<f64>);

    #[test]
    fn the_demo_travel_files_reproduce_every_oracle_row_and_nothing_else() {
        let mut expected: BTreeMap<(String, u64), Vec<OracleRow>> = BTreeMap::new();
        for line in data_file("demo/expected_emissions_2025.csv").lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            if !matches!(cols[1], "travel_planes.csv" | "travel_trains.csv") {
                continue;
            }
            let quantity = (!cols[8].is_empty()).then(|| cols[8].parse().unwrap());
            expected.entry((cols[1].to_owned(), cols[2].parse().unwrap())).or_default().push((
                cols[4].to_owned(),
                cols[5].parse().unwrap(),
                cols[7].parse().unwrap(),
                quantity,
            ));
        }

        let mut actual: BTreeMap<(String, u64), Vec<OracleRow>> = BTreeMap::new();
        let mut record = |file: &str, line: u64, c: &Computation| {
            for row in c.rows() {
                actual.entry((file.to_owned(), line)).or_default().push((
                    row.emission_type.key.to_owned(),
                    row.emission_type.scope.number(),
                    row.kg_co2eq,
                    row.quantity,
                ));
            }
        };
        let (plane_factors, train_factors) = (plane_factors(), train_factors());
        for (line, raw) in csv_records(&data_file("demo/travel_planes.csv")) {
            let input = PlaneInput::parse(&raw, YEAR).unwrap_or_else(|e| panic!("planes line {line}: {e:?}"));
            let c = fly(&input, &plane_factors);
            record("travel_planes.csv", line, &c);
        }
        for (line, raw) in csv_records(&data_file("demo/travel_trains.csv")) {
            let input = TrainInput::parse(&raw, YEAR).unwrap_or_else(|e| panic!("trains line {line}: {e:?}"));
            let c = ride(&input, &train_factors);
            record("travel_trains.csv", line, &c);
        }

        let keys = |m: &BTreeMap<(String, u64), Vec<OracleRow>>| m.keys().cloned().collect::<BTreeSet<_>>();
        assert_eq!(keys(&actual), keys(&expected), "entries with rows differ");
        assert_eq!(expected.len(), 38, "19 plane and 19 train entries have rows (XXX and Atlantis have none)");
        let close = |a: f64, b: f64| (a - b).abs() <= (1e-6 * b.abs()).max(5e-5);
        for (key, want) in &expected {
            let got = &actual[key];
            assert_eq!(got.len(), want.len(), "{key:?}");
            for (g, w) in got.iter().zip(want) {
                assert_eq!((&g.0, g.1), (&w.0, w.1), "{key:?}");
                assert!(close(g.2, w.2), "{key:?}: kg {} ≠ {}", g.2, w.2);
                match (g.3, w.3) {
                    (Some(a), Some(b)) => assert!(close(a, b), "{key:?}: quantity {a} ≠ {b}"),
                    (a, b) => assert_eq!(a, b, "{key:?}: quantity"),
                }
            }
        }
    }
}
