//! Row thresholds (DOMAIN §6.3) per entry type and year, set by the admin, and the cross-unit
//! reporting that counts the entries above them.
//!
//! Thresholds are data management (admin only). Reporting is open to back-office roles: the
//! admin sees every unit, a back-office (métier) caller the units of their affiliation subtrees.

use axum::extract::{Path, State};
use co2_api_types::{ThresholdPolicyView, ThresholdView, UnitReportingRow};
use co2_domain::thresholds::{self, ThresholdPolicy};
use co2_domain::{EntryType, Module};
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use std::collections::HashMap;

fn policy_view(p: ThresholdPolicy) -> ThresholdPolicyView {
    match p {
        ThresholdPolicy::Fixed { kg } => ThresholdPolicyView::Fixed { kg },
        ThresholdPolicy::Percentile { percentile } => ThresholdPolicyView::Percentile { percentile },
    }
}

pub(crate) async fn require_year(ctx: &Ctx, year: i32) -> ApiResult<()> {
    if co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == year) {
        Ok(())
    } else {
        Err(ApiError::not_found("year_not_found", format!("no year {year}")))
    }
}

/// The thresholds of `types` in `year` with their counts, in the order given.
async fn views(db: &co2_db::Db, year: i32, types: &[EntryType]) -> ApiResult<Vec<ThresholdView>> {
    let ids: Vec<i16> = types.iter().map(|t| t.id()).collect();
    let policies = co2_db::threshold::policies(db, year).await?;
    let figures = co2_db::threshold::overview(db, year, &ids).await?;
    Ok(types
        .iter()
        .filter_map(|t| {
            let policy = policies.iter().find(|p| p.data_entry_type == t.id())?;
            let f = figures.iter().find(|f| f.data_entry_type == t.id())?;
            Some(ThresholdView {
                year,
                module: t.module().key().to_owned(),
                entry_type: t.name().to_owned(),
                policy: policy_view(policy.policy),
                is_default: !policy.is_set,
                kg: f.kg,
                entries: f.entries,
                entries_above: f.entries_above,
            })
        })
        .collect())
}

/// Every entry type of a year with its threshold policy, effective kg limit and the number of
/// entries above it, across all units (admin). Headcount types have none.
#[utoipa::path(get, path = "/api/v1/backoffice/thresholds/{year}", tag = "backoffice",
    params(("year" = i32, Path)),
    responses((status = 200, body = [ThresholdView]), (status = 403), (status = 404)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<Vec<ThresholdView>>> {
    caller.require_admin()?;
    require_year(&ctx, year).await?;
    let types: Vec<EntryType> = EntryType::ALL.into_iter().filter(|t| thresholds::has_threshold(*t)).collect();
    Ok(ApiJson(views(&ctx.pools.read, year, &types).await?))
}

/// Resolves `{module}/{entry_type}` to a type that has a threshold: 404 for unknown names,
/// 422 for headcount's types.
fn thresholded_type(module: &str, entry_type: &str) -> ApiResult<EntryType> {
    let module = Module::parse(module)
        .ok_or_else(|| ApiError::not_found("module_not_found", format!("no module '{module}'")))?;
    let t = EntryType::parse_in(module, entry_type).ok_or_else(|| {
        ApiError::not_found("entry_type_not_found", format!("'{entry_type}' is not a type of {}", module.key()))
    })?;
    if !thresholds::has_threshold(t) {
        return Err(ApiError::Validation(serde_json::json!({"fields": {"entry_type": [{"code": "no_threshold",
            "message": "headcount entries have no threshold"}]}})));
    }
    Ok(t)
}

/// Sets the threshold policy of an entry type for a year (admin): a fixed kg or a percentile.
#[utoipa::path(put, path = "/api/v1/backoffice/thresholds/{year}/{module}/{entry_type}", tag = "backoffice",
    params(("year" = i32, Path), ("module" = String, Path), ("entry_type" = String, Path)),
    request_body = ThresholdPolicyView,
    responses((status = 200, body = ThresholdView), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn set(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((year, module, entry_type)): Path<(i32, String, String)>,
    ApiJson(req): ApiJson<ThresholdPolicyView>,
) -> ApiResult<ApiJson<ThresholdView>> {
    caller.require_admin()?;
    require_year(&ctx, year).await?;
    let t = thresholded_type(&module, &entry_type)?;
    let policy = match req {
        ThresholdPolicyView::Fixed { kg } => ThresholdPolicy::Fixed { kg },
        ThresholdPolicyView::Percentile { percentile } => ThresholdPolicy::Percentile { percentile },
    };
    policy.validate().map_err(|e| ApiError::from_fields(&e))?;
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::threshold::set(&mut *tx, year, t.id(), policy, Some(caller.user.app_user_id)).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "threshold.set",
        Some(&format!("{year}/{}/{}", t.module().key(), t.name())),
        serde_json::to_value(policy).unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    ctx.pools.percentiles.forget(year);
    one(&ctx, year, t).await
}

/// Returns an entry type of a year to the default policy, the 95th percentile (admin).
#[utoipa::path(delete, path = "/api/v1/backoffice/thresholds/{year}/{module}/{entry_type}", tag = "backoffice",
    params(("year" = i32, Path), ("module" = String, Path), ("entry_type" = String, Path)),
    responses((status = 200, body = ThresholdView), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn reset(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((year, module, entry_type)): Path<(i32, String, String)>,
) -> ApiResult<ApiJson<ThresholdView>> {
    caller.require_admin()?;
    require_year(&ctx, year).await?;
    let t = thresholded_type(&module, &entry_type)?;
    let mut tx = ctx.pools.write.begin().await?;
    if co2_db::threshold::reset(&mut *tx, year, t.id()).await? {
        co2_db::audit::append(
            &mut tx,
            &caller.user.institutional_id,
            "threshold.reset",
            Some(&format!("{year}/{}/{}", t.module().key(), t.name())),
            serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    ctx.pools.percentiles.forget(year);
    one(&ctx, year, t).await
}

/// The threshold of one type, read from the primary (it was just written).
async fn one(ctx: &Ctx, year: i32, t: EntryType) -> ApiResult<ApiJson<ThresholdView>> {
    views(&ctx.pools.write, year, &[t])
        .await?
        .pop()
        .map(ApiJson)
        .ok_or_else(|| ApiError::not_found("entry_type_not_found", "no threshold for this type"))
}

/// The units of a year for back-office reporting: completion, validated core total and the
/// number of entries above their thresholds. The admin sees every unit; a back-office (métier)
/// caller only the units of their affiliation subtrees.
#[utoipa::path(get, path = "/api/v1/backoffice/reporting/{year}/units", tag = "backoffice",
    params(("year" = i32, Path)),
    responses((status = 200, body = [UnitReportingRow]), (status = 403), (status = 404)))]
pub(crate) async fn reporting_units(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(year): Path<i32>,
) -> ApiResult<ApiJson<Vec<UnitReportingRow>>> {
    let covered = |u: &co2_db::org::Unit| caller.is_admin() || caller.backoffice_covers(u);
    if !caller.is_admin() && !caller.grants.iter().any(|g| g.role == "backoffice") {
        return Err(ApiError::Forbidden("reporting needs a back-office role".into()));
    }
    require_year(&ctx, year).await?;
    let units = co2_db::org::all_units(&ctx.pools.read).await?;
    let progress: HashMap<_, _> =
        co2_db::report::progress_of_year(&ctx.pools.read, year).await?.into_iter().map(|p| (p.unit_id, p)).collect();
    let types: Vec<i16> =
        EntryType::ALL.into_iter().filter(|t| thresholds::has_threshold(*t)).map(|t| t.id()).collect();
    let mut above: HashMap<uuid::Uuid, i64> = HashMap::new();
    for a in co2_db::threshold::above_by_unit(&ctx.pools.read, year, &types).await? {
        *above.entry(a.unit_id).or_default() += a.entries_above;
    }
    Ok(ApiJson(
        units
            .iter()
            .filter(|u| covered(u))
            .filter_map(|u| {
                let p = progress.get(&u.unit_id)?;
                Some(UnitReportingRow {
                    institutional_id: u.institutional_id.clone(),
                    name: u.name.clone(),
                    path: u.path.clone(),
                    completion_progress: format!("{}/{}", p.validated_modules, p.modules),
                    validated_core_kg: p.validated_headline_kg,
                    entries_above_threshold: above.get(&u.unit_id).copied().unwrap_or(0),
                })
            })
            .collect(),
    ))
}
