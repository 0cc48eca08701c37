//! Where each emission leaf of DOMAIN §3 stands in a GHG Protocol inventory: Scope 1 by source
//! type (stationary combustion, process, fugitive), Scope 2 (location-based: the factor files
//! give grid-average factors), Scope 3 by the 15 categories of the Corporate Value Chain
//! Standard. One reviewed table ([`MAPPING`]), each line with its reason, matched on the leaf
//! key's longest prefix. The tests check that every leaf maps to exactly one line of its own
//! scope, so a new leaf fails them until someone places it.

use crate::emission::{EmissionType, LEAVES, Scope};
use serde::{Deserialize, Serialize};

/// A line of the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GhgLine {
    /// Scope 1: fuel burnt in stationary sources (boilers, heating).
    StationaryCombustion,
    /// Scope 1: gases released by processes and bought to be released (lab gases).
    ProcessEmissions,
    /// Scope 1: leaks of refrigerants and similar.
    FugitiveEmissions,
    /// Scope 2, location-based: electricity at grid-average factors.
    PurchasedElectricity,
    /// Scope 3, category 1 to 15.
    Scope3(u8),
}

impl GhgLine {
    /// The line's scope.
    pub fn scope(self) -> Scope {
        match self {
            GhgLine::StationaryCombustion | GhgLine::ProcessEmissions | GhgLine::FugitiveEmissions => Scope::S1,
            GhgLine::PurchasedElectricity => Scope::S2,
            GhgLine::Scope3(_) => Scope::S3,
        }
    }

    /// A stable key: `scope1.stationary_combustion`, `scope3.cat06`.
    pub fn key(self) -> String {
        match self {
            GhgLine::StationaryCombustion => "scope1.stationary_combustion".into(),
            GhgLine::ProcessEmissions => "scope1.process".into(),
            GhgLine::FugitiveEmissions => "scope1.fugitive".into(),
            GhgLine::PurchasedElectricity => "scope2.location_based".into(),
            GhgLine::Scope3(n) => format!("scope3.cat{n:02}"),
        }
    }

    /// The line's name as the GHG Protocol gives it.
    pub fn label(self) -> &'static str {
        match self {
            GhgLine::StationaryCombustion => "Scope 1 — Stationary combustion",
            GhgLine::ProcessEmissions => "Scope 1 — Process emissions",
            GhgLine::FugitiveEmissions => "Scope 1 — Fugitive emissions",
            GhgLine::PurchasedElectricity => "Scope 2 — Purchased electricity (location-based)",
            GhgLine::Scope3(n) => SCOPE3_CATEGORIES.get(usize::from(n).wrapping_sub(1)).map_or("Scope 3", |c| c.0),
        }
    }

    /// Every line of a complete inventory, in reporting order (Scope 3: all 15 categories).
    pub fn all() -> Vec<GhgLine> {
        let mut out = vec![
            GhgLine::StationaryCombustion,
            GhgLine::ProcessEmissions,
            GhgLine::FugitiveEmissions,
            GhgLine::PurchasedElectricity,
        ];
        out.extend((1..=15).map(GhgLine::Scope3));
        out
    }
}

/// The 15 Scope 3 categories, and why a category no leaf maps to is not reported (its exclusion
/// as the inventory states it).
pub const SCOPE3_CATEGORIES: [(&str, &str); 15] = [
    ("Scope 3 — 1. Purchased goods and services", ""),
    ("Scope 3 — 2. Capital goods", ""),
    (
        "Scope 3 — 3. Fuel- and energy-related activities",
        "Upstream emissions of fuels and electricity (extraction, transport, grid losses) are not collected: the factor files give combustion and grid-average factors only.",
    ),
    (
        "Scope 3 — 4. Upstream transportation and distribution",
        "Transport of purchased goods is included in the spend-based purchase factors, not reported apart.",
    ),
    ("Scope 3 — 5. Waste generated in operations", ""),
    ("Scope 3 — 6. Business travel", ""),
    ("Scope 3 — 7. Employee commuting", ""),
    (
        "Scope 3 — 8. Upstream leased assets",
        "Leased buildings are reported with the rooms the units occupy (Scopes 1 and 2).",
    ),
    (
        "Scope 3 — 9. Downstream transportation and distribution",
        "A university sells no goods that are transported downstream.",
    ),
    ("Scope 3 — 10. Processing of sold products", "A university sells no intermediate products."),
    ("Scope 3 — 11. Use of sold products", "A university sells no products whose use emits."),
    ("Scope 3 — 12. End-of-life treatment of sold products", "A university sells no products."),
    ("Scope 3 — 13. Downstream leased assets", "Space let to third parties is not collected by unit."),
    ("Scope 3 — 14. Franchises", "A university has no franchises."),
    ("Scope 3 — 15. Investments", "Financial investments are managed centrally and not collected by unit."),
];

/// One line of the reviewed table: leaves whose key starts with `prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub prefix: &'static str,
    pub line: GhgLine,
    /// The gas, where the leaf names it (process emissions); `None`: CO₂e of several gases.
    pub gas: Option<&'static str>,
    pub reason: &'static str,
}

const fn place(prefix: &'static str, line: GhgLine, gas: Option<&'static str>, reason: &'static str) -> Placement {
    Placement { prefix, line, gas, reason }
}

/// The reviewed table. A leaf takes the line of its longest matching prefix.
pub const MAPPING: [Placement; 22] = [
    place("buildings__combustion", GhgLine::StationaryCombustion, None, "Fuel burnt in the buildings' boilers."),
    place(
        "buildings__rooms__heating_thermal",
        GhgLine::StationaryCombustion,
        None,
        "Heat from on-site combustion, allocated to the rooms by surface.",
    ),
    place(
        "buildings__rooms__",
        GhgLine::PurchasedElectricity,
        None,
        "Electricity used by the rooms (lighting, cooling, ventilation, electric heating).",
    ),
    place("equipment__", GhgLine::PurchasedElectricity, None, "Electricity used by the equipment."),
    place("process_emissions__co2", GhgLine::ProcessEmissions, Some("CO2"), "CO₂ released by laboratory processes."),
    place("process_emissions__ch4", GhgLine::ProcessEmissions, Some("CH4"), "CH₄ released by laboratory processes."),
    place("process_emissions__n2o", GhgLine::ProcessEmissions, Some("N2O"), "N₂O released by laboratory processes."),
    place(
        "process_emissions__refrigerants",
        GhgLine::FugitiveEmissions,
        Some("HFCs"),
        "Refrigerant leaks of cooling equipment.",
    ),
    place(
        "purchases__additional",
        GhgLine::ProcessEmissions,
        None,
        "Gases and cryogens bought to be released on site (DOMAIN §5.6: Scope 1).",
    ),
    place("purchases__scientific_equipment", GhgLine::Scope3(2), None, "Scientific instruments are capital goods."),
    place("purchases__it_equipment", GhgLine::Scope3(2), None, "IT hardware is a capital good."),
    place("purchases__vehicles", GhgLine::Scope3(2), None, "Vehicles are capital goods."),
    place("purchases__", GhgLine::Scope3(1), None, "Consumables, chemicals, services and other purchases."),
    place(
        "research_facilities__",
        GhgLine::Scope3(1),
        None,
        "Services bought from shared research facilities (platforms, animal houses, computing).",
    ),
    place("external__", GhgLine::Scope3(1), None, "Cloud and AI services bought from external providers."),
    place("food__", GhgLine::Scope3(1), None, "Meals bought for the campus (catering)."),
    place("professional_travel__", GhgLine::Scope3(6), None, "Trips by plane and train for work."),
    place("commuting__", GhgLine::Scope3(7), None, "Travel between home and the campus."),
    place("waste__", GhgLine::Scope3(5), None, "Treatment of the waste the campus produces."),
    place(
        "buildings__construction_and_renovation",
        GhgLine::Scope3(2),
        None,
        "Embodied emissions of buildings, spread over their life: capital goods.",
    ),
    // Catch-alls of their families, reached only by a leaf none of the lines above names.
    place("buildings__", GhgLine::PurchasedElectricity, None, "Building energy not placed otherwise."),
    place("process_emissions__", GhgLine::ProcessEmissions, None, "Process gases not named otherwise."),
];

/// Where `leaf` stands in the inventory: the table line of its longest prefix.
pub fn placement(leaf: &EmissionType) -> Option<Placement> {
    MAPPING.iter().filter(|p| leaf.key.starts_with(p.prefix)).max_by_key(|p| p.prefix.len()).copied()
}

/// Every leaf's placement, in the tree's order (what the methodology sheet lists).
pub fn placements() -> Vec<(EmissionType, Placement)> {
    LEAVES.iter().filter_map(|l| placement(l).map(|p| (*l, p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_is_placed_on_a_line_of_its_own_scope() {
        for leaf in LEAVES.iter() {
            let p = placement(leaf).unwrap_or_else(|| panic!("{} is not placed", leaf.key));
            assert_eq!(p.line.scope(), leaf.scope, "{} (scope {:?}) on {:?}", leaf.key, leaf.scope, p.line);
            assert!(!p.reason.is_empty(), "{}", leaf.key);
        }
        assert_eq!(placements().len(), LEAVES.len());
    }

    #[test]
    fn the_catch_alls_are_not_needed_today() {
        // Every current leaf is placed by a named line; the family catch-alls only guard new ones.
        for leaf in LEAVES.iter() {
            let p = placement(leaf).unwrap();
            assert!(
                p.prefix != "buildings__" && p.prefix != "process_emissions__",
                "{} fell to {}",
                leaf.key,
                p.prefix
            );
        }
    }

    #[test]
    fn known_leaves_land_where_the_protocol_puts_them() {
        let line = |key: &str| placement(&EmissionType::known(key)).unwrap().line;
        assert_eq!(line("buildings__combustion__natural_gas"), GhgLine::StationaryCombustion);
        assert_eq!(line("buildings__rooms__heating_thermal__office"), GhgLine::StationaryCombustion);
        assert_eq!(line("buildings__rooms__lighting__office"), GhgLine::PurchasedElectricity);
        assert_eq!(line("process_emissions__refrigerants"), GhgLine::FugitiveEmissions);
        assert_eq!(line("purchases__additional__ln2"), GhgLine::ProcessEmissions);
        assert_eq!(line("purchases__it_equipment"), GhgLine::Scope3(2));
        assert_eq!(line("purchases__services"), GhgLine::Scope3(1));
        assert_eq!(line("professional_travel__plane__eco"), GhgLine::Scope3(6));
        assert_eq!(line("commuting__car"), GhgLine::Scope3(7));
        assert_eq!(line("waste__recycling__paper"), GhgLine::Scope3(5));
        assert_eq!(placement(&EmissionType::known("process_emissions__ch4")).unwrap().gas, Some("CH4"));
    }

    #[test]
    fn an_excluded_category_says_why_and_a_reported_one_has_leaves() {
        let reported: std::collections::HashSet<GhgLine> = placements().iter().map(|(_, p)| p.line).collect();
        for n in 1..=15u8 {
            let (label, exclusion) = SCOPE3_CATEGORIES[usize::from(n) - 1];
            assert!(label.contains(&format!("{n}.")), "{label}");
            assert_eq!(reported.contains(&GhgLine::Scope3(n)), exclusion.is_empty(), "category {n}");
        }
        assert_eq!(GhgLine::all().len(), 19);
        assert_eq!(GhgLine::Scope3(6).key(), "scope3.cat06");
    }
}
