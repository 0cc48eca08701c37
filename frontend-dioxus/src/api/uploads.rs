//! `api-uploads`: presigned uploads and the jobs that process them.

use co2_api_types::{CreateUploadRequest, CreateUploadResponse, JobView};
use gloo_net::http::Request;

use super::client::{self, ApiError, get_json, send_json};

/// `POST /api/v1/uploads` → where to PUT the file and which job to follow.
pub async fn create_upload(req: &CreateUploadRequest) -> Result<CreateUploadResponse, ApiError> {
    send_json(Request::post("/api/v1/uploads"), req).await
}

/// `PUT <put_url>` with the file's bytes and the headers the server asked for.
pub async fn put_file(upload: &CreateUploadResponse, file: &web_sys::File) -> Result<(), ApiError> {
    client::put_blob(&upload.put_url, &upload.put_headers, file).await
}

/// `GET /api/v1/jobs/{job_id}`.
pub async fn get_job(job_id: uuid::Uuid) -> Result<JobView, ApiError> {
    get_json(&format!("/api/v1/jobs/{job_id}")).await
}
