//! api-workspace: the caller's units and years, a unit-year report with its 8 modules, and the
//! results totals.
//!
//! Owns `/api/v1/units` (except module entries, which api-entries serves) and `/api/v1/years`.
//! Every route resolves the unit and checks the caller may view it (404 otherwise).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use co2_api_types::{
    CategoryResult, CreateUnitRequest, CreateYearRequest, FactorUploadResult, ItFocusView, LeafResult, ModuleChange,
    ModuleResult, ModuleStatus, ModuleStatusUpdate, ModuleView, OrgChartImportResult, ReferenceUploadResult,
    ReportView, ResultsView, ScopeTotals, UnitSummary, UpdateYearRequest, YearOverYearView, YearSummary,
};
use co2_db::report::{ReportModule, status};
use co2_domain::Module;
use co2_domain::totals;
use co2_platform::auth::{Caller, UnitRole, visible_unit};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/api/v1/units", get(list_units))
        .route("/api/v1/units/{unit}/years", get(list_years))
        .route("/api/v1/units/{unit}/years/{year}/report", get(report))
        .route("/api/v1/units/{unit}/years/{year}/results", get(results))
        .route("/api/v1/units/{unit}/years/{year}/modules/{module}", patch(set_module_status))
        .route("/api/v1/backoffice/units", post(create_unit))
        .route("/api/v1/backoffice/years", post(create_year))
        .route("/api/v1/backoffice/years/{year}", patch(update_year))
        .route("/api/v1/backoffice/factors/{year}/{file}", put(upload_factors))
        .route("/api/v1/backoffice/reference/{kind}", put(upload_reference))
        .route("/api/v1/backoffice/org-chart", put(import_org_chart))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_DATA_FILE_BYTES))
        .with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    #[derive(OpenApi)]
    #[openapi(paths(
        list_units,
        list_years,
        report,
        results,
        set_module_status,
        create_unit,
        create_year,
        update_year
    ))]
    struct Doc;
    Doc::openapi()
}

/// Units the caller may open, with the caller's role in each.
#[utoipa::path(get, path = "/api/v1/units", tag = "workspace", responses((status = 200, body = [UnitSummary])))]
async fn list_units(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<Vec<UnitSummary>>> {
    let units = co2_db::org::all_units(&ctx.pools.read).await?;
    let mut out = Vec::new();
    for u in units.iter().filter(|u| caller.can_view_unit(u)) {
        let parent =
            u.parent_id.and_then(|p| units.iter().find(|x| x.unit_id == p)).map(|p| p.institutional_id.clone());
        let my_role = match caller.unit_role(u) {
            Some(UnitRole::Principal) => Some(co2_api_types::Persona::Principal),
            Some(UnitRole::Standard) => Some(co2_api_types::Persona::Standard),
            None if caller.is_admin() => Some(co2_api_types::Persona::Admin),
            None => None,
        };
        out.push(UnitSummary { institutional_id: u.institutional_id.clone(), name: u.name.clone(), parent, my_role });
    }
    Ok(ApiJson(out))
}

/// Report years of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years", tag = "workspace",
    params(("unit" = String, Path, description = "unit institutional id")),
    responses((status = 200, body = [YearSummary]), (status = 404, description = "unknown or not visible")))]
async fn list_years(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(unit): Path<String>,
) -> ApiResult<ApiJson<Vec<YearSummary>>> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    let years = co2_db::report::years_of_unit(&ctx.pools.read, unit.unit_id).await?;
    Ok(ApiJson(years.into_iter().map(|y| YearSummary { year: y.report_year_id, is_open: y.is_open }).collect()))
}

fn module_status(code: i16) -> ModuleStatus {
    match code {
        status::VALIDATED => ModuleStatus::Validated,
        status::IN_PROGRESS => ModuleStatus::InProgress,
        _ => ModuleStatus::NotStarted,
    }
}

/// The 8 modules of (unit, year) in DOMAIN order.
async fn modules(
    ctx: &Ctx,
    caller: &Caller,
    unit: &str,
    year: i32,
) -> ApiResult<(co2_db::org::Unit, Vec<(Module, ReportModule)>)> {
    let unit = visible_unit(ctx, caller, unit).await?;
    let rows = co2_db::report::modules_of(&ctx.pools.read, unit.unit_id, year).await?;
    if rows.is_empty() {
        return Err(ApiError::not_found(
            "report_not_found",
            format!("unit {} has no report for {year}", unit.institutional_id),
        ));
    }
    let mut out: Vec<(Module, ReportModule)> =
        rows.into_iter().filter_map(|r| Module::parse(&r.module).map(|m| (m, r))).collect();
    out.sort_by_key(|(m, _)| m.position());
    Ok((unit, out))
}

fn progress(mods: &[(Module, ReportModule)]) -> (String, ModuleStatus) {
    let validated = mods.iter().filter(|(_, r)| r.status == status::VALIDATED).count();
    let overall = match validated {
        0 => ModuleStatus::NotStarted,
        n if n == mods.len() => ModuleStatus::Validated,
        _ => ModuleStatus::InProgress,
    };
    (format!("{validated}/{}", mods.len()), overall)
}

/// A unit-year report: the 8 modules with status, entry count and headline totals.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years/{year}/report", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = ReportView), (status = 404, description = "unknown or not visible")))]
async fn report(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<ReportView>> {
    let (unit, mods) = modules(&ctx, &caller, &unit, year).await?;
    let (completion_progress, overall_status) = progress(&mods);
    let modules = mods
        .iter()
        .map(|(m, r)| ModuleView {
            module: m.key().to_owned(),
            position: m.position(),
            status: module_status(r.status),
            entry_count: r.entry_count,
            kg_co2eq: r.headline_kg,
            scope1_kg: r.scope1_kg,
            scope2_kg: r.scope2_kg,
            scope3_kg: r.scope3_kg,
            additional_kg: r.additional_kg,
            entry_types: m.entry_types().map(|t| t.name().to_owned()).collect(),
        })
        .collect();
    Ok(ApiJson(ReportView {
        unit: unit.institutional_id,
        unit_name: unit.name,
        year,
        modules,
        completion_progress,
        overall_status,
    }))
}

fn scope_totals(s1: f64, s2: f64, s3: f64) -> ScopeTotals {
    let total = s1 + s2 + s3;
    ScopeTotals { scope1_kg: s1, scope2_kg: s2, scope3_kg: s3, total_kg: total, total_t: total / 1000.0 }
}

fn sum<'a>(rows: impl Iterator<Item = &'a ReportModule>) -> ScopeTotals {
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for r in rows {
        a += r.scope1_kg;
        b += r.scope2_kg;
        c += r.scope3_kg;
    }
    scope_totals(a, b, c)
}

/// Results parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ResultsQuery {
    /// `validated` (default: validated modules only, DOMAIN §6.3) or `all` (every module, as the
    /// simulator counts).
    basis: Option<String>,
    /// Comma-separated module keys removed from every figure.
    exclude: Option<String>,
}

async fn snapshot(ctx: &Ctx, unit: &co2_db::org::Unit, year: i32) -> ApiResult<Option<totals::ReportSnapshot>> {
    let rows = co2_db::report::modules_of(&ctx.pools.read, unit.unit_id, year).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let statuses = rows
        .iter()
        .filter_map(|r| Some((Module::parse(&r.module)?, totals::ModuleStatus::from_code(r.status)?)))
        .collect();
    let leaf_rows = co2_db::results::leaf_sums(&ctx.pools.read, unit.unit_id, year)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(totals::TaggedRow {
                module: Module::parse(&l.module)?,
                emission_type: co2_domain::EmissionType::by_key(&l.emission_type)?,
                kg_co2eq: l.kg_co2eq,
            })
        })
        .collect();
    let headcount_fte = co2_db::results::headcount_fte(&ctx.pools.read, unit.unit_id, year).await?;
    Ok(Some(totals::ReportSnapshot { statuses, rows: leaf_rows, headcount_fte }))
}

fn leaves(list: &[totals::LeafTotal]) -> Vec<LeafResult> {
    list.iter().map(|l| LeafResult { emission_type: l.leaf.key.to_owned(), kg: l.kg }).collect()
}

/// Every figure of a unit-year: module and scope totals, the core total and the total with the
/// additional categories (two named totals, DOMAIN §9 D15), categories in chart order, per FTE,
/// car-km equivalent, IT focus, and the change against the previous year.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years/{year}/results", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path), ResultsQuery),
    responses((status = 200, body = ResultsView), (status = 400), (status = 404, description = "unknown or not visible")))]
async fn results(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
    Query(q): Query<ResultsQuery>,
) -> ApiResult<ApiJson<ResultsView>> {
    let basis = match q.basis.as_deref().unwrap_or("validated") {
        "validated" => totals::Basis::ValidatedModules,
        "all" => totals::Basis::AllModules,
        other => {
            return Err(ApiError::bad_request("invalid_basis", format!("basis '{other}' is not validated or all")));
        }
    };
    let mut exclude = std::collections::BTreeSet::new();
    for key in q.exclude.as_deref().unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()) {
        exclude.insert(
            Module::parse(key).ok_or_else(|| ApiError::bad_request("invalid_module", format!("no module '{key}'")))?,
        );
    }
    let options = totals::TotalsOptions { basis, exclude_modules: exclude.clone() };
    let (unit, mods) = modules(&ctx, &caller, &unit, year).await?;
    let (completion_progress, _) = progress(&mods);
    let current = snapshot(&ctx, &unit, year).await?.unwrap_or_default();
    let figures = totals::compute_totals(&current, &options);
    let previous = snapshot(&ctx, &unit, year - 1).await?.map(|p| totals::compute_totals(&p, &options));
    let change = totals::compare_years(&figures, previous.as_ref());

    let modules_out = mods
        .iter()
        .filter(|(m, _)| !exclude.contains(m))
        .map(|(m, r)| ModuleResult {
            module: m.key().to_owned(),
            status: module_status(r.status),
            totals: scope_totals(r.scope1_kg, r.scope2_kg, r.scope3_kg),
            additional_kg: r.additional_kg,
        })
        .collect();
    let (additional, core_categories): (Vec<_>, Vec<_>) =
        figures.categories.iter().partition(|c| c.category.is_additional());
    let category = |c: &totals::CategoryTotal| CategoryResult {
        category: c.category.key().to_owned(),
        kg: c.kg,
        t_per_fte: c.t_per_fte,
        leaves: leaves(&c.leaves),
    };
    Ok(ApiJson(ResultsView {
        unit: unit.institutional_id,
        year,
        modules: modules_out,
        entered: sum(mods.iter().filter(|(m, _)| !exclude.contains(m)).map(|(_, r)| r)),
        core: scope_totals(figures.scopes.scope1_kg, figures.scopes.scope2_kg, figures.scopes.scope3_kg),
        completion_progress,
        basis: match basis {
            totals::Basis::ValidatedModules => "validated_modules".into(),
            totals::Basis::AllModules => "all_modules".into(),
        },
        excluded_modules: exclude.iter().map(|m| m.key().to_owned()).collect(),
        total_with_additional_kg: figures.total_with_additional_kg,
        categories: core_categories.into_iter().map(category).collect(),
        additional: additional.into_iter().map(category).collect(),
        fte: figures.fte,
        t_per_fte: figures.t_per_fte,
        car_km_equivalent: figures.car_km_equivalent,
        it_focus: ItFocusView {
            kg: figures.it_focus.kg,
            share_of_core: figures.it_focus.share_of_core,
            leaves: leaves(&figures.it_focus.leaves),
        },
        year_over_year: YearOverYearView {
            previous_year: year - 1,
            previous_core_kg: previous.as_ref().map(|p| p.core_kg),
            core_percent: change.core_percent,
            modules: change
                .modules
                .iter()
                .map(|(m, p)| ModuleChange { module: m.key().to_owned(), percent: *p })
                .collect(),
        },
    }))
}

fn require_admin(caller: &Caller) -> ApiResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("this action needs the IT manager (admin) role".into()))
    }
}

/// Validates a module (read-only from then on) or reopens it for changes (DOMAIN §6.1): the
/// unit's principal or the admin.
#[utoipa::path(patch, path = "/api/v1/units/{unit}/years/{year}/modules/{module}", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path), ("module" = String, Path)), request_body = ModuleStatusUpdate,
    responses((status = 200, body = ModuleView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn set_module_status(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year, module)): Path<(String, i32, String)>,
    ApiJson(req): ApiJson<ModuleStatusUpdate>,
) -> ApiResult<ApiJson<ModuleView>> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    if !caller.is_admin() {
        caller.require_principal(&unit)?;
    }
    let module = Module::parse(&module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{module}'")))?;
    let new_status = match req.status {
        ModuleStatus::Validated => status::VALIDATED,
        ModuleStatus::InProgress => status::IN_PROGRESS,
        ModuleStatus::NotStarted => {
            return Err(ApiError::Validation(serde_json::json!({"fields": {"status": [{"code": "invalid_choice",
                "message": "a module can be validated or reopened (in_progress)"}]}})));
        }
    };
    let rm = co2_db::report::module_of(&ctx.pools.write, unit.unit_id, year, module).await.map_err(|e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("report_not_found", format!("no report for {year}")),
        other => other.into(),
    })?;
    let mut tx = ctx.pools.write.begin().await?;
    let rm = co2_db::report::lock_module(&mut tx, rm.report_module_id).await?;
    if !rm.year_is_open {
        return Err(ApiError::conflict("year_closed", "this year is closed for changes"));
    }
    if !rm.is_enabled {
        return Err(ApiError::conflict("module_disabled", "this module is disabled"));
    }
    co2_db::report::set_status(&mut *tx, rm.report_module_id, new_status).await?;
    let action = if new_status == status::VALIDATED { "module.validated" } else { "module.reopened" };
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        action,
        Some(&format!("{}/{year}/{}", unit.institutional_id, module.key())),
        serde_json::json!({"previous_status": rm.status}),
    )
    .await?;
    tx.commit().await?;
    let rm = co2_db::report::module_by_id(&ctx.pools.write, rm.report_module_id).await?;
    Ok(ApiJson(ModuleView {
        module: module.key().to_owned(),
        position: module.position(),
        status: module_status(rm.status),
        entry_count: rm.entry_count,
        kg_co2eq: rm.headline_kg,
        scope1_kg: rm.scope1_kg,
        scope2_kg: rm.scope2_kg,
        scope3_kg: rm.scope3_kg,
        additional_kg: rm.additional_kg,
        entry_types: module.entry_types().map(|t| t.name().to_owned()).collect(),
    }))
}

/// Creates a unit under a parent, with its report and 8 modules for every existing year (admin).
#[utoipa::path(post, path = "/api/v1/backoffice/units", tag = "backoffice", request_body = CreateUnitRequest,
    responses((status = 201, body = UnitSummary), (status = 403), (status = 409, description = "the id exists"),
              (status = 422, description = "invalid id or unknown parent")))]
async fn create_unit(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUnitRequest>,
) -> ApiResult<(StatusCode, ApiJson<UnitSummary>)> {
    require_admin(&caller)?;
    let id = req.institutional_id.trim();
    let name = req.name.trim();
    let mut fields = serde_json::Map::new();
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        fields.insert(
            "institutional_id".into(),
            serde_json::json!([{"code": "invalid_format",
            "message": "1 to 64 letters, digits, '.', '_' or '-'"}]),
        );
    }
    if name.is_empty() {
        fields.insert("name".into(), serde_json::json!([{"code": "required", "message": "is required"}]));
    }
    let mut tx = ctx.pools.write.begin().await?;
    let parent = match req.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => match co2_db::org::unit_by_institutional_id(&mut *tx, p).await? {
            Some(u) => Some(u),
            None => {
                fields.insert(
                    "parent".into(),
                    serde_json::json!([{"code": "unknown_unit", "message": format!("no unit '{p}'")}]),
                );
                None
            }
        },
        None => None,
    };
    if !fields.is_empty() {
        return Err(ApiError::Validation(serde_json::json!({ "fields": fields })));
    }
    let principal = req.principal_user_institutional_id.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let unit = co2_db::org::create_unit(&mut tx, id, name, parent.as_ref(), principal).await.map_err(|e| match e {
        co2_db::DbError::Constraint { constraint } if constraint == "unit_institutional_id_key" => {
            ApiError::conflict("unit_exists", format!("a unit '{id}' exists already"))
        }
        other => other.into(),
    })?;
    for y in co2_db::report::all_years(&mut *tx).await? {
        co2_db::report::ensure_report(&mut tx, unit.unit_id, y.report_year_id).await?;
    }
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "unit.created",
        Some(id),
        serde_json::json!({"name": name, "parent": parent.as_ref().map(|p| p.institutional_id.clone())}),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(UnitSummary {
            institutional_id: unit.institutional_id,
            name: unit.name,
            parent: parent.map(|p| p.institutional_id),
            my_role: Some(co2_api_types::Persona::Admin),
        }),
    ))
}

/// Creates a report year and every unit's report for it (admin). Idempotent.
#[utoipa::path(post, path = "/api/v1/backoffice/years", tag = "backoffice", request_body = CreateYearRequest,
    responses((status = 201, body = YearSummary), (status = 403), (status = 422)))]
async fn create_year(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateYearRequest>,
) -> ApiResult<(StatusCode, ApiJson<YearSummary>)> {
    require_admin(&caller)?;
    if !(2000..=2100).contains(&req.year) {
        return Err(ApiError::Validation(serde_json::json!({"fields": {"year": [{"code": "out_of_range",
            "message": "must be between 2000 and 2100"}]}})));
    }
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::report::ensure_year(&mut *tx, req.year, req.is_open).await?;
    let created = co2_db::report::ensure_reports_for_year(&mut tx, req.year).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "year.created",
        Some(&req.year.to_string()),
        serde_json::json!({"reports_created": created}),
    )
    .await?;
    tx.commit().await?;
    let open = co2_db::report::all_years(&ctx.pools.write).await?.into_iter().find(|y| y.report_year_id == req.year);
    Ok((StatusCode::CREATED, ApiJson(YearSummary { year: req.year, is_open: open.is_some_and(|y| y.is_open) })))
}

/// Opens or closes a year for writes by users (admin).
#[utoipa::path(patch, path = "/api/v1/backoffice/years/{year}", tag = "backoffice", params(("year" = i32, Path)),
    request_body = UpdateYearRequest, responses((status = 200, body = YearSummary), (status = 403), (status = 404)))]
async fn update_year(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(req): ApiJson<UpdateYearRequest>,
) -> ApiResult<ApiJson<YearSummary>> {
    require_admin(&caller)?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::report::set_year_open(&mut *tx, year, req.is_open).await.map_err(|e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("year_not_found", format!("no year {year}")),
        other => other.into(),
    })?;
    let action = if req.is_open { "year.opened" } else { "year.closed" };
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        action,
        Some(&year.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(YearSummary { year, is_open: req.is_open }))
}

/// Largest factor or reference file accepted by the back-office uploads.
pub const MAX_DATA_FILE_BYTES: usize = 16 * 1024 * 1024;

fn field_errors_json(rows: &[(u64, co2_domain::FieldErrors)]) -> serde_json::Value {
    let rows: Vec<_> = rows
        .iter()
        .take(100)
        .map(|(line, e)| {
            serde_json::json!({"row": line, "errors": e.0.iter()
                .map(|f| serde_json::json!({"column": f.field, "code": f.code, "message": f.message}))
                .collect::<Vec<_>>()})
        })
        .collect();
    serde_json::json!({ "rows": rows })
}

/// Replaces a year's factors of one file (admin): every row is validated first and the file is
/// refused whole if one is invalid; rows are upserted in place on their identity (ids kept), and
/// factors of the same entry types absent from the file are listed as stale (DOMAIN §4).
/// Entries already computed keep their rows until they are recomputed.
#[utoipa::path(put, path = "/api/v1/backoffice/factors/{year}/{file}", tag = "backoffice",
    params(("year" = i32, Path), ("file" = String, Path, description = "e.g. equipments_factors")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = FactorUploadResult), (status = 403), (status = 404), (status = 422)))]
async fn upload_factors(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((year, file)): Path<(i32, String)>,
    body: Bytes,
) -> ApiResult<ApiJson<FactorUploadResult>> {
    require_admin(&caller)?;
    let name = file.trim_end_matches(".csv");
    let kind = co2_db::factor_file::FactorFile::ALL
        .into_iter()
        .find(|f| f.file_name().trim_end_matches(".csv") == name)
        .ok_or_else(|| ApiError::not_found("factor_file_not_found", format!("no factor file '{file}'")))?;
    if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == year) {
        return Err(ApiError::not_found("year_not_found", format!("no year {year}: create it first")));
    }
    let (_, rows) = co2_db::seed::read_csv_records(&body)
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("the file cannot be read as CSV: {e}")))?;
    if rows.is_empty() {
        return Err(ApiError::bad_request("empty_file", "the file has no data rows"));
    }
    let parsed = co2_db::factor_file::parse_file(kind, &rows).map_err(|e| {
        ApiError::Validation(serde_json::json!({"file": [{"code": "invalid_factor_set", "message": e.reason}]}))
    })?;
    if !parsed.rejected.is_empty() {
        return Err(ApiError::Validation(field_errors_json(&parsed.rejected)));
    }
    let mut tx = ctx.pools.write.begin().await?;
    let mut kept = Vec::with_capacity(parsed.records.len());
    for (_, record) in &parsed.records {
        kept.push(co2_db::factor::store_record(&mut tx, year, record, None).await?);
    }
    let newly_stale = co2_db::factor::mark_stale_except(&mut tx, year, &kind.entry_types(), &kept).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "factors.uploaded",
        Some(&format!("{year}/{name}")),
        serde_json::json!({"stored": kept.len(), "newly_stale": newly_stale}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(FactorUploadResult { year, file: kind.file_name().to_owned(), stored: kept.len(), newly_stale }))
}

/// Replaces a whole set of reference data (admin): `airports`, `train_stations`,
/// `building_rooms`, `exchange_rates` or `inflation_index`. The file is refused whole if a row is
/// invalid.
#[utoipa::path(put, path = "/api/v1/backoffice/reference/{kind}", tag = "backoffice",
    params(("kind" = String, Path)), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ReferenceUploadResult), (status = 403), (status = 404), (status = 422)))]
async fn upload_reference(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(kind): Path<String>,
    body: Bytes,
) -> ApiResult<ApiJson<ReferenceUploadResult>> {
    require_admin(&caller)?;
    let mut tx = ctx.pools.write.begin().await?;
    let loaded = match kind.as_str() {
        "airports" => co2_db::reference::load_airports(&mut tx, &body).await,
        "train_stations" => co2_db::reference::load_stations(&mut tx, &body).await,
        "building_rooms" => co2_db::reference::load_rooms(&mut tx, &body).await,
        "exchange_rates" => co2_db::reference::load_exchange_rates(&mut tx, &body).await,
        "inflation_index" => co2_db::reference::load_inflation_index(&mut tx, &body).await,
        _ => return Err(ApiError::not_found("reference_kind_not_found", format!("no reference data '{kind}'"))),
    };
    let rows = loaded.map_err(|e| match e.downcast::<co2_db::reference::InvalidReference>() {
        Ok(invalid) => ApiError::Validation(serde_json::json!({"rows": invalid.problems})),
        Err(other) => match other.downcast::<sqlx::Error>() {
            Ok(db) => match co2_db::DbError::from(db) {
                // A duplicated key or an out-of-range value in the file: its author's to fix.
                co2_db::DbError::Constraint { constraint } => ApiError::Validation(serde_json::json!({
                    "rows": [format!("the file breaks the rule '{constraint}' (for example a duplicated key)")]
                })),
                other => other.into(),
            },
            Err(other) => ApiError::bad_request("invalid_csv", format!("the file cannot be loaded: {other}")),
        },
    })?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "reference.replaced",
        Some(&kind),
        serde_json::json!({"rows": rows}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(ReferenceUploadResult { kind, rows }))
}

/// One row of an org chart.
struct OrgRow {
    line: u64,
    id: String,
    name: String,
    parent: Option<String>,
    principal: Option<String>,
}

/// Imports an org chart (admin): CSV `institutional_id,name,parent[,principal_user_institutional_id]`.
/// New units are created (with their reports for every year), existing ones renamed or moved
/// with their subtree; parents may come later in the file. The file is checked whole first
/// (ids, unknown parents, cycles) and applied in one transaction.
#[utoipa::path(put, path = "/api/v1/backoffice/org-chart", tag = "backoffice",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = OrgChartImportResult), (status = 403), (status = 422)))]
async fn import_org_chart(
    State(ctx): State<Ctx>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<ApiJson<OrgChartImportResult>> {
    require_admin(&caller)?;
    let (headers, records) = co2_db::seed::read_csv_records(&body)
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("the file cannot be read as CSV: {e}")))?;
    for required in ["institutional_id", "name", "parent"] {
        if !headers.iter().any(|h| h == required) {
            return Err(ApiError::bad_request("missing_column", format!("missing required column {required}")));
        }
    }
    let text = |raw: &co2_domain::fields::RawFields, k: &str| {
        raw.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    };
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, raw) in &records {
        let (Some(id), Some(name)) = (text(raw, "institutional_id"), text(raw, "name")) else {
            problems.push(json_row(*line, "institutional_id and name are required"));
            continue;
        };
        if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            problems.push(json_row(*line, &format!("'{id}' is not a valid unit id")));
            continue;
        }
        if !seen.insert(id.clone()) {
            problems.push(json_row(*line, &format!("unit {id} appears twice")));
            continue;
        }
        rows.push(OrgRow {
            line: *line,
            id,
            name,
            parent: text(raw, "parent"),
            principal: text(raw, "principal_user_institutional_id"),
        });
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(ApiError::bad_request("empty_file", "the file has no data rows"));
    }
    let mut tx = ctx.pools.write.begin().await?;
    let existing: std::collections::HashSet<String> =
        co2_db::org::all_units(&mut *tx).await?.into_iter().map(|u| u.institutional_id).collect();
    for r in &rows {
        if let Some(p) = &r.parent
            && !existing.contains(p)
            && !seen.contains(p)
        {
            problems.push(json_row(r.line, &format!("unknown parent {p}")));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Validation(serde_json::json!({ "rows": problems })));
    }
    // Parents first: apply in passes until every row is placed (a cycle leaves rows behind).
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut pending: Vec<&OrgRow> = rows.iter().collect();
    let years = co2_db::report::all_years(&mut *tx).await?;
    while !pending.is_empty() {
        let mut next = Vec::new();
        let before = pending.len();
        for r in pending {
            let parent = match &r.parent {
                Some(p) => match co2_db::org::unit_by_institutional_id(&mut *tx, p).await? {
                    Some(u) => Some(u),
                    None => {
                        next.push(r);
                        continue;
                    }
                },
                None => None,
            };
            match co2_db::org::unit_by_institutional_id(&mut *tx, &r.id).await? {
                None => {
                    let unit =
                        co2_db::org::create_unit(&mut tx, &r.id, &r.name, parent.as_ref(), r.principal.as_deref())
                            .await?;
                    for y in &years {
                        co2_db::report::ensure_report(&mut tx, unit.unit_id, y.report_year_id).await?;
                    }
                    created += 1;
                }
                Some(unit) => {
                    let same_parent = unit.parent_id == parent.as_ref().map(|p| p.unit_id);
                    if unit.name == r.name && same_parent && r.principal.is_none() {
                        unchanged += 1;
                    } else {
                        co2_db::org::update_unit(&mut tx, &unit, &r.name, parent.as_ref(), r.principal.as_deref())
                            .await
                            .map_err(|e| match e {
                                co2_db::DbError::Constraint { .. } => ApiError::Validation(serde_json::json!({
                                    "rows": [json_row(r.line, &format!("moving {} under {} would make a cycle", r.id, r.parent.as_deref().unwrap_or("")))]
                                })),
                                other => other.into(),
                            })?;
                        updated += 1;
                    }
                }
            }
        }
        if next.len() == before {
            let lines: Vec<_> = next.iter().map(|r| json_row(r.line, "its parent chain is a cycle")).collect();
            return Err(ApiError::Validation(serde_json::json!({ "rows": lines })));
        }
        pending = next;
    }
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "org_chart.imported",
        None,
        serde_json::json!({"created": created, "updated": updated, "unchanged": unchanged}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(OrgChartImportResult { created, updated, unchanged }))
}

fn json_row(line: u64, message: &str) -> serde_json::Value {
    serde_json::json!({"row": line, "message": message})
}
