//! `api-entries`: the entries of a module, and their create / update / delete.

use co2_api_types::{EntryInput, EntryPage, EntryView};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, seg, send_empty, send_json};

/// `GET …/modules/{module}/entries?page=&per_page=`.
pub async fn list_entries(
    unit: &str,
    year: i32,
    module: &str,
    page: u32,
    per_page: u32,
) -> Result<EntryPage, ApiError> {
    get_json(&format!(
        "/api/v1/units/{}/years/{year}/modules/{}/entries?page={page}&per_page={per_page}",
        seg(unit),
        seg(module)
    ))
    .await
}

/// `POST …/modules/{module}/entries` → 201 with the stored entry (and its emissions).
pub async fn create_entry(unit: &str, year: i32, module: &str, input: &EntryInput) -> Result<EntryView, ApiError> {
    let url = format!("/api/v1/units/{}/years/{year}/modules/{}/entries", seg(unit), seg(module));
    send_json(Request::post(&url), input).await
}

/// `PATCH /api/v1/entries/{entry_id}`.
pub async fn update_entry(entry_id: uuid::Uuid, input: &EntryInput) -> Result<EntryView, ApiError> {
    send_json(Request::patch(&format!("/api/v1/entries/{entry_id}")), input).await
}

/// `DELETE /api/v1/entries/{entry_id}` → 204.
pub async fn delete_entry(entry_id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("/api/v1/entries/{entry_id}"))).await
}
