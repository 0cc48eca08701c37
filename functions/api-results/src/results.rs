//! The results figures of a unit-year (DOMAIN §6.3), computed by `co2_results` (which the
//! exports share) for a unit the caller may view.

use axum::extract::{Path, Query, State};
use co2_api_types::{ModuleBreakdownView, QualityView, ResultsView, TripsMapView};
use co2_platform::auth::{Caller, visible_report};
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

/// Every figure of a unit-year: module and scope totals, the core total and the total with the
/// additional categories (two named totals, DOMAIN §9 D15), categories in chart order, per FTE,
/// car-km equivalent, IT focus, and the change against the previous year.
#[utoipa::path(get, path = "/api/v1/results/units/{unit}/years/{year}", tag = "results",
    params(("unit" = String, Path), ("year" = i32, Path), ResultsQuery),
    responses((status = 200, body = ResultsView), (status = 400), (status = 404, description = "unknown or not visible")))]
pub(crate) async fn results(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
    Query(q): Query<ResultsQuery>,
) -> ApiResult<ApiJson<ResultsView>> {
    let options = co2_results::parse_options(q.basis.as_deref(), q.exclude.as_deref())
        .map_err(|e| ApiError::bad_request(e.code, e.message))?;
    let (unit, mods) = visible_report(&ctx, &caller, &unit, year).await?;
    Ok(ApiJson(
        co2_results::unit_results(&ctx.pools.read, unit.unit_id, &unit.institutional_id, year, &mods, &options).await?,
    ))
}

/// How good a unit-year's data is and how uncertain its total: per module and in total, the
/// entries by quality class (measured, activity-based, spend-based, default-filled, overridden,
/// incomplete), a kg-weighted score, the coverage, the ± range of the kg, and the three factors
/// whose better data would shrink the range most. Every module's current rows count.
#[utoipa::path(get, path = "/api/v1/results/units/{unit}/years/{year}/quality", tag = "results",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = QualityView), (status = 404, description = "unknown or not visible")))]
pub(crate) async fn quality(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<QualityView>> {
    let (unit, _) = visible_report(&ctx, &caller, &unit, year).await?;
    Ok(ApiJson(co2_results::quality::unit_quality(&ctx.pools.read, unit.unit_id, &unit.institutional_id, year).await?))
}

/// A module's entries grouped for its page's charts: flights by mode, haul and class, equipment
/// by class, energy and embodied energy by building, the headcount's FTE by position… Every
/// entry counts, validated or not; the additional categories do not.
#[utoipa::path(get, path = "/api/v1/results/units/{unit}/years/{year}/modules/{module}/breakdown", tag = "results",
    params(("unit" = String, Path), ("year" = i32, Path), ("module" = String, Path)),
    responses((status = 200, body = ModuleBreakdownView), (status = 404, description = "unknown or not visible")))]
pub(crate) async fn breakdown(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year, module)): Path<(String, i32, String)>,
) -> ApiResult<ApiJson<ModuleBreakdownView>> {
    let module = co2_domain::Module::parse(&module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{module}'")))?;
    let (unit, _) = visible_report(&ctx, &caller, &unit, year).await?;
    Ok(ApiJson(co2_results::breakdown::module_breakdown(&ctx.pools.read, unit.unit_id, year, module).await?))
}

/// The unit-year's trips for its map: one route per mode and pair of places (both directions
/// together) with its trips and kg, placed with the reference's airports and stations. No
/// traveller is named. Every entry counts, validated or not.
#[utoipa::path(get, path = "/api/v1/results/units/{unit}/years/{year}/trips", tag = "results",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = TripsMapView), (status = 404, description = "unknown or not visible")))]
pub(crate) async fn trips(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<TripsMapView>> {
    let (unit, _) = visible_report(&ctx, &caller, &unit, year).await?;
    Ok(ApiJson(co2_results::trips::unit_trips(&ctx.pools.read, unit.unit_id, year).await?))
}
