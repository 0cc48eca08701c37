//! Reporting across units (DOMAIN §6.3 figures of many reports at once): each unit's row — its
//! completion, module states, validated core total, t per FTE and top category — the summary
//! cards, the per-module state counts and the charts of the units a filter keeps. The API page,
//! its CSV and JSON and the PDF export all read it here, so they cannot disagree.
//!
//! Every report is read in a handful of queries for all units together (`crate::figures`), and
//! each unit's figures are computed by `co2_domain::totals` exactly as on its results page
//! (validated modules).

use co2_api_types::{
    ModuleState, ModuleStatus, ReportingCategory, ReportingFilters, ReportingModule, ReportingSummary, ReportingUnit,
    ReportingView, UnitCompletion,
};
use co2_db::org::Unit;
use co2_db::{Db, DbResult};
use co2_domain::{Category, Module, totals};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// A unit's completion from its modules' states.
pub fn completion_of(states: &[ModuleStatus]) -> UnitCompletion {
    if !states.is_empty() && states.iter().all(|s| *s == ModuleStatus::Validated) {
        UnitCompletion::Validated
    } else if states.iter().all(|s| *s == ModuleStatus::NotStarted) {
        UnitCompletion::NotStarted
    } else {
        UnitCompletion::InProgress
    }
}

/// Whether a unit's row passes the completion and module filters (the subtree was applied when
/// the units were chosen).
fn keeps(filters: &ReportingFilters, row: &ReportingUnit) -> bool {
    let completion = filters.completion.is_none_or(|c| c == row.completion);
    let module = match (&filters.module, filters.module_status) {
        (Some(m), Some(status)) => row.modules.iter().any(|s| &s.module == m && s.status == status),
        _ => true,
    };
    completion && module
}

/// The reporting view of `units` (already limited to the caller's rights and the subtree) in
/// `year`, keeping those that pass the completion and module filters. Units without a report for
/// the year are left out.
pub async fn view(db: &Db, year: i32, units: &[Unit], filters: &ReportingFilters) -> DbResult<ReportingView> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.unit_id).collect();
    let reports = crate::figures::read(db, &ids, year, crate::figures::Leaves::Stored).await?;
    let principals: HashMap<Uuid, String> = co2_db::results::principals_of_units(db, &ids).await?.into_iter().collect();
    let types: Vec<i16> = co2_domain::EntryType::ALL
        .into_iter()
        .filter(|t| co2_domain::thresholds::has_threshold(*t))
        .map(|t| t.id())
        .collect();
    let mut above: HashMap<Uuid, i64> = HashMap::new();
    for a in co2_db::threshold::above_by_unit(db, year, &types).await? {
        *above.entry(a.unit_id).or_default() += a.entries_above;
    }

    let options = totals::TotalsOptions::default();
    let mut rows = Vec::new();
    let mut module_counts: BTreeMap<Module, (i64, i64, i64, totals::ScopeSplit)> = BTreeMap::new();
    let mut categories: BTreeMap<Category, f64> = BTreeMap::new();
    let mut by_path: Vec<&Unit> = units.iter().collect();
    by_path.sort_by(|a, b| a.path.cmp(&b.path));
    for unit in by_path {
        let Some(report) = reports.get(&unit.unit_id) else { continue };
        let figures = totals::compute_totals(&report.snapshot, &options);
        let states: Vec<ModuleState> = figures
            .modules
            .iter()
            .map(|m| ModuleState { module: m.module.key().to_owned(), status: m.status })
            .collect();
        let statuses: Vec<ModuleStatus> = states.iter().map(|s| s.status).collect();
        let validated = statuses.iter().filter(|s| **s == ModuleStatus::Validated).count();
        let top = figures
            .categories
            .iter()
            .filter(|c| !c.category.is_additional() && c.kg > 0.0)
            .max_by(|a, b| a.kg.total_cmp(&b.kg))
            .map(|c| c.category.key().to_owned());
        let row = ReportingUnit {
            institutional_id: unit.institutional_id.clone(),
            name: unit.name.clone(),
            path: unit.path.clone(),
            principal: principals.get(&unit.unit_id).cloned(),
            fte: report.snapshot.headcount_fte,
            completion: completion_of(&statuses),
            completion_progress: format!("{validated}/{}", statuses.len()),
            modules: states,
            validated_kg: figures.core_kg,
            t_per_fte: figures.t_per_fte,
            top_category: top,
            last_update: report.last_update,
            entries_above_threshold: above.get(&unit.unit_id).copied().unwrap_or(0),
        };
        if !keeps(filters, &row) {
            continue;
        }
        for m in &figures.modules {
            let entry = module_counts.entry(m.module).or_default();
            match m.status {
                ModuleStatus::NotStarted => entry.0 += 1,
                ModuleStatus::InProgress => entry.1 += 1,
                ModuleStatus::Validated => entry.2 += 1,
            }
            if m.counted {
                entry.3.scope1_kg += m.scopes.scope1_kg;
                entry.3.scope2_kg += m.scopes.scope2_kg;
                entry.3.scope3_kg += m.scopes.scope3_kg;
            }
        }
        for c in figures.categories.iter().filter(|c| !c.category.is_additional()) {
            *categories.entry(c.category).or_default() += c.kg;
        }
        rows.push(row);
    }
    let count = |c: UnitCompletion| rows.iter().filter(|r| r.completion == c).count() as i64;
    let summary = ReportingSummary {
        units: rows.len() as i64,
        validated: count(UnitCompletion::Validated),
        in_progress: count(UnitCompletion::InProgress),
        not_started: count(UnitCompletion::NotStarted),
        fte: rows.iter().map(|r| r.fte).sum(),
        validated_kg: rows.iter().map(|r| r.validated_kg).sum(),
    };
    let modules = Module::ALL
        .into_iter()
        .map(|m| {
            let (not_started, in_progress, validated, scopes) = module_counts.get(&m).copied().unwrap_or_default();
            ReportingModule {
                module: m.key().to_owned(),
                not_started,
                in_progress,
                validated,
                scopes: crate::scope_totals(scopes.scope1_kg, scopes.scope2_kg, scopes.scope3_kg),
            }
        })
        .collect();
    let categories = Category::ALL
        .into_iter()
        .filter(|c| !c.is_additional())
        .map(|c| ReportingCategory { category: c.key().to_owned(), kg: categories.get(&c).copied().unwrap_or(0.0) })
        .collect();
    Ok(ReportingView { year, filters: filters.clone(), summary, modules, categories, units: rows })
}

/// The unit rows as CSV, safe to open in a spreadsheet.
pub fn units_csv(view: &ReportingView) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "unit",
        "name",
        "path",
        "principal",
        "fte",
        "completion",
        "validated_modules",
        "validated_kg",
        "t_per_fte",
        "top_category",
        "last_update",
        "entries_above_threshold",
    ];
    header.extend(Module::ALL.iter().map(|m| m.key()));
    let _ = w.write_record(&header);
    let safe = co2_domain::spreadsheet::spreadsheet_safe;
    for r in &view.units {
        let mut record = vec![
            safe(&r.institutional_id),
            safe(&r.name),
            safe(&r.path),
            safe(r.principal.as_deref().unwrap_or("")),
            r.fte.to_string(),
            completion_key(r.completion).to_owned(),
            r.completion_progress.clone(),
            r.validated_kg.to_string(),
            r.t_per_fte.map(|t| t.to_string()).unwrap_or_default(),
            r.top_category.clone().unwrap_or_default(),
            r.last_update.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.entries_above_threshold.to_string(),
        ];
        for m in Module::ALL {
            let status = r.modules.iter().find(|s| s.module == m.key()).map(|s| status_key(s.status)).unwrap_or("");
            record.push(status.to_owned());
        }
        let _ = w.write_record(&record);
    }
    w.into_inner().unwrap_or_default()
}

/// The stored spelling of a completion.
pub fn completion_key(c: UnitCompletion) -> &'static str {
    match c {
        UnitCompletion::Validated => "validated",
        UnitCompletion::InProgress => "in_progress",
        UnitCompletion::NotStarted => "not_started",
    }
}

/// The spelling of a module status.
pub fn status_key(s: ModuleStatus) -> &'static str {
    match s {
        ModuleStatus::NotStarted => "not_started",
        ModuleStatus::InProgress => "in_progress",
        ModuleStatus::Validated => "validated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_validated_when_every_module_is_and_not_started_when_none_began() {
        use ModuleStatus::*;
        assert_eq!(completion_of(&[Validated, Validated]), UnitCompletion::Validated);
        assert_eq!(completion_of(&[Validated, NotStarted]), UnitCompletion::InProgress);
        assert_eq!(completion_of(&[InProgress, NotStarted]), UnitCompletion::InProgress);
        assert_eq!(completion_of(&[NotStarted, NotStarted]), UnitCompletion::NotStarted);
    }

    fn row(completion: UnitCompletion, travel: ModuleStatus) -> ReportingUnit {
        ReportingUnit {
            institutional_id: "9001".into(),
            name: "Lab".into(),
            path: "/1/9001/".into(),
            principal: None,
            fte: 0.0,
            completion,
            completion_progress: "0/8".into(),
            modules: vec![ModuleState { module: "professional_travel".into(), status: travel }],
            validated_kg: 0.0,
            t_per_fte: None,
            top_category: None,
            last_update: None,
            entries_above_threshold: 0,
        }
    }

    #[test]
    fn the_filters_keep_by_completion_and_by_a_modules_state() {
        let r = row(UnitCompletion::InProgress, ModuleStatus::Validated);
        assert!(keeps(&ReportingFilters::default(), &r));
        let completion = |c| ReportingFilters { completion: Some(c), ..Default::default() };
        assert!(keeps(&completion(UnitCompletion::InProgress), &r));
        assert!(!keeps(&completion(UnitCompletion::Validated), &r));
        let travel = |s| ReportingFilters {
            module: Some("professional_travel".into()),
            module_status: Some(s),
            ..Default::default()
        };
        assert!(keeps(&travel(ModuleStatus::Validated), &r));
        assert!(!keeps(&travel(ModuleStatus::NotStarted), &r));
    }
}
