//! Emission rows and the leaves of the emission-type tree (DOMAIN §3) that the engine emits.

use serde::{Deserialize, Serialize};
use std::fmt;

/// GHG-Protocol scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    S1 = 1,
    S2 = 2,
    S3 = 3,
}

impl Scope {
    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A leaf of the emission-type tree with its positional code, scope and chart category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmissionType {
    /// Leaf key, e.g. `equipment__scientific`.
    pub key: &'static str,
    /// The anchor's positional code, e.g. 80100.
    pub code: u32,
    pub scope: Scope,
    /// Chart category of DOMAIN §3.
    pub category: &'static str,
    /// Additional categories are kept out of module headlines and the core total.
    pub additional: bool,
}

impl fmt::Display for EmissionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)
    }
}

impl EmissionType {
    const fn equipment(key: &'static str, code: u32) -> EmissionType {
        EmissionType { key, code, scope: Scope::S2, category: "equipment", additional: false }
    }
    /// `equipment__scientific` (80100).
    pub const EQUIPMENT_SCIENTIFIC: EmissionType = EmissionType::equipment("equipment__scientific", 80100);
    /// `equipment__it` (80200).
    pub const EQUIPMENT_IT: EmissionType = EmissionType::equipment("equipment__it", 80200);
    /// `equipment__other` (80300).
    pub const EQUIPMENT_OTHER: EmissionType = EmissionType::equipment("equipment__other", 80300);

    /// Every leaf the engine currently emits.
    pub const KNOWN: [EmissionType; 3] =
        [EmissionType::EQUIPMENT_SCIENTIFIC, EmissionType::EQUIPMENT_IT, EmissionType::EQUIPMENT_OTHER];

    /// Looks a leaf up by key.
    pub fn by_key(key: &str) -> Option<EmissionType> {
        EmissionType::KNOWN.into_iter().find(|t| t.key == key)
    }
}

/// One computed emission row of an entry (DOMAIN §5.0 step 3).
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionRow {
    pub emission_type: EmissionType,
    pub kg_co2eq: f64,
    /// The physical quantity (kWh for equipment); `None` for an override row.
    pub quantity: Option<f64>,
    pub quantity_unit: Option<&'static str>,
    /// Identities of the factors used, as given by the caller (opaque to the domain).
    pub factor_ids: Vec<String>,
}

/// The result of computing one entry: rows, or the reason why none could be computed
/// ("skip, don't default", DOMAIN §5.0).
#[derive(Debug, Clone, PartialEq)]
pub enum Computation {
    Rows(Vec<EmissionRow>),
    Incomplete(String),
}

impl Computation {
    /// The rows (empty when incomplete).
    pub fn rows(&self) -> &[EmissionRow] {
        match self {
            Computation::Rows(r) => r,
            Computation::Incomplete(_) => &[],
        }
    }
}
