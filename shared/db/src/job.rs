//! Jobs: state, progress, counts, row errors and the error-report key, for live progress.

use crate::DbResult;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

pub use co2_api_types::JobState;

/// How many row errors a job keeps for display (the report file holds all of them).
pub const KEPT_ROW_ERRORS: usize = 100;

/// A job row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub job_id: Uuid,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub state: JobState,
    pub progress: f64,
    pub rows_total: i64,
    pub rows_ok: i64,
    pub rows_failed: i64,
    pub row_errors: serde_json::Value,
    pub error_report_key: Option<String>,
    pub failure: Option<String>,
    pub unit_id: Option<Uuid>,
    pub report_year_id: Option<i32>,
    pub module: Option<String>,
    /// The entry types a recalculation covers.
    pub entry_types: Option<Vec<i16>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Job {
    /// The job as the API shows it, given its unit's institutional id and the link to its error
    /// report, with its first row errors.
    pub fn into_view(self, unit: Option<String>, errors_url: Option<String>) -> co2_api_types::JobView {
        let errors = serde_json::from_value(self.row_errors).unwrap_or_default();
        co2_api_types::JobView {
            job_id: self.job_id,
            kind: self.kind,
            state: self.state,
            progress: self.progress,
            rows_ok: self.rows_ok,
            rows_failed: self.rows_failed,
            errors_url,
            errors,
            failure: self.failure,
            unit,
            year: self.report_year_id,
            module: self.module,
            created_at: self.created_at,
            finished_at: self.finished_at,
        }
    }
}

const JOB_COLUMNS: &str =
    "job_id, kind, state, progress, rows_total, rows_ok, rows_failed, row_errors, error_report_key,
    failure, unit_id, report_year_id, module, entry_types, created_by, created_at, finished_at";

/// The job columns of a query where the job table is `alias` (each named as [`Job`] reads it).
pub fn columns_of(alias: &str) -> String {
    JOB_COLUMNS.split(',').map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

/// What a new job is about.
#[derive(Debug, Clone, Copy)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// `None` for a job about every unit (a year-wide upload).
    pub unit_id: Option<Uuid>,
    pub year: i32,
    /// `None` for a job about a whole unit-year (an export of its results).
    pub module: Option<&'a str>,
    pub created_by: Option<Uuid>,
}

/// Creates a queued job.
pub async fn create(db: impl PgExecutor<'_>, job: NewJob<'_>) -> DbResult<Uuid> {
    Ok(crate::sql::query_scalar(
        "insert into job (job_id, kind, unit_id, report_year_id, module, created_by)
         values ($1, $2, $3, $4, $5, $6) returning job_id",
    )
    .bind(Uuid::now_v7())
    .bind(job.kind)
    .bind(job.unit_id)
    .bind(job.year)
    .bind(job.module)
    .bind(job.created_by)
    .fetch_one(db)
    .await?)
}

/// Creates a job under a given id (a drop's, derived from its object version); an existing one
/// of that id is left as it is.
pub async fn create_with_id(db: impl PgExecutor<'_>, job_id: Uuid, job: NewJob<'_>) -> DbResult<()> {
    crate::sql::query(
        "insert into job (job_id, kind, unit_id, report_year_id, module, created_by)
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
    )
    .bind(job_id)
    .bind(job.kind)
    .bind(job.unit_id)
    .bind(job.year)
    .bind(job.module)
    .bind(job.created_by)
    .execute(db)
    .await?;
    Ok(())
}

/// A job by id.
pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Job>> {
    Ok(crate::sql::query_as::<Job>(sqlx::AssertSqlSafe(format!("select {JOB_COLUMNS} from job where job_id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// Jobs, latest first, optionally of one state and one kind, at most `limit`; each with the
/// institutional id of its unit (none for a year-wide job).
pub async fn list(
    db: impl PgExecutor<'_>,
    state: Option<JobState>,
    kind: Option<&str>,
    limit: i64,
) -> DbResult<Vec<(Job, Option<String>)>> {
    let rows = crate::sql::query(sqlx::AssertSqlSafe(format!(
        "select {}, u.institutional_id as unit_institutional_id
         from job j left join unit u on u.unit_id = j.unit_id
         where ($1::text is null or j.state = $1) and ($2::text is null or j.kind = $2)
         order by j.created_at desc limit $3",
        JOB_COLUMNS.split(',').map(|c| format!("j.{}", c.trim())).collect::<Vec<_>>().join(", ")
    )))
    .bind(state.map(JobState::as_str))
    .bind(kind)
    .bind(limit)
    .fetch_all(db)
    .await?;
    use sqlx::{FromRow, Row};
    rows.iter().map(|r| Ok((Job::from_row(r)?, r.try_get("unit_institutional_id")?))).collect()
}

/// A job by id, locked for the rest of the transaction.
pub async fn lock(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Job>> {
    Ok(crate::sql::query_as::<Job>(sqlx::AssertSqlSafe(format!(
        "select {JOB_COLUMNS} from job where job_id = $1 for update"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// The file was parsed: rows stored (pending), counts and the first errors recorded.
pub async fn record_parsed(
    db: impl PgExecutor<'_>,
    id: Uuid,
    rows_ok: i64,
    rows_failed: i64,
    row_errors: serde_json::Value,
    error_report_key: Option<&str>,
) -> DbResult<()> {
    crate::sql::query(
        "update job set state = 'running', started_at = coalesce(started_at, now()), progress = 0.4,
             rows_total = $2 + $3, rows_ok = $2, rows_failed = $3, row_errors = $4, error_report_key = $5
         where job_id = $1 and state in ('queued', 'running')",
    )
    .bind(id)
    .bind(rows_ok)
    .bind(rows_failed)
    .bind(row_errors)
    .bind(error_report_key)
    .execute(db)
    .await?;
    Ok(())
}

/// Starts a queued job; returns whether it is running (false once it has ended).
pub async fn start(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    Ok(crate::sql::query_scalar::<bool>(
        "update job set state = 'running', started_at = coalesce(started_at, now()), progress = greatest(progress, 0.1)
         where job_id = $1 and state in ('queued', 'running') returning true",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .unwrap_or(false))
}

/// Moves a running job's progress forward (never backward).
pub async fn advance(db: impl PgExecutor<'_>, id: Uuid, progress: f64) -> DbResult<()> {
    crate::sql::query("update job set progress = greatest(progress, $2) where job_id = $1 and state = 'running'")
        .bind(id)
        .bind(progress)
        .execute(db)
        .await?;
    Ok(())
}

/// Records how many rows a job handled (an export's entries).
pub async fn set_rows(db: impl PgExecutor<'_>, id: Uuid, rows: i64) -> DbResult<()> {
    crate::sql::query("update job set rows_total = $2, rows_ok = $2 where job_id = $1")
        .bind(id)
        .bind(rows)
        .execute(db)
        .await?;
    Ok(())
}

/// Marks a job succeeded.
pub async fn succeed(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    crate::sql::query(
        "update job set state = 'succeeded', progress = 1, finished_at = now()
         where job_id = $1 and state in ('queued', 'running')",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Marks a job failed with a reason a person can act on.
pub async fn fail(db: impl PgExecutor<'_>, id: Uuid, reason: &str) -> DbResult<()> {
    crate::sql::query(
        "update job set state = 'failed', failure = $2, finished_at = now()
         where job_id = $1 and state in ('queued', 'running')",
    )
    .bind(id)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(())
}

/// Fails the jobs that stopped progressing: running with no update for `running_secs`, or
/// queued (an upload whose file never arrived) for `queued_secs`. Returns their ids.
pub async fn fail_stale(db: impl PgExecutor<'_>, running_secs: f64, queued_secs: f64) -> DbResult<Vec<Uuid>> {
    Ok(crate::sql::query_scalar(
        "update job set state = 'failed', finished_at = now(),
                failure = case when state = 'running'
                               then 'no progress for ' || round($1 / 60) || ' minutes: its processing stopped; retry it'
                               when kind = 'export' then 'the export was never started: ask for it again'
                               else 'the file never arrived' end
         where (state = 'running' and updated_at < now() - make_interval(secs => $1))
            or (state = 'queued' and updated_at < now() - make_interval(secs => $2))
         returning job_id",
    )
    .bind(running_secs)
    .bind(queued_secs)
    .fetch_all(db)
    .await?)
}

/// The job of an uploaded or dropped object (the newest one for that key).
pub async fn of_object_key(db: impl PgExecutor<'_>, object_key: &str) -> DbResult<Option<Uuid>> {
    Ok(crate::sql::query_scalar("select job_id from upload where object_key = $1 order by created_at desc limit 1")
        .bind(object_key)
        .fetch_optional(db)
        .await?)
}
