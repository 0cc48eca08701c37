//! The GHG Protocol inventory of a year for the institution or a subtree: the published facts
//! placed on the protocol's lines by the domain's reviewed table (`co2_domain::ghg`), with the
//! exclusions, the base year and the methodology. JSON, or CSV of the lines. The office
//! publishes it as a frozen version; a later recalculation shows as a restatement against it.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use co2_api_types::{
    FactorUploadSinceView, GhgInventoryView, PublishInventoryRequest, PublishedInventoryView, RestatedLineView,
    RestatementView,
};
use co2_db::org::Unit;
use co2_platform::auth::Caller;
use co2_platform::reporting_scope::units_reported_on;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use serde::Deserialize;
use uuid::Uuid;

/// `GET /api/v1/backoffice/inventory` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct InventoryQuery {
    year: i32,
    /// A unit's institutional id: its subtree only.
    subtree: Option<String>,
    /// `json` (default) or `csv` (the lines).
    #[serde(default)]
    format: Option<String>,
}

/// The inventory of `units`, its build's failures as API errors.
async fn build(ctx: &Ctx, units: &[Unit], year: i32, subtree: Option<String>) -> ApiResult<GhgInventoryView> {
    co2_results::inventory::build(&ctx.pools.read, units, year, subtree).await.map_err(|e| match e {
        co2_results::inventory::InventoryError::Db(e) => e.into(),
        co2_results::inventory::InventoryError::Inconsistent(why) => ApiError::internal(anyhow::anyhow!(why)),
    })
}

/// The lines as CSV: key, label, scope, kg, of which additional, gases, exclusion; then the
/// scope totals.
fn csv_of(inventory: &GhgInventoryView) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["line", "label", "scope", "kg_co2eq", "additional_kg", "by_gas", "excluded_because"]);
    for l in &inventory.lines {
        let gases = l.by_gas.iter().map(|(g, kg)| format!("{g}={kg}")).collect::<Vec<_>>().join(";");
        let _ = w.write_record([
            l.key.as_str(),
            &l.label,
            &l.scope.to_string(),
            &l.kg_co2eq.to_string(),
            &l.additional_kg.to_string(),
            &gases,
            l.excluded_because.as_deref().unwrap_or_default(),
        ]);
    }
    for (key, label, scope, kg) in [
        ("scope1", "Scope 1 total", "1", inventory.scope1_kg),
        ("scope2", "Scope 2 total (location-based)", "2", inventory.scope2_kg),
        ("scope3", "Scope 3 total", "3", inventory.scope3_kg),
        ("total", "Total", "", inventory.total_kg),
    ] {
        let _ = w.write_record([key, label, scope, &kg.to_string(), "", "", ""]);
    }
    w.into_inner().unwrap_or_default()
}

/// The GHG Protocol inventory of a year (back-office roles, within their subtree): Scope 1 by
/// source, Scope 2 location-based, Scope 3 by category with the exclusions stated, the base year,
/// every leaf's placement with its reason and every factor set used.
#[utoipa::path(get, path = "/api/v1/backoffice/inventory", tag = "backoffice", params(InventoryQuery),
    responses((status = 200, body = GhgInventoryView), (status = 403), (status = 404)))]
pub(crate) async fn inventory(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InventoryQuery>,
) -> ApiResult<Response> {
    let units = units_reported_on(&ctx, &caller, q.year, q.subtree.as_deref(), "the inventory").await?;
    let subtree = q.subtree.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let inventory = build(&ctx, &units, q.year, subtree).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(ApiJson(inventory).into_response()),
        Some("csv") => {
            let disposition = format!("attachment; filename=\"ghg-inventory-{}.csv\"", q.year);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                csv_of(&inventory),
            )
                .into_response())
        }
        Some(other) => Err(ApiError::bad_request("invalid_format", format!("'{other}' is not json or csv"))),
    }
}

/// Whether `caller` may read and publish inventories of `subtree` (`None`: the institution):
/// the admin, or a back-office grant over the whole subtree.
async fn require_subtree(ctx: &Ctx, caller: &Caller, subtree: Option<&str>) -> ApiResult<()> {
    if caller.is_admin() {
        return Ok(());
    }
    let allowed = match subtree {
        None => caller.grants.iter().any(|g| g.role == "backoffice" && g.unit_id.is_none()),
        Some(id) => co2_db::org::unit_by_institutional_id(&ctx.pools.read, id)
            .await?
            .is_some_and(|u| caller.backoffice_covers(&u)),
    };
    if allowed {
        Ok(())
    } else if caller.is_backoffice() {
        Err(co2_platform::auth::unit_not_found(subtree.unwrap_or("the institution")))
    } else {
        Err(ApiError::Forbidden("inventories need a back-office role".into()))
    }
}

fn publication_view(p: co2_db::inventory::Publication) -> ApiResult<PublishedInventoryView> {
    Ok(PublishedInventoryView {
        publication_id: p.publication_id,
        year: p.report_year_id,
        subtree: p.subtree,
        version: p.version,
        published_at: p.published_at,
        published_by: p.published_by,
        note: p.note,
        inventory: serde_json::from_value(p.inventory)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("a stored inventory does not read: {e}")))?,
    })
}

/// Publishes the current inventory of a year (admin): a frozen snapshot, the next version of
/// (year, subtree). Later recalculations never change it; they show as a restatement.
#[utoipa::path(post, path = "/api/v1/backoffice/inventory/publications", tag = "backoffice",
    request_body = PublishInventoryRequest,
    responses((status = 201, body = PublishedInventoryView), (status = 403), (status = 404)))]
pub(crate) async fn publish(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<PublishInventoryRequest>,
) -> ApiResult<(StatusCode, ApiJson<PublishedInventoryView>)> {
    caller.require_admin()?;
    let subtree = req.subtree.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let units = units_reported_on(&ctx, &caller, req.year, subtree.as_deref(), "publishing").await?;
    let inventory = build(&ctx, &units, req.year, subtree.clone()).await?;
    let note = req.note.map(|n| n.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let snapshot = serde_json::to_value(&inventory).map_err(ApiError::internal)?;
    let mut tx = ctx.pools.write.begin().await?;
    let publication = co2_db::inventory::publish(
        &mut tx,
        req.year,
        subtree.as_deref(),
        &caller.user.institutional_id,
        note.as_deref(),
        &snapshot,
    )
    .await
    .map_err(|e| match e {
        co2_db::DbError::Constraint { .. } => {
            ApiError::conflict("publication_in_progress", "another publication of this inventory just happened: retry")
        }
        other => other.into(),
    })?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "inventory.published",
        Some(&format!("{}/{}", req.year, subtree.as_deref().unwrap_or("institution"))),
        serde_json::json!({"version": publication.version, "total_kg": inventory.total_kg}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(publication_view(publication)?)))
}

/// `GET /api/v1/backoffice/inventory/publications` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PublicationsQuery {
    year: i32,
}

/// The publications of a year the caller may read, newest version first.
#[utoipa::path(get, path = "/api/v1/backoffice/inventory/publications", tag = "backoffice",
    params(PublicationsQuery), responses((status = 200, body = Vec<PublishedInventoryView>), (status = 403)))]
pub(crate) async fn publications(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PublicationsQuery>,
) -> ApiResult<ApiJson<Vec<PublishedInventoryView>>> {
    if !caller.is_admin() && !caller.is_backoffice() {
        return Err(ApiError::Forbidden("inventories need a back-office role".into()));
    }
    let mut out = Vec::new();
    for p in co2_db::inventory::list(&ctx.pools.read, q.year).await? {
        if require_subtree(&ctx, &caller, p.subtree.as_deref()).await.is_ok() {
            out.push(publication_view(p)?);
        }
    }
    Ok(ApiJson(out))
}

async fn readable_publication(ctx: &Ctx, caller: &Caller, id: Uuid) -> ApiResult<co2_db::inventory::Publication> {
    if !caller.is_admin() && !caller.is_backoffice() {
        return Err(ApiError::Forbidden("inventories need a back-office role".into()));
    }
    let not_found = || ApiError::not_found("publication_not_found", "no such published inventory");
    let p = co2_db::inventory::get(&ctx.pools.read, id).await?.ok_or_else(not_found)?;
    match require_subtree(ctx, caller, p.subtree.as_deref()).await {
        Ok(()) => Ok(p),
        Err(ApiError::Forbidden(m)) => Err(ApiError::Forbidden(m)),
        Err(_) => Err(not_found()),
    }
}

/// One published inventory, exactly as it was published (`format=csv`: its lines).
#[utoipa::path(get, path = "/api/v1/backoffice/inventory/publications/{publication_id}", tag = "backoffice",
    params(("publication_id" = Uuid, Path), InventoryFormat),
    responses((status = 200, body = PublishedInventoryView), (status = 403), (status = 404)))]
pub(crate) async fn publication(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<Uuid>,
    ApiQuery(f): ApiQuery<InventoryFormat>,
) -> ApiResult<Response> {
    let view = publication_view(readable_publication(&ctx, &caller, id).await?)?;
    match f.format.as_deref() {
        None | Some("json") => Ok(ApiJson(view).into_response()),
        Some("csv") => {
            let disposition = format!("attachment; filename=\"ghg-inventory-{}-v{}.csv\"", view.year, view.version);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                csv_of(&view.inventory),
            )
                .into_response())
        }
        Some(other) => Err(ApiError::bad_request("invalid_format", format!("'{other}' is not json or csv"))),
    }
}

/// A format choice.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct InventoryFormat {
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// What changed since a publication: the inventory computed now against the one published, line
/// by line, and the factor uploads of the year since it was published. Nothing is changed.
#[utoipa::path(get, path = "/api/v1/backoffice/inventory/publications/{publication_id}/restatement",
    tag = "backoffice", params(("publication_id" = Uuid, Path)),
    responses((status = 200, body = RestatementView), (status = 403), (status = 404)))]
pub(crate) async fn restatement(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<ApiJson<RestatementView>> {
    let p = readable_publication(&ctx, &caller, id).await?;
    let (year, published_at, version) = (p.report_year_id, p.published_at, p.version);
    let published = publication_view(p)?.inventory;
    let units = units_reported_on(&ctx, &caller, year, published.subtree.as_deref(), "the inventory").await?;
    let current = build(&ctx, &units, year, published.subtree.clone()).await?;
    let lines = current
        .lines
        .iter()
        .map(|now| {
            let before = published.lines.iter().find(|l| l.key == now.key).map_or(0.0, |l| l.kg_co2eq);
            RestatedLineView {
                key: now.key.clone(),
                label: now.label.clone(),
                published_kg: before,
                current_kg: now.kg_co2eq,
                delta_kg: now.kg_co2eq - before,
            }
        })
        .filter(|l| l.delta_kg.abs() > 1e-9 * l.published_kg.abs().max(1.0))
        .collect();
    let factor_uploads_since = co2_db::inventory::factor_uploads_since(&ctx.pools.read, year, published_at)
        .await?
        .into_iter()
        .map(|(at, by, file)| FactorUploadSinceView { at, by, file })
        .collect();
    Ok(ApiJson(RestatementView {
        publication_id: id,
        version,
        published_total_kg: published.total_kg,
        current_total_kg: current.total_kg,
        delta_kg: current.total_kg - published.total_kg,
        lines,
        factor_uploads_since,
    }))
}
