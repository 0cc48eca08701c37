//! step-ingest: turns a stored file into pending entries.
//!
//! Triggered by the storage's ObjectCreated notification (SQS `co2-ingest`) for `uploads/` (files
//! registered by api-uploads) and `dropbox/{unit}/{year}/{module}[/{type}].csv|.xlsx` (automated
//! drops, processed by a system identity as a replace, answered by a `.result.json` next to the
//! file). It reads the file (CSV in any accepted encoding, or XLSX), validates it, computes the
//! valid rows' emissions with the year's factors, writes both unpublished in one transaction
//! together with the event's idempotency key, stores the error report, and hands the job to
//! step-aggregate (ADR 0008). It never publishes rows itself.

pub mod decode;
pub mod file;
pub mod table;

use async_trait::async_trait;
use co2_db::job::JobState;
use co2_db::org::Unit;
use co2_db::report::ReportModule;
use co2_domain::{EntryType, Module};
use co2_platform::events::{AggregateMessage, ObjectCreated, S3Notification, STEP_MESSAGE_VERSION, StepMessage};
use co2_platform::{Ctx, StepError, StepHandler, StepInput};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Namespace of the deterministic ids given to drop-folder jobs (one per object version).
const DROPBOX_NAMESPACE: Uuid = Uuid::from_u128(0x6c0e_2d1a_8f4b_4d7e_9a51_3b2c_7e10_d901);

/// The step.
pub struct Ingest {
    pub ctx: Ctx,
}

/// What a notified key refers to.
#[derive(Debug, PartialEq)]
pub enum Target {
    Upload(Uuid),
    Dropbox {
        unit: String,
        year: i32,
        module: Module,
        entry_type: Option<EntryType>,
    },
    /// Not a file to ingest (other prefixes, our own result files).
    Ignored,
}

/// Rows computed per chunk while earlier chunks are written.
const STAGE_CHUNK_ROWS: usize = 5_000;

/// Maps a storage key to what it is; a malformed drop-folder path is an error for its author.
pub fn target_of(key: &str) -> Result<Target, String> {
    let parts: Vec<&str> = key.split('/').collect();
    match parts.as_slice() {
        ["uploads", id, _file] => {
            Uuid::parse_str(id).map(Target::Upload).map_err(|_| format!("'{key}' has no upload id"))
        }
        ["dropbox", rest @ ..] => {
            let last = rest.last().copied().unwrap_or("");
            if last.ends_with(".result.json") || last.starts_with('.') {
                return Ok(Target::Ignored);
            }
            let (unit, year, module, det) = match rest {
                [unit, year, file] => (*unit, *year, file.rsplit_once('.').map_or(*file, |(s, _)| s), None),
                [unit, year, module, file] => {
                    (*unit, *year, *module, Some(file.rsplit_once('.').map_or(*file, |(s, _)| s)))
                }
                _ => {
                    return Err(format!("'{key}' is not dropbox/{{unit}}/{{year}}/{{module}}[/{{type}}].csv"));
                }
            };
            let year: i32 = year.parse().map_err(|_| format!("'{year}' in '{key}' is not a year"))?;
            let module = Module::parse(module).ok_or_else(|| format!("'{module}' in '{key}' is not a module"))?;
            let entry_type = match det {
                Some(t) => Some(
                    EntryType::parse_in(module, t).ok_or_else(|| format!("'{t}' is not a type of {}", module.key()))?,
                ),
                None => None,
            };
            Ok(Target::Dropbox { unit: unit.to_string(), year, module, entry_type })
        }
        _ => Ok(Target::Ignored),
    }
}

#[async_trait]
impl StepHandler for Ingest {
    async fn handle(&self, input: StepInput) -> Result<(), StepError> {
        let body = std::str::from_utf8(&input.data).map_err(|e| StepError::Poison(e.into()))?;
        let notification =
            co2_platform::events::parse_s3_notification(body).map_err(|e| StepError::Poison(e.into()))?;
        let S3Notification::Created(objects) = notification else {
            tracing::info!("ingest.test_event_ignored");
            return Ok(());
        };
        for obj in &objects {
            self.ingest(obj).await?;
        }
        Ok(())
    }
}

impl Ingest {
    async fn ingest(&self, obj: &ObjectCreated) -> Result<(), StepError> {
        let target = match target_of(&obj.key) {
            Ok(t) => t,
            // A drop whose path names nothing loadable: its author learns why next to the file.
            Err(reason) if obj.key.starts_with("dropbox/") => {
                return co2_dropbox::write_refusal(&self.ctx, &obj.key, &reason).await;
            }
            Err(reason) => return Err(StepError::Poison(anyhow::anyhow!(reason))),
        };
        let is_drop = matches!(target, Target::Dropbox { .. });
        let job_id = match target {
            Target::Ignored => return Ok(()),
            Target::Upload(upload_id) => {
                let upload = co2_db::upload::by_id(&self.ctx.pools.write, upload_id)
                    .await?
                    .ok_or_else(|| StepError::Poison(anyhow::anyhow!("no upload {upload_id} for {}", obj.key)))?;
                if upload.object_key != obj.key {
                    return Err(StepError::Poison(anyhow::anyhow!(
                        "{} is not the object of upload {upload_id}",
                        obj.key
                    )));
                }
                upload.job_id
            }
            Target::Dropbox { unit, year, module, entry_type } => {
                match self.dropbox_job(obj, &unit, year, module, entry_type).await? {
                    Ok(job_id) => job_id,
                    Err(reason) => return co2_dropbox::write_refusal(&self.ctx, &obj.key, &reason).await,
                }
            }
        };
        let processed = self.process(obj, job_id).await;
        co2_platform::step::fail_job_if_permanent(&self.ctx.pools.write, job_id, processed).await?;
        // A drop that ended here (refused whole, no valid row) is answered next to its file.
        if is_drop {
            co2_dropbox::write_for_job(&self.ctx, job_id).await?;
        }
        Ok(())
    }

    /// Creates (once per object version) the job and upload of a dropped file; `Ok(Err(reason))`
    /// when the path names a unit or year that cannot take it.
    async fn dropbox_job(
        &self,
        obj: &ObjectCreated,
        unit: &str,
        year: i32,
        module: Module,
        det: Option<EntryType>,
    ) -> Result<Result<Uuid, String>, StepError> {
        let Some(unit): Option<Unit> = co2_db::org::unit_by_institutional_id(&self.ctx.pools.write, unit).await? else {
            return Ok(Err(format!("there is no unit '{unit}'")));
        };
        let rm = match co2_db::report::module_of(&self.ctx.pools.write, unit.unit_id, year, module).await {
            Ok(rm) => rm,
            Err(co2_db::DbError::NotFound) => {
                return Ok(Err(format!("unit {} has no report for {year}", unit.institutional_id)));
            }
            Err(e) => return Err(e.into()),
        };
        let natural = obj.natural_key();
        let job_id = Uuid::new_v5(&DROPBOX_NAMESPACE, format!("job:{natural}").as_bytes());
        let upload_id = Uuid::new_v5(&DROPBOX_NAMESPACE, format!("upload:{natural}").as_bytes());
        let mut tx = self.ctx.pools.write.begin().await?;
        if co2_db::job::lock(&mut *tx, job_id).await?.is_none() {
            co2_db::job::create_with_id(
                &mut *tx,
                job_id,
                co2_db::job::NewJob {
                    kind: "dropbox",
                    unit_id: Some(unit.unit_id),
                    year,
                    module: Some(module.key()),
                    created_by: None,
                },
            )
            .await?;
            let filename = obj.key.rsplit('/').next().unwrap_or("drop.csv");
            co2_db::upload::create(
                &mut *tx,
                &co2_db::upload::NewUpload {
                    upload_id,
                    job_id,
                    report_id: Some(rm.report_id),
                    year,
                    module: module.key(),
                    data_entry_type: det.map(EntryType::id),
                    filename,
                    object_key: &obj.key,
                    mode: "replace",
                    source: co2_db::EntrySource::Dropbox,
                    created_by: None,
                    period: None,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(job_id))
    }

    async fn send_aggregate(&self, job_id: Uuid, report_module_id: Uuid) -> Result<(), StepError> {
        let msg = StepMessage::Aggregate(AggregateMessage {
            version: STEP_MESSAGE_VERSION,
            job_id: Some(job_id),
            report_module_id,
        });
        self.ctx.queue.send(&self.ctx.settings.queue_aggregate, &msg.to_body()).await?;
        Ok(())
    }

    async fn fail(&self, job_id: Uuid, reason: &str) -> Result<(), StepError> {
        co2_db::job::fail(&self.ctx.pools.write, job_id, reason).await?;
        tracing::info!(%job_id, reason, "ingest.job_failed");
        Ok(())
    }

    /// Parses the object and stores its valid rows pending on the job: in its unit's module, or
    /// for a year-wide back-office file in the module of each row's unit.
    async fn process(&self, obj: &ObjectCreated, job_id: Uuid) -> Result<(), StepError> {
        let pools = &self.ctx.pools;
        let job = co2_db::job::get(&pools.write, job_id)
            .await?
            .ok_or_else(|| StepError::Poison(anyhow::anyhow!("job {job_id} vanished")))?;
        let upload = co2_db::upload::of_job(&pools.write, job_id)
            .await?
            .ok_or_else(|| StepError::Poison(anyhow::anyhow!("job {job_id} has no upload")))?;
        let module = Module::parse(&upload.module)
            .ok_or_else(|| StepError::Poison(anyhow::anyhow!("bad module {}", upload.module)))?;
        let year = upload.report_year_id;
        // The modules rows may go to, by unit institutional id.
        let unit = match upload.unit_id {
            Some(id) => Some(co2_db::org::unit_by_id(&pools.write, id).await?),
            None => None,
        };
        let targets: HashMap<String, ReportModule> = match &unit {
            Some(u) => {
                let rm = co2_db::report::module_of(&pools.write, u.unit_id, year, module).await?;
                HashMap::from([(u.institutional_id.clone(), rm)])
            }
            None => co2_db::report::modules_of_year(&pools.write, year, module).await?.into_iter().collect(),
        };
        if job.state != JobState::Queued {
            // Already parsed: a redelivery. Re-announce the next step in case that send was lost.
            if job.state == JobState::Running
                && let Some(rm) = co2_db::entry::a_pending_module(&pools.write, job_id).await?
            {
                self.send_aggregate(job_id, rm).await?;
            }
            return Ok(());
        }
        let size = match obj.size {
            Some(s) => s,
            None => self.ctx.blob.size(&obj.key).await?,
        };
        if size > self.ctx.settings.max_upload_bytes {
            return self
                .fail(
                    job_id,
                    &format!(
                        "the file is {size} bytes, above the limit of {} bytes",
                        self.ctx.settings.max_upload_bytes
                    ),
                )
                .await;
        }
        let bytes = match self.ctx.blob.get(&obj.key).await {
            Ok(b) => b,
            Err(co2_platform::blob::BlobError::NotFound(_)) => {
                return self.fail(job_id, "the uploaded file is missing from storage").await;
            }
            Err(e) => return Err(e.into()),
        };
        let det = upload.data_entry_type.and_then(EntryType::from_id);
        let mut conn = pools.write.begin().await?;
        let mut ctx = co2_db::engine::parse_context(&mut conn, module, year).await?;
        if module == Module::Headcount
            && let Some(rm) = targets.values().next().filter(|_| unit.is_some())
        {
            ctx.stored_member_ids =
                co2_db::entry::member_ids(&mut *conn, rm.report_module_id, upload.mode == "replace").await?;
        }
        drop(conn);
        let limits = table::Limits {
            max_rows: self.ctx.settings.max_upload_rows,
            // A workbook may inflate to 8× the largest accepted upload, no more (zip bombs).
            max_xlsx_expanded_bytes: self.ctx.settings.max_upload_bytes.saturating_mul(8),
        };
        let unit_id = unit.as_ref().map(|u| u.institutional_id.as_str());
        let keyed = (upload.source == co2_db::EntrySource::Agency).then(|| {
            let (from, to) = co2_db::upload::agency_period(&upload);
            file::KeyedFeed { from: from.to_string(), to: to.to_string() }
        });
        let started = std::time::Instant::now();
        // Parsing is CPU-bound: off the runtime, so a large file never stalls other requests.
        let parsed = {
            let (unit, name) = (unit_id.map(str::to_owned), upload.filename.clone());
            tokio::task::spawn_blocking(move || {
                file::parse_file(module, det, unit.as_deref(), keyed.as_ref(), &name, &bytes, &ctx, &limits)
            })
            .await
            .map_err(|e| StepError::Retryable(anyhow::anyhow!("parsing stopped: {e}")))?
        };
        let mut parsed = match parsed {
            Ok(p) => p,
            Err(refused) => return self.fail(job_id, &refused.0).await,
        };
        let parse_ms = started.elapsed().as_millis();
        // Each row goes to its unit's module; a year-wide file may name units that cannot take it.
        let mut groups: BTreeMap<Uuid, Vec<(u64, co2_db::engine::ParsedEntry)>> = BTreeMap::new();
        for row in std::mem::take(&mut parsed.rows) {
            let named = row.unit.as_deref().or(unit_id).unwrap_or_default();
            // A year-wide file's row for a module that cannot take it is that row's error.
            let target = targets.get(named);
            let block = target.filter(|_| unit.is_none()).and_then(|rm| rm.write_block());
            match (target, block) {
                (None, _) => parsed.errors.push(file::row_error(
                    row.line,
                    Some("unit_institutional_id"),
                    "unknown_unit",
                    format!("there is no unit '{named}' with a {year} report"),
                )),
                (Some(_), Some(block)) => parsed.errors.push(file::row_error(
                    row.line,
                    Some("unit_institutional_id"),
                    block.code(),
                    format!("the {} module of unit {named} does not accept changes", module.key()),
                )),
                (Some(rm), None) if !rm.collects(row.entry.entry_type) => parsed.errors.push(file::row_error(
                    row.line,
                    None,
                    "entry_type_not_collected",
                    format!("{} entries are not collected in {year}", row.entry.entry_type.name()),
                )),
                (Some(rm), None) if !upload.source.is_central() && rm.is_central(row.entry.entry_type) => {
                    parsed.errors.push(file::row_error(
                        row.line,
                        None,
                        "centrally_fed",
                        format!(
                            "{} rows are loaded by the sustainability office for every unit in {year}",
                            row.entry.entry_type.name()
                        ),
                    ))
                }
                (Some(rm), None) => groups.entry(rm.report_module_id).or_default().push((row.line, row.entry)),
            }
        }
        parsed.errors.sort_by_key(|e| e.row);
        let error_key = if parsed.errors.is_empty() {
            None
        } else {
            let key = format!("reports/{job_id}/errors.csv");
            self.ctx.blob.put(&key, file::error_report(&parsed.errors).into(), "text/csv; charset=utf-8").await?;
            Some(key)
        };
        let kept: Vec<_> = parsed.errors.iter().take(co2_db::job::KEPT_ROW_ERRORS).collect();
        let kept = serde_json::to_value(&kept).unwrap_or_default();

        // The rows' emissions are computed here, with the year's factors, and staged with them
        // (ADR 0008): nothing reads the rows back before their publication.
        let factors = {
            let batch: Vec<&serde_json::Value> = groups
                .values()
                .flatten()
                .flat_map(|(_, e)| std::iter::once(&e.data).chain(e.companion.as_deref().map(|c| &c.data)))
                .collect();
            let mut conn = pools.write.begin().await?;
            co2_db::engine::load_factors(&mut conn, year, module, &batch).await?
        };
        let mut tx = pools.write.begin().await?;
        let Some(locked) = co2_db::job::lock(&mut *tx, job_id).await? else {
            return Ok(());
        };
        if locked.state != JobState::Queued
            || !co2_db::idempotency::claim(&mut tx, &obj.natural_key(), "step-ingest").await?
        {
            return Ok(());
        }
        let ok = groups.values().map(Vec::len).sum::<usize>() as i64;
        let failed = parsed.errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len() as i64;
        co2_db::job::record_parsed(&mut *tx, job_id, ok, failed, kept, error_key.as_deref()).await?;
        if let Some(u) = &unit {
            let rm = co2_db::report::lock_module(&mut tx, targets[&u.institutional_id].report_module_id).await?;
            if let Some(block) = rm.write_block() {
                co2_db::job::fail(&mut *tx, job_id, &format!("the module does not accept changes ({block})")).await?;
                tx.commit().await?;
                return Ok(());
            }
        }
        if ok == 0 {
            co2_db::job::fail(&mut *tx, job_id, &format!("no valid row in the file ({failed} rejected)")).await?;
            tx.commit().await?;
            return Ok(());
        }
        let origin = co2_db::entry::FileOrigin { source: upload.source, upload_id: upload.upload_id, job_id };
        let started = std::time::Instant::now();
        let modules = groups.len();
        let first = groups.keys().next().copied().unwrap_or_default();
        // Computing is CPU-bound and runs on the blocking pool, chunk by chunk, while the rows
        // already computed stream into PostgreSQL: the two overlap on two cores.
        let (chunk_tx, chunk_rx) = tokio::sync::mpsc::channel::<co2_db::entry::StagedRows>(2);
        let encoder = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            for (rm, rows) in &groups {
                for chunk in rows.chunks(STAGE_CHUNK_ROWS) {
                    let staged = co2_db::entry::encode_pending(*rm, origin, chunk, &factors);
                    if chunk_tx.blocking_send(staged).is_err() {
                        break;
                    }
                }
            }
            started.elapsed().as_millis()
        });
        let chunks = futures::stream::unfold(chunk_rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
        co2_db::entry::insert_pending(&mut tx, job_id, Box::pin(chunks)).await?;
        let compute_ms = encoder.await.map_err(|e| StepError::Retryable(anyhow::anyhow!("computing stopped: {e}")))?;
        co2_db::job::advance(&mut *tx, job_id, 0.8).await?;
        tx.commit().await?;
        let stage_ms = started.elapsed().as_millis();
        tracing::info!(%job_id, rows_ok = ok, rows_failed = failed, modules, parse_ms, compute_ms, stage_ms,
            "upload.staged");
        // step-aggregate publishes every staged row of the job at once.
        self.send_aggregate(job_id, first).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_their_targets() {
        let id = Uuid::now_v7();
        assert_eq!(target_of(&format!("uploads/{id}/equipments.csv")), Ok(Target::Upload(id)));
        assert_eq!(
            target_of("dropbox/9001/2025/equipment.csv"),
            Ok(Target::Dropbox { unit: "9001".into(), year: 2025, module: Module::Equipment, entry_type: None })
        );
        assert_eq!(
            target_of("dropbox/9001/2025/equipment/it.csv"),
            Ok(Target::Dropbox {
                unit: "9001".into(),
                year: 2025,
                module: Module::Equipment,
                entry_type: Some(EntryType::It)
            })
        );
        assert_eq!(target_of("dropbox/9001/2025/equipment.csv.result.json"), Ok(Target::Ignored));
        assert_eq!(target_of("reports/x/errors.csv"), Ok(Target::Ignored));
        assert!(target_of("dropbox/9001/20x5/equipment.csv").is_err());
        assert!(target_of("dropbox/9001/2025/rockets.csv").is_err());
        assert!(target_of("dropbox/9001/equipment.csv").is_err());
        assert!(target_of("uploads/not-a-uuid/x.csv").is_err());
    }
}
