//! `api-workspace` exports: a file built by step-export, followed as a job.

use co2_api_types::{ExportRequest, ExportView};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, send_json};

/// `POST /api/v1/exports`: starts an export job.
pub async fn create_export(req: &ExportRequest) -> Result<ExportView, ApiError> {
    send_json(Request::post("/api/v1/exports"), req).await
}

/// `GET /api/v1/exports/{job_id}`: its state and, once built, a presigned link.
pub async fn get_export(job_id: uuid::Uuid) -> Result<ExportView, ApiError> {
    get_json(&format!("/api/v1/exports/{job_id}")).await
}
