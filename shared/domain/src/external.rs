//! External cloud (DET 40) and AI services (DET 41): input validation, factor rows and the
//! formulas of DOMAIN §5.8.
//!
//! Cloud: kg = amount_EUR × ef, with amount_EUR = amount ÷ units_per_eur of the report year.
//! AI: requests = midpoint × 235 × fte_count and kg = requests × ef (in kg), on one provider leaf.

use crate::emission::{Computation, EmissionRow, EmissionType};
use crate::explain::{Explanation, Formula};
use crate::fields::{FieldErrors, FieldReader, RawFields, code as field_code};
use serde::{Deserialize, Serialize};

/// Template columns of the cloud CSV (DET 40), in order (DOMAIN §2.1).
pub const CLOUD_TEMPLATE_COLUMNS: [&str; 5] = ["service_type", "provider", "spent_amount", "currency", "note"];
/// Columns a cloud file must have (`currency` defaults to eur).
pub const CLOUD_REQUIRED_COLUMNS: [&str; 3] = ["service_type", "provider", "spent_amount"];
/// Template columns of the AI CSV (DET 41), in order.
pub const AI_TEMPLATE_COLUMNS: [&str; 5] = ["provider", "usage_type", "requests_per_user_per_day", "fte_count", "note"];
/// Columns an AI file must have.
pub const AI_REQUIRED_COLUMNS: [&str; 4] = ["provider", "usage_type", "requests_per_user_per_day", "fte_count"];
/// Columns `external_clouds_factors.csv` must have.
pub const CLOUD_FACTOR_COLUMNS: [&str; 4] = ["service_type", "provider", "currency", "ef_kg_co2eq_per_currency"];
/// Columns `external_ai_factors.csv` must have.
pub const AI_FACTOR_COLUMNS: [&str; 3] = ["provider", "usage_type", "ef_kg_co2eq_per_request"];

/// Working days of AI use per FTE and year: 5 days × 47 weeks (DOMAIN §5.8; the anchor uses 230,
/// §9 D1).
pub const AI_DAYS_PER_YEAR: f64 = 235.0;
/// Smallest accepted `fte_count` of an AI entry.
pub const AI_MIN_FTE_COUNT: f64 = 0.1;

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// A required choice parsed with `parse`; `allowed` lists the choices for the message.
fn required_choice<T>(r: &mut FieldReader<'_>, field: &str, parse: fn(&str) -> Option<T>, allowed: &str) -> Option<T> {
    let text = r.required_text(field);
    let parsed = parse(&text);
    if parsed.is_none() && !text.is_empty() {
        r.error(field, field_code::INVALID_CHOICE, format!("must be one of {allowed}"));
    }
    parsed
}

/// Currencies of cloud spend and cloud factors (DOMAIN §2.1: e{chf, eur, usd}, default eur).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloudCurrency {
    Chf,
    #[default]
    Eur,
    Usd,
}

impl CloudCurrency {
    /// Parses `chf`, `eur` or `usd` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "chf" => Some(Self::Chf),
            "eur" => Some(Self::Eur),
            "usd" => Some(Self::Usd),
            _ => None,
        }
    }

    /// The lower-case ISO code, as in `exchange_rates.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Chf => "chf",
            Self::Eur => "eur",
            Self::Usd => "usd",
        }
    }
}

/// The kind of cloud service; it selects the leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    Virtualisation,
    Compute,
    Storage,
}

impl ServiceType {
    /// Parses `virtualisation`, `compute` or `storage` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "virtualisation" => Some(Self::Virtualisation),
            "compute" => Some(Self::Compute),
            "storage" => Some(Self::Storage),
            _ => None,
        }
    }

    /// The service type as stored.
    pub fn key(self) -> &'static str {
        match self {
            Self::Virtualisation => "virtualisation",
            Self::Compute => "compute",
            Self::Storage => "storage",
        }
    }

    /// DOMAIN §5.8: "compute → calcul, storage → stockage, virtualisation → virtualisation".
    pub fn emission_type(self) -> EmissionType {
        match self {
            Self::Virtualisation => EmissionType::known("external__clouds__virtualisation"),
            Self::Compute => EmissionType::known("external__clouds__calcul"),
            Self::Storage => EmissionType::known("external__clouds__stockage"),
        }
    }
}

/// Cloud providers of DOMAIN §2.1, stored with the listed spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CloudProvider {
    #[serde(rename = "AWS")]
    Aws,
    #[serde(rename = "GCP")]
    Gcp,
    #[serde(rename = "Azure")]
    Azure,
    #[serde(rename = "OVH")]
    Ovh,
    #[serde(rename = "Huawei")]
    Huawei,
    #[serde(rename = "Alibaba Cloud")]
    AlibabaCloud,
    #[serde(rename = "Wasabi")]
    Wasabi,
    #[serde(rename = "Other")]
    Other,
}

impl CloudProvider {
    /// Every provider, in the order of DOMAIN §2.1.
    pub const ALL: [CloudProvider; 8] = [
        CloudProvider::Aws,
        CloudProvider::Gcp,
        CloudProvider::Azure,
        CloudProvider::Ovh,
        CloudProvider::Huawei,
        CloudProvider::AlibabaCloud,
        CloudProvider::Wasabi,
        CloudProvider::Other,
    ];

    /// The listed spelling, e.g. `Alibaba Cloud`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Gcp => "GCP",
            Self::Azure => "Azure",
            Self::Ovh => "OVH",
            Self::Huawei => "Huawei",
            Self::AlibabaCloud => "Alibaba Cloud",
            Self::Wasabi => "Wasabi",
            Self::Other => "Other",
        }
    }

    /// Parses a listed provider (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| same(p.label(), text))
    }
}

/// A validated cloud entry (DET 40).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudInput {
    pub service_type: ServiceType,
    pub provider: CloudProvider,
    /// ≥ 0, in `currency`.
    pub spent_amount: f64,
    #[serde(default)]
    pub currency: CloudCurrency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl CloudInput {
    /// Parses and validates raw fields, reporting every problem at once.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let service_type =
            required_choice(&mut r, "service_type", ServiceType::parse, "virtualisation, compute, storage");
        let provider = required_choice(
            &mut r,
            "provider",
            CloudProvider::parse,
            "AWS, GCP, Azure, OVH, Huawei, Alibaba Cloud, Wasabi, Other",
        );
        let spent_amount = r.required_decimal_in("spent_amount", 0.0, f64::INFINITY);
        let currency = match r.text("currency") {
            None => Some(CloudCurrency::default()),
            Some(text) => {
                let parsed = CloudCurrency::parse(&text);
                if parsed.is_none() {
                    r.error("currency", field_code::INVALID_CHOICE, "must be one of chf, eur, usd");
                }
                parsed
            }
        };
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        let input = match (service_type, provider, currency) {
            (Some(service_type), Some(provider), Some(currency)) => {
                Some(CloudInput { service_type, provider, spent_amount, currency, note, kg_co2eq })
            }
            _ => None,
        };
        match r.finish(input)? {
            Some(input) => Ok(input),
            // Unreachable in practice: a missing choice always records an error above.
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// One row of `external_clouds_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudFactorRow {
    pub service_type: ServiceType,
    pub provider: CloudProvider,
    /// The currency the EF is expressed in (per unit of it).
    pub currency: CloudCurrency,
    pub ef_kg_co2eq_per_currency: f64,
}

impl CloudFactorRow {
    /// Validates one factor row: known service, provider and currency, a non-negative EF.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let service_type =
            required_choice(&mut r, "service_type", ServiceType::parse, "virtualisation, compute, storage");
        let provider = required_choice(
            &mut r,
            "provider",
            CloudProvider::parse,
            "AWS, GCP, Azure, OVH, Huawei, Alibaba Cloud, Wasabi, Other",
        );
        let currency = required_choice(&mut r, "currency", CloudCurrency::parse, "chf, eur, usd");
        let ef = r.required_decimal_in("ef_kg_co2eq_per_currency", 0.0, f64::INFINITY);
        let row = match (service_type, provider, currency) {
            (Some(service_type), Some(provider), Some(currency)) => {
                Some(CloudFactorRow { service_type, provider, currency, ef_kg_co2eq_per_currency: ef })
            }
            _ => None,
        };
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// A cloud factor of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub service_type: ServiceType,
    pub provider: CloudProvider,
    pub currency: CloudCurrency,
    pub ef_kg_co2eq_per_currency: f64,
}

impl CloudFactor {
    /// The stored factor `factor_id` built from its parsed row.
    pub fn from_row(factor_id: impl Into<String>, row: &CloudFactorRow) -> Self {
        CloudFactor {
            factor_id: factor_id.into(),
            service_type: row.service_type,
            provider: row.provider,
            currency: row.currency,
            ef_kg_co2eq_per_currency: row.ef_kg_co2eq_per_currency,
        }
    }
}

/// The factor of a cloud entry: same (service_type, provider), an EUR-denominated one first.
/// There is no provider fallback: "skip, don't default" (DOMAIN §5.0).
pub fn resolve_cloud_factor<'f>(factors: &'f [CloudFactor], input: &CloudInput) -> Option<&'f CloudFactor> {
    let matching = || factors.iter().filter(|f| f.service_type == input.service_type && f.provider == input.provider);
    matching().find(|f| f.currency == CloudCurrency::Eur).or_else(|| matching().next())
}

fn override_row(leaf: EmissionType, kg: f64) -> Computation {
    Computation::Rows(vec![EmissionRow::given(leaf, kg)])
}

/// units_per_eur of a currency for the report year, or why there is none. EUR needs no rate.
fn rate(currency: CloudCurrency, units_per_eur: &impl Fn(CloudCurrency) -> Option<f64>) -> Result<f64, Computation> {
    if currency == CloudCurrency::Eur {
        return Ok(1.0);
    }
    units_per_eur(currency)
        .filter(|r| r.is_finite() && *r > 0.0)
        .ok_or_else(|| Computation::Incomplete(format!("no exchange rate for {} in this year", currency.code())))
}

/// Computes the row of a cloud entry (DOMAIN §5.8, §5.9).
///
/// `units_per_eur` gives the report year's ECB annual rate of a currency (§5.7); a missing rate
/// leaves the entry incomplete. A factor expressed in another currency than EUR is converted as
/// in §5.7: ef_EUR = ef × units_per_eur.
pub fn compute_cloud(
    input: &CloudInput,
    factor: Option<&CloudFactor>,
    units_per_eur: impl Fn(CloudCurrency) -> Option<f64>,
) -> Computation {
    let leaf = input.service_type.emission_type();
    if let Some(kg) = input.kg_co2eq {
        return override_row(leaf, kg);
    }
    let Some(f) = factor else {
        return Computation::Incomplete(format!(
            "no cloud factor for {} / {} in this year",
            input.provider.label(),
            input.service_type.key()
        ));
    };
    let amount_rate = match rate(input.currency, &units_per_eur) {
        Ok(r) => r,
        Err(incomplete) => return incomplete,
    };
    let ef_rate = match rate(f.currency, &units_per_eur) {
        Ok(r) => r,
        Err(incomplete) => return incomplete,
    };
    let amount_eur = input.spent_amount / amount_rate;
    let ef_eur = f.ef_kg_co2eq_per_currency * ef_rate;
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: amount_eur * ef_eur,
        quantity: Some(amount_eur),
        quantity_unit: Some("EUR"),
        factor_ids: vec![f.factor_id.clone()],
        explanation: Explanation::of(Formula::Cloud)
            .term("spent_amount", input.spent_amount, input.currency.code())
            .term("units_per_eur", amount_rate, &format!("{}/EUR", input.currency.code()))
            .term("amount_eur", amount_eur, "EUR")
            .term("ef_kg_co2eq_per_currency", f.ef_kg_co2eq_per_currency, &format!("kg CO₂-eq/{}", f.currency.code()))
            .term("ef_kg_co2eq_per_eur", ef_eur, "kg CO₂-eq/EUR"),
    }])
}

/// AI providers as listed in DOMAIN §2.1; other names are accepted and kept as typed.
pub const AI_PROVIDERS: [&str; 7] = [
    "ChatGPT (OpenAI)",
    "Claude (Anthropic)",
    "Gemini (Google)",
    "Mistral AI",
    "Copilot (Microsoft)",
    "Copilot (GitHub)",
    "Other",
];

/// The listed spelling of a provider name, or the trimmed name itself.
pub fn canonical_ai_provider(name: &str) -> String {
    AI_PROVIDERS.into_iter().find(|p| same(p, name)).unwrap_or(name.trim()).to_owned()
}

/// The provider leaf of an AI entry.
///
/// DOMAIN §5.8: "Leaf by provider keyword: openai/chatgpt, anthropic/claude, google/gemini,
/// mistral, cohere; anything else (Copilot included) → others." Keywords are searched in that
/// order in the case-folded name, so "ChatGPT (OpenAI)" lands on openai (§9 D1).
pub fn ai_leaf(provider: &str) -> EmissionType {
    let name = provider.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    let key = if has(&["openai", "chatgpt"]) {
        "external__ai__provider_openai"
    } else if has(&["anthropic", "claude"]) {
        "external__ai__provider_anthropic"
    } else if has(&["google", "gemini"]) {
        "external__ai__provider_google"
    } else if has(&["mistral"]) {
        "external__ai__provider_mistral_ai"
    } else if has(&["cohere"]) {
        "external__ai__provider_cohere"
    } else {
        "external__ai__provider_others"
    };
    EmissionType::known(key)
}

/// What an AI service is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageType {
    Text,
    Code,
    Image,
}

impl UsageType {
    /// Parses `text`, `code` or `image` (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "code" => Some(Self::Code),
            "image" => Some(Self::Image),
            _ => None,
        }
    }
}

/// Requests per user and working day, as a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestFrequency {
    #[serde(rename = "1_5")]
    From1To5,
    #[serde(rename = "5_20")]
    From5To20,
    #[serde(rename = "20_100")]
    From20To100,
    #[serde(rename = "gt_100")]
    Over100,
}

impl RequestFrequency {
    /// Parses `1_5`, `5_20`, `20_100`, `gt_100`, or the CSV labels "1-5 times per day" …
    /// ">100 times per day" (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_lowercase();
        let band = lower.strip_suffix("times per day").unwrap_or(&lower);
        let band: String = band.chars().filter(|c| !c.is_whitespace()).collect();
        match band.replace('-', "_").as_str() {
            "1_5" => Some(Self::From1To5),
            "5_20" => Some(Self::From5To20),
            "20_100" => Some(Self::From20To100),
            "gt_100" | ">100" => Some(Self::Over100),
            _ => None,
        }
    }

    /// DOMAIN §5.8 midpoints: 1_5 = 3, 5_20 = 12.5, 20_100 = 60, gt_100 = 100.
    pub fn midpoint(self) -> f64 {
        match self {
            Self::From1To5 => 3.0,
            Self::From5To20 => 12.5,
            Self::From20To100 => 60.0,
            Self::Over100 => 100.0,
        }
    }
}

/// A validated AI entry (DET 41).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiInput {
    /// A listed provider in its listed spelling, or another name as typed (leaf `others`).
    pub provider: String,
    pub usage_type: UsageType,
    pub requests_per_user_per_day: RequestFrequency,
    /// Users, in FTE (≥ 0.1).
    pub fte_count: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A non-empty `kg_co2eq` replaces the formula (DOMAIN §5.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg_co2eq: Option<f64>,
}

impl AiInput {
    /// Parses and validates raw fields, reporting every problem at once.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let provider = canonical_ai_provider(&r.required_text("provider"));
        let usage_type = required_choice(&mut r, "usage_type", UsageType::parse, "text, code, image");
        let frequency =
            required_choice(&mut r, "requests_per_user_per_day", RequestFrequency::parse, "1_5, 5_20, 20_100, gt_100");
        let fte_count = r.required_decimal_in("fte_count", AI_MIN_FTE_COUNT, f64::INFINITY);
        let note = r.text("note");
        let kg_co2eq = r.kg_override();
        let input = match (usage_type, frequency) {
            (Some(usage_type), Some(requests_per_user_per_day)) => {
                Some(AiInput { provider, usage_type, requests_per_user_per_day, fte_count, note, kg_co2eq })
            }
            _ => None,
        };
        match r.finish(input)? {
            Some(input) => Ok(input),
            None => Err(FieldErrors(vec![])),
        }
    }

    /// requests = midpoint × 235 × fte_count (DOMAIN §5.8).
    pub fn requests_per_year(&self) -> f64 {
        self.requests_per_user_per_day.midpoint() * AI_DAYS_PER_YEAR * self.fte_count
    }
}

/// One row of `external_ai_factors.csv`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AiFactorRow {
    pub provider: String,
    pub usage_type: UsageType,
    /// kg CO₂e per request (kg, not g: §9 D1).
    pub ef_kg_co2eq_per_request: f64,
}

impl AiFactorRow {
    /// Validates one factor row: a provider, a known usage type, a non-negative EF.
    pub fn parse(raw: &RawFields) -> Result<Self, FieldErrors> {
        let mut r = FieldReader::new(raw);
        let provider = canonical_ai_provider(&r.required_text("provider"));
        let usage_type = required_choice(&mut r, "usage_type", UsageType::parse, "text, code, image");
        let ef = r.required_decimal_in("ef_kg_co2eq_per_request", 0.0, f64::INFINITY);
        let row = usage_type.map(|usage_type| AiFactorRow { provider, usage_type, ef_kg_co2eq_per_request: ef });
        match r.finish(row)? {
            Some(row) => Ok(row),
            None => Err(FieldErrors(vec![])),
        }
    }
}

/// An AI factor of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiFactor {
    /// Opaque identity of the stored factor, carried into emission rows.
    pub factor_id: String,
    pub provider: String,
    pub usage_type: UsageType,
    pub ef_kg_co2eq_per_request: f64,
}

impl AiFactor {
    /// The stored factor `factor_id` built from its parsed row.
    pub fn from_row(factor_id: impl Into<String>, row: &AiFactorRow) -> Self {
        AiFactor {
            factor_id: factor_id.into(),
            provider: row.provider.clone(),
            usage_type: row.usage_type,
            ef_kg_co2eq_per_request: row.ef_kg_co2eq_per_request,
        }
    }
}

/// The factor of an AI entry: exact (provider, usage_type), the provider compared trimmed and
/// case-insensitively. DOMAIN §12: "`others` is a leaf fallback for provider names, not a factor
/// fallback", so an unlisted provider does not borrow the "Other" factor.
pub fn resolve_ai_factor<'f>(factors: &'f [AiFactor], input: &AiInput) -> Option<&'f AiFactor> {
    factors.iter().find(|f| f.usage_type == input.usage_type && same(&f.provider, &input.provider))
}

/// Computes the single row of an AI entry on its provider leaf (DOMAIN §5.8, §5.9, §9 D1/D4).
pub fn compute_ai(input: &AiInput, factor: Option<&AiFactor>) -> Computation {
    let leaf = ai_leaf(&input.provider);
    if let Some(kg) = input.kg_co2eq {
        return override_row(leaf, kg);
    }
    let Some(f) = factor else {
        return Computation::Incomplete(format!(
            "no AI factor for provider '{}' and usage {:?} in this year",
            input.provider, input.usage_type
        ));
    };
    let requests = input.requests_per_year();
    Computation::Rows(vec![EmissionRow {
        emission_type: leaf,
        kg_co2eq: requests * f.ef_kg_co2eq_per_request,
        quantity: Some(requests),
        quantity_unit: Some("requests"),
        factor_ids: vec![f.factor_id.clone()],
        explanation: Explanation::of(Formula::Ai)
            .term("provider", f.provider.as_str(), "")
            .term("fte_count", input.fte_count, "")
            .term("requests", requests, "requests/year")
            .term("ef_kg_co2eq_per_request", f.ef_kg_co2eq_per_request, "kg CO₂-eq/request"),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::test_support::*;
    use crate::totals::demo;

    fn cloud(service: &str, provider: &str, amount: &str, currency: &str) -> CloudInput {
        CloudInput::parse(&raw(&[
            ("service_type", service),
            ("provider", provider),
            ("spent_amount", amount),
            ("currency", currency),
        ]))
        .unwrap()
    }

    fn cloud_factor(service: ServiceType, provider: CloudProvider, currency: CloudCurrency, ef: f64) -> CloudFactor {
        CloudFactor {
            factor_id: format!("{service:?}/{provider:?}"),
            service_type: service,
            provider,
            currency,
            ef_kg_co2eq_per_currency: ef,
        }
    }

    fn rates_2025(c: CloudCurrency) -> Option<f64> {
        match c {
            CloudCurrency::Chf => Some(0.93703),
            CloudCurrency::Usd => Some(1.12998),
            CloudCurrency::Eur => Some(1.0),
        }
    }

    fn ai(provider: &str, usage: &str, frequency: &str, fte: &str) -> AiInput {
        AiInput::parse(&raw(&[
            ("provider", provider),
            ("usage_type", usage),
            ("requests_per_user_per_day", frequency),
            ("fte_count", fte),
        ]))
        .unwrap()
    }

    fn ai_factor(provider: &str, usage: UsageType, ef: f64) -> AiFactor {
        AiFactor {
            factor_id: provider.into(),
            provider: provider.into(),
            usage_type: usage,
            ef_kg_co2eq_per_request: ef,
        }
    }

    #[test]
    fn g22_aws_compute_in_eur_and_gcp_storage_in_usd() {
        use {CloudCurrency::Eur, CloudProvider::*, ServiceType::*};
        let factors = [cloud_factor(Compute, Aws, Eur, 0.259), cloud_factor(Storage, Gcp, Eur, 0.259)];
        let aws = cloud("compute", "aws", "6192", "EUR");
        let c = compute_cloud(&aws, resolve_cloud_factor(&factors, &aws), rates_2025);
        assert_eq!(format!("{:.2}", kg(&c)), "1603.73");
        assert_eq!(c.rows()[0].emission_type.key, "external__clouds__calcul");
        let gcp = cloud("storage", "GCP", "1500", "usd");
        let c = compute_cloud(&gcp, resolve_cloud_factor(&factors, &gcp), rates_2025);
        assert_eq!(format!("{:.2}", kg(&c)), "343.81");
        assert_eq!(format!("{:.2}", c.rows()[0].quantity.unwrap()), "1327.46");
        assert_eq!(
            (c.rows()[0].emission_type.key, c.rows()[0].quantity_unit),
            ("external__clouds__stockage", Some("EUR"))
        );
    }

    #[test]
    fn a_missing_exchange_rate_or_factor_gives_no_row() {
        use {CloudCurrency::Eur, CloudProvider::*, ServiceType::*};
        let factors = [cloud_factor(Compute, Aws, Eur, 0.259)];
        let chf = cloud("compute", "AWS", "100", "chf");
        let c = compute_cloud(&chf, resolve_cloud_factor(&factors, &chf), |_| None);
        assert!(matches!(c, Computation::Incomplete(ref why) if why.contains("chf")));
        let eur = cloud("compute", "AWS", "100", "");
        assert_eq!(eur.currency, CloudCurrency::Eur, "the default currency");
        assert!((kg(&compute_cloud(&eur, resolve_cloud_factor(&factors, &eur), |_| None)) - 25.9).abs() < 1e-9);
        let wasabi = cloud("compute", "wasabi", "100", "eur");
        assert!(resolve_cloud_factor(&factors, &wasabi).is_none(), "no provider fallback");
        assert!(matches!(compute_cloud(&wasabi, None, rates_2025), Computation::Incomplete(_)));
    }

    #[test]
    fn a_factor_in_another_currency_is_converted_to_eur() {
        use {CloudProvider::*, ServiceType::*};
        let f = cloud_factor(Storage, Ovh, CloudCurrency::Usd, 0.2);
        let input = cloud("storage", "OVH", "100", "eur");
        assert!((kg(&compute_cloud(&input, Some(&f), rates_2025)) - 100.0 * 0.2 * 1.12998).abs() < 1e-9);
    }

    #[test]
    fn cloud_fields_are_validated_together() {
        let err = CloudInput::parse(&raw(&[
            ("service_type", "backup"),
            ("provider", "IBM"),
            ("spent_amount", "-3"),
            ("currency", "gbp"),
        ]))
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("service_type", field_code::INVALID_CHOICE),
                ("provider", field_code::INVALID_CHOICE),
                ("spent_amount", field_code::OUT_OF_RANGE),
                ("currency", field_code::INVALID_CHOICE),
            ]
        );
        assert_eq!(cloud("compute", "alibaba cloud", "1", "eur").provider, CloudProvider::AlibabaCloud);
    }

    #[test]
    fn g23_chatgpt_text_5_to_20_requests_for_3_fte_is_one_row_of_0_0661_kg() {
        let factors = [ai_factor("ChatGPT (OpenAI)", UsageType::Text, 7.5e-6)];
        let input = ai("ChatGPT (OpenAI)", "text", "5_20", "3");
        let c = compute_ai(&input, resolve_ai_factor(&factors, &input));
        assert_eq!(c.rows().len(), 1);
        assert_eq!(c.rows()[0].quantity, Some(8812.5));
        assert_eq!(format!("{:.4}", kg(&c)), "0.0661");
        assert_eq!(c.rows()[0].emission_type.key, "external__ai__provider_openai");
    }

    #[test]
    fn d1_ai_is_counted_once_over_235_days_with_a_kg_factor() {
        let factors = [ai_factor("Copilot (GitHub)", UsageType::Code, 1.5e-4)];
        let input = ai("copilot (github)", "Code", ">100 times per day", "1");
        assert_eq!(input.provider, "Copilot (GitHub)", "stored with the listed spelling");
        let c = compute_ai(&input, resolve_ai_factor(&factors, &input));
        assert_eq!(c.rows().len(), 1, "one row, not one per provider leaf");
        assert_eq!(c.rows()[0].quantity, Some(100.0 * 235.0));
        assert!((kg(&c) - 23_500.0 * 1.5e-4).abs() < 1e-12, "no ÷ 1000");
        assert_eq!(c.rows()[0].emission_type.key, "external__ai__provider_others");

        let leaves: Vec<_> = AI_PROVIDERS.iter().map(|p| ai_leaf(p).key.trim_start_matches("external__ai__")).collect();
        assert_eq!(
            leaves,
            [
                "provider_openai",
                "provider_anthropic",
                "provider_google",
                "provider_mistral_ai",
                "provider_others",
                "provider_others",
                "provider_others"
            ]
        );
        assert_eq!(ai_leaf("Cohere Command R").key, "external__ai__provider_cohere");
    }

    #[test]
    fn request_bands_accept_keys_and_csv_labels() {
        for (text, band) in [
            ("1_5", RequestFrequency::From1To5),
            ("1-5 times per day", RequestFrequency::From1To5),
            ("5-20 Times per day", RequestFrequency::From5To20),
            ("20-100 times per day", RequestFrequency::From20To100),
            ("20_100", RequestFrequency::From20To100),
            ("GT_100", RequestFrequency::Over100),
            (">100 times per day", RequestFrequency::Over100),
        ] {
            assert_eq!(RequestFrequency::parse(text), Some(band), "{text}");
        }
        assert_eq!(RequestFrequency::parse("3"), None);
        let err = AiInput::parse(&raw(&[
            ("provider", "x"),
            ("usage_type", "audio"),
            ("requests_per_user_per_day", "often"),
            ("fte_count", "0.05"),
        ]))
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("usage_type", field_code::INVALID_CHOICE),
                ("requests_per_user_per_day", field_code::INVALID_CHOICE),
                ("fte_count", field_code::OUT_OF_RANGE),
            ]
        );
    }

    #[test]
    fn an_ai_entry_without_a_factor_for_its_provider_and_usage_gives_no_row() {
        let factors =
            [ai_factor("Other", UsageType::Text, 7.5e-6), ai_factor("Copilot (GitHub)", UsageType::Code, 1.5e-4)];
        let unlisted = ai("Perplexity", "text", "1_5", "1");
        assert_eq!(ai_leaf(&unlisted.provider).key, "external__ai__provider_others");
        assert!(resolve_ai_factor(&factors, &unlisted).is_none(), "others is not a factor fallback");
        let github_text = ai("Copilot (GitHub)", "text", "1_5", "1");
        assert!(matches!(
            compute_ai(&github_text, resolve_ai_factor(&factors, &github_text)),
            Computation::Incomplete(_)
        ));
    }

    #[test]
    fn scaling_spend_and_users_scales_kg_linearly_and_never_goes_negative() {
        use {CloudCurrency::Eur, CloudProvider::*, ServiceType::*};
        let cf = cloud_factor(Virtualisation, Azure, Eur, 0.259);
        let af = ai_factor("Mistral AI", UsageType::Image, 3e-4);
        let cloud_kg = |amount: f64| {
            kg(&compute_cloud(&cloud("virtualisation", "Azure", &amount.to_string(), "chf"), Some(&cf), rates_2025))
        };
        let ai_kg = |fte: f64| kg(&compute_ai(&ai("Mistral AI", "image", "20_100", &fte.to_string()), Some(&af)));
        for k in [0.0, 0.5, 1.0, 4.0, 1e5] {
            let scaled = cloud_kg(10.0 * k);
            assert!((scaled - cloud_kg(10.0) * k).abs() <= 1e-9 * (1.0 + scaled));
            assert!(scaled >= 0.0);
        }
        for k in [1.0, 2.5, 10.0, 1e4] {
            let scaled = ai_kg(0.2 * k);
            assert!((scaled - ai_kg(0.2) * k).abs() <= 1e-9 * (1.0 + scaled));
            assert!(scaled >= 0.0);
        }
    }

    #[test]
    fn an_override_writes_one_row_on_the_primary_leaf_even_without_references() {
        let mut c_in = cloud("storage", "Other", "1", "usd");
        c_in.kg_co2eq = Some(7.0);
        let c = compute_cloud(&c_in, None, |_| None);
        assert_eq!(c.rows().len(), 1);
        assert_eq!((c.rows()[0].emission_type.key, c.rows()[0].quantity), ("external__clouds__stockage", None));
        let mut a_in = ai("Claude (Anthropic)", "image", "1_5", "1");
        a_in.kg_co2eq = Some(0.0);
        let c = compute_ai(&a_in, None);
        assert_eq!(c.rows().len(), 1, "one row, not six (§9 D4)");
        assert_eq!((c.rows()[0].emission_type.key, c.rows()[0].kg_co2eq), ("external__ai__provider_anthropic", 0.0));
        assert!(c.rows()[0].factor_ids.is_empty());
    }

    #[test]
    fn the_demo_cloud_and_ai_entries_match_the_oracle() {
        let clouds: Vec<_> = demo::factor_records("external_clouds_factors.csv")
            .into_iter()
            .map(|(id, raw)| CloudFactor::from_row(id, &CloudFactorRow::parse(&raw).unwrap()))
            .collect();
        let rate = |c: CloudCurrency| demo::units_per_eur_2025(c.code());
        let computed: Vec<_> = demo::entries("external_clouds.csv")
            .into_iter()
            .map(|(line, raw)| {
                let input = CloudInput::parse(&raw).unwrap();
                (line, compute_cloud(&input, resolve_cloud_factor(&clouds, &input), rate))
            })
            .collect();
        demo::assert_matches_oracle("external_clouds.csv", &computed);

        let ais: Vec<_> = demo::factor_records("external_ai_factors.csv")
            .into_iter()
            .map(|(id, raw)| AiFactor::from_row(id, &AiFactorRow::parse(&raw).unwrap()))
            .collect();
        let computed: Vec<_> = demo::entries("external_ai.csv")
            .into_iter()
            .map(|(line, raw)| {
                let input = AiInput::parse(&raw).unwrap();
                (line, compute_ai(&input, resolve_ai_factor(&ais, &input)))
            })
            .collect();
        demo::assert_matches_oracle("external_ai.csv", &computed);
    }
}
