//! The caller's units and years, a unit-year report with its 8 modules, and the module
//! lifecycle (validate / reopen, DOMAIN §6.1).

use axum::extract::{Path, State};
use co2_api_types::{
    ChangeRequestInput, ChangeRequestView, ModuleStatus, ModuleStatusUpdate, ModuleView, ReportView, UnitSummary,
    YearSummary,
};
use co2_db::report::{ReportModule, WriteBlock};
use co2_domain::Module;
use co2_platform::auth::{Caller, UnitRole, visible_report, visible_unit};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use co2_results::progress;

/// Units the caller may open, with the caller's role in each.
#[utoipa::path(get, path = "/api/v1/units", tag = "workspace", responses((status = 200, body = [UnitSummary])))]
pub(crate) async fn list_units(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<Vec<UnitSummary>>> {
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
pub(crate) async fn list_years(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(unit): Path<String>,
) -> ApiResult<ApiJson<Vec<YearSummary>>> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    let years = co2_db::report::years_of_unit(&ctx.pools.read, unit.unit_id).await?;
    Ok(ApiJson(years.iter().map(co2_db::report::ReportYear::summary).collect()))
}

/// A unit-year report: the 8 modules with status, entry count and headline totals.
#[utoipa::path(get, path = "/api/v1/units/{unit}/years/{year}/report", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path)),
    responses((status = 200, body = ReportView), (status = 404, description = "unknown or not visible")))]
pub(crate) async fn report(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year)): Path<(String, i32)>,
) -> ApiResult<ApiJson<ReportView>> {
    let (unit, mods) = visible_report(&ctx, &caller, &unit, year).await?;
    let (completion_progress, overall_status) = progress(&mods);
    let modules = mods.iter().map(|(m, r)| module_view(*m, r)).collect();
    let principals = co2_db::campaign::principals_of(&ctx.pools.read, &[unit.unit_id])
        .await?
        .into_iter()
        .map(|(_, r)| r.display_name)
        .collect();
    Ok(ApiJson(ReportView {
        unit: unit.institutional_id,
        unit_name: unit.name,
        year,
        modules,
        completion_progress,
        overall_status,
        principals,
    }))
}

/// Longest message of a change request.
const MAX_CHANGE_REQUEST: usize = 2000;

/// A member asks for a change in a validated module: the unit's principals (else the
/// sustainability office) get a notification in the app and by e-mail, leading to the module,
/// and the request is audited. Anyone who sees the unit may ask; a module still open is 409.
#[utoipa::path(post, path = "/api/v1/units/{unit}/years/{year}/modules/{module}/change-requests", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path), ("module" = String, Path)), request_body = ChangeRequestInput,
    responses((status = 202, body = ChangeRequestView), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn request_change(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, year, module)): Path<(String, i32, String)>,
    ApiJson(req): ApiJson<ChangeRequestInput>,
) -> ApiResult<(axum::http::StatusCode, ApiJson<ChangeRequestView>)> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    let module = Module::parse(&module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{module}'")))?;
    let message = req.message.trim();
    if message.is_empty() || message.chars().count() > MAX_CHANGE_REQUEST {
        return Err(ApiError::Validation(serde_json::json!({"fields": {"message": [{"code": "invalid_length",
            "message": format!("say what should change, in 1 to {MAX_CHANGE_REQUEST} characters")}]}})));
    }
    let rm = co2_db::report::module_of(&ctx.pools.read, unit.unit_id, year, module).await.map_err(|e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("report_not_found", format!("no report for {year}")),
        other => other.into(),
    })?;
    if rm.status != ModuleStatus::Validated {
        return Err(ApiError::conflict(
            "module_not_validated",
            "the module is open: its rows can be changed without asking",
        ));
    }
    let mut to: Vec<co2_db::campaign::Recipient> =
        co2_db::campaign::principals_of(&ctx.pools.read, &[unit.unit_id]).await?.into_iter().map(|(_, r)| r).collect();
    if to.is_empty() {
        to = co2_db::campaign::office(&ctx.pools.read).await?;
    }
    let title = format!("Change requested in {} ({}, {year})", module.key(), unit.institutional_id);
    let body = format!("{} asks: {message}", caller.user.display_name);
    let link = format!("/units/{}/years/{year}/modules/{}", unit.institutional_id, module.key());
    let notification = co2_db::campaign::NewNotification {
        kind: "change_request",
        year: Some(year),
        title: &title,
        body: &body,
        link: Some(&link),
    };
    let mut tx = ctx.pools.write.begin().await?;
    for r in &to {
        co2_db::campaign::notify(&mut tx, r, &notification).await?;
    }
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "module.change_requested",
        Some(&format!("{}/{year}/{}", unit.institutional_id, module.key())),
        serde_json::json!({"message": message, "notified": to.iter().map(|r| r.app_user_id).collect::<Vec<_>>()}),
    )
    .await?;
    tx.commit().await?;
    let notified = to.into_iter().map(|r| r.display_name).collect();
    Ok((axum::http::StatusCode::ACCEPTED, ApiJson(ChangeRequestView { notified })))
}

/// Validates a module (read-only from then on) or reopens it for changes (DOMAIN §6.1): the
/// unit's principal or the admin.
#[utoipa::path(patch, path = "/api/v1/units/{unit}/years/{year}/modules/{module}", tag = "workspace",
    params(("unit" = String, Path), ("year" = i32, Path), ("module" = String, Path)), request_body = ModuleStatusUpdate,
    responses((status = 200, body = ModuleView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn set_module_status(
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
        status @ (ModuleStatus::Validated | ModuleStatus::InProgress) => status,
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
    // Validating or reopening is itself how a validated module changes: only the year and the
    // module's collection can refuse it.
    if let Some(block) = rm.write_block().filter(|b| *b != WriteBlock::ModuleValidated) {
        return Err(ApiError::conflict(block.code(), block.message()));
    }
    co2_db::report::set_status(&mut *tx, rm.report_module_id, new_status).await?;
    let action = if new_status == ModuleStatus::Validated { "module.validated" } else { "module.reopened" };
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
    Ok(ApiJson(module_view(module, &rm)))
}

/// The wire form of a report's module.
fn module_view(m: Module, r: &ReportModule) -> ModuleView {
    ModuleView {
        module: m.key().to_owned(),
        position: m.position(),
        status: r.status,
        entry_count: r.entry_count,
        kg_co2eq: r.headline_kg,
        scope1_kg: r.scope1_kg,
        scope2_kg: r.scope2_kg,
        scope3_kg: r.scope3_kg,
        additional_kg: r.additional_kg,
        entry_types: m.entry_types().map(|t| t.name().to_owned()).collect(),
        enabled: r.is_enabled,
        disabled_entry_types: m.entry_types().filter(|t| !r.collects(*t)).map(|t| t.name().to_owned()).collect(),
        central_entry_types: m.entry_types().filter(|t| r.is_central(*t)).map(|t| t.name().to_owned()).collect(),
    }
}
