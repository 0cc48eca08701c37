//! Which units a back-office caller reports on: every unit their grants cover (all for the
//! admin), within a subtree when asked. Shared by the cross-unit reads (facts, inventory).

use co2_db::org::Unit;
use co2_platform::auth::{Caller, unit_not_found};
use co2_platform::{ApiError, ApiResult, Ctx};

/// The units of `year` a back-office caller reports on: every unit their grants cover (all for
/// the admin), within `subtree` when given. 403 without a back-office role; 404 for an unknown
/// year, or a subtree the caller reports on nothing of (not disclosed).
pub(crate) async fn units_reported_on(
    ctx: &Ctx,
    caller: &Caller,
    year: i32,
    subtree: Option<&str>,
    what: &str,
) -> ApiResult<Vec<Unit>> {
    if !caller.is_admin() && !caller.is_backoffice() {
        return Err(ApiError::Forbidden(format!("{what} needs a back-office role")));
    }
    crate::thresholds::require_year(ctx, year).await?;
    let units = co2_db::org::all_units(&ctx.pools.read).await?;
    let covers = |u: &Unit| caller.is_admin() || caller.backoffice_covers(u);
    let root = match subtree.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => match units.iter().find(|u| u.institutional_id == id) {
            Some(u) if covers(u) || units.iter().any(|d| covers(d) && d.path.split('/').any(|t| t == id)) => {
                Some(u.institutional_id.clone())
            }
            _ => return Err(unit_not_found(id)),
        },
        None => None,
    };
    let inside = |u: &Unit| root.as_deref().is_none_or(|r| u.path.split('/').any(|t| t == r));
    Ok(units.iter().filter(|u| covers(u) && inside(u)).cloned().collect())
}
