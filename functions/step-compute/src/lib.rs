//! step-compute: computes emission rows with the year's factors (DOMAIN §5).
//!
//! Two messages: `compute` (a file's pending entries, in one transaction with its idempotency key,
//! then handed to step-aggregate) and `recalculate` (one slice of a recalculation job: its
//! published entries computed again and their rows replaced, in one transaction that also marks
//! the slice done; the last slice ends the job and has the touched modules re-aggregated).

use async_trait::async_trait;
use co2_db::engine;
use co2_db::job::JobState;
use co2_domain::Module;
use co2_platform::events::{AggregateMessage, STEP_MESSAGE_VERSION, StepMessage};
use co2_platform::step::fail_job_if_permanent;
use co2_platform::{Ctx, StepError, StepHandler, StepInput};
use uuid::Uuid;

/// The step.
pub struct Compute {
    pub ctx: Ctx,
}

#[async_trait]
impl StepHandler for Compute {
    async fn handle(&self, input: StepInput) -> Result<(), StepError> {
        let body = std::str::from_utf8(&input.data).map_err(|e| StepError::Poison(e.into()))?;
        match StepMessage::parse(body).map_err(|e| StepError::Poison(e.into()))? {
            StepMessage::Compute(msg) => {
                let done = self.compute(msg.job_id, msg.report_module_id).await;
                fail_job_if_permanent(&self.ctx.pools.write, msg.job_id, done).await
            }
            StepMessage::Recalculate(msg) => {
                let done = self.recalculate(msg.job_id, msg.slice_no).await;
                fail_job_if_permanent(&self.ctx.pools.write, msg.job_id, done).await
            }
            StepMessage::Aggregate(_) | StepMessage::Sweep(_) | StepMessage::Export(_) => {
                Err(StepError::Poison(anyhow::anyhow!("step-compute received a message of another step")))
            }
        }
    }
}

impl Compute {
    async fn send_aggregate(&self, job_id: Option<Uuid>, report_module_id: Uuid) -> Result<(), StepError> {
        let msg = StepMessage::Aggregate(AggregateMessage { version: STEP_MESSAGE_VERSION, job_id, report_module_id });
        self.ctx.queue.send(&self.ctx.settings.queue_aggregate, &msg.to_body()).await?;
        Ok(())
    }

    async fn compute(&self, job_id: Uuid, report_module_id: Uuid) -> Result<(), StepError> {
        let key = format!("compute:{job_id}");
        let mut tx = self.ctx.pools.write.begin().await?;
        let Some(job) = co2_db::job::lock(&mut *tx, job_id).await? else {
            return Err(StepError::Poison(anyhow::anyhow!("no job {job_id}")));
        };
        if job.state != JobState::Running {
            return Ok(());
        }
        if !co2_db::idempotency::claim(&mut tx, &key, "step-compute").await? {
            drop(tx);
            // Computed before: make sure the next step was announced.
            return self.send_aggregate(Some(job_id), report_module_id).await;
        }
        let rm = co2_db::report::module_by_id(&mut *tx, report_module_id).await?;
        let module =
            Module::parse(&rm.module).ok_or_else(|| StepError::Poison(anyhow::anyhow!("bad module {}", rm.module)))?;
        let entries = co2_db::entry::pending_of_job(&mut *tx, job_id).await?;
        let computed = engine::compute_entries(&mut tx, rm.report_year_id, module, &entries).await?;
        co2_db::job::advance(&mut *tx, job_id, 0.8).await?;
        tx.commit().await?;
        tracing::info!(%job_id, entries = computed, "entries.computed");
        self.send_aggregate(Some(job_id), report_module_id).await
    }

    /// Computes one slice of a recalculation job again; a slice already done changes nothing.
    async fn recalculate(&self, job_id: Uuid, slice_no: i32) -> Result<(), StepError> {
        let mut tx = self.ctx.pools.write.begin().await?;
        let Some((slice, done)) = co2_db::recalc::slice(&mut *tx, job_id, slice_no).await? else {
            return Err(StepError::Poison(anyhow::anyhow!("no slice {slice_no} of job {job_id}")));
        };
        let Some(job) = co2_db::job::get(&mut *tx, job_id).await? else {
            return Err(StepError::Poison(anyhow::anyhow!("no job {job_id}")));
        };
        if done || job.state != JobState::Running {
            drop(tx);
            // A redelivery after the job ended: the module's re-aggregation may have been lost.
            if job.state == JobState::Succeeded {
                self.send_aggregate(None, slice.report_module_id).await?;
            }
            return Ok(());
        }
        let rm = co2_db::report::module_by_id(&mut *tx, slice.report_module_id).await?;
        let module =
            Module::parse(&rm.module).ok_or_else(|| StepError::Poison(anyhow::anyhow!("bad module {}", rm.module)))?;
        let types = job.entry_types.unwrap_or_default();
        let entries = co2_db::recalc::entries_of(&mut *tx, &slice, &types).await?;
        engine::compute_entries(&mut tx, rm.report_year_id, module, &entries).await?;
        if !co2_db::recalc::mark_done(&mut tx, job_id, slice_no).await? {
            // A concurrent delivery of the same slice committed first.
            return Ok(());
        }
        let finished = co2_db::recalc::finish_slice(&mut tx, job_id, entries.len() as i64).await?;
        if let Some(modules) = &finished {
            let validated = co2_db::report::mark_recalculated_after_validation(&mut *tx, modules).await?;
            co2_db::audit::append(
                &mut tx,
                "system:recalculation",
                "recalculation.completed",
                Some(&job_id.to_string()),
                serde_json::json!({"year": job.report_year_id, "entry_types": types, "entries": job.rows_total,
                    "modules": modules.len(), "validated_modules_changed": validated}),
            )
            .await?;
        }
        tx.commit().await?;
        if finished.is_some()
            && let Some(year) = job.report_year_id
        {
            self.ctx.pools.percentiles.forget(year);
        }
        tracing::info!(%job_id, slice_no, entries = entries.len(), "slice.recalculated");
        if finished.is_some()
            && let Some(admin) = job.created_by
        {
            // Whoever asked for the recalculation reads its figures from their next page on.
            co2_db::org::note_read_position(&self.ctx.pools.write, admin).await?;
        }
        for m in finished.unwrap_or_default() {
            self.send_aggregate(None, m).await?;
        }
        Ok(())
    }
}
