//! The GHG Protocol inventory of a year for the institution or a subtree: the published facts
//! placed on the protocol's lines by the domain's reviewed table (`co2_domain::ghg`), with the
//! exclusions, the base year and the methodology. JSON, or CSV of the lines.

use crate::facts::units_reported_on;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use co2_api_types::{FactorSetUsedView, GhgInventoryView, InventoryLineView, InventoryPlacementView};
use co2_domain::EmissionType;
use co2_domain::emission::Scope;
use co2_domain::ghg::{GhgLine, SCOPE3_CATEGORIES, placement, placements};
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use futures::TryStreamExt;
use serde::Deserialize;
use std::collections::BTreeMap;

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

fn scope_number(scope: Scope) -> u8 {
    match scope {
        Scope::S1 => 1,
        Scope::S2 => 2,
        Scope::S3 => 3,
    }
}

/// Builds the inventory of the facts of `units` in `year`.
async fn build(ctx: &Ctx, units: &[uuid::Uuid], year: i32, subtree: Option<String>) -> ApiResult<GhgInventoryView> {
    let mut lines: BTreeMap<GhgLine, InventoryLineView> = GhgLine::all()
        .into_iter()
        .map(|line| {
            let excluded_because = match line {
                GhgLine::Scope3(n) => Some(SCOPE3_CATEGORIES[usize::from(n) - 1].1).filter(|r| !r.is_empty()),
                _ => None,
            };
            (
                line,
                InventoryLineView {
                    key: line.key(),
                    label: line.label().to_owned(),
                    scope: scope_number(line.scope()),
                    kg_co2eq: 0.0,
                    additional_kg: 0.0,
                    by_gas: BTreeMap::new(),
                    excluded_because: excluded_because.map(str::to_owned),
                },
            )
        })
        .collect();
    let facts: Vec<co2_db::facts::FactRow> =
        co2_db::facts::of_units(&ctx.pools.read, units, year).try_collect().await.map_err(ApiError::from)?;
    for fact in facts {
        let leaf = EmissionType::by_key(&fact.emission_type).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("a stored leaf '{}' is not in the tree", fact.emission_type))
        })?;
        let place = placement(&leaf)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the leaf '{}' has no placement", leaf.key)))?;
        let line = lines.get_mut(&place.line).ok_or_else(|| ApiError::internal(anyhow::anyhow!("no line")))?;
        line.kg_co2eq += fact.kg_co2eq;
        if fact.is_additional {
            line.additional_kg += fact.kg_co2eq;
        }
        if let Some(gas) = place.gas {
            *line.by_gas.entry(gas.to_owned()).or_default() += fact.kg_co2eq;
        }
    }
    let lines: Vec<InventoryLineView> = lines.into_values().collect();
    let scope = |n: u8| lines.iter().filter(|l| l.scope == n).map(|l| l.kg_co2eq).sum::<f64>();
    let (scope1_kg, scope2_kg, scope3_kg) = (scope(1), scope(2), scope(3));
    let base_year = co2_db::report::all_years(&ctx.pools.read)
        .await?
        .into_iter()
        .find(|y| y.report_year_id == year)
        .and_then(|y| y.goal_reference_year);
    let mut factor_sets = Vec::new();
    for kind in co2_db::factor_file::FactorFile::ALL {
        let dets = kind.entry_types();
        let (factors, _, updated_at) = co2_db::factor::counts(&ctx.pools.read, year, &dets).await?;
        factor_sets.push(FactorSetUsedView {
            file: kind.file_name().trim_end_matches(".csv").to_owned(),
            module: kind.module().key().to_owned(),
            factors,
            uploaded: co2_db::factor::uploaded_count(&ctx.pools.read, year, &dets).await?,
            updated_at,
        });
    }
    Ok(GhgInventoryView {
        year,
        subtree,
        units: units.len(),
        base_year,
        scope1_kg,
        scope2_kg,
        scope3_kg,
        total_kg: scope1_kg + scope2_kg + scope3_kg,
        lines,
        placements: placements()
            .into_iter()
            .map(|(leaf, p)| InventoryPlacementView {
                leaf: leaf.key.to_owned(),
                line: p.line.key(),
                gas: p.gas.map(str::to_owned),
                reason: p.reason.to_owned(),
            })
            .collect(),
        factor_sets,
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
