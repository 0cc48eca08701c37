//! Roll-ups over years (back office): the units the caller reports on, summed up to one level of
//! the unit tree (the institution, faculties, institutes or units), year by year, by module and
//! scope, with the share validated and the trend — as stored, or restated with the latest
//! factors (the GHG Protocol's base-year recalculation, which changes nothing stored). JSON or CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use co2_api_types::RollupView;
use co2_platform::auth::Caller;
use co2_platform::reporting_scope::units_reported_on;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use serde::Deserialize;

/// The most years one roll-up covers.
const MAX_YEARS: usize = 20;

/// `GET /api/v1/backoffice/rollups` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RollupQuery {
    /// A unit's institutional id: only the units under it.
    subtree: Option<String>,
    /// The tree level of the nodes: 1 the institution, 2 its faculties, 3 their institutes…
    /// (default 2). A unit above that level is its own node.
    depth: Option<u32>,
    /// First and last year (default: every year).
    from: Option<i32>,
    to: Option<i32>,
    /// `validated` (default) or `all`.
    basis: Option<String>,
    /// Every year computed again with the latest year's factors.
    #[serde(default)]
    restated: bool,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// The roll-up of the units the caller reports on over the years.
///
/// `curl -H "Authorization: Bearer $T" "$B/api/v1/backoffice/rollups?depth=2&from=2024&to=2025&restated=true"`
#[utoipa::path(get, path = "/api/v1/backoffice/rollups", tag = "backoffice", params(RollupQuery),
    responses((status = 200, body = RollupView), (status = 400), (status = 403),
        (status = 404, description = "no such year or subtree")))]
pub(crate) async fn rollups(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RollupQuery>,
) -> ApiResult<Response> {
    let options =
        co2_results::parse_options(q.basis.as_deref(), None).map_err(|e| ApiError::bad_request(e.code, e.message))?;
    let csv = match q.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => return Err(ApiError::bad_request("invalid_format", format!("'{other}' is not json or csv"))),
    };
    let depth = q.depth.unwrap_or(2);
    if !(1..=12).contains(&depth) {
        return Err(ApiError::bad_request("invalid_depth", "the tree level is between 1 and 12"));
    }
    let mut known: Vec<i32> =
        co2_db::report::all_years(&ctx.pools.read).await?.iter().map(|y| y.report_year_id).collect();
    known.sort_unstable();
    let years: Vec<i32> =
        known.iter().copied().filter(|y| q.from.is_none_or(|f| *y >= f) && q.to.is_none_or(|t| *y <= t)).collect();
    let Some(&last) = years.last() else {
        return Err(ApiError::not_found("year_not_found", "no year in that range"));
    };
    if years.len() > MAX_YEARS {
        return Err(ApiError::bad_request("too_many_years", format!("at most {MAX_YEARS} years at once")));
    }
    let units = units_reported_on(&ctx, &caller, last, q.subtree.as_deref(), "roll-ups").await?;
    let all_units = co2_db::org::all_units(&ctx.pools.read).await?;
    // The latest year with factors: the factors every year is restated with.
    let restate_with = if q.restated {
        let mut with = None;
        for y in known.iter().rev() {
            if co2_db::factor::count_for(&ctx.pools.read, *y, &all_types()).await? > 0 {
                with = Some(*y);
                break;
            }
        }
        Some(with.ok_or_else(|| ApiError::conflict("factors_missing", "no year has factors to restate with"))?)
    } else {
        None
    };
    let view =
        co2_results::rollups::view(&ctx.pools.read, &units, &all_units, &years, depth as usize, &options, restate_with)
            .await?;
    if csv {
        let disposition = format!("attachment; filename=\"rollups_{}_{last}.csv\"", years[0]);
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
            co2_results::rollups::csv(&view),
        )
            .into_response());
    }
    Ok(ApiJson(view).into_response())
}

fn all_types() -> Vec<i16> {
    co2_domain::EntryType::ALL.into_iter().map(co2_domain::EntryType::id).collect()
}
