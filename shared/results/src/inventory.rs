//! The GHG Protocol inventory of a year for the institution or a subtree: the published facts
//! placed on the protocol's lines by the domain's reviewed table (`co2_domain::ghg`), with the
//! exclusions, the base year, the coverage and every factor set with its source. The API, its
//! publications and the XLSX/CSV export all build it here.

use co2_api_types::{
    FactorSetUsedView, GhgInventoryView, InventoryCoverageView, InventoryLineView, InventoryPlacementView,
};
use co2_db::org::Unit;
use co2_db::{Db, DbError};
use co2_domain::EmissionType;
use co2_domain::emission::Scope;
use co2_domain::ghg::{GhgLine, SCOPE3_CATEGORIES, placement, placements};
use futures::TryStreamExt;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Why an inventory cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// A stored figure the reviewed table cannot place (a bug, never the caller's fault).
    #[error("{0}")]
    Inconsistent(String),
}

impl From<sqlx::Error> for InventoryError {
    fn from(e: sqlx::Error) -> Self {
        InventoryError::Db(e.into())
    }
}

pub fn scope_number(scope: Scope) -> u8 {
    match scope {
        Scope::S1 => 1,
        Scope::S2 => 2,
        Scope::S3 => 3,
    }
}

/// Builds the inventory of the facts of `units` in `year`.
pub async fn build(
    db: &Db,
    units: &[Unit],
    year: i32,
    subtree: Option<String>,
) -> Result<GhgInventoryView, InventoryError> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.unit_id).collect();
    let mut lines: BTreeMap<GhgLine, InventoryLineView> = GhgLine::all()
        .into_iter()
        .map(|line| {
            let excluded_because = match line {
                GhgLine::Scope3(n) => Some(SCOPE3_CATEGORIES[usize::from(n) - 1].1).filter(|r| !r.is_empty()),
                _ => None,
            };
            (
                line,
                InventoryLineView {
                    key: line.key(),
                    label: line.label().to_owned(),
                    scope: scope_number(line.scope()),
                    kg_co2eq: 0.0,
                    additional_kg: 0.0,
                    by_gas: BTreeMap::new(),
                    excluded_because: excluded_because.map(str::to_owned),
                },
            )
        })
        .collect();
    let facts: Vec<co2_db::facts::FactRow> = co2_db::facts::of_units(db, &ids, year).try_collect().await?;
    let coverage = coverage(db, units, year, &facts).await?;
    for fact in facts {
        let leaf = EmissionType::by_key(&fact.emission_type).ok_or_else(|| {
            InventoryError::Inconsistent(format!("a stored leaf '{}' is not in the tree", fact.emission_type))
        })?;
        let place = placement(&leaf)
            .ok_or_else(|| InventoryError::Inconsistent(format!("the leaf '{}' has no placement", leaf.key)))?;
        let line = lines
            .get_mut(&place.line)
            .ok_or_else(|| InventoryError::Inconsistent(format!("no line {}", place.line.key())))?;
        line.kg_co2eq += fact.kg_co2eq;
        if fact.is_additional {
            line.additional_kg += fact.kg_co2eq;
        }
        if let Some(gas) = place.gas {
            *line.by_gas.entry(gas.to_owned()).or_default() += fact.kg_co2eq;
        }
    }
    let lines: Vec<InventoryLineView> = lines.into_values().collect();
    let scope = |n: u8| lines.iter().filter(|l| l.scope == n).map(|l| l.kg_co2eq).sum::<f64>();
    let (scope1_kg, scope2_kg, scope3_kg) = (scope(1), scope(2), scope(3));
    let (market_kg, market_rows) = co2_db::inventory::scope2_market_based(db, &ids, year).await?;
    let base_year = co2_db::report::all_years(db)
        .await?
        .into_iter()
        .find(|y| y.report_year_id == year)
        .and_then(|y| y.goal_reference_year);
    let mut factor_sets = Vec::new();
    for kind in co2_db::factor_file::FactorFile::ALL {
        let dets = kind.entry_types();
        let counts = co2_db::factor::counts(db, year, &dets).await?;
        let source = match counts.uploaded {
            0 => format!("shipped default: {}", kind.default_source()),
            n if n == counts.current => "uploaded by the office".to_owned(),
            n => format!("{n} uploaded by the office, the rest shipped: {}", kind.default_source()),
        };
        factor_sets.push(FactorSetUsedView {
            file: kind.file_name().trim_end_matches(".csv").to_owned(),
            module: kind.module().key().to_owned(),
            factors: counts.current,
            uploaded: counts.uploaded,
            updated_at: counts.updated_at,
            source,
        });
    }
    Ok(GhgInventoryView {
        year,
        subtree,
        units: units.len(),
        base_year,
        scope1_kg,
        scope2_kg,
        scope2_market_kg: (market_rows > 0).then_some(market_kg),
        scope3_kg,
        total_kg: scope1_kg + scope2_kg + scope3_kg,
        lines,
        placements: placements()
            .into_iter()
            .map(|(leaf, p)| InventoryPlacementView {
                leaf: leaf.key.to_owned(),
                line: p.line.key(),
                gas: p.gas.map(str::to_owned),
                reason: p.reason.to_owned(),
            })
            .collect(),
        factor_sets,
        coverage: Some(coverage),
    })
}

/// Which share of the scope's FTE and floor area the validated units cover, and the total
/// extrapolated from them (`co2_results::coverage`).
async fn coverage(
    db: &Db,
    units: &[Unit],
    year: i32,
    facts: &[co2_db::facts::FactRow],
) -> Result<InventoryCoverageView, InventoryError> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.unit_id).collect();
    let fte: BTreeMap<Uuid, f64> = co2_db::results::fte_by_unit(db, &ids, year).await?.into_iter().collect();
    let floor: BTreeMap<Uuid, f64> = co2_db::results::floor_area_by_unit(db, &ids, year).await?.into_iter().collect();
    let progress = co2_db::report::progress_of_year(db, year).await?;
    // Units without a report that year (a faculty above its labs) are not units to cover.
    let reporting: std::collections::HashSet<Uuid> = progress.iter().map(|p| p.unit_id).collect();
    let validated: std::collections::HashSet<Uuid> = progress
        .iter()
        .filter(|p| ids.contains(&p.unit_id) && p.modules > 0 && p.validated_modules == p.modules)
        .map(|p| p.unit_id)
        .collect();
    let mut kg: BTreeMap<&str, f64> = BTreeMap::new();
    for f in facts {
        *kg.entry(f.unit.as_str()).or_default() += f.kg_co2eq;
    }
    let per_unit: Vec<crate::coverage::UnitCoverage> = units
        .iter()
        .filter(|u| reporting.contains(&u.unit_id))
        .map(|u| crate::coverage::UnitCoverage {
            fte: fte.get(&u.unit_id).copied().unwrap_or(0.0),
            floor_area_m2: floor.get(&u.unit_id).copied().unwrap_or(0.0),
            validated: validated.contains(&u.unit_id),
            kg: kg.get(u.institutional_id.as_str()).copied().unwrap_or(0.0),
        })
        .collect();
    Ok(crate::coverage::of(&per_unit))
}
