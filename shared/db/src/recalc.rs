//! Recalculation jobs: after a factor change (or on an admin's request) every published entry of
//! the affected types and year is computed again with the current factors.
//!
//! A job is planned as slices of at most [`SLICE_ENTRIES`] entries within one module, so each
//! slice is one short transaction whatever the volume. Marking a slice done happens in the
//! transaction that replaced its rows: a redelivered slice finds it done and changes nothing. The
//! slice that finds no other slice left ends the job (under the job's row lock, so exactly one
//! does).

use crate::DbResult;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Entries per slice: large enough to amortise a transaction, small enough to stay short.
pub const SLICE_ENTRIES: i64 = 5_000;

/// One slice of a recalculation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Slice {
    pub job_id: Uuid,
    pub slice_no: i32,
    pub report_module_id: Uuid,
    pub first_entry_id: Uuid,
    pub last_entry_id: Uuid,
    pub entries: i32,
}

/// What a recalculation covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'a> {
    pub year: i32,
    pub entry_types: &'a [i16],
    /// Only this unit (`None`: every unit).
    pub unit_id: Option<Uuid>,
}

/// Creates a running recalculation job and its slices; returns the job id and its slices (none
/// when no entry is in scope, in which case the job is already succeeded).
pub async fn plan(
    db: &mut PgConnection,
    scope: &Scope<'_>,
    module: Option<&str>,
    created_by: Option<Uuid>,
) -> DbResult<(Uuid, Vec<Slice>)> {
    let job_id = Uuid::now_v7();
    crate::sql::query(
        "insert into job (job_id, kind, state, report_year_id, module, unit_id, entry_types, created_by, started_at)
         values ($1, 'recalculation', 'running', $2, $3, $4, $5, $6, now())",
    )
    .bind(job_id)
    .bind(scope.year)
    .bind(module)
    .bind(scope.unit_id)
    .bind(scope.entry_types)
    .bind(created_by)
    .execute(&mut *db)
    .await?;
    let slices = crate::sql::query_as::<Slice>(
        "insert into job_slice (job_id, slice_no, report_module_id, first_entry_id, last_entry_id, entries)
         select $1, (row_number() over (order by report_module_id, bucket))::int4, report_module_id,
                -- uuid has no min/max; its canonical text sorts in the same order.
                min(data_entry_id::text)::uuid, max(data_entry_id::text)::uuid, count(*)::int4
         from (select d.report_module_id, d.data_entry_id,
                      (row_number() over (partition by d.report_module_id order by d.data_entry_id) - 1) / $5
                          as bucket
               from report r
               join report_module rm using (report_id)
               join published_entry d on d.report_module_id = rm.report_module_id
               where r.report_year_id = $2 and d.data_entry_type = any($3) and ($4::uuid is null or r.unit_id = $4)
              ) e
         group by report_module_id, bucket
         returning job_id, slice_no, report_module_id, first_entry_id, last_entry_id, entries",
    )
    .bind(job_id)
    .bind(scope.year)
    .bind(scope.entry_types)
    .bind(scope.unit_id)
    .bind(SLICE_ENTRIES)
    .fetch_all(&mut *db)
    .await?;
    let total: i64 = slices.iter().map(|s| i64::from(s.entries)).sum();
    crate::sql::query("update job set rows_total = $2 where job_id = $1")
        .bind(job_id)
        .bind(total)
        .execute(&mut *db)
        .await?;
    if slices.is_empty() {
        crate::job::succeed(&mut *db, job_id).await?;
    }
    Ok((job_id, slices))
}

/// A slice by its key.
pub async fn slice(db: impl PgExecutor<'_>, job_id: Uuid, slice_no: i32) -> DbResult<Option<(Slice, bool)>> {
    let row: Option<(Uuid, i32, Uuid, Uuid, Uuid, i32, bool)> = crate::sql::query_as(
        "select job_id, slice_no, report_module_id, first_entry_id, last_entry_id, entries, done_at is not null
         from job_slice where job_id = $1 and slice_no = $2",
    )
    .bind(job_id)
    .bind(slice_no)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(job_id, slice_no, report_module_id, first_entry_id, last_entry_id, entries, done)| {
        (Slice { job_id, slice_no, report_module_id, first_entry_id, last_entry_id, entries }, done)
    }))
}

/// Marks a slice done in the caller's transaction; false when it already was (a redelivery).
pub async fn mark_done(db: &mut PgConnection, job_id: Uuid, slice_no: i32) -> DbResult<bool> {
    let done = crate::sql::query(
        "update job_slice set done_at = now() where job_id = $1 and slice_no = $2 and done_at is null",
    )
    .bind(job_id)
    .bind(slice_no)
    .execute(&mut *db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a finished slice into the job (under its row lock) and, when none is left, marks the
/// job succeeded and returns the modules it touched, to re-aggregate.
pub async fn finish_slice(db: &mut PgConnection, job_id: Uuid, entries: i64) -> DbResult<Option<Vec<Uuid>>> {
    crate::sql::query("select 1 from job where job_id = $1 for update").bind(job_id).execute(&mut *db).await?;
    let left: i64 = crate::sql::query_scalar("select count(*) from job_slice where job_id = $1 and done_at is null")
        .bind(job_id)
        .fetch_one(&mut *db)
        .await?;
    crate::sql::query(
        "update job set rows_ok = rows_ok + $2,
                        progress = case when rows_total > 0 then least(1.0, (rows_ok + $2)::float8 / rows_total) else 1 end
         where job_id = $1",
    )
    .bind(job_id)
    .bind(entries)
    .execute(&mut *db)
    .await?;
    if left > 0 {
        return Ok(None);
    }
    crate::job::succeed(&mut *db, job_id).await?;
    Ok(Some(
        crate::sql::query_scalar("select distinct report_module_id from job_slice where job_id = $1")
            .bind(job_id)
            .fetch_all(&mut *db)
            .await?,
    ))
}

/// The published entries of a slice, of the job's types.
pub async fn entries_of(
    db: impl PgExecutor<'_>,
    slice: &Slice,
    entry_types: &[i16],
) -> DbResult<Vec<crate::entry::EntryRow>> {
    Ok(crate::sql::query_as::<crate::entry::EntryRow>(
        "select data_entry_id, report_module_id, data_entry_type, data, source, incomplete_reason, created_by,
                created_at, updated_at
         from published_entry
         where report_module_id = $1 and data_entry_id between $2 and $3
           and data_entry_type = any($4)
         order by data_entry_id",
    )
    .bind(slice.report_module_id)
    .bind(slice.first_entry_id)
    .bind(slice.last_entry_id)
    .bind(entry_types)
    .fetch_all(db)
    .await?)
}

/// The slices of a job not done yet.
pub async fn pending_slices(db: impl PgExecutor<'_>, job_id: Uuid) -> DbResult<Vec<Slice>> {
    Ok(crate::sql::query_as::<Slice>(
        "select job_id, slice_no, report_module_id, first_entry_id, last_entry_id, entries
         from job_slice where job_id = $1 and done_at is null order by slice_no",
    )
    .bind(job_id)
    .fetch_all(db)
    .await?)
}
