//! Which units a back-office caller reports on: every unit their grants cover (all for the
//! admin), within a subtree when asked. Shared by the cross-unit reads (facts, inventory,
//! reporting) and the cross-unit exports.

use crate::auth::{Caller, unit_not_found};
use crate::{ApiError, ApiResult, Ctx};
use co2_db::org::Unit;

/// The units of `year` a back-office caller reports on: every unit their grants cover (all for
/// the admin), within `subtree` when given. 403 without a back-office role; 404 for an unknown
/// year, or a subtree the caller reports on nothing of (not disclosed).
pub async fn units_reported_on(
    ctx: &Ctx,
    caller: &Caller,
    year: i32,
    subtree: Option<&str>,
    what: &str,
) -> ApiResult<Vec<Unit>> {
    if !caller.is_admin() && !caller.is_backoffice() {
        return Err(ApiError::Forbidden(format!("{what} needs a back-office role")));
    }
    if !co2_db::report::all_years(&ctx.pools.read).await?.iter().any(|y| y.report_year_id == year) {
        return Err(ApiError::not_found("year_not_found", format!("no year {year}")));
    }
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

/// Checks the filters a caller gave: a known module, and a module with its state.
pub fn check_filters(filters: &co2_api_types::ReportingFilters) -> ApiResult<()> {
    if let Some(m) = &filters.module
        && co2_domain::Module::parse(m).is_none()
    {
        return Err(ApiError::bad_request("invalid_module", format!("no module '{m}'")));
    }
    if filters.module.is_some() != filters.module_status.is_some() {
        return Err(ApiError::bad_request("invalid_filter", "a module filter names both the module and its state"));
    }
    Ok(())
}
