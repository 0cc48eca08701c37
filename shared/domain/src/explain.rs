//! Why a row has its kg ("why this number"): the formula in words, in English and French, the
//! numbers that went into it with their units, and the defaults that stood in for blank inputs.
//!
//! Every compute function of the domain fills its rows' [`Explanation`] from the values it used,
//! so what a reader sees is what the engine did, not a second description that could drift.
//! Term names are the column names of the activity templates and factor files, which a lab
//! manager already knows from the files they load.

use serde::{Deserialize, Serialize};

/// The formula a row was computed with (DOMAIN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formula {
    Equipment,
    Plane,
    Train,
    RoomUse,
    RoomHeating,
    Embodied,
    Combustion,
    Purchase,
    AdditionalPurchase,
    Facility,
    Animal,
    Cloud,
    Ai,
    Process,
    Headcount,
    /// A kg given with the entry (`kg_co2eq`) replaced the formula (DOMAIN §5.9).
    Override,
    /// `percentage_of_last_year` (DOMAIN §5.9).
    ShareOfLastYear,
}

/// The name a value carries in JSON (its serde name): one spelling for the API, the stored
/// explanation and the exports.
fn json_name(v: impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

impl Formula {
    /// Its key in the API and in stored explanations (`room_heating`).
    pub fn key(self) -> String {
        json_name(self)
    }

    pub const ALL: [Formula; 17] = [
        Formula::Equipment,
        Formula::Plane,
        Formula::Train,
        Formula::RoomUse,
        Formula::RoomHeating,
        Formula::Embodied,
        Formula::Combustion,
        Formula::Purchase,
        Formula::AdditionalPurchase,
        Formula::Facility,
        Formula::Animal,
        Formula::Cloud,
        Formula::Ai,
        Formula::Process,
        Formula::Headcount,
        Formula::Override,
        Formula::ShareOfLastYear,
    ];

    /// The formula in words, in English.
    pub fn en(self) -> &'static str {
        match self {
            Formula::Equipment => {
                "kWh = (active_power_w × active hours a week + standby_power_w × standby hours a week) × 52 weeks ÷ 1000; kg = kWh × the emission factor (kg CO₂-eq per kWh)."
            }
            Formula::Plane => {
                "One-way km = the great-circle distance between the airports, rounded, + 95 km; total km = one-way km × number_of_trips; kg = total km × the factor of the haul band and cabin class (kg per km) × the radiative-forcing index (RFI)."
            }
            Formula::Train => {
                "One-way km = the great-circle distance between the stations, rounded, × 1.2, rounded; total km = one-way km × number_of_trips; kg = total km × the factor of the country (kg per km)."
            }
            Formula::RoomUse => {
                "kWh = the room's surface (m²) × the allocation ratio × the building's intensity for this use (kWh per m²); kg = kWh × the emission factor (kg per kWh)."
            }
            Formula::RoomHeating => {
                "kWh = the room's surface (m²) × the allocation ratio × the heating intensity (kWh per m²); kg = kWh × the emission factor (kg per kWh) × the conversion factor (the heat source expressed on the electricity basis)."
            }
            Formula::Embodied => {
                "kg = the room's surface (m²) × the allocation ratio × the building's embodied-energy factor (kg per m²)."
            }
            Formula::Combustion => "kg = the quantity burnt × the fuel's emission factor (kg per kWh or per kg).",
            Formula::Purchase => {
                "EUR = the amount ÷ the currency's units per EUR (ECB annual average of the year); kg = EUR × the factor expressed per EUR × the year's inflation index."
            }
            Formula::AdditionalPurchase => {
                "Mass (kg) = annual_consumption × coef_to_kg; kg CO₂-eq = mass × the emission factor (kg CO₂-eq per kg)."
            }
            Formula::Facility => "kg = the use ÷ the facility's total use × the facility's footprint (kg).",
            Formula::Animal => {
                "kg = Σ over the facility's sources with a share and a footprint of: the use × the share ÷ the total use × the source's footprint (kg)."
            }
            Formula::Cloud => {
                "EUR = the amount ÷ the currency's units per EUR; kg = EUR × the provider's factor expressed per EUR."
            }
            Formula::Ai => {
                "Requests = the midpoint of the daily range × 235 working days × the number of users (fte_count); kg = requests × the factor (kg per request)."
            }
            Formula::Process => {
                "kg CO₂-eq = the kg of gas emitted × its global-warming potential over 100 years (GWP100)."
            }
            Formula::Headcount => {
                "Quantity = FTE × number_of_unit_per_fte; kg = quantity × the emission factor (kg per unit). One row per factor of the headcount category."
            }
            Formula::Override => "The kg was given with the entry (kg_co2eq): it replaces the formula.",
            Formula::ShareOfLastYear => {
                "kg = percentage_of_last_year ÷ 100 × the kg of the matching entry in the prior-year report."
            }
        }
    }

    /// The formula in words, in French.
    pub fn fr(self) -> &'static str {
        match self {
            Formula::Equipment => {
                "kWh = (active_power_w × heures actives par semaine + standby_power_w × heures de veille par semaine) × 52 semaines ÷ 1000 ; kg = kWh × le facteur d’émission (kg CO₂-éq par kWh)."
            }
            Formula::Plane => {
                "km aller = la distance orthodromique entre les aéroports, arrondie, + 95 km ; km total = km aller × number_of_trips ; kg = km total × le facteur de la tranche de distance et de la classe (kg par km) × l’indice de forçage radiatif (RFI)."
            }
            Formula::Train => {
                "km aller = la distance orthodromique entre les gares, arrondie, × 1,2, arrondie ; km total = km aller × number_of_trips ; kg = km total × le facteur du pays (kg par km)."
            }
            Formula::RoomUse => {
                "kWh = la surface du local (m²) × le taux d’attribution × l’intensité du bâtiment pour cet usage (kWh par m²) ; kg = kWh × le facteur d’émission (kg par kWh)."
            }
            Formula::RoomHeating => {
                "kWh = la surface du local (m²) × le taux d’attribution × l’intensité de chauffage (kWh par m²) ; kg = kWh × le facteur d’émission (kg par kWh) × le facteur de conversion (la source de chaleur ramenée à l’électricité)."
            }
            Formula::Embodied => {
                "kg = la surface du local (m²) × le taux d’attribution × le facteur d’énergie grise du bâtiment (kg par m²)."
            }
            Formula::Combustion => {
                "kg = la quantité brûlée × le facteur d’émission du combustible (kg par kWh ou par kg)."
            }
            Formula::Purchase => {
                "EUR = le montant ÷ les unités de la devise par EUR (moyenne annuelle BCE de l’année) ; kg = EUR × le facteur exprimé par EUR × l’indice d’inflation de l’année."
            }
            Formula::AdditionalPurchase => {
                "Masse (kg) = annual_consumption × coef_to_kg ; kg CO₂-éq = masse × le facteur d’émission (kg CO₂-éq par kg)."
            }
            Formula::Facility => "kg = l’utilisation ÷ l’utilisation totale de la plateforme × son empreinte (kg).",
            Formula::Animal => {
                "kg = Σ sur les sources de la plateforme ayant une part et une empreinte de : l’utilisation × la part ÷ l’utilisation totale × l’empreinte de la source (kg)."
            }
            Formula::Cloud => {
                "EUR = le montant ÷ les unités de la devise par EUR ; kg = EUR × le facteur du fournisseur exprimé par EUR."
            }
            Formula::Ai => {
                "Requêtes = le milieu de la tranche journalière × 235 jours ouvrés × le nombre d’utilisateurs (fte_count) ; kg = requêtes × le facteur (kg par requête)."
            }
            Formula::Process => {
                "kg CO₂-éq = les kg de gaz émis × son potentiel de réchauffement global à 100 ans (PRG100)."
            }
            Formula::Headcount => {
                "Quantité = EPT × number_of_unit_per_fte ; kg = quantité × le facteur d’émission (kg par unité). Une ligne par facteur de la catégorie."
            }
            Formula::Override => "Le kg a été fourni avec la saisie (kg_co2eq) : il remplace la formule.",
            Formula::ShareOfLastYear => {
                "kg = percentage_of_last_year ÷ 100 × les kg de la saisie correspondante du rapport de l’année précédente."
            }
        }
    }
}

/// A default that stood in for a blank or unmatched input (the documented fallbacks of DOMAIN §5.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultRule {
    /// Blank usage hours: the equipment factor's default hours (DOMAIN §5.4).
    FactorHours,
    /// No train factor for the country: the Rest-of-World factor (DOMAIN §5.3).
    RestOfWorldTrain,
    /// No embodied-energy row for the building: the `default` building's (DOMAIN §5.6).
    DefaultBuilding,
    /// A blank facility footprint: the facility unit's own footprint of the year (DOMAIN §5.8).
    ComputedFacilitySum,
}

impl DefaultRule {
    /// Its key in the API and in stored explanations (`factor_hours`).
    pub fn key(self) -> String {
        json_name(self)
    }

    pub const ALL: [DefaultRule; 4] = [
        DefaultRule::FactorHours,
        DefaultRule::RestOfWorldTrain,
        DefaultRule::DefaultBuilding,
        DefaultRule::ComputedFacilitySum,
    ];

    /// Why the value was used, in English.
    pub fn en(self) -> &'static str {
        match self {
            DefaultRule::FactorHours => "left blank: the equipment factor's default hours",
            DefaultRule::RestOfWorldTrain => "no factor for the country this year: the Rest-of-World factor",
            DefaultRule::DefaultBuilding => "no embodied-energy factor for the building: the 'default' building's",
            DefaultRule::ComputedFacilitySum => {
                "no footprint in the factor: the facility unit's own footprint this year"
            }
        }
    }

    /// Why the value was used, in French.
    pub fn fr(self) -> &'static str {
        match self {
            DefaultRule::FactorHours => "laissé vide : les heures par défaut du facteur de l’équipement",
            DefaultRule::RestOfWorldTrain => "pas de facteur pour le pays cette année : le facteur « reste du monde »",
            DefaultRule::DefaultBuilding => {
                "pas de facteur d’énergie grise pour le bâtiment : celui du bâtiment « default »"
            }
            DefaultRule::ComputedFacilitySum => {
                "pas d’empreinte dans le facteur : l’empreinte propre de l’unité de la plateforme cette année"
            }
        }
    }
}

/// A number or a text that went into a formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TermValue {
    Number(f64),
    Text(String),
}

impl From<f64> for TermValue {
    fn from(v: f64) -> Self {
        TermValue::Number(v)
    }
}

impl From<i64> for TermValue {
    fn from(v: i64) -> Self {
        TermValue::Number(v as f64)
    }
}

impl From<&str> for TermValue {
    fn from(v: &str) -> Self {
        TermValue::Text(v.to_owned())
    }
}

impl From<String> for TermValue {
    fn from(v: String) -> Self {
        TermValue::Text(v)
    }
}

/// One value of a formula: a column of the entry or of the factor, or an intermediate result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub name: String,
    pub value: TermValue,
    /// The unit of the value; empty for a pure number or a text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

/// A value the engine used in place of the entry's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedDefault {
    /// The input it stood in for (a template column).
    pub field: String,
    pub value: TermValue,
    pub rule: DefaultRule,
}

/// How a row's kg came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub formula: Formula,
    #[serde(default)]
    pub terms: Vec<Term>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defaults: Vec<AppliedDefault>,
}

impl Explanation {
    /// An explanation of `formula`, terms to follow.
    pub fn of(formula: Formula) -> Self {
        Explanation { formula, terms: Vec::new(), defaults: Vec::new() }
    }

    /// The explanation of an override row: the given kg.
    pub fn overridden(kg: f64) -> Self {
        Explanation::of(Formula::Override).term("kg_co2eq", kg, "kg CO₂-eq")
    }

    /// Adds a value that went into the formula.
    #[must_use]
    pub fn term(mut self, name: &str, value: impl Into<TermValue>, unit: &str) -> Self {
        self.terms.push(Term { name: name.to_owned(), value: value.into(), unit: unit.to_owned() });
        self
    }

    /// Records that `field` took `value` by `rule` rather than from the entry.
    #[must_use]
    pub fn defaulted(mut self, field: &str, value: impl Into<TermValue>, rule: DefaultRule) -> Self {
        self.defaults.push(AppliedDefault { field: field.to_owned(), value: value.into(), rule });
        self
    }

    /// Records a default only when `applied`.
    #[must_use]
    pub fn defaulted_if(self, applied: bool, field: &str, value: impl Into<TermValue>, rule: DefaultRule) -> Self {
        if applied { self.defaulted(field, value, rule) } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_formula_and_default_reads_in_both_languages() {
        for f in Formula::ALL {
            assert!(f.en().len() > 20 && f.fr().len() > 20, "{f:?}");
            assert_ne!(f.en(), f.fr(), "{f:?}");
        }
        for r in DefaultRule::ALL {
            assert!(!r.en().is_empty() && !r.fr().is_empty() && r.en() != r.fr(), "{r:?}");
        }
    }

    #[test]
    fn an_explanation_round_trips_through_json_as_stored() {
        let e = Explanation::of(Formula::Equipment)
            .term("active_power_w", 100.0, "W")
            .term("equipment_class", "Power supplies", "")
            .defaulted("active_usage_hours_per_week", 40_i64, DefaultRule::FactorHours);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["formula"], "equipment");
        assert_eq!(json["terms"][0], serde_json::json!({"name": "active_power_w", "value": 100.0, "unit": "W"}));
        assert_eq!(json["terms"][1], serde_json::json!({"name": "equipment_class", "value": "Power supplies"}));
        assert_eq!(json["defaults"][0]["rule"], "factor_hours");
        assert_eq!(
            (Formula::RoomHeating.key(), DefaultRule::FactorHours.key()),
            ("room_heating".into(), "factor_hours".into())
        );
        assert_eq!(serde_json::from_value::<Explanation>(json).unwrap(), e);
    }
}
