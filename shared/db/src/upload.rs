//! Uploads: the file behind an upload or drop job, where it lives and how it applies.

use crate::DbResult;
use sqlx::PgExecutor;
use uuid::Uuid;

/// An upload row with its report's unit and its year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub upload_id: Uuid,
    pub job_id: Uuid,
    /// The unit-year report; `None` for a back-office upload covering every unit of the year.
    pub report_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub report_year_id: i32,
    pub module: String,
    pub data_entry_type: Option<i16>,
    pub filename: String,
    pub object_key: String,
    pub mode: String,
    pub source: crate::EntrySource,
    pub created_by: Option<Uuid>,
}

/// A new upload.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub upload_id: Uuid,
    pub job_id: Uuid,
    /// `None`: a back-office upload for every unit of `year`.
    pub report_id: Option<Uuid>,
    pub year: i32,
    pub module: &'a str,
    pub data_entry_type: Option<i16>,
    pub filename: &'a str,
    pub object_key: &'a str,
    pub mode: &'a str,
    pub source: crate::EntrySource,
    pub created_by: Option<Uuid>,
}

/// Records an upload.
pub async fn create(db: impl PgExecutor<'_>, u: &NewUpload<'_>) -> DbResult<()> {
    crate::sql::query(
        "insert into upload (upload_id, job_id, report_id, module, data_entry_type, filename, object_key, mode, source,
                             created_by, report_year_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(u.upload_id)
    .bind(u.job_id)
    .bind(u.report_id)
    .bind(u.module)
    .bind(u.data_entry_type)
    .bind(u.filename)
    .bind(u.object_key)
    .bind(u.mode)
    .bind(u.source)
    .bind(u.created_by)
    .bind(u.year)
    .execute(db)
    .await?;
    Ok(())
}

const UPLOAD_COLUMNS: &str =
    "u.upload_id, u.job_id, u.report_id, r.unit_id, u.report_year_id, u.module, u.data_entry_type,
    u.filename, u.object_key, u.mode, u.source, u.created_by";

/// An upload by id.
pub async fn by_id(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Upload>> {
    Ok(crate::sql::query_as::<Upload>(sqlx::AssertSqlSafe(format!(
        "select {UPLOAD_COLUMNS} from upload u left join report r using (report_id) where u.upload_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// The upload of a job.
pub async fn of_job(db: impl PgExecutor<'_>, job_id: Uuid) -> DbResult<Option<Upload>> {
    Ok(crate::sql::query_as::<Upload>(sqlx::AssertSqlSafe(format!(
        "select {UPLOAD_COLUMNS} from upload u left join report r using (report_id) where u.job_id = $1"
    )))
    .bind(job_id)
    .fetch_optional(db)
    .await?)
}
