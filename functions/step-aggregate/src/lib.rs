//! step-aggregate: makes a job's rows visible and refreshes the module totals, in one transaction:
//! for a replace, the previously file-loaded rows of the scope are removed in the same commit, so
//! readers see the old data or the new data, never a mix. Ends the job (and answers a drop-folder
//! file with its result file). Also runs the jobs sweeper and the campaign's digests and e-mail
//! delivery on its schedule (`kind = sweep`).

pub mod campaign;
pub mod sweep;

use async_trait::async_trait;
use co2_db::entry::Publication;
use co2_db::job::JobState;
use co2_platform::events::StepMessage;
use co2_platform::{Ctx, StepError, StepHandler, StepInput};
use uuid::Uuid;

/// The step.
pub struct Aggregate {
    pub ctx: Ctx,
}

#[async_trait]
impl StepHandler for Aggregate {
    async fn handle(&self, input: StepInput) -> Result<(), StepError> {
        let body = std::str::from_utf8(&input.data).map_err(|e| StepError::Poison(e.into()))?;
        let msg = match StepMessage::parse(body).map_err(|e| StepError::Poison(e.into()))? {
            StepMessage::Aggregate(msg) => msg,
            StepMessage::Sweep(_) => {
                let report = sweep::sweep(&self.ctx, self.ctx.settings.job_stale_after).await?;
                tracing::info!(dead_lettered = report.dead_lettered.len(), stale = report.stale.len(), "sweep.done");
                let round = campaign::round(&self.ctx).await?;
                tracing::info!(
                    digests = round.digests,
                    sent = round.mail.sent,
                    failed = round.mail.failed,
                    "campaign.done"
                );
                return Ok(());
            }
            _ => return Err(StepError::Poison(anyhow::anyhow!("step-aggregate received a message of another kind"))),
        };
        match msg.job_id {
            Some(job_id) => {
                // A drop-folder job is answered next to its file (again on a redelivery: the
                // first answer may have been lost after the commit), failed ones too.
                let is_drop = match self.finish_job(job_id, msg.report_module_id).await {
                    Ok(is_drop) => is_drop,
                    Err(e) => {
                        co2_platform::step::fail_job_if_permanent(&self.ctx.pools.write, job_id, Err(e)).await?;
                        true
                    }
                };
                if is_drop {
                    co2_dropbox::write_for_job(&self.ctx, job_id).await?;
                }
                Ok(())
            }
            None => {
                let mut tx = self.ctx.pools.write.begin().await?;
                co2_db::report::lock_module(&mut tx, msg.report_module_id).await?;
                co2_db::aggregate::refresh_module(&mut tx, msg.report_module_id).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }
}

impl Aggregate {
    /// Ends a job; returns whether it is a drop-folder job.
    async fn finish_job(&self, job_id: Uuid, report_module_id: Uuid) -> Result<bool, StepError> {
        let mut tx = self.ctx.pools.write.begin().await?;
        let Some(job) = co2_db::job::lock(&mut *tx, job_id).await? else {
            return Err(StepError::Poison(anyhow::anyhow!("no job {job_id}")));
        };
        let is_drop = job.kind == "dropbox";
        if job.state != JobState::Running
            || !co2_db::idempotency::claim(&mut tx, &format!("aggregate:{job_id}"), "step-aggregate").await?
        {
            return Ok(is_drop);
        }
        let upload = co2_db::upload::of_job(&mut *tx, job_id).await?;
        if let Some(u) = upload.as_ref().filter(|u| u.report_id.is_none()) {
            return self.finish_year_job(tx, job_id, u).await.map(|()| false);
        }
        let rm = co2_db::report::lock_module(&mut tx, report_module_id).await?;
        if let Some(block) = rm.write_block() {
            co2_db::entry::discard_staged(&mut tx, job_id).await?;
            co2_db::job::fail(&mut *tx, job_id, &format!("the module stopped accepting changes ({block})")).await?;
            tx.commit().await?;
            return Ok(is_drop);
        }
        // DOMAIN §2.2: a replace applies per (year, DET) — the named type of a typed upload, else
        // the types the file actually carries, so several files of one module can coexist.
        let replace: Option<Vec<i16>> = match upload.as_ref().filter(|u| u.mode == "replace") {
            None => None,
            Some(u) => Some(match u.data_entry_type {
                Some(det) => vec![det],
                None => co2_db::entry::pending_types(&mut *tx, job_id).await?,
            }),
        };
        // Headcount's person ids are unique among settled rows: its (small) files settle at once.
        let how =
            if rm.module == co2_domain::Module::Headcount.key() { Publication::InPlace } else { Publication::ByJob };
        let published = co2_db::entry::publish_job(&mut tx, report_module_id, job_id, replace.as_deref(), how).await?;
        co2_db::report::mark_in_progress(&mut *tx, report_module_id).await?;
        match how {
            Publication::ByJob => {
                co2_db::aggregate::refresh_module_after_publication(&mut tx, report_module_id, job_id).await?;
            }
            Publication::InPlace => co2_db::aggregate::refresh_module(&mut tx, report_module_id).await?,
        }
        co2_db::job::succeed(&mut *tx, job_id).await?;
        let actor = if upload.as_ref().is_some_and(|u| u.source == co2_db::EntrySource::Dropbox) {
            "system:dropbox"
        } else {
            "system:pipeline"
        };
        co2_db::audit::append(
            &mut tx,
            actor,
            "upload.published",
            Some(&job_id.to_string()),
            serde_json::json!({"entries": published, "replace": replace.is_some()}),
        )
        .await?;
        tx.commit().await?;
        self.ctx.pools.percentiles.forget(rm.report_year_id);
        tracing::info!(%job_id, published, "upload.published");
        self.note_reader(job.created_by).await?;
        Ok(is_drop)
    }

    /// Publishes a year-wide back-office file (DOMAIN §2.2) in one transaction: every touched
    /// module is locked (in id order) and must accept changes, a replace first removes the rows
    /// loaded this way for the year and entry types in every unit, then the staged rows become
    /// visible and each touched module's totals are refreshed.
    async fn finish_year_job(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
        job_id: Uuid,
        upload: &co2_db::upload::Upload,
    ) -> Result<(), StepError> {
        let year = upload.report_year_id;
        let types = match upload.data_entry_type {
            Some(det) => vec![det],
            None => co2_db::entry::pending_types(&mut *tx, job_id).await?,
        };
        let replace = upload.mode == "replace";
        // The agency's export syncs by trip key and period (DOMAIN §9 D5) instead of by type.
        let agency_period =
            (upload.source == co2_db::EntrySource::Agency).then(|| co2_db::upload::agency_period(upload));
        let modules = match agency_period {
            Some(period) => {
                co2_db::entry::lock_agency_year(&mut tx, year).await?;
                co2_db::entry::agency_sync_modules(&mut *tx, job_id, year, &upload.module, period).await?
            }
            None => co2_db::entry::year_load_modules(&mut *tx, job_id, year, &upload.module, &types, replace).await?,
        };
        for m in &modules {
            let rm = co2_db::report::lock_module(&mut tx, *m).await?;
            if let Some(block) = rm.write_block() {
                co2_db::entry::discard_staged(&mut tx, job_id).await?;
                let unit = co2_db::org::unit_by_id(&mut *tx, rm.unit_id).await?;
                let reason = format!(
                    "the {} module of unit {} stopped accepting changes ({block}): nothing was loaded",
                    upload.module, unit.institutional_id
                );
                co2_db::job::fail(&mut *tx, job_id, &reason).await?;
                tx.commit().await?;
                return Ok(());
            }
        }
        let removed = match agency_period {
            Some(period) => {
                co2_db::entry::delete_agency_replaced(&mut tx, job_id, year, &upload.module, period).await?
            }
            None if replace => co2_db::entry::delete_year_loaded(&mut tx, year, &upload.module, &types).await?,
            None => 0,
        };
        let published = co2_db::entry::publish_job(&mut tx, Uuid::nil(), job_id, None, Publication::ByJob).await?;
        for m in &modules {
            co2_db::report::mark_in_progress(&mut *tx, *m).await?;
            co2_db::aggregate::refresh_module_after_publication(&mut tx, *m, job_id).await?;
        }
        co2_db::job::succeed(&mut *tx, job_id).await?;
        co2_db::audit::append(
            &mut tx,
            "system:pipeline",
            "upload.published",
            Some(&job_id.to_string()),
            serde_json::json!({"entries": published, "replaced": removed, "modules": modules.len(), "year": year,
                "scope": "year", "source": upload.source.as_str(),
                "period": agency_period.map(|(from, to)| [from.to_string(), to.to_string()])}),
        )
        .await?;
        tx.commit().await?;
        self.ctx.pools.percentiles.forget(year);
        tracing::info!(%job_id, published, removed, modules = modules.len(), "upload.published");
        let started_by = co2_db::job::get(&self.ctx.pools.write, job_id).await?.and_then(|j| j.created_by);
        self.note_reader(started_by).await
    }

    /// The person who started a job reads its rows from their next page on (ADR 0012).
    async fn note_reader(&self, started_by: Option<Uuid>) -> Result<(), StepError> {
        if let Some(user) = started_by {
            co2_db::org::note_read_position(&self.ctx.pools.write, user).await?;
        }
        Ok(())
    }
}
