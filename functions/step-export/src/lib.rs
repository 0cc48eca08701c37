//! step-export: builds an export job's file and stores it under `exports/{job_id}/`.
//!
//! Two kinds (the API resolved who may ask and which units are in scope; the step never widens
//! that): a unit-year's results (XLSX workbook, CSV files in a ZIP, or the PDF report) and one
//! module of a year across units (CSV files in a ZIP, for back-office reporting).
//!
//! Idempotent: an ended job is left alone, and a rebuilt file overwrites the same key before the
//! job is marked done, so a redelivery can only repeat work, never publish twice. The rendering
//! runs on the blocking pool so a large export never stalls the runtime's other work.

pub mod content;
pub mod pdf;
pub mod table;

use async_trait::async_trait;
use co2_db::export::{EntryScope, Export as ExportRow};
use co2_platform::events::StepMessage;
use co2_platform::{Ctx, StepError, StepHandler, StepInput};
use content::Heading;
use table::Table;
use uuid::Uuid;

/// The step.
pub struct Export {
    pub ctx: Ctx,
}

/// A built file.
struct File {
    name: String,
    content_type: &'static str,
    bytes: Vec<u8>,
    entries: usize,
}

/// Why an export was not built.
enum BuildError {
    /// The request cannot be served (the report is gone, a sheet is too long): the job fails.
    Refused(String),
    /// Try again (database or storage unavailable).
    Transient(StepError),
}

impl<E: Into<StepError>> From<E> for BuildError {
    fn from(e: E) -> Self {
        BuildError::Transient(e.into())
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[async_trait]
impl StepHandler for Export {
    async fn handle(&self, input: StepInput) -> Result<(), StepError> {
        let body = std::str::from_utf8(&input.data).map_err(|e| StepError::Poison(e.into()))?;
        match StepMessage::parse(body).map_err(|e| StepError::Poison(e.into()))? {
            StepMessage::Export(msg) => {
                let after = msg.consistent_with.as_deref().and_then(co2_db::db::Lsn::parse);
                let done = co2_db::db::consistency::scope(after, false, self.export(msg.job_id)).await;
                co2_platform::step::fail_job_if_permanent(&self.ctx.pools.write, msg.job_id, done).await
            }
            _ => Err(StepError::Poison(anyhow::anyhow!("step-export received a message of another step"))),
        }
    }
}

impl Export {
    async fn export(&self, job_id: Uuid) -> Result<(), StepError> {
        let db = &self.ctx.pools.write;
        let Some(job) = co2_db::job::get(db, job_id).await? else {
            return Err(StepError::Poison(anyhow::anyhow!("no job {job_id}")));
        };
        if job.kind != "export" {
            return Err(StepError::Poison(anyhow::anyhow!("job {job_id} is not an export")));
        }
        let Some(export) = co2_db::export::get(db, job_id).await? else {
            co2_db::job::fail(db, job_id, "the export request is missing").await?;
            return Ok(());
        };
        if !co2_db::job::start(db, job_id).await? {
            return Ok(());
        }
        let file = match self.build(&export).await {
            Ok(file) => file,
            Err(BuildError::Refused(reason)) => {
                tracing::warn!(%job_id, reason, "export.refused");
                co2_db::job::fail(db, job_id, &reason).await?;
                return Ok(());
            }
            Err(BuildError::Transient(e)) => return Err(e),
        };
        let key = format!("exports/{job_id}/{}", co2_platform::blob::safe_file_name(&file.name));
        let size = file.bytes.len();
        self.ctx.blob.put(&key, bytes::Bytes::from(file.bytes), file.content_type).await?;
        let mut tx = db.begin().await?;
        co2_db::export::record_file(&mut *tx, job_id, &key, &file.name, file.content_type, size as i64).await?;
        co2_db::job::set_rows(&mut *tx, job_id, file.entries as i64).await?;
        co2_db::job::succeed(&mut *tx, job_id).await?;
        tx.commit().await?;
        tracing::info!(%job_id, key, bytes = size, entries = file.entries, "export.stored");
        Ok(())
    }

    async fn build(&self, e: &ExportRow) -> Result<File, BuildError> {
        match e.kind.as_str() {
            "unit_year" => self.unit_year(e).await,
            "module_units" => self.module_units(e).await,
            "reporting" => self.reporting(e).await,
            "inventory" => self.inventory(e).await,
            other => Err(BuildError::Refused(format!("unknown export kind '{other}'"))),
        }
    }

    async fn unit_year(&self, e: &ExportRow) -> Result<File, BuildError> {
        let db = &self.ctx.pools.read;
        let unit_id = e.unit_id.ok_or_else(|| BuildError::Refused("a unit-year export needs its unit".into()))?;
        let unit = co2_db::org::unit_by_id(db, unit_id).await?;
        let year = e.report_year_id;
        let mods = co2_results::modules_in_order(db, unit_id, year).await?;
        if mods.is_empty() {
            return Err(BuildError::Refused(format!("unit {} has no report for {year}", unit.institutional_id)));
        }
        let options = co2_results::parse_options(Some(&e.basis), None).map_err(|o| BuildError::Refused(o.message))?;
        let results = co2_results::unit_results(db, unit_id, &unit.institutional_id, year, &mods, &options).await?;
        let heading = Heading {
            unit_institutional_id: unit.institutional_id.clone(),
            unit_name: unit.name.clone(),
            year,
            generated_at: chrono::Utc::now(),
        };
        let stem = format!("{}_{year}", unit.institutional_id);
        if e.format == "pdf" {
            let bytes = blocking(move || Ok(pdf::report(&heading, &results))).await?;
            return Ok(File { name: format!("{stem}_report.pdf"), content_type: "application/pdf", bytes, entries: 0 });
        }
        let units = [unit_id];
        let scope = EntryScope { year, unit_ids: &units, module: None };
        let entries = co2_db::export::entries(db, scope).await?;
        let emissions = co2_db::export::emissions(db, scope).await?;
        let factors = co2_db::factor::details(db, &factor_ids(&emissions)).await?;
        let quality = co2_results::quality::unit_quality(db, unit_id, &unit.institutional_id, year).await?;
        let count = entries.len();
        let tables = move || {
            let mut tables: Vec<Table> = vec![
                content::summary(&heading, &results),
                content::modules(&results),
                content::categories(&results),
                content::quality(&quality),
            ];
            tables.extend(content::entries_by_type(&entries, false));
            tables.push(content::emissions(&emissions, false));
            tables.push(content::factors(&factors));
            tables
        };
        if e.format == "xlsx" {
            let bytes = blocking(move || table::to_xlsx(&tables())).await?;
            Ok(File { name: format!("{stem}_results.xlsx"), content_type: XLSX, bytes, entries: count })
        } else {
            let bytes = blocking(move || table::to_csv_zip(&tables())).await?;
            Ok(File { name: format!("{stem}_results_csv.zip"), content_type: "application/zip", bytes, entries: count })
        }
    }

    /// The reporting view of the units resolved for the requester, as one PDF.
    async fn reporting(&self, e: &ExportRow) -> Result<File, BuildError> {
        let db = &self.ctx.pools.read;
        let year = e.report_year_id;
        let filters: co2_api_types::ReportingFilters = serde_json::from_value(e.filters.clone()).unwrap_or_default();
        let units: Vec<co2_db::org::Unit> =
            co2_db::org::all_units(db).await?.into_iter().filter(|u| e.unit_ids.contains(&u.unit_id)).collect();
        // The units were chosen with the filters when asked: they are kept as they are now.
        let view = co2_results::reporting::view(db, year, &units, &co2_api_types::ReportingFilters::default()).await?;
        let scope = filters.subtree.clone().unwrap_or_else(|| "institution".to_owned());
        let heading = Heading {
            unit_institutional_id: scope.clone(),
            unit_name: format!("reporting, {scope}"),
            year,
            generated_at: chrono::Utc::now(),
        };
        let count = view.units.len();
        let bytes = blocking(move || Ok(pdf::reporting(&heading, &filters, &view))).await?;
        Ok(File {
            name: format!("reporting_{scope}_{year}.pdf"),
            content_type: "application/pdf",
            bytes,
            entries: count,
        })
    }

    /// The GHG Protocol inventory of the units resolved for the requester, as a workbook or CSV
    /// files in a ZIP.
    async fn inventory(&self, e: &ExportRow) -> Result<File, BuildError> {
        let db = &self.ctx.pools.read;
        let year = e.report_year_id;
        let subtree = e.filters["subtree"].as_str().map(str::to_owned);
        let units: Vec<co2_db::org::Unit> =
            co2_db::org::all_units(db).await?.into_iter().filter(|u| e.unit_ids.contains(&u.unit_id)).collect();
        let view = co2_results::inventory::build(db, &units, year, subtree.clone()).await.map_err(|e| match e {
            co2_results::inventory::InventoryError::Db(e) => BuildError::Transient(e.into()),
            co2_results::inventory::InventoryError::Inconsistent(why) => BuildError::Refused(why),
        })?;
        let scope = subtree.unwrap_or_else(|| "institution".to_owned());
        let heading = Heading {
            unit_institutional_id: scope.clone(),
            unit_name: format!("GHG inventory, {scope}"),
            year,
            generated_at: chrono::Utc::now(),
        };
        let count = view.lines.len();
        let stem = format!("ghg_inventory_{scope}_{year}");
        if e.format == "xlsx" {
            let bytes = blocking(move || table::to_xlsx(&content::inventory(&heading, &view))).await?;
            Ok(File { name: format!("{stem}.xlsx"), content_type: XLSX, bytes, entries: count })
        } else {
            let bytes = blocking(move || table::to_csv_zip(&content::inventory(&heading, &view))).await?;
            Ok(File { name: format!("{stem}_csv.zip"), content_type: "application/zip", bytes, entries: count })
        }
    }

    async fn module_units(&self, e: &ExportRow) -> Result<File, BuildError> {
        let db = &self.ctx.pools.read;
        let module =
            e.module.as_deref().ok_or_else(|| BuildError::Refused("a module export needs its module".into()))?;
        let year = e.report_year_id;
        let scope = EntryScope { year, unit_ids: &e.unit_ids, module: Some(module) };
        let units = co2_db::export::unit_modules(db, year, module, &e.unit_ids).await?;
        let entries = co2_db::export::entries(db, scope).await?;
        let emissions = co2_db::export::emissions(db, scope).await?;
        let factors = co2_db::factor::details(db, &factor_ids(&emissions)).await?;
        let count = entries.len();
        let bytes = blocking(move || {
            let mut tables = vec![content::units(&units)];
            tables.extend(content::entries_by_type(&entries, true));
            tables.push(content::emissions(&emissions, true));
            tables.push(content::factors(&factors));
            table::to_csv_zip(&tables)
        })
        .await?;
        Ok(File { name: format!("{module}_{year}_units.zip"), content_type: "application/zip", bytes, entries: count })
    }
}

/// The distinct factors the emission rows used.
fn factor_ids(rows: &[co2_db::export::ExportEmission]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = rows.iter().flat_map(|r| r.factor_ids.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Runs CPU-bound rendering on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, table::WriteError> + Send + 'static,
) -> Result<T, BuildError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(BuildError::Refused(e.0)),
        Err(join) => Err(BuildError::Transient(StepError::Retryable(anyhow::anyhow!("rendering stopped: {join}")))),
    }
}
