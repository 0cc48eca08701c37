//! api-entries: the data entries of a unit-year module — list with their emission rows, create,
//! update, delete — validated and computed on the spot so the page shows the new kg at once.
//!
//! Owns `/api/v1/entries`: a module's entries at `/api/v1/entries/units/{unit}/years/{year}/modules/{module}`,
//! one entry at `/api/v1/entries/{id}`, the templates at `/api/v1/entries/templates/…`.
//! Writes respect the module lifecycle (DOMAIN §6.1): a validated module, a closed year or a
//! disabled module answers 409. Rights are checked on every route (unit scope; the principal edits).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{
    EmissionView, EntryExplanation, EntryInput, EntryPage, EntryTypeThreshold, EntryView, SimulationBasis,
};
use co2_db::engine::{self, EntryRejection, ParsedEntry};
use co2_db::entry::EntryRow;
use co2_db::report::ReportModule;
use co2_domain::fields::RawFields;
use co2_domain::thresholds;
use co2_domain::{EntryType, Module};
use co2_platform::auth::{Caller, UnitRole, visible_unit};
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A unit-year module's entries (see [`co2_api_types::module_entries_path`]).
pub const MODULE_ENTRIES: &str = "/api/v1/entries/units/{unit}/years/{year}/modules/{module}";

/// The writers of each module in this process, in line. Many people saving into one module wait
/// here, in memory, before they take a database connection — not while holding one that every
/// other request of the process needs, as they would queueing on the module's row lock. Across
/// processes the row lock still decides. Per process by nature, hence a static.
static MODULE_WRITERS: std::sync::LazyLock<std::sync::Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>> =
    std::sync::LazyLock::new(Default::default);

/// Waits for this process's turn to write into `report_module_id`.
async fn writers_turn(report_module_id: Uuid) -> tokio::sync::OwnedMutexGuard<()> {
    let line = {
        let mut lines = MODULE_WRITERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if lines.len() > 1024 {
            // Forget the lines nobody stands in.
            lines.retain(|_, l| Arc::strong_count(l) > 1);
        }
        lines.entry(report_module_id).or_default().clone()
    };
    line.lock_owned().await
}

/// Most entries of one module a simulation basis carries.
pub const SIMULATION_MAX_ENTRIES: i64 = 20_000;

/// The entries the caller may see in a unit-year and the year's factors of every module: what the
/// simulation page computes its scenarios with, in the browser, with the domain's own functions.
/// A member gets their own trips and cloud & AI rows; the principal, every entry.
#[utoipa::path(get, path = "/api/v1/entries/units/{unit}/years/{year}/simulation-basis", tag = "entries",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = SimulationBasis), (status = 401), (status = 404)))]
async fn simulation_basis(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<SimulationBasis>> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    let mut db = ctx.pools.read.begin().await?;
    let (mut entries, mut truncated_modules, mut reported) = (Vec::new(), Vec::new(), false);
    for module in Module::ALL {
        let rm = match co2_db::report::module_of(&mut *db, unit.unit_id, year, module).await {
            Ok(rm) => rm,
            Err(co2_db::DbError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        reported = true;
        // A module whose rows the caller may not list adds nothing (a member's, outside their own).
        let Ok(own) = own_rows(&caller, &unit, module) else { continue };
        let q = co2_db::entry::ListQuery {
            created_by: match &own {
                Some(Own::Creator(me)) => Some(*me),
                Some(Own::Traveller(_)) | None => None,
            },
            traveller: match &own {
                Some(Own::Traveller(me)) => Some(me.clone()),
                Some(Own::Creator(_)) | None => None,
            },
            limit: SIMULATION_MAX_ENTRIES,
            ..co2_db::entry::ListQuery::default()
        };
        let (rows, total) = co2_db::entry::list(&mut db, rm.report_module_id, &q).await?;
        if total > SIMULATION_MAX_ENTRIES {
            truncated_modules.push(module.key().to_owned());
        }
        entries.extend(rows.into_iter().filter_map(|r| {
            let entry_type = EntryType::from_id(r.data_entry_type)?;
            Some(co2_domain::simulation::SimEntry { entry_type, data: r.data })
        }));
    }
    if !reported {
        return Err(ApiError::not_found("report_not_found", format!("no report for {year}")));
    }
    let batch: Vec<&serde_json::Value> = entries.iter().map(|e| &e.data).collect();
    let factors = engine::load_all_factors(&mut db, year, &batch).await?;
    Ok(ApiJson(SimulationBasis { year, entries, truncated_modules, factors }))
}

/// Largest page a listing returns.
pub const MAX_PER_PAGE: u32 = 500;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, remove))
        .routes(routes!(explanation))
        .routes(routes!(template))
        .routes(routes!(simulation_basis))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// Listing parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// 1-based page.
    page: Option<u32>,
    /// Page size (default 50, at most 500).
    per_page: Option<u32>,
    /// Only this entry type (DET name, e.g. `scientific`).
    entry_type: Option<String>,
    /// Only entries whose fields contain this text (case-insensitive).
    q: Option<String>,
    /// `created_at`, `name` or `kg_co2eq`; a leading `-` sorts descending. Default: file order.
    sort: Option<String>,
}

fn parse_module(key: &str) -> ApiResult<Module> {
    Module::parse(key).ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{key}'")))
}

fn require_supported(module: Module) -> ApiResult<()> {
    if engine::supports(module) {
        Ok(())
    } else {
        Err(ApiError::conflict("module_not_available", format!("data entry for {} is not available yet", module.key())))
    }
}

fn write_allowed(m: &ReportModule) -> ApiResult<()> {
    match m.write_block() {
        None => Ok(()),
        Some(block) => Err(ApiError::conflict(block.code(), block.message())),
    }
}

/// JSON fields → the text cells the domain parses (numbers keep their JSON spelling).
fn raw_fields(data: &serde_json::Map<String, serde_json::Value>) -> ApiResult<RawFields> {
    let mut raw = RawFields::new();
    for (k, v) in data {
        let text = match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => {
                return Err(ApiError::Validation(serde_json::json!({
                    "fields": { k: [{"code": "invalid_type", "message": "must be a string or a number"}] }
                })));
            }
        };
        raw.insert(k.trim().to_lowercase(), text);
    }
    Ok(raw)
}

/// Rows a standard user may see and edit in the modules open to members (DOMAIN §7, §9 D10).
#[derive(Debug, Clone, PartialEq)]
enum Own {
    /// Travel: rows whose traveller is the caller (the traveller is forced to self).
    Traveller(String),
    /// Cloud & AI: rows the caller created.
    Creator(Uuid),
}

impl Own {
    fn covers(&self, row: &EntryRow) -> bool {
        match self {
            Own::Traveller(me) => row.data["user_institutional_id"].as_str() == Some(me.as_str()),
            Own::Creator(me) => row.created_by == Some(*me),
        }
    }
}

/// The own-rows restriction of `caller` in `unit` for `module`: `None` for a principal; a
/// standard user gets one only in travel and cloud & AI, and is refused elsewhere.
fn own_rows(caller: &Caller, unit: &co2_db::org::Unit, module: Module) -> ApiResult<Option<Own>> {
    if caller.unit_role(unit) == Some(UnitRole::Standard) {
        match module {
            Module::ProfessionalTravel => return Ok(Some(Own::Traveller(caller.user.institutional_id.clone()))),
            Module::ExternalCloudAndAi => return Ok(Some(Own::Creator(caller.user.app_user_id))),
            _ => {}
        }
    }
    caller.require_principal(unit)?;
    Ok(None)
}

/// Checks and parses an entry's fields with the reference it needs, read on `db`: the caller's
/// own connection (a transaction's, when it holds one), never a second one from the pool, so a
/// request never waits for a connection while it holds another.
async fn parse_input(
    db: &mut sqlx::PgConnection,
    rm: &ReportModule,
    module: Module,
    input: &EntryInput,
    own: Option<&Own>,
) -> ApiResult<ParsedEntry> {
    let entry_type = EntryType::parse_in(module, &input.entry_type).ok_or_else(|| {
        ApiError::Validation(serde_json::json!({"fields": {"entry_type": [{"code": "invalid_choice",
            "message": format!("must be one of: {}", module.entry_types().map(|t| t.name()).collect::<Vec<_>>().join(", "))}]}}))
    })?;
    if !rm.collects(entry_type) {
        return Err(ApiError::conflict(
            "entry_type_not_collected",
            format!("{} entries are not collected in {}", entry_type.name(), rm.report_year_id),
        ));
    }
    // The office loads these for every unit through its year-wide file; a unit does not write them.
    if rm.is_central(entry_type) {
        return Err(ApiError::conflict(
            "centrally_fed_type",
            format!(
                "{} entries are loaded by the sustainability office for every unit in {}",
                entry_type.name(),
                rm.report_year_id
            ),
        ));
    }
    let mut raw = raw_fields(&input.data)?;
    if let Some(Own::Traveller(me)) = own {
        raw.insert("user_institutional_id".into(), me.clone());
    }
    let parse_ctx = engine::parse_context(db, module, rm.report_year_id).await?;
    engine::parse_entry(module, Some(entry_type), &raw, &parse_ctx).map_err(|e| match e {
        EntryRejection::Fields(f) => ApiError::from_fields(&f),
        EntryRejection::UnsupportedModule(m) => {
            ApiError::conflict("module_not_available", format!("data entry for {} is not available yet", m.key()))
        }
        EntryRejection::UnknownEntryType(t) => {
            ApiError::bad_request("invalid_entry_type", format!("'{t}' is not a type of this module"))
        }
    })
}

/// The API view of an entry with its rows, flagged when its kg is above its type's limit.
fn view(row: &EntryRow, emissions: &[co2_db::entry::EmissionRow], limits: &BTreeMap<i16, f64>) -> EntryView {
    let mine: Vec<EmissionView> = emissions
        .iter()
        .filter(|e| e.data_entry_id == row.data_entry_id)
        .map(|e| EmissionView {
            emission_type: e.emission_type.clone(),
            scope: e.scope as u8,
            kg_co2eq: e.kg_co2eq,
            quantity: e.quantity,
            quantity_unit: e.quantity_unit.clone(),
            factor_ids: e.factor_ids.clone(),
        })
        .collect();
    let kg = if mine.is_empty() { None } else { Some(mine.iter().map(|e| e.kg_co2eq).sum()) };
    EntryView {
        entry_id: row.data_entry_id,
        entry_type: EntryType::from_id(row.data_entry_type)
            .map_or_else(|| row.data_entry_type.to_string(), |t| t.name().to_owned()),
        data: row.data.clone(),
        kg_co2eq: kg,
        incomplete_reason: row.incomplete_reason.clone(),
        source: row.source.into(),
        above_threshold: thresholds::is_above(kg, limits.get(&row.data_entry_type).copied()),
        emissions: mine,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Resolves (unit, year, module) for a caller who may edit it: the principal, or a standard
/// user restricted to their own rows in travel and cloud & AI.
async fn module_for_editor(
    ctx: &Ctx,
    caller: &Caller,
    unit: &str,
    year: i32,
    module: Module,
) -> ApiResult<(ReportModule, Option<Own>)> {
    let unit = visible_unit(ctx, caller, unit).await?;
    let own = own_rows(caller, &unit, module)?;
    let rm = co2_db::report::module_of(&ctx.pools.read, unit.unit_id, year, module).await.map_err(|e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("report_not_found", format!("no report for {year}")),
        other => other.into(),
    })?;
    Ok((rm, own))
}

/// A refused duplicate person id (DOMAIN §9 D7) as a field error; other errors pass through.
fn duplicate_member(e: co2_db::DbError) -> ApiError {
    match e {
        e if e.on_constraint("data_entry_member_key") => {
            let mut f = co2_domain::fields::FieldErrors::default();
            f.push(
                "user_institutional_id",
                co2_domain::headcount::code::DUPLICATE_INSTITUTIONAL_ID,
                "this person is already in the headcount module",
            );
            ApiError::from_fields(&f)
        }
        other => other.into(),
    }
}

/// Entries of a module with their emission rows, paginated.
#[utoipa::path(get, path = "/api/v1/entries/units/{unit}/years/{year}/modules/{module}", tag = "entries",
    params(("unit" = String, Path), ("year" = i32, Path), ("module" = String, Path), ListParams),
    responses((status = 200, body = EntryPage), (status = 403), (status = 404)))]
async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year, module)): Path<(String, i32, String)>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<ApiJson<EntryPage>> {
    let module = parse_module(&module)?;
    let (rm, own) = module_for_editor(&ctx, &caller, &unit, year, module).await?;
    let per_page = p.per_page.unwrap_or(50).clamp(1, MAX_PER_PAGE);
    let page = p.page.unwrap_or(1).max(1);
    let entry_type = match p.entry_type.as_deref() {
        Some(t) => Some(
            EntryType::parse_in(module, t)
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_entry_type", format!("'{t}' is not a type of this module"))
                })?
                .id(),
        ),
        None => None,
    };
    let (sort, descending) = match p.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => (co2_db::entry::EntrySort::Natural, false),
        Some(key) => {
            let (desc, key) = key.strip_prefix('-').map_or((false, key), |k| (true, k));
            let sort = co2_db::entry::EntrySort::parse(key).ok_or_else(|| {
                ApiError::bad_request("invalid_sort", format!("sort by created_at, name or kg_co2eq, not '{key}'"))
            })?;
            (sort, desc)
        }
    };
    let q = co2_db::entry::ListQuery {
        entry_type,
        search: p.q.clone(),
        sort,
        descending,
        created_by: match &own {
            Some(Own::Creator(me)) => Some(*me),
            _ => None,
        },
        traveller: match &own {
            Some(Own::Traveller(me)) => Some(me.clone()),
            _ => None,
        },
        limit: per_page as i64,
        offset: (page as i64 - 1) * per_page as i64,
    };
    let mut conn = ctx.pools.read.begin().await?;
    let (rows, total) = co2_db::entry::list(&mut conn, rm.report_module_id, &q).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.data_entry_id).collect();
    let emissions = co2_db::entry::emissions_of(&mut *conn, &ids).await?;
    let types: Vec<i16> = module.entry_types().map(EntryType::id).collect();
    let limits = co2_db::threshold::limits(&mut conn, &ctx.pools.percentiles, year, &types).await?;
    Ok(ApiJson(EntryPage {
        items: rows.iter().map(|r| view(r, &emissions, &limits)).collect(),
        total,
        page,
        per_page,
        module_kg_co2eq: rm.headline_kg,
        thresholds: limits
            .iter()
            .filter_map(|(t, kg)| {
                Some(EntryTypeThreshold { entry_type: EntryType::from_id(*t)?.name().to_owned(), kg: *kg })
            })
            .collect(),
    }))
}

/// Validates, stores and computes one entry, then refreshes the module totals.
#[utoipa::path(post, path = "/api/v1/entries/units/{unit}/years/{year}/modules/{module}", tag = "entries",
    params(("unit" = String, Path), ("year" = i32, Path), ("module" = String, Path)), request_body = EntryInput,
    responses((status = 201, body = EntryView), (status = 409, description = "module validated, year closed"),
              (status = 422, description = "field errors")))]
async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year, module)): Path<(String, i32, String)>,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult<(StatusCode, ApiJson<EntryView>)> {
    let module = parse_module(&module)?;
    let (rm, own) = module_for_editor(&ctx, &caller, &unit, year, module).await?;
    require_supported(module)?;
    let _turn = writers_turn(rm.report_module_id).await;
    let mut tx = ctx.pools.write.begin().await?;
    let parsed = parse_input(&mut tx, &rm, module, &input, own.as_ref()).await?;
    let rm = co2_db::report::lock_module(&mut tx, rm.report_module_id).await?;
    write_allowed(&rm)?;
    let id = co2_db::entry::insert_manual(&mut tx, rm.report_module_id, &parsed, Some(caller.user.app_user_id))
        .await
        .map_err(duplicate_member)?;
    recompute(&mut tx, &rm, module, id).await?;
    let row = co2_db::entry::by_id(&mut *tx, id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("entry vanished")))?;
    let emissions = co2_db::entry::emissions_of(&mut *tx, &[id]).await?;
    let limits =
        co2_db::threshold::limits_in_change(&mut tx, &ctx.pools.percentiles, rm.report_year_id, &[row.data_entry_type])
            .await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "entry.created",
        Some(&id.to_string()),
        serde_json::json!({"module": module.key(), "entry_type": parsed.entry_type.name()}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(view(&row, &emissions, &limits))))
}

/// Computes an entry and its generated companions, then refreshes the module totals.
async fn recompute(tx: &mut sqlx::PgConnection, rm: &ReportModule, module: Module, id: Uuid) -> ApiResult<()> {
    let mut rows = co2_db::entry::companions_of(&mut *tx, id).await?;
    rows.extend(co2_db::entry::by_id(&mut *tx, id).await?);
    engine::compute_entries(tx, rm.report_year_id, module, &rows).await?;
    co2_db::report::mark_in_progress(&mut *tx, rm.report_module_id).await?;
    co2_db::aggregate::refresh_module(&mut *tx, rm.report_module_id).await?;
    Ok(())
}

/// The module an entry belongs to (404 when there is no such entry: nothing is disclosed before
/// the rights check, which follows under the module's lock).
async fn module_of_entry(ctx: &Ctx, entry_id: Uuid) -> ApiResult<Uuid> {
    co2_db::entry::by_id(&ctx.pools.write, entry_id).await?.map(|e| e.report_module_id).ok_or_else(entry_not_found)
}

fn entry_not_found() -> ApiError {
    ApiError::not_found("entry_not_found", "no such entry")
}

/// The module of an entry the caller may see, with the caller's own-rows restriction (as the
/// module's listing decides): 404 otherwise, so the entry's existence is not disclosed.
async fn visible_entry(
    caller: &Caller,
    db: &mut sqlx::PgConnection,
    row: &EntryRow,
    rm: &ReportModule,
) -> ApiResult<(Module, Option<Own>)> {
    let unit = co2_db::org::unit_by_id(&mut *db, rm.unit_id).await?;
    if !caller.can_view_unit(&unit) {
        return Err(entry_not_found());
    }
    let module = Module::parse(&rm.module).ok_or_else(entry_not_found)?;
    let own = own_rows(caller, &unit, module)?;
    if own.as_ref().is_some_and(|o| !o.covers(row)) {
        return Err(entry_not_found());
    }
    Ok((module, own))
}

/// An entry the caller may edit, with its module and the caller's own-rows restriction: 404
/// when the caller cannot see it (another unit, or another member's row for a standard user).
/// Generated entries (a room's embodied-energy companion) change only with their room, and rows
/// the office loaded for every unit only by the office (the admin): 409.
async fn entry_for_editor(
    caller: &Caller,
    tx: &mut sqlx::PgConnection,
    id: Uuid,
) -> ApiResult<(EntryRow, ReportModule, Module, Option<Own>)> {
    let row = co2_db::entry::by_id(&mut *tx, id).await?.ok_or_else(entry_not_found)?;
    let rm = co2_db::report::lock_module(tx, row.report_module_id).await?;
    let (module, own) = visible_entry(caller, tx, &row, &rm).await?;
    if row.data_entry_type == EntryType::BuildingEmbodiedEnergy.id() {
        return Err(ApiError::conflict("generated_entry", "this entry follows its room: edit or delete the room"));
    }
    // The agency's trips change only through its next export (DOMAIN §5.2, §9 D5): read-only for
    // everyone, the office included, so a re-import never meets a hand-made edit.
    if row.source == co2_db::EntrySource::Agency {
        return Err(ApiError::conflict(
            "agency_trip",
            "this trip comes from the travel agency's export: it changes with the agency's next export",
        ));
    }
    // Rows the office loaded for every unit are the office's to change: a unit sees them read-only.
    if row.source.is_central() && !caller.is_admin() {
        return Err(ApiError::conflict(
            "centrally_fed",
            "this entry was loaded by the sustainability office for every unit: ask the office to change it",
        ));
    }
    Ok((row, rm, module, own))
}

/// Replaces an entry's fields and recomputes it. An edit clears a `kg_co2eq` override unless the
/// body sets one again.
#[utoipa::path(patch, path = "/api/v1/entries/{entry_id}", tag = "entries", params(("entry_id" = Uuid, Path)),
    request_body = EntryInput, responses((status = 200, body = EntryView), (status = 404), (status = 409), (status = 422)))]
async fn update(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(entry_id): Path<Uuid>,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult<ApiJson<EntryView>> {
    let _turn = writers_turn(module_of_entry(&ctx, entry_id).await?).await;
    let mut tx = ctx.pools.write.begin().await?;
    let (_, rm, module, own) = entry_for_editor(&caller, &mut tx, entry_id).await?;
    write_allowed(&rm)?;
    let parsed = parse_input(&mut tx, &rm, module, &input, own.as_ref()).await?;
    co2_db::entry::update_data(&mut tx, entry_id, &parsed).await.map_err(duplicate_member)?;
    recompute(&mut tx, &rm, module, entry_id).await?;
    let row = co2_db::entry::by_id(&mut *tx, entry_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("entry vanished")))?;
    let emissions = co2_db::entry::emissions_of(&mut *tx, &[entry_id]).await?;
    let limits =
        co2_db::threshold::limits_in_change(&mut tx, &ctx.pools.percentiles, rm.report_year_id, &[row.data_entry_type])
            .await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "entry.updated",
        Some(&entry_id.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(view(&row, &emissions, &limits)))
}

/// Deletes an entry and its rows, then refreshes the module totals.
#[utoipa::path(delete, path = "/api/v1/entries/{entry_id}", tag = "entries", params(("entry_id" = Uuid, Path)),
    responses((status = 204), (status = 404), (status = 409)))]
async fn remove(State(ctx): State<Ctx>, caller: Caller, Path(entry_id): Path<Uuid>) -> ApiResult<StatusCode> {
    let _turn = writers_turn(module_of_entry(&ctx, entry_id).await?).await;
    let mut tx = ctx.pools.write.begin().await?;
    let (_, rm, _, _) = entry_for_editor(&caller, &mut tx, entry_id).await?;
    write_allowed(&rm)?;
    co2_db::entry::delete(&mut tx, entry_id).await?;
    co2_db::report::mark_in_progress(&mut *tx, rm.report_module_id).await?;
    co2_db::aggregate::refresh_module(&mut tx, rm.report_module_id).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "entry.deleted",
        Some(&entry_id.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why an entry has its kg: its inputs and, for each emission row, the formula in words, the
/// values that went in, the defaults applied and the factors with their source and year. Read
/// with the rights of the module's listing: the principal, or a member for their own rows where
/// members keep them (404 for an entry the caller cannot see).
#[utoipa::path(get, path = "/api/v1/entries/{entry_id}/explanation", tag = "entries", params(("entry_id" = Uuid, Path)),
    responses((status = 200, body = EntryExplanation), (status = 403), (status = 404)))]
async fn explanation(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(entry_id): Path<Uuid>,
) -> ApiResult<ApiJson<EntryExplanation>> {
    let mut conn = ctx.pools.read.begin().await?;
    let row = co2_db::entry::by_id(&mut *conn, entry_id).await?.ok_or_else(entry_not_found)?;
    let rm = co2_db::report::module_by_id(&mut *conn, row.report_module_id).await?;
    visible_entry(&caller, &mut conn, &row, &rm).await?;
    Ok(ApiJson(co2_db::explain::entry_explanation(&mut conn, &row, rm.report_year_id).await?))
}

/// Which file a template is for.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum TemplateFor {
    /// A unit's module page: the rows are the unit's.
    #[default]
    Unit,
    /// The office's year-wide file: each row names its unit first.
    EveryUnit,
    /// The travel agency's export: each row names its unit and carries the trip's key.
    Agency,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TemplateQuery {
    /// `unit` (default), `every_unit` or `agency`.
    #[serde(default, rename = "for")]
    #[param(value_type = Option<String>)]
    for_file: TemplateFor,
}

/// The CSV template of an entry type: its columns in template order, header row only
/// (`/api/v1/entries/templates/equipment/scientific.csv`); `?for=every_unit` leads with the
/// unit column of the office's year-wide file, `?for=agency` also with the trip key's columns.
#[utoipa::path(get, path = "/api/v1/entries/templates/{module}/{file}", tag = "entries",
    params(("module" = String, Path), ("file" = String, Path, description = "entry type + `.csv`"), TemplateQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404)))]
async fn template(
    _caller: Caller,
    Path((module, file)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<TemplateQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let module = parse_module(&module)?;
    let name = file.strip_suffix(".csv").unwrap_or(&file);
    let entry_type = EntryType::parse_in(module, name).ok_or_else(|| {
        ApiError::not_found("entry_type_not_found", format!("no entry type '{name}' in {}", module.key()))
    })?;
    let columns = engine::template_columns_of(entry_type);
    if columns.is_empty() {
        return Err(ApiError::not_found(
            "not_uploadable",
            format!("{} entries are generated, not uploaded", entry_type.name()),
        ));
    }
    let lead: &[&str] = match query.for_file {
        TemplateFor::Unit => &[],
        TemplateFor::EveryUnit => &["unit_institutional_id"],
        TemplateFor::Agency if matches!(entry_type, EntryType::Plane | EntryType::Train) => {
            &["unit_institutional_id", "ticket", "segment"]
        }
        TemplateFor::Agency => {
            return Err(ApiError::not_found("not_an_agency_type", "the agency's export holds plane and train trips"));
        }
    };
    let mut header =
        lead.iter().chain(columns.iter().filter(|c| !lead.contains(c))).copied().collect::<Vec<_>>().join(",");
    header.push_str("\r\n");
    let disposition = format!("attachment; filename=\"{}_template.csv\"", entry_type.name());
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        header,
    )
        .into_response())
}
