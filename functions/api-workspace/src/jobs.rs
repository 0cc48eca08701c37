//! The admin's hold on jobs: abort. (Retrying a recalculation lives with recalculations; the
//! sweeper fails jobs that stop progressing.)

use crate::require_admin;
use axum::extract::{Path, State};
use co2_api_types::JobAborted;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use uuid::Uuid;

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
    require_admin(&caller)?;
    let mut tx = ctx.pools.write.begin().await?;
    let job = co2_db::job::lock(&mut *tx, job_id)
        .await?
        .ok_or_else(|| ApiError::not_found("job_not_found", "no such job"))?;
    if !matches!(job.state.as_str(), "queued" | "running") {
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
    co2_platform::drop_result::write_for_job(&ctx, job_id).await.map_err(|e| ApiError::Unavailable(e.into()))?;
    Ok(ApiJson(JobAborted { job_id, staged_rows_removed: removed }))
}
