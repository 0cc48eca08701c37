//! The institution's long-term reduction goals (e.g. −50 % by 2030, −100 % by 2040), which every
//! reduction plan's trajectory is drawn against. The back office reads them; the admin sets them.

use axum::extract::State;
use co2_api_types::InstitutionGoal;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};

/// The institution's long-term goals, by target year (the back office and the admin).
#[utoipa::path(get, path = "/api/v1/backoffice/goals", tag = "backoffice",
    responses((status = 200, body = [InstitutionGoal]), (status = 403)))]
pub(crate) async fn list(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<Vec<InstitutionGoal>>> {
    if !caller.is_admin() && !caller.is_backoffice() {
        return Err(ApiError::Forbidden("the goals are the back office's".into()));
    }
    Ok(ApiJson(co2_db::plans::goals(&ctx.pools.read).await?))
}

/// Replaces the institution's long-term goals (admin; audited `goals.set`): each a cut in percent
/// (more than 0, at most 100) against an earlier reference year, one per target year.
#[utoipa::path(put, path = "/api/v1/backoffice/goals", tag = "backoffice", request_body = [InstitutionGoal],
    responses((status = 200, body = [InstitutionGoal]), (status = 403), (status = 422)))]
pub(crate) async fn set(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(goals): ApiJson<Vec<InstitutionGoal>>,
) -> ApiResult<ApiJson<Vec<InstitutionGoal>>> {
    caller.require_admin()?;
    let mut years = std::collections::BTreeSet::new();
    for (i, g) in goals.iter().enumerate() {
        let problem = if !(2000..=2100).contains(&g.target_year) {
            Some(("target_year", "a year between 2000 and 2100"))
        } else if !years.insert(g.target_year) {
            Some(("target_year", "one goal per target year"))
        } else if !(g.reduction_percent > 0.0 && g.reduction_percent <= 100.0) {
            Some(("reduction_percent", "more than 0 and at most 100"))
        } else if g.reference_year >= g.target_year {
            Some(("reference_year", "a year before the target year"))
        } else {
            None
        };
        if let Some((field, message)) = problem {
            return Err(ApiError::Validation(serde_json::json!({
                "fields": { format!("{i}.{field}"): [{"code": "out_of_range", "message": message}] }
            })));
        }
    }
    let mut tx = ctx.pools.write.begin().await?;
    co2_db::plans::set_goals(&mut tx, &goals).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "goals.set",
        None,
        serde_json::json!({"goals": goals}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(co2_db::plans::goals(&ctx.pools.write).await?))
}
