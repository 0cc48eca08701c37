//! Published GHG inventories: frozen snapshots of a year's inventory (institution or subtree),
//! numbered by version. The table refuses any change (a trigger); a new version is a new row.
//! Also the market-based Scope 2 that the inventory reports beside the location-based one.

use crate::DbResult;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A publication.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Publication {
    pub publication_id: Uuid,
    pub report_year_id: i32,
    pub subtree: Option<String>,
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub note: Option<String>,
    pub inventory: serde_json::Value,
}

const COLUMNS: &str = "publication_id, report_year_id, subtree, version, published_at, published_by, note, inventory";

/// Stores the next version of (year, subtree)'s inventory; serialised per (year, subtree) by
/// the uniqueness of the version (a concurrent publication fails and is retried by its caller).
pub async fn publish(
    db: &mut sqlx::PgConnection,
    year: i32,
    subtree: Option<&str>,
    by: &str,
    note: Option<&str>,
    inventory: &serde_json::Value,
) -> DbResult<Publication> {
    Ok(crate::sql::query_as::<Publication>(sqlx::AssertSqlSafe(format!(
        "insert into published_inventory (report_year_id, subtree, version, published_by, note, inventory)
         select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5 from published_inventory
         where report_year_id = $1 and subtree is not distinct from $2
         returning {COLUMNS}"
    )))
    .bind(year)
    .bind(subtree)
    .bind(by)
    .bind(note)
    .bind(inventory)
    .fetch_one(db)
    .await?)
}

/// The publications of a year (of one subtree when given), newest first.
pub async fn list(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<Publication>> {
    Ok(crate::sql::query_as::<Publication>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from published_inventory where report_year_id = $1
         order by subtree nulls first, version desc"
    )))
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// One publication.
pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<Publication>> {
    Ok(crate::sql::query_as::<Publication>(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from published_inventory where publication_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// The factor uploads of `year` since `since` (from the audit log): when, who, which file.
pub async fn factor_uploads_since(
    db: impl PgExecutor<'_>,
    year: i32,
    since: DateTime<Utc>,
) -> DbResult<Vec<(DateTime<Utc>, String, String)>> {
    Ok(crate::sql::query_as(
        "select created_at, actor, target from audit_log
         where action = 'factors.uploaded' and target like $1 || '/%' and created_at > $2
         order by audit_log_id",
    )
    .bind(year.to_string())
    .bind(since)
    .fetch_all(db)
    .await?)
}

/// Scope 2 of `units` in `year` by the market-based method: each published Scope 2 row in kWh
/// whose factor carries a market-based factor (`ef_market_kg_co2eq_per_kwh`) counts its kWh at
/// that factor, every other row its location-based kg. Also how many rows had a market factor:
/// none means the market-based figure is not reported.
pub async fn scope2_market_based(db: impl PgExecutor<'_>, units: &[Uuid], year: i32) -> DbResult<(f64, i64)> {
    Ok(crate::sql::query_as(
        "select coalesce(sum(case when m.ef is not null then e.quantity * m.ef else e.kg_co2eq end), 0),
                count(m.ef)
         from published_entry d
         join emission e on e.data_entry_id = d.data_entry_id
         join report_module rm on rm.report_module_id = d.report_module_id
         join report r on r.report_id = rm.report_id
         left join lateral (
             select (f.factor_values ->> 'ef_market_kg_co2eq_per_kwh')::float8 as ef
             from factor f
             where f.factor_id = e.factor_ids[1] and e.quantity_unit = 'kWh' and e.quantity is not null
               and f.factor_values ? 'ef_market_kg_co2eq_per_kwh'
         ) m on true
         where r.unit_id = any($1) and r.report_year_id = $2 and e.scope = 2",
    )
    .bind(units)
    .bind(year)
    .fetch_one(db)
    .await?)
}
