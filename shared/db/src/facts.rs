//! The facts of a year for business-intelligence tools: one row per unit × module × leaf ×
//! scope × quantity unit of the published entries, with the module's status. Read as a stream
//! (`fetch`), so a feed of the whole institution never sits in memory.

use futures::Stream;
use uuid::Uuid;

/// One fact row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactRow {
    pub unit: String,
    pub path: String,
    pub year: i32,
    pub module: String,
    #[sqlx(try_from = "i16")]
    pub status: co2_domain::ModuleStatus,
    pub emission_type: String,
    pub scope: i16,
    pub is_additional: bool,
    pub kg_co2eq: f64,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub entries: i64,
}

/// The facts of `units` in `year`, ordered by unit path, module and leaf.
pub fn of_units<'a>(
    db: &'a crate::Db,
    units: &'a [Uuid],
    year: i32,
) -> impl Stream<Item = Result<FactRow, sqlx::Error>> + Send + 'a {
    crate::sql::query_as::<FactRow>(
        "select u.institutional_id as unit, u.path, r.report_year_id as year, rm.module, rm.status,
                e.emission_type, e.scope, e.is_additional, sum(e.kg_co2eq) as kg_co2eq,
                sum(e.quantity) as quantity, e.quantity_unit, count(distinct d.data_entry_id) as entries
         from published_entry d
         join emission e on e.data_entry_id = d.data_entry_id
         join report_module rm on rm.report_module_id = d.report_module_id
         join report r on r.report_id = rm.report_id
         join unit u on u.unit_id = r.unit_id
         where r.report_year_id = $2 and r.unit_id = any($1)
         group by u.institutional_id, u.path, r.report_year_id, rm.module, rm.status, e.emission_type, e.scope,
                  e.is_additional, e.quantity_unit
         order by u.path, rm.module, e.emission_type, e.scope, e.quantity_unit",
    )
    .bind(units)
    .bind(year)
    .fetch(db)
}
