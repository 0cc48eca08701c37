//! Role assignments: list (admin, or a back-office operator for their subtree), grant and revoke
//! (admin). The last global admin grant cannot be removed, so the platform never locks itself out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{GrantRoleRequest, Persona, RoleAssignmentView};
use co2_db::org::AssignmentFilter;
use co2_platform::auth::{Caller, assignment_view};
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use serde_json::json;
use uuid::Uuid;

/// Filters of the assignment list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct RolesQuery {
    /// `standard`, `principal`, `backoffice` or `admin`.
    role: Option<String>,
    /// A unit's institutional id: the grants scoped to it.
    unit: Option<String>,
    /// Part of the user's id or name.
    user: Option<String>,
    /// At most this many (default 500, at most 2000).
    limit: Option<i64>,
}

/// Role assignments by unit then user. A back-office operator sees the grants scoped to the
/// units of their subtree (informational); the admin sees all.
#[utoipa::path(get, path = "/api/v1/backoffice/roles", tag = "access", params(RolesQuery),
    responses((status = 200, body = Vec<RoleAssignmentView>), (status = 400), (status = 403)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RolesQuery>,
) -> ApiResult<ApiJson<Vec<RoleAssignmentView>>> {
    let backoffice_only = !caller.is_admin();
    if backoffice_only && !caller.grants.iter().any(|g| g.role == "backoffice") {
        return Err(ApiError::Forbidden("listing roles needs a back-office role".into()));
    }
    let role = q.role.as_deref().filter(|r| !r.is_empty());
    if let Some(r) = role.filter(|r| Persona::parse(r).is_none()) {
        return Err(ApiError::bad_request("invalid_role", format!("'{r}' is not a role")));
    }
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(id) => Some(
            co2_db::org::unit_by_institutional_id(&ctx.pools.read, id)
                .await?
                .ok_or_else(|| co2_platform::auth::unit_not_found(id))?,
        ),
        None => None,
    };
    if let Some(u) = unit.as_ref().filter(|u| backoffice_only && !caller.backoffice_covers(u)) {
        return Err(co2_platform::auth::unit_not_found(&u.institutional_id));
    }
    let user = q.user.as_deref().map(str::trim).filter(|u| !u.is_empty());
    // A back-office operator sees the grants within their subtrees (all units for a global
    // back-office grant), filtered in the query so the limit applies to what they may see.
    let roots: Vec<String> = caller
        .grants
        .iter()
        .filter(|g| g.role == "backoffice")
        .filter_map(|g| g.unit_institutional_id.clone())
        .collect();
    let global_backoffice = caller.grants.iter().any(|g| g.role == "backoffice" && g.unit_id.is_none());
    let filter = AssignmentFilter {
        role,
        unit: unit.map(|u| u.unit_id),
        user,
        units_only: backoffice_only,
        within: (backoffice_only && !global_backoffice).then_some(roots.as_slice()),
    };
    let limit = q.limit.unwrap_or(500).clamp(1, 2000);
    let rows = co2_db::org::assignments(&ctx.pools.read, &filter, limit).await?;
    Ok(ApiJson(rows.into_iter().filter_map(assignment_view).collect()))
}

fn field_error(field: &str, code: &str, message: &str) -> ApiError {
    ApiError::Validation(json!({"fields": {field: [{"code": code, "message": message}]}}))
}

/// Grants a role (admin). Unit roles and back-office subtrees need a unit; the admin role is
/// global. Granting a role the user already holds answers the existing assignment with 200.
#[utoipa::path(post, path = "/api/v1/backoffice/roles", tag = "access", request_body = GrantRoleRequest,
    responses((status = 201, body = RoleAssignmentView), (status = 200, body = RoleAssignmentView),
        (status = 403), (status = 422)))]
pub(crate) async fn grant(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<GrantRoleRequest>,
) -> ApiResult<(StatusCode, ApiJson<RoleAssignmentView>)> {
    caller.require_admin()?;
    let user_id = req.user.trim();
    if user_id.is_empty()
        || user_id.len() > 128
        || !user_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(field_error("user", "invalid_format", "1 to 128 letters, digits, '.', '_', '-' or '@'"));
    }
    let unit_id = req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let mut tx = ctx.pools.write.begin().await?;
    let unit = match (req.role, unit_id) {
        (Persona::Admin, Some(_)) => return Err(field_error("unit", "not_allowed", "the admin role is global")),
        (Persona::Admin, None) => None,
        (_, None) => return Err(field_error("unit", "required", "this role is scoped to a unit")),
        (_, Some(id)) => Some(
            co2_db::org::unit_by_institutional_id(&mut *tx, id)
                .await?
                .ok_or_else(|| field_error("unit", "unknown_unit", &format!("no unit '{id}'")))?,
        ),
    };
    let user = match co2_db::org::user_by_institutional_id(&mut *tx, user_id).await? {
        Some(u) => u,
        None => {
            let name = req.display_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(user_id);
            if name.chars().count() > 200 {
                return Err(field_error("display_name", "too_long", "at most 200 characters"));
            }
            co2_db::org::upsert_user(&mut *tx, user_id, name, None).await?
        }
    };
    let role = req.role.as_str();
    let unit_uuid = unit.as_ref().map(|u| u.unit_id);
    let existing = co2_db::org::assignment_id(&mut *tx, user.app_user_id, role, unit_uuid).await?;
    let status = if existing.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    if existing.is_none() {
        co2_db::org::grant_role(&mut *tx, user.app_user_id, role, unit_uuid).await?;
        co2_db::audit::append(
            &mut tx,
            &caller.user.institutional_id,
            "role.granted",
            Some(user_id),
            json!({"role": role, "unit": unit.as_ref().map(|u| u.institutional_id.clone())}),
        )
        .await?;
    }
    let id = co2_db::org::assignment_id(&mut *tx, user.app_user_id, role, unit_uuid)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the granted role is not readable")))?;
    let view = co2_db::org::assignment(&mut *tx, id)
        .await?
        .and_then(assignment_view)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the granted role is not readable")))?;
    tx.commit().await?;
    Ok((status, ApiJson(view)))
}

/// Revokes an assignment (admin). It takes effect at the holder's next request (grants are read
/// fresh every time). The last global admin grant is refused with 409.
#[utoipa::path(delete, path = "/api/v1/backoffice/roles/{assignment_id}", tag = "access",
    params(("assignment_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn revoke(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(assignment_id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    let mut tx = ctx.pools.write.begin().await?;
    // Serialise admin removals so two concurrent revocations cannot both pass the count check.
    co2_db::lock::take(&mut tx, co2_db::lock::AdvisoryLock::RoleRemovals).await?;
    let a = co2_db::org::assignment(&mut *tx, assignment_id)
        .await?
        .ok_or_else(|| ApiError::not_found("assignment_not_found", "no such role assignment"))?;
    if a.role == "admin" && a.unit_institutional_id.is_none() && co2_db::org::admin_count(&mut *tx).await? <= 1 {
        return Err(ApiError::conflict("last_admin", "the last IT manager (admin) grant cannot be removed"));
    }
    co2_db::org::revoke_assignment(&mut *tx, assignment_id).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "role.revoked",
        Some(&a.user_institutional_id),
        json!({"role": a.role, "unit": a.unit_institutional_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
