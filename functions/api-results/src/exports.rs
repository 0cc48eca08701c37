//! Export requests (DOMAIN §7 "BO reporting and exports"): a unit-year's results as XLSX, CSV
//! files or the PDF report, one module of a year across units, and the filtered reporting view
//! as one PDF, for back-office reporting.
//! The request is checked and its scope resolved here (the units it may cover); step-export
//! builds the file, and the caller follows the job here and downloads through a presigned link.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use co2_api_types::{ExportKind, ExportRequest, ExportView, JobState};
use co2_domain::Module;
use co2_platform::auth::{Caller, UnitRole, unit_not_found};
use co2_platform::events::{ExportMessage, STEP_MESSAGE_VERSION, StepMessage};
use co2_platform::reporting_scope::{check_filters, units_reported_on};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use std::time::Duration;
use uuid::Uuid;

/// How long a download link stays valid.
const LINK_TTL: Duration = Duration::from_secs(15 * 60);

/// Asks for an export. A unit-year export is for the unit's principal, a back-office operator
/// whose subtree holds the unit, or the admin (members see their results on screen: the files
/// carry every member's rows). A module export across units is for back-office roles and covers
/// the units they report on. Answers at once with the job to follow.
#[utoipa::path(post, path = "/api/v1/exports", tag = "exports", request_body = ExportRequest,
    responses((status = 202, body = ExportView), (status = 400), (status = 403), (status = 404),
        (status = 503, description = "the export could not be queued")))]
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<ExportRequest>,
) -> ApiResult<(StatusCode, ApiJson<ExportView>)> {
    let basis = req.basis.as_deref().unwrap_or("validated");
    if !matches!(basis, "validated" | "all") {
        return Err(ApiError::bad_request("invalid_basis", format!("basis '{basis}' is not validated or all")));
    }
    if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == req.year) {
        return Err(ApiError::not_found("year_not_found", format!("no year {}", req.year)));
    }
    let (kind, format, unit, module, unit_ids) = match req.kind {
        ExportKind::UnitYear => {
            let format = req.format.as_deref().unwrap_or("xlsx");
            if !matches!(format, "xlsx" | "csv" | "pdf") {
                return Err(invalid(format!("a unit-year export is xlsx, csv or pdf, not '{format}'")));
            }
            let id = req.unit.as_deref().ok_or_else(|| invalid("a unit-year export needs its unit".into()))?;
            let unit =
                co2_db::org::unit_by_institutional_id(&ctx.pools.read, id).await?.ok_or_else(|| unit_not_found(id))?;
            // The PDF shows the results, which every member of the unit reads; the workbook and
            // the CSV hold every entry, which only its principal and the back office do.
            let may_export = caller.is_admin()
                || caller.backoffice_covers(&unit)
                || caller.unit_role(&unit) == Some(UnitRole::Principal)
                || (format == "pdf" && caller.can_view_unit(&unit));
            if !may_export {
                return Err(if caller.can_view_unit(&unit) {
                    ApiError::Forbidden(
                        "a unit's workbook and CSV are for its principal and the back office; its PDF is for every member".into(),
                    )
                } else {
                    unit_not_found(id)
                });
            }
            if co2_results::modules_in_order(&ctx.pools.read, unit.unit_id, req.year).await?.is_empty() {
                return Err(ApiError::not_found(
                    "report_not_found",
                    format!("unit {} has no report for {}", unit.institutional_id, req.year),
                ));
            }
            ("unit_year", format, Some(unit), None, Vec::new())
        }
        ExportKind::ModuleUnits => {
            if !caller.is_admin() && !caller.is_backoffice() {
                return Err(ApiError::Forbidden("exports across units need a back-office role".into()));
            }
            let format = req.format.as_deref().unwrap_or("zip");
            if format != "zip" {
                return Err(invalid(format!("a module export across units is zip, not '{format}'")));
            }
            let key = req.module.as_deref().ok_or_else(|| invalid("a module export needs its module".into()))?;
            let module = Module::parse(key)
                .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{key}'")))?;
            let units = co2_db::org::all_units(&ctx.pools.read).await?;
            let unit_ids: Vec<Uuid> =
                units.iter().filter(|u| caller.is_admin() || caller.backoffice_covers(u)).map(|u| u.unit_id).collect();
            ("module_units", format, None, Some(module), unit_ids)
        }
        ExportKind::Reporting => {
            let format = req.format.as_deref().unwrap_or("pdf");
            if format != "pdf" {
                return Err(invalid(format!("a reporting export is pdf, not '{format}'")));
            }
            let filters = req.reporting.clone().unwrap_or_default();
            check_filters(&filters)?;
            let units = units_reported_on(&ctx, &caller, req.year, filters.subtree.as_deref(), "reporting").await?;
            // The units the filters keep, resolved now for the requester: the step never widens it.
            let view = co2_results::reporting::view(&ctx.pools.read, req.year, &units, &filters).await?;
            let kept: std::collections::HashSet<&str> =
                view.units.iter().map(|u| u.institutional_id.as_str()).collect();
            let unit_ids: Vec<Uuid> =
                units.iter().filter(|u| kept.contains(u.institutional_id.as_str())).map(|u| u.unit_id).collect();
            ("reporting", format, None, None, unit_ids)
        }
        ExportKind::Inventory => {
            let format = req.format.as_deref().unwrap_or("xlsx");
            if !matches!(format, "xlsx" | "csv") {
                return Err(invalid(format!("an inventory export is xlsx or csv, not '{format}'")));
            }
            let units = units_reported_on(&ctx, &caller, req.year, req.subtree.as_deref(), "the inventory").await?;
            ("inventory", format, None, None, units.iter().map(|u| u.unit_id).collect())
        }
    };
    let mut tx = ctx.pools.write.begin().await?;
    let job_id = co2_db::job::create(
        &mut *tx,
        co2_db::job::NewJob {
            kind: "export",
            unit_id: unit.as_ref().map(|u| u.unit_id),
            year: req.year,
            module: module.map(Module::key),
            created_by: Some(caller.user.app_user_id),
        },
    )
    .await?;
    co2_db::export::create(
        &mut *tx,
        &co2_db::export::NewExport {
            job_id,
            kind,
            format,
            year: req.year,
            unit_id: unit.as_ref().map(|u| u.unit_id),
            module: module.map(Module::key),
            basis,
            unit_ids: &unit_ids,
            filters: match req.kind {
                ExportKind::Inventory => serde_json::json!({"subtree": subtree_of(&req)}),
                _ => serde_json::to_value(req.reporting.clone().unwrap_or_default()).unwrap_or_default(),
            },
        },
    )
    .await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "export.requested",
        Some(&job_id.to_string()),
        serde_json::json!({"kind": kind, "format": format, "year": req.year,
            "unit": unit.as_ref().map(|u| &u.institutional_id), "module": module.map(Module::key),
            "units": unit_ids.len()}),
    )
    .await?;
    tx.commit().await?;
    // The step reads the figures as they are now, on the replica once it has caught up.
    let consistent_with = ctx.pools.write.current_lsn().await?.map(|l| l.to_string());
    let msg = StepMessage::Export(ExportMessage { version: STEP_MESSAGE_VERSION, job_id, consistent_with });
    if let Err(e) = ctx.queue.send(&ctx.settings.queue_export, &msg.to_body()).await {
        co2_db::job::fail(&ctx.pools.write, job_id, "the export could not be queued: ask for it again").await?;
        return Err(ApiError::Unavailable(e.into()));
    }
    tracing::info!(%job_id, kind, format, "export.requested");
    Ok((StatusCode::ACCEPTED, ApiJson(view(&ctx, &caller, job_id).await?)))
}

/// The subtree an inventory export names, trimmed (`None`: the institution).
fn subtree_of(req: &ExportRequest) -> Option<String> {
    req.subtree.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn invalid(message: String) -> ApiError {
    ApiError::bad_request("invalid_export", message)
}

/// The export as its requester (or the unit's principal, or the admin) may see it.
async fn view(ctx: &Ctx, caller: &Caller, job_id: Uuid) -> ApiResult<ExportView> {
    let not_found = || ApiError::not_found("export_not_found", "no such export");
    let job = co2_db::job::get(&ctx.pools.write, job_id).await?.filter(|j| j.kind == "export").ok_or_else(not_found)?;
    let export = co2_db::export::get(&ctx.pools.write, job_id).await?.ok_or_else(not_found)?;
    let unit = match export.unit_id {
        Some(id) => Some(co2_db::org::unit_by_id(&ctx.pools.read, id).await?),
        None => None,
    };
    // Rights as they stand now: a cross-unit export stays open only while the caller still
    // reports on every unit it covers.
    let mut allowed = caller.may_follow_job(unit.as_ref(), job.created_by)
        // A member follows the PDF they asked for while they still see the unit.
        || (export.format == "pdf"
            && job.created_by == Some(caller.user.app_user_id)
            && unit.as_ref().is_some_and(|u| caller.can_view_unit(u)));
    if allowed && unit.is_none() && !caller.is_admin() {
        let covered: std::collections::HashSet<Uuid> = co2_db::org::all_units(&ctx.pools.read)
            .await?
            .into_iter()
            .filter(|u| caller.backoffice_covers(u))
            .map(|u| u.unit_id)
            .collect();
        allowed = export.unit_ids.iter().all(|id| covered.contains(id));
    }
    if !allowed {
        return Err(not_found());
    }
    let state = job.state;
    let download_url = match (&export.file_key, state) {
        (Some(key), JobState::Succeeded) => {
            Some(ctx.blob.presign_get(key, LINK_TTL).await.map_err(|e| ApiError::Unavailable(e.into()))?)
        }
        _ => None,
    };
    Ok(ExportView {
        job_id,
        kind: match export.kind.as_str() {
            "unit_year" => ExportKind::UnitYear,
            "reporting" => ExportKind::Reporting,
            "inventory" => ExportKind::Inventory,
            _ => ExportKind::ModuleUnits,
        },
        format: export.format,
        year: export.report_year_id,
        unit: unit.map(|u| u.institutional_id),
        module: export.module,
        basis: export.basis,
        state,
        entries: job.rows_ok,
        failure: job.failure,
        file_name: export.file_name,
        bytes: export.bytes,
        download_url,
        created_at: job.created_at,
        finished_at: job.finished_at,
    })
}

/// An export's state and, once done, its download link.
#[utoipa::path(get, path = "/api/v1/exports/{job_id}", tag = "exports", params(("job_id" = Uuid, Path)),
    responses((status = 200, body = ExportView), (status = 404)))]
pub(crate) async fn get(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(job_id): Path<Uuid>,
) -> ApiResult<ApiJson<ExportView>> {
    Ok(ApiJson(view(&ctx, &caller, job_id).await?))
}

/// The export's file: a redirect to its presigned link (`curl -L`, or a link in the page).
#[utoipa::path(get, path = "/api/v1/exports/{job_id}/file", tag = "exports", params(("job_id" = Uuid, Path)),
    responses((status = 303, description = "to the presigned file"), (status = 404), (status = 409, description = "not ready")))]
pub(crate) async fn file(State(ctx): State<Ctx>, caller: Caller, Path(job_id): Path<Uuid>) -> ApiResult<Response> {
    let export = view(&ctx, &caller, job_id).await?;
    match export.download_url {
        Some(url) => Ok(([(header::CACHE_CONTROL, "no-store")], Redirect::to(&url)).into_response()),
        None => Err(ApiError::conflict(
            "export_not_ready",
            match export.state {
                JobState::Failed => format!("the export failed: {}", export.failure.unwrap_or_default()),
                _ => "the export is not ready yet".to_owned(),
            },
        )),
    }
}
