//! Back-office data management (admin): units, years, factor files and reference data sets.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{
    CreateUnitRequest, CreateYearRequest, EntryTypeSettings, FactorFileView, FactorFilesView, FactorUploadResult,
    ModuleEnabled, ReferenceUploadResult, StaleFactorView, UnitSummary, UpdateYearRequest, YearGoal, YearSummary,
};
use co2_platform::auth::Caller;
use co2_platform::error::read_body;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

/// Creates a unit under a parent, with its report and 8 modules for every existing year (admin).
#[utoipa::path(post, path = "/api/v1/backoffice/units", tag = "backoffice", request_body = CreateUnitRequest,
    responses((status = 201, body = UnitSummary), (status = 403), (status = 409, description = "the id exists"),
              (status = 422, description = "invalid id or unknown parent")))]
pub(crate) async fn create_unit(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUnitRequest>,
) -> ApiResult<(StatusCode, ApiJson<UnitSummary>)> {
    caller.require_admin()?;
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
        e if e.on_constraint("unit_institutional_id_key") => {
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
pub(crate) async fn create_year(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateYearRequest>,
) -> ApiResult<(StatusCode, ApiJson<YearSummary>)> {
    caller.require_admin()?;
    if !(2000..=2100).contains(&req.year) {
        return Err(ApiError::Validation(serde_json::json!({"fields": {"year": [{"code": "out_of_range",
            "message": "must be between 2000 and 2100"}]}})));
    }
    let mut tx = ctx.pools.write.begin().await?;
    let existed = co2_db::report::year(&mut *tx, req.year).await?.is_some();
    co2_db::report::ensure_year(&mut *tx, req.year, req.is_open).await?;
    let created = co2_db::report::ensure_reports_for_year(&mut tx, req.year).await?;
    // A new open year is a campaign's start: every principal hears of it, with the year.
    let announced = if req.is_open && !existed {
        Some(co2_results::campaign::announce_year(&mut tx, req.year).await?)
    } else {
        None
    };
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "year.created",
        Some(&req.year.to_string()),
        serde_json::json!({"reports_created": created, "announced": announced}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(year_summary(&ctx.pools.write, req.year).await?)))
}

/// Opens or closes a year for writes by users (admin).
#[utoipa::path(patch, path = "/api/v1/backoffice/years/{year}", tag = "backoffice", params(("year" = i32, Path)),
    request_body = UpdateYearRequest, responses((status = 200, body = YearSummary), (status = 403), (status = 404)))]
pub(crate) async fn update_year(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(req): ApiJson<UpdateYearRequest>,
) -> ApiResult<ApiJson<YearSummary>> {
    caller.require_admin()?;
    let mut tx = ctx.pools.write.begin().await?;
    let was_open = co2_db::report::year(&mut *tx, year).await?.is_some_and(|y| y.is_open);
    co2_db::report::set_year_open(&mut *tx, year, req.is_open).await.map_err(year_not_found(year))?;
    let action = if req.is_open { "year.opened" } else { "year.closed" };
    // Opening a closed year tells every principal, in the same commit.
    let announced =
        if req.is_open && !was_open { Some(co2_results::campaign::announce_year(&mut tx, year).await?) } else { None };
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        action,
        Some(&year.to_string()),
        serde_json::json!({"announced": announced}),
    )
    .await?;
    tx.commit().await?;
    let updated = year_summary(&ctx.pools.write, year).await?;
    Ok(ApiJson(updated))
}

/// Sets a year's reduction objective (admin): the core footprint `reduction_percent` below an
/// earlier reference year's. Shown beside every unit's results of the year.
#[utoipa::path(put, path = "/api/v1/backoffice/years/{year}/goal", tag = "backoffice", params(("year" = i32, Path)),
    request_body = YearGoal,
    responses((status = 200, body = YearSummary), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn set_year_goal(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(req): ApiJson<YearGoal>,
) -> ApiResult<ApiJson<YearSummary>> {
    caller.require_admin()?;
    let mut fields = serde_json::Map::new();
    if !(req.reduction_percent > 0.0 && req.reduction_percent <= 100.0) {
        fields.insert(
            "reduction_percent".into(),
            serde_json::json!([{"code": "out_of_range", "message": "more than 0 and at most 100"}]),
        );
    }
    let mut tx = ctx.pools.write.begin().await?;
    let found = co2_db::report::year(&mut *tx, year).await?;
    if found.is_none() {
        return Err(ApiError::not_found("year_not_found", format!("no year {year}")));
    }
    let reference_exists = co2_db::report::year(&mut *tx, req.reference_year).await?.is_some();
    if req.reference_year >= year || !reference_exists {
        fields.insert(
            "reference_year".into(),
            serde_json::json!([{"code": "invalid_reference", "message": "an earlier report year"}]),
        );
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation(serde_json::json!({ "fields": fields })));
    }
    co2_db::report::set_year_goal(&mut *tx, year, Some((req.reduction_percent, req.reference_year))).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "year.goal_set",
        Some(&year.to_string()),
        serde_json::json!({"reduction_percent": req.reduction_percent, "reference_year": req.reference_year}),
    )
    .await?;
    let updated = year_summary(&mut *tx, year).await?;
    tx.commit().await?;
    Ok(ApiJson(updated))
}

/// Enables or disables a module for a year in every unit (admin). A disabled module keeps its
/// entries but takes no changes (409) until enabled again.
#[utoipa::path(put, path = "/api/v1/backoffice/years/{year}/modules/{module}", tag = "backoffice",
    params(("year" = i32, Path), ("module" = String, Path)), request_body = ModuleEnabled,
    responses((status = 200, body = YearSummary), (status = 403), (status = 404)))]
pub(crate) async fn set_module_enabled(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((year, module)): Path<(i32, String)>,
    ApiJson(req): ApiJson<ModuleEnabled>,
) -> ApiResult<ApiJson<YearSummary>> {
    caller.require_admin()?;
    let module = co2_domain::Module::parse(&module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{module}'")))?;
    let mut tx = ctx.pools.write.begin().await?;
    let changed =
        co2_db::report::set_module_enabled(&mut tx, year, module, req.enabled).await.map_err(year_not_found(year))?;
    let action = if req.enabled { "year.module_enabled" } else { "year.module_disabled" };
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        action,
        Some(&format!("{year}/{}", module.key())),
        serde_json::json!({"reports_changed": changed}),
    )
    .await?;
    let updated = year_summary(&mut *tx, year).await?;
    tx.commit().await?;
    Ok(ApiJson(updated))
}

/// Collects an entry type (a sub-module) in a year, or not, in every unit (admin). Entries of a
/// type not collected are kept; new ones are refused (409) and upload rows listed as errors.
/// `centrally_fed` (when given) marks the type as loaded by the office for every unit: still
/// collected, but units' writes of it are refused (409) and their upload rows listed as errors.
#[utoipa::path(put, path = "/api/v1/backoffice/years/{year}/entry-types/{entry_type}", tag = "backoffice",
    params(("year" = i32, Path), ("entry_type" = String, Path)), request_body = EntryTypeSettings,
    responses((status = 200, body = YearSummary), (status = 403), (status = 404)))]
pub(crate) async fn set_entry_type_enabled(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((year, entry_type)): Path<(i32, String)>,
    ApiJson(req): ApiJson<EntryTypeSettings>,
) -> ApiResult<ApiJson<YearSummary>> {
    caller.require_admin()?;
    let det = co2_domain::EntryType::ALL
        .into_iter()
        .find(|t| t.name() == entry_type)
        .ok_or_else(|| ApiError::not_found("entry_type_not_found", format!("no entry type '{entry_type}'")))?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::report::set_entry_type_enabled(&mut *tx, year, det, req.enabled).await.map_err(year_not_found(year))?;
    let action = if req.enabled { "year.entry_type_enabled" } else { "year.entry_type_disabled" };
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        action,
        Some(&format!("{year}/{}", det.name())),
        serde_json::json!({}),
    )
    .await?;
    if let Some(central) = req.centrally_fed {
        co2_db::report::set_entry_type_central(&mut *tx, year, det, central).await.map_err(year_not_found(year))?;
        let action = if central { "year.entry_type_centrally_fed" } else { "year.entry_type_fed_by_units" };
        co2_db::audit::append(
            &mut tx,
            &caller.user.institutional_id,
            action,
            Some(&format!("{year}/{}", det.name())),
            serde_json::json!({}),
        )
        .await?;
    }
    let updated = year_summary(&mut *tx, year).await?;
    tx.commit().await?;
    Ok(ApiJson(updated))
}

/// Removes a year's reduction objective (admin).
#[utoipa::path(delete, path = "/api/v1/backoffice/years/{year}/goal", tag = "backoffice", params(("year" = i32, Path)),
    responses((status = 200, body = YearSummary), (status = 403), (status = 404)))]
pub(crate) async fn clear_year_goal(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<YearSummary>> {
    caller.require_admin()?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::report::set_year_goal(&mut *tx, year, None).await.map_err(year_not_found(year))?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "year.goal_cleared",
        Some(&year.to_string()),
        serde_json::json!({}),
    )
    .await?;
    let updated = year_summary(&mut *tx, year).await?;
    tx.commit().await?;
    Ok(ApiJson(updated))
}

/// The 404 of an unknown year, from the database's `NotFound`.
fn year_not_found(year: i32) -> impl Fn(co2_db::DbError) -> ApiError {
    move |e| match e {
        co2_db::DbError::NotFound => ApiError::not_found("year_not_found", format!("no year {year}")),
        other => other.into(),
    }
}

/// The year as the API shows it (404 when it does not exist).
async fn year_summary(db: impl sqlx::PgExecutor<'_>, year: i32) -> ApiResult<YearSummary> {
    co2_db::report::year(db, year)
        .await?
        .map(|y| y.summary())
        .ok_or_else(|| ApiError::not_found("year_not_found", format!("no year {year}")))
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

/// Every report year, latest first (the back office: admin and operators).
#[utoipa::path(get, path = "/api/v1/backoffice/years", tag = "backoffice",
    responses((status = 200, body = Vec<YearSummary>), (status = 403)))]
pub(crate) async fn list_years(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<Vec<YearSummary>>> {
    if !caller.is_admin() && !caller.grants.iter().any(|g| g.role == "backoffice") {
        return Err(ApiError::Forbidden("this needs a back-office role".into()));
    }
    let years = co2_db::report::all_years(&ctx.pools.read).await?;
    Ok(ApiJson(years.iter().map(co2_db::report::ReportYear::summary).collect()))
}

/// Stale factors listed per file.
const STALE_SHOWN: i64 = 20;

/// The factor files of a year (admin): how many factors each holds, how many are stale and which.
#[utoipa::path(get, path = "/api/v1/backoffice/factors/{year}", tag = "backoffice", params(("year" = i32, Path)),
    responses((status = 200, body = FactorFilesView), (status = 403), (status = 404)))]
pub(crate) async fn list_factor_files(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<FactorFilesView>> {
    caller.require_admin()?;
    if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == year) {
        return Err(ApiError::not_found("year_not_found", format!("no year {year}")));
    }
    let mut files = Vec::with_capacity(co2_db::factor_file::FactorFile::ALL.len());
    for kind in co2_db::factor_file::FactorFile::ALL {
        let dets = kind.entry_types();
        let co2_db::factor::FactorCounts { current, stale, uploaded, updated_at } =
            co2_db::factor::counts(&ctx.pools.read, year, &dets).await?;
        let stale_factors = if stale > 0 {
            co2_db::factor::stale(&ctx.pools.read, year, &dets, STALE_SHOWN)
                .await?
                .into_iter()
                .map(|(emission_type, classification)| StaleFactorView { emission_type, classification })
                .collect()
        } else {
            Vec::new()
        };
        let module = dets
            .first()
            .and_then(|d| co2_domain::EntryType::from_id(*d))
            .map(|t| t.module().key().to_owned())
            .unwrap_or_default();
        files.push(FactorFileView {
            file: kind.file_name().trim_end_matches(".csv").to_owned(),
            module,
            current,
            uploaded,
            stale,
            updated_at,
            stale_factors,
        });
    }
    Ok(ApiJson(FactorFilesView { year, files }))
}

/// Replaces a year's factors of one file (admin): every row is validated first and the file is
/// refused whole if one is invalid; rows are upserted in place on their identity (ids kept), and
/// factors of the same entry types absent from the file are listed as stale (DOMAIN §4). The
/// year's entries of those types are then recalculated by a job (answered with its id).
#[utoipa::path(put, path = "/api/v1/backoffice/factors/{year}/{file}", tag = "backoffice",
    params(("year" = i32, Path), ("file" = String, Path, description = "e.g. equipments_factors")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = FactorUploadResult), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn upload_factors(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((year, file)): Path<(i32, String)>,
    body: Body,
) -> ApiResult<ApiJson<FactorUploadResult>> {
    caller.require_admin()?;
    let body = read_body(body, MAX_DATA_FILE_BYTES).await?;
    let name = file.trim_end_matches(".csv");
    let kind = co2_db::factor_file::FactorFile::ALL
        .into_iter()
        .find(|f| f.file_name().trim_end_matches(".csv") == name)
        .ok_or_else(|| ApiError::not_found("factor_file_not_found", format!("no factor file '{file}'")))?;
    if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == year) {
        return Err(ApiError::not_found("year_not_found", format!("no year {year}: create it first")));
    }
    let (headers, rows) = co2_db::seed::read_csv_records(&body)
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("the file cannot be read as CSV: {e}")))?;
    if let Some(h) = co2_db::seed::duplicated_header(&headers) {
        return Err(ApiError::bad_request("duplicated_column", format!("the column '{h}' is named twice")));
    }
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
    let provenance = co2_db::factor::Provenance::Uploaded { file: kind.file_name(), by: Some(caller.user.app_user_id) };
    for (_, record) in &parsed.records {
        kept.push(co2_db::factor::store_record(&mut tx, year, record, provenance).await?);
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
    // The year's entries of these types are computed again with the factors just stored.
    let types = kind.entry_types();
    let scope = co2_db::recalc::Scope { year, entry_types: &types, unit_id: None };
    let recalculation = crate::recalculation::start(
        &ctx,
        &scope,
        Some(kind.module()),
        Some(caller.user.app_user_id),
        &caller.user.institutional_id,
    )
    .await?;
    Ok(ApiJson(FactorUploadResult {
        year,
        file: kind.file_name().to_owned(),
        stored: kept.len(),
        newly_stale,
        recalculation,
    }))
}

/// Replaces a whole set of reference data (admin): `airports`, `train_stations`,
/// `building_rooms`, `exchange_rates` or `inflation_index`. The file is refused whole if a row is
/// invalid.
#[utoipa::path(put, path = "/api/v1/backoffice/reference/{kind}", tag = "backoffice",
    params(("kind" = String, Path)), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ReferenceUploadResult), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn upload_reference(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(kind): Path<String>,
    body: Body,
) -> ApiResult<ApiJson<ReferenceUploadResult>> {
    caller.require_admin()?;
    let body = read_body(body, MAX_DATA_FILE_BYTES).await?;
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
