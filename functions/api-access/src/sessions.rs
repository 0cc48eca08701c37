//! People's sessions (admin): list a person's sessions and end one or all of them. An ended
//! session is refused by every function from its next request on (the session check rides the
//! grants read each request makes).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{SessionState, SessionView, SessionsEnded};
use co2_db::session::{EndReason, SessionRow};
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use serde_json::json;
use uuid::Uuid;

fn view(s: SessionRow) -> SessionView {
    let state = if s.ended_at.is_some() {
        SessionState::Ended
    } else if s.expires_at <= chrono::Utc::now() {
        SessionState::Expired
    } else {
        SessionState::Active
    };
    SessionView {
        session_id: s.session_id,
        via: s.via,
        state,
        started_at: s.started_at,
        expires_at: s.expires_at,
        ended_at: s.ended_at,
        ended_by: s.ended_by,
        ended_reason: s.ended_reason,
    }
}

async fn person(ctx: &Ctx, institutional_id: &str) -> ApiResult<co2_db::org::User> {
    co2_db::org::user_by_institutional_id(&ctx.pools.write, institutional_id)
        .await?
        .ok_or_else(|| ApiError::not_found("user_not_found", format!("no person '{institutional_id}'")))
}

/// A person's sessions, newest first (admin): live ones and those ended in the last 30 days.
#[utoipa::path(get, path = "/api/v1/backoffice/users/{user}/sessions", tag = "access",
    params(("user" = String, Path, description = "the person's institutional id")),
    responses((status = 200, body = Vec<SessionView>), (status = 403), (status = 404)))]
pub(crate) async fn list(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(user): Path<String>,
) -> ApiResult<ApiJson<Vec<SessionView>>> {
    caller.require_admin()?;
    let user = person(&ctx, &user).await?;
    Ok(ApiJson(co2_db::session::list(&ctx.pools.write, user.app_user_id).await?.into_iter().map(view).collect()))
}

/// Ends every live session of a person (admin): each is refused from its next request on.
#[utoipa::path(post, path = "/api/v1/backoffice/users/{user}/sessions/revoke", tag = "access",
    params(("user" = String, Path, description = "the person's institutional id")),
    responses((status = 200, body = SessionsEnded), (status = 403), (status = 404)))]
pub(crate) async fn revoke_all(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(user): Path<String>,
) -> ApiResult<ApiJson<SessionsEnded>> {
    caller.require_admin()?;
    let person = person(&ctx, &user).await?;
    let mut tx = ctx.pools.write.begin().await?;
    let ended =
        co2_db::session::end_all(&mut *tx, person.app_user_id, &caller.user.institutional_id, EndReason::Revoked)
            .await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "session.revoked",
        Some(&user),
        json!({"ended": ended}),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiJson(SessionsEnded { ended }))
}

/// Ends one live session of a person (admin). Ending an ended or expired one is a 409.
#[utoipa::path(delete, path = "/api/v1/backoffice/users/{user}/sessions/{session_id}", tag = "access",
    params(("user" = String, Path, description = "the person's institutional id"), ("session_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn revoke(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((user, session_id)): Path<(String, Uuid)>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    let person = person(&ctx, &user).await?;
    let mut tx = ctx.pools.write.begin().await?;
    let sessions = co2_db::session::list(&mut *tx, person.app_user_id).await?;
    let Some(session) = sessions.into_iter().find(|s| s.session_id == session_id) else {
        return Err(ApiError::not_found("session_not_found", "no such session of this person"));
    };
    let ended = co2_db::session::end(
        &mut *tx,
        person.app_user_id,
        session_id,
        &caller.user.institutional_id,
        EndReason::Revoked,
    )
    .await?;
    if !ended || session.expires_at <= chrono::Utc::now() {
        return Err(ApiError::conflict("session_ended", "the session has already ended"));
    }
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "session.revoked",
        Some(&user),
        json!({"session_id": session_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
