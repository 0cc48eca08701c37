//! Reduction plans of a unit (or, for the office, of an institute or a faculty): named plans made
//! of measures, each saved and audited, with the trajectory from the reference year to 2040
//! against the institution's goals and what later reports show.
//!
//! Rights: anyone who sees the unit (its members, the admin, the back office of its subtree) reads
//! its plans; its principal, the admin and that back office change them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{CreatePlanRequest, MeasureInput, MeasureView, PlanSummary, PlanView, TrajectoryPointView};
use co2_db::org::Unit;
use co2_domain::Module;
use co2_domain::plans::{Goal, Saving, trajectory};
use co2_platform::auth::{Caller, UnitRole, unit_not_found};
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use uuid::Uuid;

fn invalid(field: &str, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(serde_json::json!({"fields": {field: [{"code": code, "message": message.into()}]}}))
}

fn plan_not_found() -> ApiError {
    ApiError::not_found("plan_not_found", "no such plan")
}

/// The unit, when the caller may read its plans (404 otherwise: its existence is not disclosed).
async fn readable_unit(ctx: &Ctx, caller: &Caller, id: &str) -> ApiResult<Unit> {
    let unit = co2_db::org::unit_by_institutional_id(&ctx.pools.write, id).await?.ok_or_else(|| unit_not_found(id))?;
    if caller.can_view_unit(&unit) || caller.backoffice_covers(&unit) { Ok(unit) } else { Err(unit_not_found(id)) }
}

fn can_edit(caller: &Caller, unit: &Unit) -> bool {
    caller.unit_role(unit) == Some(UnitRole::Principal) || caller.is_admin() || caller.backoffice_covers(unit)
}

/// The unit, when the caller may change its plans (404 without a view of it, 403 with one).
async fn editable_unit(ctx: &Ctx, caller: &Caller, id: &str) -> ApiResult<Unit> {
    let unit = readable_unit(ctx, caller, id).await?;
    if can_edit(caller, &unit) {
        Ok(unit)
    } else {
        Err(ApiError::Forbidden("changing a plan needs the unit's principal, the back office or the admin".into()))
    }
}

fn summary(unit: &Unit, p: &co2_db::plans::Plan) -> PlanSummary {
    PlanSummary {
        plan_id: p.reduction_plan_id,
        unit: unit.institutional_id.clone(),
        name: p.name.clone(),
        reference_year: p.reference_year,
        created_by: p.created_by_name.clone(),
        updated_at: p.updated_at,
    }
}

/// The plan with its measures and trajectory, read on `db` (the primary right after a change).
async fn plan_view(db: &co2_db::Db, caller: &Caller, unit: &Unit, plan_id: Uuid) -> ApiResult<PlanView> {
    let plan = co2_db::plans::plan(db, unit.unit_id, plan_id).await?.ok_or_else(plan_not_found)?;
    let measures = co2_db::plans::measures(db, plan_id).await?;
    let goals = co2_db::plans::goals(db).await?;
    let footprints = co2_db::plans::footprints_by_year(db, unit.unit_id).await?;
    let reference_kg = footprints.iter().find(|(y, _)| *y == plan.reference_year).map_or(0.0, |(_, kg)| *kg);
    let realised: Vec<(i32, f64)> = footprints.into_iter().filter(|(y, _)| *y > plan.reference_year).collect();
    let savings: Vec<Saving> =
        measures.iter().map(|m| Saving { target_year: m.target_year, expected_kg: m.expected_kg }).collect();
    let domain_goals: Vec<Goal> = goals
        .iter()
        .map(|g| Goal {
            target_year: g.target_year,
            reduction_percent: g.reduction_percent,
            reference_year: g.reference_year,
        })
        .collect();
    let points = trajectory(plan.reference_year, reference_kg, &savings, &domain_goals, &realised);
    Ok(PlanView {
        plan: summary(unit, &plan),
        reference_kg,
        planned_saving_kg: measures.iter().map(|m| m.expected_kg).sum(),
        measures: measures
            .into_iter()
            .map(|m| MeasureView {
                measure_id: m.reduction_measure_id,
                measure: MeasureInput {
                    lever: m.lever,
                    module: m.module,
                    owner: m.owner,
                    target_year: m.target_year,
                    expected_kg: m.expected_kg,
                    note: m.note,
                },
            })
            .collect(),
        trajectory: points
            .into_iter()
            .map(|p| TrajectoryPointView {
                year: p.year,
                planned_kg: p.planned_kg,
                goal_kg: p.goal_kg,
                realised_kg: p.realised_kg,
            })
            .collect(),
        goals,
        can_edit: can_edit(caller, unit),
    })
}

/// A unit's reduction plans, by name.
#[utoipa::path(get, path = "/api/v1/units/{unit}/plans", tag = "plans",
    params(("unit" = String, Path, description = "unit institutional id")),
    responses((status = 200, body = [PlanSummary]), (status = 404)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(unit): Path<String>,
) -> ApiResult<ApiJson<Vec<PlanSummary>>> {
    let unit = readable_unit(&ctx, &caller, &unit).await?;
    let plans = co2_db::plans::plans_of(&ctx.pools.read, unit.unit_id).await?;
    Ok(ApiJson(plans.iter().map(|p| summary(&unit, p)).collect()))
}

/// Creates a plan, measured from an existing report year (audited `plan.created`).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans", tag = "plans",
    params(("unit" = String, Path, description = "unit institutional id")), request_body = CreatePlanRequest,
    responses((status = 201, body = PlanView), (status = 403), (status = 404),
              (status = 409, description = "a plan of that name exists"), (status = 422)))]
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(unit): Path<String>,
    ApiJson(req): ApiJson<CreatePlanRequest>,
) -> ApiResult<(StatusCode, ApiJson<PlanView>)> {
    let unit = editable_unit(&ctx, &caller, &unit).await?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "invalid_length", "give the plan a name of 1 to 200 characters"));
    }
    if co2_db::report::year(&ctx.pools.write, req.reference_year).await?.is_none() {
        return Err(invalid(
            "reference_year",
            "unknown_year",
            format!("there is no report year {}", req.reference_year),
        ));
    }
    let mut tx = ctx.pools.write.begin().await?;
    let id = co2_db::plans::create(&mut tx, unit.unit_id, name, req.reference_year, caller.user.app_user_id)
        .await
        .map_err(|e| match e {
            e if e.on_constraint("reduction_plan_name_key") => {
                ApiError::conflict("plan_name_taken", format!("the unit already has a plan named '{name}'"))
            }
            other => other.into(),
        })?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "plan.created",
        Some(&id.to_string()),
        serde_json::json!({"unit": unit.institutional_id, "name": name, "reference_year": req.reference_year}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(plan_view(&ctx.pools.write, &caller, &unit, id).await?)))
}

/// A plan with its measures and its trajectory to 2040 against the institution's goals.
#[utoipa::path(get, path = "/api/v1/units/{unit}/plans/{plan_id}", tag = "plans",
    params(("unit" = String, Path), ("plan_id" = Uuid, Path)),
    responses((status = 200, body = PlanView), (status = 404)))]
pub(crate) async fn get(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, plan_id)): Path<(String, Uuid)>,
) -> ApiResult<ApiJson<PlanView>> {
    let unit = readable_unit(&ctx, &caller, &unit).await?;
    Ok(ApiJson(plan_view(&ctx.pools.read, &caller, &unit, plan_id).await?))
}

/// Deletes a plan and its measures (audited `plan.deleted`).
#[utoipa::path(delete, path = "/api/v1/units/{unit}/plans/{plan_id}", tag = "plans",
    params(("unit" = String, Path), ("plan_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn delete(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, plan_id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    let unit = editable_unit(&ctx, &caller, &unit).await?;
    let mut tx = ctx.pools.write.begin().await?;
    if !co2_db::plans::delete(&mut tx, unit.unit_id, plan_id).await? {
        return Err(plan_not_found());
    }
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "plan.deleted",
        Some(&plan_id.to_string()),
        serde_json::json!({"unit": unit.institutional_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a measure against its plan's reference year.
fn checked<'a>(m: &'a MeasureInput, reference_year: i32) -> ApiResult<co2_db::plans::NewMeasure<'a>> {
    let lever = m.lever.trim();
    if lever.is_empty() || lever.chars().count() > 200 {
        return Err(invalid("lever", "invalid_length", "say what the measure does in 1 to 200 characters"));
    }
    let module = match m.module.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(key) => Some(
            Module::parse(key)
                .ok_or_else(|| invalid("module", "invalid_choice", format!("'{key}' is not a module")))?
                .key(),
        ),
        None => None,
    };
    if m.owner.chars().count() > 200 {
        return Err(invalid("owner", "invalid_length", "at most 200 characters"));
    }
    if m.note.chars().count() > 2000 {
        return Err(invalid("note", "invalid_length", "at most 2000 characters"));
    }
    if !(reference_year..=2100).contains(&m.target_year) {
        return Err(invalid(
            "target_year",
            "out_of_range",
            format!("must be between the plan's reference year {reference_year} and 2100"),
        ));
    }
    if !m.expected_kg.is_finite() || !(0.0..1e12).contains(&m.expected_kg) {
        return Err(invalid("expected_kg", "out_of_range", "must be a number of kg of 0 or more"));
    }
    Ok(co2_db::plans::NewMeasure {
        lever,
        module,
        owner: m.owner.trim(),
        target_year: m.target_year,
        expected_kg: m.expected_kg,
        note: m.note.trim(),
    })
}

/// The plan to change, with the unit (404 when the unit has no such plan).
async fn editable_plan(ctx: &Ctx, caller: &Caller, unit: &str, plan_id: Uuid) -> ApiResult<(Unit, i32)> {
    let unit = editable_unit(ctx, caller, unit).await?;
    let plan = co2_db::plans::plan(&ctx.pools.write, unit.unit_id, plan_id).await?.ok_or_else(plan_not_found)?;
    Ok((unit, plan.reference_year))
}

/// Adds a measure to a plan (audited `plan.measure_added`); answers the plan.
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans/{plan_id}/measures", tag = "plans",
    params(("unit" = String, Path), ("plan_id" = Uuid, Path)), request_body = MeasureInput,
    responses((status = 201, body = PlanView), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn add_measure(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, plan_id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<MeasureInput>,
) -> ApiResult<(StatusCode, ApiJson<PlanView>)> {
    let (unit, reference_year) = editable_plan(&ctx, &caller, &unit, plan_id).await?;
    let m = checked(&input, reference_year)?;
    let mut tx = ctx.pools.write.begin().await?;
    let id = co2_db::plans::add_measure(&mut tx, plan_id, &m).await?;
    co2_db::plans::touch(&mut tx, plan_id).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "plan.measure_added",
        Some(&plan_id.to_string()),
        serde_json::json!({"measure": id, "lever": m.lever, "target_year": m.target_year, "expected_kg": m.expected_kg}),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(plan_view(&ctx.pools.write, &caller, &unit, plan_id).await?)))
}

/// Replaces a measure of a plan (audited `plan.measure_changed`); answers the plan.
#[utoipa::path(put, path = "/api/v1/units/{unit}/plans/{plan_id}/measures/{measure_id}", tag = "plans",
    params(("unit" = String, Path), ("plan_id" = Uuid, Path), ("measure_id" = Uuid, Path)), request_body = MeasureInput,
    responses((status = 200, body = PlanView), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update_measure(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, plan_id, measure_id)): Path<(String, Uuid, Uuid)>,
    ApiJson(input): ApiJson<MeasureInput>,
) -> ApiResult<ApiJson<PlanView>> {
    let (unit, reference_year) = editable_plan(&ctx, &caller, &unit, plan_id).await?;
    let m = checked(&input, reference_year)?;
    let mut tx = ctx.pools.write.begin().await?;
    if !co2_db::plans::update_measure(&mut tx, plan_id, measure_id, &m).await? {
        return Err(ApiError::not_found("measure_not_found", "no such measure in the plan"));
    }
    co2_db::plans::touch(&mut tx, plan_id).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "plan.measure_changed",
        Some(&plan_id.to_string()),
        serde_json::json!({"measure": measure_id, "lever": m.lever, "target_year": m.target_year,
                           "expected_kg": m.expected_kg}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(plan_view(&ctx.pools.write, &caller, &unit, plan_id).await?))
}

/// Removes a measure of a plan (audited `plan.measure_removed`).
#[utoipa::path(delete, path = "/api/v1/units/{unit}/plans/{plan_id}/measures/{measure_id}", tag = "plans",
    params(("unit" = String, Path), ("plan_id" = Uuid, Path), ("measure_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn delete_measure(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((unit, plan_id, measure_id)): Path<(String, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let _ = editable_plan(&ctx, &caller, &unit, plan_id).await?;
    let mut tx = ctx.pools.write.begin().await?;
    if !co2_db::plans::delete_measure(&mut tx, plan_id, measure_id).await? {
        return Err(ApiError::not_found("measure_not_found", "no such measure in the plan"));
    }
    co2_db::plans::touch(&mut tx, plan_id).await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "plan.measure_removed",
        Some(&plan_id.to_string()),
        serde_json::json!({"measure": measure_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
