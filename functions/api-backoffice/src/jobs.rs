//! The admin's hold on jobs: the list (the pipelines console) and abort. (Retrying a
//! recalculation lives with recalculations; the sweeper fails jobs that stop progressing.)

use axum::extract::{Path, State};
use co2_api_types::{JobAborted, JobView};
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use uuid::Uuid;

/// Filters of the jobs list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct JobsQuery {
    /// `queued`, `running`, `succeeded` or `failed`.
    state: Option<String>,
    /// `upload`, `dropbox`, `recalculation` or `export`.
    kind: Option<String>,
    /// At most this many (default 100, at most 500).
    limit: Option<i64>,
}

/// Every job, latest first (admin): the pipelines console. A failed job says why (a message
/// that kept failing was dead-lettered and its job failed with the last error).
#[utoipa::path(get, path = "/api/v1/backoffice/jobs", tag = "backoffice", params(JobsQuery),
    responses((status = 200, body = Vec<JobView>), (status = 400), (status = 403)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<JobsQuery>,
) -> ApiResult<ApiJson<Vec<JobView>>> {
    caller.require_admin()?;
    let state = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::parse::<co2_db::job::JobState>)
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_state", e.to_string()))?;
    let kind = q.kind.as_deref().filter(|k| !k.is_empty());
    if let Some(k) = kind.filter(|k| !["upload", "dropbox", "recalculation", "export"].contains(k)) {
        return Err(ApiError::bad_request("invalid_kind", format!("'{k}' is not a job kind")));
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let jobs = co2_db::job::list(&ctx.pools.read, state, kind, limit).await?;
    Ok(ApiJson(
        jobs.into_iter()
            .map(|(job, unit)| {
                // The detail (`GET /api/v1/jobs/{id}`) carries the row errors and the report link.
                let mut view = job.into_view(unit, None);
                view.errors.clear();
                view
            })
            .collect(),
    ))
}

/// Stops a queued or running job (admin): it is failed with the admin's name, and an upload's
/// staged rows are removed — nothing it would have published appears. Steps that receive its
/// messages afterwards find it ended and do nothing.
#[utoipa::path(post, path = "/api/v1/backoffice/jobs/{job_id}/abort", tag = "backoffice",
    params(("job_id" = Uuid, Path)),
    responses((status = 200, body = JobAborted), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn abort(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(job_id): Path<Uuid>,
) -> ApiResult<ApiJson<JobAborted>> {
    caller.require_admin()?;
    let mut tx = ctx.pools.write.begin().await?;
    let job = co2_db::job::lock(&mut *tx, job_id)
        .await?
        .ok_or_else(|| ApiError::not_found("job_not_found", "no such job"))?;
    if job.state.is_final() {
        return Err(ApiError::conflict("job_ended", format!("the job has already {}", job.state)));
    }
    let reason = format!("aborted by {}", caller.user.institutional_id);
    co2_db::job::fail(&mut *tx, job_id, &reason).await?;
    let removed = co2_db::entry::discard_staged(&mut tx, job_id).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "job.aborted",
        Some(&job_id.to_string()),
        serde_json::json!({"kind": job.kind, "previous_state": job.state, "staged_rows_removed": removed}),
    )
    .await?;
    tx.commit().await?;
    co2_dropbox::write_for_job(&ctx, job_id).await.map_err(|e| ApiError::Unavailable(e.into()))?;
    Ok(ApiJson(JobAborted { job_id, staged_rows_removed: removed }))
}
