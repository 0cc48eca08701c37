//! The SPA's plain-Rust knowledge: the module catalogue of DOMAIN §1, permission checks on the session's
//! capability strings, and number formatting. No Dioxus and no I/O here, so it is unit-tested on the host.
//!
//! Permissions are only *displayed* from here; the server checks every route itself (DESIGN §7).

use std::collections::BTreeMap;

use crate::i18n::{Lang, Text};
use co2_api_types::{EntryInput, EntryView, ModuleStatus, Persona, RoleGrant, UnitSummary, YearSummary};

/// One of the 8 modules of a report, in DOMAIN §1 order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Module key of DOMAIN §1 (also the URL segment).
    pub key: &'static str,
    /// Position 1..=8.
    pub position: u8,
    /// Name shown to people.
    pub label: Text,
    /// One sentence on what the module covers.
    pub summary: Text,
}

/// The 8 modules, in DOMAIN §1 order.
pub const MODULES: [ModuleInfo; 8] = [
    ModuleInfo {
        key: "headcount",
        position: 1,
        label: Text { en: "Headcount", fr: "Effectif" },
        summary: Text {
            en: "Members and students of the unit, in full-time equivalents.",
            fr: "Membres et étudiants de l'unité, en équivalents plein temps.",
        },
    },
    ModuleInfo {
        key: "professional_travel",
        position: 2,
        label: Text { en: "Professional travel", fr: "Voyages professionnels" },
        summary: Text {
            en: "Business trips by plane and train.",
            fr: "Déplacements professionnels en avion et en train.",
        },
    },
    ModuleInfo {
        key: "buildings",
        position: 3,
        label: Text { en: "Buildings", fr: "Bâtiments" },
        summary: Text {
            en: "Rooms occupied by the unit and fuel burnt for heating.",
            fr: "Locaux occupés par l'unité et combustibles brûlés pour le chauffage.",
        },
    },
    ModuleInfo {
        key: "equipment",
        position: 4,
        label: Text { en: "Equipment", fr: "Équipement" },
        summary: Text {
            en: "Electricity used by scientific, IT and other equipment.",
            fr: "Électricité consommée par les équipements scientifiques, informatiques et autres.",
        },
    },
    ModuleInfo {
        key: "purchase",
        position: 5,
        label: Text { en: "Purchases", fr: "Achats" },
        summary: Text {
            en: "Goods and services bought during the year.",
            fr: "Biens et services achetés pendant l'année.",
        },
    },
    ModuleInfo {
        key: "research_facilities",
        position: 6,
        label: Text { en: "Research facilities", fr: "Plateformes de recherche" },
        summary: Text {
            en: "Use of shared research platforms and animal facilities.",
            fr: "Utilisation des plateformes de recherche partagées et des animaleries.",
        },
    },
    ModuleInfo {
        key: "external_cloud_and_ai",
        position: 7,
        label: Text { en: "External cloud & AI", fr: "Cloud externe et IA" },
        summary: Text {
            en: "Cloud services and generative-AI tools used by the unit.",
            fr: "Services cloud et outils d'IA générative utilisés par l'unité.",
        },
    },
    ModuleInfo {
        key: "process_emissions",
        position: 8,
        label: Text { en: "Process emissions", fr: "Émissions de procédés" },
        summary: Text {
            en: "Greenhouse gases released directly, such as refrigerants.",
            fr: "Gaz à effet de serre émis directement, comme les réfrigérants.",
        },
    },
];

/// The module of a key, if it is one of the 8.
pub fn module_info(key: &str) -> Option<&'static ModuleInfo> {
    MODULES.iter().find(|m| m.key == key)
}

/// A module's name in `lang` (its key when unknown).
pub fn module_label(lang: Lang, key: &str) -> String {
    module_info(key).map_or_else(|| key.to_owned(), |m| m.label.get(lang).to_owned())
}

/// Human label of a module status.
pub fn status_label(status: ModuleStatus) -> Text {
    match status {
        ModuleStatus::NotStarted => Text { en: "Not started", fr: "Pas commencé" },
        ModuleStatus::InProgress => Text { en: "In progress", fr: "En cours" },
        ModuleStatus::Validated => Text { en: "Validated", fr: "Validé" },
    }
}

/// Name of a chart category of DOMAIN §3 (its key when unknown).
pub fn category_label(lang: Lang, key: &str) -> String {
    use co2_domain::emission::Category;
    let Some(category) = Category::by_key(key) else { return key.to_owned() };
    let fr = match category {
        Category::ProcessEmissions => "Émissions de procédés",
        Category::BuildingsEnergyCombustion => "Bâtiments : combustion",
        Category::BuildingsRoom => "Bâtiments : locaux",
        Category::Equipment => "Équipement",
        Category::ExternalCloudAndAi => "Cloud externe et IA",
        Category::Purchases => "Achats",
        Category::ResearchFacilities => "Plateformes de recherche",
        Category::ProfessionalTravel => "Voyages professionnels",
        Category::Commuting => "Pendularité",
        Category::Food => "Alimentation",
        Category::Waste => "Déchets",
        Category::EmbodiedEnergy => "Énergie grise",
    };
    Text { en: category.label(), fr }.get(lang).to_owned()
}

/// CSS modifier of a module status badge.
pub fn status_class(status: ModuleStatus) -> &'static str {
    match status {
        ModuleStatus::NotStarted => "badge badge-neutral",
        ModuleStatus::InProgress => "badge badge-progress",
        ModuleStatus::Validated => "badge badge-done",
    }
}

/// Equipment categories (DOMAIN §1, DETs 10–12): key and label.
pub const EQUIPMENT_TYPES: [(&str, Text); 3] = [
    ("scientific", Text { en: "Scientific", fr: "Scientifique" }),
    ("it", Text { en: "IT", fr: "Informatique" }),
    ("other", Text { en: "Other", fr: "Autre" }),
];

/// Label of an equipment entry type; the key itself when unknown.
pub fn equipment_type_label(lang: Lang, key: &str) -> &str {
    EQUIPMENT_TYPES.iter().find(|(k, _)| *k == key).map_or(key, |(_, label)| label.get(lang))
}

/// The capabilities of the signed-in person, read from `SessionInfo.permissions`
/// (`unit:<id>:view|edit|manage`, `backoffice:reporting`, `backoffice:admin`).
#[derive(Debug, Clone, Copy)]
pub struct Permissions<'a>(pub &'a [String]);

/// Modules whose members fill their own rows (DOMAIN §7).
pub const OWN_ROWS_MODULES: [&str; 2] = ["professional_travel", "external_cloud_and_ai"];

impl Permissions<'_> {
    fn has(&self, wanted: &str) -> bool {
        self.0.iter().any(|p| p == wanted)
    }

    /// May manage (validate, export, team pages) the given unit.
    pub fn can_manage(&self, unit: &str) -> bool {
        self.has(&format!("unit:{unit}:manage"))
    }

    /// May manage at least one unit: the "Team" area is offered.
    pub fn can_manage_any_unit(&self) -> bool {
        self.0.iter().any(|p| p.starts_with("unit:") && p.ends_with(":manage"))
    }

    /// Units the person manages, in the order the server listed them.
    pub fn managed_units(&self) -> Vec<&str> {
        self.0.iter().filter_map(|p| p.strip_prefix("unit:")?.strip_suffix(":manage")).collect()
    }

    /// May create, edit and delete entries of the unit.
    pub fn can_edit(&self, unit: &str) -> bool {
        self.has(&format!("unit:{unit}:edit")) || self.can_manage(unit)
    }

    /// May add and change entries of `module` in the unit: its principal any module; a member
    /// their own trips and their own cloud & AI rows (DOMAIN §7; the server enforces the rows).
    pub fn can_edit_module(&self, unit: &str, module: &str) -> bool {
        self.can_edit(unit) || (self.has(&format!("unit:{unit}:view")) && OWN_ROWS_MODULES.contains(&module))
    }

    /// IT manager (back-office admin): data management, roles, tokens, audit.
    pub fn is_admin(&self) -> bool {
        self.has("backoffice:admin")
    }

    /// Back-office reporting (operators and admins).
    pub fn can_report(&self) -> bool {
        self.has("backoffice:reporting") || self.is_admin()
    }

    /// The "IT manager" area is offered.
    pub fn can_open_it_area(&self) -> bool {
        self.can_report()
    }
}

/// The four personas of the development sign-in, with what people call them.
pub const PERSONAS: [(Persona, Text, Text); 4] = [
    (
        Persona::Standard,
        Text { en: "Standard member", fr: "Membre" },
        Text {
            en: "Enters own travel and cloud use for the unit.",
            fr: "Saisit ses propres voyages et son usage du cloud pour l'unité.",
        },
    ),
    (
        Persona::Principal,
        Text { en: "Principal / team manager", fr: "Responsable d'unité" },
        Text {
            en: "Enters and validates all modules of the unit, manages the team.",
            fr: "Saisit et valide tous les modules de l'unité, gère l'équipe.",
        },
    ),
    (
        Persona::Backoffice,
        Text { en: "Back-office operator", fr: "Opérateur back-office" },
        Text { en: "Reports across the units of an affiliation.", fr: "Suit les unités d'une affiliation." },
    ),
    (
        Persona::Admin,
        Text { en: "IT manager / admin", fr: "Gestionnaire IT / admin" },
        Text {
            en: "Manages years, factors, reference data, roles and tokens.",
            fr: "Gère les années, les facteurs, les données de référence, les rôles et les jetons.",
        },
    ),
];

/// Short name of a persona / role.
pub fn persona_label(persona: Persona) -> Text {
    match persona {
        Persona::Standard => Text { en: "Member", fr: "Membre" },
        Persona::Principal => Text { en: "Team manager", fr: "Responsable d'unité" },
        Persona::Backoffice => Text { en: "Back-office operator", fr: "Opérateur back-office" },
        Persona::Admin => Text { en: "IT manager", fr: "Gestionnaire IT" },
    }
}

/// One line describing the person's roles, strongest first: `Team manager · 9001`.
pub fn roles_summary(lang: Lang, roles: &[RoleGrant]) -> String {
    fn rank(p: Persona) -> u8 {
        match p {
            Persona::Admin => 0,
            Persona::Backoffice => 1,
            Persona::Principal => 2,
            Persona::Standard => 3,
        }
    }
    let mut sorted: Vec<&RoleGrant> = roles.iter().collect();
    sorted.sort_by_key(|r| rank(r.role));
    let parts: Vec<String> = sorted
        .iter()
        .map(|r| match &r.unit {
            Some(unit) => format!("{} · {unit}", persona_label(r.role).get(lang)),
            None => persona_label(r.role).get(lang).to_owned(),
        })
        .collect();
    if parts.is_empty() { Text { en: "No role", fr: "Aucun rôle" }.get(lang).to_owned() } else { parts.join(", ") }
}

/// The unit to open first: the remembered one if still visible, else the first unit where the person
/// has a role, else the first unit listed.
pub fn pick_default_unit<'a>(units: &'a [UnitSummary], remembered: Option<&str>) -> Option<&'a str> {
    remembered
        .and_then(|r| units.iter().find(|u| u.institutional_id == r))
        .or_else(|| units.iter().find(|u| u.my_role.is_some()))
        .or_else(|| units.first())
        .map(|u| u.institutional_id.as_str())
}

/// The year to open first: the latest open year, else the latest year.
pub fn pick_default_year(years: &[YearSummary]) -> Option<i32> {
    years.iter().filter(|y| y.is_open).map(|y| y.year).max().or_else(|| years.iter().map(|y| y.year).max())
}

/// Field → messages, as shown next to form fields.
pub type FieldMessages = BTreeMap<String, Vec<String>>;

/// Longest week, in hours: the bound of DOMAIN §2.1 on active + standby usage.
pub const HOURS_PER_WEEK: u32 = 168;

/// The equipment form (DOMAIN §2.1, DETs 10–12) as typed by a person: strings, so that what was
/// typed survives a failed validation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EquipmentDraft {
    /// `scientific`, `it` or `other`.
    pub entry_type: String,
    pub equipment_id: String,
    pub name: String,
    pub equipment_class: String,
    pub sub_class: String,
    pub active_usage_hours_per_week: String,
    pub standby_usage_hours_per_week: String,
    pub note: String,
}

/// The data keys the equipment form edits: the template's input columns (DOMAIN §2.1), before
/// the override, routing and unit columns.
pub const EQUIPMENT_FIELDS: &[&str] = co2_domain::equipment::TEMPLATE_COLUMNS.split_at(7).0;

/// A domain message ("is required") as a sentence next to its field ("Is required.").
/// A field problem for people: in English the domain's message as a sentence; in French the
/// text of its code (the domain writes English), or the message when the code is not known.
pub fn field_message(lang: Lang, code: &str, message: &str) -> String {
    match (lang, crate::text::field_problem(code)) {
        (Lang::Fr, Some(text)) => text.fr.to_owned(),
        _ => sentence(message),
    }
}

fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    let rest: String = chars.collect();
    if rest.ends_with('.') { format!("{first}{rest}") } else { format!("{first}{rest}.") }
}

/// A field of an entry's `data` as display text (strings as is, numbers printed, null as empty).
pub fn data_text(data: &serde_json::Value, key: &str) -> String {
    match data.get(key) {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

impl EquipmentDraft {
    /// An empty form for a new entry of the given type.
    pub fn new(entry_type: &str) -> Self {
        Self { entry_type: entry_type.to_owned(), ..Self::default() }
    }

    /// The form filled from a stored entry, for editing.
    pub fn from_entry(entry: &EntryView) -> Self {
        let d = &entry.data;
        Self {
            entry_type: entry.entry_type.clone(),
            equipment_id: data_text(d, "equipment_id"),
            name: data_text(d, "name"),
            equipment_class: data_text(d, "equipment_class"),
            sub_class: data_text(d, "sub_class"),
            active_usage_hours_per_week: data_text(d, "active_usage_hours_per_week"),
            standby_usage_hours_per_week: data_text(d, "standby_usage_hours_per_week"),
            note: data_text(d, "note"),
        }
    }

    /// Checks what can be checked without the year's factors, with the very rules the server
    /// applies (`co2_domain`), so people get instant feedback. The server validates again and has
    /// the last word (unknown classes, for instance).
    pub fn validate(&self, lang: Lang) -> FieldMessages {
        let mut errors = FieldMessages::new();
        let Some(category) = co2_domain::equipment::EquipmentCategory::parse(&self.entry_type) else {
            errors.entry("entry_type".to_owned()).or_default().push(crate::text::NOT_A_CHOICE.get(lang).to_owned());
            return errors;
        };
        let raw: co2_domain::fields::RawFields = self
            .to_input()
            .data
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect();
        if let Err(problems) = co2_domain::equipment::EquipmentInput::parse(&raw, Some(category)) {
            for p in problems.0 {
                errors.entry(p.field).or_default().push(field_message(lang, p.code, &p.message));
            }
        }
        errors
    }

    /// The request body. Blank fields are sent as empty strings, which the API reads as "missing"
    /// (DOMAIN §2.1): blank hours take the factor's default. Hours that parse are sent as numbers.
    pub fn to_input(&self) -> EntryInput {
        let mut data = serde_json::Map::new();
        let text = |s: &str| serde_json::Value::String(s.trim().to_owned());
        data.insert("equipment_id".into(), text(&self.equipment_id));
        data.insert("name".into(), text(&self.name));
        data.insert("equipment_class".into(), text(&self.equipment_class));
        data.insert("sub_class".into(), text(&self.sub_class));
        for (key, value) in [
            ("active_usage_hours_per_week", &self.active_usage_hours_per_week),
            ("standby_usage_hours_per_week", &self.standby_usage_hours_per_week),
        ] {
            let v = match parse_hours(value) {
                Ok(Some(h)) => serde_json::Value::from(h),
                _ => text(value),
            };
            data.insert(key.into(), v);
        }
        data.insert("note".into(), text(&self.note));
        EntryInput { entry_type: self.entry_type.clone(), data }
    }
}

/// Blank → `Ok(None)`; a whole number in 0..=168 → `Ok(Some)`; anything else → `Err`.
fn parse_hours(value: &str) -> Result<Option<u32>, ()> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    // "40.0" from a spreadsheet is still a whole number.
    let parsed = v.parse::<u32>().ok().or_else(|| {
        let f = v.parse::<f64>().ok()?;
        // In range and whole, so the cast is exact.
        (f.fract() == 0.0 && (0.0..=f64::from(HOURS_PER_WEEK)).contains(&f)).then_some(f as u32)
    });
    match parsed {
        Some(h) if h <= HOURS_PER_WEEK => Ok(Some(h)),
        _ => Err(()),
    }
}

/// Groups the integer digits of a formatted number by thousands with `,`.
fn group_thousands(digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A number with two decimals and thousands separators: `5890.874` → `5,890.87`.
pub fn format_2dp(value: f64) -> String {
    let rounded = format!("{value:.2}");
    // `-0.00` reads as a sign error to people.
    if rounded == "-0.00" {
        return "0.00".to_owned();
    }
    group_thousands(&rounded)
}

/// Tonnes of CO₂e from kg, for headlines: `5890.87` kg → `5.89`.
///
/// Two decimals everywhere keeps small modules visible (0.35 t) and totals comparable; values that
/// would round to zero but are not zero say so instead of showing a misleading `0.00`.
pub fn format_tonnes(kg: f64) -> String {
    let t = kg / 1000.0;
    if t != 0.0 && t.abs() < 0.005 {
        return if t > 0.0 { "< 0.01" } else { "> -0.01" }.to_owned();
    }
    format_2dp(t)
}

/// `formatted` (an English-style number) written the way `lang` writes numbers: French groups
/// thousands with a narrow no-break space and uses a decimal comma (`5 890,87`).
pub fn in_lang(lang: Lang, formatted: &str) -> String {
    match lang {
        Lang::En => formatted.to_owned(),
        Lang::Fr => formatted
            .chars()
            .map(|c| match c {
                ',' => '\u{202f}',
                '.' => ',',
                c => c,
            })
            .collect(),
    }
}

/// [`format_tonnes`] in `lang`.
pub fn tonnes_in(lang: Lang, kg: f64) -> String {
    in_lang(lang, &format_tonnes(kg))
}

/// A value with `decimals` decimals and thousands separators, in `lang`.
pub fn number_in(lang: Lang, value: f64, decimals: usize) -> String {
    let rounded = format!("{value:.decimals$}");
    let rounded = if rounded.starts_with('-') && rounded.trim_start_matches(['-', '0', '.']).is_empty() {
        rounded[1..].to_owned()
    } else {
        rounded
    };
    in_lang(lang, &group_thousands(&rounded))
}

/// A value that went into a formula, exactly enough to check the arithmetic, in `lang`: whole
/// numbers grouped (`12,000`), others with up to four decimals (`0.2906`, `1.35`), and values
/// too small for that in full (`0.0000075`).
pub fn term_number(lang: Lang, value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value == value.trunc() && value.abs() < 1e15 {
        return number_in(lang, value, 0);
    }
    if value.abs() >= 0.01 {
        let fixed = format!("{value:.4}");
        let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
        return in_lang(lang, &group_thousands(trimmed));
    }
    in_lang(lang, &format!("{value}"))
}

/// A share (0..1) as a percentage with one decimal, in `lang`: `0.1234` → `12.3 %`.
pub fn percent_in(lang: Lang, share: f64) -> String {
    format!("{} %", number_in(lang, share * 100.0, 1))
}

/// kg CO₂e of one entry, for tables: `346.2231` → `346.22`.
pub fn format_kg(kg: f64) -> String {
    format_2dp(kg)
}

/// `x/8` progress string of a report, as a (validated, total) pair when it parses.
pub fn parse_progress(progress: &str) -> Option<(u32, u32)> {
    let (done, total) = progress.split_once('/')?;
    Some((done.trim().parse().ok()?, total.trim().parse().ok()?))
}

/// Percentage (0..=100) of a job's progress (0..=1), clamped.
pub fn progress_percent(progress: f64) -> u32 {
    if progress.is_nan() {
        return 0;
    }
    // Clamped to 0..=100 first, so the cast cannot truncate.
    (progress.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// Number of pages for `total` items at `per_page` a page (at least 1).
pub fn page_count(total: i64, per_page: u32) -> u32 {
    if per_page == 0 || total <= 0 {
        return 1;
    }
    let pages = (total as u64).div_ceil(u64::from(per_page));
    u32::try_from(pages).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_classes_and_counts_read_in_both_languages() {
        use crate::text::{entries_count, quality_advice, quality_class};
        assert_eq!(entries_count(Lang::En, 1), "1 entry");
        assert_eq!(entries_count(Lang::Fr, 16), "16 saisies");
        for key in ["measured", "activity_based", "spend_based", "default_filled", "overridden", "incomplete"] {
            let label = quality_class(key);
            assert!(!label.en.is_empty() && label.en != label.fr, "{key}");
        }
        assert_eq!(quality_class("default_filled").get(Lang::Fr), "Complété par défaut");
        for key in ["fill_blank_inputs", "use_activity_data", "measure_activity", "document_given_kg", "refine_factor"]
        {
            assert!(quality_advice(key).en != quality_advice("refine_factor").en || key == "refine_factor", "{key}");
        }
    }

    #[test]
    fn the_values_of_a_formula_are_shown_exactly_enough_to_check_it() {
        assert_eq!(term_number(Lang::En, 12000.0), "12,000");
        assert_eq!(term_number(Lang::Fr, 12000.0), "12\u{202f}000");
        assert_eq!(term_number(Lang::En, 0.2906), "0.2906");
        assert_eq!(term_number(Lang::Fr, 1.35), "1,35");
        assert_eq!(term_number(Lang::En, 2366.12345), "2,366.1235");
        assert_eq!(term_number(Lang::En, 0.0000075), "0.0000075");
        assert_eq!(term_number(Lang::Fr, 0.0000075), "0,0000075");
    }

    #[test]
    fn numbers_are_written_the_way_each_language_writes_them() {
        assert_eq!(tonnes_in(Lang::En, 5_890_874.0), "5,890.87");
        assert_eq!(tonnes_in(Lang::Fr, 5_890_874.0), "5\u{202f}890,87");
        assert_eq!(tonnes_in(Lang::Fr, 1.0), "< 0,01");
        assert_eq!(number_in(Lang::En, 1234567.891, 0), "1,234,568");
        assert_eq!(number_in(Lang::En, -0.04, 1), "0.0");
        assert_eq!(percent_in(Lang::Fr, 0.1234), "12,3 %");
        assert_eq!(crate::text::percent_change(Lang::Fr, 1234.56, 2024), "+1\u{202f}234,6 % par rapport à 2024");
        assert_eq!(crate::text::percent_change(Lang::En, -3.04, 2024), "-3.0 % on 2024");
        assert_eq!(category_label(Lang::Fr, "buildings_room"), "Bâtiments : locaux");
        assert_eq!(category_label(Lang::En, "equipment"), "Equipment");
        assert_eq!(category_label(Lang::En, "nonsense"), "nonsense");
    }

    fn perms(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_catalogue_lists_the_eight_modules_in_domain_order() {
        let keys: Vec<_> = MODULES.iter().map(|m| m.key).collect();
        assert_eq!(
            keys,
            [
                "headcount",
                "professional_travel",
                "buildings",
                "equipment",
                "purchase",
                "research_facilities",
                "external_cloud_and_ai",
                "process_emissions"
            ]
        );
        assert!(MODULES.iter().enumerate().all(|(i, m)| usize::from(m.position) == i + 1));
    }

    #[test]
    fn the_equipment_headline_of_the_demo_lab_reads_5_89_tonnes() {
        assert_eq!(format_tonnes(5_890.87), "5.89");
    }

    #[test]
    fn tonnes_are_grouped_by_thousands_and_tiny_values_are_not_shown_as_zero() {
        assert_eq!(format_tonnes(137_309_020.0), "137,309.02");
        assert_eq!(format_tonnes(0.0), "0.00");
        assert_eq!(format_tonnes(3.0), "< 0.01");
        assert_eq!(format_tonnes(-0.001), "> -0.01");
        assert_eq!(format_kg(-1234.5), "-1,234.50");
        assert_eq!(format_kg(-0.001), "0.00");
    }

    #[test]
    fn a_principal_manages_only_the_units_named_in_the_permissions() {
        let list = perms(&["unit:9001:view", "unit:9001:edit", "unit:9001:manage"]);
        let p = Permissions(&list);
        assert!(p.can_manage("9001"));
        assert!(!p.can_manage("900"));
        assert!(p.can_manage_any_unit());
        assert_eq!(p.managed_units(), ["9001"]);
        assert!(!p.can_open_it_area());
    }

    #[test]
    fn a_standard_member_sees_neither_the_team_nor_the_it_area() {
        let list = perms(&["unit:9001:view", "unit:9001:edit"]);
        let p = Permissions(&list);
        assert!(p.can_edit("9001"));
        assert!(!p.can_manage_any_unit());
        assert!(!p.can_open_it_area());
    }

    #[test]
    fn back_office_reporting_opens_the_it_area_but_not_data_management() {
        let list = perms(&["backoffice:reporting"]);
        let p = Permissions(&list);
        assert!(p.can_open_it_area());
        assert!(!p.is_admin());
        let list = perms(&["backoffice:admin"]);
        assert!(Permissions(&list).can_report());
    }

    #[test]
    fn progress_and_pages_are_bounded() {
        assert_eq!(parse_progress("3/8"), Some((3, 8)));
        assert_eq!(parse_progress("x"), None);
        assert_eq!(progress_percent(1.7), 100);
        assert_eq!(progress_percent(f64::NAN), 0);
        assert_eq!(progress_percent(0.424), 42);
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(41, 50), 1);
        assert_eq!(page_count(101, 50), 3);
    }

    #[test]
    fn an_equipment_draft_checks_required_fields_and_the_168_hour_week() {
        let mut d = EquipmentDraft::new("scientific");
        let errors = d.validate(Lang::En);
        assert!(errors.contains_key("equipment_id"));
        assert!(errors.contains_key("name"));
        assert!(errors.contains_key("equipment_class"));
        d.equipment_id = "SCI-1".into();
        d.name = "Ultracentrifuge".into();
        d.equipment_class = "Centrifugation".into();
        d.active_usage_hours_per_week = "40".into();
        d.standby_usage_hours_per_week = "129".into();
        assert_eq!(d.validate(Lang::En).keys().collect::<Vec<_>>(), ["standby_usage_hours_per_week"]);
        // The domain's check, said in French.
        assert_eq!(
            d.validate(Lang::Fr)["standby_usage_hours_per_week"],
            ["Les heures actives et en veille dépassent les 168 heures d'une semaine."]
        );
        d.standby_usage_hours_per_week = "128".into();
        assert!(d.validate(Lang::En).is_empty());
        d.active_usage_hours_per_week = "4x".into();
        assert!(d.validate(Lang::En).contains_key("active_usage_hours_per_week"));
    }

    #[test]
    fn an_equipment_draft_sends_hours_as_numbers_and_blanks_as_empty_strings() {
        let mut d = EquipmentDraft::new("it");
        d.equipment_id = " IT-7 ".into();
        d.active_usage_hours_per_week = "40.0".into();
        let input = d.to_input();
        assert_eq!(input.entry_type, "it");
        assert_eq!(input.data["equipment_id"], "IT-7");
        assert_eq!(input.data["active_usage_hours_per_week"], 40);
        assert_eq!(input.data["standby_usage_hours_per_week"], "");
        assert_eq!(input.data.len(), EQUIPMENT_FIELDS.len());
    }

    #[test]
    fn the_first_report_opened_is_the_latest_open_year_of_the_own_unit() {
        let y = |year, is_open| YearSummary {
            year,
            is_open,
            goal: None,
            disabled_modules: Vec::new(),
            disabled_entry_types: Vec::new(),
            central_entry_types: Vec::new(),
            deadline: None,
        };
        let years = [y(2024, true), y(2026, false), y(2025, true)];
        assert_eq!(pick_default_year(&years), Some(2025));
        assert_eq!(pick_default_year(&years[1..2]), Some(2026));
        assert_eq!(pick_default_year(&[]), None);
        let units = [
            UnitSummary { institutional_id: "10".into(), name: "Faculty".into(), parent: None, my_role: None },
            UnitSummary {
                institutional_id: "9001".into(),
                name: "Lab".into(),
                parent: Some("10".into()),
                my_role: Some(Persona::Principal),
            },
        ];
        assert_eq!(pick_default_unit(&units, None), Some("9001"));
        assert_eq!(pick_default_unit(&units, Some("10")), Some("10"));
        assert_eq!(pick_default_unit(&units, Some("nope")), Some("9001"));
    }

    #[test]
    fn roles_read_strongest_first() {
        let roles = [
            RoleGrant { role: Persona::Standard, unit: Some("9001".into()) },
            RoleGrant { role: Persona::Admin, unit: None },
        ];
        assert_eq!(roles_summary(Lang::En, &roles), "IT manager, Member · 9001");
        assert_eq!(roles_summary(Lang::Fr, &roles), "Gestionnaire IT, Membre · 9001");
        assert_eq!(Persona::parse("principal"), Some(Persona::Principal));
    }
}
