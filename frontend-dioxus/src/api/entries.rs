//! `api-entries`: the entries of a module, and their create / update / delete.

use co2_api_types::{EntryInput, EntryPage, EntryView, SimulationBasis};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, seg, send_empty, send_json};

/// What a module's entry list shows: a page, an entry type, a text search and an order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryQuery {
    pub page: u32,
    pub per_page: u32,
    /// A DET name; empty for all the module's types.
    pub entry_type: String,
    /// Text the entry's fields contain; empty for all.
    pub q: String,
    /// `created_at`, `name` or `kg_co2eq`, `-` first for descending; empty for file order.
    pub sort: String,
}

/// `GET /api/v1/entries/units/{unit}/years/{year}/modules/{module}?page=&per_page=&entry_type=&q=&sort=`.
pub async fn list_entries(unit: &str, year: i32, module: &str, query: &EntryQuery) -> Result<EntryPage, ApiError> {
    let mut url = format!(
        "/api/v1/entries/units/{}/years/{year}/modules/{}?page={}&per_page={}",
        seg(unit),
        seg(module),
        query.page.max(1),
        query.per_page.max(1)
    );
    for (key, value) in [("entry_type", &query.entry_type), ("q", &query.q), ("sort", &query.sort)] {
        if !value.trim().is_empty() {
            url.push_str(&format!("&{key}={}", seg(value.trim())));
        }
    }
    get_json(&url).await
}

/// `POST /api/v1/entries/units/{unit}/years/{year}/modules/{module}` → 201 with the stored entry (and its emissions).
pub async fn create_entry(unit: &str, year: i32, module: &str, input: &EntryInput) -> Result<EntryView, ApiError> {
    let url = format!("/api/v1/entries/units/{}/years/{year}/modules/{}", seg(unit), seg(module));
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

/// `GET /api/v1/entries/{entry_id}/explanation`: why the entry has its kg.
pub async fn entry_explanation(entry_id: uuid::Uuid) -> Result<co2_api_types::EntryExplanation, ApiError> {
    get_json(&format!("/api/v1/entries/{entry_id}/explanation")).await
}

/// `GET /api/v1/entries/units/{unit}/years/{year}/simulation-basis`: the entries the caller may
/// see and the year's factor set, what the simulation computes with.
pub async fn simulation_basis(unit: &str, year: i32) -> Result<SimulationBasis, ApiError> {
    get_json(&format!("/api/v1/entries/units/{}/years/{year}/simulation-basis", seg(unit))).await
}
