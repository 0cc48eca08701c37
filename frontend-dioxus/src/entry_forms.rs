//! The form of each entry type of DOMAIN §2.1 (equipment has its own, with class pickers): fields in
//! template order with their labels, inputs and browser-side checks, the table columns, and the
//! draft a form edits. The server parses again with the domain crate; its 422 messages land on
//! the same field names.

use std::collections::BTreeMap;

use co2_api_types::{EntryInput, EntryView};

use crate::i18n::{Lang, Text};
use crate::model::FieldMessages;

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    Text,
    /// A decimal within bounds (inclusive).
    Decimal {
        min: f64,
        max: f64,
    },
    /// A whole number within bounds (inclusive).
    Integer {
        min: i64,
        max: i64,
    },
    /// `YYYY-MM-DD`.
    Date,
    /// One of fixed values: (value sent, label).
    Choice(&'static [(&'static str, Text)]),
    /// An IATA code, searched among airports.
    Airport,
    /// A station name, searched among stations; picking one fills `country_field`.
    Station {
        country_field: &'static str,
    },
    /// A building of the room reference.
    Building,
    /// A room of the chosen building; picking one fills the room type.
    Room,
    /// A value of the year's factors (classes, codes, fuels, facilities); picking one fills the
    /// empty fields the factor knows.
    FactorKey,
    /// The traveller: set by the server to the signed-in member for standard users.
    Traveller,
}

/// One field of a form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    /// The template column name, also the JSON key.
    pub name: &'static str,
    pub label: Text,
    pub input: Input,
    pub required: bool,
    /// The value a new entry starts with.
    pub default: &'static str,
    /// Shown as a column of the entries table.
    pub in_table: bool,
}

const fn field(name: &'static str, en: &'static str, fr: &'static str, input: Input) -> FieldSpec {
    FieldSpec { name, label: Text { en, fr }, input, required: false, default: "", in_table: false }
}

impl FieldSpec {
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn shown(mut self) -> Self {
        self.in_table = true;
        self
    }
    const fn default(mut self, value: &'static str) -> Self {
        self.default = value;
        self
    }
}

/// The form of one entry type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeForm {
    /// DET name.
    pub entry_type: &'static str,
    pub label: Text,
    pub fields: &'static [FieldSpec],
}

const NOTE: FieldSpec = field("note", "Note", "Remarque", Input::Text);
const DECIMAL: Input = Input::Decimal { min: 0.0, max: f64::MAX };
const TRIPS: FieldSpec = field("number_of_trips", "Trips", "Voyages", Input::Integer { min: 1, max: 100_000 })
    .required()
    .default("1")
    .shown();
const TRAVELLER: FieldSpec = field("user_institutional_id", "Traveller", "Voyageur", Input::Traveller).shown();
const DEPARTURE: FieldSpec = field("departure_date", "Departure date", "Date de départ", Input::Date).shown();

const SIUS: &[(&str, Text)] = &[
    ("51", Text { en: "51 · Professors", fr: "51 · Professeurs" }),
    ("52", Text { en: "52 · Other teaching staff", fr: "52 · Autres enseignants" }),
    ("53", Text { en: "53 · Scientific collaborators", fr: "53 · Collaborateurs scientifiques" }),
    ("54", Text { en: "54 · Assistants and PhD students", fr: "54 · Assistants et doctorants" }),
    ("56", Text { en: "56 · Managerial staff", fr: "56 · Personnel de direction" }),
    ("57", Text { en: "57 · Administrative staff", fr: "57 · Personnel administratif" }),
    ("58", Text { en: "58 · Support staff", fr: "58 · Personnel de soutien" }),
    ("59", Text { en: "59 · Operational staff", fr: "59 · Personnel d'exploitation" }),
];
const PLANE_CLASSES: &[(&str, Text)] = &[
    ("economy", Text { en: "Economy", fr: "Économique" }),
    ("business", Text { en: "Business", fr: "Affaires" }),
    ("first", Text { en: "First", fr: "Première" }),
];
const TRAIN_CLASSES: &[(&str, Text)] =
    &[("second", Text { en: "Second", fr: "Deuxième" }), ("first", Text { en: "First", fr: "Première" })];
const ROOM_TYPES: &[(&str, Text)] = &[
    ("office", Text { en: "Office", fr: "Bureau" }),
    ("laboratories", Text { en: "Laboratories", fr: "Laboratoires" }),
    ("archives", Text { en: "Archives", fr: "Archives" }),
    ("libraries", Text { en: "Libraries", fr: "Bibliothèques" }),
    ("auditoriums", Text { en: "Auditoriums", fr: "Auditoires" }),
    ("miscellaneous", Text { en: "Miscellaneous", fr: "Divers" }),
];
const PURCHASE_CURRENCIES: &[(&str, Text)] = &[
    ("chf", Text { en: "CHF", fr: "CHF" }),
    ("eur", Text { en: "EUR", fr: "EUR" }),
    ("usd", Text { en: "USD", fr: "USD" }),
    ("gbp", Text { en: "GBP", fr: "GBP" }),
    ("jpy", Text { en: "JPY", fr: "JPY" }),
    ("cny", Text { en: "CNY", fr: "CNY" }),
    ("cad", Text { en: "CAD", fr: "CAD" }),
    ("aud", Text { en: "AUD", fr: "AUD" }),
    ("sek", Text { en: "SEK", fr: "SEK" }),
];
const CLOUD_CURRENCIES: &[(&str, Text)] = &[
    ("eur", Text { en: "EUR", fr: "EUR" }),
    ("chf", Text { en: "CHF", fr: "CHF" }),
    ("usd", Text { en: "USD", fr: "USD" }),
];
const SERVICE_TYPES: &[(&str, Text)] = &[
    ("virtualisation", Text { en: "Virtualisation", fr: "Virtualisation" }),
    ("compute", Text { en: "Compute", fr: "Calcul" }),
    ("storage", Text { en: "Storage", fr: "Stockage" }),
];
const CLOUD_PROVIDERS: &[(&str, Text)] = &[
    ("AWS", Text { en: "AWS", fr: "AWS" }),
    ("GCP", Text { en: "GCP", fr: "GCP" }),
    ("Azure", Text { en: "Azure", fr: "Azure" }),
    ("OVH", Text { en: "OVH", fr: "OVH" }),
    ("Huawei", Text { en: "Huawei", fr: "Huawei" }),
    ("Alibaba Cloud", Text { en: "Alibaba Cloud", fr: "Alibaba Cloud" }),
    ("Wasabi", Text { en: "Wasabi", fr: "Wasabi" }),
    ("Other", Text { en: "Other", fr: "Autre" }),
];
const AI_PROVIDERS: &[(&str, Text)] = &[
    ("ChatGPT (OpenAI)", Text { en: "ChatGPT (OpenAI)", fr: "ChatGPT (OpenAI)" }),
    ("Claude (Anthropic)", Text { en: "Claude (Anthropic)", fr: "Claude (Anthropic)" }),
    ("Gemini (Google)", Text { en: "Gemini (Google)", fr: "Gemini (Google)" }),
    ("Mistral AI", Text { en: "Mistral AI", fr: "Mistral AI" }),
    ("Copilot (Microsoft)", Text { en: "Copilot (Microsoft)", fr: "Copilot (Microsoft)" }),
    ("Copilot (GitHub)", Text { en: "Copilot (GitHub)", fr: "Copilot (GitHub)" }),
    ("Other", Text { en: "Other", fr: "Autre" }),
];
const USAGE_TYPES: &[(&str, Text)] = &[
    ("text", Text { en: "Text", fr: "Texte" }),
    ("code", Text { en: "Code", fr: "Code" }),
    ("image", Text { en: "Image", fr: "Image" }),
];
const REQUEST_RATES: &[(&str, Text)] = &[
    ("1_5", Text { en: "1–5 times a day", fr: "1 à 5 fois par jour" }),
    ("5_20", Text { en: "5–20 times a day", fr: "5 à 20 fois par jour" }),
    ("20_100", Text { en: "20–100 times a day", fr: "20 à 100 fois par jour" }),
    ("gt_100", Text { en: "More than 100 times a day", fr: "Plus de 100 fois par jour" }),
];
const GASES: &[(&str, Text)] = &[
    ("CO2", Text { en: "CO₂", fr: "CO₂" }),
    ("CH4", Text { en: "CH₄", fr: "CH₄" }),
    ("N2O", Text { en: "N₂O", fr: "N₂O" }),
    ("Refrigerant", Text { en: "Refrigerant", fr: "Réfrigérant" }),
];
const ANIMALS: &[(&str, Text)] =
    &[("mice", Text { en: "Mice", fr: "Souris" }), ("fish", Text { en: "Fish", fr: "Poissons" })];

const PURCHASE_FIELDS: &[FieldSpec] = &[
    field("name", "Name", "Nom", Input::Text).required().shown(),
    field("supplier", "Supplier", "Fournisseur", Input::Text).shown(),
    field("quantity", "Quantity", "Quantité", DECIMAL),
    field("total_spent_amount", "Amount spent", "Montant dépensé", DECIMAL).required().shown(),
    field("currency", "Currency", "Monnaie", Input::Choice(PURCHASE_CURRENCIES)).default("chf").shown(),
    field("purchase_institutional_code", "Purchase code (UNSPSC)", "Code d'achat (UNSPSC)", Input::FactorKey)
        .required()
        .shown(),
    field("purchase_additional_code", "Additional code (NACRES)", "Code complémentaire (NACRES)", Input::Text),
    field("purchase_institutional_description", "Description", "Description", Input::Text),
    NOTE,
];

const fn purchase(entry_type: &'static str, en: &'static str, fr: &'static str) -> TypeForm {
    TypeForm { entry_type, label: Text { en, fr }, fields: PURCHASE_FIELDS }
}

const FACILITY_ID: FieldSpec =
    field("researchfacility_id", "Facility id", "Identifiant de la plateforme", Input::FactorKey).required().shown();
const FACILITY_NAME: FieldSpec =
    field("researchfacility_name", "Facility", "Plateforme", Input::Text).required().shown();
const FACILITY_USE: FieldSpec = field("use", "Use", "Utilisation", DECIMAL).required().shown();
const FACILITY_UNIT: FieldSpec =
    field("use_unit", "Unit of use", "Unité d'utilisation", Input::Text).required().shown();

/// The forms of every module but equipment, by module key, in DOMAIN §1 order.
pub const FORMS: &[(&str, &[TypeForm])] = &[
    (
        "headcount",
        &[
            TypeForm {
                entry_type: "member",
                label: Text { en: "Members", fr: "Membres" },
                fields: &[
                    field("name", "Name", "Nom", Input::Text).required().shown(),
                    field("sius_code", "Staff category (SIUS)", "Catégorie de personnel (SIUS)", Input::Choice(SIUS))
                        .required()
                        .shown(),
                    field("user_institutional_id", "Institutional id", "Identifiant institutionnel", Input::Text)
                        .required()
                        .shown(),
                    field("fte", "FTE", "EPT", Input::Decimal { min: 0.0, max: 1.0 }).required().shown(),
                    NOTE,
                ],
            },
            TypeForm {
                entry_type: "student",
                label: Text { en: "Students", fr: "Étudiants" },
                fields: &[
                    field("fte", "Student FTE of the year", "EPT étudiants de l'année", DECIMAL).required().shown(),
                    NOTE,
                ],
            },
        ],
    ),
    (
        "professional_travel",
        &[
            TypeForm {
                entry_type: "plane",
                label: Text { en: "Plane", fr: "Avion" },
                fields: &[
                    field("origin_iata", "From (airport)", "De (aéroport)", Input::Airport).required().shown(),
                    field("destination_iata", "To (airport)", "À (aéroport)", Input::Airport).required().shown(),
                    TRAVELLER,
                    DEPARTURE,
                    TRIPS,
                    field("cabin_class", "Class", "Classe", Input::Choice(PLANE_CLASSES))
                        .required()
                        .default("economy")
                        .shown(),
                    NOTE,
                ],
            },
            TypeForm {
                entry_type: "train",
                label: Text { en: "Train", fr: "Train" },
                fields: &[
                    field(
                        "origin_name",
                        "From (station)",
                        "De (gare)",
                        Input::Station { country_field: "origin_country_code" },
                    )
                    .required()
                    .shown(),
                    field("origin_country_code", "Country (from)", "Pays (départ)", Input::Text).required(),
                    field(
                        "destination_name",
                        "To (station)",
                        "À (gare)",
                        Input::Station { country_field: "destination_country_code" },
                    )
                    .required()
                    .shown(),
                    field("destination_country_code", "Country (to)", "Pays (arrivée)", Input::Text).required(),
                    TRAVELLER,
                    DEPARTURE,
                    TRIPS,
                    field("cabin_class", "Class", "Classe", Input::Choice(TRAIN_CLASSES))
                        .required()
                        .default("second")
                        .shown(),
                    NOTE,
                ],
            },
        ],
    ),
    (
        "buildings",
        &[
            TypeForm {
                entry_type: "building",
                label: Text { en: "Rooms", fr: "Locaux" },
                fields: &[
                    field("building_name", "Building", "Bâtiment", Input::Building).required().shown(),
                    field("room_name", "Room", "Local", Input::Room).required().shown(),
                    field("room_type", "Room type", "Type de local", Input::Choice(ROOM_TYPES)).required().shown(),
                    field(
                        "room_allocation_ratio",
                        "Share used by the unit",
                        "Part utilisée par l'unité",
                        Input::Decimal { min: 0.0, max: 1.0 },
                    )
                    .default("1")
                    .shown(),
                    field("building_location", "Site", "Site", Input::Text),
                    NOTE,
                ],
            },
            TypeForm {
                entry_type: "energy_combustion",
                label: Text { en: "Combustion", fr: "Combustion" },
                fields: &[
                    field("name", "Fuel", "Combustible", Input::FactorKey).required().shown(),
                    field("unit", "Unit", "Unité", Input::Text).required().shown(),
                    field("quantity", "Quantity", "Quantité", DECIMAL).required().shown(),
                    NOTE,
                ],
            },
        ],
    ),
    (
        "purchase",
        &[
            purchase("scientific_equipment", "Scientific equipment", "Équipement scientifique"),
            purchase("it_equipment", "IT equipment", "Équipement informatique"),
            purchase("consumable_accessories", "Consumables and accessories", "Consommables et accessoires"),
            purchase(
                "biological_chemical_gaseous_product",
                "Biological, chemical and gaseous products",
                "Produits biologiques, chimiques et gazeux",
            ),
            purchase("services", "Services", "Services"),
            purchase("vehicles", "Vehicles", "Véhicules"),
            purchase("other_purchases", "Other purchases", "Autres achats"),
            TypeForm {
                entry_type: "additional_purchases",
                label: Text { en: "Additional (by mass)", fr: "Complémentaires (en masse)" },
                fields: &[
                    field("name", "Product", "Produit", Input::FactorKey).required().shown(),
                    field("unit", "Unit", "Unité", Input::Text).required().shown(),
                    field("annual_consumption", "Annual consumption", "Consommation annuelle", DECIMAL)
                        .required()
                        .shown(),
                    field("coef_to_kg", "kg per unit", "kg par unité", DECIMAL).required().shown(),
                    NOTE,
                ],
            },
        ],
    ),
    (
        "research_facilities",
        &[
            TypeForm {
                entry_type: "research_facilities",
                label: Text { en: "Facilities", fr: "Plateformes" },
                fields: &[FACILITY_ID, FACILITY_NAME, FACILITY_USE, FACILITY_UNIT, NOTE],
            },
            TypeForm {
                entry_type: "mice_and_fish_animal_facilities",
                label: Text { en: "Animal facilities", fr: "Animaleries" },
                fields: &[
                    FACILITY_ID,
                    FACILITY_NAME,
                    field("researchfacility_type", "Animals", "Animaux", Input::Choice(ANIMALS)).required().shown(),
                    FACILITY_USE,
                    FACILITY_UNIT,
                    NOTE,
                ],
            },
        ],
    ),
    (
        "external_cloud_and_ai",
        &[
            TypeForm {
                entry_type: "external_clouds",
                label: Text { en: "Cloud", fr: "Cloud" },
                fields: &[
                    field("service_type", "Service", "Service", Input::Choice(SERVICE_TYPES)).required().shown(),
                    field("provider", "Provider", "Fournisseur", Input::Choice(CLOUD_PROVIDERS)).required().shown(),
                    field("spent_amount", "Amount spent", "Montant dépensé", DECIMAL).required().shown(),
                    field("currency", "Currency", "Monnaie", Input::Choice(CLOUD_CURRENCIES)).default("eur").shown(),
                    NOTE,
                ],
            },
            TypeForm {
                entry_type: "external_ai",
                label: Text { en: "AI", fr: "IA" },
                fields: &[
                    field("provider", "Provider", "Fournisseur", Input::Choice(AI_PROVIDERS)).required().shown(),
                    field("usage_type", "Use", "Usage", Input::Choice(USAGE_TYPES)).required().shown(),
                    field(
                        "requests_per_user_per_day",
                        "Requests per person",
                        "Requêtes par personne",
                        Input::Choice(REQUEST_RATES),
                    )
                    .required()
                    .shown(),
                    field("fte_count", "FTE using it", "EPT utilisateurs", Input::Decimal { min: 0.1, max: f64::MAX })
                        .required()
                        .shown(),
                    NOTE,
                ],
            },
        ],
    ),
    (
        "process_emissions",
        &[TypeForm {
            entry_type: "process_emissions",
            label: Text { en: "Gas releases", fr: "Rejets de gaz" },
            fields: &[
                field("category", "Gas", "Gaz", Input::Choice(GASES)).required().shown(),
                field("subcategory", "Refrigerant or detail", "Réfrigérant ou précision", Input::FactorKey).shown(),
                field("quantity", "Quantity (kg)", "Quantité (kg)", DECIMAL).required().shown(),
                NOTE,
            ],
        }],
    ),
];

/// The forms of a module (empty for equipment, which has its own page, and unknown keys).
pub fn forms_of(module: &str) -> &'static [TypeForm] {
    FORMS.iter().find(|(m, _)| *m == module).map_or(&[], |(_, forms)| forms)
}

/// The form of an entry type.
pub fn form_of(entry_type: &str) -> Option<&'static TypeForm> {
    FORMS.iter().flat_map(|(_, forms)| forms.iter()).find(|f| f.entry_type == entry_type)
}

/// The label of an entry type, equipment's included (its DET name when unknown).
pub fn type_label(lang: Lang, entry_type: &str) -> String {
    // Embodied energy has no form: each room entry carries its companion.
    const EMBODIED: Text = Text { en: "Embodied energy", fr: "Énergie grise" };
    match form_of(entry_type) {
        Some(f) => f.label.get(lang).to_owned(),
        None if entry_type == "building_embodied_energy" => EMBODIED.get(lang).to_owned(),
        None => crate::model::equipment_type_label(lang, entry_type).to_owned(),
    }
}

/// The columns of a module's table: the union of its types' shown fields, in first-seen order.
pub fn table_fields(module: &str) -> Vec<&'static FieldSpec> {
    let mut out: Vec<&'static FieldSpec> = Vec::new();
    for form in forms_of(module) {
        for f in form.fields.iter().filter(|f| f.in_table) {
            if !out.iter().any(|o| o.name == f.name) {
                out.push(f);
            }
        }
    }
    out
}

/// What a form edits: an entry type and its fields as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub entry_type: String,
    pub values: BTreeMap<String, String>,
}

impl Draft {
    /// A new entry of `form`, with its defaults.
    pub fn new(form: &TypeForm) -> Self {
        let values = form
            .fields
            .iter()
            .filter(|f| !f.default.is_empty())
            .map(|f| (f.name.to_owned(), f.default.to_owned()))
            .collect();
        Draft { entry_type: form.entry_type.to_owned(), values }
    }

    /// An existing entry's fields.
    pub fn from_entry(entry: &EntryView) -> Self {
        let values = match &entry.data {
            serde_json::Value::Object(map) => map
                .iter()
                .filter_map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Number(n) => n.to_string(),
                        serde_json::Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((k.clone(), text))
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        Draft { entry_type: entry.entry_type.clone(), values }
    }

    pub fn get(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    pub fn set(&mut self, field: &str, value: String) {
        self.values.insert(field.to_owned(), value);
    }

    /// The request body: the form's fields that hold text (the server coerces numbers).
    pub fn to_input(&self, form: &TypeForm) -> EntryInput {
        let data = form
            .fields
            .iter()
            .filter_map(|f| {
                let v = self.get(f.name).trim();
                (!v.is_empty()).then(|| (f.name.to_owned(), serde_json::Value::String(v.to_owned())))
            })
            .collect();
        EntryInput { entry_type: self.entry_type.clone(), data }
    }

    /// The browser-side checks: required fields, numbers and their bounds, dates, choices. The
    /// traveller is never required here (the server fills it for members).
    pub fn validate(&self, form: &TypeForm, lang: Lang) -> FieldMessages {
        let mut out = FieldMessages::new();
        for f in form.fields {
            let value = self.get(f.name).trim();
            if value.is_empty() {
                if f.required && f.input != Input::Traveller {
                    out.entry(f.name.to_owned()).or_default().push(crate::text::REQUIRED_FIELD.get(lang).to_owned());
                }
                continue;
            }
            let problem = match f.input {
                Input::Decimal { min, max } => match co2_domain::fields::parse_decimal(value) {
                    None => Some(crate::text::NOT_A_NUMBER.get(lang).to_owned()),
                    Some(v) if v < min || v > max => Some(crate::text::number_between(lang, min, max)),
                    Some(_) => None,
                },
                Input::Integer { min, max } => match co2_domain::fields::parse_integer(value) {
                    None => Some(crate::text::NOT_A_WHOLE_NUMBER.get(lang).to_owned()),
                    Some(v) if v < min || v > max => Some(crate::text::number_between(lang, min as f64, max as f64)),
                    Some(_) => None,
                },
                Input::Date => (!is_iso_date(value)).then(|| crate::text::NOT_A_DATE.get(lang).to_owned()),
                Input::Choice(choices) => {
                    (!choices.iter().any(|(v, _)| *v == value)).then(|| crate::text::NOT_A_CHOICE.get(lang).to_owned())
                }
                Input::Airport => (value.len() != 3 || !value.chars().all(|c| c.is_ascii_alphabetic()))
                    .then(|| crate::text::NOT_AN_IATA_CODE.get(lang).to_owned()),
                _ => None,
            };
            if let Some(p) = problem {
                out.entry(f.name.to_owned()).or_default().push(p);
            }
        }
        out
    }

    /// Fills the empty fields of `form` that a picked factor choice knows (classification first,
    /// then values), leaving what the person typed alone.
    pub fn fill_from_choice(&mut self, form: &TypeForm, choice: &co2_api_types::FactorChoiceView) {
        for f in form.fields {
            if !self.get(f.name).trim().is_empty() {
                continue;
            }
            let known = choice.classification.get(f.name).or_else(|| choice.values.get(f.name));
            let text = match known {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            self.set(f.name, text);
        }
    }
}

/// `YYYY-MM-DD` with a plausible month and day (the server checks the calendar and the year).
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_but_equipment_has_forms_whose_fields_are_template_columns() {
        use co2_domain::Module;
        for module in Module::ALL {
            let forms = forms_of(module.key());
            if module == Module::Equipment {
                assert!(forms.is_empty());
                continue;
            }
            assert!(!forms.is_empty(), "{module:?}");
            for form in forms {
                let det = co2_domain::EntryType::parse_in(module, form.entry_type);
                let Some(det) = det else { panic!("{} is not a type of {module:?}", form.entry_type) };
                // Every field is a column of the type's template, and every column a file must
                // carry (but the unit, which the page knows) is a field the form requires.
                let template = co2_domain::catalogue::template_columns_of(det);
                for f in form.fields {
                    assert!(
                        template.contains(&f.name),
                        "{}.{} is not in its template {template:?}",
                        form.entry_type,
                        f.name
                    );
                }
                for column in co2_domain::catalogue::required_columns(module, Some(det)) {
                    if column == "unit_institutional_id" {
                        continue;
                    }
                    let field = form.fields.iter().find(|f| f.name == column);
                    assert!(
                        field.is_some_and(|f| f.required || f.input == Input::Traveller),
                        "{}: the form does not require {column}",
                        form.entry_type
                    );
                }
            }
            // Every type a person enters has its form (embodied energy follows its room).
            for det in module.entry_types().filter(|t| *t != co2_domain::EntryType::BuildingEmbodiedEnergy) {
                assert!(form_of(det.name()).is_some(), "{} has no form", det.name());
            }
        }
        // Equipment's own form edits its template's columns.
        for f in crate::model::EQUIPMENT_FIELDS {
            assert!(co2_domain::equipment::TEMPLATE_COLUMNS.contains(f));
        }
    }

    #[test]
    fn a_draft_checks_required_fields_numbers_dates_and_codes() {
        let plane = form_of("plane").unwrap();
        let mut d = Draft::new(plane);
        assert_eq!(d.get("number_of_trips"), "1");
        assert_eq!(d.get("cabin_class"), "economy");
        let problems = d.validate(plane, Lang::En);
        assert!(problems.contains_key("origin_iata") && problems.contains_key("destination_iata"));
        assert!(!problems.contains_key("user_institutional_id"), "the traveller is filled by the server");
        d.set("origin_iata", "GVA".into());
        d.set("destination_iata", "J1K".into());
        d.set("departure_date", "2025-13-01".into());
        d.set("number_of_trips", "0".into());
        let problems = d.validate(plane, Lang::En);
        assert_eq!(
            problems.keys().map(String::as_str).collect::<Vec<_>>(),
            ["departure_date", "destination_iata", "number_of_trips"]
        );
        d.set("destination_iata", "JFK".into());
        d.set("departure_date", "2025-03-14".into());
        d.set("number_of_trips", "2".into());
        assert!(d.validate(plane, Lang::En).is_empty());
        let input = d.to_input(plane);
        assert_eq!(input.entry_type, "plane");
        assert_eq!(input.data["origin_iata"], "GVA");
        assert!(!input.data.contains_key("note"), "empty fields are not sent");
    }

    #[test]
    fn a_picked_factor_fills_only_empty_fields() {
        let facility = form_of("research_facilities").unwrap();
        let mut d = Draft::new(facility);
        d.set("researchfacility_id", "F-1001".into());
        d.set("use_unit", "days".into());
        let choice = co2_api_types::FactorChoiceView {
            entry_type: "research_facilities".into(),
            classification: serde_json::json!({"researchfacility_id": "F-1001", "researchfacility_name": "CLEANROOM"})
                .as_object()
                .unwrap()
                .clone(),
            values: serde_json::json!({"use_unit": "hours", "total_use": 20000}).as_object().unwrap().clone(),
        };
        d.fill_from_choice(facility, &choice);
        assert_eq!(d.get("researchfacility_name"), "CLEANROOM");
        assert_eq!(d.get("use_unit"), "days", "what was typed stays");
        assert_eq!(d.get("use"), "", "a value that is not a field is not copied");
    }

    #[test]
    fn table_columns_are_the_union_of_the_types_shown_fields() {
        let names: Vec<&str> = table_fields("professional_travel").iter().map(|f| f.name).collect();
        assert_eq!(names[..2], ["origin_iata", "destination_iata"]);
        assert!(names.contains(&"origin_name") && names.contains(&"cabin_class"));
        assert_eq!(names.iter().filter(|n| **n == "cabin_class").count(), 1);
    }
}
