//! Module aggregates (DOMAIN §6.3): entry count, headline (non-additional) kg and its scope split,
//! and additional-category kg, computed from leaf rows of published entries only.

use crate::DbResult;
use uuid::Uuid;

/// Recomputes and stores the aggregates of one module: the Σ kg of each leaf of its published
/// entries (`module_leaf_total`, one scan of their emission rows), then the module's scope,
/// headline and additional totals and its entry count from those.
pub async fn refresh_module(db: &mut sqlx::PgConnection, report_module_id: Uuid) -> DbResult<()> {
    clear_leaves(db, report_module_id).await?;
    crate::sql::query(
        "insert into module_leaf_total (report_module_id, emission_type, scope, is_additional, kg_co2eq)
         select $1, e.emission_type, e.scope, e.is_additional, sum(e.kg_co2eq)
         from published_entry d join emission e on e.data_entry_id = d.data_entry_id
         where d.report_module_id = $1
         group by e.emission_type, e.scope, e.is_additional",
    )
    .bind(report_module_id)
    .execute(&mut *db)
    .await?;
    let entries: i64 = crate::sql::query_scalar("select count(*) from published_entry where report_module_id = $1")
        .bind(report_module_id)
        .fetch_one(&mut *db)
        .await?;
    set_module_totals(db, report_module_id, entries).await
}

/// [`refresh_module`] right after `job`'s rows were published by marking the job
/// (`Publication::ByJob`): the rows the module keeps are read, the job's are not, their
/// contribution comes from what step-ingest summed while staging them (`job_staged_module`,
/// consumed here). Without such a record, a full refresh.
pub async fn refresh_module_after_publication(
    db: &mut sqlx::PgConnection,
    report_module_id: Uuid,
    job_id: Uuid,
) -> DbResult<()> {
    let staged: Option<(i64, serde_json::Value)> = crate::sql::query_as(
        "delete from job_staged_module where job_id = $1 and report_module_id = $2 returning entries, leaf_totals",
    )
    .bind(job_id)
    .bind(report_module_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some((staged_entries, staged_leaves)) = staged else {
        return refresh_module(db, report_module_id).await;
    };
    // The kept rows' ids as an array: their emission rows are then read through the entry index
    // whatever the planner believes of the module's size (a join chose a scan of every emission
    // row of the database).
    let kept: Vec<Uuid> = crate::sql::query_scalar(
        "select data_entry_id from published_entry where report_module_id = $1 and pending_job_id is distinct from $2",
    )
    .bind(report_module_id)
    .bind(job_id)
    .fetch_all(&mut *db)
    .await?;
    clear_leaves(db, report_module_id).await?;
    crate::sql::query(
        "insert into module_leaf_total (report_module_id, emission_type, scope, is_additional, kg_co2eq)
         select $1, emission_type, scope, is_additional, sum(kg_co2eq) from (
             select e.emission_type, e.scope, e.is_additional, e.kg_co2eq from emission e where e.data_entry_id = any($2)
             union all
             select t.emission_type, t.scope, t.is_additional, t.kg_co2eq
             from jsonb_to_recordset($3) as t(emission_type text, scope smallint, is_additional boolean, kg_co2eq double precision)
         ) leaves
         group by emission_type, scope, is_additional",
    )
    .bind(report_module_id)
    .bind(&kept)
    .bind(&staged_leaves)
    .execute(&mut *db)
    .await?;
    set_module_totals(db, report_module_id, kept.len() as i64 + staged_entries).await
}

async fn clear_leaves(db: &mut sqlx::PgConnection, report_module_id: Uuid) -> DbResult<()> {
    crate::sql::query("delete from module_leaf_total where report_module_id = $1")
        .bind(report_module_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets a module's entry count and its totals (headline, scopes, additional) from its leaves.
async fn set_module_totals(db: &mut sqlx::PgConnection, report_module_id: Uuid, entries: i64) -> DbResult<()> {
    crate::sql::query(
        "with sums as (
             select coalesce(sum(kg_co2eq) filter (where not is_additional), 0) as headline,
                    coalesce(sum(kg_co2eq) filter (where not is_additional and scope = 1), 0) as s1,
                    coalesce(sum(kg_co2eq) filter (where not is_additional and scope = 2), 0) as s2,
                    coalesce(sum(kg_co2eq) filter (where not is_additional and scope = 3), 0) as s3,
                    coalesce(sum(kg_co2eq) filter (where is_additional), 0) as additional
             from module_leaf_total where report_module_id = $1
         )
         update report_module set entry_count = $2,
             headline_kg = sums.headline, scope1_kg = sums.s1, scope2_kg = sums.s2, scope3_kg = sums.s3,
             additional_kg = sums.additional, aggregated_at = now()
         from sums where report_module_id = $1",
    )
    .bind(report_module_id)
    .bind(entries)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Σ kg per leaf of the published entries of a unit's report of `year`, the unit named by its
/// institutional id; `None` when there is no such unit or report (a facility unit's own
/// footprint, DOMAIN §5.8).
pub async fn unit_year_leaf_sums(
    db: &mut sqlx::PgConnection,
    institutional_id: &str,
    year: i32,
) -> DbResult<Option<Vec<(String, f64)>>> {
    let report: Option<Uuid> = crate::sql::query_scalar(
        "select r.report_id from report r join unit u on u.unit_id = r.unit_id
         where u.institutional_id = $1 and r.report_year_id = $2",
    )
    .bind(institutional_id)
    .bind(year)
    .fetch_optional(&mut *db)
    .await?;
    let Some(report) = report else { return Ok(None) };
    let rows: Vec<(String, f64)> = crate::sql::query_as(
        "select e.emission_type, sum(e.kg_co2eq) from emission e
         join published_entry d on d.data_entry_id = e.data_entry_id
         join report_module m on m.report_module_id = d.report_module_id
         where m.report_id = $1 group by e.emission_type",
    )
    .bind(report)
    .fetch_all(&mut *db)
    .await?;
    Ok(Some(rows))
}
