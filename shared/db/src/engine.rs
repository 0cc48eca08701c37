//! The emission engine's data side (DOMAIN §5.0): parse an entry of any supported type, load the
//! year's factors once per batch, compute with `co2-domain`, and replace the entries' rows.
//!
//! Every writer (the entries API and step-compute) goes through here, so a manual entry and a
//! file row give the same rows.

use crate::DbResult;
use co2_domain::emission::Computation;
use co2_domain::equipment::{self, EquipmentCategory, EquipmentFactor, EquipmentInput};
use co2_domain::fields::{FieldErrors, RawFields};
use co2_domain::{EntryType, Module};
use sqlx::PgConnection;
use uuid::Uuid;

/// An entry ready to store: its DET, normalised data and override.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEntry {
    pub entry_type: EntryType,
    pub data: serde_json::Value,
    pub kg_override: Option<f64>,
}

/// Why an entry cannot be accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryRejection {
    /// The module's data entry is not available in this version.
    UnsupportedModule(Module),
    /// The entry type does not belong to the module.
    UnknownEntryType(String),
    Fields(FieldErrors),
}

/// Whether a module can be entered and computed.
pub fn supports(module: Module) -> bool {
    module == Module::Equipment
}

/// Parses raw fields of `module`; `entry_type` is the DET when the caller knows it (API, typed
/// upload), else the file's routing column decides.
pub fn parse_entry(
    module: Module,
    entry_type: Option<EntryType>,
    raw: &RawFields,
) -> Result<ParsedEntry, EntryRejection> {
    match module {
        Module::Equipment => {
            let category = match entry_type {
                Some(t) => Some(
                    EquipmentCategory::from_entry_type(t)
                        .ok_or_else(|| EntryRejection::UnknownEntryType(t.name().to_owned()))?,
                ),
                None => None,
            };
            let input = EquipmentInput::parse(raw, category).map_err(EntryRejection::Fields)?;
            let data = serde_json::to_value(&input).unwrap_or(serde_json::Value::Null);
            Ok(ParsedEntry { entry_type: input.category.entry_type(), kg_override: input.kg_co2eq, data })
        }
        other => Err(EntryRejection::UnsupportedModule(other)),
    }
}

/// The factors of one year that a batch of one module needs.
#[derive(Debug, Clone, Default)]
pub struct FactorSet {
    pub equipment: Vec<EquipmentFactor>,
}

/// Loads the factors of `year` for `module`.
pub async fn load_factors(db: &mut PgConnection, year: i32, module: Module) -> DbResult<FactorSet> {
    Ok(match module {
        Module::Equipment => FactorSet { equipment: crate::factor::equipment_factors(&mut *db, year).await? },
        _ => FactorSet::default(),
    })
}

/// Computes one stored entry.
pub fn compute(entry_type: EntryType, data: &serde_json::Value, factors: &FactorSet) -> Computation {
    match EquipmentCategory::from_entry_type(entry_type) {
        Some(category) => match serde_json::from_value::<EquipmentInput>(data.clone()) {
            Ok(mut input) => {
                input.category = category;
                equipment::compute(&input, equipment::resolve_factor(&factors.equipment, &input))
            }
            Err(e) => Computation::Incomplete(format!("stored data is not a valid equipment entry: {e}")),
        },
        None => Computation::Incomplete(format!("no calculation for entry type '{}' yet", entry_type.name())),
    }
}

/// Replaces the emission rows of the given entries with their computations, in bulk, and records
/// each entry's incomplete reason. Idempotent: running it twice leaves the same rows.
pub async fn replace_rows(db: &mut PgConnection, computed: &[(Uuid, Computation)]) -> DbResult<()> {
    if computed.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = computed.iter().map(|(id, _)| *id).collect();
    sqlx::query("delete from emission where data_entry_id = any($1)").bind(&ids).execute(&mut *db).await?;

    let reasons: Vec<Option<String>> = computed
        .iter()
        .map(|(_, c)| match c {
            Computation::Incomplete(why) => Some(why.clone()),
            Computation::Rows(_) => None,
        })
        .collect();
    sqlx::query(
        "update data_entry d set incomplete_reason = u.reason
         from unnest($1::uuid[], $2::text[]) as u(id, reason) where d.data_entry_id = u.id",
    )
    .bind(&ids)
    .bind(&reasons)
    .execute(&mut *db)
    .await?;

    let mut entry = Vec::new();
    let mut leaf = Vec::new();
    let mut scope = Vec::new();
    let mut additional = Vec::new();
    let mut kg = Vec::new();
    let mut qty: Vec<Option<f64>> = Vec::new();
    let mut unit: Vec<Option<String>> = Vec::new();
    let mut factors = Vec::new();
    for (id, c) in computed {
        for row in c.rows() {
            entry.push(*id);
            leaf.push(row.emission_type.key.to_owned());
            scope.push(row.emission_type.scope.number() as i16);
            additional.push(row.emission_type.additional);
            kg.push(row.kg_co2eq);
            qty.push(row.quantity);
            unit.push(row.quantity_unit.map(str::to_owned));
            factors.push(row.factor_ids.join(","));
        }
    }
    sqlx::query(
        "insert into emission (data_entry_id, emission_type, scope, is_additional, kg_co2eq, quantity, quantity_unit, factor_ids)
         select e, l, s, a, k, q, u, coalesce(string_to_array(nullif(f, ''), ',')::uuid[], '{}')
         from unnest($1::uuid[], $2::text[], $3::int2[], $4::bool[], $5::float8[], $6::float8[], $7::text[], $8::text[])
              as t(e, l, s, a, k, q, u, f)",
    )
    .bind(&entry)
    .bind(&leaf)
    .bind(&scope)
    .bind(&additional)
    .bind(&kg)
    .bind(&qty)
    .bind(&unit)
    .bind(&factors)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Template columns of a module's CSV, for header checks and downloads.
pub fn template_columns(module: Module) -> &'static [&'static str] {
    match module {
        Module::Equipment => &equipment::TEMPLATE_COLUMNS,
        _ => &[],
    }
}

/// Columns a module's file must carry; `typed` when the upload names the entry type (so the
/// routing column may be absent).
pub fn required_columns(module: Module, typed: bool) -> Vec<&'static str> {
    match module {
        Module::Equipment => {
            equipment::REQUIRED_COLUMNS.iter().copied().filter(|c| !(typed && *c == "equipment_category")).collect()
        }
        _ => vec![],
    }
}
