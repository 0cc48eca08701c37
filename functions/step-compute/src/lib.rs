//! step-compute: computes the emission rows of a job's pending entries with the year's factors
//! (DOMAIN §5), in one transaction with its idempotency key, then hands the job to step-aggregate.

use async_trait::async_trait;
use co2_db::engine;
use co2_domain::{EntryType, Module};
use co2_platform::events::{AggregateMessage, STEP_MESSAGE_VERSION, StepMessage};
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
        let StepMessage::Compute(msg) = StepMessage::parse(body).map_err(|e| StepError::Poison(e.into()))? else {
            return Err(StepError::Poison(anyhow::anyhow!("step-compute received a message of another kind")));
        };
        self.compute(msg.job_id, msg.report_module_id).await
    }
}

impl Compute {
    async fn send_aggregate(&self, job_id: Uuid, report_module_id: Uuid) -> Result<(), StepError> {
        let msg = StepMessage::Aggregate(AggregateMessage {
            version: STEP_MESSAGE_VERSION,
            job_id: Some(job_id),
            report_module_id,
        });
        self.ctx.queue.send(&self.ctx.settings.queue_aggregate, &msg.to_body()).await?;
        Ok(())
    }

    async fn compute(&self, job_id: Uuid, report_module_id: Uuid) -> Result<(), StepError> {
        let key = format!("compute:{job_id}");
        let mut tx = self.ctx.pools.write.begin().await?;
        let Some(job) = co2_db::job::lock(&mut *tx, job_id).await? else {
            return Err(StepError::Poison(anyhow::anyhow!("no job {job_id}")));
        };
        if job.state != "running" {
            return Ok(());
        }
        if !co2_db::idempotency::claim(&mut tx, &key, "step-compute").await? {
            drop(tx);
            // Computed before: make sure the next step was announced.
            return self.send_aggregate(job_id, report_module_id).await;
        }
        let rm = co2_db::report::module_by_id(&mut *tx, report_module_id).await?;
        let module =
            Module::parse(&rm.module).ok_or_else(|| StepError::Poison(anyhow::anyhow!("bad module {}", rm.module)))?;
        let entries = co2_db::entry::pending_of_job(&mut *tx, job_id).await?;
        let batch: Vec<&serde_json::Value> = entries.iter().map(|e| &e.data).collect();
        let factors = engine::load_factors(&mut tx, rm.report_year_id, module, &batch).await?;
        let computed: Vec<_> = entries
            .iter()
            .map(|e| {
                let det = EntryType::from_id(e.data_entry_type).unwrap_or(EntryType::Other);
                (e.data_entry_id, engine::compute(det, &e.data, &factors))
            })
            .collect();
        engine::replace_rows(&mut tx, &computed).await?;
        co2_db::job::advance(&mut *tx, job_id, 0.8).await?;
        tx.commit().await?;
        tracing::info!(%job_id, entries = computed.len(), "entries.computed");
        self.send_aggregate(job_id, report_module_id).await
    }
}
