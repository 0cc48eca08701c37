//! The jobs sweeper: no job stays running forever, and a job whose messages were dead-lettered
//! says why.
//!
//! It fails (1) the job of every dead-lettered message — from the PostgreSQL queue's dead letters
//! or from every SQS dead-letter queue (`QUEUE_DEAD_LETTERS`), whose messages are then removed,
//! their reason kept on the job — and (2) jobs with no progress for `JOB_STALE_SECS` (their updated_at is the
//! heartbeat every step moves) or uploads whose file never arrived within a day. Drop-folder jobs
//! get their result file. It also settles the rows of jobs published `SETTLE_AFTER_SECS` (60)
//! ago or more: later than the work that usually follows an upload (reading its totals, the next
//! file), so settling does not compete with it (ADR 0008). Running it again finds nothing new: every action is idempotent.

use co2_platform::events::{S3Notification, StepMessage, parse_s3_notification};
use co2_platform::{Ctx, StepError};
use std::time::Duration;
use uuid::Uuid;

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Jobs failed because their messages were dead-lettered.
    pub dead_lettered: Vec<Uuid>,
    /// Jobs failed because they stopped progressing.
    pub stale: Vec<Uuid>,
    /// Published jobs whose rows were settled here.
    pub settled: Vec<Uuid>,
}

/// How long a queued upload may wait for its file.
const QUEUED_UPLOAD_LIMIT: Duration = Duration::from_secs(24 * 3600);

/// The jobs a queue message is about.
async fn jobs_of(ctx: &Ctx, body: &str) -> Result<Vec<Uuid>, StepError> {
    if let Ok(msg) = StepMessage::parse(body) {
        return Ok(match msg {
            StepMessage::Compute(m) => vec![m.job_id],
            StepMessage::Aggregate(m) => m.job_id.into_iter().collect(),
            StepMessage::Recalculate(m) => vec![m.job_id],
            StepMessage::Export(m) => vec![m.job_id],
            StepMessage::Sweep(_) => Vec::new(),
        });
    }
    let mut jobs = Vec::new();
    if let Ok(S3Notification::Created(objects)) = parse_s3_notification(body) {
        for o in objects {
            jobs.extend(co2_db::job::of_object_key(&ctx.pools.write, &o.key).await?);
        }
    }
    Ok(jobs)
}

async fn fail_dead_lettered(
    ctx: &Ctx,
    body: &str,
    error: Option<&str>,
    report: &mut SweepReport,
) -> Result<(), StepError> {
    let reason = format!(
        "its processing kept failing and was stopped (dead-lettered){}",
        error.map(|e| format!(": {e}")).unwrap_or_default()
    );
    for job_id in jobs_of(ctx, body).await? {
        let running = co2_db::job::get(&ctx.pools.write, job_id).await?.is_some_and(|j| !j.state.is_final());
        if running {
            co2_db::job::fail(&ctx.pools.write, job_id, &reason).await?;
            co2_dropbox::write_for_job(ctx, job_id).await?;
            tracing::warn!(%job_id, "sweep.job_dead_lettered");
            report.dead_lettered.push(job_id);
        }
    }
    Ok(())
}

/// One sweep. Its parts are independent: a dead-letter queue that cannot be read (missing,
/// unreachable, not permitted) is logged and the rest still runs — stale jobs are still failed
/// and publications settled — and the sweep then reports the first failure.
pub async fn sweep(ctx: &Ctx, stale_after: Duration) -> Result<SweepReport, StepError> {
    let mut report = SweepReport::default();
    let mut first_failure = None;
    let mut note = |part: &str, result: Result<(), StepError>| {
        if let Err(e) = result {
            tracing::error!(part, error.message = %e, "sweep.part_failed");
            first_failure.get_or_insert(e);
        }
    };
    let embedded = sweep_embedded_dead_letters(ctx, &mut report).await;
    note("dead letters", embedded);
    for dlq in &ctx.settings.dead_letter_queues {
        let sqs = sweep_dead_letter_queue(ctx, dlq, &mut report).await;
        note(dlq, sqs);
    }
    let rest = sweep_jobs(ctx, stale_after, &mut report).await;
    note("jobs", rest);
    match first_failure {
        None => Ok(report),
        Some(e) => Err(e),
    }
}

async fn sweep_embedded_dead_letters(ctx: &Ctx, report: &mut SweepReport) -> Result<(), StepError> {
    for dead in co2_db::queue::unhandled_dead_letters(&ctx.pools.write, 100).await? {
        fail_dead_lettered(ctx, &dead.body, dead.last_error.as_deref(), report).await?;
        co2_db::queue::mark_handled(&ctx.pools.write, dead.queue_message_id).await?;
    }
    Ok(())
}

async fn sweep_dead_letter_queue(ctx: &Ctx, dlq: &str, report: &mut SweepReport) -> Result<(), StepError> {
    for d in ctx.queue.receive(dlq, 10, Duration::from_secs(60), Duration::ZERO).await? {
        fail_dead_lettered(ctx, &d.body, None, report).await?;
        ctx.queue.ack(dlq, &d).await?;
    }
    Ok(())
}

async fn sweep_jobs(ctx: &Ctx, stale_after: Duration, report: &mut SweepReport) -> Result<(), StepError> {
    report.stale =
        co2_db::job::fail_stale(&ctx.pools.write, stale_after.as_secs_f64(), QUEUED_UPLOAD_LIMIT.as_secs_f64()).await?;
    for job_id in &report.stale {
        tracing::warn!(%job_id, "sweep.job_stale");
        co2_dropbox::write_for_job(ctx, *job_id).await?;
    }
    for job_id in co2_db::entry::unsettled_jobs(&ctx.pools.write, ctx.settings.settle_after.as_secs_f64()).await? {
        let mut tx = ctx.pools.write.begin().await?;
        co2_db::entry::settle_published(&mut tx, job_id).await?;
        tx.commit().await?;
        tracing::info!(%job_id, "sweep.job_settled");
        report.settled.push(job_id);
    }
    Ok(())
}
