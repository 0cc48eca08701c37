//! api-session: sign-in and the caller's session.
//!
//! Owns `/api/v1/auth/*` and `/api/v1/session` (with the caller's notifications). It is the only function that holds the session
//! signing key. Sign-in is through the institution's OpenID Connect provider when configured
//! (`oidc`); the development login exists only in the `dev` profile (embedded default, tests):
//! in a cluster it answers 404 and tokens it minted are refused by every function.

mod notifications;
pub mod oidc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use co2_api_types::{DevLoginRequest, LoginResponse, Persona, SESSION_COOKIE, SessionInfo, UserInfo};
use co2_db::session::EndReason;
use co2_platform::auth::{Caller, SignIn, start_session, unit_not_found};
use co2_platform::config::Profile;
use co2_platform::{ApiError, ApiJson, ApiQuery, ApiResult, Ctx};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The function's routes and their OpenAPI operations, from one builder: each handler's
/// `#[utoipa::path]` gives both its route and its documentation.
fn routes() -> OpenApiRouter<Ctx> {
    OpenApiRouter::new()
        .routes(routes!(dev_login))
        .routes(routes!(logout))
        .routes(routes!(oidc::providers))
        .routes(routes!(oidc::login))
        .routes(routes!(oidc::callback))
        .routes(routes!(session))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::mark_read))
}

/// The function's routes; `oidc` is the institution's provider (`OidcSettings::from_env`, read
/// by this function only: no other function holds the client secret).
pub fn router(ctx: Ctx, oidc: Option<co2_platform::config::OidcSettings>) -> Router {
    // No I/O here: the provider's metadata and keys are fetched at the first sign-in.
    let provider = oidc.map(|s| std::sync::Arc::new(oidc::Oidc::new(s)));
    routes().split_for_parts().0.layer(axum::Extension(provider)).with_state(ctx)
}

/// The OpenAPI document of this function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// Development sign-in as one of the four personas (dev profile only).
#[utoipa::path(post, path = "/api/v1/auth/dev-login", tag = "session", request_body = DevLoginRequest,
    responses((status = 200, body = LoginResponse), (status = 404, description = "not the dev profile or unknown unit")))]
async fn dev_login(State(ctx): State<Ctx>, ApiJson(req): ApiJson<DevLoginRequest>) -> ApiResult<Response> {
    if ctx.settings.profile != Profile::Dev {
        return Err(ApiError::not_found("dev_login_disabled", "development sign-in is not available here"));
    }
    let role = req.persona.as_str();
    let unit_id = req.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let unit = match unit_id {
        Some(id) => {
            Some(co2_db::org::unit_by_institutional_id(&ctx.pools.write, id).await?.ok_or_else(|| unit_not_found(id))?)
        }
        None if matches!(req.persona, Persona::Standard | Persona::Principal) => {
            return Err(ApiError::bad_request("unit_required", "standard and principal personas need a unit"));
        }
        None => None,
    };
    let (institutional_id, display_name, scope) = match (&unit, req.persona) {
        (_, Persona::Admin) => ("dev-admin".to_owned(), "IT manager (demo)".to_owned(), None),
        (Some(u), p) => (
            format!("dev-{role}-{}", u.institutional_id),
            format!(
                "{} ({})",
                match p {
                    Persona::Standard => "Lab member (demo)",
                    Persona::Principal => "Team manager (demo)",
                    _ => "Back-office operator (demo)",
                },
                u.institutional_id
            ),
            Some(u.unit_id),
        ),
        (None, _) => ("dev-backoffice".to_owned(), "Back-office operator (demo)".to_owned(), None),
    };
    let mut tx = ctx.pools.write.begin().await?;
    let user = co2_db::org::upsert_user(&mut *tx, &institutional_id, &display_name, None).await?;
    co2_db::org::grant_role(&mut *tx, user.app_user_id, role, scope).await?;
    co2_db::audit::append(&mut tx, &institutional_id, "auth.dev_login", unit_id, serde_json::json!({"persona": role}))
        .await?;
    tx.commit().await?;

    let (token, claims) =
        start_session(&ctx.pools.write, &ctx.auth, user.app_user_id, ctx.settings.session_ttl, SignIn::Dev).await?;
    let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(chrono::Utc::now);
    let body = LoginResponse { token: token.clone(), expires_at };
    let mut response = ApiJson(body).into_response();
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
        ctx.settings.session_ttl.as_secs(),
        ctx.settings.cookie_secure_flag()
    );
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(response)
}

/// `POST /api/v1/auth/logout` options.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LogoutQuery {
    /// End every session of the person, on every device, not only this one.
    #[serde(default)]
    everywhere: bool,
}

/// Signs out: ends this session (or, with `everywhere`, all of the person's sessions) so its
/// token is refused by every function from the next request on, and clears the cookie. Without
/// a valid session it only clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "session", params(LogoutQuery),
    responses((status = 204), (status = 403, description = "a cookie-borne request from another site")))]
async fn logout(
    State(ctx): State<Ctx>,
    caller: Result<Caller, ApiError>,
    ApiQuery(q): ApiQuery<LogoutQuery>,
) -> ApiResult<Response> {
    let caller = match caller {
        Ok(caller) => Some(caller),
        // Another site may not sign people out either.
        Err(ApiError::CrossSite) => return Err(ApiError::CrossSite),
        Err(_) => None,
    };
    if let Some(caller) = caller {
        let who = caller.user.institutional_id.clone();
        let mut tx = ctx.pools.write.begin().await?;
        let ended = match (q.everywhere, caller.session) {
            (true, _) => {
                co2_db::session::end_all(&mut *tx, caller.user.app_user_id, &who, EndReason::SignedOutEverywhere)
                    .await?
            }
            (false, Some(sid)) => u64::from(
                co2_db::session::end(&mut *tx, caller.user.app_user_id, sid, &who, EndReason::SignedOut).await?,
            ),
            (false, None) => 0,
        };
        let action = if q.everywhere { "auth.logout_everywhere" } else { "auth.logout" };
        co2_db::audit::append(&mut tx, &who, action, None, serde_json::json!({"sessions_ended": ended})).await?;
        tx.commit().await?;
    }
    let cookie =
        format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}", ctx.settings.cookie_secure_flag());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The signed-in user, their role grants and derived permissions.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionInfo), (status = 401, description = "not signed in")))]
async fn session(caller: Caller) -> ApiJson<SessionInfo> {
    ApiJson(SessionInfo {
        roles: caller.role_grants(),
        permissions: caller.permissions(),
        dev_login: caller.dev,
        user: UserInfo {
            user_id: caller.user.app_user_id,
            institutional_id: caller.user.institutional_id.clone(),
            display_name: caller.user.display_name.clone(),
            email: caller.user.email.clone(),
        },
    })
}
