//! The org-chart import (admin): creates, renames and moves units from one CSV, all or nothing.

use axum::body::Body;
use axum::extract::State;
use co2_api_types::OrgChartImportResult;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

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
pub(crate) async fn import_org_chart(
    State(ctx): State<Ctx>,
    caller: Caller,
    body: Body,
) -> ApiResult<ApiJson<OrgChartImportResult>> {
    caller.require_admin()?;
    let body = co2_platform::error::read_body(body, crate::MAX_DATA_FILE_BYTES).await?;
    let (headers, records) = co2_db::seed::read_csv_records(&body)
        .map_err(|e| ApiError::bad_request("invalid_csv", format!("the file cannot be read as CSV: {e}")))?;
    if let Some(h) = co2_db::seed::duplicated_header(&headers) {
        return Err(ApiError::bad_request("duplicated_column", format!("the column '{h}' is named twice")));
    }
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
