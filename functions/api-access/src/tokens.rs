//! Personal API tokens (admin): create (from a signed-in session only, the secret shown once),
//! list every token and revoke any of them — a leaked token is stopped by whoever sees it first.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use co2_api_types::{ApiTokenView, CreateApiTokenRequest, CreatedApiToken, TokenScope, TokenState};
use co2_db::token::TokenRow;
use co2_platform::auth::Caller;
use co2_platform::{ApiError, ApiJson, ApiResult, Ctx};
use serde_json::json;
use uuid::Uuid;

/// Longest lifetime of a token: a year, so none outlives its purpose unnoticed.
pub const MAX_TOKEN_DAYS: u32 = 365;

fn view(t: TokenRow) -> ApiTokenView {
    let state = if t.revoked_at.is_some() {
        TokenState::Revoked
    } else if t.expires_at <= chrono::Utc::now() {
        TokenState::Expired
    } else {
        TokenState::Active
    };
    ApiTokenView {
        token_id: t.api_token_id,
        name: t.name,
        owner: t.owner,
        owner_name: t.owner_name,
        scope: if t.scope == "read" { TokenScope::Read } else { TokenScope::Write },
        prefix: t.prefix,
        state,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
        revoked_by: t.revoked_by,
    }
}

/// Every token, newest first (admin). Secrets are never listed.
#[utoipa::path(get, path = "/api/v1/backoffice/tokens", tag = "access",
    responses((status = 200, body = Vec<ApiTokenView>), (status = 403)))]
pub(crate) async fn list(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<ApiJson<Vec<ApiTokenView>>> {
    caller.require_admin()?;
    Ok(ApiJson(co2_db::token::list(&ctx.pools.read, None).await?.into_iter().map(view).collect()))
}

/// Creates a personal token acting with the caller's roles (admin, signed in: a token cannot
/// mint tokens). The answer holds the secret; it is stored hashed and cannot be shown again.
#[utoipa::path(post, path = "/api/v1/backoffice/tokens", tag = "access", request_body = CreateApiTokenRequest,
    responses((status = 201, body = CreatedApiToken), (status = 403), (status = 422)))]
pub(crate) async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateApiTokenRequest>,
) -> ApiResult<(StatusCode, ApiJson<CreatedApiToken>)> {
    caller.require_admin()?;
    if caller.api_token {
        return Err(ApiError::Forbidden("API tokens are created from a signed-in session, not with a token".into()));
    }
    let name = req.name.trim();
    let mut fields = serde_json::Map::new();
    if name.is_empty() || name.chars().count() > 100 {
        fields.insert("name".into(), json!([{"code": "invalid_length", "message": "1 to 100 characters"}]));
    }
    if !(1..=MAX_TOKEN_DAYS).contains(&req.expires_in_days) {
        fields.insert(
            "expires_in_days".into(),
            json!([{"code": "out_of_range", "message": format!("1 to {MAX_TOKEN_DAYS} days")}]),
        );
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation(json!({ "fields": fields })));
    }
    let secret = co2_platform::auth::new_api_token()?;
    let scope = match req.scope {
        TokenScope::Read => "read",
        TokenScope::Write => "write",
    };
    let expires_at = chrono::Utc::now() + chrono::Duration::days(i64::from(req.expires_in_days));
    let mut tx = ctx.pools.write.begin().await?;
    let id =
        co2_db::token::create(&mut *tx, caller.user.app_user_id, name, scope, &secret.hash, &secret.prefix, expires_at)
            .await?;
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "token.created",
        Some(&id.to_string()),
        json!({"name": name, "scope": scope, "expires_at": expires_at, "prefix": secret.prefix}),
    )
    .await?;
    let row = co2_db::token::get(&mut *tx, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the new token is not readable")))?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedApiToken { secret: secret.secret, token: view(row) })))
}

/// Revokes a token (admin): its next use is refused. Revoking a revoked token is a 409.
#[utoipa::path(delete, path = "/api/v1/backoffice/tokens/{token_id}", tag = "access",
    params(("token_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn revoke(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(token_id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    let mut tx = ctx.pools.write.begin().await?;
    let token = co2_db::token::get(&mut *tx, token_id)
        .await?
        .ok_or_else(|| ApiError::not_found("token_not_found", "no such API token"))?;
    if !co2_db::token::revoke(&mut *tx, token_id, &caller.user.institutional_id).await? {
        return Err(ApiError::conflict("token_revoked", "the token is already revoked"));
    }
    co2_db::audit::append(
        &mut tx,
        &caller.user.institutional_id,
        "token.revoked",
        Some(&token_id.to_string()),
        json!({"name": token.name, "owner": token.owner}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
