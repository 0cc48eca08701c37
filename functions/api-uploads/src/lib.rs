//! api-uploads: creates uploads (a job plus a presigned PUT URL) and reports job progress.
//!
//! Owns `/api/v1/uploads` and `/api/v1/jobs`. The file itself never passes through this
//! function: the client PUTs it to storage, whose ObjectCreated notification starts step-ingest.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{CreateUploadRequest, CreateUploadResponse, JobView, UploadFeed, UploadMode};
use co2_db::{EntrySource, engine};
use co2_domain::{EntryType, Module};
use co2_platform::auth::{Caller, visible_unit};
use co2_platform::blob::safe_file_name;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// How long a presigned upload or download link stays valid.
pub const LINK_TTL: Duration = Duration::from_secs(15 * 60);

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new().routes(routes!(create_upload)).routes(routes!(job))
}

/// The function's routes.
pub fn router(ctx: Ctx) -> Router {
    routes().split_for_parts().0.with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// The report of a unit-year module that accepts a file (409 when it does not).
async fn unit_module(ctx: &Ctx, unit: &co2_db::org::Unit, year: i32, module: Module) -> ApiResult<Uuid> {
    let rm = co2_db::report::module_of(&ctx.pools.read, unit.unit_id, year, module).await.map_err(|e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("report_not_found", format!("no report for {year}")),
        other => other.into(),
    })?;
    match rm.write_block() {
        None => Ok(rm.report_id),
        Some(block) => Err(ApiError::conflict(block.code(), block.message())),
    }
}

/// Registers an upload for a unit-year module — or, without a unit, the admin's upload of a
/// year for every unit (rows carry `unit_institutional_id`; a replace swaps the rows loaded this
/// way for the year and entry type) — and returns where to PUT the file.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads", request_body = CreateUploadRequest,
    responses((status = 201, body = CreateUploadResponse), (status = 403), (status = 404),
              (status = 409, description = "module validated, year closed, or no factors for the year")))]
async fn create_upload(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUploadRequest>,
) -> ApiResult<(StatusCode, ApiJson<CreateUploadResponse>)> {
    // Without a unit: the back-office upload of a year for every unit (DOMAIN §2.2, admin).
    let unit = match req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let unit = visible_unit(&ctx, &caller, u).await?;
            caller.require_principal(&unit)?;
            Some(unit)
        }
        None if caller.is_admin() => None,
        None => return Err(ApiError::Forbidden("a year-wide upload for every unit needs the admin role".into())),
    };
    let module = Module::parse(&req.module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{}'", req.module)))?;
    if !engine::supports(module) {
        return Err(ApiError::conflict(
            "module_not_available",
            format!("uploads for {} are not available yet", module.key()),
        ));
    }
    let entry_type = match req.entry_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(EntryType::parse_in(module, t).ok_or_else(|| {
            ApiError::bad_request("invalid_entry_type", format!("'{t}' is not a type of {}", module.key()))
        })?),
        None => None,
    };
    if req.filename.trim().is_empty() {
        return Err(ApiError::bad_request("filename_required", "give the file's name"));
    }
    let period = agency_period(&req, unit.is_some(), module, entry_type)?;
    let report_id = match &unit {
        Some(unit) => Some(unit_module(&ctx, unit, req.year, module).await?),
        None => {
            if module == Module::Headcount {
                // Person ids are unique per unit module (D7): checked per unit for module-page files.
                return Err(ApiError::conflict(
                    "module_not_available",
                    "headcount is loaded per unit: upload each unit's file from its module page",
                ));
            }
            if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == req.year) {
                return Err(ApiError::not_found("year_not_found", format!("no year {}", req.year)));
            }
            None
        }
    };
    let dets: Vec<i16> = module.entry_types().map(|t| t.id()).collect();
    if co2_db::factor::count_for(&ctx.pools.read, req.year, &dets).await? == 0 {
        return Err(ApiError::conflict(
            "factors_missing",
            format!("no {} factors for {}: upload factors first", module.key(), req.year),
        ));
    }

    let upload_id = Uuid::now_v7();
    let key = format!("uploads/{upload_id}/{}", safe_file_name(&req.filename));
    let filename: String = req.filename.chars().filter(|c| !c.is_control()).take(255).collect();
    let mut tx = ctx.pools.write.begin().await?;
    let job_id = co2_db::job::create(
        &mut *tx,
        co2_db::job::NewJob {
            kind: "upload",
            unit_id: unit.as_ref().map(|u| u.unit_id),
            year: req.year,
            module: Some(module.key()),
            created_by: Some(caller.user.app_user_id),
        },
    )
    .await?;
    co2_db::upload::create(
        &mut *tx,
        &co2_db::upload::NewUpload {
            upload_id,
            job_id,
            report_id,
            year: req.year,
            module: module.key(),
            data_entry_type: entry_type.map(EntryType::id),
            filename: &filename,
            object_key: &key,
            mode: match req.mode {
                UploadMode::Replace => "replace",
                UploadMode::Append => "append",
            },
            source: match (&unit, req.feed) {
                (_, Some(UploadFeed::Agency)) => EntrySource::Agency,
                (Some(_), None) => EntrySource::Upload,
                (None, None) => EntrySource::Backoffice,
            },
            created_by: Some(caller.user.app_user_id),
            period,
        },
    )
    .await?;
    co2_db::audit::append(&mut tx, &caller.user.institutional_id, "upload.created", Some(&upload_id.to_string()),
        serde_json::json!({"unit": unit.as_ref().map(|u| u.institutional_id.clone()), "year": req.year, "module": module.key(), "filename": filename, "feed": req.feed})).await?;
    let presigned = ctx.blob.presign_put(&key, LINK_TTL).await.map_err(|e| ApiError::Unavailable(e.into()))?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreateUploadResponse { upload_id, put_url: presigned.url, job_id, put_headers: presigned.headers }),
    ))
}

/// The period of an agency export (both ends inside the year, in order; the whole year when
/// absent), checked with the feed's other rules: the office's year-wide file of plane or train
/// trips. `None` for an ordinary file, which takes no period.
fn agency_period(
    req: &CreateUploadRequest,
    for_unit: bool,
    module: Module,
    entry_type: Option<EntryType>,
) -> ApiResult<Option<(chrono::NaiveDate, chrono::NaiveDate)>> {
    let Some(UploadFeed::Agency) = req.feed else {
        if req.period_from.is_some() || req.period_to.is_some() {
            return Err(ApiError::bad_request("period_without_feed", "only an agency export covers a period"));
        }
        return Ok(None);
    };
    if for_unit {
        return Err(ApiError::bad_request(
            "agency_feed_is_year_wide",
            "the agency's export is loaded for every unit of the year: leave the unit out",
        ));
    }
    let travel = matches!(entry_type, None | Some(EntryType::Plane | EntryType::Train));
    if module != Module::ProfessionalTravel || !travel {
        return Err(ApiError::bad_request("agency_feed_is_travel", "the agency's export holds plane and train trips"));
    }
    let in_year = |d: chrono::NaiveDate| chrono::Datelike::year(&d) == req.year;
    let from = req.period_from.unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(req.year, 1, 1).unwrap_or_default());
    let to = req.period_to.unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(req.year, 12, 31).unwrap_or_default());
    if !in_year(from) || !in_year(to) || from > to {
        return Err(ApiError::bad_request(
            "invalid_period",
            format!("the period must run forward inside {}: {from} to {to}", req.year),
        ));
    }
    Ok(Some((from, to)))
}

/// A job's state, progress, counts and first row errors, with a link to the full error report.
#[utoipa::path(get, path = "/api/v1/jobs/{job_id}", tag = "uploads", params(("job_id" = Uuid, Path)),
    responses((status = 200, body = JobView), (status = 404)))]
async fn job(State(ctx): State<Ctx>, caller: Caller, Path(job_id): Path<Uuid>) -> ApiResult<ApiJson<JobView>> {
    let not_found = || ApiError::not_found("job_not_found", "no such job");
    let job = co2_db::job::get(&ctx.pools.write, job_id).await?.ok_or_else(not_found)?;
    let unit = match job.unit_id {
        Some(id) => Some(co2_db::org::unit_by_id(&ctx.pools.read, id).await?),
        None => None,
    };
    if !caller.may_follow_job(unit.as_ref(), job.created_by) {
        return Err(not_found());
    }
    let errors_url = match &job.error_report_key {
        Some(key) => Some(ctx.blob.presign_get(key, LINK_TTL).await.map_err(|e| ApiError::Unavailable(e.into()))?),
        None => None,
    };
    Ok(ApiJson(job.into_view(unit.map(|u| u.institutional_id), errors_url)))
}
