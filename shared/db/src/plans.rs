//! Reduction plans and their measures, the institution's long-term goals, and the footprints a
//! plan's trajectory is drawn from.

use crate::DbResult;
use chrono::{DateTime, Utc};
use co2_api_types::InstitutionGoal;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A stored plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Plan {
    pub reduction_plan_id: Uuid,
    pub unit_id: Uuid,
    pub name: String,
    pub reference_year: i32,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored measure.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Measure {
    pub reduction_measure_id: Uuid,
    pub reduction_plan_id: Uuid,
    pub lever: String,
    pub module: Option<String>,
    pub owner: String,
    pub target_year: i32,
    pub expected_kg: f64,
    pub note: String,
}

/// A measure to store.
#[derive(Debug, Clone)]
pub struct NewMeasure<'a> {
    pub lever: &'a str,
    pub module: Option<&'a str>,
    pub owner: &'a str,
    pub target_year: i32,
    pub expected_kg: f64,
    pub note: &'a str,
}

const PLAN_COLUMNS: &str =
    "p.reduction_plan_id, p.unit_id, p.name, p.reference_year, u.display_name as created_by_name,
     p.created_at, p.updated_at";

/// The plans of a unit, by name.
pub async fn plans_of(db: impl PgExecutor<'_>, unit_id: Uuid) -> DbResult<Vec<Plan>> {
    Ok(crate::sql::query_as::<Plan>(sqlx::AssertSqlSafe(format!(
        "select {PLAN_COLUMNS} from reduction_plan p left join app_user u on u.app_user_id = p.created_by
         where p.unit_id = $1 order by p.name"
    )))
    .bind(unit_id)
    .fetch_all(db)
    .await?)
}

/// A plan of a unit (`None` when the unit has no such plan).
pub async fn plan(db: impl PgExecutor<'_>, unit_id: Uuid, plan_id: Uuid) -> DbResult<Option<Plan>> {
    Ok(crate::sql::query_as::<Plan>(sqlx::AssertSqlSafe(format!(
        "select {PLAN_COLUMNS} from reduction_plan p left join app_user u on u.app_user_id = p.created_by
         where p.unit_id = $1 and p.reduction_plan_id = $2"
    )))
    .bind(unit_id)
    .bind(plan_id)
    .fetch_optional(db)
    .await?)
}

/// Creates a plan; its name is unique in the unit (`reduction_plan_name_key`).
pub async fn create(db: &mut PgConnection, unit_id: Uuid, name: &str, reference_year: i32, by: Uuid) -> DbResult<Uuid> {
    Ok(crate::sql::query_scalar(
        "insert into reduction_plan (unit_id, name, reference_year, created_by) values ($1, $2, $3, $4)
         returning reduction_plan_id",
    )
    .bind(unit_id)
    .bind(name)
    .bind(reference_year)
    .bind(by)
    .fetch_one(&mut *db)
    .await?)
}

/// Deletes a plan and its measures; whether there was one.
pub async fn delete(db: &mut PgConnection, unit_id: Uuid, plan_id: Uuid) -> DbResult<bool> {
    let done = crate::sql::query("delete from reduction_plan where unit_id = $1 and reduction_plan_id = $2")
        .bind(unit_id)
        .bind(plan_id)
        .execute(&mut *db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a plan changed (a measure was added, edited or removed).
pub async fn touch(db: &mut PgConnection, plan_id: Uuid) -> DbResult<()> {
    crate::sql::query("update reduction_plan set updated_at = now() where reduction_plan_id = $1")
        .bind(plan_id)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// The measures of a plan, by target year.
pub async fn measures(db: impl PgExecutor<'_>, plan_id: Uuid) -> DbResult<Vec<Measure>> {
    Ok(crate::sql::query_as::<Measure>(
        "select reduction_measure_id, reduction_plan_id, lever, module, owner, target_year, expected_kg, note
         from reduction_measure where reduction_plan_id = $1 order by target_year, lever, reduction_measure_id",
    )
    .bind(plan_id)
    .fetch_all(db)
    .await?)
}

/// Adds a measure to a plan.
pub async fn add_measure(db: &mut PgConnection, plan_id: Uuid, m: &NewMeasure<'_>) -> DbResult<Uuid> {
    Ok(crate::sql::query_scalar(
        "insert into reduction_measure (reduction_plan_id, lever, module, owner, target_year, expected_kg, note)
         values ($1, $2, $3, $4, $5, $6, $7) returning reduction_measure_id",
    )
    .bind(plan_id)
    .bind(m.lever)
    .bind(m.module)
    .bind(m.owner)
    .bind(m.target_year)
    .bind(m.expected_kg)
    .bind(m.note)
    .fetch_one(&mut *db)
    .await?)
}

/// Replaces a measure of a plan; whether there was one.
pub async fn update_measure(db: &mut PgConnection, plan_id: Uuid, id: Uuid, m: &NewMeasure<'_>) -> DbResult<bool> {
    let done = crate::sql::query(
        "update reduction_measure set lever = $3, module = $4, owner = $5, target_year = $6, expected_kg = $7, note = $8
         where reduction_plan_id = $1 and reduction_measure_id = $2",
    )
    .bind(plan_id)
    .bind(id)
    .bind(m.lever)
    .bind(m.module)
    .bind(m.owner)
    .bind(m.target_year)
    .bind(m.expected_kg)
    .bind(m.note)
    .execute(&mut *db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a measure of a plan; whether there was one.
pub async fn delete_measure(db: &mut PgConnection, plan_id: Uuid, id: Uuid) -> DbResult<bool> {
    let done =
        crate::sql::query("delete from reduction_measure where reduction_plan_id = $1 and reduction_measure_id = $2")
            .bind(plan_id)
            .bind(id)
            .execute(&mut *db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The institution's long-term goals, by target year.
pub async fn goals(db: impl PgExecutor<'_>) -> DbResult<Vec<InstitutionGoal>> {
    let rows: Vec<(i32, f64, i32)> = crate::sql::query_as(
        "select target_year, reduction_percent, reference_year from institution_goal order by target_year",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(target_year, reduction_percent, reference_year)| InstitutionGoal {
            target_year,
            reduction_percent,
            reference_year,
        })
        .collect())
}

/// Replaces the institution's long-term goals.
pub async fn set_goals(db: &mut PgConnection, goals: &[InstitutionGoal]) -> DbResult<()> {
    crate::sql::query("delete from institution_goal").execute(&mut *db).await?;
    for g in goals {
        crate::sql::query(
            "insert into institution_goal (target_year, reduction_percent, reference_year) values ($1, $2, $3)",
        )
        .bind(g.target_year)
        .bind(g.reduction_percent)
        .bind(g.reference_year)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// The core footprint (additional categories apart) of a unit and of every unit beneath it, by
/// report year, over every module (validated or not): what a plan measures itself against.
pub async fn footprints_by_year(db: impl PgExecutor<'_>, unit_id: Uuid) -> DbResult<Vec<(i32, f64)>> {
    Ok(crate::sql::query_as(
        "select r.report_year_id, coalesce(sum(rm.headline_kg), 0)::float8
         from unit top
         join unit u on left(u.path, length(top.path)) = top.path
         join report r on r.unit_id = u.unit_id
         join report_module rm on rm.report_id = r.report_id
         where top.unit_id = $1
         group by r.report_year_id
         order by r.report_year_id",
    )
    .bind(unit_id)
    .fetch_all(db)
    .await?)
}
