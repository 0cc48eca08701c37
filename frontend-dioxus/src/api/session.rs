//! `api-session`: how one signs in, development sign-in, the current session, sign-out.

use co2_api_types::{
    AuthProviders, DevLoginRequest, LoginResponse, MarkReadRequest, NotificationsView, Persona, SessionInfo,
};
use gloo_net::http::Request;

use super::client::{self, ApiError, get_json, send_empty, send_json};

/// `POST /api/v1/auth/dev-login`; keeps the returned token for later calls.
/// 403/404 mean the deployment has no development sign-in (cluster profile).
pub async fn dev_login(persona: Persona, unit: Option<String>) -> Result<LoginResponse, ApiError> {
    let body = DevLoginRequest { persona, unit };
    let login: LoginResponse = send_json(Request::post("/api/v1/auth/dev-login"), &body).await?;
    client::set_token(Some(login.token.clone()));
    Ok(login)
}

/// `GET /api/v1/session`; 401 when nobody is signed in.
pub async fn current_session() -> Result<SessionInfo, ApiError> {
    get_json("/api/v1/session").await
}

/// `POST /api/v1/auth/logout`; the in-memory token is dropped whatever the answer.
pub async fn logout() -> Result<(), ApiError> {
    let result = send_empty(Request::post("/api/v1/auth/logout")).await;
    client::set_token(None);
    result
}

/// `POST /api/v1/auth/logout?everywhere=true`: ends every session of the person, on every device.
pub async fn logout_everywhere() -> Result<(), ApiError> {
    let result = send_empty(Request::post("/api/v1/auth/logout?everywhere=true")).await;
    client::set_token(None);
    result
}

/// `GET /api/v1/auth/providers`: the institution's sign-in, and whether the development one exists.
pub async fn auth_providers() -> Result<AuthProviders, ApiError> {
    get_json("/api/v1/auth/providers").await
}

/// `GET /api/v1/session/notifications`: the person's latest notifications and the unread count.
pub async fn notifications() -> Result<NotificationsView, ApiError> {
    get_json("/api/v1/session/notifications").await
}

/// `POST /api/v1/session/notifications/read`: marks them all read.
pub async fn mark_notifications_read() -> Result<NotificationsView, ApiError> {
    send_json(Request::post("/api/v1/session/notifications/read"), &MarkReadRequest::default()).await
}
