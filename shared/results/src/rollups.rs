//! Roll-ups over years (DOMAIN §6.3 figures summed up the unit tree): the units a caller reports
//! on, grouped under the nodes of one tree level (the root, faculties, institutes, units), year by
//! year, by module and scope, with the share validated, the change against the year before, and
//! the coverage of the validated units with the total extrapolated from them.
//!
//! Each unit's year is computed by `co2_domain::totals` as on its results page, on the chosen
//! basis; a restated roll-up first computes every year's entries again with one year's factors
//! (`crate::figures::Leaves::RestatedWith`), so a factor change does not read as a change of
//! activity. Nothing stored changes.

use crate::figures::{self, Leaves};
use co2_api_types::{ModuleStatus, RollupModule, RollupNode, RollupView, RollupYear};
use co2_db::org::Unit;
use co2_db::{Db, DbResult};
use co2_domain::{Module, totals};
use std::collections::BTreeMap;

/// The node of `unit` at tree level `depth` (1: the root): its ancestor there, or itself when
/// the unit sits higher up.
pub fn node_at(unit: &Unit, depth: usize) -> &str {
    let tokens: Vec<&str> = unit.path.split('/').filter(|t| !t.is_empty()).collect();
    tokens.get(depth.saturating_sub(1)).copied().unwrap_or(unit.institutional_id.as_str())
}

/// What is summed per node and year.
#[derive(Default)]
struct Sum {
    units: i64,
    units_validated: i64,
    modules: i64,
    modules_validated: i64,
    scopes: BTreeMap<Module, totals::ScopeSplit>,
    coverage: Vec<crate::coverage::UnitCoverage>,
}

/// The roll-up of `units` over `years` at tree level `depth`. `all_units` names the nodes (a
/// node may be a unit the caller does not report on itself, e.g. the faculty above their
/// institutes).
pub async fn view(
    db: &Db,
    units: &[Unit],
    all_units: &[Unit],
    years: &[i32],
    depth: usize,
    options: &totals::TotalsOptions,
    restate_with: Option<i32>,
) -> DbResult<RollupView> {
    let ids: Vec<uuid::Uuid> = units.iter().map(|u| u.unit_id).collect();
    let mut sums: BTreeMap<(&str, i32), Sum> = BTreeMap::new();
    for &year in years {
        let leaves = restate_with.map_or(Leaves::Stored, Leaves::RestatedWith);
        let reports = figures::read(db, &ids, year, leaves).await?;
        let floor: std::collections::HashMap<uuid::Uuid, f64> =
            co2_db::results::floor_area_by_unit(db, &ids, year).await?.into_iter().collect();
        for unit in units {
            let Some(report) = reports.get(&unit.unit_id) else { continue };
            let figures = totals::compute_totals(&report.snapshot, options);
            let sum = sums.entry((node_at(unit, depth), year)).or_default();
            let validated = figures.modules.iter().filter(|m| m.status == ModuleStatus::Validated).count() as i64;
            sum.units += 1;
            sum.modules += figures.modules.len() as i64;
            sum.modules_validated += validated;
            let complete = validated == figures.modules.len() as i64 && validated > 0;
            if complete {
                sum.units_validated += 1;
            }
            sum.coverage.push(crate::coverage::UnitCoverage {
                fte: report.snapshot.headcount_fte,
                floor_area_m2: floor.get(&unit.unit_id).copied().unwrap_or(0.0),
                validated: complete,
                kg: figures.core_kg,
            });
            for m in figures.modules.iter().filter(|m| m.counted) {
                let s = sum.scopes.entry(m.module).or_default();
                s.scope1_kg += m.scopes.scope1_kg;
                s.scope2_kg += m.scopes.scope2_kg;
                s.scope3_kg += m.scopes.scope3_kg;
            }
        }
    }
    let mut nodes: BTreeMap<&str, RollupNode> = BTreeMap::new();
    for ((id, year), sum) in &sums {
        let node = nodes.entry(id).or_insert_with(|| {
            let named = all_units.iter().find(|u| u.institutional_id == *id);
            RollupNode {
                institutional_id: (*id).to_owned(),
                name: named.map(|u| u.name.clone()).unwrap_or_default(),
                path: named.map(|u| u.path.clone()).unwrap_or_default(),
                years: Vec::new(),
            }
        });
        let modules: Vec<RollupModule> = Module::ALL
            .into_iter()
            .map(|m| {
                let s = sum.scopes.get(&m).copied().unwrap_or_default();
                RollupModule {
                    module: m.key().to_owned(),
                    scopes: crate::scope_totals(s.scope1_kg, s.scope2_kg, s.scope3_kg),
                }
            })
            .collect();
        let (s1, s2, s3) = modules.iter().fold((0.0, 0.0, 0.0), |(a, b, c), m| {
            (a + m.scopes.scope1_kg, b + m.scopes.scope2_kg, c + m.scopes.scope3_kg)
        });
        let total = crate::scope_totals(s1, s2, s3);
        let previous = node.years.last().filter(|p| p.year == year - 1).map(|p| p.total.total_kg);
        node.years.push(RollupYear {
            year: *year,
            units: sum.units,
            units_validated: sum.units_validated,
            share_validated: if sum.modules > 0 { sum.modules_validated as f64 / sum.modules as f64 } else { 0.0 },
            modules,
            change_percent: previous.and_then(|p| totals::year_over_year_percent(total.total_kg, Some(p))),
            total,
            coverage: crate::coverage::of(&sum.coverage),
        });
    }
    let mut nodes: Vec<RollupNode> = nodes.into_values().collect();
    nodes.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.institutional_id.cmp(&b.institutional_id)));
    Ok(RollupView {
        years: years.to_vec(),
        depth: depth as u32,
        basis: match options.basis {
            totals::Basis::ValidatedModules => "validated".to_owned(),
            totals::Basis::AllModules => "all".to_owned(),
        },
        restated_with: restate_with,
        nodes,
    })
}

/// The roll-up as CSV: one line per node, year and module, with the scopes in kg.
pub fn csv(view: &RollupView) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "node",
        "name",
        "path",
        "year",
        "units",
        "units_validated",
        "share_validated",
        "module",
        "scope1_kg",
        "scope2_kg",
        "scope3_kg",
        "total_kg",
        "restated_with",
    ]);
    let safe = co2_domain::spreadsheet::spreadsheet_safe;
    let restated = view.restated_with.map(|y| y.to_string()).unwrap_or_default();
    for n in &view.nodes {
        for y in &n.years {
            for m in &y.modules {
                let _ = w.write_record([
                    safe(&n.institutional_id),
                    safe(&n.name),
                    safe(&n.path),
                    y.year.to_string(),
                    y.units.to_string(),
                    y.units_validated.to_string(),
                    y.share_validated.to_string(),
                    m.module.clone(),
                    m.scopes.scope1_kg.to_string(),
                    m.scopes.scope2_kg.to_string(),
                    m.scopes.scope3_kg.to_string(),
                    m.scopes.total_kg.to_string(),
                    restated.clone(),
                ]);
            }
        }
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, path: &str) -> Unit {
        Unit {
            unit_id: uuid::Uuid::nil(),
            institutional_id: id.into(),
            name: id.into(),
            parent_id: None,
            path: path.into(),
        }
    }

    #[test]
    fn a_unit_rolls_up_to_its_ancestor_at_the_level_or_stays_itself_above_it() {
        let lab = unit("9001", "/EPFL/ENAC/9001/");
        assert_eq!(node_at(&lab, 1), "EPFL");
        assert_eq!(node_at(&lab, 2), "ENAC");
        assert_eq!(node_at(&lab, 3), "9001");
        assert_eq!(node_at(&lab, 4), "9001", "deeper than the unit: the unit itself");
        let school = unit("ENAC", "/EPFL/ENAC/");
        assert_eq!(node_at(&school, 3), "ENAC");
    }
}
