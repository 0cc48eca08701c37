//! The results figures of a unit-year (DOMAIN §6.3): the arithmetic is `co2_domain::totals`,
//! fed with the leaf sums, FTE and IT classes of the published entries.

use crate::report::{module_status, modules, progress, scope_totals, sum};
use axum::extract::{Path, Query, State};
use co2_api_types::{
    CategoryResult, ClassBreakdownView, ClassResult, ItFocusView, LeafResult, ModuleChange, ModuleResult, ResultsView,
    YearOverYearView,
};
use co2_domain::Module;
use co2_domain::totals;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

/// Results parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ResultsQuery {
    /// `validated` (default: validated modules only, DOMAIN §6.3) or `all` (every module, as the
    /// simulator counts).
    basis: Option<String>,
    /// Comma-separated module keys removed from every figure.
    exclude: Option<String>,
}

async fn snapshot(ctx: &Ctx, unit: &co2_db::org::Unit, year: i32) -> ApiResult<Option<totals::ReportSnapshot>> {
    let rows = co2_db::report::modules_of(&ctx.pools.read, unit.unit_id, year).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let statuses = rows
        .iter()
        .filter_map(|r| Some((Module::parse(&r.module)?, totals::ModuleStatus::from_code(r.status)?)))
        .collect();
    let leaf_rows = co2_db::results::leaf_sums(&ctx.pools.read, unit.unit_id, year)
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
    let headcount_fte = co2_db::results::headcount_fte(&ctx.pools.read, unit.unit_id, year).await?;
    let it_classes = co2_db::results::it_class_sums(&ctx.pools.read, unit.unit_id, year)
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
/// car-km equivalent, IT focus, and the change against the previous year.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years/{year}/results", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path), ResultsQuery),
    responses((status = 200, body = ResultsView), (status = 400), (status = 404, description = "unknown or not visible")))]
pub(crate) async fn results(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
    Query(q): Query<ResultsQuery>,
) -> ApiResult<ApiJson<ResultsView>> {
    let basis = match q.basis.as_deref().unwrap_or("validated") {
        "validated" => totals::Basis::ValidatedModules,
        "all" => totals::Basis::AllModules,
        other => {
            return Err(ApiError::bad_request("invalid_basis", format!("basis '{other}' is not validated or all")));
        }
    };
    let mut exclude = std::collections::BTreeSet::new();
    for key in q.exclude.as_deref().unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()) {
        exclude.insert(
            Module::parse(key).ok_or_else(|| ApiError::bad_request("invalid_module", format!("no module '{key}'")))?,
        );
    }
    let options = totals::TotalsOptions { basis, exclude_modules: exclude.clone() };
    let (unit, mods) = modules(&ctx, &caller, &unit, year).await?;
    let (completion_progress, _) = progress(&mods);
    let current = snapshot(&ctx, &unit, year).await?.unwrap_or_default();
    let figures = totals::compute_totals(&current, &options);
    let previous = snapshot(&ctx, &unit, year - 1).await?.map(|p| totals::compute_totals(&p, &options));
    let change = totals::compare_years(&figures, previous.as_ref());

    let modules_out = mods
        .iter()
        .filter(|(m, _)| !exclude.contains(m))
        .map(|(m, r)| ModuleResult {
            module: m.key().to_owned(),
            status: module_status(r.status),
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
    Ok(ApiJson(ResultsView {
        unit: unit.institutional_id,
        year,
        modules: modules_out,
        entered: sum(mods.iter().filter(|(m, _)| !exclude.contains(m)).map(|(_, r)| r)),
        core: scope_totals(figures.scopes.scope1_kg, figures.scopes.scope2_kg, figures.scopes.scope3_kg),
        completion_progress,
        basis: match basis {
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
    }))
}
