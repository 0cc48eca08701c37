//! Personal API tokens: rows keyed by the SHA-256 of the secret (the secret itself is never
//! stored), with scope, expiry and revocation.

use crate::DbResult;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// A token row with its owner.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub api_token_id: Uuid,
    pub owner: String,
    pub owner_name: String,
    pub name: String,
    pub scope: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "select t.api_token_id, u.institutional_id as owner, u.display_name as owner_name, t.name,
        t.scope, t.prefix, t.created_at, t.expires_at, t.revoked_at, t.revoked_by, t.last_used_at
     from api_token t join app_user u on u.app_user_id = t.app_user_id";

/// Stores a new token for `user`.
pub async fn create(
    db: impl PgExecutor<'_>,
    user: Uuid,
    name: &str,
    scope: &str,
    token_hash: &str,
    prefix: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<Uuid> {
    Ok(crate::sql::query_scalar(
        "insert into api_token (app_user_id, name, scope, token_hash, prefix, expires_at)
         values ($1, $2, $3, $4, $5, $6) returning api_token_id",
    )
    .bind(user)
    .bind(name)
    .bind(scope)
    .bind(token_hash)
    .bind(prefix)
    .bind(expires_at)
    .fetch_one(db)
    .await?)
}

/// One token by id.
pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<TokenRow>> {
    Ok(crate::sql::query_as::<TokenRow>(sqlx::AssertSqlSafe(format!("{SELECT} where t.api_token_id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// Every token (or one owner's), newest first.
pub async fn list(db: impl PgExecutor<'_>, owner: Option<Uuid>) -> DbResult<Vec<TokenRow>> {
    Ok(crate::sql::query_as::<TokenRow>(sqlx::AssertSqlSafe(format!(
        "{SELECT} where $1::uuid is null or t.app_user_id = $1 order by t.created_at desc, t.api_token_id"
    )))
    .bind(owner)
    .fetch_all(db)
    .await?)
}

/// Revokes a live token; `false` when it was already revoked (or does not exist).
pub async fn revoke(db: impl PgExecutor<'_>, id: Uuid, by: &str) -> DbResult<bool> {
    let n = crate::sql::query(
        "update api_token set revoked_at = now(), revoked_by = $2 where api_token_id = $1 and revoked_at is null",
    )
    .bind(id)
    .bind(by)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The owner and scope of a live (unrevoked, unexpired) token with this hash. Marks it used,
/// at most once a minute so a busy script does not turn every read into a write.
pub async fn authenticate(db: impl PgExecutor<'_>, token_hash: &str) -> DbResult<Option<(Uuid, String)>> {
    Ok(crate::sql::query_as::<(Uuid, String)>(
        "with live as (
             select api_token_id, app_user_id, scope, last_used_at from api_token
             where token_hash = $1 and revoked_at is null and expires_at > now()
         ), touched as (
             update api_token t set last_used_at = now() from live
             where t.api_token_id = live.api_token_id
               and (live.last_used_at is null or live.last_used_at < now() - interval '1 minute')
         )
         select app_user_id, scope from live",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?)
}
