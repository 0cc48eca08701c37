//! What the drop folder answers: the result file of a dropped file, `{dropped key}.result.json`,
//! written next to it when its job ends (or when the drop is refused outright), so an automated
//! dropper learns the outcome from storage alone. Writing it again on a redelivery gives the same
//! file; step-ingest ignores these keys, so the write never triggers a new ingestion.
//!
//! Shared by the functions that end a drop's job: step-ingest (a refused drop, a file with no
//! valid row), step-aggregate (a published or failed drop, the sweeper's failures) and
//! api-backoffice (an aborted job).

use co2_platform::{Ctx, StepError};
use serde::Serialize;
use uuid::Uuid;

/// Suffix of result files.
pub const RESULT_SUFFIX: &str = ".result.json";

/// What a result file holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DropResult {
    /// The file this result is about.
    pub object_key: String,
    /// The job that loaded it; `None` when the drop was refused before a job existed.
    pub job_id: Option<Uuid>,
    /// `succeeded`, `failed` or `refused` (bad path, unknown unit, no report that year).
    pub state: String,
    pub rows_ok: i64,
    pub rows_failed: i64,
    /// Storage key of the row-error report, when rows were rejected.
    pub error_report_key: Option<String>,
    /// Why the file was not loaded, in words a person can act on.
    pub failure: Option<String>,
}

async fn put(ctx: &Ctx, result: &DropResult) -> Result<(), StepError> {
    let body = serde_json::to_vec_pretty(result).map_err(|e| StepError::Poison(e.into()))?;
    ctx.blob.put(&format!("{}{RESULT_SUFFIX}", result.object_key), body.into(), "application/json").await?;
    tracing::info!(key = %result.object_key, state = %result.state, "dropbox.result_written");
    Ok(())
}

/// Writes the result of a drop-folder job once it has ended; does nothing for other jobs or for
/// a job still running.
pub async fn write_for_job(ctx: &Ctx, job_id: Uuid) -> Result<(), StepError> {
    let Some(job) = co2_db::job::get(&ctx.pools.write, job_id).await? else { return Ok(()) };
    if !job.state.is_final() {
        return Ok(());
    }
    let Some(upload) = co2_db::upload::of_job(&ctx.pools.write, job_id).await? else { return Ok(()) };
    if upload.source != co2_db::EntrySource::Dropbox {
        return Ok(());
    }
    put(
        ctx,
        &DropResult {
            object_key: upload.object_key,
            job_id: Some(job_id),
            state: job.state.to_string(),
            rows_ok: job.rows_ok,
            rows_failed: job.rows_failed,
            error_report_key: job.error_report_key,
            failure: job.failure,
        },
    )
    .await
}

/// Writes the result of a drop refused before any job: its path names no module, unit or year
/// that can take it.
pub async fn write_refusal(ctx: &Ctx, object_key: &str, reason: &str) -> Result<(), StepError> {
    put(
        ctx,
        &DropResult {
            object_key: object_key.to_owned(),
            job_id: None,
            state: "refused".into(),
            rows_ok: 0,
            rows_failed: 0,
            error_report_key: None,
            failure: Some(reason.to_owned()),
        },
    )
    .await
}
