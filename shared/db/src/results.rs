//! What the results figures are computed from: the leaf sums of a unit-year report per module
//! (published entries only) and the headcount FTE. The arithmetic itself is `co2_domain::totals`.

use crate::DbResult;
use sqlx::PgExecutor;
use uuid::Uuid;

/// Σ kg of one leaf within one module.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LeafSum {
    pub module: String,
    pub emission_type: String,
    pub kg_co2eq: f64,
}

/// Leaf sums of (unit, year), by module, as step-aggregate keeps them (`module_leaf_total`).
pub async fn leaf_sums(db: impl PgExecutor<'_>, unit_id: Uuid, year: i32) -> DbResult<Vec<LeafSum>> {
    Ok(crate::sql::query_as::<LeafSum>(
        "select rm.module, t.emission_type, sum(t.kg_co2eq) as kg_co2eq
         from report r
         join report_module rm using (report_id)
         join module_leaf_total t on t.report_module_id = rm.report_module_id
         where r.unit_id = $1 and r.report_year_id = $2
         group by rm.module, t.emission_type
         order by rm.module, t.emission_type",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// Σ fte of the headcount module's members and students (DOMAIN §6.3 FTE).
pub async fn headcount_fte(db: impl PgExecutor<'_>, unit_id: Uuid, year: i32) -> DbResult<f64> {
    Ok(crate::sql::query_scalar(
        "select coalesce(sum(case when (d.data->>'fte') ~ '^[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$'
                                  then (d.data->>'fte')::float8 else 0 end), 0)
         from report r
         join report_module rm using (report_id)
         join published_entry d on d.report_module_id = rm.report_module_id
         where r.unit_id = $1 and r.report_year_id = $2 and rm.module = 'headcount' and d.data_entry_type in (1, 2)",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_one(db)
    .await?)
}

/// Σ fte of the headcount module of each of `units` in `year` (units without any: absent).
pub async fn fte_by_unit(db: impl PgExecutor<'_>, units: &[Uuid], year: i32) -> DbResult<Vec<(Uuid, f64)>> {
    Ok(crate::sql::query_as(
        "select r.unit_id, coalesce(sum(case when (d.data->>'fte') ~ '^[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$'
                                  then (d.data->>'fte')::float8 else 0 end), 0)
         from report r
         join report_module rm using (report_id)
         join published_entry d on d.report_module_id = rm.report_module_id
         where r.unit_id = any($1) and r.report_year_id = $2 and rm.module = 'headcount' and d.data_entry_type in (1, 2)
         group by r.unit_id",
    )
    .bind(units)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// Σ kg of one IT class (DOMAIN §6.3 IT focus): an IT equipment class or an IT purchase UNSPSC
/// code, named by a description entered for that code (the alphabetically first).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItClassSum {
    /// The entry type: 11 (IT equipment) or 61 (IT purchases).
    pub data_entry_type: i16,
    pub class: String,
    pub label: Option<String>,
    pub kg_co2eq: f64,
}

/// kg of IT equipment by `equipment_class` and of IT purchases by UNSPSC code, of (unit, year).
pub async fn it_class_sums(db: impl PgExecutor<'_>, unit_id: Uuid, year: i32) -> DbResult<Vec<ItClassSum>> {
    Ok(crate::sql::query_as::<ItClassSum>(
        "select d.data_entry_type,
                trim(case d.data_entry_type when 11 then d.data ->> 'equipment_class'
                                            else d.data ->> 'purchase_institutional_code' end) as class,
                min(nullif(trim(d.data ->> 'purchase_institutional_description'), '')) as label,
                sum(e.kg_co2eq) as kg_co2eq
         from report r
         join report_module rm using (report_id)
         join published_entry d on d.report_module_id = rm.report_module_id
         join emission e on e.data_entry_id = d.data_entry_id
         where r.unit_id = $1 and r.report_year_id = $2 and d.data_entry_type in (11, 61)
         group by 1, 2
         order by 1, 2",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// Σ kg of one leaf within one module of one unit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitLeafSum {
    pub unit_id: Uuid,
    pub module: String,
    pub emission_type: String,
    pub kg_co2eq: f64,
}

/// Leaf sums of `units` in `year`, by unit and module (`module_leaf_total`): the figures of many
/// reports in one read.
pub async fn leaf_sums_of_units(db: impl PgExecutor<'_>, units: &[Uuid], year: i32) -> DbResult<Vec<UnitLeafSum>> {
    Ok(crate::sql::query_as::<UnitLeafSum>(
        "select r.unit_id, rm.module, t.emission_type, sum(t.kg_co2eq) as kg_co2eq
         from report r
         join report_module rm using (report_id)
         join module_leaf_total t on t.report_module_id = rm.report_module_id
         where r.unit_id = any($1) and r.report_year_id = $2
         group by r.unit_id, rm.module, t.emission_type",
    )
    .bind(units)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// The state of one module of one unit's report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitModuleState {
    pub unit_id: Uuid,
    pub module: String,
    #[sqlx(try_from = "i16")]
    pub status: co2_domain::ModuleStatus,
    /// When the module last changed (an entry, a file, a status).
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The modules of the reports of `units` in `year`, with their states.
pub async fn module_states_of_units(
    db: impl PgExecutor<'_>,
    units: &[Uuid],
    year: i32,
) -> DbResult<Vec<UnitModuleState>> {
    Ok(crate::sql::query_as::<UnitModuleState>(
        "select r.unit_id, rm.module, rm.status, rm.updated_at
         from report r join report_module rm using (report_id)
         where r.unit_id = any($1) and r.report_year_id = $2",
    )
    .bind(units)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// The principals of `units` (their display names, comma-separated, alphabetical).
pub async fn principals_of_units(db: impl PgExecutor<'_>, units: &[Uuid]) -> DbResult<Vec<(Uuid, String)>> {
    Ok(crate::sql::query_as(
        "select ra.unit_id, string_agg(distinct a.display_name, ', ' order by a.display_name)
         from role_assignment ra join app_user a using (app_user_id)
         where ra.role = 'principal' and ra.unit_id = any($1)
         group by ra.unit_id",
    )
    .bind(units)
    .fetch_all(db)
    .await?)
}

/// A published entry of a unit's module, as stored (to compute again with other factors).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitEntry {
    pub unit_id: Uuid,
    pub data_entry_type: i16,
    pub data: serde_json::Value,
}

/// The published entries of `module` in the reports of `units` for `year`.
pub async fn entries_of_units(
    db: impl PgExecutor<'_>,
    units: &[Uuid],
    year: i32,
    module: &str,
) -> DbResult<Vec<UnitEntry>> {
    Ok(crate::sql::query_as::<UnitEntry>(
        "select r.unit_id, d.data_entry_type, d.data
         from report r
         join report_module rm using (report_id)
         join published_entry d on d.report_module_id = rm.report_module_id
         where r.unit_id = any($1) and r.report_year_id = $2 and rm.module = $3",
    )
    .bind(units)
    .bind(year)
    .bind(module)
    .fetch_all(db)
    .await?)
}

/// The floor area of each of `units` in `year`: Σ over its published room entries of the room's
/// surface (the reference, by building and room) × the unit's share of it. Units without a known
/// room are absent.
pub async fn floor_area_by_unit(db: impl PgExecutor<'_>, units: &[Uuid], year: i32) -> DbResult<Vec<(Uuid, f64)>> {
    Ok(crate::sql::query_as(
        "select r.unit_id,
                sum(b.room_surface_square_meter
                    * case when (d.data->>'room_allocation_ratio') ~ '^[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$'
                           then (d.data->>'room_allocation_ratio')::float8 else 1 end)
         from report r
         join report_module rm using (report_id)
         join published_entry d on d.report_module_id = rm.report_module_id
         join building_room b on b.building_name = d.data->>'building_name' and b.room_name = d.data->>'room_name'
         where r.unit_id = any($1) and r.report_year_id = $2 and rm.module = 'buildings' and d.data_entry_type = 30
         group by r.unit_id",
    )
    .bind(units)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// One published entry of a unit-year with one of its rows (none when it has none), as the data
/// quality view reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QualityRow {
    pub module: String,
    pub data_entry_id: Uuid,
    pub data_entry_type: i16,
    /// `None` for an entry without rows.
    pub kg_co2eq: Option<f64>,
    #[sqlx(json(nullable))]
    pub explanation: Option<co2_domain::explain::Explanation>,
    /// The row's (first) factor, its `uncertainty_pct` and its classification.
    pub factor_id: Option<Uuid>,
    pub factor_pct: Option<f64>,
    pub classification: Option<serde_json::Value>,
}

/// Every published entry of (unit, year) with its rows and their factors' uncertainty.
pub async fn quality_rows(db: impl PgExecutor<'_>, unit_id: Uuid, year: i32) -> DbResult<Vec<QualityRow>> {
    Ok(crate::sql::query_as::<QualityRow>(
        "select rm.module, e.data_entry_id, e.data_entry_type, em.kg_co2eq, em.meta -> 'explanation' as explanation,
                f.factor_id, (f.factor_values ->> 'uncertainty_pct')::float8 as factor_pct, f.classification
         from report r
         join report_module rm using (report_id)
         join published_entry e on e.report_module_id = rm.report_module_id
         left join emission em on em.data_entry_id = e.data_entry_id
         left join factor f on f.factor_id = em.factor_ids[1]
         where r.unit_id = $1 and r.report_year_id = $2
         order by rm.module, e.data_entry_id",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// An entry of a unit-year module with its kg outside the additional categories.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryKg {
    pub data_entry_type: i16,
    pub data: serde_json::Value,
    pub kg: f64,
    /// Σ of its rows' quantities (e.g. a flight's total km).
    pub quantity: Option<f64>,
}

/// Every published entry of a unit-year module with its kg (the headline's rows) and quantity.
pub async fn module_entry_kgs(
    db: impl PgExecutor<'_>,
    unit_id: Uuid,
    year: i32,
    module: co2_domain::Module,
) -> DbResult<Vec<EntryKg>> {
    Ok(crate::sql::query_as::<EntryKg>(
        "select e.data_entry_type, e.data,
                coalesce(sum(em.kg_co2eq) filter (where not em.is_additional), 0)::float8 as kg,
                sum(em.quantity)::float8 as quantity
         from report r
         join report_module rm using (report_id)
         join published_entry e on e.report_module_id = rm.report_module_id
         left join emission em on em.data_entry_id = e.data_entry_id
         where r.unit_id = $1 and r.report_year_id = $2 and rm.module = $3
         group by e.data_entry_id, e.data_entry_type, e.data",
    )
    .bind(unit_id)
    .bind(year)
    .bind(module.key())
    .fetch_all(db)
    .await?)
}
