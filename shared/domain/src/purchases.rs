//! Purchases (DETs 60–66 common purchases, 67 additional purchases): input validation, factor
//! resolution by UNSPSC and NACRES, currency conversion and the formulas of DOMAIN §5.7.
//!
//! - Common: kg = amount ÷ units_per_eur(year, currency) × ef_EUR × inflation_index(year), scope 3.
//! - Additional: kg = annual_consumption × coef_to_kg × ef, scope 1, on the LN2 leaf for liquid
//!   nitrogen.

use crate::{
    emission::{Computation, EmissionRow, EmissionType},
    explain::{Explanation, Formula},
    fields::{FieldErrors, FieldReader, RawFields, code as field_code},
    module::EntryType,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field-error codes specific to purchases (the shared ones live in `fields::code`).
pub mod code {
    /// `purchase_category` is not the name of a common-purchase DET (DOMAIN §2.2: "invalid routing
    /// value" is a row error).
    pub const INVALID_ROUTING: &str = "invalid_routing";
}

/// Template columns of the common-purchases CSV (DETs 60–66), in order (DOMAIN §2.1).
pub const TEMPLATE_COLUMNS: [&str; 9] = [
    "name",
    "supplier",
    "quantity",
    "total_spent_amount",
    "currency",
    "purchase_institutional_code",
    "purchase_additional_code",
    "purchase_institutional_description",
    "note",
];
/// Columns a common-purchases file must have; a mixed file also needs `purchase_category`.
pub const REQUIRED_COLUMNS: [&str; 3] = ["name", "total_spent_amount", "purchase_institutional_code"];
/// The routing column of a mixed file: the DET name.
pub const ROUTING_COLUMN: &str = "purchase_category";
/// Columns of `purchases_common_factors.csv` (`purchase_additional_code` blank = per-code average).
pub const FACTOR_COLUMNS: [&str; 7] = [
    "purchase_category",
    "purchase_institutional_code",
    "purchase_institutional_description",
    "purchase_additional_code",
    "currency",
    "ef_kg_co2eq_per_currency",
    "translation_key",
];
/// Template columns of the additional-purchases CSV (DET 67), in order.
pub const ADDITIONAL_TEMPLATE_COLUMNS: [&str; 5] = ["name", "unit", "annual_consumption", "coef_to_kg", "note"];
/// Columns an additional-purchases file must have.
pub const ADDITIONAL_REQUIRED_COLUMNS: [&str; 4] = ["name", "unit", "annual_consumption", "coef_to_kg"];
/// Columns of `purchases_additional_factors.csv`.
pub const ADDITIONAL_FACTOR_COLUMNS: [&str; 2] = ["name", "ef_kg_co2eq_per_kg"];
/// Columns of `exchange_rates.csv` (`daily_observations` is informational).
pub const EXCHANGE_RATE_COLUMNS: [&str; 4] = ["year", "currency", "units_per_eur", "daily_observations"];

fn same_code(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

// ---------------------------------------------------------------------------------------------
// Currencies and the conversion tables
// ---------------------------------------------------------------------------------------------

/// Purchase currencies (DOMAIN §2.1), stored as lower-case ISO codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Currency {
    Aud,
    Cad,
    Chf,
    Cny,
    Eur,
    Gbp,
    Jpy,
    Sek,
    Usd,
}

impl Currency {
    /// Every currency.
    pub const ALL: [Currency; 9] = [
        Currency::Aud,
        Currency::Cad,
        Currency::Chf,
        Currency::Cny,
        Currency::Eur,
        Currency::Gbp,
        Currency::Jpy,
        Currency::Sek,
        Currency::Usd,
    ];

    /// The default purchase currency (DOMAIN §2.1).
    pub const DEFAULT: Currency = Currency::Chf;

    /// Parses an ISO code, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(text))
    }

    /// The lower-case ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Aud => "aud",
            Self::Cad => "cad",
            Self::Chf => "chf",
            Self::Cny => "cny",
            Self::Eur => "eur",
            Self::Gbp => "gbp",
            Self::Jpy => "jpy",
            Self::Sek => "sek",
            Self::Usd => "usd",
        }
    }
}

const CURRENCIES: &str = "aud, cad, chf, cny, eur, gbp, jpy, sek, usd";

fn currency_field(r: &mut FieldReader<'_>, field: &str) -> Option<Currency> {
    let text = r.text(field)?;
    let parsed = Currency::parse(&text);
    if parsed.is_none() {
        r.error(field, field_code::INVALID_CHOICE, format!("must be one of {CURRENCIES}"));
    }
    parsed
}

/// One row of `exchange_rates.csv`: units of `currency` per EUR, the ECB annual average of `year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeRateRow {
    pub year: i32,
    pub currency: Currency,
    pub units_per_eur: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_observations: Option<i64>,
}

impl ExchangeRateRow {
    /// Validates one rate: a year, a known currency and a positive rate (it is a divisor).
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let year = r.integer_in("year", 1900, 9999);
        if year.is_none() && raw.get("year").is_none_or(|s| s.trim().is_empty()) {
            r.error("year", field_code::REQUIRED, "is required");
        }
        let currency = currency_field(&mut r, "currency");
        if currency.is_none() && raw.get("currency").is_none_or(|s| s.trim().is_empty()) {
            r.error("currency", field_code::REQUIRED, "is required");
        }
        // A divisor: strictly positive.
        let units_per_eur = match r.decimal("units_per_eur") {
            Some(v) if v > 0.0 => v,
            Some(_) => {
                r.error("units_per_eur", field_code::OUT_OF_RANGE, "must be greater than 0");
                0.0
            }
            None => {
                if raw.get("units_per_eur").is_none_or(|s| s.trim().is_empty()) {
                    r.error("units_per_eur", field_code::REQUIRED, "is required");
                }
                0.0
            }
        };
        let daily_observations = r.integer_in("daily_observations", 0, i64::MAX);
        let row = year.zip(currency).map(|(year, currency)| ExchangeRateRow {
            year: year as i32,
            currency,
            units_per_eur,
            daily_observations,
        });
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// The persisted exchange rates (DOMAIN §9 D16: never fetched at computation time).
// As JSON, a list of rows: a map keyed by (year, currency) has no JSON form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<ExchangeRateRow>", from = "Vec<ExchangeRateRow>")]
pub struct ExchangeRates {
    rates: BTreeMap<(i32, Currency), f64>,
}

impl ExchangeRates {
    /// The table of the given rows; a later row for the same (year, currency) wins.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = &'a ExchangeRateRow>) -> Self {
        let mut table = Self::default();
        for row in rows {
            table.insert(row.year, row.currency, row.units_per_eur);
        }
        table
    }

    /// Sets the rate of (year, currency).
    pub fn insert(&mut self, year: i32, currency: Currency, units_per_eur: f64) {
        self.rates.insert((year, currency), units_per_eur);
    }

    /// Units of `currency` per EUR in `year`; EUR is always 1. `None` when the rate is missing.
    pub fn units_per_eur(&self, year: i32, currency: Currency) -> Option<f64> {
        if currency == Currency::Eur {
            return Some(1.0);
        }
        self.rates.get(&(year, currency)).copied().filter(|r| r.is_finite() && *r > 0.0)
    }
}

impl From<ExchangeRates> for Vec<ExchangeRateRow> {
    fn from(table: ExchangeRates) -> Self {
        table
            .rates
            .into_iter()
            .map(|((year, currency), units_per_eur)| ExchangeRateRow {
                year,
                currency,
                units_per_eur,
                daily_observations: None,
            })
            .collect()
    }
}

impl From<Vec<ExchangeRateRow>> for ExchangeRates {
    fn from(rows: Vec<ExchangeRateRow>) -> Self {
        ExchangeRates::from_rows(&rows)
    }
}

/// The per-year inflation index of DOMAIN §5.7 step 4 (deflating to 2019 EUR); a year without an
/// entry has index 1.0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InflationIndex {
    by_year: BTreeMap<i32, f64>,
}

impl InflationIndex {
    /// Sets the index of `year`.
    pub fn insert(&mut self, year: i32, index: f64) {
        self.by_year.insert(year, index);
    }

    /// The index of `year` (default 1.0).
    pub fn index(&self, year: i32) -> f64 {
        self.by_year.get(&year).copied().unwrap_or(1.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Common purchases (DETs 60–66)
// ---------------------------------------------------------------------------------------------

/// The category of a common purchase; it selects the DET and the emission leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseCategory {
    ScientificEquipment,
    ItEquipment,
    ConsumableAccessories,
    BiologicalChemicalGaseousProduct,
    Services,
    Vehicles,
    OtherPurchases,
}

impl PurchaseCategory {
    /// Every category, in DET order (60…66).
    pub const ALL: [PurchaseCategory; 7] = [
        Self::ScientificEquipment,
        Self::ItEquipment,
        Self::ConsumableAccessories,
        Self::BiologicalChemicalGaseousProduct,
        Self::Services,
        Self::Vehicles,
        Self::OtherPurchases,
    ];

    /// Parses a DET name (the routing value of a mixed file), case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|c| c.key().eq_ignore_ascii_case(text))
    }

    /// The DET name, also stored in factors as `purchase_category`.
    pub fn key(self) -> &'static str {
        self.entry_type().name()
    }

    /// The DET of this category.
    pub fn entry_type(self) -> EntryType {
        match self {
            Self::ScientificEquipment => EntryType::ScientificEquipment,
            Self::ItEquipment => EntryType::ItEquipment,
            Self::ConsumableAccessories => EntryType::ConsumableAccessories,
            Self::BiologicalChemicalGaseousProduct => EntryType::BiologicalChemicalGaseousProduct,
            Self::Services => EntryType::Services,
            Self::Vehicles => EntryType::Vehicles,
            Self::OtherPurchases => EntryType::OtherPurchases,
        }
    }

    /// The category of a common-purchase DET.
    pub fn from_entry_type(t: EntryType) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.entry_type() == t)
    }

    /// The leaf `purchases__<category>` (DOMAIN §3). Two leaves are not named after their DET:
    /// `purchases__biological_chemical_gaseous` (63) and `purchases__other` (66).
    pub fn emission_type(self) -> EmissionType {
        EmissionType::known(match self {
            Self::ScientificEquipment => "purchases__scientific_equipment",
            Self::ItEquipment => "purchases__it_equipment",
            Self::ConsumableAccessories => "purchases__consumable_accessories",
            Self::BiologicalChemicalGaseousProduct => "purchases__biological_chemical_gaseous",
            Self::Services => "purchases__services",
            Self::Vehicles => "purchases__vehicles",
            Self::OtherPurchases => "purchases__other",
        })
    }
}

fn category_names() -> String {
    PurchaseCategory::ALL.map(PurchaseCategory::key).join(", ")
}

/// A validated common purchase (DETs 60–66).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseInput {
    pub category: PurchaseCategory,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// Number of items (informational: the formula uses the amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    pub total_spent_amount: f64,
    /// Blank → chf.
    pub currency: Currency,
    /// UNSPSC code.
    pub purchase_institutional_code: String,
    /// NACRES code; a set value picks a NACRES-specific factor first (DOMAIN §5.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_additional_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_institutional_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl PurchaseInput {
    /// Parses and validates raw fields. `category` comes from the entry type when the caller knows
    /// it (API, typed upload); otherwise the `purchase_category` column routes the row.
    pub fn parse(raw: &RawFields, category: Option<PurchaseCategory>) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category = match category {
            Some(c) => Some(c),
            None => match r.text(ROUTING_COLUMN) {
                None => {
                    r.error(ROUTING_COLUMN, field_code::REQUIRED, format!("is required ({})", category_names()));
                    None
                }
                Some(text) => {
                    let parsed = PurchaseCategory::parse(&text);
                    if parsed.is_none() {
                        r.error(ROUTING_COLUMN, code::INVALID_ROUTING, format!("must be one of {}", category_names()));
                    }
                    parsed
                }
            },
        };
        let name = r.required_text("name");
        let supplier = r.text("supplier");
        let quantity = r.decimal_in("quantity", 0.0, f64::INFINITY);
        let total_spent_amount = r.required_decimal_in("total_spent_amount", 0.0, f64::INFINITY);
        let currency = currency_field(&mut r, "currency");
        let currency_is_blank = raw.get("currency").is_none_or(|s| s.trim().is_empty());
        let purchase_institutional_code = r.required_text("purchase_institutional_code");
        let purchase_additional_code = r.text("purchase_additional_code");
        let purchase_institutional_description = r.text("purchase_institutional_description");
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        // A blank currency is the default; an invalid one has recorded its error.
        let currency = currency.or(currency_is_blank.then_some(Currency::DEFAULT));
        let input = category.zip(currency).map(|(category, currency)| PurchaseInput {
            category,
            name,
            supplier,
            quantity,
            total_spent_amount,
            currency,
            purchase_institutional_code,
            purchase_additional_code,
            purchase_institutional_description,
            note,
            kg_co2eq,
        });
        match r.finish(input)? {
            Some(input) => Ok(input),
            // Unreachable in practice: a missing category or currency always records an error.
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// One row of `purchases_common_factors.csv`, parsed. `purchase_category` routes it to its DET.
#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseFactorRow {
    pub category: PurchaseCategory,
    /// UNSPSC code.
    pub purchase_institutional_code: String,
    pub purchase_institutional_description: Option<String>,
    /// NACRES code; blank = the per-code average.
    pub purchase_additional_code: Option<String>,
    /// The currency the EF is expressed per (part of the classification).
    pub currency: Currency,
    pub ef_kg_co2eq_per_currency: f64,
    pub translation_key: Option<String>,
}

impl PurchaseFactorRow {
    /// Validates one factor row: known category and currency, non-negative EF.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let category_text = r.required_text("purchase_category");
        let category = PurchaseCategory::parse(&category_text);
        if category.is_none() && !category_text.is_empty() {
            r.error("purchase_category", code::INVALID_ROUTING, format!("must be one of {}", category_names()));
        }
        let purchase_institutional_code = r.required_text("purchase_institutional_code");
        let purchase_institutional_description = r.text("purchase_institutional_description");
        let purchase_additional_code = r.text("purchase_additional_code");
        let currency = currency_field(&mut r, "currency");
        if currency.is_none() && raw.get("currency").is_none_or(|s| s.trim().is_empty()) {
            r.error("currency", field_code::REQUIRED, "is required");
        }
        let ef_kg_co2eq_per_currency = r.required_decimal_in("ef_kg_co2eq_per_currency", 0.0, f64::INFINITY);
        let translation_key = r.text("translation_key");
        let row = category.zip(currency).map(|(category, currency)| PurchaseFactorRow {
            category,
            purchase_institutional_code,
            purchase_institutional_description,
            purchase_additional_code,
            currency,
            ef_kg_co2eq_per_currency,
            translation_key,
        });
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }

    /// The typed factor, once stored under `factor_id`.
    pub fn into_factor(self, factor_id: impl Into<String>) -> PurchaseFactor {
        PurchaseFactor {
            factor_id: factor_id.into(),
            category: self.category,
            purchase_institutional_code: self.purchase_institutional_code,
            purchase_additional_code: self.purchase_additional_code,
            currency: self.currency,
            ef_kg_co2eq_per_currency: self.ef_kg_co2eq_per_currency,
        }
    }
}

/// A common-purchase factor of one year: classification (UNSPSC, NACRES or blank, currency) within
/// its category's DET.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub category: PurchaseCategory,
    pub purchase_institutional_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_additional_code: Option<String>,
    pub currency: Currency,
    pub ef_kg_co2eq_per_currency: f64,
}

/// The outcome of the factor choice of DOMAIN §5.7 step 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactorLookup<'f> {
    /// A NACRES-specific factor.
    Nacres(&'f PurchaseFactor),
    /// The per-code average (same UNSPSC, blank NACRES).
    CodeAverage(&'f PurchaseFactor),
    /// Several factors remain after every preference: "if it is still ambiguous, reject".
    Ambiguous(usize),
    /// No factor: "else no emission".
    Missing,
}

impl<'f> FactorLookup<'f> {
    /// The chosen factor, if any.
    pub fn factor(self) -> Option<&'f PurchaseFactor> {
        match self {
            Self::Nacres(f) | Self::CodeAverage(f) => Some(f),
            Self::Ambiguous(_) | Self::Missing => None,
        }
    }
}

/// Keeps the candidates that satisfy `preferred` when there are some; otherwise keeps them all.
fn prefer(candidates: Vec<&PurchaseFactor>, preferred: impl Fn(&PurchaseFactor) -> bool) -> Vec<&PurchaseFactor> {
    if candidates.iter().any(|f| preferred(f)) {
        candidates.into_iter().filter(|f| preferred(f)).collect()
    } else {
        candidates
    }
}

/// Chooses the factor of a purchase (DOMAIN §5.7 step 1, §12):
/// 1. "If NACRES is set and a factor has that NACRES, use it. When several match, prefer the same
///    UNSPSC; if it is still ambiguous, reject." Factors of the entry's own category (DET) are then
///    preferred, as for equipment (§12).
/// 2. "Else use the per-code average: same UNSPSC, blank NACRES" — also when the NACRES is unknown.
/// 3. "Else no emission": a UNSPSC with only NACRES-specific factors, given with a blank NACRES,
///    has none.
pub fn resolve_factor<'f>(factors: &'f [PurchaseFactor], input: &PurchaseInput) -> FactorLookup<'f> {
    let unspsc = input.purchase_institutional_code.as_str();
    let own_category = |f: &PurchaseFactor| f.category == input.category;
    if let Some(nacres) = input.purchase_additional_code.as_deref() {
        let hits: Vec<_> = factors
            .iter()
            .filter(|f| f.purchase_additional_code.as_deref().is_some_and(|n| same_code(n, nacres)))
            .collect();
        if !hits.is_empty() {
            let hits = prefer(prefer(hits, |f| same_code(&f.purchase_institutional_code, unspsc)), own_category);
            return match hits.as_slice() {
                [f] => FactorLookup::Nacres(f),
                _ => FactorLookup::Ambiguous(hits.len()),
            };
        }
    }
    let averages: Vec<_> = factors
        .iter()
        .filter(|f| f.purchase_additional_code.is_none() && same_code(&f.purchase_institutional_code, unspsc))
        .collect();
    match prefer(averages, own_category).as_slice() {
        [] => FactorLookup::Missing,
        [f] => FactorLookup::CodeAverage(f),
        several => FactorLookup::Ambiguous(several.len()),
    }
}

/// How a purchase row was converted; the caller stores it in the emission row's metadata
/// (`emission.meta`) so the FX rate and the inflation index applied stay auditable (DOMAIN §9 D8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseConversion {
    pub year: i32,
    pub currency: Currency,
    /// units_per_eur(year, currency) of the entry's currency.
    pub units_per_eur: f64,
    pub amount_eur: f64,
    pub factor_currency: Currency,
    /// The factor's EF expressed per EUR.
    pub ef_kg_co2eq_per_eur: f64,
    /// inflation_index(year) applied to the product.
    pub inflation_index: f64,
}

/// Computes the row of a common purchase; see [`compute_with_conversion`].
pub fn compute(
    input: &PurchaseInput,
    lookup: FactorLookup<'_>,
    rates: &ExchangeRates,
    inflation: &InflationIndex,
    year: i32,
) -> Computation {
    compute_with_conversion(input, lookup, rates, inflation, year).0
}

/// Computes the row of a common purchase for report `year` (DOMAIN §5.7), with the conversion to
/// record when a row was computed:
/// - amount_EUR = amount ÷ units_per_eur(year, ccy) (EUR = 1); a missing rate → no emission (D16).
/// - "If the factor currency ≠ eur: ef_EUR = ef × units_per_eur" (D8: multiplied, not divided).
/// - kg = amount_EUR × ef_EUR × inflation_index(year); quantity = amount_EUR, unit EUR; scope 3 on
///   `purchases__<category>`.
///
/// A `kg_co2eq` override writes one row on the category leaf, with no quantity or factor.
pub fn compute_with_conversion(
    input: &PurchaseInput,
    lookup: FactorLookup<'_>,
    rates: &ExchangeRates,
    inflation: &InflationIndex,
    year: i32,
) -> (Computation, Option<PurchaseConversion>) {
    let leaf = input.category.emission_type();
    if let Some(kg) = input.kg_co2eq {
        return (Computation::Rows(vec![override_row(leaf, kg)]), None);
    }
    let incomplete = |why: String| (Computation::Incomplete(why), None);
    let nacres = input.purchase_additional_code.as_deref().map(|n| format!(" / NACRES '{n}'")).unwrap_or_default();
    let f = match lookup {
        FactorLookup::Nacres(f) | FactorLookup::CodeAverage(f) => f,
        FactorLookup::Ambiguous(n) => {
            return incomplete(format!(
                "{n} purchase factors match UNSPSC '{}'{nacres}: ambiguous",
                input.purchase_institutional_code
            ));
        }
        FactorLookup::Missing => {
            return incomplete(format!(
                "no purchase factor for UNSPSC '{}'{nacres} in this year",
                input.purchase_institutional_code
            ));
        }
    };
    let Some(units_per_eur) = rates.units_per_eur(year, input.currency) else {
        return incomplete(format!("no exchange rate for {} in {year}", input.currency.code()));
    };
    let Some(factor_units_per_eur) = rates.units_per_eur(year, f.currency) else {
        return incomplete(format!("no exchange rate for {} (the factor's currency) in {year}", f.currency.code()));
    };
    let amount_eur = input.total_spent_amount / units_per_eur;
    // kg per unit of the factor currency × units of that currency per EUR = kg per EUR.
    let ef_eur = f.ef_kg_co2eq_per_currency * factor_units_per_eur;
    let inflation_index = inflation.index(year);
    let explanation = Explanation::of(Formula::Purchase)
        .term("purchase_institutional_code", f.purchase_institutional_code.as_str(), "")
        .term("total_spent_amount", input.total_spent_amount, input.currency.code())
        .term("units_per_eur", units_per_eur, &format!("{}/EUR", input.currency.code()))
        .term("amount_eur", amount_eur, "EUR")
        .term("ef_kg_co2eq_per_currency", f.ef_kg_co2eq_per_currency, &format!("kg CO₂-eq/{}", f.currency.code()))
        .term("ef_kg_co2eq_per_eur", ef_eur, "kg CO₂-eq/EUR")
        .term("inflation_index", inflation_index, "");
    let row = EmissionRow {
        emission_type: leaf,
        kg_co2eq: amount_eur * ef_eur * inflation_index,
        quantity: Some(amount_eur),
        quantity_unit: Some("EUR"),
        factor_ids: vec![f.factor_id.clone()],
        explanation,
    };
    let conversion = PurchaseConversion {
        year,
        currency: input.currency,
        units_per_eur,
        amount_eur,
        factor_currency: f.currency,
        ef_kg_co2eq_per_eur: ef_eur,
        inflation_index,
    };
    (Computation::Rows(vec![row]), Some(conversion))
}

fn override_row(leaf: EmissionType, kg: f64) -> EmissionRow {
    EmissionRow::given(leaf, kg)
}

// ---------------------------------------------------------------------------------------------
// Additional purchases (DET 67)
// ---------------------------------------------------------------------------------------------

/// Names that denote liquid nitrogen, in normalised form (DOMAIN §9 D12: an alias set, not only
/// "ln2").
pub const LN2_ALIASES: [&str; 2] = ["ln2", "liquidnitrogen"];

/// Normalised additional-purchase name: lower-case, without spaces, `_` or `-`, with `₂` read as
/// `2` ("Liquid Nitrogen" = "liquid_nitrogen" = "LiquidNitrogen", "LN₂" = "ln 2" = "LN2").
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !(c.is_whitespace() || *c == '_' || *c == '-'))
        .map(|c| if c == '₂' { '2' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether an additional purchase is liquid nitrogen (case- and space-insensitive, D12).
pub fn is_liquid_nitrogen(name: &str) -> bool {
    LN2_ALIASES.contains(&normalise_name(name).as_str())
}

/// The identity a name is matched on: the normalised name, with every LN2 alias folded into one so
/// an "LN2" entry finds the "Liquid Nitrogen" factor.
fn additional_key(name: &str) -> String {
    if is_liquid_nitrogen(name) { LN2_ALIASES[0].to_owned() } else { normalise_name(name) }
}

/// The leaf of an additional purchase: "ln2 when the normalised name is one of {ln2, liquid
/// nitrogen}, else purchases__additional" (DOMAIN §5.7); both are scope 1.
pub fn additional_leaf(name: &str) -> EmissionType {
    EmissionType::known(if is_liquid_nitrogen(name) { "purchases__additional__ln2" } else { "purchases__additional" })
}

/// A validated additional purchase (DET 67).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdditionalPurchaseInput {
    pub name: String,
    /// The unit of `annual_consumption` (e.g. L); `coef_to_kg` converts it.
    pub unit: String,
    pub annual_consumption: f64,
    /// kg per unit (e.g. 0.808 kg/L).
    pub coef_to_kg: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl AdditionalPurchaseInput {
    /// The DET of an additional purchase.
    pub const ENTRY_TYPE: EntryType = EntryType::AdditionalPurchases;

    /// Parses and validates raw fields.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let name = r.required_text("name");
        let unit = r.required_text("unit");
        let annual_consumption = r.required_decimal_in("annual_consumption", 0.0, f64::INFINITY);
        let coef_to_kg = r.required_decimal_in("coef_to_kg", 0.0, f64::INFINITY);
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        r.finish(AdditionalPurchaseInput { name, unit, annual_consumption, coef_to_kg, note, kg_co2eq })
    }
}

/// One row of `purchases_additional_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalFactorRow {
    pub name: String,
    pub ef_kg_co2eq_per_kg: f64,
}

impl AdditionalFactorRow {
    /// Validates one factor row.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let name = r.required_text("name");
        let ef_kg_co2eq_per_kg = r.required_decimal_in("ef_kg_co2eq_per_kg", 0.0, f64::INFINITY);
        r.finish(AdditionalFactorRow { name, ef_kg_co2eq_per_kg })
    }

    /// The leaf the factor is stored under.
    pub fn emission_type(&self) -> EmissionType {
        additional_leaf(&self.name)
    }

    /// The typed factor, once stored under `factor_id`.
    pub fn into_factor(self, factor_id: impl Into<String>) -> AdditionalFactor {
        AdditionalFactor { factor_id: factor_id.into(), name: self.name, ef_kg_co2eq_per_kg: self.ef_kg_co2eq_per_kg }
    }
}

/// An additional-purchase factor of one year: classification (name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdditionalFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub name: String,
    pub ef_kg_co2eq_per_kg: f64,
}

/// The factor of an additional purchase, matched on the normalised name (LN2 aliases are one).
pub fn resolve_additional_factor<'f>(
    factors: &'f [AdditionalFactor],
    input: &AdditionalPurchaseInput,
) -> Option<&'f AdditionalFactor> {
    let key = additional_key(&input.name);
    factors.iter().find(|f| additional_key(&f.name) == key)
}

/// Computes the row of an additional purchase (DOMAIN §5.7 "Additional (67)"):
/// kg = annual_consumption × coef_to_kg × ef, quantity in kg, scope 1. An override writes one row on
/// the same leaf.
pub fn compute_additional(input: &AdditionalPurchaseInput, factor: Option<&AdditionalFactor>) -> Computation {
    let leaf = additional_leaf(&input.name);
    if let Some(kg) = input.kg_co2eq {
        return Computation::Rows(vec![override_row(leaf, kg)]);
    }
    let Some(f) = factor else {
        return Computation::Incomplete(format!("no additional-purchase factor for '{}' in this year", input.name));
    };
    let mass_kg = input.annual_consumption * input.coef_to_kg;
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: mass_kg * f.ef_kg_co2eq_per_kg,
        quantity: Some(mass_kg),
        quantity_unit: Some("kg"),
        factor_ids: vec![f.factor_id.clone()],
        explanation: Explanation::of(Formula::AdditionalPurchase)
            .term("annual_consumption", input.annual_consumption, "")
            .term("coef_to_kg", input.coef_to_kg, "")
            .term("mass_kg", mass_kg, "kg")
            .term("ef_kg_co2eq_per_kg", f.ef_kg_co2eq_per_kg, "kg CO₂-eq/kg"),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emission::Scope;
    #[allow(unused_imports)]
    use crate::test_support::*;

    fn rates() -> ExchangeRates {
        let mut rates = ExchangeRates::default();
        rates.insert(2024, Currency::Chf, 0.95263);
        rates.insert(2025, Currency::Chf, 0.93703);
        rates.insert(2025, Currency::Usd, 1.12998);
        rates
    }

    fn factor(
        category: PurchaseCategory,
        unspsc: &str,
        nacres: Option<&str>,
        currency: Currency,
        ef: f64,
    ) -> PurchaseFactor {
        PurchaseFactor {
            factor_id: format!("{unspsc}/{}/{}", nacres.unwrap_or(""), currency.code()),
            category,
            purchase_institutional_code: unspsc.into(),
            purchase_additional_code: nacres.map(Into::into),
            currency,
            ef_kg_co2eq_per_currency: ef,
        }
    }

    fn purchase(amount: &str, currency: &str, unspsc: &str, nacres: &str) -> PurchaseInput {
        PurchaseInput::parse(
            &raw(&[
                ("name", "item"),
                ("total_spent_amount", amount),
                ("currency", currency),
                ("purchase_institutional_code", unspsc),
                ("purchase_additional_code", nacres),
            ]),
            Some(PurchaseCategory::BiologicalChemicalGaseousProduct),
        )
        .unwrap()
    }

    const BIO: PurchaseCategory = PurchaseCategory::BiologicalChemicalGaseousProduct;

    fn antibiotics() -> Vec<PurchaseFactor> {
        vec![
            factor(BIO, "51000000", Some("LA0"), Currency::Eur, 0.5),
            factor(BIO, "51100000", Some("LA05"), Currency::Eur, 0.41),
            factor(BIO, "51100000", None, Currency::Eur, 0.455),
        ]
    }

    fn run(input: &PurchaseInput, factors: &[PurchaseFactor], year: i32) -> Computation {
        compute(input, resolve_factor(factors, input), &rates(), &InflationIndex::default(), year)
    }

    #[test]
    fn g19_a_1000_chf_purchase_in_2024_at_half_a_kg_per_eur_is_524_86_kg() {
        let factors = [factor(BIO, "12000000", None, Currency::Eur, 0.5)];
        let c = run(&purchase("1000", "chf", "12000000", ""), &factors, 2024);
        let row = &c.rows()[0];
        assert!((row.kg_co2eq - 524.86).abs() < 0.005, "{}", row.kg_co2eq);
        assert!((row.quantity.unwrap() - 1049.73).abs() < 0.005);
        assert_eq!(row.quantity_unit, Some("EUR"));
        assert_eq!(row.emission_type.key, "purchases__biological_chemical_gaseous");
        assert_eq!(row.emission_type.scope, Scope::S3);
    }

    #[test]
    fn g20_a_nacres_specific_factor_wins_over_the_per_code_average() {
        let factors = antibiotics();
        let with = purchase("600", "chf", "51100000", "LA05");
        assert!(
            matches!(resolve_factor(&factors, &with), FactorLookup::Nacres(f) if f.ef_kg_co2eq_per_currency == 0.41)
        );
        assert!((kg(&run(&with, &factors, 2025)) - 262.53).abs() < 0.005);
        let without = purchase("600", "chf", "51100000", "");
        assert!(matches!(resolve_factor(&factors, &without), FactorLookup::CodeAverage(_)));
        assert!((kg(&run(&without, &factors, 2025)) - 291.35).abs() < 0.005);
    }

    #[test]
    fn an_unknown_nacres_falls_back_to_the_per_code_average() {
        let factors = antibiotics();
        let input = purchase("600", "chf", "51100000", "ZZ99");
        let lookup = resolve_factor(&factors, &input);
        assert!(matches!(lookup, FactorLookup::CodeAverage(f) if f.ef_kg_co2eq_per_currency == 0.455));
    }

    #[test]
    fn a_unspsc_with_only_nacres_specific_factors_and_a_blank_nacres_has_no_row() {
        let factors = antibiotics();
        let input = purchase("600", "chf", "51000000", "");
        assert_eq!(resolve_factor(&factors, &input), FactorLookup::Missing);
        let c = run(&input, &factors, 2025);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("51000000")));
        let with = purchase("600", "chf", "51000000", "la0");
        assert!(matches!(resolve_factor(&factors, &with), FactorLookup::Nacres(_)));
    }

    #[test]
    fn a_nacres_matching_several_factors_prefers_the_same_unspsc_and_else_is_rejected() {
        let factors = [
            factor(BIO, "11111111", Some("NX1"), Currency::Eur, 0.1),
            factor(BIO, "22222222", Some("NX1"), Currency::Eur, 0.2),
            factor(BIO, "33333333", None, Currency::Eur, 0.3),
        ];
        let same = purchase("100", "eur", "22222222", "NX1");
        assert!(
            matches!(resolve_factor(&factors, &same), FactorLookup::Nacres(f) if f.ef_kg_co2eq_per_currency == 0.2)
        );
        // A single NACRES match is used even under another UNSPSC: the NACRES is the finer code.
        let other = purchase("100", "eur", "33333333", "NX1");
        assert_eq!(resolve_factor(&factors, &other), FactorLookup::Ambiguous(2));
        let c = run(&other, &factors, 2025);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("ambiguous")));
        assert!(c.rows().is_empty());
    }

    #[test]
    fn the_entry_category_breaks_a_tie_between_factors_of_two_dets() {
        let factors = [
            factor(PurchaseCategory::Services, "81110000", None, Currency::Eur, 0.15),
            factor(PurchaseCategory::ItEquipment, "81110000", None, Currency::Eur, 0.5),
        ];
        let input = PurchaseInput { category: PurchaseCategory::Services, ..purchase("100", "eur", "81110000", "") };
        let lookup = resolve_factor(&factors, &input);
        assert!(matches!(lookup, FactorLookup::CodeAverage(f) if f.ef_kg_co2eq_per_currency == 0.15));
        let neither = PurchaseInput { category: PurchaseCategory::Vehicles, ..input };
        assert_eq!(resolve_factor(&factors, &neither), FactorLookup::Ambiguous(2));
    }

    #[test]
    fn d8_a_factor_in_another_currency_is_multiplied_by_its_rate_not_divided() {
        let chf_factor = [factor(BIO, "1", None, Currency::Chf, 0.5)];
        let (c, conversion) = compute_with_conversion(
            &purchase("1000", "chf", "1", ""),
            resolve_factor(&chf_factor, &purchase("1000", "chf", "1", "")),
            &rates(),
            &InflationIndex::default(),
            2025,
        );
        // 1000 CHF ÷ 0.93703 × (0.5 × 0.93703) = 1000 × 0.5: a factor in the entry's currency applies as is.
        assert!(close(kg(&c), 500.0), "{}", kg(&c));
        let conversion = conversion.unwrap();
        assert!(close(conversion.ef_kg_co2eq_per_eur, 0.5 * 0.93703));
        assert_eq!(conversion.factor_currency, Currency::Chf);
        let usd_factor = [factor(BIO, "1", None, Currency::Usd, 0.4)];
        let eur = purchase("1000", "eur", "1", "");
        assert!(close(kg(&run(&eur, &usd_factor, 2025)), 1000.0 * 0.4 * 1.12998));
    }

    #[test]
    fn d16_a_missing_exchange_rate_gives_no_row_and_says_which() {
        let factors = [factor(BIO, "1", None, Currency::Eur, 0.5)];
        let c = run(&purchase("1000", "chf", "1", ""), &factors, 2026);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("chf") && why.contains("2026")));
        let c = run(&purchase("1000", "gbp", "1", ""), &factors, 2025);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("gbp")));
        let usd_factor = [factor(BIO, "1", None, Currency::Usd, 0.5)];
        let c = run(&purchase("1000", "eur", "1", ""), &usd_factor, 2024);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("factor's currency")));
        assert_eq!(kg(&run(&purchase("1000", "eur", "1", ""), &factors, 2026)), 500.0, "EUR needs no rate");
    }

    #[test]
    fn the_inflation_index_of_the_year_multiplies_kg_and_is_recorded() {
        let factors = [factor(BIO, "1", None, Currency::Eur, 0.5)];
        let input = purchase("1000", "eur", "1", "");
        let mut inflation = InflationIndex::default();
        inflation.insert(2025, 0.9);
        let (c, conversion) =
            compute_with_conversion(&input, resolve_factor(&factors, &input), &rates(), &inflation, 2025);
        assert!(close(kg(&c), 450.0));
        assert_eq!(c.rows()[0].quantity, Some(1000.0), "the quantity is the EUR amount before inflation");
        assert_eq!(conversion.unwrap().inflation_index, 0.9);
        let (_, other_year) =
            compute_with_conversion(&input, resolve_factor(&factors, &input), &rates(), &inflation, 2024);
        assert_eq!(other_year.unwrap().inflation_index, 1.0);
    }

    #[test]
    fn a_purchase_override_is_one_row_on_the_category_leaf_without_factor_or_rate() {
        for category in PurchaseCategory::ALL {
            let input = PurchaseInput { category, kg_co2eq: Some(0.0), ..purchase("5", "jpy", "99999999", "") };
            let (c, conversion) = compute_with_conversion(
                &input,
                resolve_factor(&[], &input),
                &ExchangeRates::default(),
                &InflationIndex::default(),
                2025,
            );
            assert_eq!(c.rows().len(), 1);
            let row = &c.rows()[0];
            assert_eq!((row.emission_type, row.kg_co2eq, row.quantity), (category.emission_type(), 0.0, None));
            assert!(row.factor_ids.is_empty() && conversion.is_none());
        }
    }

    #[test]
    fn a_mixed_file_routes_rows_by_purchase_category_and_the_currency_defaults_to_chf() {
        let fields = [
            ("name", "Cargo bike"),
            ("total_spent_amount", "7200"),
            ("purchase_institutional_code", "25100000"),
            ("purchase_category", "Vehicles"),
        ];
        let input = PurchaseInput::parse(&raw(&fields), None).unwrap();
        assert_eq!(input.category, PurchaseCategory::Vehicles);
        assert_eq!(input.category.entry_type().id(), 65);
        assert_eq!(input.currency, Currency::Chf);
        let mut bad = raw(&fields);
        bad.insert("purchase_category".into(), "vehicles_and_boats".into());
        bad.insert("currency".into(), "btc".into());
        bad.insert("total_spent_amount".into(), "-1".into());
        let codes: Vec<_> =
            PurchaseInput::parse(&bad, None).unwrap_err().0.iter().map(|e| (e.field.clone(), e.code)).collect();
        assert!(codes.contains(&("purchase_category".into(), code::INVALID_ROUTING)));
        assert!(codes.contains(&("currency".into(), field_code::INVALID_CHOICE)));
        assert!(codes.contains(&("total_spent_amount".into(), field_code::OUT_OF_RANGE)));
        let missing = PurchaseInput::parse(&raw(&[]), None).unwrap_err();
        let fields: Vec<_> = missing.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["purchase_category", "name", "total_spent_amount", "purchase_institutional_code"]);
    }

    #[test]
    fn category_leaves_follow_the_tree() {
        for category in PurchaseCategory::ALL {
            let leaf = category.emission_type();
            assert_eq!(EmissionType::by_key(leaf.key), Some(leaf));
            assert_eq!(leaf.scope, Scope::S3);
            assert_eq!(PurchaseCategory::from_entry_type(category.entry_type()), Some(category));
            assert_eq!(PurchaseCategory::parse(&category.key().to_uppercase()), Some(category));
        }
        assert_eq!(PurchaseCategory::OtherPurchases.emission_type().key, "purchases__other");
        assert_eq!(additional_leaf("x").scope, Scope::S1);
        assert_eq!(additional_leaf("ln2").scope, Scope::S1);
    }

    fn additional(name: &str, consumption: &str, coef: &str) -> AdditionalPurchaseInput {
        AdditionalPurchaseInput::parse(&raw(&[
            ("name", name),
            ("unit", "L"),
            ("annual_consumption", consumption),
            ("coef_to_kg", coef),
        ]))
        .unwrap()
    }

    fn ln2_factor() -> Vec<AdditionalFactor> {
        vec![AdditionalFactorRow { name: "Liquid Nitrogen".into(), ef_kg_co2eq_per_kg: 0.06 }.into_factor("ln2")]
    }

    #[test]
    fn g21_2000_litres_of_liquid_nitrogen_emit_96_96_kg_on_scope_1() {
        let factors = ln2_factor();
        let input = additional("Liquid Nitrogen", "2000", "0.808");
        let c = compute_additional(&input, resolve_additional_factor(&factors, &input));
        let row = &c.rows()[0];
        assert!(close(row.kg_co2eq, 96.96));
        assert_eq!((row.quantity, row.quantity_unit), (Some(1616.0), Some("kg")));
        assert_eq!(row.emission_type.key, "purchases__additional__ln2");
        assert_eq!(row.emission_type.scope, Scope::S1);
    }

    #[test]
    fn d12_liquid_nitrogen_is_recognised_by_any_alias_whatever_the_case_and_spacing() {
        let factors = ln2_factor();
        for name in ["LN2", "ln2", " Liquid Nitrogen ", "liquid  nitrogen", "LIQUID_NITROGEN", "LN₂", "ln 2"] {
            assert!(is_liquid_nitrogen(name), "{name}");
            let input = additional(name, "1", "1");
            let c = compute_additional(&input, resolve_additional_factor(&factors, &input));
            assert_eq!(c.rows()[0].emission_type.key, "purchases__additional__ln2", "{name}");
        }
        for name in ["Nitrogen gas", "Liquid helium", "LN", "dry ice"] {
            assert!(!is_liquid_nitrogen(name), "{name}");
            assert_eq!(additional_leaf(name).key, "purchases__additional");
        }
    }

    #[test]
    fn an_additional_purchase_without_factor_is_incomplete_unless_overridden() {
        let input = additional("Liquid helium", "10", "0.125");
        let c = compute_additional(&input, resolve_additional_factor(&ln2_factor(), &input));
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("Liquid helium")));
        let overridden = AdditionalPurchaseInput { kg_co2eq: Some(4.0), ..input };
        let c = compute_additional(&overridden, None);
        assert_eq!(c.rows().len(), 1);
        assert_eq!((c.rows()[0].emission_type.key, c.rows()[0].quantity), ("purchases__additional", None));
        let err = AdditionalPurchaseInput::parse(&raw(&[("name", "x"), ("coef_to_kg", "nan")])).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("unit", field_code::REQUIRED),
                ("annual_consumption", field_code::REQUIRED),
                ("coef_to_kg", field_code::INVALID_NUMBER)
            ]
        );
    }

    #[test]
    fn scaling_amounts_scales_kg_linearly_and_never_goes_negative() {
        let factors = antibiotics();
        let inflation = InflationIndex::default();
        let base_input = purchase("600", "chf", "51100000", "LA05");
        let base = kg(&run(&base_input, &factors, 2025));
        let base_ln2 = kg(&compute_additional(&additional("LN2", "2000", "0.808"), ln2_factor().first()));
        for k in [0.0, 0.5, 1.0, 3.0, 1e6] {
            let input = PurchaseInput { total_spent_amount: 600.0 * k, ..base_input.clone() };
            let a = kg(&compute(&input, resolve_factor(&factors, &input), &rates(), &inflation, 2025));
            let ln2 = AdditionalPurchaseInput { annual_consumption: 2000.0 * k, ..additional("LN2", "1", "0.808") };
            let b = kg(&compute_additional(&ln2, ln2_factor().first()));
            assert!(close(a, base * k) && close(b, base_ln2 * k), "k = {k}");
            assert!(a >= 0.0 && b >= 0.0);
        }
    }

    #[test]
    fn an_override_gives_exactly_one_row_per_entry() {
        for value in [0.0, 2.5, 1e9] {
            let input = PurchaseInput { kg_co2eq: Some(value), ..purchase("600", "chf", "51100000", "LA05") };
            for lookup in [resolve_factor(&antibiotics(), &input), FactorLookup::Missing, FactorLookup::Ambiguous(3)] {
                let c = compute(&input, lookup, &rates(), &InflationIndex::default(), 2025);
                assert_eq!(c.rows().len(), 1);
                assert_eq!(c.rows()[0].kg_co2eq, value);
            }
            let ln2 = AdditionalPurchaseInput { kg_co2eq: Some(value), ..additional("LN2", "1", "1") };
            assert_eq!(compute_additional(&ln2, ln2_factor().first()).rows().len(), 1);
        }
    }

    #[test]
    fn the_shipped_purchase_factors_and_exchange_rates_parse_without_rejected_rows() {
        for year in [2024, 2025] {
            for (line, r) in records(&data(&format!("factors/{year}/purchases_common_factors.csv"))) {
                PurchaseFactorRow::parse(&r).unwrap_or_else(|e| panic!("{year} line {line}: {e:?}"));
            }
            for (_, r) in records(&data(&format!("factors/{year}/purchases_additional_factors.csv"))) {
                AdditionalFactorRow::parse(&r).unwrap();
            }
        }
        let rows: Vec<_> = records(&data("reference/exchange_rates.csv"))
            .iter()
            .map(|(_, r)| ExchangeRateRow::parse(r).unwrap())
            .collect();
        let table = ExchangeRates::from_rows(&rows);
        assert_eq!(table.units_per_eur(2024, Currency::Chf), Some(0.95263));
        assert_eq!(table.units_per_eur(2022, Currency::Usd), Some(1.05305));
        assert_eq!(table.units_per_eur(1999, Currency::Eur), Some(1.0));
        let err =
            ExchangeRateRow::parse(&raw(&[("year", "2025"), ("currency", "chf"), ("units_per_eur", "0")])).unwrap_err();
        assert_eq!(err.0[0].code, field_code::OUT_OF_RANGE);
    }

    /// Compares computed rows with the oracle rows of `file`: every expected row matched once
    /// (leaf, scope, additional flag, kg and quantity within 1e-6 relative or 5e-5 absolute for the
    /// oracle's four decimals), and no extra row.
    fn assert_matches_oracle(file: &str, got: Vec<(u64, i16, EmissionRow)>) {
        let oracle = data("demo/expected_emissions_2025.csv");
        let expected: Vec<_> = records(&oracle).into_iter().map(|(_, r)| r).filter(|r| r["file"] == file).collect();
        assert!(!expected.is_empty(), "{file} has oracle rows");
        let near = |a: f64, b: &str| {
            let b: f64 = b.parse().unwrap();
            (a - b).abs() <= 5e-5 || (a - b).abs() <= 1e-6 * b.abs()
        };
        let mut used = vec![false; got.len()];
        for e in &expected {
            let hit = got.iter().enumerate().position(|(i, (line, det, row))| {
                !used[i]
                    && line.to_string() == e["csv_line"]
                    && det.to_string() == e["data_entry_type_id"]
                    && row.emission_type.key == e["emission_type"]
                    && row.emission_type.scope.number().to_string() == e["scope"]
                    && (if row.emission_type.additional { "yes" } else { "no" }) == e["additional_category"]
                    && near(row.kg_co2eq, &e["kg_co2eq"])
                    && row.quantity.is_some_and(|q| near(q, &e["quantity"]))
                    && row.quantity_unit == Some(e["quantity_unit"].as_str())
            });
            match hit {
                Some(i) => used[i] = true,
                None => panic!("{file}: expected row {e:?} not produced; got {got:#?}"),
            }
        }
        let extra: Vec<_> = got.iter().zip(&used).filter(|(_, u)| !**u).map(|(g, _)| g).collect();
        assert!(extra.is_empty(), "{file}: extra rows {extra:#?}");
    }

    #[test]
    fn the_demo_common_purchases_match_the_2025_oracle() {
        let factors: Vec<_> = records(&data("factors/2025/purchases_common_factors.csv"))
            .into_iter()
            .map(|(line, r)| PurchaseFactorRow::parse(&r).unwrap().into_factor(line.to_string()))
            .collect();
        let rate_rows: Vec<_> = records(&data("reference/exchange_rates.csv"))
            .iter()
            .map(|(_, r)| ExchangeRateRow::parse(r).unwrap())
            .collect();
        let rates = ExchangeRates::from_rows(&rate_rows);
        let mut got = Vec::new();
        let mut incomplete = Vec::new();
        for (line, r) in records(&data("demo/purchases_common.csv")) {
            let input = PurchaseInput::parse(&r, None).unwrap();
            let c = compute(&input, resolve_factor(&factors, &input), &rates, &InflationIndex::default(), 2025);
            got.extend(c.rows().iter().map(|row| (line, input.category.entry_type().id(), row.clone())));
            if let Computation::Incomplete(why) = c {
                incomplete.push(why);
            }
        }
        assert_eq!(incomplete.len(), 1, "only code 99999999 lacks a factor: {incomplete:?}");
        assert!(incomplete[0].contains("99999999"));
        assert_matches_oracle("purchases_common.csv", got);
    }

    #[test]
    fn the_demo_additional_purchases_match_the_2025_oracle() {
        let factors: Vec<_> = records(&data("factors/2025/purchases_additional_factors.csv"))
            .into_iter()
            .map(|(line, r)| AdditionalFactorRow::parse(&r).unwrap().into_factor(line.to_string()))
            .collect();
        let mut got = Vec::new();
        for (line, r) in records(&data("demo/purchases_additional.csv")) {
            let input = AdditionalPurchaseInput::parse(&r).unwrap();
            let c = compute_additional(&input, resolve_additional_factor(&factors, &input));
            got.extend(c.rows().iter().map(|row| (line, AdditionalPurchaseInput::ENTRY_TYPE.id(), row.clone())));
        }
        assert_matches_oracle("purchases_additional.csv", got);
    }
}
