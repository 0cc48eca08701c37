//! Report years, reports (unit × year) and their 8 modules with status.

use crate::{DbError, DbResult};
use co2_domain::Module;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

pub use co2_domain::ModuleStatus;

/// A report year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportYear {
    pub report_year_id: i32,
    pub is_open: bool,
    /// The reduction objective, in percent of the reference year's core footprint.
    pub reduction_goal_percent: Option<f64>,
    pub goal_reference_year: Option<i32>,
    /// Modules not collected this year.
    pub disabled_modules: Vec<String>,
    /// Entry types (DET names) not collected this year.
    pub disabled_entry_types: Vec<String>,
    /// Entry types (DET names) the office loads for every unit this year.
    pub central_entry_types: Vec<String>,
    /// When the units' modules should be validated by.
    pub deadline: Option<chrono::NaiveDate>,
}

impl ReportYear {
    /// The wire form.
    pub fn summary(&self) -> co2_api_types::YearSummary {
        co2_api_types::YearSummary {
            year: self.report_year_id,
            is_open: self.is_open,
            goal: self.reduction_goal_percent.zip(self.goal_reference_year).map(|(percent, reference_year)| {
                co2_api_types::YearGoal { reduction_percent: percent, reference_year }
            }),
            disabled_modules: self.disabled_modules.clone(),
            disabled_entry_types: self.disabled_entry_types.clone(),
            central_entry_types: self.central_entry_types.clone(),
            deadline: self.deadline,
        }
    }
}

const YEAR_COLUMNS: &str =
    "y.report_year_id, y.is_open, y.reduction_goal_percent, y.goal_reference_year, y.disabled_modules,
     y.disabled_entry_types, y.central_entry_types, y.deadline";

/// A module of a report with its unit, year and aggregates.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportModule {
    pub report_module_id: Uuid,
    pub report_id: Uuid,
    pub unit_id: Uuid,
    pub report_year_id: i32,
    pub year_is_open: bool,
    pub module: String,
    #[sqlx(try_from = "i16")]
    pub status: ModuleStatus,
    pub is_enabled: bool,
    pub entry_count: i64,
    pub headline_kg: f64,
    pub scope1_kg: f64,
    pub scope2_kg: f64,
    pub scope3_kg: f64,
    pub additional_kg: f64,
    /// Entry types (DET names) not collected this year.
    pub year_disabled_entry_types: Vec<String>,
    /// Entry types (DET names) the office loads for every unit this year.
    #[sqlx(default)]
    pub year_central_entry_types: Vec<String>,
}

impl ReportModule {
    /// Whether entries of `entry_type` are collected this year.
    pub fn collects(&self, entry_type: co2_domain::EntryType) -> bool {
        !self.year_disabled_entry_types.iter().any(|t| t == entry_type.name())
    }

    /// Whether `entry_type` is loaded by the office for every unit this year (a unit cannot
    /// write it).
    pub fn is_central(&self, entry_type: co2_domain::EntryType) -> bool {
        self.year_central_entry_types.iter().any(|t| t == entry_type.name())
    }

    /// Why writes are refused (DOMAIN §6.1), or `None` when the module accepts them.
    pub fn write_block(&self) -> Option<WriteBlock> {
        if self.status == ModuleStatus::Validated {
            Some(WriteBlock::ModuleValidated)
        } else if !self.year_is_open {
            Some(WriteBlock::YearClosed)
        } else if !self.is_enabled {
            Some(WriteBlock::ModuleDisabled)
        } else {
            None
        }
    }
}

/// Why a module refuses new or changed entries (DOMAIN §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteBlock {
    /// Validated by the unit's principal: reopened before it changes.
    ModuleValidated,
    /// The year is closed for changes.
    YearClosed,
    /// The module is not collected this year.
    ModuleDisabled,
}

impl WriteBlock {
    /// The error code the API and row errors give.
    pub fn code(self) -> &'static str {
        match self {
            WriteBlock::ModuleValidated => "module_validated",
            WriteBlock::YearClosed => "year_closed",
            WriteBlock::ModuleDisabled => "module_disabled",
        }
    }

    /// What a person reads.
    pub fn message(self) -> &'static str {
        match self {
            WriteBlock::ModuleValidated => "the module is validated: reopen it to change it",
            WriteBlock::YearClosed => "this year is closed for changes",
            WriteBlock::ModuleDisabled => "this module is not collected this year",
        }
    }
}

impl std::fmt::Display for WriteBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

const MODULE_COLUMNS: &str =
    "rm.report_module_id, rm.report_id, r.unit_id, r.report_year_id, y.is_open as year_is_open,
    rm.module, rm.status, rm.is_enabled, rm.entry_count, rm.headline_kg, rm.scope1_kg, rm.scope2_kg, rm.scope3_kg,
    rm.additional_kg, y.disabled_entry_types as year_disabled_entry_types,
    y.central_entry_types as year_central_entry_types";

/// Creates a year (idempotent).
pub async fn ensure_year(db: impl PgExecutor<'_>, year: i32, is_open: bool) -> DbResult<()> {
    crate::sql::query("insert into report_year (report_year_id, is_open) values ($1, $2) on conflict do nothing")
        .bind(year)
        .bind(is_open)
        .execute(db)
        .await?;
    Ok(())
}

/// Years a unit has a report for, newest first.
pub async fn years_of_unit(db: impl PgExecutor<'_>, unit_id: Uuid) -> DbResult<Vec<ReportYear>> {
    Ok(crate::sql::query_as::<ReportYear>(sqlx::AssertSqlSafe(format!(
        "select {YEAR_COLUMNS} from report r join report_year y using (report_year_id)
             where r.unit_id = $1 order by y.report_year_id desc"
    )))
    .bind(unit_id)
    .fetch_all(db)
    .await?)
}

/// Creates the report of (unit, year) with its 8 modules, if missing; returns its id.
pub async fn ensure_report(db: &mut PgConnection, unit_id: Uuid, year: i32) -> DbResult<Uuid> {
    let report_id: Uuid = crate::sql::query_scalar(
        "insert into report (unit_id, report_year_id) values ($1, $2)
         on conflict on constraint report_unit_year_key do update set unit_id = excluded.unit_id
         returning report_id",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_one(&mut *db)
    .await?;
    let keys: Vec<&str> = Module::ALL.iter().map(|m| m.key()).collect();
    crate::sql::query(
        "insert into report_module (report_id, module, is_enabled)
         select $1, m, not (m = any(y.disabled_modules)) from unnest($2::text[]) as m, report_year y
         where y.report_year_id = $3
         on conflict on constraint report_module_key do nothing",
    )
    .bind(report_id)
    .bind(&keys)
    .bind(year)
    .execute(&mut *db)
    .await?;
    Ok(report_id)
}

/// The 8 modules of (unit, year), in no particular order.
pub async fn modules_of(db: impl PgExecutor<'_>, unit_id: Uuid, year: i32) -> DbResult<Vec<ReportModule>> {
    Ok(crate::sql::query_as::<ReportModule>(sqlx::AssertSqlSafe(format!(
        "select {MODULE_COLUMNS} from report_module rm join report r using (report_id)
         join report_year y using (report_year_id) where r.unit_id = $1 and r.report_year_id = $2"
    )))
    .bind(unit_id)
    .bind(year)
    .fetch_all(db)
    .await?)
}

/// One module of (unit, year); `NotFound` when the unit has no report that year.
pub async fn module_of(db: impl PgExecutor<'_>, unit_id: Uuid, year: i32, module: Module) -> DbResult<ReportModule> {
    Ok(crate::sql::query_as::<ReportModule>(sqlx::AssertSqlSafe(format!(
        "select {MODULE_COLUMNS} from report_module rm join report r using (report_id)
         join report_year y using (report_year_id)
         where r.unit_id = $1 and r.report_year_id = $2 and rm.module = $3"
    )))
    .bind(unit_id)
    .bind(year)
    .bind(module.key())
    .fetch_one(db)
    .await?)
}

/// A module by id.
pub async fn module_by_id(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<ReportModule> {
    Ok(crate::sql::query_as::<ReportModule>(sqlx::AssertSqlSafe(format!(
        "select {MODULE_COLUMNS} from report_module rm join report r using (report_id)
         join report_year y using (report_year_id) where rm.report_module_id = $1"
    )))
    .bind(id)
    .fetch_one(db)
    .await?)
}

/// Locks a module row for the rest of the transaction (serialises writers of one module).
pub async fn lock_module(db: &mut PgConnection, id: Uuid) -> DbResult<ReportModule> {
    crate::sql::query("select 1 from report_module where report_module_id = $1 for update")
        .bind(id)
        .fetch_optional(&mut *db)
        .await?
        .ok_or(DbError::NotFound)?;
    module_by_id(&mut *db, id).await
}

/// Any write moves a module that was not started to in progress (DOMAIN §6.1).
pub async fn mark_in_progress(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    crate::sql::query("update report_module set status = $2 where report_module_id = $1 and status = $3")
        .bind(id)
        .bind(ModuleStatus::InProgress.code())
        .bind(ModuleStatus::NotStarted.code())
        .execute(db)
        .await?;
    Ok(())
}

/// Every report year, newest first.
pub async fn all_years(db: impl PgExecutor<'_>) -> DbResult<Vec<ReportYear>> {
    Ok(crate::sql::query_as::<ReportYear>(sqlx::AssertSqlSafe(format!(
        "select {YEAR_COLUMNS} from report_year y order by y.report_year_id desc"
    )))
    .fetch_all(db)
    .await?)
}

/// One year.
pub async fn year(db: impl PgExecutor<'_>, year: i32) -> DbResult<Option<ReportYear>> {
    Ok(crate::sql::query_as::<ReportYear>(sqlx::AssertSqlSafe(format!(
        "select {YEAR_COLUMNS} from report_year y where y.report_year_id = $1"
    )))
    .bind(year)
    .fetch_optional(db)
    .await?)
}

/// Sets (or with `None` clears) the reduction objective of a year.
pub async fn set_year_goal(db: impl PgExecutor<'_>, year: i32, goal: Option<(f64, i32)>) -> DbResult<()> {
    let done = crate::sql::query(
        "update report_year set reduction_goal_percent = $2, goal_reference_year = $3 where report_year_id = $1",
    )
    .bind(year)
    .bind(goal.map(|g| g.0))
    .bind(goal.map(|g| g.1))
    .execute(db)
    .await?;
    if done.rows_affected() == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Sets (or with `None` clears) the campaign's deadline of a year.
pub async fn set_year_deadline(
    db: impl PgExecutor<'_>,
    year: i32,
    deadline: Option<chrono::NaiveDate>,
) -> DbResult<()> {
    let done = crate::sql::query("update report_year set deadline = $2 where report_year_id = $1")
        .bind(year)
        .bind(deadline)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Opens or closes a year for writes; `NotFound` when the year does not exist.
pub async fn set_year_open(db: impl PgExecutor<'_>, year: i32, is_open: bool) -> DbResult<()> {
    let done = crate::sql::query("update report_year set is_open = $2 where report_year_id = $1")
        .bind(year)
        .bind(is_open)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Creates the report (and its 8 modules) of every unit for `year`; returns how many were new.
pub async fn ensure_reports_for_year(db: &mut PgConnection, year: i32) -> DbResult<u64> {
    let created = crate::sql::query(
        "insert into report (unit_id, report_year_id) select unit_id, $1 from unit
         on conflict on constraint report_unit_year_key do nothing",
    )
    .bind(year)
    .execute(&mut *db)
    .await?
    .rows_affected();
    let keys: Vec<&str> = Module::ALL.iter().map(|m| m.key()).collect();
    crate::sql::query(
        "insert into report_module (report_id, module, is_enabled)
         select r.report_id, m, not (m = any(y.disabled_modules))
         from report r join report_year y using (report_year_id) cross join unnest($2::text[]) as m
         where r.report_year_id = $1
         on conflict on constraint report_module_key do nothing",
    )
    .bind(year)
    .bind(&keys)
    .execute(&mut *db)
    .await?;
    Ok(created)
}

/// Sets a module's status: validating stamps `validated_at`; reopening clears it.
pub async fn set_status(db: impl PgExecutor<'_>, report_module_id: Uuid, new_status: ModuleStatus) -> DbResult<()> {
    crate::sql::query(
        "update report_module set status = $2,
             validated_at = case when $3 then now() else null end
         where report_module_id = $1",
    )
    .bind(report_module_id)
    .bind(new_status.code())
    .bind(new_status == ModuleStatus::Validated)
    .execute(db)
    .await?;
    Ok(())
}

/// One unit's report of a year, summed over its modules, for back-office reporting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportProgress {
    pub unit_id: Uuid,
    pub modules: i64,
    pub validated_modules: i64,
    /// Σ of the headlines of the validated modules.
    pub validated_headline_kg: f64,
}

/// The reports of `year`, one per unit.
pub async fn progress_of_year(db: impl PgExecutor<'_>, year: i32) -> DbResult<Vec<ReportProgress>> {
    Ok(crate::sql::query_as::<ReportProgress>(
        "select r.unit_id, count(*) as modules,
                count(*) filter (where rm.status = $2) as validated_modules,
                coalesce(sum(rm.headline_kg) filter (where rm.status = $2), 0) as validated_headline_kg
         from report r join report_module rm using (report_id)
         where r.report_year_id = $1
         group by r.unit_id",
    )
    .bind(year)
    .bind(ModuleStatus::Validated.code())
    .fetch_all(db)
    .await?)
}

/// Notes that a recalculation changed the rows of validated modules among `modules` (DOMAIN
/// §6.1: a validated module's results change only through a recalculation, and it shows);
/// returns how many were validated.
pub async fn mark_recalculated_after_validation(db: impl PgExecutor<'_>, modules: &[Uuid]) -> DbResult<u64> {
    let done = crate::sql::query(
        "update report_module set recalculated_after_validation_at = now()
         where report_module_id = any($1) and status = $2",
    )
    .bind(modules)
    .bind(ModuleStatus::Validated.code())
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The `module` of every unit's report of `year`, keyed by unit institutional id.
pub async fn modules_of_year(
    db: impl PgExecutor<'_>,
    year: i32,
    module: Module,
) -> DbResult<Vec<(String, ReportModule)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        institutional_id: String,
        #[sqlx(flatten)]
        module: ReportModule,
    }
    let rows = crate::sql::query_as::<Row>(sqlx::AssertSqlSafe(format!(
        "select u.institutional_id, {MODULE_COLUMNS}
         from report_module rm join report r using (report_id) join unit u on u.unit_id = r.unit_id
         join report_year y using (report_year_id)
         where r.report_year_id = $1 and rm.module = $2"
    )))
    .bind(year)
    .bind(module.key())
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.institutional_id, r.module)).collect())
}

/// A year's list of what it does not collect.
#[derive(Debug, Clone, Copy)]
enum YearList {
    Modules,
    EntryTypes,
    CentralEntryTypes,
}

/// Removes `name` from a year's list (`collected`) or adds it once; `NotFound` for an unknown year.
async fn set_collected(
    db: impl PgExecutor<'_>,
    year: i32,
    list: YearList,
    name: &str,
    collected: bool,
) -> DbResult<()> {
    // The column comes from the enum, never from input.
    let column = match list {
        YearList::Modules => "disabled_modules",
        YearList::EntryTypes => "disabled_entry_types",
        YearList::CentralEntryTypes => "central_entry_types",
    };
    let done = crate::sql::query(sqlx::AssertSqlSafe(format!(
        "update report_year set {column} = case when $3
             then array_remove({column}, $2)
             else array_append(array_remove({column}, $2), $2) end
         where report_year_id = $1"
    )))
    .bind(year)
    .bind(name)
    .bind(collected)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Marks an entry type as loaded by the office for every unit in `year` (or not).
pub async fn set_entry_type_central(
    db: impl PgExecutor<'_>,
    year: i32,
    entry_type: co2_domain::EntryType,
    central: bool,
) -> DbResult<()> {
    // The list holds what is central: "collected" in set_collected's terms means "not listed".
    set_collected(db, year, YearList::CentralEntryTypes, entry_type.name(), !central).await
}

/// Enables or disables a module for every unit's report of a year (and the reports created
/// later); returns how many reports changed.
pub async fn set_module_enabled(db: &mut PgConnection, year: i32, module: Module, enabled: bool) -> DbResult<u64> {
    set_collected(&mut *db, year, YearList::Modules, module.key(), enabled).await?;
    Ok(crate::sql::query(
        "update report_module rm set is_enabled = $3 from report r
         where rm.report_id = r.report_id and r.report_year_id = $1 and rm.module = $2 and rm.is_enabled <> $3",
    )
    .bind(year)
    .bind(module.key())
    .bind(enabled)
    .execute(&mut *db)
    .await?
    .rows_affected())
}

/// Collects an entry type in a year, or not (every unit); `NotFound` for an unknown year.
pub async fn set_entry_type_enabled(
    db: impl PgExecutor<'_>,
    year: i32,
    entry_type: co2_domain::EntryType,
    enabled: bool,
) -> DbResult<()> {
    set_collected(db, year, YearList::EntryTypes, entry_type.name(), enabled).await
}

/// The modules of (unit, year) in DOMAIN order; empty when the unit has no report that year.
pub async fn modules_in_order(db: &crate::Db, unit_id: Uuid, year: i32) -> DbResult<Vec<(Module, ReportModule)>> {
    let rows = modules_of(db, unit_id, year).await?;
    let mut out: Vec<(Module, ReportModule)> =
        rows.into_iter().filter_map(|r| Module::parse(&r.module).map(|m| (m, r))).collect();
    out.sort_by_key(|(m, _)| m.position());
    Ok(out)
}
