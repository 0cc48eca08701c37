//! The reports of many units in one year, read together as the domain's totals take them: each
//! unit's module states and leaf sums (`module_leaf_total`), its headcount FTE and when it last
//! changed. A handful of queries whatever the number of units.
//!
//! The leaf sums are the stored ones, or — for a restatement — every published entry computed
//! again with the factors of another year (the GHG Protocol's base-year recalculation). A
//! restatement is read-only: nothing stored changes.

use co2_db::{Db, DbResult};
use co2_domain::{EmissionType, EntryType, Module, totals};
use std::collections::HashMap;
use uuid::Uuid;

/// One unit's report of the year.
#[derive(Debug, Clone, Default)]
pub struct UnitReport {
    pub snapshot: totals::ReportSnapshot,
    /// When a module last changed.
    pub last_update: Option<chrono::DateTime<chrono::Utc>>,
}

/// Which emissions a report is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaves {
    /// As stored: computed with the report year's factors.
    Stored,
    /// Every entry computed again with the factors of this year.
    RestatedWith(i32),
}

/// The reports of `units` in `year` (units without one are absent).
pub async fn read(db: &Db, units: &[Uuid], year: i32, leaves: Leaves) -> DbResult<HashMap<Uuid, UnitReport>> {
    let mut reports: HashMap<Uuid, UnitReport> = HashMap::new();
    for s in co2_db::results::module_states_of_units(db, units, year).await? {
        let report = reports.entry(s.unit_id).or_default();
        if let Some(module) = Module::parse(&s.module) {
            report.snapshot.statuses.insert(module, s.status);
        }
        report.last_update = report.last_update.max(Some(s.updated_at));
    }
    let sums = match leaves {
        Leaves::Stored => co2_db::results::leaf_sums_of_units(db, units, year).await?,
        Leaves::RestatedWith(factors_year) => restated_leaf_sums(db, units, year, factors_year).await?,
    };
    for l in sums {
        let (Some(report), Some(module), Some(leaf)) =
            (reports.get_mut(&l.unit_id), Module::parse(&l.module), EmissionType::by_key(&l.emission_type))
        else {
            continue;
        };
        report.snapshot.rows.push(totals::TaggedRow { module, emission_type: leaf, kg_co2eq: l.kg_co2eq });
    }
    for (unit_id, fte) in co2_db::results::fte_by_unit(db, units, year).await? {
        if let Some(report) = reports.get_mut(&unit_id) {
            report.snapshot.headcount_fte = fte;
        }
    }
    Ok(reports)
}

/// The leaf sums of `units` in `year` with every published entry computed again with the factors
/// of `factors_year`. The activity stays the year's own: money is converted at the year's
/// exchange rates, and an entry's `kg_co2eq` override stands as given.
pub async fn restated_leaf_sums(
    db: &Db,
    units: &[Uuid],
    year: i32,
    factors_year: i32,
) -> DbResult<Vec<co2_db::results::UnitLeafSum>> {
    let mut sums: HashMap<(Uuid, Module, &'static str), f64> = HashMap::new();
    for module in Module::ALL {
        let entries = co2_db::results::entries_of_units(db, units, year, module.key()).await?;
        if entries.is_empty() {
            continue;
        }
        let batch: Vec<&serde_json::Value> = entries.iter().map(|e| &e.data).collect();
        let mut tx = db.begin().await?;
        let mut factors = co2_db::engine::load_factors(&mut tx, factors_year, module, &batch).await?;
        if matches!(module, Module::Purchase | Module::ExternalCloudAndAi) {
            factors.rates = co2_db::reference::exchange_table(&mut *tx, year).await?;
        }
        tx.commit().await?;
        for e in &entries {
            let Some(entry_type) = EntryType::from_id(e.data_entry_type) else { continue };
            let computed = co2_db::engine::compute(entry_type, &e.data, &factors);
            for row in computed.computation.rows() {
                *sums.entry((e.unit_id, module, row.emission_type.key)).or_default() += row.kg_co2eq;
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|((unit_id, module, leaf), kg)| co2_db::results::UnitLeafSum {
            unit_id,
            module: module.key().to_owned(),
            emission_type: leaf.to_owned(),
            kg_co2eq: kg,
        })
        .collect())
}
