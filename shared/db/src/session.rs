//! Sessions: one row per sign-in, named by the session token's `sid`. A session ends when its
//! owner signs out (here or everywhere) or an administrator revokes it; the read of the caller's
//! grants ([`crate::org::person_with_grants`]) refuses an ended or expired one.

use crate::DbResult;
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// How long ended and expired sessions are kept (for the audit view) before a new sign-in of the
/// same person deletes them.
pub const KEPT_AFTER_EXPIRY_DAYS: i32 = 30;

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    SignedOut,
    SignedOutEverywhere,
    Revoked,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            EndReason::SignedOut => "signed_out",
            EndReason::SignedOutEverywhere => "signed_out_everywhere",
            EndReason::Revoked => "revoked",
        }
    }
}

/// A session of a person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub via: String,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<String>,
    pub ended_reason: Option<String>,
}

/// Opens a session for `user` until `expires_at` (`via`: `oidc` or `dev`) and drops the person's
/// sessions that ended or expired long ago.
pub async fn open(db: &mut sqlx::PgConnection, user: Uuid, expires_at: DateTime<Utc>, via: &str) -> DbResult<Uuid> {
    crate::sql::query(
        "delete from app_session where app_user_id = $1
           and coalesce(ended_at, expires_at) < now() - make_interval(days => $2)",
    )
    .bind(user)
    .bind(KEPT_AFTER_EXPIRY_DAYS)
    .execute(&mut *db)
    .await?;
    Ok(crate::sql::query_scalar(
        "insert into app_session (app_user_id, expires_at, via) values ($1, $2, $3) returning session_id",
    )
    .bind(user)
    .bind(expires_at)
    .bind(via)
    .fetch_one(&mut *db)
    .await?)
}

/// Ends one live session of `user`; `false` when it was not live (or not theirs).
pub async fn end(db: impl PgExecutor<'_>, user: Uuid, session: Uuid, by: &str, why: EndReason) -> DbResult<bool> {
    let n = crate::sql::query(
        "update app_session set ended_at = now(), ended_by = $3, ended_reason = $4
         where session_id = $2 and app_user_id = $1 and ended_at is null",
    )
    .bind(user)
    .bind(session)
    .bind(by)
    .bind(why.as_str())
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Ends every live session of `user`; the number ended.
pub async fn end_all(db: impl PgExecutor<'_>, user: Uuid, by: &str, why: EndReason) -> DbResult<u64> {
    Ok(crate::sql::query(
        "update app_session set ended_at = now(), ended_by = $2, ended_reason = $3
         where app_user_id = $1 and ended_at is null and expires_at > now()",
    )
    .bind(user)
    .bind(by)
    .bind(why.as_str())
    .execute(db)
    .await?
    .rows_affected())
}

/// The sessions of `user` still kept, newest first.
pub async fn list(db: impl PgExecutor<'_>, user: Uuid) -> DbResult<Vec<SessionRow>> {
    Ok(crate::sql::query_as::<SessionRow>(
        "select session_id, started_at, expires_at, via, ended_at, ended_by, ended_reason
         from app_session where app_user_id = $1 order by started_at desc, session_id",
    )
    .bind(user)
    .fetch_all(db)
    .await?)
}
