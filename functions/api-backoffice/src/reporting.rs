//! Reporting across the institution (back office): the units the caller reports on, filtered by
//! subtree (faculty, institute), completion and a module's state, with the summary cards, the
//! per-module state counts, the charts and each unit's row — as JSON or as CSV of the rows. The
//! combined PDF of the same view is an export (`POST /api/v1/exports`, kind `reporting`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use co2_api_types::{ReportingFilters, ReportingView};
use co2_platform::auth::Caller;
use co2_platform::reporting_scope::{check_filters, units_reported_on};
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use serde::Deserialize;

/// `GET /api/v1/backoffice/reporting/{year}` parameters: the filters and the format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportingQuery {
    #[serde(flatten)]
    #[param(inline)]
    filters: ReportingFilters,
    /// `json` (default) or `csv` (the unit rows).
    #[serde(default)]
    format: Option<String>,
}

/// The filtered reporting view of a year: the admin reports on every unit, a back-office
/// operator on the units of their subtrees.
///
/// `curl -H "Authorization: Bearer $T" "$B/api/v1/backoffice/reporting/2025?subtree=ENAC&completion=in_progress&format=csv"`
#[utoipa::path(get, path = "/api/v1/backoffice/reporting/{year}", tag = "backoffice",
    params(("year" = i32, Path), ReportingQuery),
    responses((status = 200, body = ReportingView), (status = 400), (status = 403),
        (status = 404, description = "no such year or subtree")))]
pub(crate) async fn reporting(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiQuery(q): ApiQuery<ReportingQuery>,
) -> ApiResult<Response> {
    check_filters(&q.filters)?;
    let csv = match q.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => return Err(ApiError::bad_request("invalid_format", format!("'{other}' is not json or csv"))),
    };
    let units = units_reported_on(&ctx, &caller, year, q.filters.subtree.as_deref(), "reporting").await?;
    let view = co2_results::reporting::view(&ctx.pools.read, year, &units, &q.filters).await?;
    if csv {
        let disposition = format!("attachment; filename=\"reporting_{year}.csv\"");
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
            co2_results::reporting::units_csv(&view),
        )
            .into_response());
    }
    Ok(ApiJson(view).into_response())
}
