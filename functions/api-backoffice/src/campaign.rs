//! The yearly campaign (the office): a deadline per year, reminders to the principals of the
//! units not done, the office's digest, and who is late. Opening a year tells every principal
//! (`backoffice::create_year`, `backoffice::update_year`). Every message is a notification in the
//! app and an e-mail in the outbox, which the sweeper's round delivers when a relay is set.

use axum::extract::{Path, State};
use co2_api_types::{CampaignSent, DeadlineRequest, LateUnitsView, YearSummary};
use co2_platform::auth::Caller;
use co2_platform::reporting_scope::units_reported_on;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Sets (or clears) the campaign's deadline of a year (admin).
#[utoipa::path(put, path = "/api/v1/backoffice/years/{year}/deadline", tag = "backoffice",
    params(("year" = i32, Path)), request_body = DeadlineRequest,
    responses((status = 200, body = YearSummary), (status = 403), (status = 404)))]
pub(crate) async fn set_deadline(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(req): ApiJson<DeadlineRequest>,
) -> ApiResult<ApiJson<YearSummary>> {
    caller.require_admin()?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::report::set_year_deadline(&mut *tx, year, req.deadline).await.map_err(|e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("year_not_found", format!("no year {year}")),
        other => other.into(),
    })?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "year.deadline_set",
        Some(&year.to_string()),
        serde_json::json!({"deadline": req.deadline}),
    )
    .await?;
    tx.commit().await?;
    let updated = co2_db::report::year(&ctx.pools.write, year)
        .await?
        .ok_or_else(|| ApiError::not_found("year_not_found", format!("no year {year}")))?;
    Ok(ApiJson(updated.summary()))
}

/// The units the caller reports on that have not validated every module, with the modules left,
/// the principal, and how far past the deadline the campaign is.
#[utoipa::path(get, path = "/api/v1/backoffice/years/{year}/late", tag = "backoffice",
    params(("year" = i32, Path)),
    responses((status = 200, body = LateUnitsView), (status = 403), (status = 404)))]
pub(crate) async fn late(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<LateUnitsView>> {
    let units = units_reported_on(&ctx, &caller, year, None, "the campaign").await?;
    Ok(ApiJson(co2_results::campaign::late(&ctx.pools.read, year, &units, today()).await?))
}

/// Reminds the principal of every unit not done of the modules left (admin): a notification
/// and an e-mail each.
#[utoipa::path(post, path = "/api/v1/backoffice/years/{year}/reminders", tag = "backoffice",
    params(("year" = i32, Path)),
    responses((status = 200, body = CampaignSent), (status = 403), (status = 404)))]
pub(crate) async fn remind(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<CampaignSent>> {
    caller.require_admin()?;
    let units = units_reported_on(&ctx, &caller, year, None, "reminders").await?;
    let sent = co2_results::campaign::remind(&ctx.pools.write, year, &units, today()).await?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "campaign.reminded",
        Some(&year.to_string()),
        serde_json::json!({"units": sent.units, "notifications": sent.notifications, "mails": sent.mails}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(sent))
}

/// Sends the office the campaign's digest now (admin); the sweeper sends it weekly by itself
/// while an open year has a deadline.
#[utoipa::path(post, path = "/api/v1/backoffice/years/{year}/digest", tag = "backoffice",
    params(("year" = i32, Path)),
    responses((status = 200, body = CampaignSent), (status = 403), (status = 404)))]
pub(crate) async fn digest(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<CampaignSent>> {
    caller.require_admin()?;
    units_reported_on(&ctx, &caller, year, None, "the digest").await?;
    Ok(ApiJson(co2_results::campaign::digest(&ctx.pools.write, year, today()).await?))
}
