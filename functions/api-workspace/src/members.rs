//! A unit's people: everyone holding a role scoped to the unit, for its team manager.

use axum::extract::{Path, State};
use co2_api_types::RoleAssignmentView;
use co2_db::org::AssignmentFilter;
use co2_platform::auth::{Caller, assignment_view, visible_unit};
use co2_platform::{ApiJson, ApiResult, Ctx};

/// The unit's members and their roles (principal of the unit, or admin; 404 without a view of
/// the unit, 403 for a member). Roles are assigned in the IT manager's area.
#[utoipa::path(get, path = "/api/v1/units/{unit}/members", tag = "workspace",
    params(("unit" = String, Path, description = "unit institutional id")),
    responses((status = 200, body = [RoleAssignmentView]), (status = 403), (status = 404)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(unit): Path<String>,
) -> ApiResult<ApiJson<Vec<RoleAssignmentView>>> {
    let unit = visible_unit(&ctx, &caller, &unit).await?;
    if !caller.is_admin() {
        caller.require_principal(&unit)?;
    }
    let filter = AssignmentFilter { unit: Some(unit.unit_id), ..AssignmentFilter::default() };
    let rows = co2_db::org::assignments(&ctx.pools.read, &filter, 5000).await?;
    Ok(ApiJson(rows.into_iter().filter_map(assignment_view).collect()))
}
