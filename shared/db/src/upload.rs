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
    /// The period an agency export covers (inclusive); `None` for the whole year.
    pub period_from: Option<chrono::NaiveDate>,
    pub period_to: Option<chrono::NaiveDate>,
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
    /// The period an agency export covers, both ends included (agency uploads only).
    pub period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

/// Records an upload.
pub async fn create(db: impl PgExecutor<'_>, u: &NewUpload<'_>) -> DbResult<()> {
    crate::sql::query(
        "insert into upload (upload_id, job_id, report_id, module, data_entry_type, filename, object_key, mode, source,
                             created_by, report_year_id, period_from, period_to)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
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
    .bind(u.period.map(|p| p.0))
    .bind(u.period.map(|p| p.1))
    .execute(db)
    .await?;
    Ok(())
}

const UPLOAD_COLUMNS: &str =
    "u.upload_id, u.job_id, u.report_id, r.unit_id, u.report_year_id, u.module, u.data_entry_type,
    u.filename, u.object_key, u.mode, u.source, u.created_by, u.period_from, u.period_to";

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

/// The days an agency export covers, both ends included: its stated period, else its whole year.
pub fn agency_period(upload: &Upload) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let year = upload.report_year_id;
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(chrono::NaiveDate::MIN);
    let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(chrono::NaiveDate::MAX);
    (upload.period_from.unwrap_or(first), upload.period_to.unwrap_or(last))
}
