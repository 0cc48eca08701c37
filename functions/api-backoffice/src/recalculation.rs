//! Recalculation (DOMAIN §4 factor lifecycle): computing a year's entries again with the current
//! factors, automatically after a factor upload or on the admin's request. The work is planned
//! here as slices and handed to step-compute; results of validated modules change only this way,
//! and the change is audited.

use axum::extract::State;
use axum::http::StatusCode;
use co2_api_types::{RecalculationRequest, RecalculationStarted};
use co2_db::job::JobState;
use co2_db::recalc::Scope;
use co2_domain::{EntryType, Module};
use co2_platform::auth::Caller;
use co2_platform::events::{RecalculateMessage, STEP_MESSAGE_VERSION, StepMessage};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use uuid::Uuid;

/// Plans a recalculation job in its own transaction, then queues its slices.
pub(crate) async fn start(
    ctx: &Ctx,
    scope: &Scope<'_>,
    module: Option<Module>,
    created_by: Option<Uuid>,
    actor: &str,
) -> ApiResult<RecalculationStarted> {
    let mut tx = ctx.pools.write.begin().await?;
    let (job_id, slices) = co2_db::recalc::plan(&mut tx, scope, module.map(Module::key), created_by).await?;
    let entries: i64 = slices.iter().map(|s| i64::from(s.entries)).sum();
    co2_db::audit::append(
        &mut tx,
        actor,
        "recalculation.started",
        Some(&job_id.to_string()),
        serde_json::json!({"year": scope.year, "entry_types": scope.entry_types, "entries": entries,
            "slices": slices.len()}),
    )
    .await?;
    tx.commit().await?;
    send_slices(ctx, job_id, &slices).await?;
    tracing::info!(%job_id, entries, slices = slices.len(), "recalculation.started");
    Ok(RecalculationStarted { job_id, entries, slices: slices.len() })
}

/// Computes entries again with the year's current factors (admin): a year, optionally narrowed
/// to a module, an entry type and a unit. Answers at once with the job to follow.
#[utoipa::path(post, path = "/api/v1/backoffice/recalculations", tag = "backoffice",
    request_body = RecalculationRequest,
    responses((status = 202, body = RecalculationStarted), (status = 403), (status = 404)))]
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<RecalculationRequest>,
) -> ApiResult<(StatusCode, ApiJson<RecalculationStarted>)> {
    caller.require_admin()?;
    if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == req.year) {
        return Err(ApiError::not_found("year_not_found", format!("no year {}", req.year)));
    }
    let module = match req.module.as_deref() {
        Some(m) => {
            Some(Module::parse(m).ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{m}'")))?)
        }
        None => None,
    };
    let types: Vec<i16> = match (module, req.entry_type.as_deref()) {
        (Some(m), Some(t)) => vec![
            EntryType::parse_in(m, t)
                .ok_or_else(|| {
                    ApiError::not_found("entry_type_not_found", format!("'{t}' is not a type of {}", m.key()))
                })?
                .id(),
        ],
        (None, Some(_)) => {
            return Err(ApiError::bad_request("module_required", "an entry type needs its module"));
        }
        (Some(m), None) => m.entry_types().map(EntryType::id).collect(),
        (None, None) => EntryType::ALL.into_iter().map(EntryType::id).collect(),
    };
    let unit_id = match req.unit.as_deref() {
        Some(u) => Some(
            co2_db::org::unit_by_institutional_id(&ctx.pools.read, u)
                .await?
                .ok_or_else(|| ApiError::not_found("unit_not_found", format!("no unit '{u}'")))?
                .unit_id,
        ),
        None => None,
    };
    let scope = Scope { year: req.year, entry_types: &types, unit_id };
    let started = start(&ctx, &scope, module, Some(caller.user.app_user_id), &caller.user.institutional_id).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(started)))
}

/// Queues again the slices of a running recalculation that are not done yet (admin): after a
/// lost message or a queue outage. Slices already done are not touched; a duplicate is harmless.
#[utoipa::path(post, path = "/api/v1/backoffice/jobs/{job_id}/retry", tag = "backoffice",
    params(("job_id" = Uuid, Path)),
    responses((status = 202, body = RecalculationStarted), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn retry(
    State(ctx): State<Ctx>,
    caller: Caller,
    axum::extract::Path(job_id): axum::extract::Path<Uuid>,
) -> ApiResult<(StatusCode, ApiJson<RecalculationStarted>)> {
    caller.require_admin()?;
    let job = co2_db::job::get(&ctx.pools.write, job_id)
        .await?
        .ok_or_else(|| ApiError::not_found("job_not_found", "no such job"))?;
    if job.kind != "recalculation" || job.state != JobState::Running {
        return Err(ApiError::conflict("job_not_retryable", "only a running recalculation can be retried"));
    }
    let pending = co2_db::recalc::pending_slices(&ctx.pools.write, job_id).await?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "recalculation.retried",
        Some(&job_id.to_string()),
        serde_json::json!({"slices": pending.len()}),
    )
    .await?;
    tx.commit().await?;
    send_slices(&ctx, job_id, &pending).await?;
    let entries = pending.iter().map(|s| i64::from(s.entries)).sum();
    Ok((StatusCode::ACCEPTED, ApiJson(RecalculationStarted { job_id, entries, slices: pending.len() })))
}

/// Queues one `recalculate` message per slice.
async fn send_slices(ctx: &Ctx, job_id: Uuid, slices: &[co2_db::recalc::Slice]) -> ApiResult<()> {
    for s in slices {
        let msg = StepMessage::Recalculate(RecalculateMessage {
            version: STEP_MESSAGE_VERSION,
            job_id,
            slice_no: s.slice_no,
        });
        ctx.queue
            .send(&ctx.settings.queue_compute, &msg.to_body())
            .await
            .map_err(|e| ApiError::Unavailable(anyhow::anyhow!("queueing the recalculation: {e}")))?;
    }
    Ok(())
}
