//! `api-access`: role assignments, API tokens and the audit log (IT manager); a unit's members
//! (`api-workspace`, for its team manager).

use co2_api_types::{
    ApiTokenView, AuditChainView, AuditPage, CreateApiTokenRequest, CreatedApiToken, GrantRoleRequest,
    RoleAssignmentView, SessionView, SessionsEnded,
};
use gloo_net::http::Request;

use super::client::{ApiError, get_json, seg, send_empty, send_json};

/// `GET /api/v1/units/{unit}/members`: who holds a role in the unit.
pub async fn unit_members(unit: &str) -> Result<Vec<RoleAssignmentView>, ApiError> {
    get_json(&format!("/api/v1/units/{}/members", seg(unit))).await
}

/// `GET /api/v1/backoffice/roles?role=&unit=&user=` (empty filters: all).
pub async fn list_roles(role: &str, unit: &str, user: &str) -> Result<Vec<RoleAssignmentView>, ApiError> {
    get_json(&format!("/api/v1/backoffice/roles?role={}&unit={}&user={}", seg(role), seg(unit), seg(user))).await
}

/// `POST /api/v1/backoffice/roles`.
pub async fn grant_role(req: &GrantRoleRequest) -> Result<RoleAssignmentView, ApiError> {
    send_json(Request::post("/api/v1/backoffice/roles"), req).await
}

/// `DELETE /api/v1/backoffice/roles/{id}`.
pub async fn revoke_role(id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("/api/v1/backoffice/roles/{id}"))).await
}

/// `GET /api/v1/backoffice/tokens`.
pub async fn list_tokens() -> Result<Vec<ApiTokenView>, ApiError> {
    get_json("/api/v1/backoffice/tokens").await
}

/// `POST /api/v1/backoffice/tokens`: the answer holds the secret, shown once.
pub async fn create_token(req: &CreateApiTokenRequest) -> Result<CreatedApiToken, ApiError> {
    send_json(Request::post("/api/v1/backoffice/tokens"), req).await
}

/// `DELETE /api/v1/backoffice/tokens/{id}`.
pub async fn revoke_token(id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("/api/v1/backoffice/tokens/{id}"))).await
}

/// `GET /api/v1/backoffice/users/{user}/sessions`.
pub async fn person_sessions(user: &str) -> Result<Vec<SessionView>, ApiError> {
    get_json(&format!("/api/v1/backoffice/users/{}/sessions", seg(user))).await
}

/// `DELETE /api/v1/backoffice/users/{user}/sessions/{id}`.
pub async fn end_session(user: String, id: uuid::Uuid) -> Result<(), ApiError> {
    send_empty(Request::delete(&format!("/api/v1/backoffice/users/{}/sessions/{id}", seg(&user)))).await
}

/// `POST /api/v1/backoffice/users/{user}/sessions/revoke`: ends every live session of the person.
pub async fn end_all_sessions(user: String) -> Result<(), ApiError> {
    let url = format!("/api/v1/backoffice/users/{}/sessions/revoke", seg(&user));
    send_json::<_, SessionsEnded>(Request::post(&url), &serde_json::json!({})).await.map(|_| ())
}

/// Filters of the audit log, as the query string of its list and export.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub actor: String,
    pub action: String,
    pub target: String,
    /// `YYYY-MM-DD`, from the start of that day (UTC).
    pub from: String,
    /// `YYYY-MM-DD`, up to the end of that day (UTC).
    pub to: String,
}

impl AuditFilter {
    /// The query string of the filters set (the date inputs give `YYYY-MM-DD`).
    pub fn query(&self) -> String {
        let is_day = |d: &str| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-';
        let mut parts = Vec::new();
        for (key, value) in [("actor", &self.actor), ("action", &self.action), ("target", &self.target)] {
            if !value.trim().is_empty() {
                parts.push(format!("{key}={}", seg(value.trim())));
            }
        }
        if is_day(self.from.trim()) {
            parts.push(format!("from={}", seg(&format!("{}T00:00:00Z", self.from.trim()))));
        }
        if is_day(self.to.trim()) {
            parts.push(format!("to={}", seg(&format!("{}T23:59:59.999999Z", self.to.trim()))));
        }
        parts.join("&")
    }

    /// The CSV export of this filter (a same-origin link: the session cookie goes with it).
    pub fn export_url(&self) -> String {
        format!("/api/v1/backoffice/audit/export?{}", self.query())
    }
}

/// `GET /api/v1/backoffice/audit?…&before=`: a page, newest first.
pub async fn audit_page(filter: &AuditFilter, before: Option<i64>) -> Result<AuditPage, ApiError> {
    let before = before.map(|b| format!("&before={b}")).unwrap_or_default();
    get_json(&format!("/api/v1/backoffice/audit?{}&limit=50{before}", filter.query())).await
}

/// `GET /api/v1/backoffice/audit/verify`.
pub async fn verify_audit() -> Result<AuditChainView, ApiError> {
    get_json("/api/v1/backoffice/audit/verify").await
}
