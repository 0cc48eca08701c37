//! api-workspace: the caller's units and years, a unit-year report with its 8 modules, and the
//! results totals.
//!
//! Owns `/api/v1/units` (except module entries, which api-entries serves) and `/api/v1/years`.
//! Every route resolves the unit and checks the caller may view it (404 otherwise).

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use co2_api_types::{
    ModuleResult, ModuleStatus, ModuleView, ReportView, ResultsView, ScopeTotals, UnitSummary, YearSummary,
};
use co2_db::report::{ReportModule, status};
use co2_domain::Module;
use co2_platform::auth::{Caller, UnitRole, visible_unit};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/units", get(list_units))
        .route("/api/v1/units/{unit}/years", get(list_years))
        .route("/api/v1/units/{unit}/years/{year}/report", get(report))
        .route("/api/v1/units/{unit}/years/{year}/results", get(results))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(list_units, list_years, report, results))]
    struct Doc;
    Doc::openapi()
}

/// Units the caller may open, with the caller's role in each.
#[utoipa::path(get, path = "/api/v1/units", tag = "workspace", responses((status = 200, body = [UnitSummary])))]
async fn list_units(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<Vec<UnitSummary>>> {
    let units = co2_db::org::all_units(&ctx.pools.read).await?;
    let mut out = Vec::new();
    for u in units.iter().filter(|u| caller.can_view_unit(u)) {
        let parent =
            u.parent_id.and_then(|p| units.iter().find(|x| x.unit_id == p)).map(|p| p.institutional_id.clone());
        let my_role = match caller.unit_role(u) {
            Some(UnitRole::Principal) => Some(co2_api_types::Persona::Principal),
            Some(UnitRole::Standard) => Some(co2_api_types::Persona::Standard),
            None if caller.is_admin() => Some(co2_api_types::Persona::Admin),
            None => None,
        };
        out.push(UnitSummary { institutional_id: u.institutional_id.clone(), name: u.name.clone(), parent, my_role });
    }
    Ok(ApiJson(out))
}

/// Report years of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years", tag = "workspace",
    params(("unit" = String, Path, description = "unit institutional id")),
    responses((status = 200, body = [YearSummary]), (status = 404, description = "unknown or not visible")))]
async fn list_years(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(unit): Path<String>,
) -> ApiResult<ApiJson<Vec<YearSummary>>> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    let years = co2_db::report::years_of_unit(&ctx.pools.read, unit.unit_id).await?;
    Ok(ApiJson(years.into_iter().map(|y| YearSummary { year: y.report_year_id, is_open: y.is_open }).collect()))
}

fn module_status(code: i16) -> ModuleStatus {
    match code {
        status::VALIDATED => ModuleStatus::Validated,
        status::IN_PROGRESS => ModuleStatus::InProgress,
        _ => ModuleStatus::NotStarted,
    }
}

/// The 8 modules of (unit, year) in DOMAIN order.
async fn modules(
    ctx: &Ctx,
    caller: &Caller,
    unit: &str,
    year: i32,
) -> ApiResult<(co2_db::org::Unit, Vec<(Module, ReportModule)>)> {
    let unit = visible_unit(ctx, caller, unit).await?;
    let rows = co2_db::report::modules_of(&ctx.pools.read, unit.unit_id, year).await?;
    if rows.is_empty() {
        return Err(ApiError::not_found(
            "report_not_found",
            format!("unit {} has no report for {year}", unit.institutional_id),
        ));
    }
    let mut out: Vec<(Module, ReportModule)> =
        rows.into_iter().filter_map(|r| Module::parse(&r.module).map(|m| (m, r))).collect();
    out.sort_by_key(|(m, _)| m.position());
    Ok((unit, out))
}

fn progress(mods: &[(Module, ReportModule)]) -> (String, ModuleStatus) {
    let validated = mods.iter().filter(|(_, r)| r.status == status::VALIDATED).count();
    let overall = match validated {
        0 => ModuleStatus::NotStarted,
        n if n == mods.len() => ModuleStatus::Validated,
        _ => ModuleStatus::InProgress,
    };
    (format!("{validated}/{}", mods.len()), overall)
}

/// A unit-year report: the 8 modules with status, entry count and headline totals.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years/{year}/report", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = ReportView), (status = 404, description = "unknown or not visible")))]
async fn report(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<ReportView>> {
    let (unit, mods) = modules(&ctx, &caller, &unit, year).await?;
    let (completion_progress, overall_status) = progress(&mods);
    let modules = mods
        .iter()
        .map(|(m, r)| ModuleView {
            module: m.key().to_owned(),
            position: m.position(),
            status: module_status(r.status),
            entry_count: r.entry_count,
            kg_co2eq: r.headline_kg,
            scope1_kg: r.scope1_kg,
            scope2_kg: r.scope2_kg,
            scope3_kg: r.scope3_kg,
            additional_kg: r.additional_kg,
            entry_types: m.entry_types().map(|t| t.name().to_owned()).collect(),
        })
        .collect();
    Ok(ApiJson(ReportView {
        unit: unit.institutional_id,
        unit_name: unit.name,
        year,
        modules,
        completion_progress,
        overall_status,
    }))
}

fn totals(s1: f64, s2: f64, s3: f64) -> ScopeTotals {
    let total = s1 + s2 + s3;
    ScopeTotals { scope1_kg: s1, scope2_kg: s2, scope3_kg: s3, total_kg: total, total_t: total / 1000.0 }
}

fn sum<'a>(rows: impl Iterator<Item = &'a ReportModule>) -> ScopeTotals {
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for r in rows {
        a += r.scope1_kg;
        b += r.scope2_kg;
        c += r.scope3_kg;
    }
    totals(a, b, c)
}

/// Totals per module and scope; `entered` counts every module, `core` only validated ones.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years/{year}/results", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = ResultsView), (status = 404, description = "unknown or not visible")))]
async fn results(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<ResultsView>> {
    let (unit, mods) = modules(&ctx, &caller, &unit, year).await?;
    let (completion_progress, _) = progress(&mods);
    let modules = mods
        .iter()
        .map(|(m, r)| ModuleResult {
            module: m.key().to_owned(),
            status: module_status(r.status),
            totals: totals(r.scope1_kg, r.scope2_kg, r.scope3_kg),
            additional_kg: r.additional_kg,
        })
        .collect();
    Ok(ApiJson(ResultsView {
        unit: unit.institutional_id,
        year,
        modules,
        entered: sum(mods.iter().map(|(_, r)| r)),
        core: sum(mods.iter().filter(|(_, r)| r.status == status::VALIDATED).map(|(_, r)| r)),
        completion_progress,
    }))
}
