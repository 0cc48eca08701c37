//! Data entries: bulk insert (files), single writes (API), listing with their emission rows,
//! and the publication of a file's rows.

use crate::DbResult;
use crate::copy::CopyRows;
use crate::engine::ParsedEntry;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub data_entry_id: Uuid,
    pub report_module_id: Uuid,
    pub data_entry_type: i16,
    pub data: serde_json::Value,
    pub source: crate::EntrySource,
    pub incomplete_reason: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An emission row of an entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmissionRow {
    pub data_entry_id: Uuid,
    pub emission_type: String,
    pub scope: i16,
    pub is_additional: bool,
    pub kg_co2eq: f64,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub factor_ids: Vec<Uuid>,
}

const ENTRY_COLUMNS: &str = "data_entry_id, report_module_id, data_entry_type, data, source, incomplete_reason, created_by, created_at, updated_at";

/// Where a batch of file rows comes from.
#[derive(Debug, Clone, Copy)]
pub struct FileOrigin {
    pub source: crate::EntrySource,
    pub upload_id: Uuid,
    pub job_id: Uuid,
}

/// A file's rows for one module, computed and encoded for `COPY`, ready to stage, with what they
/// add to the module's totals.
#[derive(Debug, Default)]
pub struct StagedRows {
    report_module_id: Uuid,
    entries: CopyRows,
    emissions: CopyRows,
    totals: StagedTotals,
}

/// What staged rows add to a module: entries (companions included) and Σ kg per leaf.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StagedTotals {
    pub entries: i64,
    /// Σ kg by (emission type, scope, additional).
    pub leaves: std::collections::BTreeMap<(&'static str, i16, bool), f64>,
}

impl StagedTotals {
    fn add(&mut self, other: StagedTotals) {
        self.entries += other.entries;
        for (leaf, kg) in other.leaves {
            *self.leaves.entry(leaf).or_default() += kg;
        }
    }

    /// The leaves as stored in `job_staged_module.leaf_totals`.
    fn leaves_json(&self) -> serde_json::Value {
        self.leaves
            .iter()
            .map(|((emission_type, scope, is_additional), kg)| {
                serde_json::json!({"emission_type": emission_type, "scope": scope,
                                   "is_additional": is_additional, "kg_co2eq": kg})
            })
            .collect()
    }
}

/// Computes a file's rows with `factors` and encodes them, unpublished (pending on the job),
/// with their emission rows; a room's generated companion goes with it, linked to its parent
/// and on the same source row. Pure CPU work: run it off the async runtime.
pub fn encode_pending(
    report_module_id: Uuid,
    origin: FileOrigin,
    rows: &[(u64, ParsedEntry)],
    factors: &crate::engine::FactorSet,
) -> StagedRows {
    let mut staged = StagedRows { report_module_id, ..StagedRows::default() };
    let mut add = |id: Uuid, line: u64, e: &ParsedEntry, parent: Option<Uuid>| {
        let c = crate::engine::compute(e.entry_type, &e.data, factors);
        staged.totals.entries += 1;
        for row in c.computation.rows() {
            let t = row.emission_type;
            *staged.totals.leaves.entry((t.key, i16::from(t.scope.number()), t.additional)).or_default() +=
                row.kg_co2eq;
        }
        let reason = match &c.computation {
            co2_domain::emission::Computation::Incomplete(why) => Some(why.as_str()),
            co2_domain::emission::Computation::Rows(_) => None,
        };
        staged
            .entries
            .plain(id)
            .plain(report_module_id)
            .plain(e.entry_type.id())
            .text(&e.data.to_string())
            .opt_plain(e.kg_override)
            .text(origin.source.as_str())
            .plain(origin.upload_id)
            .plain(line)
            .plain(origin.job_id)
            .opt_plain(parent)
            .opt_text(reason)
            .opt_text(e.source_key.as_deref());
        staged.entries.end_row();
        crate::engine::encode_emissions(&mut staged.emissions, [(id, &c)]);
    };
    for (line, e) in rows {
        let id = Uuid::now_v7();
        add(id, *line, e, None);
        if let Some(c) = &e.companion {
            add(Uuid::now_v7(), *line, c, Some(id));
        }
    }
    staged
}

/// Writes a job's encoded rows as they come (each chunk's entries streamed into one `COPY`
/// while the next chunk is computed), then their emission rows in a second `COPY`, then what
/// they add to each module (`job_staged_module`); returns the entries written.
pub async fn insert_pending(
    db: &mut PgConnection,
    job_id: Uuid,
    mut chunks: impl futures::Stream<Item = StagedRows> + Unpin,
) -> DbResult<u64> {
    use futures::StreamExt;
    let mut emissions = CopyRows::new();
    let mut totals: std::collections::BTreeMap<Uuid, StagedTotals> = std::collections::BTreeMap::new();
    let written = {
        let mut copy = db
            .copy_in_raw(
                "copy data_entry (data_entry_id, report_module_id, data_entry_type, data, kg_override, source,
                     upload_id, source_row, pending_job_id, parent_entry_id, incomplete_reason, source_key) from stdin",
            )
            .await?;
        while let Some(chunk) = chunks.next().await {
            if let Err(e) = copy.send(chunk.entries.as_bytes()).await {
                let _ = copy.abort("sending the rows failed").await;
                return Err(e.into());
            }
            emissions.append(chunk.emissions);
            totals.entry(chunk.report_module_id).or_default().add(chunk.totals);
        }
        copy.finish().await?
    };
    crate::copy::copy_in(db, "emission", crate::engine::EMISSION_COLUMNS, &emissions).await?;
    for (report_module_id, t) in &totals {
        crate::sql::query(
            "insert into job_staged_module (job_id, report_module_id, entries, leaf_totals) values ($1, $2, $3, $4)",
        )
        .bind(job_id)
        .bind(report_module_id)
        .bind(t.entries)
        .bind(t.leaves_json())
        .execute(&mut *db)
        .await?;
    }
    Ok(written)
}

/// Pending entries of a job.
pub async fn pending_of_job(db: impl PgExecutor<'_>, job_id: Uuid) -> DbResult<Vec<EntryRow>> {
    Ok(crate::sql::query_as::<EntryRow>(sqlx::AssertSqlSafe(format!(
        "select {ENTRY_COLUMNS} from data_entry where pending_job_id = $1 order by source_row"
    )))
    .bind(job_id)
    .fetch_all(db)
    .await?)
}

/// Publishes a job's rows; with `replace_types`, first deletes the published file-loaded rows of
/// those DETs in the module (manual rows are kept). Both happen in the caller's transaction, so
/// readers see the old rows or the new ones, never a mix. Returns how many rows it published.
///
/// `Publication::ByJob` marks the job published (`published_job`) without touching its rows,
/// which readers then see through `published_entry`; [`settle_published`] clears their
/// `pending_job_id` later, in the background (ADR 0008). `Publication::InPlace` clears it in this
/// transaction: headcount's, whose person ids are unique among cleared rows only.
pub async fn publish_job(
    db: &mut PgConnection,
    report_module_id: Uuid,
    job_id: Uuid,
    replace_types: Option<&[i16]>,
    how: Publication,
) -> DbResult<u64> {
    if let Some(types) = replace_types {
        // Their emission rows go with them (the data_entry_emissions_gone trigger, set-based).
        crate::sql::query(
            "delete from published_entry where report_module_id = $1
               and source in ('upload', 'dropbox') and data_entry_type = any($2)",
        )
        .bind(report_module_id)
        .bind(types)
        .execute(&mut *db)
        .await?;
    }
    match how {
        Publication::InPlace => {
            let done = crate::sql::query("update data_entry set pending_job_id = null where pending_job_id = $1")
                .bind(job_id)
                .execute(&mut *db)
                .await?;
            // Its rows are no longer told apart from the module's: their sums cannot serve.
            crate::sql::query("delete from job_staged_module where job_id = $1").bind(job_id).execute(&mut *db).await?;
            Ok(done.rows_affected())
        }
        Publication::ByJob => {
            crate::sql::query("insert into published_job (job_id) values ($1) on conflict do nothing")
                .bind(job_id)
                .execute(&mut *db)
                .await?;
            let staged: i64 = crate::sql::query_scalar("select count(*) from data_entry where pending_job_id = $1")
                .bind(job_id)
                .fetch_one(&mut *db)
                .await?;
            Ok(staged as u64)
        }
    }
}

/// Removes what a job staged and will not publish (refused, failed or aborted): its rows (their
/// emission rows go with them) and their sums. Returns the rows removed.
pub async fn discard_staged(db: &mut PgConnection, job_id: Uuid) -> DbResult<u64> {
    let removed =
        crate::sql::query("delete from data_entry where pending_job_id = $1").bind(job_id).execute(&mut *db).await?;
    crate::sql::query("delete from job_staged_module where job_id = $1").bind(job_id).execute(&mut *db).await?;
    Ok(removed.rows_affected())
}

/// How a job's staged rows become visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    /// By marking the job published; the rows are settled afterwards.
    ByJob,
    /// By clearing the rows' `pending_job_id` in the publishing transaction.
    InPlace,
}

/// Clears the `pending_job_id` of a published job's rows and forgets the job in
/// `published_job`, in one transaction of the caller's. Idempotent. Returns the rows settled.
pub async fn settle_published(db: &mut PgConnection, job_id: Uuid) -> DbResult<u64> {
    let done = crate::sql::query(
        "update data_entry set pending_job_id = null
         where pending_job_id = $1 and exists (select 1 from published_job where job_id = $1)",
    )
    .bind(job_id)
    .execute(&mut *db)
    .await?;
    crate::sql::query("delete from published_job where job_id = $1").bind(job_id).execute(&mut *db).await?;
    Ok(done.rows_affected())
}

/// Published jobs whose rows are not settled yet, published `older_than_secs` ago or more: the
/// sweeper settles them.
pub async fn unsettled_jobs(db: impl PgExecutor<'_>, older_than_secs: f64) -> DbResult<Vec<Uuid>> {
    Ok(crate::sql::query_scalar(
        "select job_id from published_job where published_at < now() - make_interval(secs => $1) order by published_at",
    )
    .bind(older_than_secs)
    .fetch_all(db)
    .await?)
}

/// The entry types a job's staged rows carry (companions included).
pub async fn pending_types(db: impl PgExecutor<'_>, job_id: Uuid) -> DbResult<Vec<i16>> {
    Ok(crate::sql::query_scalar("select distinct data_entry_type from data_entry where pending_job_id = $1 order by 1")
        .bind(job_id)
        .fetch_all(db)
        .await?)
}

/// Inserts one published manual entry (and its generated companion) and returns its id.
pub async fn insert_manual(
    db: &mut PgConnection,
    report_module_id: Uuid,
    entry: &ParsedEntry,
    created_by: Option<Uuid>,
) -> DbResult<Uuid> {
    let id = insert_one(db, report_module_id, entry, created_by, None).await?;
    if let Some(c) = &entry.companion {
        insert_one(db, report_module_id, c, created_by, Some(id)).await?;
    }
    Ok(id)
}

async fn insert_one(
    db: &mut PgConnection,
    report_module_id: Uuid,
    entry: &ParsedEntry,
    created_by: Option<Uuid>,
    parent: Option<Uuid>,
) -> DbResult<Uuid> {
    Ok(crate::sql::query_scalar(
        "insert into data_entry (data_entry_id, report_module_id, data_entry_type, data, kg_override, source,
                                 created_by, parent_entry_id)
         values ($1, $2, $3, $4, $5, 'manual', $6, $7) returning data_entry_id",
    )
    .bind(Uuid::now_v7())
    .bind(report_module_id)
    .bind(entry.entry_type.id())
    .bind(&entry.data)
    .bind(entry.kg_override)
    .bind(created_by)
    .bind(parent)
    .fetch_one(&mut *db)
    .await?)
}

/// Replaces the data of an entry (its type may change within the module), and its generated
/// companion with the new one (none when the entry no longer has one).
pub async fn update_data(db: &mut PgConnection, id: Uuid, entry: &ParsedEntry) -> DbResult<()> {
    crate::sql::query(
        "update data_entry set data_entry_type = $2, data = $3, kg_override = $4 where data_entry_id = $1",
    )
    .bind(id)
    .bind(entry.entry_type.id())
    .bind(&entry.data)
    .bind(entry.kg_override)
    .execute(&mut *db)
    .await?;
    let updated = match &entry.companion {
        Some(c) => crate::sql::query("update data_entry set data = $2 where parent_entry_id = $1")
            .bind(id)
            .bind(&c.data)
            .execute(&mut *db)
            .await?
            .rows_affected(),
        None => {
            crate::sql::query("delete from data_entry where parent_entry_id = $1").bind(id).execute(&mut *db).await?;
            0
        }
    };
    if let (Some(c), 0) = (&entry.companion, updated) {
        let (module, created_by): (Uuid, Option<Uuid>) =
            crate::sql::query_as("select report_module_id, created_by from data_entry where data_entry_id = $1")
                .bind(id)
                .fetch_one(&mut *db)
                .await?;
        insert_one(db, module, c, created_by, Some(id)).await?;
    }
    Ok(())
}

/// The generated companions of an entry (DET 32 of a room).
pub async fn companions_of(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Vec<EntryRow>> {
    Ok(crate::sql::query_as::<EntryRow>(sqlx::AssertSqlSafe(format!(
        "select {ENTRY_COLUMNS} from data_entry where parent_entry_id = $1 order by data_entry_id"
    )))
    .bind(id)
    .fetch_all(db)
    .await?)
}

/// The person ids of the published members of a module, except the file-loaded ones when a
/// replace is about to remove them (DOMAIN §9 D7).
pub async fn member_ids(
    db: impl PgExecutor<'_>,
    report_module_id: Uuid,
    surviving_replace: bool,
) -> DbResult<Vec<String>> {
    Ok(crate::sql::query_scalar(
        "select data ->> 'user_institutional_id' from published_entry
         where report_module_id = $1 and data_entry_type = 1
           and not ($2 and source in ('upload', 'dropbox'))
         order by created_at",
    )
    .bind(report_module_id)
    .bind(surviving_replace)
    .fetch_all(db)
    .await?)
}

/// Deletes an entry (its rows go with it).
pub async fn delete(db: &mut PgConnection, id: Uuid) -> DbResult<()> {
    crate::sql::query("delete from data_entry where data_entry_id = $1").bind(id).execute(&mut *db).await?;
    Ok(())
}

/// A published entry by id.
pub async fn by_id(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<EntryRow>> {
    Ok(crate::sql::query_as::<EntryRow>(sqlx::AssertSqlSafe(format!(
        "select {ENTRY_COLUMNS} from published_entry where data_entry_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Filters of a module listing.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub entry_type: Option<i16>,
    /// Text that the entry's fields must contain (case-insensitive).
    pub search: Option<String>,
    pub sort: EntrySort,
    pub descending: bool,
    /// Only rows created by this user (own-rows rule, cloud & AI).
    pub created_by: Option<Uuid>,
    /// Only rows whose traveller is this person (own-rows rule, travel).
    pub traveller: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Orders of a module listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntrySort {
    /// File order, then creation order.
    #[default]
    Natural,
    Created,
    Name,
    /// By the entry's Σ kg; entries without rows ("incomplete") last.
    Kg,
}

impl EntrySort {
    /// Parses `created_at`, `name` or `kg_co2eq`.
    pub fn parse(key: &str) -> Option<EntrySort> {
        match key {
            "created_at" => Some(EntrySort::Created),
            "name" => Some(EntrySort::Name),
            "kg_co2eq" => Some(EntrySort::Kg),
            _ => None,
        }
    }

    // Whitelisted SQL fragments only: nothing from the request reaches the statement text.
    fn order_by(self, descending: bool) -> String {
        let dir = if descending { "desc" } else { "asc" };
        match self {
            EntrySort::Natural => "source_row nulls last, created_at, data_entry_id".to_owned(),
            EntrySort::Created => format!("created_at {dir}, data_entry_id"),
            EntrySort::Name => {
                format!("lower(coalesce(data ->> 'name', data ->> 'researchfacility_name', '')) {dir}, data_entry_id")
            }
            EntrySort::Kg => format!(
                "(select sum(e.kg_co2eq) from emission e where e.data_entry_id = published_entry.data_entry_id) {dir} nulls last, data_entry_id"
            ),
        }
    }
}

/// A page of published entries of a module, and the total count matching the filters.
pub async fn list(db: &mut PgConnection, report_module_id: Uuid, q: &ListQuery) -> DbResult<(Vec<EntryRow>, i64)> {
    let filter = "report_module_id = $1
                  and ($2::int2 is null or data_entry_type = $2) and ($3::uuid is null or created_by = $3)
                  and ($6::text is null or data ->> 'user_institutional_id' = $6)
                  and ($7::text is null or exists (select 1 from jsonb_each_text(data) f where f.value ilike '%' || $7 || '%'))";
    let search = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(crate::like_literal);
    let total: i64 =
        crate::sql::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from published_entry where {filter}")))
            .bind(report_module_id)
            .bind(q.entry_type)
            .bind(q.created_by)
            .bind(q.limit)
            .bind(q.offset)
            .bind(q.traveller.as_deref())
            .bind(search.as_deref())
            .fetch_one(&mut *db)
            .await?;
    let order = q.sort.order_by(q.descending);
    let rows = crate::sql::query_as::<EntryRow>(sqlx::AssertSqlSafe(format!(
        "select {ENTRY_COLUMNS} from published_entry where {filter} order by {order} limit $4 offset $5"
    )))
    .bind(report_module_id)
    .bind(q.entry_type)
    .bind(q.created_by)
    .bind(q.limit)
    .bind(q.offset)
    .bind(q.traveller.as_deref())
    .bind(search.as_deref())
    .fetch_all(&mut *db)
    .await?;
    Ok((rows, total))
}

/// The emission rows of the given entries.
pub async fn emissions_of(db: impl PgExecutor<'_>, ids: &[Uuid]) -> DbResult<Vec<EmissionRow>> {
    Ok(crate::sql::query_as::<EmissionRow>(
        "select data_entry_id, emission_type, scope, is_additional, kg_co2eq, quantity, quantity_unit, factor_ids
         from emission where data_entry_id = any($1) order by data_entry_id, emission_id",
    )
    .bind(ids)
    .fetch_all(db)
    .await?)
}

/// An emission row with how it was computed: its explanation as stored when it was computed
/// (`None` for a row computed before explanations were recorded).
#[derive(Debug, Clone)]
pub struct ExplainedEmission {
    pub row: EmissionRow,
    pub explanation: Option<co2_domain::explain::Explanation>,
}

/// The rows of one entry with their explanations, in the order they were written.
pub async fn explained_emissions_of(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Vec<ExplainedEmission>> {
    let rows = crate::sql::query(
        "select data_entry_id, emission_type, scope, is_additional, kg_co2eq, quantity, quantity_unit, factor_ids,
                meta -> 'explanation' as explanation
         from emission where data_entry_id = $1 order by emission_id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            use sqlx::{FromRow, Row};
            let explanation: Option<serde_json::Value> = r.try_get("explanation")?;
            Ok(ExplainedEmission {
                row: EmissionRow::from_row(r)?,
                // A stored explanation that no longer reads is shown as absent, not as an error.
                explanation: explanation.and_then(|e| serde_json::from_value(e).ok()),
            })
        })
        .collect()
}

/// A module holding rows staged on a job (any one), to announce its publication again.
pub async fn a_pending_module(db: impl PgExecutor<'_>, job_id: Uuid) -> DbResult<Option<Uuid>> {
    Ok(crate::sql::query_scalar("select report_module_id from data_entry where pending_job_id = $1 limit 1")
        .bind(job_id)
        .fetch_optional(db)
        .await?)
}

/// The modules a year-wide back-office file touches: those it staged rows in and, for a replace,
/// those holding rows loaded this way for the year and entry types. Sorted (the lock order).
pub async fn year_load_modules(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    year: i32,
    module: &str,
    types: &[i16],
    replace: bool,
) -> DbResult<Vec<Uuid>> {
    Ok(crate::sql::query_scalar(
        "select report_module_id from data_entry where pending_job_id = $1
         union
         select d.report_module_id from published_entry d
         join report_module rm using (report_module_id) join report r using (report_id)
         where $5 and r.report_year_id = $2 and rm.module = $3 and d.source = 'backoffice'
           and d.data_entry_type = any($4)
         order by 1",
    )
    .bind(job_id)
    .bind(year)
    .bind(module)
    .bind(types)
    .bind(replace)
    .fetch_all(db)
    .await?)
}

/// Deletes the published rows loaded by year-wide back-office files for (year, module, types) in
/// every unit (DOMAIN §2.2: the replace of a per-year load); their emission rows go with them.
pub async fn delete_year_loaded(db: &mut PgConnection, year: i32, module: &str, types: &[i16]) -> DbResult<u64> {
    let done = crate::sql::query(
        "delete from published_entry d using report_module rm, report r
         where d.report_module_id = rm.report_module_id and rm.report_id = r.report_id
           and r.report_year_id = $1 and rm.module = $2 and d.source = 'backoffice'
           and d.data_entry_type = any($3)",
    )
    .bind(year)
    .bind(module)
    .bind(types)
    .execute(&mut *db)
    .await?;
    Ok(done.rows_affected())
}

/// The published agency trips a keyed agency file replaces (DOMAIN §9 D5), in `$2` the year and
/// `$3` the module: those whose key the file (job `$1`) brings again, whichever unit holds them,
/// and those departing in the period the export covers (`$4`..=`$5`, ISO dates, which compare as
/// text), so a trip the agency no longer lists goes.
const AGENCY_REPLACED: &str = "published_entry d
    join report_module rm using (report_module_id) join report r using (report_id)
    where d.source = 'agency' and r.report_year_id = $2 and rm.module = $3
      and (d.source_key in (select s.source_key from data_entry s where s.pending_job_id = $1)
           or d.data ->> 'departure_date' between $4 and $5)";

/// The modules an agency file touches: those it staged rows in and those holding the trips it
/// replaces. Sorted (the lock order).
pub async fn agency_sync_modules(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    year: i32,
    module: &str,
    period: (chrono::NaiveDate, chrono::NaiveDate),
) -> DbResult<Vec<Uuid>> {
    Ok(crate::sql::query_scalar(sqlx::AssertSqlSafe(format!(
        "select report_module_id from data_entry where pending_job_id = $1
         union
         select d.report_module_id from {AGENCY_REPLACED}
         order by 1"
    )))
    .bind(job_id)
    .bind(year)
    .bind(module)
    .bind(period.0.to_string())
    .bind(period.1.to_string())
    .fetch_all(db)
    .await?)
}

/// Deletes the published agency trips the file of `job_id` replaces (see [`AGENCY_REPLACED`]);
/// their emission rows go with them. Returns how many went.
pub async fn delete_agency_replaced(
    db: &mut PgConnection,
    job_id: Uuid,
    year: i32,
    module: &str,
    period: (chrono::NaiveDate, chrono::NaiveDate),
) -> DbResult<u64> {
    let done = crate::sql::query(sqlx::AssertSqlSafe(format!(
        "delete from data_entry where data_entry_id in (select d.data_entry_id from {AGENCY_REPLACED})"
    )))
    .bind(job_id)
    .bind(year)
    .bind(module)
    .bind(period.0.to_string())
    .bind(period.1.to_string())
    .execute(&mut *db)
    .await?;
    Ok(done.rows_affected())
}

/// Serialises the publications of agency files of a year (held to the end of the transaction):
/// two overlapping exports published at once could each miss the other's keys.
pub async fn lock_agency_year(db: &mut PgConnection, year: i32) -> DbResult<()> {
    crate::sql::query("select pg_advisory_xact_lock(hashtext('agency-feed'), $1)").bind(year).execute(&mut *db).await?;
    Ok(())
}
