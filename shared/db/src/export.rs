//! Exports: the request row of an export job, the file it produced, and the reads that feed the
//! files (published entries with their emission rows and the factors those used).

use crate::DbResult;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// An export request and, once built, its file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Export {
    pub job_id: Uuid,
    /// `unit_year`, `module_units` or `reporting`.
    pub kind: String,
    /// `xlsx`, `csv`, `pdf` or `zip`.
    pub format: String,
    pub report_year_id: i32,
    pub unit_id: Option<Uuid>,
    pub module: Option<String>,
    /// `validated` or `all`.
    pub basis: String,
    /// The units a `module_units` or `reporting` export covers (resolved for the requester when
    /// asked).
    pub unit_ids: Vec<Uuid>,
    /// The filters of a `reporting` export (`ReportingFilters`), for its heading.
    pub filters: serde_json::Value,
    pub file_key: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Option<i64>,
}

/// What a new export asks for.
#[derive(Debug, Clone)]
pub struct NewExport<'a> {
    pub job_id: Uuid,
    pub kind: &'a str,
    pub format: &'a str,
    pub year: i32,
    pub unit_id: Option<Uuid>,
    pub module: Option<&'a str>,
    pub basis: &'a str,
    pub unit_ids: &'a [Uuid],
    pub filters: serde_json::Value,
}

/// Records an export request (its job exists already, in the same transaction).
pub async fn create(db: impl PgExecutor<'_>, e: &NewExport<'_>) -> DbResult<()> {
    crate::sql::query(
        "insert into export (job_id, kind, format, report_year_id, unit_id, module, basis, unit_ids, filters)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.job_id)
    .bind(e.kind)
    .bind(e.format)
    .bind(e.year)
    .bind(e.unit_id)
    .bind(e.module)
    .bind(e.basis)
    .bind(e.unit_ids)
    .bind(&e.filters)
    .execute(db)
    .await?;
    Ok(())
}

/// An export by its job id.
pub async fn get(db: impl PgExecutor<'_>, job_id: Uuid) -> DbResult<Option<Export>> {
    Ok(crate::sql::query_as::<Export>(
        "select job_id, kind, format, report_year_id, unit_id, module, basis, unit_ids, filters, file_key,
                file_name, content_type, bytes
         from export where job_id = $1",
    )
    .bind(job_id)
    .fetch_optional(db)
    .await?)
}

/// Records the stored file of an export.
pub async fn record_file(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    key: &str,
    name: &str,
    content_type: &str,
    bytes: i64,
) -> DbResult<()> {
    crate::sql::query(
        "update export set file_key = $2, file_name = $3, content_type = $4, bytes = $5 where job_id = $1",
    )
    .bind(job_id)
    .bind(key)
    .bind(name)
    .bind(content_type)
    .bind(bytes)
    .execute(db)
    .await?;
    Ok(())
}

/// Which published entries an export reads: a year, some units, optionally one module.
#[derive(Debug, Clone, Copy)]
pub struct EntryScope<'a> {
    pub year: i32,
    pub unit_ids: &'a [Uuid],
    pub module: Option<&'a str>,
}

/// A published entry with its unit, module, and emission totals.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportEntry {
    pub data_entry_id: Uuid,
    pub unit_institutional_id: String,
    pub unit_name: String,
    pub module: String,
    #[sqlx(try_from = "i16")]
    pub module_status: co2_domain::ModuleStatus,
    pub data_entry_type: i16,
    pub data: serde_json::Value,
    pub source: crate::EntrySource,
    pub source_row: Option<i64>,
    pub incomplete_reason: Option<String>,
    /// Σ of the entry's core (non-additional) emission rows.
    pub kg_co2eq: f64,
    /// Σ of its additional-category rows (DOMAIN §6.3).
    pub additional_kg: f64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The published entries in scope, by unit, module, type and creation.
pub async fn entries(db: impl PgExecutor<'_>, scope: EntryScope<'_>) -> DbResult<Vec<ExportEntry>> {
    Ok(crate::sql::query_as::<ExportEntry>(
        "select e.data_entry_id, u.institutional_id as unit_institutional_id, u.name as unit_name, rm.module,
                rm.status as module_status, e.data_entry_type, e.data, e.source, e.source_row, e.incomplete_reason,
                coalesce(k.core, 0) as kg_co2eq, coalesce(k.additional, 0) as additional_kg,
                e.created_at, e.updated_at
         from report r
         join unit u on u.unit_id = r.unit_id
         join report_module rm on rm.report_id = r.report_id
         join published_entry e on e.report_module_id = rm.report_module_id
         left join lateral (
             select sum(kg_co2eq) filter (where not is_additional) as core,
                    sum(kg_co2eq) filter (where is_additional) as additional
             from emission where data_entry_id = e.data_entry_id) k on true
         where r.report_year_id = $1 and r.unit_id = any($2) and ($3::text is null or rm.module = $3)
         order by u.institutional_id, rm.module, e.data_entry_type, e.created_at, e.data_entry_id",
    )
    .bind(scope.year)
    .bind(scope.unit_ids)
    .bind(scope.module)
    .fetch_all(db)
    .await?)
}

/// An emission row of an entry in scope.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportEmission {
    pub data_entry_id: Uuid,
    pub unit_institutional_id: String,
    pub module: String,
    pub data_entry_type: i16,
    pub emission_type: String,
    pub scope: i16,
    pub is_additional: bool,
    pub kg_co2eq: f64,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub factor_ids: Vec<Uuid>,
    /// How the row was computed, as stored then (`None` before explanations were recorded).
    #[sqlx(json(nullable))]
    pub explanation: Option<co2_domain::explain::Explanation>,
}

/// The emission rows of the published entries in scope, in the order of [`entries`].
pub async fn emissions(db: impl PgExecutor<'_>, scope: EntryScope<'_>) -> DbResult<Vec<ExportEmission>> {
    Ok(crate::sql::query_as::<ExportEmission>(
        "select e.data_entry_id, u.institutional_id as unit_institutional_id, rm.module, e.data_entry_type,
                em.emission_type, em.scope, em.is_additional, em.kg_co2eq, em.quantity, em.quantity_unit,
                em.factor_ids, em.meta -> 'explanation' as explanation
         from report r
         join unit u on u.unit_id = r.unit_id
         join report_module rm on rm.report_id = r.report_id
         join published_entry e on e.report_module_id = rm.report_module_id
         join emission em on em.data_entry_id = e.data_entry_id
         where r.report_year_id = $1 and r.unit_id = any($2) and ($3::text is null or rm.module = $3)
         order by u.institutional_id, rm.module, e.data_entry_type, e.created_at, e.data_entry_id, em.emission_id",
    )
    .bind(scope.year)
    .bind(scope.unit_ids)
    .bind(scope.module)
    .fetch_all(db)
    .await?)
}

/// A unit's module of a year, for the across-units summary.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitModule {
    pub unit_institutional_id: String,
    pub unit_name: String,
    pub unit_path: String,
    #[sqlx(try_from = "i16")]
    pub status: co2_domain::ModuleStatus,
    pub entry_count: i64,
    pub scope1_kg: f64,
    pub scope2_kg: f64,
    pub scope3_kg: f64,
    pub additional_kg: f64,
}

/// One module of a year in each of the given units that has a report.
pub async fn unit_modules(
    db: impl PgExecutor<'_>,
    year: i32,
    module: &str,
    unit_ids: &[Uuid],
) -> DbResult<Vec<UnitModule>> {
    Ok(crate::sql::query_as::<UnitModule>(
        "select u.institutional_id as unit_institutional_id, u.name as unit_name, u.path as unit_path,
                rm.status, rm.entry_count, rm.scope1_kg, rm.scope2_kg, rm.scope3_kg, rm.additional_kg
         from report r
         join unit u on u.unit_id = r.unit_id
         join report_module rm on rm.report_id = r.report_id and rm.module = $2
         where r.report_year_id = $1 and r.unit_id = any($3)
         order by u.institutional_id",
    )
    .bind(year)
    .bind(module)
    .bind(unit_ids)
    .fetch_all(db)
    .await?)
}
