//! Report totals of DOMAIN §6.3: module headlines and scope splits, the core total and
//! `total_with_additional`, FTE ratios, the car-km equivalent, year over year, the IT focus and
//! the breakdown by chart category.
//!
//! Works on leaf rows only (roll-ups are computed here, never stored and never summed, §3), each
//! tagged with its module; the statuses of the report's modules decide what counts.

use crate::emission::{Category, EmissionType, LEAVES, Scope};
use crate::module::Module;
#[cfg(test)]
use crate::{emission::Computation, fields::RawFields};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// kg CO₂e of one km by car, the divisor of the car-km equivalent (DOMAIN §6.3).
pub const CAR_KG_PER_KM: f64 = 0.2996;

// The one status type the engine, the database (its stored code, the discriminant) and the API
// (its snake_case name) share.
/// Module status of DOMAIN §6.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[repr(i16)]
pub enum ModuleStatus {
    #[default]
    NotStarted = 0,
    InProgress = 1,
    Validated = 2,
}

impl ModuleStatus {
    /// The stored code: 0, 1 or 2.
    pub fn code(self) -> i16 {
        self as i16
    }

    /// The status of a stored code.
    pub fn from_code(code: i16) -> Option<Self> {
        match code {
            0 => Some(Self::NotStarted),
            1 => Some(Self::InProgress),
            2 => Some(Self::Validated),
            _ => None,
        }
    }
}

/// A stored status code that names no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a module status code (0, 1 or 2)")]
pub struct UnknownStatusCode(pub i16);

/// How the database's code is read into the type (`#[sqlx(try_from = "i16")]`).
impl TryFrom<i16> for ModuleStatus {
    type Error = UnknownStatusCode;

    fn try_from(code: i16) -> Result<Self, Self::Error> {
        ModuleStatus::from_code(code).ok_or(UnknownStatusCode(code))
    }
}

/// One stored emission row (a leaf), tagged with the module of its entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaggedRow {
    pub module: Module,
    pub emission_type: EmissionType,
    pub kg_co2eq: f64,
}

/// What a report's totals are computed from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportSnapshot {
    /// Status of each module; a module not listed is NOT_STARTED.
    pub statuses: BTreeMap<Module, ModuleStatus>,
    /// Every leaf row of the report.
    pub rows: Vec<TaggedRow>,
    /// Σ fte of the headcount module's members and its student row (see `headcount::total_fte`).
    pub headcount_fte: f64,
    /// kg of IT equipment and IT purchases by class, for the IT focus breakdown.
    pub it_classes: Vec<ItClassRow>,
}

/// Where an IT class comes from (DOMAIN §6.3: "top-3 classes plus rest for IT equipment and IT
/// purchases").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItClassSource {
    /// DET 11: the class is the entry's `equipment_class` (e.g. Laptop).
    Equipment,
    /// DET 61: the class is the entry's UNSPSC code, a UNSPSC "class" (e.g. 43211500 Computers).
    Purchases,
}

impl ItClassSource {
    /// The module whose status decides whether the class counts.
    pub fn module(self) -> Module {
        match self {
            ItClassSource::Equipment => Module::Equipment,
            ItClassSource::Purchases => Module::Purchase,
        }
    }
}

/// kg of one IT class of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ItClassRow {
    pub source: ItClassSource,
    /// The class key: an equipment class or a UNSPSC code.
    pub class: String,
    /// A readable name when one is known (a UNSPSC description).
    pub label: Option<String>,
    pub kg: f64,
}

impl ReportSnapshot {
    /// The status of `module` (NOT_STARTED when unknown).
    pub fn status(&self, module: Module) -> ModuleStatus {
        self.statuses.get(&module).copied().unwrap_or_default()
    }
}

/// Which modules feed the report figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// DOMAIN §6.3: "Σ of headlines over **validated** modules" (results pages, reporting).
    #[default]
    ValidatedModules,
    /// "all modules count in the Explore simulator".
    AllModules,
}

/// Options of a totals request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TotalsOptions {
    pub basis: Basis,
    /// DOMAIN §6.3: "`exclude_modules` removes modules from every figure".
    pub exclude_modules: BTreeSet<Module>,
}

/// kg per scope.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ScopeSplit {
    pub scope1_kg: f64,
    pub scope2_kg: f64,
    pub scope3_kg: f64,
}

impl ScopeSplit {
    fn add(&mut self, scope: Scope, kg: f64) {
        match scope {
            Scope::S1 => self.scope1_kg += kg,
            Scope::S2 => self.scope2_kg += kg,
            Scope::S3 => self.scope3_kg += kg,
        }
    }

    /// Σ of the three scopes.
    pub fn total(&self) -> f64 {
        self.scope1_kg + self.scope2_kg + self.scope3_kg
    }
}

/// The figures of one module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleTotals {
    pub module: Module,
    pub status: ModuleStatus,
    /// DOMAIN §6.3: "Module headline = Σ of non-additional rows" (0 for headcount).
    pub headline_kg: f64,
    /// "Scope splits follow the same rule": non-additional rows only.
    pub scopes: ScopeSplit,
    /// The module's additional-category rows, shown in their own section.
    pub additional_kg: f64,
    /// Whether the module feeds the report figures under the requested basis.
    pub counted: bool,
}

/// kg of one leaf.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeafTotal {
    pub leaf: EmissionType,
    pub kg: f64,
}

/// The kg of one chart category with its leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryTotal {
    pub category: Category,
    pub kg: f64,
    /// t ÷ FTE for this category; `None` when FTE = 0.
    pub t_per_fte: Option<f64>,
    /// Leaves with rows, in tree order.
    pub leaves: Vec<LeafTotal>,
}

/// The IT focus of DOMAIN §6.3.
#[derive(Debug, Clone, PartialEq)]
pub struct ItFocus {
    pub kg: f64,
    /// IT kg ÷ core kg; `None` when the core total is 0.
    pub share_of_core: Option<f64>,
    /// Leaves with rows, in tree order.
    pub leaves: Vec<LeafTotal>,
    /// IT equipment: the 3 heaviest classes and the rest.
    pub equipment_classes: ClassBreakdown,
    /// IT purchases: the 3 heaviest UNSPSC classes and the rest.
    pub purchase_classes: ClassBreakdown,
}

/// kg of one class in a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassKg {
    pub class: String,
    pub label: Option<String>,
    pub kg: f64,
}

/// The heaviest classes and the Σ of all others.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassBreakdown {
    /// At most [`IT_TOP_CLASSES`] classes, heaviest first (ties by class key).
    pub top: Vec<ClassKg>,
    /// Σ kg of the classes not in `top`.
    pub rest_kg: f64,
    /// How many classes `rest_kg` sums.
    pub rest_classes: usize,
}

/// How many classes the IT focus names before "rest" (DOMAIN §6.3).
pub const IT_TOP_CLASSES: usize = 3;

/// Groups rows by class (rows of the same class are summed; classes are matched exactly) and
/// keeps the `n` heaviest; the others are summed into "rest".
pub fn top_classes<'a>(rows: impl IntoIterator<Item = &'a ItClassRow>, n: usize) -> ClassBreakdown {
    let mut by_class: BTreeMap<&str, ClassKg> = BTreeMap::new();
    for r in rows {
        let c = by_class.entry(&r.class).or_insert_with(|| ClassKg { class: r.class.clone(), label: None, kg: 0.0 });
        c.kg += r.kg;
        if c.label.is_none() {
            c.label.clone_from(&r.label);
        }
    }
    let mut classes: Vec<ClassKg> = by_class.into_values().collect();
    // Heaviest first; the BTreeMap order makes ties deterministic (by class key).
    classes.sort_by(|a, b| b.kg.total_cmp(&a.kg));
    let rest = classes.split_off(n.min(classes.len()));
    ClassBreakdown { top: classes, rest_kg: rest.iter().map(|c| c.kg).sum(), rest_classes: rest.len() }
}

/// Every figure of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTotals {
    /// The modules not excluded, in DOMAIN §1 order.
    pub modules: Vec<ModuleTotals>,
    /// Σ of the headlines of counted modules (additional categories excluded).
    pub core_kg: f64,
    /// Scope split of the core total.
    pub scopes: ScopeSplit,
    /// The additional categories that count (see [`additional_gate`]).
    pub additional_kg: f64,
    /// [DEV] core + additional; the anchor mixes the two (§9 D15).
    pub total_with_additional_kg: f64,
    /// Σ member + student fte when the headcount module counts, else 0.
    pub fte: f64,
    /// Core t ÷ FTE; `None` when FTE = 0.
    pub t_per_fte: Option<f64>,
    /// Core kg ÷ 0.2996.
    pub car_km_equivalent: f64,
    pub it_focus: ItFocus,
    /// Every chart category, in chart order (core then additional).
    pub categories: Vec<CategoryTotal>,
}

/// The module whose validation shows an additional category.
///
/// DOMAIN §3: "Food, waste and commuting are shown only when headcount is validated; embodied
/// energy only when buildings is validated." `None` for core categories.
pub fn additional_gate(category: Category) -> Option<Module> {
    match category {
        Category::Food | Category::Waste | Category::Commuting => Some(Module::Headcount),
        Category::EmbodiedEnergy => Some(Module::Buildings),
        Category::ProcessEmissions
        | Category::BuildingsEnergyCombustion
        | Category::BuildingsRoom
        | Category::Equipment
        | Category::ExternalCloudAndAi
        | Category::Purchases
        | Category::ResearchFacilities
        | Category::ProfessionalTravel => None,
    }
}

/// Whether a leaf belongs to the IT focus.
///
/// DOMAIN §6.3: "equipment__it + purchases__it_equipment + all clouds and AI leaves +
/// research_facilities__it_facilities" — only that research-facility leaf (§9 D13).
pub fn is_it_focus(leaf: EmissionType) -> bool {
    matches!(leaf.key, "equipment__it" | "purchases__it_equipment" | "research_facilities__it_facilities")
        || leaf.key.starts_with("external__clouds__")
        || leaf.key.starts_with("external__ai__")
}

/// t ÷ FTE, `None` when FTE is 0 (DOMAIN §6.3).
pub fn tonnes_per_fte(kg: f64, fte: f64) -> Option<f64> {
    (fte > 0.0).then(|| kg / 1000.0 / fte)
}

/// The car-km equivalent of `kg` (DOMAIN §6.3: kg ÷ 0.2996).
pub fn car_km_equivalent(kg: f64) -> f64 {
    kg / CAR_KG_PER_KM
}

/// DOMAIN §6.3: "(cur − prev) ÷ prev × 100 … null if prev is 0 or missing".
pub fn year_over_year_percent(current: f64, previous: Option<f64>) -> Option<f64> {
    previous.filter(|p| *p != 0.0).map(|p| (current - p) / p * 100.0)
}

/// Year-over-year change of a report against the same unit's prior-year report, computed with
/// the same options.
#[derive(Debug, Clone, PartialEq)]
pub struct YearOverYear {
    pub core_percent: Option<f64>,
    /// Per module, in the current report's order.
    pub modules: Vec<(Module, Option<f64>)>,
}

/// Compares two reports' totals; `previous` is `None` when there is no prior-year report.
pub fn compare_years(current: &ReportTotals, previous: Option<&ReportTotals>) -> YearOverYear {
    let prev_module =
        |m: Module| previous.and_then(|p| p.modules.iter().find(|x| x.module == m)).map(|x| x.headline_kg);
    YearOverYear {
        core_percent: year_over_year_percent(current.core_kg, previous.map(|p| p.core_kg)),
        modules: current
            .modules
            .iter()
            .map(|m| (m.module, year_over_year_percent(m.headline_kg, prev_module(m.module))))
            .collect(),
    }
}

/// Computes every figure of a report (DOMAIN §6.3).
pub fn compute_totals(report: &ReportSnapshot, options: &TotalsOptions) -> ReportTotals {
    let in_basis = |m: Module| match options.basis {
        Basis::AllModules => true,
        Basis::ValidatedModules => report.status(m) == ModuleStatus::Validated,
    };
    let counted = |m: Module| !options.exclude_modules.contains(&m) && in_basis(m);

    let mut modules: BTreeMap<Module, ModuleTotals> = Module::ALL
        .into_iter()
        .filter(|m| !options.exclude_modules.contains(m))
        .map(|m| {
            let totals = ModuleTotals {
                module: m,
                status: report.status(m),
                headline_kg: 0.0,
                scopes: ScopeSplit::default(),
                additional_kg: 0.0,
                counted: counted(m),
            };
            (m, totals)
        })
        .collect();
    let mut scopes = ScopeSplit::default();
    let mut additional_kg = 0.0;
    let mut by_leaf: BTreeMap<u32, (EmissionType, f64)> = BTreeMap::new();

    for row in &report.rows {
        let Some(module) = modules.get_mut(&row.module) else { continue };
        let leaf = row.emission_type;
        if leaf.additional {
            module.additional_kg += row.kg_co2eq;
        } else {
            module.headline_kg += row.kg_co2eq;
            module.scopes.add(leaf.scope, row.kg_co2eq);
        }
        if !module.counted {
            continue;
        }
        if leaf.additional {
            // The gating module must count too, and is itself subject to `exclude_modules`.
            if !additional_gate(leaf.category).is_none_or(counted) {
                continue;
            }
            additional_kg += row.kg_co2eq;
        } else {
            scopes.add(leaf.scope, row.kg_co2eq);
        }
        by_leaf.entry(leaf.code).or_insert((leaf, 0.0)).1 += row.kg_co2eq;
    }

    // FTE is a denominator, not an emission figure: excluding the headcount module hides its
    // food, waste and commuting rows but keeps the per-FTE ratios meaningful.
    let fte = if in_basis(Module::Headcount) { report.headcount_fte } else { 0.0 };
    let core_kg = scopes.total();
    let leaves_in_tree_order = |keep: &dyn Fn(EmissionType) -> bool| -> Vec<LeafTotal> {
        LEAVES
            .iter()
            .copied()
            .filter(|l| keep(*l))
            .filter_map(|l| by_leaf.get(&l.code).map(|(leaf, kg)| LeafTotal { leaf: *leaf, kg: *kg }))
            .collect()
    };
    let categories = Category::ALL
        .into_iter()
        .map(|category| {
            let leaves = leaves_in_tree_order(&|l| l.category == category);
            let kg = leaves.iter().map(|l| l.kg).sum();
            CategoryTotal { category, kg, t_per_fte: tonnes_per_fte(kg, fte), leaves }
        })
        .collect();
    let it_leaves = leaves_in_tree_order(&|l| !l.additional && is_it_focus(l));
    let it_kg: f64 = it_leaves.iter().map(|l| l.kg).sum();
    let classes_of = |source: ItClassSource| {
        let rows = report.it_classes.iter().filter(|r| r.source == source && counted(source.module()));
        top_classes(rows, IT_TOP_CLASSES)
    };

    ReportTotals {
        modules: modules.into_values().collect(),
        core_kg,
        scopes,
        additional_kg,
        total_with_additional_kg: core_kg + additional_kg,
        fte,
        t_per_fte: tonnes_per_fte(core_kg, fte),
        car_km_equivalent: car_km_equivalent(core_kg),
        it_focus: ItFocus {
            kg: it_kg,
            share_of_core: (core_kg != 0.0).then(|| it_kg / core_kg),
            leaves: it_leaves,
            equipment_classes: classes_of(ItClassSource::Equipment),
            purchase_classes: classes_of(ItClassSource::Purchases),
        },
        categories,
    }
}

/// Reading the demo lab's data files and the 2025 oracle, shared by the modules' tests.
#[cfg(test)]
pub(crate) mod demo {
    use super::{BTreeMap, Computation, RawFields};

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/");

    /// A data file, by path under `data/`.
    pub fn read(path: &str) -> String {
        std::fs::read_to_string(format!("{DATA}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Records of a CSV text keyed by lower-cased header, each with the physical line it starts
    /// on (the header is line 1), as the oracle's `csv_line` counts them.
    pub fn records(text: &str) -> Vec<(u64, RawFields)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut records = Vec::new();
        let (mut line, mut start_line) = (1u64, 1u64);
        let (mut field, mut fields, mut quoted) = (String::new(), Vec::new(), false);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                '\r' if !quoted => {}
                '\n' if !quoted => {
                    fields.push(std::mem::take(&mut field));
                    records.push((start_line, std::mem::take(&mut fields)));
                    line += 1;
                    start_line = line;
                }
                c => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
        }
        if !field.is_empty() || !fields.is_empty() {
            fields.push(field);
            records.push((start_line, fields));
        }
        let mut records = records.into_iter().filter(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty()));
        let header: Vec<String> = records.next().map(|(_, h)| h).unwrap_or_default();
        let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        records.map(|(line, cells)| (line, header.iter().cloned().zip(cells).collect())).collect()
    }

    /// The records of a demo entry file.
    pub fn entries(file: &str) -> Vec<(u64, RawFields)> {
        records(&read(&format!("demo/{file}")))
    }

    /// The records of a 2025 factor file, each with an id `file:line`.
    pub fn factor_records(file: &str) -> Vec<(String, RawFields)> {
        records(&read(&format!("factors/2025/{file}"))).into_iter().map(|(l, r)| (format!("{file}:{l}"), r)).collect()
    }

    /// units_per_eur of `currency` in 2025 from `reference/exchange_rates.csv`.
    pub fn units_per_eur_2025(currency: &str) -> Option<f64> {
        records(&read("reference/exchange_rates.csv"))
            .into_iter()
            .find(|(_, r)| r["year"] == "2025" && r["currency"].eq_ignore_ascii_case(currency))
            .map(|(_, r)| r["units_per_eur"].parse().unwrap())
    }

    /// One row of `expected_emissions_2025.csv`.
    #[derive(Debug, Clone)]
    pub struct Expected {
        pub module: String,
        pub leaf: String,
        pub scope: String,
        pub kg: f64,
        /// `None` on override rows.
        pub quantity: Option<f64>,
        pub unit: String,
    }

    /// The oracle rows, keyed by (file, csv_line).
    pub fn oracle() -> Vec<(String, u64, Expected)> {
        records(&read("demo/expected_emissions_2025.csv"))
            .into_iter()
            .map(|(_, r)| {
                let e = Expected {
                    module: r["module"].clone(),
                    leaf: r["emission_type"].clone(),
                    scope: r["scope"].clone(),
                    kg: r["kg_co2eq"].parse().unwrap(),
                    quantity: (!r["quantity"].is_empty()).then(|| r["quantity"].parse().unwrap()),
                    unit: r["quantity_unit"].clone(),
                };
                (r["file"].clone(), r["csv_line"].parse().unwrap(), e)
            })
            .collect()
    }

    /// The oracle's precision: relative 1e-6, or absolute 5e-5 for its 4-decimal rounding.
    pub fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 5e-5 || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
    }

    /// Every oracle row of `file` is matched by exactly one computed row (leaf, scope, kg,
    /// quantity, unit) on the same line, and no computed row is left over.
    pub fn assert_matches_oracle(file: &str, computed: &[(u64, Computation)]) {
        let mut expected: BTreeMap<u64, Vec<Expected>> = BTreeMap::new();
        for (f, line, e) in oracle() {
            if f == file {
                expected.entry(line).or_default().push(e);
            }
        }
        assert!(!expected.is_empty(), "the oracle has no rows for {file}");
        let mut matched = 0;
        for (line, computation) in computed {
            let mut left = expected.remove(line).unwrap_or_default();
            for row in computation.rows() {
                let found = left.iter().position(|e| {
                    e.leaf == row.emission_type.key
                        && e.scope == row.emission_type.scope.number().to_string()
                        && close(e.kg, row.kg_co2eq)
                        && match (e.quantity, row.quantity) {
                            (Some(want), Some(got)) => close(want, got),
                            (None, None) => true,
                            _ => false,
                        }
                        && row.quantity_unit.unwrap_or("").eq_ignore_ascii_case(&e.unit)
                });
                let Some(i) = found else {
                    panic!("{file}:{line}: unexpected row {row:?}; expected one of {left:?}");
                };
                left.remove(i);
                matched += 1;
            }
            assert!(left.is_empty(), "{file}:{line}: rows not produced: {left:?}");
        }
        assert!(expected.is_empty(), "{file}: lines never computed: {:?}", expected.keys().collect::<Vec<_>>());
        assert!(matched > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headcount::{MemberInput, StudentInput, total_fte};

    fn row(module: Module, leaf: &str, kg: f64) -> TaggedRow {
        TaggedRow { module, emission_type: EmissionType::by_key(leaf).expect(leaf), kg_co2eq: kg }
    }

    fn all_validated() -> BTreeMap<Module, ModuleStatus> {
        Module::ALL.into_iter().map(|m| (m, ModuleStatus::Validated)).collect()
    }

    fn demo_report() -> ReportSnapshot {
        let rows = demo::oracle()
            .into_iter()
            .map(|(_, _, e)| row(Module::parse(&e.module).expect("module"), &e.leaf, e.kg))
            .collect();
        let members: Vec<_> =
            demo::entries("headcount_members.csv").iter().map(|(_, r)| MemberInput::parse(r).unwrap()).collect();
        let students: Vec<_> =
            demo::entries("headcount_students.csv").iter().map(|(_, r)| StudentInput::parse(r).unwrap()).collect();
        ReportSnapshot {
            statuses: all_validated(),
            rows,
            headcount_fte: total_fte(&members, &students),
            it_classes: vec![],
        }
    }

    fn near(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn g26_the_demo_lab_2025_totals_match_the_expected_summary() {
        let totals = compute_totals(&demo_report(), &TotalsOptions::default());

        assert!(near(totals.core_kg, 137_309.02, 0.01), "core {}", totals.core_kg);
        assert!(near(totals.additional_kg, 14_736.29, 0.01), "additional {}", totals.additional_kg);
        assert!(near(totals.total_with_additional_kg, 137_309.02 + 14_736.29, 0.02));
        assert!(near(totals.fte, 17.9, 1e-9));
        assert_eq!(format!("{:.3}", totals.t_per_fte.unwrap()), "7.671");
        assert_eq!(totals.car_km_equivalent.round(), 458_308.0);

        let summary = demo::records(&demo::read("demo/expected_summary_2025.csv"));
        for (_, s) in summary.iter().filter(|(_, s)| s["module"] != "TOTAL") {
            let m = totals.modules.iter().find(|m| m.module.key() == s["module"]).expect("module");
            let num = |k: &str| s[k].parse::<f64>().unwrap();
            assert!(near(m.headline_kg, num("headline_kg"), 0.01), "{}", s["module"]);
            assert!(near(m.scopes.scope1_kg, num("scope1_kg"), 0.01), "{}", s["module"]);
            assert!(near(m.scopes.scope2_kg, num("scope2_kg"), 0.01), "{}", s["module"]);
            assert!(near(m.scopes.scope3_kg, num("scope3_kg"), 0.01), "{}", s["module"]);
            assert!(near(m.additional_kg, num("additional_categories_kg"), 0.01), "{}", s["module"]);
        }
        let total = &summary.iter().find(|(_, s)| s["module"] == "TOTAL").unwrap().1;
        assert!(near(totals.scopes.scope1_kg, total["scope1_kg"].parse().unwrap(), 0.01));
        assert!(near(totals.scopes.scope2_kg, total["scope2_kg"].parse().unwrap(), 0.01));
        assert!(near(totals.scopes.scope3_kg, total["scope3_kg"].parse().unwrap(), 0.01));
        let headcount = totals.modules.iter().find(|m| m.module == Module::Headcount).unwrap();
        assert_eq!(headcount.headline_kg, 0.0, "headcount shows FTE, not kg");

        let order: Vec<_> = totals.categories.iter().map(|c| c.category).collect();
        assert_eq!(order, Category::ALL, "chart order");
        let core_by_category: f64 =
            totals.categories.iter().filter(|c| !c.category.is_additional()).map(|c| c.kg).sum();
        assert!(near(core_by_category, totals.core_kg, 1e-6));
        let research = totals.categories.iter().find(|c| c.category == Category::ResearchFacilities).unwrap();
        assert!(near(research.kg, 21_060.0, 1e-6));
        assert!(near(research.t_per_fte.unwrap(), 21.06 / 17.9, 1e-12));
    }

    #[test]
    fn g27_year_over_year_from_150_t_to_137_309_t_is_minus_8_46_percent() {
        let change = year_over_year_percent(137_309.02, Some(150_000.0)).unwrap();
        assert_eq!(format!("{change:.2}"), "-8.46");
        assert_eq!(year_over_year_percent(10.0, Some(0.0)), None);
        assert_eq!(year_over_year_percent(10.0, None), None);
    }

    #[test]
    fn year_over_year_compares_the_core_and_each_module() {
        let current = compute_totals(&demo_report(), &TotalsOptions::default());
        let mut previous_report = demo_report();
        for r in previous_report.rows.iter_mut() {
            r.kg_co2eq *= 2.0;
        }
        let previous = compute_totals(&previous_report, &TotalsOptions::default());
        let yoy = compare_years(&current, Some(&previous));
        assert!(near(yoy.core_percent.unwrap(), -50.0, 1e-9));
        let headcount = yoy.modules.iter().find(|(m, _)| *m == Module::Headcount).unwrap();
        assert_eq!(headcount.1, None, "a 0 kg headline has no percentage");
        assert_eq!(compare_years(&current, None).core_percent, None);
    }

    #[test]
    fn d15_the_core_total_and_the_total_with_additional_are_two_named_figures() {
        let rows = vec![
            row(Module::Equipment, "equipment__it", 100.0),
            row(Module::Headcount, "food__vegetarian", 40.0),
            row(Module::Buildings, "buildings__rooms__lighting__office", 10.0),
            row(Module::Buildings, "buildings__construction_and_renovation", 5.0),
        ];
        let mut report = ReportSnapshot { statuses: all_validated(), rows, headcount_fte: 2.0, it_classes: vec![] };
        let t = compute_totals(&report, &TotalsOptions::default());
        assert_eq!((t.core_kg, t.additional_kg, t.total_with_additional_kg), (110.0, 45.0, 155.0));
        let headcount = t.modules.iter().find(|m| m.module == Module::Headcount).unwrap();
        assert_eq!((headcount.headline_kg, headcount.additional_kg), (0.0, 40.0));

        // Headcount not validated: food leaves the additional total, and FTE is 0.
        report.statuses.insert(Module::Headcount, ModuleStatus::InProgress);
        let t = compute_totals(&report, &TotalsOptions::default());
        assert_eq!((t.core_kg, t.additional_kg, t.total_with_additional_kg), (110.0, 5.0, 115.0));
        assert_eq!((t.fte, t.t_per_fte), (0.0, None));

        // Buildings not validated: its rooms leave the core and embodied energy the additional.
        report.statuses.insert(Module::Buildings, ModuleStatus::NotStarted);
        let t = compute_totals(&report, &TotalsOptions::default());
        assert_eq!((t.core_kg, t.additional_kg), (100.0, 0.0));
        let buildings = t.modules.iter().find(|m| m.module == Module::Buildings).unwrap();
        assert_eq!((buildings.headline_kg, buildings.counted), (10.0, false), "the headline is still shown");

        // The simulator counts every module.
        let sim = TotalsOptions { basis: Basis::AllModules, ..TotalsOptions::default() };
        let t = compute_totals(&report, &sim);
        assert_eq!((t.core_kg, t.additional_kg, t.fte), (110.0, 45.0, 2.0));
    }

    #[test]
    fn excluded_modules_leave_every_figure() {
        let report = ReportSnapshot {
            statuses: all_validated(),
            rows: vec![
                row(Module::ResearchFacilities, "research_facilities__it_facilities", 300.0),
                row(Module::Equipment, "equipment__it", 100.0),
                row(Module::Buildings, "buildings__construction_and_renovation", 5.0),
            ],
            headcount_fte: 4.0,
            it_classes: vec![],
        };
        let options = TotalsOptions {
            exclude_modules: [Module::ResearchFacilities, Module::Buildings].into(),
            ..TotalsOptions::default()
        };
        let t = compute_totals(&report, &options);
        assert_eq!((t.core_kg, t.additional_kg, t.it_focus.kg), (100.0, 0.0, 100.0));
        assert!(t.modules.iter().all(|m| m.module != Module::ResearchFacilities && m.module != Module::Buildings));
        assert_eq!(t.modules.len(), 6);
        assert_eq!(t.t_per_fte, Some(0.025));
    }

    #[test]
    fn d13_the_it_focus_counts_only_the_it_facilities_of_research_facilities() {
        let report = ReportSnapshot {
            statuses: all_validated(),
            rows: vec![
                row(Module::Equipment, "equipment__it", 10.0),
                row(Module::Equipment, "equipment__scientific", 1000.0),
                row(Module::Purchase, "purchases__it_equipment", 20.0),
                row(Module::ExternalCloudAndAi, "external__clouds__stockage", 30.0),
                row(Module::ExternalCloudAndAi, "external__ai__provider_others", 40.0),
                row(Module::ResearchFacilities, "research_facilities__it_facilities", 50.0),
                row(Module::ResearchFacilities, "research_facilities__facilities", 500.0),
                row(Module::ResearchFacilities, "research_facilities__animal__mice", 500.0),
            ],
            headcount_fte: 0.0,
            it_classes: vec![],
        };
        let t = compute_totals(&report, &TotalsOptions::default());
        assert_eq!(t.it_focus.kg, 150.0);
        assert_eq!(t.it_focus.share_of_core, Some(150.0 / 2150.0));
        let keys: Vec<_> = t.it_focus.leaves.iter().map(|l| l.leaf.key).collect();
        assert_eq!(
            keys,
            [
                "equipment__it",
                "purchases__it_equipment",
                "research_facilities__it_facilities",
                "external__clouds__stockage",
                "external__ai__provider_others"
            ]
        );
        assert_eq!(t.t_per_fte, None, "FTE 0 gives no ratio");
        let demo = compute_totals(&demo_report(), &TotalsOptions::default());
        assert!(near(demo.it_focus.kg, demo_it_kg(), 1e-6));
    }

    fn demo_it_kg() -> f64 {
        demo::oracle()
            .iter()
            .filter(|(_, _, e)| is_it_focus(EmissionType::by_key(&e.leaf).unwrap()))
            .map(|(_, _, e)| e.kg)
            .sum()
    }

    fn class(source: ItClassSource, class: &str, label: Option<&str>, kg: f64) -> ItClassRow {
        ItClassRow { source, class: class.into(), label: label.map(Into::into), kg }
    }

    #[test]
    fn the_it_focus_names_the_three_heaviest_classes_and_sums_the_rest() {
        use ItClassSource::{Equipment, Purchases};
        let report = ReportSnapshot {
            statuses: all_validated(),
            it_classes: vec![
                class(Equipment, "Laptop", None, 10.0),
                class(Equipment, "Servers", None, 100.0),
                class(Equipment, "Printers", None, 8.0),
                class(Equipment, "Laptop", None, 5.0),
                class(Equipment, "Monitors", None, 8.0),
                class(Equipment, "Network", None, 1.0),
                class(Purchases, "43211500", Some("Computers"), 40.0),
                class(Purchases, "43230000", None, 2.0),
                class(Purchases, "43230000", Some("Software"), 3.0),
            ],
            ..ReportSnapshot::default()
        };
        let t = compute_totals(&report, &TotalsOptions::default());
        let eq = &t.it_focus.equipment_classes;
        let named: Vec<_> = eq.top.iter().map(|c| (c.class.as_str(), c.kg)).collect();
        assert_eq!(named, [("Servers", 100.0), ("Laptop", 15.0), ("Monitors", 8.0)], "ties go by class key");
        assert_eq!((eq.rest_kg, eq.rest_classes), (9.0, 2));

        let pu = &t.it_focus.purchase_classes;
        let named: Vec<_> = pu.top.iter().map(|c| (c.class.as_str(), c.label.as_deref(), c.kg)).collect();
        assert_eq!(named, [("43211500", Some("Computers"), 40.0), ("43230000", Some("Software"), 5.0)]);
        assert_eq!((pu.rest_kg, pu.rest_classes), (0.0, 0), "fewer than 3 classes leave no rest");
    }

    #[test]
    fn it_classes_follow_the_basis_and_the_excluded_modules() {
        let mut report = ReportSnapshot {
            statuses: all_validated(),
            it_classes: vec![
                class(ItClassSource::Equipment, "Laptop", None, 10.0),
                class(ItClassSource::Purchases, "43211500", None, 40.0),
            ],
            ..ReportSnapshot::default()
        };
        report.statuses.insert(Module::Purchase, ModuleStatus::InProgress);
        let t = compute_totals(&report, &TotalsOptions::default());
        assert_eq!(t.it_focus.equipment_classes.top.len(), 1);
        assert_eq!(t.it_focus.purchase_classes, ClassBreakdown::default(), "an unvalidated module does not count");

        let all = TotalsOptions { basis: Basis::AllModules, exclude_modules: [Module::Equipment].into() };
        let t = compute_totals(&report, &all);
        assert_eq!(t.it_focus.equipment_classes, ClassBreakdown::default(), "excluded");
        assert_eq!(t.it_focus.purchase_classes.top[0].kg, 40.0);
    }

    #[test]
    fn the_demo_lab_it_equipment_classes_add_up_to_its_it_equipment_leaf() {
        let classes: BTreeMap<u64, String> =
            demo::entries("equipments.csv").into_iter().map(|(line, r)| (line, r["equipment_class"].clone())).collect();
        let rows: Vec<ItClassRow> = demo::oracle()
            .into_iter()
            .filter(|(f, _, e)| f == "equipments.csv" && e.leaf == "equipment__it")
            .map(|(_, line, e)| class(ItClassSource::Equipment, &classes[&line], None, e.kg))
            .collect();
        let leaf_kg: f64 = rows.iter().map(|r| r.kg).sum();
        let report = ReportSnapshot { it_classes: rows, ..demo_report() };
        let b = compute_totals(&report, &TotalsOptions::default()).it_focus.equipment_classes;
        assert_eq!(b.top.len(), IT_TOP_CLASSES);
        assert!(b.top.windows(2).all(|w| w[0].kg >= w[1].kg), "heaviest first");
        let shown: f64 = b.top.iter().map(|c| c.kg).sum::<f64>() + b.rest_kg;
        assert!(near(shown, leaf_kg, 1e-9), "top 3 + rest = the equipment__it leaf");
        assert!(b.rest_classes > 0);
    }

    #[test]
    fn an_empty_report_has_zero_totals_and_no_ratios() {
        let t = compute_totals(&ReportSnapshot::default(), &TotalsOptions::default());
        assert_eq!((t.core_kg, t.total_with_additional_kg, t.car_km_equivalent), (0.0, 0.0, 0.0));
        assert_eq!((t.t_per_fte, t.it_focus.share_of_core), (None, None));
        assert_eq!(t.modules.len(), 8);
        assert!(t.modules.iter().all(|m| !m.counted && m.status == ModuleStatus::NotStarted));
    }

    #[test]
    fn module_status_codes_round_trip() {
        for s in [ModuleStatus::NotStarted, ModuleStatus::InProgress, ModuleStatus::Validated] {
            assert_eq!(ModuleStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ModuleStatus::from_code(3), None);
    }
}
