//! A unit's reduction plans (`/api/v1/units/{unit}/plans`, api-workspace).

use co2_api_types::{CreatePlanRequest, MeasureInput, PlanSummary, PlanView};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, seg, send_empty, send_json};

fn plans_url(unit: &str) -> String {
    format!("/api/v1/units/{}/plans", seg(unit))
}

/// `GET /api/v1/units/{unit}/plans`.
pub async fn plans(unit: &str) -> Result<Vec<PlanSummary>, ApiError> {
    get_json(&plans_url(unit)).await
}

/// `GET /api/v1/units/{unit}/plans/{plan_id}`: the plan, its measures and trajectory.
pub async fn plan(unit: &str, plan_id: uuid::Uuid) -> Result<PlanView, ApiError> {
    get_json(&format!("{}/{plan_id}", plans_url(unit))).await
}

/// `POST /api/v1/units/{unit}/plans` → 201.
pub async fn create_plan(unit: &str, req: &CreatePlanRequest) -> Result<PlanView, ApiError> {
    send_json(Request::post(&plans_url(unit)), req).await
}

/// `DELETE /api/v1/units/{unit}/plans/{plan_id}` → 204.
pub async fn delete_plan(unit: &str, plan_id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("{}/{plan_id}", plans_url(unit)))).await
}

/// `POST …/plans/{plan_id}/measures` → 201 with the plan.
pub async fn add_measure(unit: &str, plan_id: uuid::Uuid, m: &MeasureInput) -> Result<PlanView, ApiError> {
    send_json(Request::post(&format!("{}/{plan_id}/measures", plans_url(unit))), m).await
}

/// `DELETE …/plans/{plan_id}/measures/{measure_id}` → 204.
pub async fn delete_measure(unit: &str, plan_id: uuid::Uuid, measure_id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("{}/{plan_id}/measures/{measure_id}", plans_url(unit)))).await
}
