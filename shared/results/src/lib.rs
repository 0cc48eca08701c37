//! The figures of a unit-year as users see them (DOMAIN §6.3): the results page, the API and the
//! exports all read them here, so a workbook or a PDF can never disagree with the screen. The
//! arithmetic is `co2_domain::totals`; this crate feeds it with the published entries' leaf sums,
//! FTE and IT classes, and shapes the answer as `ResultsView`.

pub mod breakdown;
pub mod campaign;
pub mod coverage;
pub mod figures;
pub mod inventory;
pub mod quality;
pub mod reporting;
pub mod rollups;
pub mod trips;

use co2_api_types::{
    CategoryResult, ClassBreakdownView, ClassResult, ItFocusView, LeafResult, ModuleChange, ModuleResult, ModuleStatus,
    ResultsView, ScopeTotals, YearOverYearView,
};
use co2_db::Db;
use co2_db::DbResult;
use co2_db::report::ReportModule;
use co2_domain::{Module, totals};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Scope totals with their sum in kg and t.
pub fn scope_totals(s1: f64, s2: f64, s3: f64) -> ScopeTotals {
    let total = s1 + s2 + s3;
    ScopeTotals { scope1_kg: s1, scope2_kg: s2, scope3_kg: s3, total_kg: total, total_t: total / 1000.0 }
}

/// The scope totals of some modules.
pub fn sum<'a>(rows: impl Iterator<Item = &'a ReportModule>) -> ScopeTotals {
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for r in rows {
        a += r.scope1_kg;
        b += r.scope2_kg;
        c += r.scope3_kg;
    }
    scope_totals(a, b, c)
}

/// "validated/total" and the overall status of a report's modules.
pub fn progress(mods: &[(Module, ReportModule)]) -> (String, ModuleStatus) {
    let validated = mods.iter().filter(|(_, r)| r.status == ModuleStatus::Validated).count();
    let overall = match validated {
        0 => ModuleStatus::NotStarted,
        n if n == mods.len() => ModuleStatus::Validated,
        _ => ModuleStatus::InProgress,
    };
    (format!("{validated}/{}", mods.len()), overall)
}

pub use co2_db::report::modules_in_order;

/// Why results options were refused: an error code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidOptions {
    pub code: &'static str,
    pub message: String,
}

/// Reads the `basis` (`validated`, the default, or `all`) and `exclude` (comma-separated module
/// keys) options of the results.
pub fn parse_options(basis: Option<&str>, exclude: Option<&str>) -> Result<totals::TotalsOptions, InvalidOptions> {
    let basis = match basis.unwrap_or("validated") {
        "validated" => totals::Basis::ValidatedModules,
        "all" => totals::Basis::AllModules,
        other => {
            return Err(InvalidOptions {
                code: "invalid_basis",
                message: format!("basis '{other}' is not validated or all"),
            });
        }
    };
    let mut exclude_modules = BTreeSet::new();
    for key in exclude.unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()) {
        exclude_modules.insert(
            Module::parse(key)
                .ok_or_else(|| InvalidOptions { code: "invalid_module", message: format!("no module '{key}'") })?,
        );
    }
    Ok(totals::TotalsOptions { basis, exclude_modules })
}

/// What the domain's totals need of a unit-year, or `None` when it has no report.
async fn snapshot(db: &Db, unit_id: Uuid, year: i32) -> DbResult<Option<totals::ReportSnapshot>> {
    let rows = co2_db::report::modules_of(db, unit_id, year).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let statuses = rows.iter().filter_map(|r| Some((Module::parse(&r.module)?, r.status))).collect();
    let leaf_rows = co2_db::results::leaf_sums(db, unit_id, year)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(totals::TaggedRow {
                module: Module::parse(&l.module)?,
                emission_type: co2_domain::EmissionType::by_key(&l.emission_type)?,
                kg_co2eq: l.kg_co2eq,
            })
        })
        .collect();
    let headcount_fte = co2_db::results::headcount_fte(db, unit_id, year).await?;
    let it_classes = co2_db::results::it_class_sums(db, unit_id, year)
        .await?
        .into_iter()
        .map(|c| totals::ItClassRow {
            source: if c.data_entry_type == co2_domain::EntryType::It.id() {
                totals::ItClassSource::Equipment
            } else {
                totals::ItClassSource::Purchases
            },
            class: c.class,
            label: c.label,
            kg: c.kg_co2eq,
        })
        .collect();
    Ok(Some(totals::ReportSnapshot { statuses, rows: leaf_rows, headcount_fte, it_classes }))
}

fn leaves(list: &[totals::LeafTotal]) -> Vec<LeafResult> {
    list.iter().map(|l| LeafResult { emission_type: l.leaf.key.to_owned(), kg: l.kg }).collect()
}

fn breakdown(b: &totals::ClassBreakdown) -> ClassBreakdownView {
    ClassBreakdownView {
        top: b.top.iter().map(|c| ClassResult { class: c.class.clone(), label: c.label.clone(), kg: c.kg }).collect(),
        rest_kg: b.rest_kg,
        rest_classes: b.rest_classes,
    }
}

/// Every figure of a unit-year: module and scope totals, the core total and the total with the
/// additional categories (two named totals, DOMAIN §9 D15), categories in chart order, per FTE,
/// car-km equivalent, IT focus, and the change against the previous year. `mods` are the
/// report's modules from [`modules_in_order`].
pub async fn unit_results(
    db: &Db,
    unit_id: Uuid,
    unit_institutional_id: &str,
    year: i32,
    mods: &[(Module, ReportModule)],
    options: &totals::TotalsOptions,
) -> DbResult<ResultsView> {
    let exclude = &options.exclude_modules;
    let (completion_progress, _) = progress(mods);
    let current = snapshot(db, unit_id, year).await?.unwrap_or_default();
    let figures = totals::compute_totals(&current, options);
    let previous = snapshot(db, unit_id, year - 1).await?.map(|p| totals::compute_totals(&p, options));
    let change = totals::compare_years(&figures, previous.as_ref());

    let modules_out = mods
        .iter()
        .filter(|(m, _)| !exclude.contains(m))
        .map(|(m, r)| ModuleResult {
            module: m.key().to_owned(),
            status: r.status,
            totals: scope_totals(r.scope1_kg, r.scope2_kg, r.scope3_kg),
            additional_kg: r.additional_kg,
        })
        .collect();
    let (additional, core_categories): (Vec<_>, Vec<_>) =
        figures.categories.iter().partition(|c| c.category.is_additional());
    let category = |c: &totals::CategoryTotal| CategoryResult {
        category: c.category.key().to_owned(),
        kg: c.kg,
        t_per_fte: c.t_per_fte,
        leaves: leaves(&c.leaves),
    };
    Ok(ResultsView {
        unit: unit_institutional_id.to_owned(),
        year,
        modules: modules_out,
        entered: sum(mods.iter().filter(|(m, _)| !exclude.contains(m)).map(|(_, r)| r)),
        core: scope_totals(figures.scopes.scope1_kg, figures.scopes.scope2_kg, figures.scopes.scope3_kg),
        completion_progress,
        basis: match options.basis {
            totals::Basis::ValidatedModules => "validated_modules".into(),
            totals::Basis::AllModules => "all_modules".into(),
        },
        excluded_modules: exclude.iter().map(|m| m.key().to_owned()).collect(),
        total_with_additional_kg: figures.total_with_additional_kg,
        categories: core_categories.into_iter().map(category).collect(),
        additional: additional.into_iter().map(category).collect(),
        fte: figures.fte,
        t_per_fte: figures.t_per_fte,
        car_km_equivalent: figures.car_km_equivalent,
        it_focus: ItFocusView {
            kg: figures.it_focus.kg,
            share_of_core: figures.it_focus.share_of_core,
            leaves: leaves(&figures.it_focus.leaves),
            equipment_classes: breakdown(&figures.it_focus.equipment_classes),
            purchase_classes: breakdown(&figures.it_focus.purchase_classes),
        },
        year_over_year: YearOverYearView {
            previous_year: year - 1,
            previous_core_kg: previous.as_ref().map(|p| p.core_kg),
            core_percent: change.core_percent,
            modules: change
                .modules
                .iter()
                .map(|(m, p)| ModuleChange { module: m.key().to_owned(), percent: *p })
                .collect(),
        },
    })
}
