//! The office's central loads of a year (DOMAIN §2.2, §9 D5): per module, entry type and feed
//! (the year-wide file, the agency's export) the latest job, what the office's files hold now,
//! and last year's file to copy forward.

use crate::job::Job;
use crate::{DbResult, EntrySource};
use sqlx::PgExecutor;
use uuid::Uuid;

/// The latest year-wide job of an entry type and feed, with its file and who started it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LatestJob {
    pub data_entry_type: i16,
    pub source: EntrySource,
    pub filename: String,
    pub mode: String,
    pub period_from: Option<chrono::NaiveDate>,
    pub period_to: Option<chrono::NaiveDate>,
    /// The display name of the person who started it (none for a system job or a removed person).
    pub started_by: Option<String>,
    #[sqlx(flatten)]
    pub job: Job,
}

/// The latest job of every entry type and feed loaded for every unit in `year` (files that named
/// their entry type; the module is the job's).
pub async fn latest_jobs(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<LatestJob>> {
    Ok(crate::sql::query_as::<LatestJob>(sqlx::AssertSqlSafe(format!(
        "select distinct on (u.module, u.data_entry_type, u.source)
                u.data_entry_type, u.source, u.filename, u.mode, u.period_from, u.period_to,
                a.display_name as started_by, {}
         from upload u join job j using (job_id) left join app_user a on a.app_user_id = j.created_by
         where u.report_id is null and u.report_year_id = $1 and u.data_entry_type is not null
         order by u.module, u.data_entry_type, u.source, j.created_at desc, j.job_id desc",
        crate::job::columns_of("j")
    )))
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// What the office's files hold in a year for a module, entry type and feed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Loaded {
    pub module: String,
    pub data_entry_type: i16,
    pub source: EntrySource,
    pub entries: i64,
    /// The units holding at least one of them.
    pub units: i64,
}

/// The published rows of `year` loaded centrally, counted per module, entry type and feed.
pub async fn loaded(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<Loaded>> {
    Ok(crate::sql::query_as::<Loaded>(
        "select rm.module, d.data_entry_type, d.source, count(*) as entries,
                count(distinct r.unit_id) as units
         from published_entry d join report_module rm using (report_module_id) join report r using (report_id)
         where r.report_year_id = $1 and d.source in ('backoffice', 'agency')
         group by 1, 2, 3",
    )
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// A year-wide file of the office that loaded, to run again under another year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CopyableFile {
    pub upload_id: Uuid,
    pub module: String,
    pub data_entry_type: i16,
    pub filename: String,
    pub object_key: String,
    pub mode: String,
}

/// The latest year-wide file of the office (not the agency's: its trips are dated) of every
/// module and entry type in `year` whose job succeeded.
pub async fn copyable_files(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<CopyableFile>> {
    Ok(crate::sql::query_as::<CopyableFile>(
        "select distinct on (u.module, u.data_entry_type)
                u.upload_id, u.module, u.data_entry_type, u.filename, u.object_key, u.mode
         from upload u join job j using (job_id)
         where u.report_id is null and u.report_year_id = $1 and u.source = 'backoffice'
           and u.data_entry_type is not null and j.state = 'succeeded'
         order by u.module, u.data_entry_type, j.created_at desc, j.job_id desc",
    )
    .bind(year)
    .fetch_all(db)
    .await?)
}
