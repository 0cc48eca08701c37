//! Module aggregates (DOMAIN §6.3): entry count, headline (non-additional) kg and its scope split,
//! and additional-category kg, computed from leaf rows of published entries only.

use crate::DbResult;
use uuid::Uuid;

/// Recomputes and stores the aggregates of one module: the Σ kg of each leaf of its published
/// entries (`module_leaf_total`, one scan of their emission rows), then the module's scope,
/// headline and additional totals and its entry count from those.
pub async fn refresh_module(db: &mut sqlx::PgConnection, report_module_id: Uuid) -> DbResult<()> {
    sqlx::query("delete from module_leaf_total where report_module_id = $1")
        .bind(report_module_id)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "insert into module_leaf_total (report_module_id, emission_type, scope, is_additional, kg_co2eq)
         select $1, e.emission_type, e.scope, e.is_additional, sum(e.kg_co2eq)
         from published_entry d join emission e on e.data_entry_id = d.data_entry_id
         where d.report_module_id = $1
         group by e.emission_type, e.scope, e.is_additional",
    )
    .bind(report_module_id)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "with sums as (
             select coalesce(sum(kg_co2eq) filter (where not is_additional), 0) as headline,
                    coalesce(sum(kg_co2eq) filter (where not is_additional and scope = 1), 0) as s1,
                    coalesce(sum(kg_co2eq) filter (where not is_additional and scope = 2), 0) as s2,
                    coalesce(sum(kg_co2eq) filter (where not is_additional and scope = 3), 0) as s3,
                    coalesce(sum(kg_co2eq) filter (where is_additional), 0) as additional
             from module_leaf_total where report_module_id = $1
         )
         update report_module set entry_count = (select count(*) from published_entry where report_module_id = $1),
             headline_kg = sums.headline, scope1_kg = sums.s1, scope2_kg = sums.s2, scope3_kg = sums.s3,
             additional_kg = sums.additional, aggregated_at = now()
         from sums where report_module_id = $1",
    )
    .bind(report_module_id)
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
    let report: Option<Uuid> = sqlx::query_scalar(
        "select r.report_id from report r join unit u on u.unit_id = r.unit_id
         where u.institutional_id = $1 and r.report_year_id = $2",
    )
    .bind(institutional_id)
    .bind(year)
    .fetch_optional(&mut *db)
    .await?;
    let Some(report) = report else { return Ok(None) };
    let rows: Vec<(String, f64)> = sqlx::query_as(
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
