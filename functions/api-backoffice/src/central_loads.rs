//! Central loading (admin, DOMAIN §2.2 and §9 D5): every entry type the office loads for all
//! units of a year — its year-wide file and, for plane and train trips, the travel agency's
//! export — with the latest file and job of each, what the office's files hold now, and the copy
//! of last year's file under the year as a new job.
//!
//! The files themselves go through `POST /api/v1/uploads` without a unit (api-uploads); this
//! module reads what they did and runs a stored file again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{
    CentralFile, CentralLoad, CentralLoadsView, CopyCentralLoadRequest, CopyCentralLoadResponse, UploadFeed, UploadMode,
};
use co2_db::EntrySource;
use co2_db::central::LatestJob;
use co2_domain::{EntryType, Module};
use co2_platform::auth::Caller;
use co2_platform::blob::BlobError;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use std::time::Duration;
use uuid::Uuid;

/// How long the link to a job's error report stays valid.
const ERRORS_LINK_TTL: Duration = Duration::from_secs(15 * 60);

/// What the office can load for every unit: each entry type with a template (headcount is
/// loaded per unit, since person ids are unique per unit), then the agency's plane and train
/// trips.
fn loadable() -> impl Iterator<Item = (Module, EntryType, Option<UploadFeed>)> {
    let files = Module::ALL
        .into_iter()
        .filter(|m| *m != Module::Headcount)
        .flat_map(|m| m.entry_types().map(move |t| (m, t)))
        .filter(|(_, t)| !co2_db::engine::template_columns_of(*t).is_empty())
        .map(|(m, t)| (m, t, None));
    let agency = [EntryType::Plane, EntryType::Train]
        .into_iter()
        .map(|t| (Module::ProfessionalTravel, t, Some(UploadFeed::Agency)));
    files.chain(agency)
}

fn source_of(feed: Option<UploadFeed>) -> EntrySource {
    match feed {
        Some(UploadFeed::Agency) => EntrySource::Agency,
        None => EntrySource::Backoffice,
    }
}

fn year_not_found(year: i32) -> ApiError {
    ApiError::not_found("year_not_found", format!("no year {year}"))
}

/// The entry types the office loads for every unit in a year, each with its latest file and
/// job (state, counts, first errors, who, when), the rows its files hold and in how many units,
/// and last year's file that can be copied forward.
#[utoipa::path(get, path = "/api/v1/backoffice/years/{year}/central-loads", tag = "backoffice",
    params(("year" = i32, Path)),
    responses((status = 200, body = CentralLoadsView), (status = 403), (status = 404)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<CentralLoadsView>> {
    caller.require_admin()?;
    let years = co2_db::report::all_years(&ctx.pools.read).await?;
    let this = years.iter().find(|y| y.report_year_id == year).ok_or_else(|| year_not_found(year))?;
    let previous_year = years.iter().map(|y| y.report_year_id).find(|y| *y == year - 1);
    // The jobs from the primary: a file just sent shows at once, with its live state.
    let latest = co2_db::central::latest_jobs(&ctx.pools.write, year).await?;
    let loaded = co2_db::central::loaded(&ctx.pools.read, year).await?;
    let copyable = match previous_year {
        Some(previous) => co2_db::central::copyable_files(&ctx.pools.read, previous).await?,
        None => Vec::new(),
    };
    let mut loads = Vec::new();
    for (module, entry_type, feed) in loadable() {
        let source = source_of(feed);
        let latest = latest.iter().find(|l| {
            l.job.module.as_deref() == Some(module.key()) && l.data_entry_type == entry_type.id() && l.source == source
        });
        let latest = match latest {
            Some(l) => Some(central_file(&ctx, l.clone()).await?),
            None => None,
        };
        let held = loaded
            .iter()
            .find(|l| l.module == module.key() && l.data_entry_type == entry_type.id() && l.source == source);
        let previous_file = copyable
            .iter()
            .filter(|_| feed.is_none())
            .find(|f| f.module == module.key() && f.data_entry_type == entry_type.id())
            .map(|f| f.filename.clone());
        loads.push(CentralLoad {
            module: module.key().to_owned(),
            entry_type: entry_type.name().to_owned(),
            feed,
            collected: !this.disabled_modules.iter().any(|m| m == module.key())
                && !this.disabled_entry_types.iter().any(|t| t == entry_type.name()),
            centrally_fed: this.central_entry_types.iter().any(|t| t == entry_type.name()),
            entries: held.map_or(0, |h| h.entries),
            units: held.map_or(0, |h| h.units),
            latest,
            previous_file,
        });
    }
    Ok(ApiJson(CentralLoadsView { year, is_open: this.is_open, previous_year, loads }))
}

/// A latest file as the API shows it, with the link to its job's error report.
async fn central_file(ctx: &Ctx, l: LatestJob) -> ApiResult<CentralFile> {
    let errors_url = match &l.job.error_report_key {
        Some(key) => {
            Some(ctx.blob.presign_get(key, ERRORS_LINK_TTL).await.map_err(|e| ApiError::Unavailable(e.into()))?)
        }
        None => None,
    };
    Ok(CentralFile {
        filename: l.filename,
        mode: if l.mode == "replace" { UploadMode::Replace } else { UploadMode::Append },
        period_from: l.period_from,
        period_to: l.period_to,
        started_by: l.started_by,
        job: l.job.into_view(None, errors_url),
    })
}

/// Runs last year's year-wide file of an entry type again under this year, as a new job with
/// the same mode (a replace swaps that type's rows loaded this way). The file is copied to a new
/// object, whose notification starts the pipeline as any upload's does.
#[utoipa::path(post, path = "/api/v1/backoffice/years/{year}/central-loads/copy", tag = "backoffice",
    params(("year" = i32, Path)), request_body = CopyCentralLoadRequest,
    responses((status = 201, body = CopyCentralLoadResponse), (status = 403),
              (status = 404, description = "no such year or type, or no file of last year to copy"),
              (status = 409, description = "no factors for the year, or last year's file is no longer stored")))]
pub(crate) async fn copy(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(req): ApiJson<CopyCentralLoadRequest>,
) -> ApiResult<(StatusCode, ApiJson<CopyCentralLoadResponse>)> {
    caller.require_admin()?;
    let module = Module::parse(&req.module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{}'", req.module)))?;
    let entry_type = EntryType::parse_in(module, &req.entry_type).ok_or_else(|| {
        ApiError::not_found("entry_type_not_found", format!("'{}' is not a type of {}", req.entry_type, module.key()))
    })?;
    let years = co2_db::report::all_years(&ctx.pools.read).await?;
    if !years.iter().any(|y| y.report_year_id == year) {
        return Err(year_not_found(year));
    }
    let from_year = year - 1;
    let nothing = || {
        ApiError::not_found(
            "nothing_to_copy",
            format!("no {} file of {from_year} loaded for every unit", entry_type.name()),
        )
    };
    let file = co2_db::central::copyable_files(&ctx.pools.write, from_year)
        .await?
        .into_iter()
        .find(|f| f.module == module.key() && f.data_entry_type == entry_type.id())
        .ok_or_else(nothing)?;
    if co2_db::factor::count_for(&ctx.pools.read, year, &[entry_type.id()]).await? == 0 {
        return Err(ApiError::conflict(
            "factors_missing",
            format!("no {} factors for {year}: upload factors first", entry_type.name()),
        ));
    }
    let bytes = match ctx.blob.get(&file.object_key).await {
        Ok(b) => b,
        Err(BlobError::NotFound(_)) => {
            return Err(ApiError::conflict(
                "source_file_missing",
                format!("the {from_year} file {} is no longer stored: upload it again", file.filename),
            ));
        }
        Err(e) => return Err(ApiError::Unavailable(e.into())),
    };

    let upload_id = Uuid::now_v7();
    let key = format!("uploads/{upload_id}/{}", co2_platform::blob::safe_file_name(&file.filename));
    let mut tx = ctx.pools.write.begin().await?;
    let job_id = co2_db::job::create(
        &mut *tx,
        co2_db::job::NewJob {
            kind: "upload",
            unit_id: None,
            year,
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
            report_id: None,
            year,
            module: module.key(),
            data_entry_type: Some(entry_type.id()),
            filename: &file.filename,
            object_key: &key,
            mode: &file.mode,
            source: EntrySource::Backoffice,
            created_by: Some(caller.user.app_user_id),
            period: None,
        },
    )
    .await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "upload.copied",
        Some(&upload_id.to_string()),
        serde_json::json!({"from_upload": file.upload_id, "from_year": from_year, "year": year,
            "module": module.key(), "entry_type": entry_type.name(), "filename": file.filename}),
    )
    .await?;
    tx.commit().await?;
    // The object's notification starts the job; without the object the job would wait forever.
    if let Err(e) = ctx.blob.put(&key, bytes, "application/octet-stream").await {
        co2_db::job::fail(&ctx.pools.write, job_id, "the copy of last year's file could not be stored").await?;
        return Err(ApiError::Unavailable(e.into()));
    }
    Ok((
        StatusCode::CREATED,
        ApiJson(CopyCentralLoadResponse { job_id, upload_id, from_year, filename: file.filename }),
    ))
}
